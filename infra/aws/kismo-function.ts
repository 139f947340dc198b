import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_NODE_OPTIONS } from '../bundling/bundle-function';
import { FunctionBundler } from '../bundling/function-bundler';
import type { Grant } from '../iam/policy';
import { acknowledge, acknowledgeGrants } from './acknowledgements';

/** Lambda refuses a longer description at deploy time, long after synth said nothing. */
const MAX_DESCRIPTION = 256;
const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

export interface KismoFunctionProps {
  /** The Lambda entry, e.g. `services/launcher/handler.ts` (it exports `handler`). */
  readonly entry: string;
  /** The service's kebab-case name: names the function, its log group and its logger. */
  readonly serviceName: string;
  /** @default - none */
  readonly description?: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Besides `POWERTOOLS_SERVICE_NAME` and `NODE_OPTIONS` (`KISMO_CONFIG` is the caller's to give). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** At most this many at once, and always that many available. @default - the account's pool */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Where an asynchronous invocation (a schedule's, straight to the function) goes once Lambda has
   * retried it twice: its payload, with the error in the message's attributes.
   */
  readonly deadLetterQueue?: IQueue;
}

/**
 * A kismo function: the defaults fixed once. arm64 on `nodejs22.x`, an ES module bundled and
 * minified by esbuild with source maps (`infra/bundling`, through `FunctionBundler`), JSON logs at
 * INFO into its own log group with a retention, and a role that may write to that log group and
 * nothing else until it is granted more.
 */
export class KismoFunction extends NodejsFunction {
  readonly #role: Role;

  constructor(scope: Construct, id: string, props: KismoFunctionProps) {
    const functionName = `kismo-${props.serviceName}`;
    // Made beside the function: NodejsFunction takes them as props, before `this` exists.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `kismo ${props.serviceName}: its log group, its queue and its declared capabilities`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      functionName,
      code: FunctionBundler.of(scope).code(props.entry),
      handler: 'index.handler',
      description: props.description && truncate(props.description, MAX_DESCRIPTION),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...(props.deadLetterQueue
        ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(1) }
        : {}),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        ...props.environment,
      },
    });
    this.#role = role;
    acknowledge(this, {
      id: 'AwsSolutions-L1',
      reason:
        'kismo pins Node.js 22 LTS (DESIGN.md §7), the version its tests run on; moving to a newer runtime is a deliberate upgrade',
    });
  }

  /** Adds IAM grants (`infra/iam/`) to the function's role, each wildcard acknowledged with its reason. */
  allow(grants: readonly Grant[]): void {
    for (const grant of grants) this.#role.addToPrincipalPolicy(PolicyStatement.fromJson(grant.statement));
    acknowledgeGrants(this.#role, grants);
  }
}
