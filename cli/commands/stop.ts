import type { GlobalOptions } from '../program';
import { requestControl } from '../session/request';

/** `kismo stop SESSION`: asks session-control to stop the session's instance (its disk stays). */
export async function stop(session: string, globals: GlobalOptions): Promise<void> {
  await requestControl('stop', session, globals);
}
