import type { GlobalOptions } from '../program';
import { requestControl } from '../session/request';

/** `kismo down SESSION`: asks session-control to terminate the session's instance. */
export async function down(session: string, globals: GlobalOptions): Promise<void> {
  await requestControl('down', session, globals);
}
