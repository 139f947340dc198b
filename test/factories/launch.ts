import { type LaunchSpec, TAGS } from '../../services/kit/ports';
import { OWNER, SESSION_ID } from './events';

/**
 * A launch as the launcher makes it for a session: the session id as client token, and the tags
 * that make the instance kismo's (managed, owner, session), with a stand-in user data.
 */
export function sessionLaunch(
  o: { sessionId?: string; owner?: string; instanceType?: string } = {},
): LaunchSpec {
  const sessionId = o.sessionId ?? SESSION_ID;
  return {
    clientToken: sessionId,
    instanceType: o.instanceType ?? 'g4dn.xlarge',
    userData: '#!/bin/bash',
    tags: { [TAGS.managed]: 'true', [TAGS.owner]: o.owner ?? OWNER, [TAGS.session]: sessionId },
  };
}
