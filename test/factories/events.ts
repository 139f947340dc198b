import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../contracts/kit/contract';

export const OWNER = 'ada';
export const SESSION_ID = '20261128-153000-k3f9qa';
export const INSTANCE_ID = 'i-0abc12345def67890';
export const BUCKET = 'kismo-test';

/** An EventBridge envelope around a detail, as a rule target receives it. */
export function envelope<D>(
  source: string,
  detailType: string,
  detail: D,
  overrides: Partial<Omit<EventEnvelope, 'detail'>> = {},
): EventEnvelope<D> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: '2026-11-28T15:30:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
    ...overrides,
  };
}

/** S3's `Object Created` for a key of the data bucket. */
export function objectCreated(key: string, overrides: Record<string, unknown> = {}): EventEnvelope {
  return envelope('aws.s3', 'Object Created', {
    version: '0',
    bucket: { name: BUCKET },
    object: { key, size: 512, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '000000000000',
    'source-ip-address': '127.0.0.1',
    reason: 'PutObject',
    ...overrides,
  });
}

export function manifestKey(owner = OWNER, sessionId = SESSION_ID): string {
  return `users/${owner}/sessions/${sessionId}/manifest.json`;
}

/** A valid `Instance Ready` detail (without `version`, as a publisher gives it). */
export function instanceReadyDetail(overrides: Record<string, unknown> = {}) {
  return {
    owner: OWNER,
    sessionId: SESSION_ID,
    instanceId: INSTANCE_ID,
    address: '10.0.1.17',
    connect: `aws ssm start-session --target ${INSTANCE_ID}`,
    bootSeconds: 74,
    dataSeconds: 12.5,
    ...overrides,
  };
}
