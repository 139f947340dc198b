import type { EventEnvelope } from '../../../contracts/kit/contract';
import { sessionKey } from '../../../contracts/manifest';
import { type SessionStatus, sessionStatusSchema } from '../../../contracts/session-status';
import { MovableClock } from '../../../infra/local/clock/movable-clock';
import { SimulatedEc2 } from '../../../infra/local/ec2/simulated-ec2';
import { parseConfig } from '../../../services/kit/config';
import { deliver } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import journal from '../../../services/session-journal/service';
import { OWNER, SESSION_ID } from '../../factories/kismo-events';
import { memoryPorts } from '../../support/memory-ports';

/** The journal over memory S3 and a simulated EC2. */
export function journalSetup() {
  const clock = new MovableClock({ start: new Date('2026-11-30T01:00:00Z'), frozen: true });
  const ec2 = new SimulatedEc2({ clock });
  const ports = memoryPorts({ compute: ec2, clock });
  const config = parseConfig({ bucket: 'kismo-test' });
  return {
    ports,
    ec2,
    deliver: (envelope: EventEnvelope) => deliver(journal, envelope, { ports, config, logger }),
    /** The status.json the journal wrote, parsed with its schema. */
    status(sessionId = SESSION_ID, owner = OWNER): SessionStatus | undefined {
      const text = ports.objects.text(sessionKey(owner, sessionId, 'status.json'));
      return text === undefined ? undefined : sessionStatusSchema.parse(JSON.parse(text));
    },
  };
}
