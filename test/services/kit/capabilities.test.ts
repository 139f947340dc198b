import { describe, expect, it } from 'vitest';
import { grantedPorts, portsOf } from '../../../services/kit/capabilities';
import { memoryPorts } from '../../support/memory-ports';

const journal = {
  name: 'journal',
  capabilities: { objects: { write: ['users/*/sessions/*/status.json'] }, compute: ['describe' as const] },
  emits: [],
};

describe('the ports a service is given', () => {
  it('are the ones its capabilities reach, and the bus only when it emits', () => {
    // Act + Assess
    expect(portsOf(journal)).toEqual(['objects', 'compute']);
    expect(portsOf({ capabilities: { chat: true }, emits: [{}] })).toEqual(['bus', 'chat']);
    expect(portsOf({ capabilities: { compute: [], chat: false }, emits: [] })).toEqual([]);
  });

  it('refuse every call on a port the service declares no use of, naming the service and the port', async () => {
    // Prepare
    const ports = grantedPorts(memoryPorts(), journal);

    // Act + Assess
    await expect(ports.objects.get('users/ada/sessions/s/status.json')).resolves.toBeUndefined();
    await expect(ports.chat.post({ channel: '#kismo', text: 'hi' })).rejects.toThrow(
      'service journal declares no use of the chat port',
    );
    await expect(ports.bus.putEvents([])).rejects.toThrow('no use of the bus port');
  });
});
