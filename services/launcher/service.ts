import { manifestCreated } from '../../contracts/aws/s3-object-created';
import { instanceLaunched } from '../../contracts/events/instance-launched';
import { launchFailed } from '../../contracts/events/launch-failed';
import { defineService } from '../kit/define-service';
import { launchSession } from './launch-session';

const TIMEOUT_SECONDS = 60;

/** Manifest written → validated, checked, one instance launched with the session's user data. */
export default defineService({
  name: 'launcher',
  description:
    'Turns a session manifest into an instance: validates it, checks the type, the dataset and the owner’s quota, renders the bootstrap and calls RunInstances with the session id as client token.',
  consumes: [manifestCreated],
  emits: [instanceLaunched, launchFailed],
  capabilities: {
    objects: {
      read: ['users/*/sessions/*/manifest.json', 'users/*/sessions/*/dataset.tsv', 'kismo/claims/launcher/*'],
      write: ['kismo/claims/launcher/*'],
      delete: ['kismo/claims/launcher/*'],
      list: ['users/*/datasets/*'],
    },
    compute: ['launch', 'describe', 'terminate'],
  },
  timeoutSeconds: TIMEOUT_SECONDS,
  // Records are handled one by one; a small batch keeps a slow RunInstances from delaying many sessions.
  batchSize: 5,
  idempotent: true,
  async handle(event, context) {
    if (event.name !== manifestCreated.name) return;
    await launchSession(event.detail.object.key, context, { staleAfterMs: (TIMEOUT_SECONDS + 30) * 1000 });
  },
});
