import type { KismoConfig } from '../kit/config';
import { type Compute, type Instance, InsufficientCapacityError, type LaunchSpec, TAGS } from '../kit/ports';
import { LaunchRefusal } from './launch-refusal';

/** States of an instance that still serves its session. */
const ALIVE = ['pending', 'running', 'stopping', 'stopped'] as const;

/** Throttling is worth a redelivery; other client errors would fail again the same way. */
const TRANSIENT = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
]);

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
}

/** The instance an earlier delivery launched for this session, if one is alive. */
export async function findSessionInstance(
  compute: Compute,
  owner: string,
  sessionId: string,
): Promise<Instance | undefined> {
  for await (const instance of compute.describe({
    tags: { [TAGS.managed]: 'true', [TAGS.owner]: owner, [TAGS.session]: sessionId },
    states: [...ALIVE],
  })) {
    return instance;
  }
  return undefined;
}

/**
 * Launches the session's instance in the first configured subnet that has capacity. The client
 * token is the session id: EC2 records it only for a launch that succeeded, so the same token may
 * try the next subnet. (A redelivery must look for the earlier instance by its tags first: asking
 * EC2 again with another subnet would be a different request under the same token.)
 */
export async function launchInstance(
  compute: Compute,
  config: KismoConfig,
  spec: Omit<LaunchSpec, 'subnetId'>,
): Promise<Instance> {
  const subnets: (string | undefined)[] = config.subnets.length > 0 ? [...config.subnets] : [undefined];
  for (const subnetId of subnets) {
    try {
      return await compute.launch({ ...spec, subnetId });
    } catch (error) {
      if (error instanceof InsufficientCapacityError) continue;
      if ((error as SdkError).name === 'IdempotentParameterMismatch') {
        // Launched by a delivery that DescribeInstances does not show yet: it will.
        throw error;
      }
      throw refusalFor(error as SdkError, spec);
    }
  }
  const where =
    config.subnets.length > 0 ? `in subnets ${config.subnets.join(', ')}` : 'in the default subnet';
  throw new LaunchRefusal(
    'insufficient-capacity',
    `AWS has no ${spec.instanceType} capacity ${where} right now: push again in a few minutes, or pick another type with \`kismo push -t <type>\``,
    true,
  );
}

/** An EC2 error as a refusal when asking again cannot help; otherwise the error, for SQS to redeliver. */
function refusalFor(error: SdkError, spec: Omit<LaunchSpec, 'subnetId'>): unknown {
  const name = error.name ?? 'Error';
  // EC2's answer to an instance profile that does not exist: this owner is not configured.
  if (name === 'InvalidParameterValue' && /iamInstanceProfile/i.test(error.message ?? '')) {
    const owner = spec.tags[TAGS.owner] ?? 'this owner';
    return new LaunchRefusal(
      'owner-not-configured',
      `${owner} has no instance role (${spec.instanceProfile}) in this deployment: ask your kismo operators to add "${owner}" to owners in cdk.json and deploy (docs/deploy.md)`,
    );
  }
  const clientError =
    error.$fault === 'client' || name.startsWith('Invalid') || name.endsWith('LimitExceeded');
  if (!clientError || TRANSIENT.has(name)) return error;
  return new LaunchRefusal(
    'aws-error',
    `AWS refused the launch (${name}: ${error.message ?? 'no message'}): tell your kismo operators; the request itself may be fine`,
    name.endsWith('LimitExceeded'),
  );
}
