import { type ActivityPoint, activityKey, hourOf } from '../../../contracts/activity-hour';
import { SCHEDULER_SOURCE } from '../../../contracts/aws/scheduled-event';
import { MovableClock } from '../../../infra/local/clock/movable-clock';
import { SimulatedEc2 } from '../../../infra/local/ec2/simulated-ec2';
import service from '../../../services/idle-monitor/service';
import { type KismoConfigInput, parseConfig } from '../../../services/kit/config';
import { deliver } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import { activityOf, type SignalReading } from '../../../services/shared/activity';
import { keepAliveKey } from '../../../services/shared/keep-alive';
import { envelope } from '../../factories/events';
import { OWNER } from '../../factories/kismo-events';
import { sessionLaunch } from '../../factories/launch';
import { RecordingChat } from '../../support/local-cloud';
import { memoryPorts } from '../../support/memory-ports';

export const IDLE: SignalReading = { gpu: 0, memory: 3, cpu: 1.5, sessions: 0 };
export const BUSY_GPU: SignalReading = { gpu: 85, memory: 4, cpu: 2, sessions: 0 };
/** Memory at 99 % of its threshold, nothing else: still idle. */
export const JUST_UNDER: SignalReading = { gpu: 0, memory: 9.9, cpu: 0, sessions: 0 };
/** Memory exactly at its threshold: in use. */
export const AT_THRESHOLD: SignalReading = { gpu: 0, memory: 10, cpu: 0, sessions: 0 };

/** The idle monitor over memory S3, a simulated EC2 and a recording chat; Monday 10:00 JST. */
export function monitorSetup(config: Partial<KismoConfigInput> = {}) {
  const clock = new MovableClock({ start: new Date('2026-11-30T01:00:00Z'), frozen: true });
  const ec2 = new SimulatedEc2({ clock });
  const chat = new RecordingChat();
  const ports = memoryPorts({ compute: ec2, clock, chat });
  const parsed = parseConfig({ bucket: 'kismo-test', slack: { users: { [OWNER]: 'U0ADA' } }, ...config });
  let sessions = 0;
  return {
    clock,
    ec2,
    chat,
    ports,
    config: parsed,
    /** Launches a kismo instance for a new session, as the launcher does, and waits until it runs. */
    async launch(owner = OWNER, instanceType = 'g4dn.xlarge') {
      const sessionId = `20261130-010000-idle${String(++sessions).padStart(2, '0')}`;
      const instance = await ec2.launch(sessionLaunch({ sessionId, owner, instanceType }));
      await ec2.settled();
      return { ...instance, sessionId };
    },
    /**
     * A reading every five minutes in [from, to), as the reporter on the instance takes them (each
     * signal and their Activity under the configured thresholds), added to the hour objects it
     * writes under its owner's folder.
     */
    async report(instanceId: string, reading: SignalReading, from: string, to: string, owner = OWNER) {
      const activity = activityOf(reading, parsed.idle.thresholds);
      const byHour = new Map<number, ActivityPoint[]>();
      for (let t = Date.parse(from); t < Date.parse(to); t += 5 * 60_000) {
        const hour = hourOf(new Date(t)).getTime();
        byHour.set(hour, [
          ...(byHour.get(hour) ?? []),
          { at: new Date(t).toISOString(), ...reading, activity },
        ]);
      }
      for (const [hour, points] of byHour) {
        const key = activityKey(owner, instanceId, new Date(hour));
        const before = await ports.objects.get(key);
        const earlier = before
          ? (JSON.parse(new TextDecoder().decode(before.body)).points as ActivityPoint[])
          : [];
        const hourStart = new Date(hour).toISOString().replace('.000Z', 'Z');
        const body = { instanceId, hour: hourStart, points: [...earlier, ...points] };
        await ports.objects.put(key, JSON.stringify(body));
      }
    },
    /** Writes the keep-alive session-control would write. */
    async keep(instance: { instanceId: string; sessionId: string }, until: string) {
      await ports.objects.put(
        keepAliveKey(instance.instanceId),
        JSON.stringify({
          ...instance,
          owner: OWNER,
          until,
          request: 'users/ada/sessions/x/requests/y.json',
          requestedAt: clock.now().toISOString(),
        }),
      );
    },
    /** One hourly tick of the monitor's schedule at `at`, delivered as SQS would. */
    async tick(at: string) {
      clock.set(new Date(at));
      await deliver(
        service,
        envelope(SCHEDULER_SOURCE, 'Scheduled Event', { service: 'idle-monitor', scheduledTime: at }),
        { ports, config: parsed, logger },
      );
      await ec2.settled();
    },
    /** The events published so far, as `[detail-type, detail]`. */
    published: () =>
      ports.published.map((e) => [e.DetailType, JSON.parse(e.Detail)] as [string, Record<string, unknown>]),
  };
}
