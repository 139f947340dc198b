import { instanceRoleName } from '../../contracts/instance-roles';
import { InvalidUserDataError, renderUserData } from '../../userdata/render';
import { UserDataTooLargeError } from '../../userdata/user-data-size';
import type { UserDataValuesInput } from '../../userdata/user-data-values';
import type { KismoConfig } from '../kit/config';
import { type LaunchSpec, TAGS } from '../kit/ports';
import { LaunchRefusal } from './launch-refusal';
import type { LaunchRequest } from './validate-request';

/** What the bootstrap of a session is rendered with: the key's owner and session, never the body's. */
export function userDataValuesFor(request: LaunchRequest, config: KismoConfig): UserDataValuesInput {
  const { manifest } = request;
  const run = manifest.options.run?.trim() ? manifest.options.run : undefined;
  return {
    bucket: config.bucket,
    region: config.region,
    owner: request.owner,
    sessionId: request.sessionId,
    dataset: {
      name: manifest.dataset.name,
      prefix: request.datasetPrefix,
      files: manifest.dataset.files,
      bytes: manifest.dataset.bytes,
      pinned: manifest.dataset.pinned === true,
    },
    run,
    outputs: manifest.options.outputs,
    afterRun: manifest.options.afterRun,
    idleThresholds: config.idle.thresholds,
  };
}

/**
 * What the instance does when its OS shuts down. After a run, `terminate` (the default) ends it;
 * `stop` and `keep` stop it, so a shutdown never loses the volume. Without a run the instance is
 * the owner's workstation: a `sudo shutdown` inside it stops it too.
 */
export function shutdownBehaviorFor(request: LaunchRequest): 'stop' | 'terminate' {
  const { run, afterRun } = request.manifest.options;
  if (!run?.trim()) return 'stop';
  return (afterRun ?? 'terminate') === 'terminate' ? 'terminate' : 'stop';
}

/** The owner's instance profile: their instance reaches their prefix, and no one else's. */
function instanceProfileFor(owner: string): string {
  try {
    return instanceRoleName(owner);
  } catch (error) {
    throw new LaunchRefusal('owner-not-configured', `${(error as Error).message}: ask your kismo operators`);
  }
}

/**
 * The RunInstances request of a session, the same on every delivery (EC2 compares it when the
 * client token comes back): ClientToken = session id, kismo's tags and a Name people recognise.
 */
export function launchSpecFor(request: LaunchRequest, config: KismoConfig): Omit<LaunchSpec, 'subnetId'> {
  let userData: string;
  try {
    userData = renderUserData(userDataValuesFor(request, config));
  } catch (error) {
    if (error instanceof InvalidUserDataError || error instanceof UserDataTooLargeError) {
      throw new LaunchRefusal('invalid-manifest', `${error.message}; then run \`kismo push\` again`);
    }
    throw error;
  }
  return {
    clientToken: request.sessionId,
    instanceType: request.manifest.instanceType,
    userData,
    tags: {
      [TAGS.managed]: 'true',
      [TAGS.owner]: request.owner,
      [TAGS.session]: request.sessionId,
      Name: `kismo-${request.owner}-${request.sessionId}`,
    },
    shutdownBehavior: shutdownBehaviorFor(request),
    instanceProfile: instanceProfileFor(request.owner),
  };
}
