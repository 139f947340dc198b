import type { EventEnvelope } from '../../../contracts/kit/contract';
import { sessionKey } from '../../../contracts/manifest';
import { MovableClock } from '../../../infra/local/clock/movable-clock';
import { SimulatedEc2 } from '../../../infra/local/ec2/simulated-ec2';
import { parseConfig } from '../../../services/kit/config';
import { deliver } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import service from '../../../services/readiness-watcher/service';
import { OWNER, SESSION_ID } from '../../factories/kismo-events';
import { sessionLaunch } from '../../factories/launch';
import { memoryPorts } from '../../support/memory-ports';

/** The watcher over memory S3, a simulated EC2 and a frozen clock; what it publishes is kept. */
export function watcherSetup() {
  const clock = new MovableClock({ start: new Date('2026-11-30T01:00:00Z'), frozen: true });
  const ec2 = new SimulatedEc2({ clock });
  const ports = memoryPorts({ compute: ec2, clock });
  const config = parseConfig({ bucket: 'kismo-test' });
  return {
    clock,
    ec2,
    ports,
    /** Launches a kismo instance for a session, as the launcher does, and waits until it runs. */
    async launch(session = SESSION_ID, owner = OWNER) {
      const instance = await ec2.launch(
        sessionLaunch({ sessionId: session, owner, instanceType: 'p3.2xlarge' }),
      );
      await ec2.settled();
      return instance;
    },
    /** Writes a marker as the bootstrap (or a forger) would. */
    async writeMarker(name: string, body: unknown, session = SESSION_ID, owner = OWNER) {
      await ports.objects.put(sessionKey(owner, session, `${name}.json`), JSON.stringify(body));
    },
    deliver: (envelope: EventEnvelope) => deliver(service, envelope, { ports, config, logger }),
    /** The events published so far, as `[detail-type, detail]`. */
    published: () =>
      ports.published.map((e) => [e.DetailType, JSON.parse(e.Detail)] as [string, Record<string, unknown>]),
  };
}
