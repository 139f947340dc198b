// The launcher's logic through the kit's delivery path, over in-memory S3 and the simulated EC2.
import { afterEach, describe, expect, it } from 'vitest';
import { type LaunchSpec, TAGS } from '../../../services/kit/ports';
import { OWNER, SESSION_ID } from '../../factories/events';
import { sessionManifest } from '../../factories/manifest';
import { bootstrapOf } from '../../support/user-data';
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

describe('launcher', () => {
  it('launches one tagged instance with the session id as client token and announces it', async () => {
    // Prepare
    const { objects, bus, ec2 } = start();
    const key = await pushSession(
      objects,
      sessionManifest({ options: { run: 'python train.py', afterRun: 'terminate' } }),
    );

    // Act
    await harness.deliver(key);

    // Assess
    const [instance, ...others] = await harness.instancesOf(SESSION_ID);
    expect(others).toEqual([]);
    expect(instance?.tags).toEqual({
      [TAGS.managed]: 'true',
      [TAGS.owner]: OWNER,
      [TAGS.session]: SESSION_ID,
      Name: `kismo-${OWNER}-${SESSION_ID}`,
    });
    const userData = bootstrapOf(ec2.userData(instance?.instanceId ?? ''));
    expect(userData).toContain(`readonly SESSION_ID='${SESSION_ID}'`);
    expect(userData).toContain(`readonly RUN_B64='${Buffer.from('python train.py').toString('base64')}'`);
    expect(bus.published('Instance Launched')).toEqual([
      {
        version: 1,
        owner: OWNER,
        sessionId: SESSION_ID,
        instanceId: instance?.instanceId,
        instanceType: 'p3.2xlarge',
        availabilityZone: 'local-1a',
        subnetId: 'subnet-local-a',
        dataset: { prefix: `users/${OWNER}/datasets/sample/`, files: 3, bytes: 2078 },
        launchedAt: '2026-11-28T15:31:00.000Z',
      },
    ]);
    expect(bus.published('Launch Failed')).toEqual([]);
  });

  it('renders the configured idle thresholds into the user data, for the instance’s reporter', async () => {
    // Prepare
    const { objects, ec2 } = start({
      config: { idle: { thresholds: { gpu: 15, memory: 25.5, cpu: 10, sessions: 2 } } },
    });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);

    // Assess
    const [instance] = await harness.instancesOf(SESSION_ID);
    const userData = bootstrapOf(ec2.userData(instance?.instanceId ?? ''));
    expect(userData).toContain(
      [
        "readonly IDLE_THRESHOLD_GPU='15'",
        "readonly IDLE_THRESHOLD_MEMORY='25.5'",
        "readonly IDLE_THRESHOLD_CPU='10'",
        "readonly IDLE_THRESHOLD_SESSIONS='2'",
      ].join('\n'),
    );
  });

  it('launches once and announces once when the same event comes five times', async () => {
    // Prepare
    const { objects, bus } = start();
    const key = await pushSession(objects);

    // Act
    for (let i = 0; i < 5; i++) await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toHaveLength(1);
    expect(bus.published('Instance Launched')).toHaveLength(1);
  });

  it('announces on the redelivery when publishing failed after RunInstances', async () => {
    // Prepare
    const { objects, bus, ec2 } = start();
    const key = await pushSession(objects);
    bus.failures = 1;

    // Act
    const first = harness.deliver(key);
    await expect(first).rejects.toThrow(/could not be published/);
    await harness.deliver(key);
    await harness.deliver(key);
    await ec2.settled();

    // Assess
    const instances = await harness.instancesOf(SESSION_ID);
    expect(instances.map((i) => i.state)).toEqual(['running']);
    expect(bus.published('Instance Launched').map((d) => d.instanceId)).toEqual([instances[0]?.instanceId]);
  });

  it('announces an earlier delivery’s instance even when the dataset changed since', async () => {
    // Prepare
    const { objects, bus } = start();
    const key = await pushSession(objects);
    bus.failures = 1;
    await harness.deliver(key).catch(() => {});
    await objects.put(`users/${OWNER}/datasets/sample/added-later.txt`, 'new');

    // Act
    await harness.deliver(key);

    // Assess
    expect(bus.published('Launch Failed')).toEqual([]);
    expect(bus.published('Instance Launched')).toHaveLength(1);
  });

  it('takes over from a delivery that died between RunInstances and publishing', async () => {
    // Prepare: a first delivery launched, then its process died holding the claim.
    const { objects, bus } = start();
    const key = await pushSession(objects);
    bus.failures = 1;
    await harness.deliver(key).catch(() => {});
    const died = JSON.stringify({ state: 'running', at: '2026-11-28T15:20:00Z' });
    await objects.put(`kismo/claims/launcher/${SESSION_ID}`, died);

    // Act
    await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toHaveLength(1);
    expect(bus.published('Instance Launched')).toHaveLength(1);
  });

  it('tries the next subnet when the first has no capacity, and a redelivery finds that instance', async () => {
    // Prepare
    const { objects, bus } = start({
      config: { subnets: ['subnet-a', 'subnet-b', 'subnet-c'] },
      ec2: {
        subnets: ['a', 'b', 'c'].map((z) => ({ subnetId: `subnet-${z}`, availabilityZone: `eu-west-1${z}` })),
        insufficientCapacity: (_, subnetId) => subnetId === 'subnet-a',
      },
    });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);
    await objects.delete(`kismo/claims/launcher/${SESSION_ID}`);
    await harness.deliver(key);

    // Assess
    const instances = await harness.instancesOf(SESSION_ID);
    expect(instances.map((i) => i.subnetId)).toEqual(['subnet-b']);
    expect(bus.published('Instance Launched').map((d) => d.availabilityZone)).toEqual([
      'eu-west-1b',
      'eu-west-1b',
    ]);
  });

  it('fails retryably with insufficient-capacity when no subnet has capacity, leaving no instance', async () => {
    // Prepare
    const { objects, bus } = start({
      config: { subnets: ['subnet-a', 'subnet-b'] },
      ec2: {
        subnets: ['a', 'b'].map((z) => ({ subnetId: `subnet-${z}`, availabilityZone: `eu-west-1${z}` })),
        insufficientCapacity: () => true,
      },
    });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toEqual([]);
    const [failed, ...more] = bus.published('Launch Failed');
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ reason: { code: 'insufficient-capacity' }, retryable: true });
    expect(reasonMessage(failed)).toContain('subnet-a, subnet-b');
  });

  it('terminates the instance it launched when it cannot be announced at all', async () => {
    // Prepare: EC2 answers without an availability zone, which Instance Launched cannot carry.
    const { objects, bus, ec2 } = start({
      compute: (sim) =>
        ({
          ...Object.fromEntries(
            (['describe', 'stop', 'start', 'terminate', 'tag', 'consoleOutput'] as const).map((m) => [
              m,
              sim[m].bind(sim),
            ]),
          ),
          launch: async (spec: LaunchSpec) => ({ ...(await sim.launch(spec)), availabilityZone: '' }),
        }) as never,
    });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);
    await ec2.settled();

    // Assess
    const instances = await harness.instancesOf(SESSION_ID);
    expect(instances.map((i) => i.state)).toEqual(['terminated']);
    expect(bus.published('Instance Launched')).toEqual([]);
    expect(bus.published('Launch Failed')).toMatchObject([
      { reason: { code: 'aws-error' }, retryable: true },
    ]);
  });

  it('lets SQS redeliver when EC2 fails on its side, and launches on the next delivery', async () => {
    // Prepare
    let outage = true;
    const { objects, bus } = start({
      compute: (sim) =>
        new Proxy(sim, {
          get: (target, prop) =>
            prop === 'launch' && outage
              ? async () => {
                  outage = false;
                  throw Object.assign(new Error('internal'), { name: 'InternalError', $fault: 'server' });
                }
              : Reflect.get(target, prop, target).bind(target),
        }),
    });
    const key = await pushSession(objects);

    // Act
    await expect(harness.deliver(key)).rejects.toThrow('internal');
    await harness.deliver(key);

    // Assess
    expect(await harness.instancesOf(SESSION_ID)).toHaveLength(1);
    expect(bus.published('Launch Failed')).toEqual([]);
    expect(bus.published('Instance Launched')).toHaveLength(1);
  });

  it('does not count the owner’s stopped instances, nor other owners’, against the quota', async () => {
    // Prepare
    const { objects, bus, ec2 } = start({ config: { quotaPerOwner: 1 } });
    const stopped = await ec2.launch({
      clientToken: 'old',
      instanceType: 'p3.2xlarge',
      userData: '',
      tags: { [TAGS.managed]: 'true', [TAGS.owner]: OWNER, [TAGS.session]: '20261101-000000-old001' },
    });
    await ec2.settled();
    await ec2.stop([stopped.instanceId]);
    await ec2.launch({
      clientToken: 'other',
      instanceType: 'p3.2xlarge',
      userData: '',
      tags: { [TAGS.managed]: 'true', [TAGS.owner]: 'grace', [TAGS.session]: '20261101-000000-gra001' },
    });
    const key = await pushSession(objects);

    // Act
    await harness.deliver(key);

    // Assess
    expect(bus.published('Instance Launched')).toHaveLength(1);
  });
});
