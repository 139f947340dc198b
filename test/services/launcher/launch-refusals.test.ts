// The launcher's refusals: each a Launch Failed with its code and what to do, and no instance.
import { afterEach, describe, expect, it } from 'vitest';
import { sessionKey } from '../../../contracts/manifest';
import { OWNER, SESSION_ID } from '../../factories/events';
import { sessionManifest } from '../../factories/manifest';
import {
  type HarnessOptions,
  type LauncherHarness,
  launcherHarness,
  pushSession,
  reasonMessage,
} from './support/launcher-harness';

let harness: LauncherHarness;

function start(options: HarnessOptions = {}): LauncherHarness {
  harness = launcherHarness(options);
  return harness;
}

afterEach(() => harness.close());

describe('launcher refusals', () => {
  it('refuses with aws-error when EC2 refuses the request itself', async () => {
    // Prepare
    const { objects, bus } = start({
      compute: (sim) =>
        new Proxy(sim, {
          get: (target, prop) =>
            prop === 'launch'
              ? async () => {
                  throw Object.assign(new Error('You have requested more vCPU capacity'), {
                    name: 'VcpuLimitExceeded',
                    $fault: 'client',
                  });
                }
              : Reflect.get(target, prop, target).bind(target),
        }),
    });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);

    // Assess
    expect(bus.published('Launch Failed')).toMatchObject([
      {
        reason: { code: 'aws-error', message: expect.stringContaining('VcpuLimitExceeded') },
        retryable: true,
      },
    ]);
  });

  it('refuses with owner-not-configured when the deployment has no instance role for the owner', async () => {
    // Prepare: the simulated EC2 knows no instance profile of this owner, as EC2 would not.
    const { objects, bus } = start({ ec2: { instanceProfileExists: () => false } });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);

    // Assess
    expect(bus.published('Launch Failed')).toMatchObject([
      {
        reason: {
          code: 'owner-not-configured',
          message: expect.stringMatching(
            new RegExp(
              `^${OWNER} has no instance role \\(kismo-owner-${OWNER}\\).*add "${OWNER}" to owners in cdk\\.json`,
            ),
          ),
        },
        retryable: false,
      },
    ]);
    expect(await harness.instancesOf(SESSION_ID)).toEqual([]);
  });

  const otherOwnersData = sessionManifest();
  it.each([
    ['a body naming another owner', 'owner-mismatch', sessionManifest({ owner: 'mallory' }), undefined],
    [
      'another owner’s dataset',
      'owner-mismatch',
      { ...otherOwnersData, dataset: { ...otherOwnersData.dataset, prefix: 'users/grace/datasets/sample/' } },
      undefined,
    ],
    [
      'a prefix that does not match the dataset name',
      'invalid-manifest',
      {
        ...otherOwnersData,
        dataset: { ...otherOwnersData.dataset, prefix: `users/${OWNER}/datasets/other/` },
      },
      undefined,
    ],
    [
      'a disallowed instance type',
      'instance-type-not-allowed',
      sessionManifest({ instanceType: 'x2iedn.32xlarge' }),
      undefined,
    ],
    ['a manifest that is not JSON', 'invalid-manifest', undefined, '{"schemaVersion": 1, oops'],
    [
      'a manifest that breaks the schema',
      'invalid-manifest',
      undefined,
      JSON.stringify({ schemaVersion: 2 }),
    ],
    [
      'a dataset that is not all there',
      'dataset-missing',
      sessionManifest({ dataset: { files: 4 } }),
      undefined,
    ],
  ] as const)('refuses %s with %s, once, and launches nothing', async (_, code, manifest, raw) => {
    // Prepare
    const { objects, bus } = start();
    const key = await pushSession(objects, manifest ?? sessionManifest());
    if (raw !== undefined) await objects.put(key, raw);

    // Act
    await harness.deliver(key);
    await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toEqual([]);
    expect(bus.published('Instance Launched')).toEqual([]);
    const failures = bus.published('Launch Failed');
    expect(failures).toMatchObject([
      { owner: OWNER, sessionId: SESSION_ID, reason: { code }, retryable: false },
    ]);
    expect(reasonMessage(failures[0])).toMatch(/kismo (push|stop|down)/);
  });

  it('refuses a session over the owner’s quota, naming the instances that use it', async () => {
    // Prepare
    const { objects, bus } = start({ config: { quotaPerOwner: 2 } });
    for (const id of ['20261128-150000-aaaaaa', '20261128-150100-bbbbbb']) {
      await harness.deliver(await pushSession(objects, sessionManifest({ sessionId: id })));
    }
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toEqual([]);
    const [failed] = bus.published('Launch Failed');
    expect(failed).toMatchObject({
      sessionId: SESSION_ID,
      reason: { code: 'quota-exceeded' },
      retryable: true,
    });
    expect(reasonMessage(failed)).toContain('session 20261128-150000-aaaaaa');
  });

  it('refuses a run command too long for EC2 user data, telling what to do instead', async () => {
    // Prepare: random text does not compress, so even the gzip form is too big.
    const noise = Array.from({ length: 4096 }, (_, i) =>
      String.fromCodePoint(0x4e00 + ((i * 7919) % 20000)),
    ).join('');
    const { objects, bus } = start();
    const key = await pushSession(objects, sessionManifest({ options: { run: noise } }));

    // Act
    await harness.deliver(key);

    // Assess
    expect(bus.published('Launch Failed')).toMatchObject([
      {
        reason: {
          code: 'invalid-manifest',
          message: expect.stringContaining('put it in a script inside the dataset'),
        },
      },
    ]);
    expect(await harness.instancesOf(SESSION_ID)).toEqual([]);
    expect(await objects.get(sessionKey(OWNER, SESSION_ID, 'ready.json'))).toBeUndefined();
  });
});
