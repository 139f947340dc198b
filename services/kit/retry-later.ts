/**
 * Not a failure: another delivery holds the work right now, so this one lets SQS bring the event
 * back after its visibility timeout. Logged as a warning, never as an error.
 */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
