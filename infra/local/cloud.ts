import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { SCHEDULER_SOURCE } from '../../contracts/aws/scheduled-event';
import type { EventEnvelope } from '../../contracts/kit/contract';
import { SLACK_PARAMETERS } from '../../contracts/slack-parameters';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../../contracts/stack-outputs';
import { type KismoConfig, type KismoConfigInput, parseConfig } from '../../services/kit/config';
import type { Service } from '../../services/kit/define-service';
import { discoverServices } from '../../services/kit/discover';
import { createHandler } from '../../services/kit/lambda';
import { serviceLogger } from '../../services/kit/logger';
import type { Chat, Ports } from '../../services/kit/ports';
import { eventBridgeBus } from '../../services/kit/ports/bus';
import { s3Objects } from '../../services/kit/ports/objects';
import { resolveSchedule } from '../../services/kit/schedule';
import slackActionsEndpoint from '../../services/slack-actions/endpoint';
import { reportActivity } from './activity/activity-reporter';
import { LocalBus } from './bus/local-bus';
import { ConsoleChat } from './chat/console-chat';
import { publishClock } from './clock/clock-file';
import { MovableClock } from './clock/movable-clock';
import { Scheduler } from './clock/scheduler';
import { simulatedBootstrap } from './ec2/simulated-bootstrap';
import { SimulatedEc2, type SimulatedEc2Options } from './ec2/simulated-ec2';
import { CorruptStateError, startFauxqsOnLoopback } from './fauxqs-server';
import { startGateway } from './gateway/gateway';
import { Guard } from './gateway/guard';
import { s3EventOf } from './gateway/s3-event';
import { shadowBucket, VersionStore } from './gateway/versions';
import { guardedCompute } from './iam/guarded-ports';
import { LOCAL_ACCOUNT, LocalIam, PERMISSION_SET, type PersonOptions } from './iam/local-iam';
import type { Credentials } from './iam/principal';
import { QueuePoller } from './queues/poller';
import {
  ensureServiceQueue,
  peekQueue,
  queueDepth,
  type ServiceQueue,
  sendEvent,
} from './queues/service-queues';
import { createBucket, LOCAL_CREDENTIALS, localS3Client, type Resources } from './resources';
import { LocalSlackApp } from './slack-app';
import { checkStateDir, LocalCloudError, readJsonState, writeJsonState } from './state-dir';

export { LOCAL_ACCOUNT, LOCAL_CREDENTIALS };

/** The activity reporter's period on real instances. */
const ACTIVITY_JOB = 'activity-reporter';

export interface LocalCloudOptions {
  /** The one port clients use. 0 picks a free one. @default 4566 */
  readonly port?: number;
  /** Where state lives between runs. */
  readonly stateDir: string;
  /** @default every service found under services/ */
  readonly services?: readonly Service[];
  readonly config?: Partial<KismoConfigInput>;
  /** @default a clock that follows the wall clock */
  readonly clock?: MovableClock;
  /** Run schedules as time passes (off when a test or the demo moves the clock itself). @default true */
  readonly realtimeSchedules?: boolean;
  /** @default the console */
  readonly chat?: Chat;
  /** How long a simulated instance stays `pending`. @default 0 */
  readonly bootDelayMs?: number;
  /** Overrides every queue's visibility timeout (AWS uses 6× the function timeout), for quick retries in tests. */
  readonly visibilityTimeoutSeconds?: number;
  /** What a simulated instance does once it runs. @default the simulated bootstrap (pulls the dataset, writes the markers) */
  readonly onBoot?: (cloud: LocalCloud, instanceId: string, userData: string) => Promise<void>;
  /** Says when a simulated launch fails for lack of capacity. @default never */
  readonly insufficientCapacity?: SimulatedEc2Options['insufficientCapacity'];
  /**
   * IAM, as the stack deploys it: every request signed by a known principal and allowed by its
   * policies (people with `KismoUser`, functions with their service's grants, instances with their
   * owner's role). Off only for debugging: the local cloud is then kinder than AWS. @default true
   */
  readonly iam?: boolean;
}

/**
 * The local cloud: S3 and SQS (fauxqs) behind one loopback gateway, the bus with its rules, one
 * queue + dead-letter queue + poller per service, schedules on a movable clock, a simulated EC2
 * whose instances report their activity to the bucket, and chat on the console. Services run with the same handler as in Lambda.
 */
export class LocalCloud {
  readonly endpoint!: string;
  readonly config!: KismoConfig;
  readonly bus!: LocalBus;
  readonly ec2!: SimulatedEc2;
  readonly clock!: MovableClock;
  readonly scheduler!: Scheduler;
  readonly chat!: Chat;
  /** The Slack app: its signing secret, and the answers to button presses (`/slack/actions`). */
  readonly slack!: LocalSlackApp;
  readonly services!: readonly Service[];
  readonly queues!: ReadonlyMap<string, ServiceQueue>;
  readonly stateDir!: string;
  /** The local IAM; `undefined` when it is off. */
  readonly iam!: LocalIam | undefined;
  readonly #resources: Resources;

  /** Use `LocalCloud.start`: it builds the parts and closes what it started when a step fails. */
  constructor({ resources, ...parts }: LocalCloudParts) {
    Object.assign(this, parts);
    this.#resources = resources;
  }

  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    return startLocalCloud(options);
  }

  get credentials() {
    return LOCAL_CREDENTIALS;
  }

  get region(): string {
    return this.config.region;
  }

  get bucket(): string {
    return this.config.bucket;
  }

  /** An S3 client of the local account's operator (an administrator): for setting things up and looking. */
  s3(): S3Client {
    return localS3Client(this.endpoint, this.region);
  }

  /**
   * A person of this cloud, with the `KismoUser` policy: an IAM user, or an Identity Center user
   * (`signIn: 'identity-center'`: a session of the permission set's role), whose `kismo-owner` tag
   * is their name unless told, and an instance role for that owner, as the stack gives each owner
   * it lists. Their keys stay the same from run to run. With IAM off, everyone is the operator.
   */
  addUser(name: string, options: PersonOptions = {}): Credentials {
    return this.iam ? this.iam.addUser(name, options) : LOCAL_CREDENTIALS;
  }

  /** The ARN STS gives for these credentials; `undefined` with IAM off (everyone is the operator). */
  principalOf(credentials: Credentials): string | undefined {
    return this.iam?.principalOf(credentials).arn;
  }

  /** The credentials an instance gets from its instance profile (its owner's role). */
  instanceCredentials(instanceId: string): Credentials {
    const profile = this.ec2.instanceProfileOf(instanceId);
    if (!this.iam) return LOCAL_CREDENTIALS;
    if (!profile) throw new Error(`${instanceId} has no instance profile: it has no credentials`);
    return this.iam.instanceSession(instanceId, profile);
  }

  /** Sees every event on the bus. */
  tap(listener: (envelope: EventEnvelope) => void): () => void {
    return this.bus.tap(listener);
  }

  /** Waits until every queue is empty, no function runs and no instance is changing state. */
  async settle(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let quietRounds = 0;
    while (quietRounds < 2) {
      if (Date.now() > deadline)
        throw new Error('the local cloud did not settle in time (a message keeps failing?)');
      await this.ec2.settled();
      const depths = await Promise.all(
        [...this.queues.values()].map((q) => queueDepth(this.#resources.sqs, q.url)),
      );
      const busy = this.#resources.pollers.some((p) => p.busy) || depths.some((d) => d > 0);
      quietRounds = busy ? 0 : quietRounds + 1;
      await new Promise((resolve) => setTimeout(resolve, busy ? 20 : 5));
    }
  }

  /** Moves the clock forward, running each schedule that comes due on the way, in order, and settling after each. */
  async advance(ms: number): Promise<void> {
    await this.scheduler.advance(ms);
    await this.settle();
  }

  /** Puts an event straight on a service's queue (as a redelivery, or a schedule, would). */
  async sendToQueue(service: string, envelope: EventEnvelope): Promise<void> {
    const queue = this.queues.get(service);
    if (!queue) throw new Error(`no service named ${service} runs in this local cloud`);
    await sendEvent(this.#resources.sqs, queue.url, envelope);
  }

  /** The messages in a service's dead-letter queue (read without removing them). */
  async deadLetters(service: string): Promise<EventEnvelope[]> {
    return this.#resources.peek(`kismo-${service}-dlq`);
  }

  async stop(): Promise<void> {
    await this.#resources.close();
  }
}

/** What the cloud is made of: its public fields, and what it holds open. */
type LocalCloudParts = Omit<
  {
    readonly [K in keyof LocalCloud as LocalCloud[K] extends (...args: never[]) => unknown
      ? never
      : K]: LocalCloud[K];
  },
  'credentials' | 'region' | 'bucket'
> & { readonly resources: Resources };

/** What the services of the cloud run as: their own role's session, or the operator without IAM. */
function servicePorts(
  service: Pick<Service, 'name' | 'capabilities' | 'emits'>,
  common: Omit<Ports, 'objects' | 'bus'> & { readonly endpoint: string; readonly config: KismoConfig },
  iam: LocalIam | undefined,
  closers: (() => void)[],
): Ports {
  const credentials = iam ? iam.serviceSession(service) : LOCAL_CREDENTIALS;
  const { endpoint, config } = common;
  const s3 = new S3Client({ endpoint, region: config.region, credentials, forcePathStyle: true });
  const events = new EventBridgeClient({ endpoint, region: config.region, credentials });
  closers.push(
    () => s3.destroy(),
    () => events.destroy(),
  );
  const principal = iam?.principalOf(credentials);
  return {
    objects: s3Objects(s3, config.bucket),
    bus: eventBridgeBus(events, config.busName),
    compute: iam && principal ? guardedCompute(common.compute, iam, principal) : common.compute,
    chat: common.chat,
    clock: common.clock,
  };
}

async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const stateDir = path.resolve(options.stateDir);
  checkStateDir(stateDir);
  const config = parseConfig({ bucket: 'kismo-local', ...options.config }, 'local cloud configuration');
  // The console shows a mention as the owner's name, as Slack shows the member's.
  const members = Object.fromEntries(Object.entries(config.slack.users).map(([owner, id]) => [id, owner]));
  const clock = options.clock ?? new MovableClock();
  const services = options.services ?? (await discoverServices()).map((d) => d.service);
  const iam =
    (options.iam ?? true)
      ? new LocalIam({
          region: config.region,
          bucket: config.bucket,
          busName: config.busName,
          subnets: config.subnets.length > 0 ? config.subnets : ['subnet-local-a'],
          allowedInstanceTypes: config.allowedInstanceTypes,
          stateDir,
          operator: LOCAL_CREDENTIALS,
        })
      : undefined;
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const fauxqs = await startFauxqsOnLoopback({
      dataDir: path.join(stateDir, 'fauxqs'),
      region: config.region,
    }).catch((error: Error) => {
      if (!(error instanceof CorruptStateError)) throw error;
      throw new LocalCloudError(
        `the state in ${stateDir} is corrupt (${error.message}): delete the folder or pass another --state-dir`,
        'STATE_CORRUPT',
      );
    });
    closers.push(() => fauxqs.close());
    const bus = new LocalBus({
      name: config.busName,
      account: LOCAL_ACCOUNT,
      region: config.region,
      now: () => clock.now(),
    });
    const slack = new LocalSlackApp(options.chat ? {} : { out: process.stdout, members });
    // The data bucket is versioned, as on AWS: its replaced versions go to a shadow bucket.
    const versioning = {
      buckets: [config.bucket],
      store: new VersionStore(path.join(stateDir, 's3-versions.jsonl')),
    };
    const upstreamS3 = localS3Client(fauxqs.url, config.region);
    try {
      await createBucket(upstreamS3, config.bucket);
      await createBucket(upstreamS3, shadowBucket(config.bucket));
      // A history begun on an empty bucket knows every object: no write has to look for an older one.
      const any = await upstreamS3.send(new ListObjectsV2Command({ Bucket: config.bucket, MaxKeys: 1 }));
      if ((any.KeyCount ?? 0) === 0) versioning.store.markComplete();
    } finally {
      upstreamS3.destroy();
    }
    const gateway = await startGateway({
      versioning,
      slackActions: (request) => slack.answer(request),
      upstream: fauxqs.url,
      region: config.region,
      account: LOCAL_ACCOUNT,
      ...(iam ? { guard: new Guard(iam) } : {}),
      stackOutputs: () => stackOutputsOf(config),
      port: options.port ?? 4566,
      eventBridge: async (operation, body) => answerEventBridge(bus, operation, body),
      onObjectChange: async (change) => {
        const { detailType, detail } = s3EventOf(change, LOCAL_ACCOUNT);
        await bus.emit(bus.envelope('aws.s3', detailType, detail, [`arn:aws:s3:::${change.bucket}`]));
      },
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new LocalCloudError(
          `port ${options.port ?? 4566} is in use (is another kismo dev running?): stop it or pass --port N`,
          'PORT_IN_USE',
        );
      }
      throw error;
    });
    closers.push(() => gateway.close());

    const sqs = new SQSClient({
      endpoint: fauxqs.url,
      region: config.region,
      credentials: LOCAL_CREDENTIALS,
    });
    closers.push(() => sqs.destroy());

    const chat = options.chat ?? new ConsoleChat({ members });
    // Assigned once the cloud exists; the callbacks below only run after that.
    let cloud: LocalCloud | undefined;
    const ec2 = new SimulatedEc2({
      stateFile: path.join(stateDir, 'ec2.json'),
      sandboxRoot: path.join(stateDir, 'instances'),
      clock,
      bootDelayMs: options.bootDelayMs ?? 0,
      subnets:
        config.subnets.length > 0
          ? config.subnets.map((subnetId, i) => ({ subnetId, availabilityZone: `local-1${'abc'[i % 3]}` }))
          : undefined,
      onStateChange: async ({ instanceId, state }) => {
        await bus.emit(
          bus.envelope(
            'aws.ec2',
            'EC2 Instance State-change Notification',
            { 'instance-id': instanceId, state },
            [`arn:aws:ec2:${config.region}:${LOCAL_ACCOUNT}:instance/${instanceId}`],
          ),
        );
      },
      insufficientCapacity: options.insufficientCapacity,
      ...(iam ? { instanceProfileExists: (name: string) => iam.hasInstanceProfile(name) } : {}),
      onBoot: async (instance, userData) => {
        if (cloud) await (options.onBoot ?? simulatedBootstrap())(cloud, instance.instanceId, userData);
      },
    });
    closers.push(() => ec2.close());

    const common = { endpoint: gateway.url, config, compute: ec2, chat, clock };
    slack.connect({
      objects: servicePorts(slackActionsEndpoint, common, iam, closers).objects,
      config,
      clock,
      logger: serviceLogger(slackActionsEndpoint.name),
      endpoint: gateway.url,
    });

    const queues = new Map<string, ServiceQueue>();
    const pollers: QueuePoller[] = [];
    for (const service of services) {
      const queue = await ensureServiceQueue(sqs, service.name, {
        visibilityTimeoutSeconds:
          options.visibilityTimeoutSeconds ?? Math.min(6 * service.timeoutSeconds, 30),
        maxReceiveCount: service.maxReceiveCount,
      });
      queues.set(service.name, queue);
      for (const contract of service.consumes) {
        bus.addRule({
          name: `${service.name}-${contract.name}`,
          pattern: contract.pattern({ bucket: config.bucket }),
          target: (envelope) => sendEvent(sqs, queue.url, envelope),
        });
      }
      const ports = servicePorts(service, common, iam, closers);
      const handler = createHandler(service, { ports: () => ports, config: () => config });
      const poller = new QueuePoller({
        sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        region: config.region,
        batchSize: service.batchSize,
        invoke: (event) => handler(event, lambdaContext(service)),
      });
      pollers.push(poller);
    }

    const scheduleState = path.join(stateDir, 'scheduler.json');
    // The activity reporter only writes its instances' hours, which nothing consumes: nothing to wait for.
    let lastFired = '';
    const scheduler = new Scheduler({
      clock,
      fire: async (job) => {
        lastFired = job.name;
        if (job.name === ACTIVITY_JOB) {
          if (cloud) await reportActivity(cloud, clock, config.idle.thresholds);
          return;
        }
        const queue = queues.get(job.name);
        if (!queue) return;
        await sendEvent(sqs, queue.url, {
          ...bus.envelope(SCHEDULER_SOURCE, 'Scheduled Event', {
            service: job.name,
            scheduledTime: job.scheduledTime.toISOString(),
          }),
        });
        writeJsonState(scheduleState, scheduler.lastFired());
      },
      settle: async () => {
        if (lastFired !== ACTIVITY_JOB) await cloud?.settle();
      },
    });
    scheduler.add({ name: ACTIVITY_JOB, expression: 'rate(5 minutes)', timeZone: 'UTC' });
    for (const service of services) {
      if (!service.schedule) continue;
      scheduler.add({ name: service.name, ...resolveSchedule(service.schedule, config) });
    }
    scheduler.restore(readJsonState(scheduleState, {}));

    for (const poller of pollers) poller.start();
    closers.push(() => Promise.all(pollers.map((p) => p.stop())).then(() => undefined));
    if (options.realtimeSchedules ?? true) {
      scheduler.start();
      closers.push(() => scheduler.stop());
    }
    mkdirSync(stateDir, { recursive: true });
    closers.push(publishClock(clock, stateDir));
    cloud = new LocalCloud({
      endpoint: gateway.url,
      config,
      bus,
      ec2,
      clock,
      scheduler,
      chat,
      slack,
      services,
      queues,
      stateDir,
      iam,
      resources: { sqs, pollers, close, peek: (name: string) => peekQueue(sqs, name) },
    });
    return cloud;
  } catch (error) {
    await close();
    throw error;
  }
}

/** The EventBridge operations the local bus answers. */
async function answerEventBridge(bus: LocalBus, operation: string, body: unknown) {
  if (operation !== 'PutEvents') {
    return {
      status: 400,
      body: { __type: 'UnknownOperationException', message: `${operation} is not served locally` },
    };
  }
  const entries = (body as { Entries?: unknown[] }).Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
    return {
      status: 400,
      body: { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' },
    };
  }
  const results = await bus.putEvents(entries as never);
  return {
    status: 200,
    body: { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results },
  };
}

function lambdaContext(service: Service): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `kismo-${service.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:${LOCAL_ACCOUNT}:function:kismo-${service.name}`,
    memoryLimitInMB: String(service.memoryMb),
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/kismo-${service.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => service.timeoutSeconds * 1000 - (Date.now() - started),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** What `kismo init` reads from the local cloud's stand-in for the `kismo` stack: its names, as the stack outputs them. */
function stackOutputsOf(config: KismoConfig): Record<string, string> {
  const arn = (service: string, resource: string, region: string = config.region) =>
    `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;
  return {
    [STACK_OUTPUTS.stackName]: DEFAULT_STACK_NAME,
    [STACK_OUTPUTS.region]: config.region,
    [STACK_OUTPUTS.bucket]: config.bucket,
    [STACK_OUTPUTS.busName]: config.busName,
    [STACK_OUTPUTS.userPolicyArn]: arn('iam', `policy/${PERMISSION_SET}`, ''),
    [STACK_OUTPUTS.slackTokenParameter]: SLACK_PARAMETERS.botToken,
  };
}
