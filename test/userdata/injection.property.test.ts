// Property: manifest fields full of shell syntax are either refused by validation, or rendered into
// a script that bash and shellcheck accept and that, run in a sandbox, runs no injected command.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type SessionManifest, sessionKey, sessionManifestSchema } from '../../contracts/manifest';
import { readyMarkerSchema } from '../../contracts/markers';
import { parseConfig } from '../../services/kit/config';
import { LaunchRefusal } from '../../services/launcher/launch-refusal';
import { launchSpecFor, userDataValuesFor } from '../../services/launcher/launch-spec';
import { validateRequest } from '../../services/launcher/validate-request';
import { renderBootstrap } from '../../userdata/render';
import { SESSION_ID } from '../factories/events';
import { makeSandbox, runScript } from './support/sandbox';

const CANARY = path.join(os.tmpdir(), `kismo-canary-${process.pid}`);
const config = parseConfig({ bucket: 'kismo-test' });
const scripts = mkdtempSync(path.join(os.tmpdir(), 'kismo-shellcheck-'));

/** Ways out of a quoted or spliced value, each creating the canary if it ever runs. */
const INJECTIONS = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `'; touch ${CANARY}; '`,
  `"; touch ${CANARY}; "`,
  `\ntouch ${CANARY}\n`,
  `'$(touch ${CANARY})'`,
  `\\'; touch ${CANARY} #`,
  `'\\''; touch ${CANARY}; echo '`,
  `|| touch ${CANARY}`,
  `$'\\x27'; touch ${CANARY}`,
  `\${IFS}touch\${IFS}${CANARY}`,
  `"$(touch ${CANARY})"`,
];

const evil = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 8 }))
    .map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
/** Mostly values the schema lets through (with every character it allows), sometimes an attack. */
const field = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: evil });

const manifests = fc
  .record({
    owner: field(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,15}$/)),
    sessionId: field(fc.constant(SESSION_ID)),
    name: field(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/)),
    run: fc.option(evil, { nil: undefined }),
    outputs: fc.option(field(fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}(\/[A-Za-z0-9_.-]{1,8})?$/)), {
      nil: undefined,
    }),
    afterRun: fc.option(field(fc.constantFrom('terminate', 'stop', 'keep')), { nil: undefined }),
  })
  .map(({ owner, sessionId, name, run, outputs, afterRun }) => ({
    schemaVersion: 1,
    owner,
    sessionId,
    createdAt: '2026-11-28T15:30:00Z',
    instanceType: 'p3.2xlarge',
    dataset: { name, prefix: `users/${owner}/datasets/${name}/`, files: 0, bytes: 0, digest: '0'.repeat(64) },
    options: { run, outputs, afterRun },
  }));

/** The user data the launcher would send for a manifest, or `undefined` when validation refuses it. */
function userDataOf(
  candidate: unknown,
): { manifest: SessionManifest; userData: string; script: string } | undefined {
  const parsed = sessionManifestSchema.safeParse(candidate);
  if (!parsed.success) return undefined;
  const manifest = parsed.data;
  try {
    const request = validateRequest(
      { owner: manifest.owner, sessionId: manifest.sessionId, rest: 'manifest.json' },
      manifest,
      config,
    );
    return {
      manifest,
      userData: launchSpecFor(request, config).userData,
      script: renderBootstrap(userDataValuesFor(request, config)),
    };
  } catch (error) {
    if (error instanceof LaunchRefusal) return undefined;
    throw error;
  }
}

afterAll(() => {
  rmSync(scripts, { recursive: true, force: true });
  rmSync(CANARY, { force: true });
});

describe('bootstrap rendering under hostile manifests', () => {
  it('refuses, or renders a script that parses, lints clean and runs no injected command', async () => {
    const outcomes = { refused: 0, rendered: 0 };
    await fc.assert(
      fc.asyncProperty(manifests, async (candidate) => {
        const rendered = userDataOf(candidate);
        if (!rendered) {
          outcomes.refused += 1;
          return;
        }
        outcomes.rendered += 1;
        const { manifest, userData, script } = rendered;
        execFileSync('/bin/bash', ['-n'], { input: userData });
        execFileSync('/bin/bash', ['-n'], { input: script });
        writeFileSync(path.join(scripts, `bootstrap-${outcomes.rendered}.sh`), script);

        const sandbox = makeSandbox({ recordRun: true });
        try {
          const result = await runScript(sandbox, userData);
          expect(existsSync(CANARY), `injected: ${JSON.stringify(candidate)}`).toBe(false);
          expect(result.code, result.output).toBe(0);
          const recorded = path.join(sandbox.dir, 'run-recorded.sh');
          const run = manifest.options.run?.trim() ? manifest.options.run : undefined;
          expect(existsSync(recorded) ? readFileSync(recorded) : undefined).toEqual(
            run === undefined ? undefined : Buffer.from(run),
          );
          const ready = readyMarkerSchema.parse(
            JSON.parse(sandbox.s3Object(sessionKey(manifest.owner, manifest.sessionId, 'ready.json')) ?? ''),
          );
          expect(ready.dataPath).toBe(path.join(sandbox.dataRoot, manifest.dataset.name));
        } finally {
          sandbox.remove();
        }
      }),
      { numRuns: 30, seed: Number(process.env.KISMO_FC_SEED ?? Date.now()) },
    );

    // Both branches were taken, and every rendered script passes shellcheck (one run for all: it is slow to start).
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.rendered).toBeGreaterThan(0);
    const files = Array.from({ length: outcomes.rendered }, (_, i) =>
      path.join(scripts, `bootstrap-${i + 1}.sh`),
    );
    expect(() => execFileSync('shellcheck', ['--shell=bash', ...files], { encoding: 'utf8' })).not.toThrow();
  });
});
