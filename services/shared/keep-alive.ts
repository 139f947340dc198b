import * as z from 'zod';
import {
  instanceIdSchema,
  isoTimeSchema,
  ownerSchema,
  sessionIdSchema,
} from '../../contracts/kit/correlation';

/**
 * Where an owner's `kismo keep` lives: one object per instance, written only by session-control
 * (after it checked the owner), read by the idle monitor. Users never write under `kismo/`.
 */
export const KEEP_ALIVE_PREFIX = 'kismo/keep-alive/';

/** The key of an instance's keep-alive. */
export const keepAliveKey = (instanceId: string): string => `${KEEP_ALIVE_PREFIX}${instanceId}.json`;

/** `kismo/keep-alive/<instanceId>.json`. */
export const keepAliveSchema = z.object({
  instanceId: instanceIdSchema,
  owner: ownerSchema,
  sessionId: sessionIdSchema,
  /** The idle monitor leaves the instance alone until then. */
  until: isoTimeSchema,
  /** The request object that asked for it. */
  request: z.string(),
  requestedAt: isoTimeSchema,
});

export type KeepAlive = z.output<typeof keepAliveSchema>;
