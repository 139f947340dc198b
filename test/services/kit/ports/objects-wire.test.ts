import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { s3Objects } from '../../../../services/kit/ports/objects';
import { type RecordingServer, startRecordingServer } from '../../../support/recording-server';

// The requests the S3 client really sends (headers, retries), to a server on 127.0.0.1.
describe('s3Objects on the wire', () => {
  let server: RecordingServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const clientFor = (endpoint: string) =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 3,
    });

  it('sends a PUT’s known SHA-256 as its checksum and its signed payload hash, and an empty file as 0 bytes', async () => {
    // Prepare
    server = await startRecordingServer((_, response) => {
      response.writeHead(200, { etag: '"e"' });
      response.end();
    });
    const bucket = s3Objects(clientFor(server.endpoint), 'kismo-local');
    const empty = new Uint8Array();
    const sha256 = createHash('sha256').update(empty).digest('hex');

    // Act
    await bucket.put('users/ana/datasets/d/pkg/__init__.py', empty, { sha256, metadata: { sha256 } });

    // Assess
    const [put] = server.seen;
    expect(put?.method).toBe('PUT');
    expect(put?.url?.split('?')[0]).toBe('/kismo-local/users/ana/datasets/d/pkg/__init__.py');
    expect(put?.headers['content-length']).toBe('0');
    expect(put?.headers['x-amz-content-sha256']).toBe(sha256);
    expect(put?.headers['x-amz-checksum-sha256']).toBe(Buffer.from(sha256, 'hex').toString('base64'));
    expect(put?.headers['x-amz-meta-sha256']).toBe(sha256);
  });

  it('corrects its clock when S3 says the request time is too skewed, as the SDK does, and succeeds', async () => {
    // Prepare: a server whose clock is an hour ahead of this machine's, refusing requests dated
    // more than 15 minutes from its own time, as S3 does.
    const ahead = 3600_000;
    server = await startRecordingServer((request, response) => {
      const serverNow = Date.now() + ahead;
      const sent = String(request.headers['x-amz-date'] ?? '');
      const sentAt = Date.parse(
        sent.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
      );
      const date = new Date(serverNow).toUTCString();
      if (Math.abs(serverNow - sentAt) > 15 * 60_000) {
        response.writeHead(403, { 'content-type': 'application/xml', date });
        response.end(
          '<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error>',
        );
        return;
      }
      response.writeHead(200, { etag: '"e"', 'content-type': 'application/json', date });
      response.end('{"ok":true}');
    });
    const bucket = s3Objects(clientFor(server.endpoint), 'kismo-local');

    // Act
    const object = await bucket.get('users/ana/sessions/s1/status.json');

    // Assess
    expect(new TextDecoder().decode(object?.body)).toBe('{"ok":true}');
    expect(server.seen).toHaveLength(2);
  });
});
