import { randomUUID } from 'node:crypto';
import type { ObjectChange } from './gateway';

let sequence = 0n;

/** S3's sequencer: a hex string that grows with each change, for ordering events of one key. */
function nextSequencer(): string {
  sequence += 1n;
  return (BigInt(Date.now()) * 1000n + sequence).toString(16).toUpperCase().padStart(16, '0');
}

/** The `detail-type` and `detail` S3's EventBridge integration sends for a change. */
export function s3EventOf(
  change: ObjectChange,
  account: string,
): { detailType: string; detail: Record<string, unknown> } {
  const object: Record<string, unknown> = { key: change.key, sequencer: nextSequencer() };
  if (change.type === 'created') {
    object.size = change.size ?? 0;
    object.etag = (change.etag ?? '').replace(/"/g, '');
  }
  if (change.versionId) object['version-id'] = change.versionId;
  const detail: Record<string, unknown> = {
    version: '0',
    bucket: { name: change.bucket },
    object,
    'request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
    requester: account,
    'source-ip-address': '127.0.0.1',
    reason: change.reason,
  };
  if (change.type === 'deleted') detail['deletion-type'] = 'Permanently Deleted';
  return { detailType: change.type === 'created' ? 'Object Created' : 'Object Deleted', detail };
}
