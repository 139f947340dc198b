import { Duration } from 'aws-cdk-lib';
import { FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTION_ENV } from '../../contracts/stack-outputs';
import slackActionsEndpoint from '../../services/slack-actions/endpoint';
import type { Grant } from '../iam/policy';
import { acknowledge } from './acknowledgements';
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
 * no more than write owners' requests and its replay claims, and at most two run at once
 * (reserved concurrency): whoever finds the URL can make it refuse requests, at a bounded rate,
 * and nothing else (docs/architecture.md, "Security").
 */
export class SlackEndpoint extends Construct {
  readonly function: KismoFunction;
  readonly url: FunctionUrl;
  readonly signingSecret: Secret;

  constructor(scope: Construct, id: string, props: SlackEndpointProps) {
    super(scope, id);
    const endpoint = slackActionsEndpoint;
    this.signingSecret = new Secret(this, 'SigningSecret', {
      secretName: 'kismo/slack-signing-secret',
      description:
        "kismo: the Slack app's signing secret (Basic Information → App Credentials); set it with `aws secretsmanager put-secret-value`",
    });
    // Created empty, as the bot token's: a generated value would match no Slack app.
    (this.signingSecret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    acknowledge(this.signingSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'a Slack signing secret is issued and regenerated in Slack; rotating it means regenerating it there, not running a rotation Lambda',
    });

    this.function = new KismoFunction(this, 'Function', {
      entry: 'services/slack-actions/handler.ts',
      serviceName: endpoint.name,
      description: endpoint.description,
      timeout: Duration.seconds(endpoint.timeoutSeconds),
      environment: {
        ...props.environment,
        [FUNCTION_ENV.slackSigningSecretArn]: this.signingSecret.secretArn,
      },
      logRetention: props.logRetention,
      reservedConcurrentExecutions: endpoint.reservedConcurrency,
    });
    this.function.allow(props.grants);
    this.signingSecret.grantRead(this.function);

    this.url = new FunctionUrl(this, 'Url', { function: this.function, authType: FunctionUrlAuthType.NONE });
  }
}
