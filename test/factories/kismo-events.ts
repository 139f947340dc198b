import { randomUUID } from 'node:crypto';
import {
  alarmStateChange,
  type costEstimated,
  ec2StateChange,
  type instanceBootFailed,
  type instanceIdle,
  type instanceLaunched,
  type instanceReady,
  type instanceRestarted,
  type instanceStopped,
  type instanceTerminated,
  type launchFailed,
  type workFinished,
} from '../../contracts/catalog';
import type { Contract, EventEnvelope } from '../../contracts/kit/contract';
import type { KismoEvent } from '../../contracts/kit/define-event';
import { sessionKey } from '../../contracts/manifest';
import type { FailedMarker, FinishedMarker, ReadyMarker } from '../../contracts/markers';
import type { DetailInput } from '../../contracts/publish';
import type { Delivered } from '../../services/kit/define-service';
import { INSTANCE_ID, instanceReadyDetail, OWNER, objectCreated, SESSION_ID } from './events';

export { INSTANCE_ID, OWNER, SESSION_ID };

/** When the factories' events happened, unless a test says otherwise. */
export const EVENT_TIME = '2026-11-30T01:00:00Z';

/** A kismo event's envelope, as a rule target receives it (detail with its `version`). */
export function kismoEnvelope<C extends KismoEvent>(
  contract: C,
  detail: DetailInput<C>,
  overrides: Partial<Omit<EventEnvelope, 'detail'>> = {},
): EventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': contract.detailType,
    source: contract.source,
    account: '000000000000',
    time: EVENT_TIME,
    region: 'us-east-1',
    resources: [],
    detail: { ...detail, version: contract.version },
    ...overrides,
  };
}

/** The event as a handler receives it: the contract's name, the parsed detail, the envelope. */
export function delivered<C extends Contract>(contract: C, envelope: EventEnvelope): Delivered<C> {
  return {
    name: contract.name,
    detail: contract.detail.parse(envelope.detail),
    envelope,
  } as Delivered<C>;
}

type Overrides<C extends KismoEvent> = Partial<DetailInput<C>>;

export const launched = (
  o: Overrides<typeof instanceLaunched> = {},
): DetailInput<typeof instanceLaunched> => ({
  owner: OWNER,
  sessionId: SESSION_ID,
  instanceId: INSTANCE_ID,
  instanceType: 'p3.2xlarge',
  availabilityZone: 'us-east-1a',
  dataset: { prefix: `users/${OWNER}/datasets/data/`, files: 3, bytes: 4096 },
  launchedAt: EVENT_TIME,
  ...o,
});

export const failedLaunch = (o: Overrides<typeof launchFailed> = {}): DetailInput<typeof launchFailed> => ({
  owner: OWNER,
  sessionId: SESSION_ID,
  reason: { code: 'quota-exceeded', message: 'you already run 2 instances: take one down with kismo down' },
  retryable: false,
  ...o,
});

export const ready = (o: Overrides<typeof instanceReady> = {}): DetailInput<typeof instanceReady> =>
  instanceReadyDetail({ instanceType: 'p3.2xlarge', ...o }) as DetailInput<typeof instanceReady>;

export const bootFailed = (
  o: Overrides<typeof instanceBootFailed> = {},
): DetailInput<typeof instanceBootFailed> => ({
  owner: OWNER,
  sessionId: SESSION_ID,
  instanceId: INSTANCE_ID,
  reason: 'bootstrap-error',
  message: 'dataset check: 3 files expected, 2 found',
  logTail: 'pulling dataset\nerror: 3 files expected, 2 found',
  ...o,
});

export const finished = (o: Overrides<typeof workFinished> = {}): DetailInput<typeof workFinished> => ({
  owner: OWNER,
  sessionId: SESSION_ID,
  instanceId: INSTANCE_ID,
  exitCode: 0,
  seconds: 312,
  outputsPrefix: sessionKey(OWNER, SESSION_ID, 'outputs/'),
  outputsUploaded: true,
  afterRun: 'terminate',
  ...o,
});

export const idle = (o: Overrides<typeof instanceIdle> = {}): DetailInput<typeof instanceIdle> => ({
  owner: OWNER,
  instanceId: INSTANCE_ID,
  readings: { activity: 30 },
  businessHours: true,
  strike: 0,
  action: 'mention',
  ...o,
});

export const stopped = (o: Overrides<typeof instanceStopped> = {}): DetailInput<typeof instanceStopped> => ({
  owner: OWNER,
  instanceId: INSTANCE_ID,
  reason: 'idle',
  hourlyPrice: 3.06,
  ...o,
});

export const restarted = (
  o: Overrides<typeof instanceRestarted> = {},
): DetailInput<typeof instanceRestarted> => ({
  owner: OWNER,
  instanceId: INSTANCE_ID,
  reason: 'business-hours',
  ...o,
});

export const terminated = (
  o: Overrides<typeof instanceTerminated> = {},
): DetailInput<typeof instanceTerminated> => ({
  owner: OWNER,
  instanceId: INSTANCE_ID,
  reason: 'user',
  ...o,
});

export const costed = (o: Overrides<typeof costEstimated> = {}): DetailInput<typeof costEstimated> => ({
  owner: OWNER,
  sessionId: SESSION_ID,
  instanceId: INSTANCE_ID,
  hourly: 3.06,
  accrued: 6.12,
  currency: 'USD',
  basis: 'on-demand us-east-1',
  ...o,
});

/** CloudWatch's alarm state change for one of kismo's alarms. */
export function alarmChanged(o: { alarmName?: string; value?: 'OK' | 'ALARM'; reason?: string } = {}) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': alarmStateChange.detailType,
    source: alarmStateChange.source,
    account: '000000000000',
    time: EVENT_TIME,
    region: 'us-east-1',
    resources: [],
    detail: {
      alarmName: o.alarmName ?? 'kismo-notifier-dead-letters',
      state: {
        value: o.value ?? 'ALARM',
        reason: o.reason ?? 'Threshold Crossed: 1 datapoint [1.0] was >= the threshold (1.0).',
        timestamp: '2026-11-30T01:00:00.000+0000',
      },
      previousState: { value: 'OK', reason: 'ok', timestamp: '2026-11-29T01:00:00.000+0000' },
      configuration: { description: 'Messages in the notifier dead-letter queue' },
    },
  } satisfies EventEnvelope;
}

/** EC2's state-change notification. */
export function ec2Changed(
  state: 'pending' | 'running' | 'stopped' | 'terminated',
  instanceId = INSTANCE_ID,
) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': ec2StateChange.detailType,
    source: ec2StateChange.source,
    account: '000000000000',
    time: EVENT_TIME,
    region: 'us-east-1',
    resources: [`arn:aws:ec2:us-east-1:000000000000:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, state },
  } satisfies EventEnvelope;
}

/** S3's `Object Created` for a marker the bootstrap wrote. */
export function markerWritten(name: 'ready' | 'failed' | 'finished', owner = OWNER, sessionId = SESSION_ID) {
  return objectCreated(sessionKey(owner, sessionId, `${name}.json`));
}

export const readyMarker = (o: Partial<ReadyMarker> = {}): ReadyMarker => ({
  instanceId: INSTANCE_ID,
  at: EVENT_TIME,
  bootSeconds: 41,
  dataSeconds: 7.5,
  files: 3,
  bytes: 4096,
  dataPath: '/data/data',
  ...o,
});

export const failedMarker = (o: Partial<FailedMarker> = {}): FailedMarker => ({
  instanceId: INSTANCE_ID,
  at: EVENT_TIME,
  reason: 'dataset check: 3 files expected, 2 found',
  logTail: 'aws s3 sync …\nerror: 3 files expected, 2 found',
  ...o,
});

export const finishedMarker = (o: Partial<FinishedMarker> = {}): FinishedMarker => ({
  instanceId: INSTANCE_ID,
  at: EVENT_TIME,
  exitCode: 0,
  seconds: 312,
  outputsPrefix: sessionKey(OWNER, SESSION_ID, 'outputs/'),
  outputsUploaded: true,
  afterRun: 'terminate',
  ...o,
});
