import { instanceBootFailed, instanceReady, workFinished } from '../../contracts/catalog';
import type { ServiceContext } from '../kit/define-service';

/** What the watcher publishes; the service declares exactly these. */
export const watcherEmits = [instanceReady, instanceBootFailed, workFinished] as const;

/** The context the watcher's steps receive. */
export type WatcherContext = ServiceContext<typeof watcherEmits>;

/** Where the watcher keeps its claims (under `kismo/claims/`): one per instance and outcome. */
export const claimKey = (instanceId: string, outcome: 'ready' | 'boot-failed' | 'finished'): string =>
  `readiness-watcher/${instanceId}/${outcome}`;
