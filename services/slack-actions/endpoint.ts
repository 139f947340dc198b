import type { Capabilities } from '../kit/capabilities';
import { REPLAY_CLAIMS } from './answer';

/**
 * The Slack actions endpoint: not a subscriber (it reads no queue), a function behind a public
 * function URL that Slack posts button presses to. It verifies, checks the presser, and writes
 * the owner's request; session-control does the rest, as for `kismo stop|keep|down`.
 */
const slackActionsEndpoint = {
  name: 'slack-actions',
  description:
    'Slack button presses → signature, replay and owner checked → users/<owner>/sessions/<id>/requests/*.json',
  capabilities: {
    objects: {
      read: ['users/*/sessions/*/manifest.json'],
      write: ['users/*/sessions/*/requests/*', `${REPLAY_CLAIMS}*`],
    },
  } satisfies Capabilities,
  emits: [],
  /** Presses are rare and each answers in well under a second: more at once is someone else. */
  reservedConcurrency: 2,
  timeoutSeconds: 10,
} as const;

export default slackActionsEndpoint;
