import { ACTIVITY_REPORTER, BOOTSTRAP_TEMPLATE } from './generated/templates';
import { shellQuote } from './shell-quote';
import { PLACEHOLDERS } from './templates-placeholders';
import { base64Size, gzipWrapper, USER_DATA_LIMIT, UserDataTooLargeError } from './user-data-size';
import { type UserDataValuesInput, userDataValuesSchema } from './user-data-values';

/** Values that would make an unsafe or wrong script: the message lists each problem and its path. */
export class InvalidUserDataError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the user data cannot be rendered: ${problems.join('; ')}`);
    this.name = 'InvalidUserDataError';
  }
}

/** Replaces the one line `placeholder` with `text`; a function replacer, so `$&` in values stays text. */
function replaceLine(template: string, placeholder: string, text: string): string {
  const parts = template.split(`${placeholder}\n`);
  if (parts.length !== 2) throw new Error(`the template must hold "${placeholder}" once on its own line`);
  return parts.join(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * The bootstrap script for one session: the template with a block of `readonly NAME='value'`
 * lines (every value validated, then quoted by `shellQuote`, the run command base64-encoded) and
 * the activity reporter inside a quoted heredoc.
 */
export function renderBootstrap(input: UserDataValuesInput): string {
  const parsed = userDataValuesSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidUserDataError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(values)'}: ${i.message}`),
    );
  }
  const v = parsed.data;
  const values: [string, string][] = [
    ['BUCKET', v.bucket],
    ['REGION', v.region],
    ['OWNER', v.owner],
    ['SESSION_ID', v.sessionId],
    ['DATASET_NAME', v.dataset.name],
    ['DATASET_PREFIX', v.dataset.prefix],
    ['DATASET_FILES', String(v.dataset.files)],
    ['DATASET_BYTES', String(v.dataset.bytes)],
    ['DATASET_PINNED', v.dataset.pinned ? '1' : ''],
    ['RUN_B64', v.run === undefined ? '' : Buffer.from(v.run, 'utf8').toString('base64')],
    ['OUTPUTS', v.outputs],
    ['AFTER_RUN', v.afterRun],
    ['IDLE_THRESHOLD_GPU', String(v.idleThresholds.gpu)],
    ['IDLE_THRESHOLD_MEMORY', String(v.idleThresholds.memory)],
    ['IDLE_THRESHOLD_CPU', String(v.idleThresholds.cpu)],
    ['IDLE_THRESHOLD_SESSIONS', String(v.idleThresholds.sessions)],
  ];
  const block = values.map(([name, value]) => `readonly ${name}=${shellQuote(value)}`).join('\n');
  const withValues = replaceLine(BOOTSTRAP_TEMPLATE, PLACEHOLDERS.values, block);
  return replaceLine(withValues, PLACEHOLDERS.activityReporter, ACTIVITY_REPORTER);
}

/**
 * The user data of a session: the bootstrap script, or, when it would pass EC2's 16 KB, the same
 * script gzip-compressed inside a small unpacking script. Throws `InvalidUserDataError` for a bad
 * value and `UserDataTooLargeError` when even the compressed form is too big.
 */
export function renderUserData(input: UserDataValuesInput): string {
  const script = renderBootstrap(input);
  if (base64Size(script) <= USER_DATA_LIMIT) return script;
  const wrapped = gzipWrapper(script);
  if (base64Size(wrapped) > USER_DATA_LIMIT) throw new UserDataTooLargeError(base64Size(wrapped));
  return wrapped;
}
