import { Aws, Duration } from 'aws-cdk-lib';
import { FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SLACK_PARAMETERS } from '../../contracts/slack-parameters';
import { FUNCTION_ENV } from '../../contracts/stack-outputs';
import slackActionsEndpoint from '../../services/slack-actions/endpoint';
import type { Grant } from '../iam/policy';
import { slackSigningSecretGrant } from '../iam/service-grants';
import { KismoFunction } from './kismo-function';

export interface SlackEndpointProps {
  /** `KISMO_CONFIG`. */
  readonly environment: Readonly<Record<string, string>>;
  /** IAM from the endpoint's capabilities (`serviceGrants`). */
  readonly grants: readonly Grant[];
  readonly logRetention?: RetentionDays;
}

/**
 * Where Slack posts button presses: a function URL with no IAM auth (Slack cannot sign as an AWS
 * principal), so the Slack signature is its only gate. It runs nothing before checking it, may do
 * no more than write owners' requests and its replay claims and read the signing secret's
 * parameter (`SLACK_PARAMETERS.signingSecret`, never the bot token's), and at most two run at once
 * (reserved concurrency): whoever finds the URL can make it refuse requests, at a bounded rate,
 * and nothing else (docs/architecture.md, "Security").
 */
export class SlackEndpoint extends Construct {
  readonly function: KismoFunction;
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: SlackEndpointProps) {
    super(scope, id);
    const endpoint = slackActionsEndpoint;
    this.function = new KismoFunction(this, 'Function', {
      entry: 'services/slack-actions/handler.ts',
      serviceName: endpoint.name,
      description: endpoint.description,
      timeout: Duration.seconds(endpoint.timeoutSeconds),
      environment: {
        ...props.environment,
        [FUNCTION_ENV.slackSigningSecretParameter]: SLACK_PARAMETERS.signingSecret,
      },
      logRetention: props.logRetention,
      reservedConcurrentExecutions: endpoint.reservedConcurrency,
    });
    this.function.allow([
      ...props.grants,
      slackSigningSecretGrant({ partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID }),
    ]);

    this.url = new FunctionUrl(this, 'Url', { function: this.function, authType: FunctionUrlAuthType.NONE });
  }
}
