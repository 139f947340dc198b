import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateChange } from '../../../../infra/local/ec2/simulated-ec2';
import { SimulatedEc2 } from '../../../../infra/local/ec2/simulated-ec2';
import type { Instance, InstanceState, LaunchSpec } from '../../../../services/kit/ports';
import { InsufficientCapacityError } from '../../../../services/kit/ports';

const clock = { now: () => new Date('2024-04-01T09:00:00.000Z') };

function launchSpec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    clientToken: 'session-1',
    instanceType: 'g5.xlarge',
    userData: '#!/bin/bash\necho hello\n',
    tags: { 'kismo:managed': 'true', 'kismo:owner': 'alice', 'kismo:session': 'session-1' },
    ...overrides,
  };
}

async function all(instances: AsyncIterable<Instance>): Promise<Instance[]> {
  const found: Instance[] = [];
  for await (const instance of instances) found.push(instance);
  return found;
}

/** The transitions reported, as `previous>state`. */
function recorder(): {
  changes: StateChange[];
  seen: () => string[];
  onStateChange: (c: StateChange) => void;
} {
  const changes: StateChange[] = [];
  return {
    changes,
    seen: () => changes.map((c) => `${c.previousState ?? '∅'}>${c.state}`),
    onStateChange: (change) => {
      changes.push(change);
    },
  };
}

async function errorName(action: Promise<unknown>): Promise<string> {
  return action.then(
    () => 'no error',
    (error: Error) => error.name,
  );
}

let dir: string;
let sims: SimulatedEc2[];

function simulation(options: Partial<ConstructorParameters<typeof SimulatedEc2>[0]> = {}): SimulatedEc2 {
  const sim = new SimulatedEc2({ clock, onError: () => {}, ...options });
  sims.push(sim);
  return sim;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kismo-'));
  sims = [];
});

afterEach(() => {
  for (const sim of sims) sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SimulatedEc2 lifecycle', () => {
  it('launches pending, then runs, and reports both changes', async () => {
    // Prepare
    const events = recorder();
    const ec2 = simulation({ onStateChange: events.onStateChange });

    // Act
    const launched = await ec2.launch(launchSpec());
    await ec2.settled();

    // Assess
    expect(launched.state).toBe('pending');
    expect(launched.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(launched).toMatchObject({
      instanceType: 'g5.xlarge',
      subnetId: 'subnet-local-a',
      availabilityZone: 'local-1a',
      launchedAt: '2024-04-01T09:00:00.000Z',
      tags: { 'kismo:owner': 'alice' },
    });
    expect(launched.privateIp).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(events.seen()).toEqual(['∅>pending', 'pending>running']);
    expect(events.changes[1]?.instance.state).toBe('running');
    const [described] = await all(ec2.describe({ instanceIds: [launched.instanceId] }));
    expect(described?.state).toBe('running');
  });

  it('stops through stopping, starts through pending, terminates through shutting-down', async () => {
    // Prepare
    const events = recorder();
    const ec2 = simulation({ onStateChange: events.onStateChange });
    const { instanceId } = await ec2.launch(launchSpec());
    await ec2.settled();

    // Act
    await ec2.stop([instanceId]);
    await ec2.settled();
    await ec2.start([instanceId]);
    await ec2.settled();
    await ec2.terminate([instanceId]);
    await ec2.settled();

    // Assess
    expect(events.seen()).toEqual([
      '∅>pending',
      'pending>running',
      'running>stopping',
      'stopping>stopped',
      'stopped>pending',
      'pending>running',
      'running>shutting-down',
      'shutting-down>terminated',
    ]);
    const terminated = await all(ec2.describe({ states: ['terminated'] }));
    expect(terminated.map((i) => i.instanceId)).toEqual([instanceId]);
    expect(await ec2.consoleOutput(instanceId)).toMatch(
      /kismo-sim: state stopped\n[\s\S]*state terminated\n$/,
    );
  });

  it('stops an instance still pending without it ever running', async () => {
    // Prepare
    const events = recorder();
    const ec2 = simulation({ onStateChange: events.onStateChange, bootDelayMs: 60_000 });
    const { instanceId } = await ec2.launch(launchSpec());

    // Act
    await ec2.stop([instanceId]);
    await ec2.settled();

    // Assess
    expect(events.seen()).toEqual(['∅>pending', 'pending>stopping', 'stopping>stopped']);
  });

  it('delivers the changes of one instance in order, each after the previous callback finished', async () => {
    // Prepare
    const calls: string[] = [];
    const ec2 = simulation({
      onStateChange: async ({ state }) => {
        calls.push(`begin ${state}`);
        await new Promise((resolve) => setTimeout(resolve, state === 'pending' ? 30 : 1));
        calls.push(`end ${state}`);
      },
    });

    // Act
    await ec2.launch(launchSpec());
    await ec2.settled();

    // Assess
    expect(calls).toEqual(['begin pending', 'end pending', 'begin running', 'end running']);
  });

  it('stops or terminates as the shutdown behaviour says when the instance shuts itself down', async () => {
    // Prepare
    const ec2 = simulation();
    const stops = await ec2.launch(launchSpec({ clientToken: 'a', shutdownBehavior: 'stop' }));
    const ends = await ec2.launch(launchSpec({ clientToken: 'b', shutdownBehavior: 'terminate' }));
    await ec2.settled();

    // Act
    await ec2.shutdownFromInside(stops.instanceId);
    await ec2.shutdownFromInside(ends.instanceId);
    await ec2.settled();

    // Assess
    const states = (await all(ec2.describe({}))).map((i) => i.state);
    expect(states).toEqual(['stopped', 'terminated']);
  });
});

describe('SimulatedEc2 requests', () => {
  it('returns the same instance for a repeated client token, and refuses it with other parameters', async () => {
    // Prepare
    const ec2 = simulation();
    const first = await ec2.launch(launchSpec());

    // Act
    const again = await ec2.launch(launchSpec({ tags: { ...launchSpec().tags } }));
    const mismatch = await errorName(ec2.launch(launchSpec({ instanceType: 'p3.2xlarge' })));

    // Assess
    expect(again.instanceId).toBe(first.instanceId);
    expect(mismatch).toBe('IdempotentParameterMismatch');
    expect(await all(ec2.describe({}))).toHaveLength(1);
  });

  it('refuses transitions EC2 refuses and ignores those that change nothing', async () => {
    // Prepare
    const events = recorder();
    const ec2 = simulation({ onStateChange: events.onStateChange, stopDelayMs: 40 });
    const running = await ec2.launch(launchSpec({ clientToken: 'a' }));
    const ended = await ec2.launch(launchSpec({ clientToken: 'b' }));
    await ec2.settled();
    await ec2.terminate([ended.instanceId]);
    await ec2.settled();
    const before = events.changes.length;

    // Act
    await ec2.start([running.instanceId]);
    await ec2.terminate([ended.instanceId]);
    const stopBoth = await errorName(ec2.stop([running.instanceId, ended.instanceId]));
    const startEnded = await errorName(ec2.start([ended.instanceId]));
    const unchanged = events.changes.length;
    await ec2.stop([running.instanceId]);
    const startWhileStopping = await errorName(ec2.start([running.instanceId]));
    await ec2.settled();
    await ec2.stop([running.instanceId]);

    // Assess
    expect(unchanged).toBe(before);
    expect(stopBoth).toBe('IncorrectInstanceState');
    expect(startEnded).toBe('IncorrectInstanceState');
    expect(startWhileStopping).toBe('IncorrectInstanceState');
    expect(events.seen().slice(before)).toEqual(['running>stopping', 'stopping>stopped']);
  });

  it('answers InvalidInstanceID.NotFound for an unknown id', async () => {
    // Prepare
    const ec2 = simulation();
    const unknown = 'i-0123456789abcdef0';

    // Act
    const names = await Promise.all([
      errorName(ec2.stop([unknown])),
      errorName(ec2.tag([unknown], { a: 'b' })),
      errorName(ec2.consoleOutput(unknown)),
      errorName(all(ec2.describe({ instanceIds: [unknown] }))),
    ]);

    // Assess
    expect(names).toEqual(Array(4).fill('InvalidInstanceID.NotFound'));
  });

  it('fails a launch without capacity, so the caller can try another subnet', async () => {
    // Prepare
    const ec2 = simulation({
      subnets: [
        { subnetId: 'subnet-a', availabilityZone: 'local-1a' },
        { subnetId: 'subnet-b', availabilityZone: 'local-1b' },
      ],
      insufficientCapacity: (type, subnetId) => type === 'p3.2xlarge' && subnetId === 'subnet-a',
    });

    // Act
    const refused = await ec2
      .launch(launchSpec({ instanceType: 'p3.2xlarge' }))
      .catch((error: unknown) => error);
    const placed = await ec2.launch(launchSpec({ instanceType: 'p3.2xlarge', subnetId: 'subnet-b' }));

    // Assess
    expect(refused).toBeInstanceOf(InsufficientCapacityError);
    expect(refused).toMatchObject({ instanceType: 'p3.2xlarge', subnetId: 'subnet-a' });
    expect(placed.availabilityZone).toBe('local-1b');
    expect(await all(ec2.describe({}))).toHaveLength(1);
  });

  it('filters by state and exact tag values, and merges new tags', async () => {
    // Prepare
    const ec2 = simulation();
    const alice = await ec2.launch(launchSpec({ clientToken: 'a' }));
    await ec2.launch(launchSpec({ clientToken: 'b', tags: { 'kismo:owner': 'bob' } }));
    await ec2.settled();

    // Act
    await ec2.tag([alice.instanceId], { 'kismo:stopped-by': 'idle-monitor' });
    const found = await all(ec2.describe({ states: ['running'], tags: { 'kismo:owner': 'alice' } }));

    // Assess
    expect(found.map((i) => i.instanceId)).toEqual([alice.instanceId]);
    expect(found[0]?.tags).toEqual({ ...launchSpec().tags, 'kismo:stopped-by': 'idle-monitor' });
    expect(await all(ec2.describe({ tags: { 'kismo:owner': 'al' } }))).toEqual([]);
  });
});

describe('SimulatedEc2 boot', () => {
  it('runs the user data once, after running, in a sandbox of its own', async () => {
    // Prepare
    const boots: { state: InstanceState; userData: string }[] = [];
    const ec2: SimulatedEc2 = simulation({
      sandboxRoot: dir,
      onBoot: async (instance, userData) => {
        boots.push({ state: instance.state, userData });
        ec2.appendConsole(instance.instanceId, 'bootstrap: dataset in place');
      },
    });
    const { instanceId } = await ec2.launch(launchSpec());
    await ec2.settled();

    // Act
    await ec2.stop([instanceId]);
    await ec2.settled();
    await ec2.start([instanceId]);
    await ec2.settled();

    // Assess
    expect(boots).toEqual([{ state: 'running', userData: launchSpec().userData }]);
    expect(ec2.userData(instanceId)).toBe(launchSpec().userData);
    expect(ec2.sandbox(instanceId)).toBe(path.join(dir, instanceId));
    expect(fs.statSync(path.join(dir, instanceId)).isDirectory()).toBe(true);
    expect(await ec2.consoleOutput(instanceId)).toContain('state running\nbootstrap: dataset in place\n');
  });

  it('logs a failed boot to the console and reports it without failing EC2', async () => {
    // Prepare
    const errors: unknown[] = [];
    const ec2 = simulation({
      onError: (error) => errors.push(error),
      onBoot: async () => {
        throw new Error('dataset missing');
      },
    });

    // Act
    const { instanceId } = await ec2.launch(launchSpec());
    await ec2.settled();

    // Assess
    expect(await ec2.consoleOutput(instanceId)).toContain('kismo-sim: user data failed: dataset missing');
    expect(errors).toHaveLength(1);
  });
});

describe('SimulatedEc2 state file', () => {
  it('finds its instances and client tokens again after a restart', async () => {
    // Prepare
    const stateFile = path.join(dir, 'state', 'ec2.json');
    const before = simulation({ stateFile });
    const launched = await before.launch(launchSpec());
    await before.settled();
    await before.tag([launched.instanceId], { note: 'kept' });
    before.close();

    // Act
    const after = simulation({ stateFile });
    const again = await after.launch(launchSpec());

    // Assess
    expect(again.instanceId).toBe(launched.instanceId);
    const [found] = await all(after.describe({}));
    expect(found).toMatchObject({ state: 'running', tags: { note: 'kept' } });
    expect(after.userData(launched.instanceId)).toBe(launchSpec().userData);
    expect(fs.readdirSync(path.dirname(stateFile))).toEqual(['ec2.json']);
  });

  it('finishes a transition a restart interrupted, and then boots', async () => {
    // Prepare
    const stateFile = path.join(dir, 'ec2.json');
    const before = simulation({ stateFile, bootDelayMs: 60_000 });
    const { instanceId } = await before.launch(launchSpec());
    before.close();
    const events = recorder();
    const boots: string[] = [];

    // Act
    const after = simulation({
      stateFile,
      onStateChange: events.onStateChange,
      onBoot: async (instance) => {
        boots.push(instance.instanceId);
      },
    });
    await after.settled();

    // Assess
    expect(events.seen()).toEqual(['pending>running']);
    expect(boots).toEqual([instanceId]);
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    expect(saved.instances[0]).toMatchObject({ instanceId, state: 'running', userDataRan: true });
  });

  it('runs the user data again when a restart cut the boot short', async () => {
    // Prepare
    const stateFile = path.join(dir, 'ec2.json');
    let bootStarted = (): void => {};
    const started = new Promise<void>((resolve) => {
      bootStarted = resolve;
    });
    const neverEnds = new Promise<void>(() => {});
    const before = simulation({
      stateFile,
      onBoot: () => {
        bootStarted();
        return neverEnds;
      },
    });
    const { instanceId } = await before.launch(launchSpec());
    await started;
    before.close();
    const boots: string[] = [];

    // Act
    const after = simulation({ stateFile, onBoot: async (instance) => void boots.push(instance.instanceId) });
    await after.settled();

    // Assess
    expect(boots).toEqual([instanceId]);
  });

  it('refuses a corrupt state file, naming it and saying what to do', () => {
    // Prepare
    const stateFile = path.join(dir, 'ec2.json');
    fs.writeFileSync(stateFile, '{"version":1,"instances":[{"instanceId"');

    // Act
    const construct = () => simulation({ stateFile });

    // Assess
    expect(construct).toThrow(`the simulated EC2 state file ${stateFile} is corrupt`);
    expect(construct).toThrow(/delete it, or pass another --state-dir/);
  });
});
