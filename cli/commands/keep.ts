import type { GlobalOptions } from '../program';
import { parseUntil } from '../session/parse-until';
import { requestControl } from '../session/request';

/** `kismo keep SESSION --until TIME`: asks that the idle monitor leave the instance running until then. */
export async function keep(
  session: string,
  options: { until: string },
  globals: GlobalOptions,
): Promise<void> {
  await requestControl('keep', session, globals, { until: parseUntil(options.until) });
}
