import type { launchFailureCodes } from '../../contracts/events/launch-failed';

export type LaunchFailureCode = (typeof launchFailureCodes)[number];

/**
 * Why a session gets no instance, in words for its owner: every message ends with what to do.
 * Thrown by the checks, turned into `Launch Failed` by the launcher; never retried by SQS.
 */
export class LaunchRefusal extends Error {
  constructor(
    readonly code: LaunchFailureCode,
    message: string,
    /** Whether the same request may succeed later (capacity comes back); otherwise it must change. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'LaunchRefusal';
  }
}
