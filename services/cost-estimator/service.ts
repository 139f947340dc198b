import {
  costEstimated,
  instanceLaunched,
  instanceRestarted,
  instanceStopped,
  instanceTerminated,
} from '../../contracts/catalog';
import {
  accrued,
  COSTS_PREFIX,
  costLedgerKey,
  type SessionLedger,
  sessionLedgerSchema,
} from '../../contracts/cost-ledger';
import { hourlyPrice, monthlyVolumePrice } from '../../contracts/prices';
import { defineService } from '../kit/define-service';
import { once } from '../kit/once';
import { getJson } from '../kit/ports/objects';
import { sessionOfInstance } from '../shared/session-of-instance';
import { opened, restarted, stopped } from './ledger';
import { ledgersByOwner, summaryMessage } from './summary';

const LEDGERS = `${COSTS_PREFIX}*`;
const CLAIMS = 'kismo/claims/cost-estimator/*';

/**
 * Estimates what each session costs, from the price table, as its instance launches, stops,
 * starts again and ends: its price per hour, and what it has cost so far (compute for the hours
 * it ran, its root volume for every hour it existed). An estimate, not a bill: on-demand prices,
 * no taxes, no data transfer.
 */
export default defineService({
  name: 'cost-estimator',
  description:
    'Instance Launched / Stopped / Restarted / Terminated → Cost Estimated (per hour, and so far: compute and volume); each working morning, each owner’s summary on Slack',
  consumes: [instanceLaunched, instanceStopped, instanceRestarted, instanceTerminated],
  emits: [costEstimated],
  // Each working morning, each owner's summary (and the night's savings) on Slack.
  schedule: { expression: 'cron(0 9 ? * MON-FRI *)', at: 'business-hours-start' },
  capabilities: {
    objects: { read: [LEDGERS, CLAIMS], write: [LEDGERS, CLAIMS], delete: [CLAIMS], list: [COSTS_PREFIX] },
    compute: ['describe'],
    chat: true,
  },
  idempotent: true,
  async handle(event, ctx) {
    const { ports, config, logger } = ctx;
    if (event.name === 'Scheduled Event') {
      const now = new Date(event.detail.scheduledTime);
      await once(
        ports.objects,
        `cost-estimator/summaries/${event.detail.scheduledTime}`,
        async () => {
          for (const [owner, ledgers] of await ledgersByOwner(ports.objects, COSTS_PREFIX, now)) {
            await ports.chat.post(summaryMessage(owner, ledgers, now, config));
          }
        },
        { now: () => ports.clock.now() },
      );
      return;
    }
    const { owner, instanceId } = event.detail;
    const sessionId = event.detail.sessionId ?? (await sessionOfInstance(ports.compute, instanceId));
    if (!sessionId) {
      logger.info('no session to estimate: the instance has no kismo:session tag', { instanceId });
      return;
    }
    const key = costLedgerKey(owner, sessionId);
    const at = new Date(event.envelope.time);
    await once(
      ports.objects,
      `cost-estimator/${event.envelope.id}`,
      async () => {
        const stored = await getJson(ports.objects, key);
        const known = stored && sessionLedgerSchema.safeParse(stored.value);
        let ledger: SessionLedger | undefined = known?.success ? known.data : undefined;
        switch (event.name) {
          case 'Instance Launched v1': {
            const hourly = hourlyPrice(event.detail.instanceType, config.region);
            const volume = monthlyVolumePrice(config.rootVolumeGiB, config.region);
            if (hourly === undefined || volume === undefined) {
              logger.warn('no price for this type in this region: no estimate', {
                instanceType: event.detail.instanceType,
                region: config.region,
              });
              return;
            }
            ledger = opened(event.detail.launchedAt, hourly, volume, event.detail.instanceType);
            break;
          }
          case 'Instance Stopped v1':
            ledger = ledger && stopped(ledger, at, { idle: event.detail.reason === 'idle' });
            break;
          case 'Instance Restarted v1':
            ledger = ledger && restarted(ledger, at);
            break;
          case 'Instance Terminated v1':
            ledger = ledger && stopped(ledger, at, { terminated: true });
            break;
        }
        // A stop or start of a session launched before the estimator ran (or unpriced): nothing known.
        if (!ledger) return;
        await ports.objects.put(key, JSON.stringify(ledger), { contentType: 'application/json' });
        const cost = accrued(ledger, at);
        await ctx.publish(costEstimated, {
          owner,
          sessionId,
          instanceId,
          hourly: ledger.hourly,
          accrued: Math.round(cost.total * 10_000) / 10_000,
          currency: 'USD',
          basis: `on-demand in ${config.region} (kismo's price table), and a ${config.rootVolumeGiB} GiB gp3 volume`,
        });
      },
      { now: () => ports.clock.now() },
    );
  },
});
