import {
  instanceKeptAlive,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
} from '../../contracts/catalog';
import type { ServiceContext } from '../kit/define-service';

/** What session-control publishes; the service declares exactly these. */
export const controlEmits = [
  instanceStopped,
  instanceRestarted,
  instanceTerminated,
  instanceKeptAlive,
] as const;

/** The context session-control's steps receive. */
export type ControlContext = ServiceContext<typeof controlEmits>;

/** A request that will not be acted on, ever: logged with its reason, nothing else happens. */
export class RequestRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RequestRefused';
  }
}
