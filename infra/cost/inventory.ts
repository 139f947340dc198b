/**
 * What a synthesized kismo template holds that costs money: read from the CloudFormation JSON
 * itself (`cdk synth`), so the bill follows the stack as it is, not as a document says it is.
 */
export interface CfnTemplate {
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are JSON of any shape, read field by field
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: any }>>;
}

export interface FunctionItem {
  readonly logicalId: string;
  readonly name: string;
  readonly memoryMb: number;
}

/** An EventBridge rule on the kismo bus and the function its queue feeds. */
export interface RuleItem {
  readonly logicalId: string;
  readonly sources: readonly string[];
  readonly detailTypes: readonly string[];
  /** The function reading the rule's target queue; `undefined` for other targets (the event log). */
  readonly function?: string;
  /** A rule on the default bus that forwards AWS events to the kismo bus. */
  readonly forwards: boolean;
}

export interface ScheduleItem {
  readonly logicalId: string;
  readonly expression: string;
  readonly timeZone: string;
  readonly function: string;
  /** Through the service's queue, or straight to its function. */
  readonly via: 'queue' | 'function';
}

export interface Inventory {
  readonly functions: readonly FunctionItem[];
  /** Queues a Lambda event source mapping polls, around the clock. */
  readonly polledQueues: number;
  readonly rules: readonly RuleItem[];
  readonly schedules: readonly ScheduleItem[];
  /** Metrics each alarm watches (CloudWatch charges per alarm metric). */
  readonly alarmMetrics: number;
  readonly alarms: number;
  readonly dashboards: number;
  readonly secrets: number;
  readonly kmsKeys: number;
  readonly archives: number;
  /** Functions with a public URL (invoked by people, not by events). */
  readonly functionUrls: readonly string[];
  /** Whether any role may put custom metrics (the instances' reporter once did, five per instance). */
  readonly putsCustomMetrics: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: as above
type Resource = { Type: string; Properties?: any };

const refOf = (value: unknown): string | undefined => {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return v.Ref ?? v['Fn::GetAtt']?.[0];
};

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** The inventory of a synthesized template. */
export function inventoryOf(template: CfnTemplate): Inventory {
  const all = Object.entries(template.Resources) as [string, Resource][];
  const ofType = (type: string) => all.filter(([, r]) => r.Type === type);

  const functions = ofType('AWS::Lambda::Function').map(
    ([logicalId, r]): FunctionItem => ({
      logicalId,
      name: typeof r.Properties?.FunctionName === 'string' ? r.Properties.FunctionName : logicalId,
      memoryMb: Number(r.Properties?.MemorySize ?? 128),
    }),
  );
  const nameOf = new Map(functions.map((f) => [f.logicalId, f.name]));
  const mappings = ofType('AWS::Lambda::EventSourceMapping');
  // Which function reads each queue: the event source mapping names both.
  const readerOf = new Map(
    mappings.flatMap(([, r]) => {
      const queue = refOf(r.Properties?.EventSourceArn);
      const fn = refOf(r.Properties?.FunctionName);
      return queue && fn ? [[queue, nameOf.get(fn) ?? fn] as const] : [];
    }),
  );

  const buses = new Set(ofType('AWS::Events::EventBus').map(([id]) => id));
  const rules = ofType('AWS::Events::Rule').map(([logicalId, r]): RuleItem => {
    const pattern = r.Properties?.EventPattern ?? {};
    const targets = list(r.Properties?.Targets) as { Arn?: unknown }[];
    const queue = targets.map((t) => refOf(t.Arn)).find((id) => id && readerOf.has(id));
    return {
      logicalId,
      sources: list(pattern.source).map(String),
      detailTypes: list(pattern['detail-type']).map(String),
      ...(queue ? { function: readerOf.get(queue) } : {}),
      forwards: targets.some((t) => buses.has(refOf(t.Arn) ?? '')),
    };
  });

  const schedules = ofType('AWS::Scheduler::Schedule').map(([logicalId, r]): ScheduleItem => {
    const target = refOf(r.Properties?.Target?.Arn) ?? '';
    const direct = nameOf.get(target);
    return {
      logicalId,
      expression: String(r.Properties?.ScheduleExpression),
      timeZone: String(r.Properties?.ScheduleExpressionTimezone ?? 'UTC'),
      function: direct ?? readerOf.get(target) ?? target,
      via: direct ? 'function' : 'queue',
    };
  });

  const alarms = ofType('AWS::CloudWatch::Alarm');
  const alarmMetrics = alarms.reduce((sum, [, r]) => {
    const queries = list(r.Properties?.Metrics) as { MetricStat?: unknown }[];
    return sum + (queries.length > 0 ? queries.filter((q) => q.MetricStat).length : 1);
  }, 0);

  const policies = [
    ...ofType('AWS::IAM::Policy'),
    ...ofType('AWS::IAM::ManagedPolicy'),
    ...ofType('AWS::IAM::Role'),
  ];
  const putsCustomMetrics = policies.some(([, r]) =>
    JSON.stringify(r.Properties ?? {}).includes('cloudwatch:PutMetricData'),
  );

  return {
    functions,
    polledQueues: mappings.length,
    rules,
    schedules,
    alarmMetrics,
    alarms: alarms.length,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    secrets: ofType('AWS::SecretsManager::Secret').length,
    kmsKeys: ofType('AWS::KMS::Key').length,
    archives: ofType('AWS::Events::Archive').length,
    functionUrls: ofType('AWS::Lambda::Url').map(
      ([, r]) => nameOf.get(refOf(r.Properties?.TargetFunctionArn) ?? '') ?? '',
    ),
    putsCustomMetrics,
  };
}
