import { correlation, isoTimeSchema } from '../kit/correlation';
import { defineEvent } from '../kit/define-event';

export const instanceKeptAlive = defineEvent({
  detailType: 'Instance Kept Alive',
  version: 1,
  description:
    'Its owner asked (`kismo keep`) that the idle monitor leave an instance running until a time, idle or not.',
  fields: {
    owner: correlation.owner,
    instanceId: correlation.instanceId,
    sessionId: correlation.sessionId,
    until: isoTimeSchema,
  },
});
