import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PERMISSION_SET } from '../iam/local-iam';
import { escapeXml } from '../s3-text';
import type { Check, Guard, Refusal } from './guard';

/** The Query APIs the local cloud serves, by the service a request's signature names. */
const QUERY_SERVICES = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
} as const;
type QueryService = keyof typeof QUERY_SERVICES;

export interface IdentityApisOptions {
  readonly region: string;
  readonly account: string;
  /** The outputs of the local cloud's stand-in for the `kismo` stack, as the CLI reads them. */
  readonly stackOutputs: () => Readonly<Record<string, string>>;
}

/**
 * Who am I, and where is kismo, as AWS answers them: STS `GetCallerIdentity`, IAM `ListUserTags`,
 * CloudFormation `DescribeStacks` (of the `kismo` stack), and Identity Center's portal
 * (`GetRoleCredentials`, which the SDK calls for an SSO profile). With them the CLI's AWS path
 * (`kismo init`, its owner, an SSO sign-in) runs against the local cloud, judged by IAM as on AWS.
 */
export class IdentityApis {
  constructor(
    private readonly options: IdentityApisOptions,
    private readonly guard: Guard | undefined,
  ) {}

  /** Whether the request is for one of these APIs (by its path, or the service its signature names). */
  serves(request: IncomingMessage): boolean {
    if (request.method === 'GET' && pathOf(request) === '/federation/credentials') return true;
    return serviceOf(request) !== undefined;
  }

  async answer(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    if (pathOf(request) === '/federation/credentials') return this.portal(request, response);
    const service = serviceOf(request) as QueryService;
    const guard = this.guard;
    if (!guard) {
      return sendQueryError(response, service, {
        status: 501,
        code: 'NotImplemented',
        message: 'the local cloud answers who you are only with IAM on: run `kismo dev` without --no-iam',
      });
    }
    const params = new URLSearchParams(body.toString('utf8'));
    for (const [key, value] of new URL(request.url ?? '/', 'http://local').searchParams)
      params.set(key, value);
    const action = params.get('Action') ?? '';
    const { region, account } = this.options;
    const stackName = params.get('StackName') ?? '';
    const isKismo = stackName === 'kismo' || stackName === guard.iam.stackId;
    const known: Record<string, () => Check[]> = {
      'sts.GetCallerIdentity': () => [],
      'iam.ListUserTags': () => [
        {
          action: 'iam:ListUserTags',
          resource: `arn:aws:iam::${account}:user/${params.get('UserName') ?? ''}`,
        },
      ],
      'cloudformation.DescribeStacks': () => [
        {
          action: 'cloudformation:DescribeStacks',
          // Without a stack name, DescribeStacks lists every stack: IAM judges it on `*`.
          resource: isKismo
            ? guard.iam.stackId
            : stackName
              ? `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/*`
              : '*',
        },
      ],
    };
    const checks = known[`${service}.${action}`];
    if (!checks) {
      return sendQueryError(response, service, {
        status: 400,
        code: 'InvalidAction',
        message: `the local cloud does not serve ${service} ${action || '(no Action)'}`,
      });
    }
    const verdict = await guard.query(request, body, checks);
    if ('refusal' in verdict) return sendQueryError(response, service, verdict.refusal);
    const who = verdict.principal;

    if (action === 'GetCallerIdentity') {
      return sendQueryResult(
        response,
        service,
        action,
        `<Arn>${escapeXml(who.arn)}</Arn><UserId>${escapeXml(who.userId)}</UserId><Account>${account}</Account>`,
      );
    }
    if (action === 'ListUserTags') {
      const user = guard.iam.identities.user(params.get('UserName') ?? '');
      if (!user) {
        return sendQueryError(response, service, {
          status: 404,
          code: 'NoSuchEntity',
          message: `The user with name ${params.get('UserName')} cannot be found.`,
        });
      }
      const tags = Object.entries(user.tags)
        .map(
          ([key, value]) => `<member><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></member>`,
        )
        .join('');
      return sendQueryResult(
        response,
        service,
        action,
        `<IsTruncated>false</IsTruncated><Tags>${tags}</Tags>`,
      );
    }
    if (!isKismo) {
      return sendQueryError(response, service, {
        status: 400,
        code: 'ValidationError',
        message: `Stack with id ${stackName} does not exist`,
      });
    }
    const outputs = Object.entries(this.options.stackOutputs())
      .map(
        ([key, value]) =>
          `<member><OutputKey>${escapeXml(key)}</OutputKey><OutputValue>${escapeXml(value)}</OutputValue></member>`,
      )
      .join('');
    return sendQueryResult(
      response,
      service,
      action,
      `<Stacks><member><StackName>kismo</StackName><StackId>${escapeXml(guard.iam.stackId)}</StackId><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00.000Z</CreationTime><Outputs>${outputs}</Outputs></member></Stacks>`,
    );
  }

  /** Identity Center's `GetRoleCredentials`: an access token (from `aws sso login`) for a role's credentials. */
  private portal(request: IncomingMessage, response: ServerResponse): void {
    const query = new URL(request.url ?? '/', 'http://local').searchParams;
    const token = request.headers['x-amz-sso_bearer_token'];
    const credentials = typeof token === 'string' ? this.guard?.iam.portalCredentials(token) : undefined;
    const refuse = (status: number, type: string, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
      response.end(JSON.stringify({ message }));
    };
    if (!credentials) {
      refuse(401, 'UnauthorizedException', 'Session token not found or invalid');
      return;
    }
    if (query.get('account_id') !== this.options.account || query.get('role_name') !== PERMISSION_SET) {
      refuse(403, 'ForbiddenException', 'No access');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        roleCredentials: {
          ...credentials,
          // Valid for an hour, as Identity Center's are by default.
          expiration: Date.now() + 3_600_000,
        },
      }),
    );
  }
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://local').pathname;
}

/** The service a signed request names in its credential scope, when it is one of these APIs. */
function serviceOf(request: IncomingMessage): QueryService | undefined {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    String(request.headers.authorization ?? ''),
  );
  const service = scope?.[1];
  return service && service in QUERY_SERVICES ? (service as QueryService) : undefined;
}

function sendQueryResult(
  response: ServerResponse,
  service: QueryService,
  action: string,
  result: string,
): void {
  const body = `<${action}Response xmlns="${QUERY_SERVICES[service]}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(body);
}

function sendQueryError(response: ServerResponse, service: QueryService, refusal: Refusal): void {
  const body = `<ErrorResponse xmlns="${QUERY_SERVICES[service]}"><Error><Type>Sender</Type><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  response.writeHead(refusal.status, { 'content-type': 'text/xml' });
  response.end(body);
}
