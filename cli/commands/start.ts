import type { GlobalOptions } from '../program';
import { requestControl } from '../session/request';

/** `kismo start SESSION`: asks session-control to start the session's stopped instance. */
export async function start(session: string, globals: GlobalOptions): Promise<void> {
  await requestControl('start', session, globals);
}
