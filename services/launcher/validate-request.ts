import type { SessionKey } from '../../contracts/aws/s3-object-created';
import { datasetPrefix, type SessionManifest } from '../../contracts/manifest';
import { formatHourly } from '../../contracts/prices';
import type { KismoConfig } from '../kit/config';
import { LaunchRefusal } from './launch-refusal';

/** A session request the launcher trusts: owner and session from the key, the rest checked against them. */
export interface LaunchRequest {
  readonly owner: string;
  readonly sessionId: string;
  readonly manifest: SessionManifest;
  /** `users/<owner>/datasets/<name>/` of the key's owner, whatever the manifest body says. */
  readonly datasetPrefix: string;
}

/**
 * Checks a manifest against the key it was written under and the configuration. The key's owner
 * is the only owner: IAM scopes what a user writes by key, never by body, so a body naming another
 * owner, session or owner's dataset is an attempt to use what is not theirs.
 */
export function validateRequest(
  key: SessionKey,
  manifest: SessionManifest,
  config: KismoConfig,
): LaunchRequest {
  const { owner, sessionId } = key;
  if (manifest.owner !== owner || manifest.sessionId !== sessionId) {
    throw new LaunchRefusal(
      'owner-mismatch',
      `the manifest under users/${owner}/sessions/${sessionId}/ names ${manifest.owner}'s session ${manifest.sessionId}: a session can only be started by its owner, with their own data. Run \`kismo push\` with your own credentials`,
    );
  }
  const ownPrefix = datasetPrefix(owner, manifest.dataset.name);
  if (!manifest.dataset.prefix.startsWith(`users/${owner}/`)) {
    throw new LaunchRefusal(
      'owner-mismatch',
      `the manifest asks for ${manifest.dataset.prefix}, which is not ${owner}'s: push your own copy of the data with \`kismo push\``,
    );
  }
  if (manifest.dataset.prefix !== ownPrefix) {
    throw new LaunchRefusal(
      'invalid-manifest',
      `the manifest's dataset prefix ${manifest.dataset.prefix} does not match its name "${manifest.dataset.name}" (expected ${ownPrefix}): run \`kismo push\` again`,
    );
  }
  if (!config.allowedInstanceTypes.includes(manifest.instanceType)) {
    const allowed = config.allowedInstanceTypes
      .map((t) => `${t} (${formatHourly(t, config.region)})`)
      .join(', ');
    throw new LaunchRefusal(
      'instance-type-not-allowed',
      `${manifest.instanceType} is not an allowed instance type here; allowed: ${allowed}. Run \`kismo push -t <type>\` with one of them`,
    );
  }
  return { owner, sessionId, manifest, datasetPrefix: ownPrefix };
}
