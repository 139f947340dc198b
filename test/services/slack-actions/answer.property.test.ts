// Property: a request to the Slack interactivity endpoint writes a session request only when it is
// signed by Slack's secret, fresh, seen for the first time, and a well-formed press by the session's
// owner on one of kismo's buttons; anything else is refused with a 4xx and writes nothing for an owner.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buttonActionId, buttonActions } from '../../../contracts/slack-buttons';
import { parseConfig } from '../../../services/kit/config';
import { logger } from '../../../services/kit/logger';
import { slackSignature } from '../../../services/kit/slack-signature';
import { answer, type HttpRequest, type SlackActionsContext } from '../../../services/slack-actions/answer';
import { MAX_BODY_BYTES } from '../../../services/slack-actions/interaction';
import { MemoryObjects } from '../../support/memory-ports';

const NOW = new Date('2026-11-30T01:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const OWNER = 'ana';
const SESSION_ID = '20261130-010000-abcdef';
const SESSION = `users/${OWNER}/sessions/${SESSION_ID}/`;
const REQUESTS = `${SESSION}requests/`;
const SLACK = 'https://hooks.slack.com/';
const RESPONSE_URL = `${SLACK}actions/T0/1/x`;
const config = parseConfig({ bucket: 'kismo-test', slack: { users: { ana: 'U0ANA' } } });
const seed = Number(process.env.KISMO_FC_SEED ?? Date.now());

/** A fresh bucket holding ana's session, a context over it, and what was posted to Slack. */
function endpoint() {
  const objects = new MemoryObjects();
  objects.store.set(`${SESSION}manifest.json`, {
    key: `${SESSION}manifest.json`,
    body: new TextEncoder().encode('{}'),
    etag: '"manifest"',
  });
  const responses: { url: string; message: Readonly<Record<string, unknown>> }[] = [];
  const ctx: SlackActionsContext = {
    objects,
    config,
    now: () => NOW,
    logger,
    signingSecret: async () => SECRET,
    respond: async (url, message) => {
      responses.push({ url, message });
    },
    responseUrlPrefix: SLACK,
  };
  const keys = () => [...objects.store.keys()].sort();
  const before = keys();
  /** Keys written since the bucket was made, under `prefix`. */
  const written = (prefix = '') => keys().filter((key) => key.startsWith(prefix) && !before.includes(key));
  return { objects, ctx, responses, written };
}

const formOf = (payload: unknown) => `payload=${encodeURIComponent(JSON.stringify(payload))}`;

const pressOf = (action: string = buttonActionId('stop')) =>
  formOf({
    type: 'block_actions',
    user: { id: 'U0ANA' },
    actions: [{ action_id: action, value: `${OWNER}/${SESSION_ID}` }],
    response_url: RESPONSE_URL,
  });

const signed = (body: string, timestamp: string): HttpRequest => ({
  method: 'POST',
  headers: {
    'x-slack-signature': slackSignature(SECRET, timestamp, body),
    'x-slack-request-timestamp': timestamp,
  },
  body,
});

/** Unix seconds within Slack's five minutes of NOW, either way. */
const freshTimestamps = fc.integer({ min: -300, max: 300 }).map((offset) => String(NOW_SECONDS + offset));

const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });

const bodies = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(...buttonActions.map(buttonActionId)).map(pressOf),
  fc.jsonValue().map(formOf),
  // Around the size limit, in one-byte and two-byte characters: the limit is in bytes.
  fc.integer({ min: -2, max: 2 }).map((n) => 'a'.repeat(MAX_BODY_BYTES + n)),
  fc.integer({ min: -2, max: 2 }).map((n) => 'é'.repeat(MAX_BODY_BYTES / 2 + n)),
);

describe('the Slack interactivity endpoint under hostile requests', () => {
  it('answers an unsigned or wrongly signed request 401 (413 when oversized), and writes and posts nothing', async () => {
    const timestamps = fc.option(
      fc.oneof(freshTimestamps, fc.integer().map(String), fc.string(), fc.stringMatching(/^\d{1,12}$/)),
      { nil: undefined },
    );
    // Anything but the signature of this body at this timestamp with this secret.
    const signatures = (body: string, timestamp: string | undefined) =>
      fc.option(
        fc.oneof(
          hex64.map((hex) => `v0=${hex}`),
          fc.string(),
          fc.constant(slackSignature('another secret', timestamp ?? '', body)),
          fc.constant(slackSignature(SECRET, timestamp ?? '', `${body} `)),
          fc.constant(slackSignature(SECRET, String(NOW_SECONDS), body)),
        ),
        { nil: undefined },
      );
    const requests = fc
      .tuple(bodies, timestamps)
      .chain(([body, timestamp]) =>
        signatures(body, timestamp).map((signature) => ({ body, timestamp, signature })),
      )
      .filter(
        ({ body, timestamp, signature }) =>
          timestamp === undefined || signature !== slackSignature(SECRET, timestamp, body),
      );

    await fc.assert(
      fc.asyncProperty(requests, async ({ body, timestamp, signature }) => {
        // Prepare
        const { ctx, responses, written } = endpoint();
        const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };

        // Act
        const response = await answer({ method: 'POST', headers, body }, ctx);

        // Assess
        expect(response.status).toBe(Buffer.byteLength(body) > MAX_BODY_BYTES ? 413 : 401);
        expect(written()).toEqual([]);
        expect(responses).toEqual([]);
      }),
      { numRuns: 200, seed },
    );
  });

  it('answers a correctly signed request more than 300 s from now, either way, 401 and writes nothing', async () => {
    const stale = fc
      .tuple(fc.integer({ min: 301, max: 1_000_000_000 }), fc.boolean())
      .map(([age, past]) => NOW_SECONDS + (past ? -age : age));
    const requests = fc.record({
      body: fc.oneof(fc.constantFrom(...buttonActions.map(buttonActionId)).map(pressOf), fc.string()),
      timestamp: stale.map(String),
    });

    await fc.assert(
      fc.asyncProperty(requests, async ({ body, timestamp }) => {
        // Prepare
        const { ctx, responses, written } = endpoint();

        // Act
        const response = await answer(signed(body, timestamp), ctx);

        // Assess
        expect(response.status).toBe(401);
        expect(written()).toEqual([]);
        expect(responses).toEqual([]);
      }),
      { numRuns: 200, seed },
    );
  });

  describe('a correctly signed, fresh request', () => {
    /**
     * Sends `body` signed and fresh; asserts it was refused with a 4xx that wrote nothing for any
     * owner, or answered 200 having written exactly one request for ana's session.
     */
    async function press(body: string, timestamp: string) {
      const { ctx, responses, written } = endpoint();
      const response = await answer(signed(body, timestamp), ctx);
      expect([200, 400, 403, 404, 409]).toContain(response.status);
      if (response.status === 200) {
        expect(written('users/')).toHaveLength(1);
        expect(written(REQUESTS)).toHaveLength(1);
      } else {
        expect(written('users/')).toEqual([]);
      }
      for (const { url } of responses) expect(url.startsWith(SLACK), url).toBe(true);
      return { response, responses, written };
    }

    it('with an arbitrary body is refused and writes nothing for an owner', async () => {
      const anyBodies = fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.string().map((text) => `payload=${text}`),
        fc.webQueryParameters(),
      );

      await fc.assert(
        fc.asyncProperty(anyBodies, freshTimestamps, async (body, timestamp) => {
          // Act
          const { response } = await press(body, timestamp);

          // Assess
          expect(response.status).not.toBe(200);
        }),
        { numRuns: 200, seed },
      );
    });

    it('with an arbitrary JSON value as its payload is refused and writes nothing for an owner', async () => {
      const forms = fc.tuple(
        fc.jsonValue(),
        fc.constantFrom('', 'token=x&', 'a=1&b=2&'),
        fc.constantFrom('', '&trigger_id=1'),
      );

      await fc.assert(
        fc.asyncProperty(forms, freshTimestamps, async ([payload, before, after], timestamp) => {
          // Prepare
          const body = `${before}${formOf(payload)}${after}`;

          // Act
          const { response, responses } = await press(body, timestamp);

          // Assess
          expect(response.status).not.toBe(200);
          expect(responses.every(({ message }) => message.replace_original === false)).toBe(true);
        }),
        { numRuns: 200, seed },
      );
    });

    it('writes one request exactly when the payload is a well-formed press by ana on her session', async () => {
      const outcomes = { written: 0, refused: 0 };
      const ABSENT = Symbol('absent');
      /** A field's valid values (most often), its absence, or values that make the press not ana's valid one. */
      const field = (valid: fc.Arbitrary<unknown>, ...wrong: fc.Arbitrary<unknown>[]) =>
        fc.oneof(
          { weight: 8, arbitrary: valid.map((value) => ({ value, ok: true })) },
          { weight: 1, arbitrary: fc.constant({ value: ABSENT, ok: false }) },
          ...wrong.map((arbitrary) => ({
            weight: 1,
            arbitrary: arbitrary.map((value) => ({ value, ok: false })),
          })),
        );
      const objectOf = <T extends Record<string, fc.Arbitrary<{ value: unknown; ok: boolean }>>>(fields: T) =>
        fc.record(fields).map((picked) => {
          const value: Record<string, unknown> = {};
          let ok = true;
          for (const [key, chosen] of Object.entries(picked)) {
            if (chosen.value !== ABSENT) value[key] = chosen.value;
            ok &&= chosen.ok;
          }
          return { value, ok };
        });
      // An omitted `value` defaults to '' and an omitted message is fine: both are wrong or valid as listed.
      const action = objectOf({
        action_id: field(
          fc.constantFrom(...buttonActions.map(buttonActionId)),
          fc.constantFrom(
            'kismo:',
            'kismo:Stop',
            'KISMO:stop',
            'other:stop',
            'kismo:stop ',
            'kismo:__proto__',
          ),
          fc.constantFrom('kismo:toString', 'kismo:constructor', 'x'.repeat(256), 12, null, ['kismo:stop']),
          fc.jsonValue(),
        ),
        value: field(
          fc.constant(`${OWNER}/${SESSION_ID}`),
          fc.constantFrom(
            `bob/${SESSION_ID}`,
            `${OWNER}/20261130-010000-zzzzzz`,
            `ANA/${SESSION_ID}`,
            OWNER,
            '',
          ),
          fc.constantFrom(
            `${OWNER}/${SESSION_ID}/`,
            ` ${OWNER}/${SESSION_ID}`,
            `${OWNER}/../${OWNER}/${SESSION_ID}`,
            `${OWNER}%2F${SESSION_ID}`,
            `${OWNER}/${SESSION_ID}`.padEnd(2001, ' '),
            7,
            null,
          ),
          fc.jsonValue(),
        ),
        block_id: fc.option(fc.constant({ value: 'b1', ok: true }), { nil: { value: ABSENT, ok: true } }),
      });
      const payloads = objectOf({
        type: field(
          fc.constant('block_actions'),
          fc.constantFrom('view_submission', 'BLOCK_ACTIONS', '', ' block_actions', 1, null),
          fc.jsonValue(),
        ),
        user: field(
          fc.constantFrom({ id: 'U0ANA' }, { id: 'U0ANA', name: 'ana', team_id: 'T0' }),
          fc.constantFrom({ id: 'U0BOB' }, { id: 'W0ANA' }, { id: 'u0ana' }, { id: 'U0ANA ' }, { id: '' }),
          fc.constantFrom({}, { id: null }, { user_id: 'U0ANA' }, 'U0ANA', ['U0ANA'], null),
          fc.jsonValue(),
        ),
        actions: field(
          action.filter(({ ok }) => ok).map(({ value }) => [value]),
          action.filter(({ ok }) => !ok).map(({ value }) => [value]),
          fc
            .array(action, { minLength: 2, maxLength: 3 })
            .map((actions) => actions.map(({ value }) => value)),
          fc.constantFrom([], {}, 'kismo:stop', null),
          action.map(({ value }) => value),
          fc.jsonValue(),
        ),
        response_url: field(
          fc.stringMatching(/^[0-9]{1,8}\/[A-Za-z0-9]{1,24}$/).map((path) => `${SLACK}actions/T0/${path}`),
          fc.constantFrom(
            'https://evil.example/actions/T0/1/x',
            'http://hooks.slack.com/actions/T0/1/x',
            'https://hooks.slack.com.evil.example/actions/T0/1/x',
            'HTTPS://HOOKS.SLACK.COM/actions/T0/1/x',
            'hooks.slack.com/actions/T0/1/x',
            `${SLACK}${'x'.repeat(2000)}`,
          ),
          fc.constantFrom('', 'javascript:alert(1)', 42, null, [RESPONSE_URL]),
          fc.webUrl(),
          fc.jsonValue(),
        ),
        message: field(
          fc.oneof(
            fc.constant(ABSENT),
            fc.record(
              {
                ts: fc.constant('1764464400.000100'),
                blocks: fc.constant([
                  { type: 'section', text: { type: 'mrkdwn', text: 'idle' } },
                  { type: 'actions', elements: [] },
                ]),
              },
              { requiredKeys: [] },
            ),
          ),
          fc.constantFrom(
            null,
            'text',
            42,
            [],
            { ts: 5 },
            { blocks: 'x' },
            { blocks: [1] },
            { blocks: [null] },
          ),
        ).map((chosen) => (chosen.value === ABSENT ? { value: ABSENT, ok: true } : chosen)),
      });

      await fc.assert(
        fc.asyncProperty(payloads, freshTimestamps, async ({ value: payload, ok }, timestamp) => {
          // Prepare
          const body = formOf(payload);

          // Act
          const { response, responses, written } = await press(body, timestamp);

          // Assess
          expect(response.status === 200, `${response.status} ${response.body}`).toBe(ok);
          if (ok) {
            outcomes.written += 1;
            const [{ action_id }] = payload.actions as [{ action_id: string }];
            const asked: Record<string, string> = { 'kismo:stop': 'stop', 'kismo:terminate': 'down' };
            expect(written(REQUESTS)).toEqual([
              `${REQUESTS}20261130T010000000Z-${asked[action_id] ?? 'keep'}.json`,
            ]);
            expect(responses).toEqual([
              { url: payload.response_url, message: expect.objectContaining({ replace_original: true }) },
            ]);
          } else {
            outcomes.refused += 1;
          }
        }),
        { numRuns: 300, seed },
      );

      // Both outcomes were reached.
      expect(outcomes.written).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    });
  });

  it('answers a replayed request 409 and writes its request once', async () => {
    const presses = fc.record({
      action: fc.constantFrom(...buttonActions.map(buttonActionId)),
      timestamp: freshTimestamps,
    });

    await fc.assert(
      fc.asyncProperty(presses, async ({ action, timestamp }) => {
        // Prepare
        const { ctx, responses, written } = endpoint();
        const request = signed(pressOf(action), timestamp);

        // Act
        const first = await answer(request, ctx);
        const second = await answer(request, ctx);

        // Assess
        expect([first.status, second.status]).toEqual([200, 409]);
        expect(written('users/')).toHaveLength(1);
        expect(written(REQUESTS)).toHaveLength(1);
        expect(responses).toHaveLength(1);
      }),
      { numRuns: 100, seed },
    );
  });

  it('answers a valid press whose signature differs in one character 401, and writes nothing', async () => {
    const tampered = fc
      .record({
        action: fc.constantFrom(...buttonActions.map(buttonActionId)),
        timestamp: freshTimestamps,
        at: fc.integer({ min: 0, max: 66 }),
        char: fc.oneof(
          fc.constantFrom(...'0123456789abcdefABCDEFv='),
          fc.string({ minLength: 1, maxLength: 1 }),
        ),
      })
      .map(({ action, timestamp, at, char }) => {
        const request = signed(pressOf(action), timestamp);
        const signature = request.headers['x-slack-signature'] ?? '';
        return {
          request,
          forged: {
            ...request,
            headers: {
              ...request.headers,
              'x-slack-signature': signature.slice(0, at) + char + signature.slice(at + 1),
            },
          },
        };
      })
      .filter(
        ({ request, forged }) => forged.headers['x-slack-signature'] !== request.headers['x-slack-signature'],
      );

    await fc.assert(
      fc.asyncProperty(tampered, async ({ request, forged }) => {
        // Prepare
        const { ctx, responses, written } = endpoint();

        // Act
        const refused = await answer(forged, ctx);
        const nothing = written();
        const genuine = await answer(request, ctx);

        // Assess
        expect(refused.status).toBe(401);
        expect(nothing).toEqual([]);
        expect(responses).toHaveLength(1);
        expect(genuine.status).toBe(200);
      }),
      { numRuns: 200, seed },
    );
  });
});
