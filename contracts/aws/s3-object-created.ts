import * as z from 'zod';
import type { Contract, EventPattern, PatternContext } from '../kit/contract';
import { type CorrelationKeys, OWNER_PATTERN, SESSION_ID_PATTERN } from '../kit/correlation';

/** `detail` of the `Object Created` event S3 sends to EventBridge. */
export const objectCreatedDetail = z.object({
  version: z.string(),
  bucket: z.object({ name: z.string().min(3) }),
  object: z.object({
    key: z.string().min(1),
    size: z.number().int().nonnegative().optional(),
    etag: z.string().optional(),
    'version-id': z.string().optional(),
    sequencer: z.string().optional(),
  }),
  'request-id': z.string().optional(),
  requester: z.string().optional(),
  'source-ip-address': z.string().optional(),
  reason: z.enum(['PutObject', 'POST Object', 'CopyObject', 'CompleteMultipartUpload']),
});

export type ObjectCreatedDetail = z.output<typeof objectCreatedDetail>;

/** A kind of object under a session prefix, by the end of its key. */
export interface SessionObjectKind {
  /** EventBridge wildcard for the key, e.g. `users/*\/sessions/*\/manifest.json`. */
  readonly wildcard: string;
  /** The exact key shape; captures `owner` and `sessionId` (a wildcard's `*` also matches `/`). */
  readonly exact: RegExp;
}

/** The parts of a key under `users/<owner>/sessions/<sessionId>/`. */
export interface SessionKey {
  readonly owner: string;
  readonly sessionId: string;
  readonly rest: string;
}

const SESSION_KEY = new RegExp(`^users/(${OWNER_PATTERN})/sessions/(${SESSION_ID_PATTERN})/(.+)$`);

/** Splits a session key; the owner comes from the key prefix, which IAM scopes to the writer. */
export function parseSessionKey(key: string): SessionKey | undefined {
  const match = SESSION_KEY.exec(key);
  if (!match) return undefined;
  const [, owner, sessionId, rest] = match as unknown as [string, string, string, string];
  return { owner, sessionId, rest };
}

export interface ObjectCreatedContractDefinition<Name extends string> {
  readonly name: Name;
  readonly description: string;
  readonly kinds: readonly SessionObjectKind[];
}

/** An `Object Created` contract narrowed to some session objects (manifests, markers, requests). */
export function defineObjectCreated<const Name extends string>(
  definition: ObjectCreatedContractDefinition<Name>,
): Contract<Name, typeof objectCreatedDetail> {
  const { name, description, kinds } = definition;
  return {
    name,
    source: 'aws.s3',
    detailType: 'Object Created',
    description,
    detail: objectCreatedDetail,
    pattern: (context?: PatternContext): EventPattern => ({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        ...(context?.bucket ? { bucket: { name: [context.bucket] } } : {}),
        object: { key: kinds.map((kind) => ({ wildcard: kind.wildcard })) },
      },
    }),
    accepts: (detail) => kinds.some((kind) => kind.exact.test(detail.object.key)),
    correlate: (detail): CorrelationKeys => {
      const parsed = parseSessionKey(detail.object.key);
      return parsed ? { owner: parsed.owner, sessionId: parsed.sessionId } : {};
    },
  };
}

const SESSION = `users/${OWNER_PATTERN}/sessions/${SESSION_ID_PATTERN}`;
const exact = (tail: string): RegExp => new RegExp(`^${SESSION}/${tail}$`);

export const manifestCreated = defineObjectCreated({
  name: 'Manifest Created',
  description: 'A session manifest was written: `kismo push` finished uploading and asks for an instance.',
  kinds: [{ wildcard: 'users/*/sessions/*/manifest.json', exact: exact('manifest\\.json') }],
});

/** The markers the bootstrap writes; their names are also their meaning. */
export const markerNames = ['ready', 'failed', 'finished'] as const;
export type MarkerName = (typeof markerNames)[number];

export const markerCreated = defineObjectCreated({
  name: 'Marker Created',
  description:
    'The bootstrap on an instance wrote `ready.json`, `failed.json` or `finished.json` under its session.',
  kinds: markerNames.map((marker) => ({
    wildcard: `users/*/sessions/*/${marker}.json`,
    exact: exact(`${marker}\\.json`),
  })),
});

export const requestCreated = defineObjectCreated({
  name: 'Request Created',
  description: 'An owner asked to stop, start, take down or keep a session (`kismo stop|start|down|keep`).',
  kinds: [
    { wildcard: 'users/*/sessions/*/requests/*.json', exact: exact('requests/[A-Za-z0-9_.-]+\\.json') },
  ],
});
