import type { PolicyDocumentJson } from '../../iam/policy';

/** Who makes a request to the local cloud, as IAM sees the caller. */
export interface Principal {
  /** The caller's ARN as STS reports it: `…:user/alice`, `…:assumed-role/kismo-launcher/local`. */
  readonly arn: string;
  readonly type: 'User' | 'AssumedRole';
  /** `aws:userid`: a user's unique id, or a role session's `role-id:session-name`. */
  readonly userId: string;
  /** `aws:username`, for IAM users only. */
  readonly username?: string;
  /** For a role session: the role's ARN (what resource policies name). */
  readonly roleArn?: string;
  /** `aws:PrincipalTag/<key>`: a user's tags, or a role session's tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Its identity policies, by name. */
  readonly policies: readonly NamedPolicy[];
}

export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocumentJson;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The global condition keys a request carries because of who makes it. */
export function principalContext(principal: Principal, account: string): Record<string, string> {
  const context: Record<string, string> = {
    'aws:PrincipalArn': principal.roleArn ?? principal.arn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalType': principal.type,
    'aws:userid': principal.userId,
  };
  if (principal.username) context['aws:username'] = principal.username;
  for (const [key, value] of Object.entries(principal.tags)) context[`aws:PrincipalTag/${key}`] = value;
  return context;
}
