import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { instanceRoleName } from '../../../contracts/instance-roles';
import { OWNER_TAG } from '../../../contracts/kit/correlation';
import { DEFAULT_STACK_NAME } from '../../../contracts/stack-outputs';
import type { Service } from '../../../services/kit/define-service';
import { dataBucketPolicy } from '../../iam/bucket-policy';
import { ownerInstanceGrants } from '../../iam/instance-grants';
import { type ArnScope, documentOf, type PolicyDocumentJson, statement } from '../../iam/policy';
import { type CapabilityTargets, serviceGrants } from '../../iam/service-grants';
import { userGrants } from '../../iam/user-grants';
import { type AccessRequest, type Decision, PolicyEvaluator } from './evaluator';
import { Identities } from './identities';
import type { Credentials, Principal } from './principal';

/** The local cloud's account, and the names its resources go by. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_LAUNCH_TEMPLATE = 'lt-0000000000local';
export const LOCAL_IMAGE = 'ami-0000000000local';
export const LOCAL_SECURITY_GROUP = 'sg-0000000000local';

/** The permission set people of the local cloud's Identity Center get: `KismoUser`, as docs/deploy.md sets it up. */
export const PERMISSION_SET = 'KismoUser';

/** How a person signs in: as an IAM user, or through Identity Center (a session of a permission set's role). */
export type SignIn = 'iam-user' | 'identity-center';

export interface PersonOptions {
  /** @default 'iam-user' */
  readonly signIn?: SignIn;
  /** Their `kismo-owner` tag: their name unless told; `null` for none (IAM then allows them nothing). */
  readonly owner?: string | null;
}

/** What the local cloud's IAM needs to know of it. */
export interface LocalIamOptions {
  readonly region: string;
  readonly bucket: string;
  readonly busName: string;
  readonly subnets: readonly string[];
  readonly allowedInstanceTypes: readonly string[];
  /** Where users' keys are kept between runs. */
  readonly stateDir: string;
  /** The operator's keys: an administrator of the local account, for `LocalCloud.s3()` and tests. */
  readonly operator: Credentials;
}

/**
 * The IAM of the local cloud: its users (people, with the `KismoUser` policy), the roles of its
 * functions and of each owner's instances, and the data bucket's policy — all built by the code
 * that builds the stack's (infra/iam), and every request judged against them as IAM judges it.
 */
export class LocalIam {
  readonly identities: Identities;
  readonly evaluator: PolicyEvaluator;
  readonly arns: ArnScope;
  readonly targets: CapabilityTargets;
  readonly bucketPolicy: PolicyDocumentJson;
  readonly stackId: string;
  private readonly owners = new Set<string>();
  private readonly instanceSessions = new Map<string, Credentials>();
  /** Identity Center's access tokens (what `aws sso login` caches), to the credentials they give. */
  private readonly portalTokens = new Map<string, Credentials>();

  constructor(options: LocalIamOptions) {
    this.arns = { partition: 'aws', region: options.region, account: LOCAL_ACCOUNT };
    this.identities = new Identities(LOCAL_ACCOUNT, path.join(options.stateDir, 'iam-users.json'));
    this.evaluator = new PolicyEvaluator(LOCAL_ACCOUNT);
    const bucketArn = `arn:aws:s3:::${options.bucket}`;
    this.bucketPolicy = dataBucketPolicy(bucketArn);
    this.stackId = `arn:aws:cloudformation:${options.region}:${LOCAL_ACCOUNT}:stack/${DEFAULT_STACK_NAME}/00000000-0000-0000-0000-000000000000`;
    this.targets = {
      arns: this.arns,
      bucketArn,
      eventBusArn: `arn:aws:events:${options.region}:${LOCAL_ACCOUNT}:event-bus/${options.busName}`,
      launch: {
        launchTemplateId: LOCAL_LAUNCH_TEMPLATE,
        instanceRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/kismo/owners/*`,
        securityGroupId: LOCAL_SECURITY_GROUP,
        subnetIds: options.subnets,
        imageId: LOCAL_IMAGE,
        allowedInstanceTypes: options.allowedInstanceTypes,
      },
    };
    const administrator = documentOf([
      { statement: statement({ sid: 'Administrator', actions: ['*'], resources: ['*'] }) },
    ]);
    this.identities.addUser(
      'operator',
      [{ name: 'AdministratorAccess', document: administrator }],
      {},
      options.operator,
    );
  }

  /**
   * A person, with the `KismoUser` policy: an IAM user, or an Identity Center user (a session of
   * the `KismoUser` permission set's role, named after them). Their owner is their `kismo-owner`
   * tag, set here as an administrator sets it; that owner also gets an instance role and profile,
   * as the stack makes one for each owner it lists. Their keys stay the same from run to run.
   */
  addUser(name: string, { signIn = 'iam-user', owner = name }: PersonOptions = {}): Credentials {
    const policy = documentOf(
      userGrants({ arns: this.arns, bucketArn: this.targets.bucketArn, stackId: this.stackId }),
    );
    const tags: Record<string, string> = owner === null ? {} : { [OWNER_TAG]: owner };
    if (owner !== null) this.owners.add(owner);
    const policies = [{ name: PERMISSION_SET, document: policy }];
    if (signIn === 'iam-user') return this.identities.addUser(name, policies, tags);
    return this.identities.addRoleSession(identityCenterRole(), name, policies, tags, { kept: true });
  }

  /**
   * The access token Identity Center's portal takes for a person who signed in (`aws sso login`
   * caches it): it gives their session's credentials (`GetRoleCredentials`), for this run.
   */
  portalToken(credentials: Credentials): string {
    const token = `aoa${randomBytes(24).toString('base64url')}`;
    this.portalTokens.set(token, credentials);
    return token;
  }

  /** The credentials an access token gives for a role of the account; `undefined` for a token never issued. */
  portalCredentials(token: string): Credentials | undefined {
    return this.portalTokens.get(token);
  }

  /** The session of a function's role, with the grants the stack gives that service. */
  serviceSession(service: Pick<Service, 'name' | 'capabilities' | 'emits'>): Credentials {
    const policy = documentOf(serviceGrants(service, this.targets));
    return this.identities.addRoleSession(`kismo-${service.name}`, 'local', [
      { name: `kismo-${service.name}`, document: policy },
    ]);
  }

  /** Whether an instance profile of this name exists: one per owner added. */
  hasInstanceProfile(name: string): boolean {
    return [...this.owners].some((owner) => instanceRoleName(owner) === name);
  }

  /** The credentials an instance gets from its profile (a session of its owner's role), once per instance. */
  instanceSession(instanceId: string, profile: string): Credentials {
    const known = this.instanceSessions.get(instanceId);
    if (known) return known;
    const owner = [...this.owners].find((o) => instanceRoleName(o) === profile);
    if (!owner) throw new Error(`no instance profile ${profile} in the local cloud`);
    const policy = documentOf(ownerInstanceGrants(owner, this.targets.bucketArn));
    const credentials = this.identities.addRoleSession(profile, instanceId, [
      { name: profile, document: policy },
    ]);
    this.instanceSessions.set(instanceId, credentials);
    return credentials;
  }

  principalOf(credentials: Credentials): Principal {
    return this.identities.principalOf(credentials);
  }

  /** Every check must pass; the first one that does not is the decision. */
  async authorize(
    principal: Principal,
    checks: readonly Omit<AccessRequest, 'principal'>[],
  ): Promise<Decision> {
    for (const check of checks) {
      const decision = await this.evaluator.decide({ principal, ...check });
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }
}

/**
 * The role Identity Center makes in the account for the `KismoUser` permission set: its name ends
 * in a suffix of its own, its path says who made it.
 */
export function identityCenterRole(): { name: string; path: string } {
  const suffix = createHash('sha256').update(`${LOCAL_ACCOUNT}/${PERMISSION_SET}`).digest('hex').slice(0, 16);
  return { name: `AWSReservedSSO_${PERMISSION_SET}_${suffix}`, path: '/aws-reserved/sso.amazonaws.com/' };
}
