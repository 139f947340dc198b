import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ServiceWiring } from './service-wiring';

export interface OperationsProps {
  /** Every wired service, by name. */
  readonly services: readonly { readonly name: string; readonly wiring: ServiceWiring }[];
  /** The bus's event log (every event on the kismo bus). */
  readonly eventLog: ILogGroup;
  /** The stack's one dead-letter queue. */
  readonly deadLetters: IQueue;
  /** Whether to make the dashboard ($3.00 a month beyond the free tier's three). @default false */
  readonly dashboard?: boolean;
  /** @default 'kismo' */
  readonly dashboardName?: string;
}

/** The placeholders people replace in the saved queries. */
export const QUERY_PLACEHOLDERS = { sessionId: 'SESSION_ID', owner: 'OWNER' } as const;

/**
 * What operators look at: two saved Logs Insights queries that follow a session or an owner
 * through every function's logs and the bus's event log (no charge until run), and, when asked
 * for, one dashboard (events per type, errors, dead letters, instances).
 */
export class Operations extends Construct {
  readonly dashboard?: Dashboard;
  readonly bySession: QueryDefinition;
  readonly byOwner: QueryDefinition;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const logGroups = [props.eventLog, ...props.services.map((s) => s.wiring.function.logGroup)];

    this.bySession = new QueryDefinition(this, 'BySession', {
      queryDefinitionName: 'kismo/by-session',
      queryString: correlationQuery('sessionId', QUERY_PLACEHOLDERS.sessionId),
      logGroups,
    });
    this.byOwner = new QueryDefinition(this, 'ByOwner', {
      queryDefinitionName: 'kismo/by-owner',
      queryString: correlationQuery('owner', QUERY_PLACEHOLDERS.owner),
      logGroups,
    });

    if (!props.dashboard) return;
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? 'kismo',
      defaultInterval: Duration.days(7),
    });
    this.dashboard = dashboard;
    const perService = (metric: (wiring: ServiceWiring, label: string) => IMetric | undefined): IMetric[] =>
      props.services.flatMap(({ name, wiring }) => metric(wiring, `kismo-${name}`) ?? []);
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# kismo\nEvents on the bus, what failed, what waits in dead-letter queues, and the instances. ' +
          'Follow one session or owner with the saved queries `kismo/by-session` and `kismo/by-owner`.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Events per type',
        logGroupNames: [props.eventLog.logGroupName],
        queryLines: ['stats count(*) as events by source, `detail-type`', 'sort events desc'],
        view: LogQueryVisualizationType.TABLE,
        width: 12,
        height: 8,
      }),
      new LogQueryWidget({
        title: 'Instances by last known state (EC2 state changes in this period)',
        logGroupNames: [props.eventLog.logGroupName],
        queryLines: [
          'filter source = "aws.ec2"',
          'stats latest(detail.state) as state by `detail.instance-id`',
          'stats count(*) as instances by state',
        ],
        view: LogQueryVisualizationType.BAR,
        width: 12,
        height: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors (whole invocations)',
        left: perService((w, label) => w.function.metricErrors({ period: Duration.minutes(5), label })),
        width: 8,
        height: 6,
      }),
      new GraphWidget({
        title: 'Dead letters waiting (all services)',
        left: [
          props.deadLetters.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
            label: 'kismo-dead-letters',
          }),
        ],
        width: 8,
        height: 6,
      }),
      new GraphWidget({
        title: 'Oldest message waiting (seconds)',
        left: perService((w, label) =>
          w.queue?.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(5),
            statistic: 'Maximum',
            label,
          }),
        ),
        width: 8,
        height: 6,
      }),
    );
  }
}

/** Every line of a session's or an owner's story: the functions' logs carry the key at top level, events in `detail`. */
function correlationQuery(key: 'sessionId' | 'owner', placeholder: string): QueryString {
  return new QueryString({
    fields: [
      '@timestamp',
      '@log',
      'service',
      'level',
      'message',
      'detailType',
      '`detail-type`',
      'sessionId',
      'instanceId',
    ],
    filterStatements: [`${key} = "${placeholder}" or detail.${key} = "${placeholder}"`],
    sort: '@timestamp asc',
    limit: 1000,
  });
}
