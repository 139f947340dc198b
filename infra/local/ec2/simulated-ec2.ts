// EC2 for the local cloud: instances follow EC2's state machine on real timers, report every
// change as EC2's state-change notification would, and "boot" through a hook instead of a VM.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type {
  Compute,
  Instance,
  InstanceFilter,
  InstanceState,
  LaunchSpec,
} from '../../../services/kit/ports';
import { InsufficientCapacityError } from '../../../services/kit/ports';
import { Ec2Error } from './ec2-error';
import type { InstanceRecord } from './instance-record';
import {
  appendToConsole,
  assertSameLaunch,
  matchesFilter,
  newInstanceRecord,
  toInstance,
} from './instance-record';
import { PendingWork } from './pending-work';
import { resolveSubnet, type SimulatedEc2Options, type StateChange } from './simulated-ec2-options';
import { loadInstances, saveInstances } from './state-file';
import { actionRules, type InstanceAction, instancesToMove, settlesInto } from './transitions';

export { Ec2Error, type Ec2ErrorCode } from './ec2-error';
export type { SimulatedEc2Options, SimulatedSubnet, StateChange } from './simulated-ec2-options';

/** An in-process EC2 with the real instance lifecycle, client tokens and error codes. */
export class SimulatedEc2 implements Compute {
  readonly #options: SimulatedEc2Options;
  readonly #records = new Map<string, InstanceRecord>();
  /** The last state-change callback per instance: the next one waits for it. */
  readonly #notified = new Map<string, Promise<void>>();
  readonly #booting = new Set<string>();
  readonly #work: PendingWork;

  constructor(options: SimulatedEc2Options) {
    this.#options = options;
    this.#work = new PendingWork((error, id) => this.#report(error, id));
    for (const record of options.stateFile ? loadInstances(options.stateFile) : []) {
      this.#records.set(record.instanceId, record);
    }
    // A restart interrupts no transition: what was under way finishes, and a cut-short boot reruns.
    for (const record of this.#records.values()) {
      this.#makeSandbox(record.instanceId);
      this.#scheduleNext(record);
      if (record.state === 'running') this.#work.track(this.#boot(record));
    }
  }

  async launch(spec: LaunchSpec): Promise<Instance> {
    const earlier = [...this.#records.values()].find((record) => record.clientToken === spec.clientToken);
    if (earlier) {
      assertSameLaunch(earlier, spec);
      return toInstance(earlier);
    }
    const subnet = resolveSubnet(this.#options, spec.subnetId);
    if (spec.instanceProfile && this.#options.instanceProfileExists?.(spec.instanceProfile) === false) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `Value (${spec.instanceProfile}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
      );
    }
    if (this.#options.insufficientCapacity?.(spec.instanceType, subnet.subnetId)) {
      throw new InsufficientCapacityError(spec.instanceType, subnet.subnetId);
    }
    const record = newInstanceRecord(spec, subnet, this.#records.size, this.#options.clock.now());
    this.#records.set(record.instanceId, record);
    this.#makeSandbox(record.instanceId);
    const reported = this.#enter(record, 'pending', undefined);
    const instance = toInstance(record);
    await reported;
    return instance;
  }

  async *describe(filter: InstanceFilter): AsyncIterable<Instance> {
    // As DescribeInstances with InstanceIds: an id EC2 does not know fails the whole call.
    if (filter.instanceIds) this.#find(filter.instanceIds);
    const matching = [...this.#records.values()].filter((record) => matchesFilter(record, filter));
    for (const record of matching) yield toInstance(record);
  }

  stop(instanceIds: readonly string[]): Promise<void> {
    return this.#act('stop', instanceIds);
  }

  start(instanceIds: readonly string[]): Promise<void> {
    return this.#act('start', instanceIds);
  }

  terminate(instanceIds: readonly string[]): Promise<void> {
    return this.#act('terminate', instanceIds);
  }

  async tag(instanceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
    for (const record of this.#find(instanceIds)) Object.assign(record.tags, tags);
    this.#save();
  }

  async consoleOutput(instanceId: string): Promise<string> {
    return this.#get(instanceId).consoleLog;
  }

  /** The user data the instance was launched with, as text. */
  userData(instanceId: string): string {
    return this.#get(instanceId).userData;
  }

  /** The instance profile the instance was launched with (its owner's role), if any. */
  instanceProfileOf(instanceId: string): string | undefined {
    return this.#get(instanceId).instanceProfile;
  }

  /** Adds to the console log, as a boot script writing to the serial console would. */
  appendConsole(instanceId: string, text: string): void {
    appendToConsole(this.#get(instanceId), text);
    this.#save();
  }

  /** The instance's sandbox folder; `undefined` when the simulation has no `sandboxRoot`. */
  sandbox(instanceId: string): string | undefined {
    this.#get(instanceId);
    return this.#options.sandboxRoot && path.join(this.#options.sandboxRoot, instanceId);
  }

  /**
   * The operating system shut itself down (`shutdown -h now` at the end of a run): the instance
   * stops or terminates as its `shutdownBehavior` says. Needs no EC2 right, as on a real instance.
   */
  async shutdownFromInside(instanceId: string): Promise<void> {
    const record = this.#get(instanceId);
    if (record.state !== 'running') return;
    await this.#act(record.shutdownBehavior, [instanceId]);
  }

  /** Resolves when no transition, state-change callback or boot is under way. */
  settled(): Promise<void> {
    return this.#work.settled();
  }

  /** Cancels the timers and saves nothing more: what was under way finishes when the state file is next loaded. */
  close(): void {
    this.#work.close();
  }

  async #act(action: InstanceAction, instanceIds: readonly string[]): Promise<void> {
    const moving = instancesToMove(action, this.#find(instanceIds));
    const to = actionRules[action].to;
    await Promise.all(moving.map((record) => this.#enter(record, to, record.state)));
  }

  /** Moves the instance into `state`: saves, schedules what follows, and reports the change. */
  #enter(
    record: InstanceRecord,
    state: InstanceState,
    previousState: InstanceState | undefined,
  ): Promise<void> {
    record.state = state;
    // As EC2's LaunchTime: a stopped instance started again counts from its new start.
    if (state === 'pending' && previousState === 'stopped') {
      record.launchedAt = this.#options.clock.now().toISOString();
    }
    appendToConsole(record, `[${this.#options.clock.now().toISOString()}] kismo-sim: state ${state}`);
    this.#save();
    this.#scheduleNext(record);
    const id = record.instanceId;
    const change: StateChange = { instanceId: id, state, previousState, instance: toInstance(record) };
    const reported = (this.#notified.get(id) ?? Promise.resolve())
      .then(() => this.#options.onStateChange?.(change))
      .catch((error: unknown) => this.#report(error, id));
    this.#notified.set(id, reported);
    this.#work.track(reported);
    // The user data starts once EC2 has said the instance runs, as on a real boot.
    if (state === 'running') this.#work.track(reported.then(() => this.#boot(record)));
    return reported;
  }

  #scheduleNext(record: InstanceRecord): void {
    const from = record.state;
    const next = settlesInto[from];
    if (!next) {
      this.#work.cancel(record.instanceId);
      return;
    }
    const delay = from === 'pending' ? this.#options.bootDelayMs : this.#options.stopDelayMs;
    this.#work.schedule(record.instanceId, delay ?? 0, async () => {
      if (record.state === from) await this.#enter(record, next, from);
    });
  }

  async #boot(record: InstanceRecord): Promise<void> {
    const onBoot = this.#options.onBoot;
    const id = record.instanceId;
    if (!onBoot || record.userDataRan || record.state !== 'running') return;
    if (this.#booting.has(id) || this.#work.closed) return;
    this.#booting.add(id);
    try {
      await onBoot(toInstance(record), record.userData);
    } catch (error) {
      appendToConsole(record, `kismo-sim: user data failed: ${errorMessage(error)}`);
      this.#report(error, id);
    } finally {
      this.#booting.delete(id);
      record.userDataRan = true;
      this.#save();
    }
  }

  #find(instanceIds: readonly string[]): InstanceRecord[] {
    return instanceIds.map((id) => this.#get(id));
  }

  #get(instanceId: string): InstanceRecord {
    const record = this.#records.get(instanceId);
    if (record) return record;
    throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  }

  #makeSandbox(instanceId: string): void {
    const root = this.#options.sandboxRoot;
    if (root) mkdirSync(path.join(root, instanceId), { recursive: true });
  }

  #save(): void {
    const file = this.#options.stateFile;
    if (file && !this.#work.closed) saveInstances(file, [...this.#records.values()]);
  }

  #report(error: unknown, instanceId: string): void {
    if (this.#options.onError) this.#options.onError(error, instanceId);
    else process.stderr.write(`kismo-sim: ${instanceId}: ${errorMessage(error)}\n`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
