import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { instanceReady } from '../../../../contracts/catalog';
import { defineService } from '../../../../services/kit/define-service';
import { logger } from '../../../../services/kit/logger';
import { instanceReadyDetail } from '../../../factories/events';
import { all } from '../../../support/collect';
import { startTestCloud, type TestCloud } from '../../../support/local-cloud';

/** Who the unmanaged instance is: launched by the operator, outside kismo, so no kismo role may touch it. */
let unmanaged = '';

/**
 * A service that reaches past its grants, as a service whose code outgrew its declared
 * capabilities would: it may write `kismo/overreach/*` and stop kismo's instances, and tries a
 * user's prefix and an instance kismo does not manage.
 */
const overreach = defineService({
  name: 'overreach',
  description: 'test: does what its role does not allow',
  consumes: [instanceReady],
  emits: [],
  capabilities: { objects: { write: ['kismo/overreach/*'] }, compute: ['describe', 'stop'] },
  maxReceiveCount: 2,
  idempotent: true,
  async handle(event, { ports }) {
    if (event.name !== 'Instance Ready v1') return;
    if (event.detail.address === 'allowed') await ports.objects.put('kismo/overreach/ok', 'ok');
    if (event.detail.address === 'prefix') await ports.objects.put('users/bob/datasets/x/planted', 'x');
    if (event.detail.address === 'instance') await ports.compute.stop([unmanaged]);
  },
});

/** The service logs (JSON lines) written while `act` runs. */
async function logsOf(act: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      if (line.startsWith('{')) lines.push(JSON.parse(line));
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  await act();
  vi.restoreAllMocks();
  return lines;
}

describe('a request IAM denies inside a service', () => {
  let test: TestCloud;

  beforeAll(async () => {
    // Loggers take their level when their handler is made: raise it before the cloud makes them.
    logger.setLogLevel('INFO');
    test = await startTestCloud({ services: [overreach] });
    const instance = await test.cloud.ec2.launch({
      clientToken: 'unmanaged',
      instanceType: 't3.micro',
      userData: '',
      tags: { Name: 'someone-elses' },
    });
    unmanaged = instance.instanceId;
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    logger.setLogLevel('SILENT');
    await test.stop();
  });

  const ready = (address: string) =>
    test.cloud.bus.envelope('kismo', 'Instance Ready', { ...instanceReadyDetail({ address }), version: 1 });

  it.each([
    ['prefix', 'AccessDenied', /s3:PutObject/],
    ['instance', 'UnauthorizedOperation', /ec2:StopInstances/],
  ])(
    'is retried, then dead-lettered with the reason logged, never dropped (%s)',
    async (address, code, action) => {
      // Act
      const logs = await logsOf(async () => {
        await test.cloud.sendToQueue('overreach', ready(address));
        await test.cloud.sendToQueue('overreach', ready('allowed'));
        await test.cloud.settle();
      });

      // Assess: the denied event is on the dead-letter queue; its neighbour went through.
      const dead = await test.cloud.deadLetters('overreach');
      expect(dead.map((e) => (e.detail as { address: string }).address)).toContain(address);
      expect(dead.map((e) => (e.detail as { address: string }).address)).not.toContain('allowed');
      const failures = logs.filter((l) => l.level === 'ERROR' && l.service === 'overreach');
      expect(failures.length).toBe(2);
      for (const failure of failures) {
        const error = failure.error as { name: string; message: string };
        expect(error.name).toBe(code);
        expect(error.message).toMatch(action);
      }
      const [instance] = await all(test.cloud.ec2.describe({ instanceIds: [unmanaged] }));
      expect(instance?.state).toBe('running');
      const planted = await test.cloud
        .s3()
        .send(new ListObjectsV2Command({ Bucket: test.cloud.bucket, Prefix: 'users/bob/' }));
      expect(planted.KeyCount).toBe(0);
    },
  );
});
