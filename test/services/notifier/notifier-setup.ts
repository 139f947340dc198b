import type { EventEnvelope } from '../../../contracts/kit/contract';
import { MovableClock } from '../../../infra/local/clock/movable-clock';
import { SimulatedEc2 } from '../../../infra/local/ec2/simulated-ec2';
import { parseConfig } from '../../../services/kit/config';
import { deliver } from '../../../services/kit/deliver';
import { logger } from '../../../services/kit/logger';
import type { Chat } from '../../../services/kit/ports';
import notifier from '../../../services/notifier/service';
import { OWNER } from '../../factories/kismo-events';
import { RecordingChat } from '../../support/local-cloud';
import { memoryPorts } from '../../support/memory-ports';

/** The notifier over memory S3, a simulated EC2 and a recording chat; ada has a Slack id, bob none. */
export function notifierSetup(chat: Chat = new RecordingChat()) {
  const clock = new MovableClock({ start: new Date('2026-11-30T01:00:00Z'), frozen: true });
  const ec2 = new SimulatedEc2({ clock });
  const ports = memoryPorts({ compute: ec2, clock, chat });
  const config = parseConfig({
    bucket: 'kismo-test',
    slack: { channel: '#gpu', operatorsChannel: '#gpu-ops', users: { [OWNER]: 'U0ADA' } },
  });
  return {
    ports,
    ec2,
    config,
    deliver: (envelope: EventEnvelope) => deliver(notifier, envelope, { ports, config, logger }),
  };
}
