import { parseSessionKey } from '../../contracts/aws/s3-object-created';
import { instanceLaunched } from '../../contracts/events/instance-launched';
import { launchFailed } from '../../contracts/events/launch-failed';
import { PublishError } from '../../contracts/publish';
import type { ServiceContext } from '../kit/define-service';
import { once } from '../kit/once';
import type { Instance } from '../kit/ports';
import { checkDataset } from './check-dataset';
import { checkQuota } from './check-quota';
import { findSessionInstance, launchInstance } from './launch-instance';
import { LaunchRefusal } from './launch-refusal';
import { launchSpecFor } from './launch-spec';
import { readManifest } from './read-manifest';
import { type LaunchRequest, validateRequest } from './validate-request';

type LauncherContext = ServiceContext<readonly [typeof instanceLaunched, typeof launchFailed]>;

export interface LaunchSessionOptions {
  /** A claim older than this belongs to a delivery that died: the function's timeout, plus a margin. */
  readonly staleAfterMs: number;
}

/**
 * Turns a manifest into one instance and one `Instance Launched`, or one `Launch Failed`, however
 * often SQS delivers its event. The whole decision runs under a claim on the session: a delivery
 * that finds it done does nothing; one that died mid-way (say between RunInstances and publishing)
 * leaves the claim to go stale, and the next delivery redoes every step — RunInstances with the
 * same client token, or the instance found by its tags — and publishes what was never published.
 */
export async function launchSession(key: string, context: LauncherContext, options: LaunchSessionOptions) {
  const { ports, logger } = context;
  const session = parseSessionKey(key);
  if (!session) {
    logger.warn('not a session manifest key: ignored', { key });
    return;
  }
  const ran = await once(
    ports.objects,
    `launcher/${session.sessionId}`,
    async () => {
      try {
        const manifest = await readManifest(ports.objects, key);
        const request = validateRequest(session, manifest, context.config);
        await launchChecked(request, context);
      } catch (error) {
        if (!(error instanceof LaunchRefusal)) throw error;
        logger.warn('launch refused', { code: error.code, reason: error.message });
        await context.publish(launchFailed, {
          owner: session.owner,
          sessionId: session.sessionId,
          reason: { code: error.code, message: error.message },
          retryable: error.retryable,
        });
      }
    },
    { now: () => ports.clock.now(), staleAfterMs: options.staleAfterMs },
  );
  if (!ran) logger.info('this session was already handled: nothing to do');
}

async function launchChecked(request: LaunchRequest, context: LauncherContext): Promise<void> {
  const { ports, config, logger } = context;
  const spec = launchSpecFor(request, config);
  // An earlier delivery's instance is announced as it is: the dataset or the quota may have changed since.
  const earlier = await findSessionInstance(ports.compute, request.owner, request.sessionId);
  if (!earlier) {
    await checkDataset(ports.objects, request);
    await checkQuota(ports.compute, config, request);
  }
  const instance = earlier ?? (await launchInstance(ports.compute, config, spec));
  logger.appendKeys({ instanceId: instance.instanceId });
  logger.info(earlier ? 'instance of an earlier delivery found' : 'instance launched', {
    instanceType: instance.instanceType,
    subnetId: instance.subnetId,
    state: instance.state,
  });
  if (instance.state === 'shutting-down' || instance.state === 'terminated') {
    throw new LaunchRefusal(
      'aws-error',
      `the session's instance ${instance.instanceId} is already ${instance.state}: push again to get a new one`,
      true,
    );
  }
  try {
    await announce(request, instance, context);
  } catch (error) {
    // The bus failing is worth a redelivery: it finds this instance and announces it then.
    if (error instanceof PublishError) throw error;
    await ports.compute.terminate([instance.instanceId]);
    logger.error('launched instance terminated: it could not be announced', { error: error as Error });
    throw new LaunchRefusal(
      'aws-error',
      `the instance ${instance.instanceId} started but could not be announced (${(error as Error).message}), so it was terminated: push again, and tell your kismo operators if it repeats`,
      true,
    );
  }
}

async function announce(request: LaunchRequest, instance: Instance, context: LauncherContext): Promise<void> {
  const { dataset } = request.manifest;
  await context.publish(instanceLaunched, {
    owner: request.owner,
    sessionId: request.sessionId,
    instanceId: instance.instanceId,
    instanceType: instance.instanceType,
    availabilityZone: instance.availabilityZone,
    subnetId: instance.subnetId,
    dataset: { prefix: request.datasetPrefix, files: dataset.files, bytes: dataset.bytes },
    launchedAt: instance.launchedAt || context.ports.clock.now().toISOString(),
  });
}
