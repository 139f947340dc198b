import { describe, expect, it } from 'vitest';
import { manifestCreated, markerCreated, requestCreated } from '../../contracts/aws/s3-object-created';
import { scheduledEvent } from '../../contracts/aws/scheduled-event';
import { awsEvents, instanceIdle, instanceReady, kismoEvents, launchFailed } from '../../contracts/catalog';
import { eventJsonSchema } from '../../contracts/kit/json-schema';
import { matchesPattern, validatePattern } from '../../contracts/kit/pattern';
import { sessionManifestSchema } from '../../contracts/manifest';
import {
  envelope,
  INSTANCE_ID,
  instanceReadyDetail,
  manifestKey,
  OWNER,
  objectCreated,
} from '../factories/events';

describe('the catalog', () => {
  it('holds each event once, past tense and Title Case, published by kismo', () => {
    // Act
    const detailTypes = kismoEvents.map((c) => c.detailType);

    // Assess: rules, not a list, so that adding an event touches nothing here
    expect(new Set(detailTypes).size).toBe(kismoEvents.length);
    expect(new Set(kismoEvents.map((c) => c.name)).size).toBe(kismoEvents.length);
    for (const contract of kismoEvents) {
      expect(contract.detailType).toMatch(/^[A-Z][A-Za-z0-9]*( [A-Z][A-Za-z0-9]*)+$/);
      expect(contract.source).toBe('kismo');
      expect(contract.version).toBeGreaterThanOrEqual(1);
      expect(typeof contract.timeline).toBe('function');
    }
  });

  it.each(kismoEvents.map((c) => [c.name, c] as const))(
    '%s: its pattern is derived from the definition and valid',
    (_, contract) => {
      // Act
      const pattern = contract.pattern();

      // Assess
      expect(validatePattern(pattern)).toBe(pattern);
      expect(pattern).toEqual({
        source: ['kismo'],
        'detail-type': [contract.detailType],
        detail: { version: [contract.version] },
      });
    },
  );

  it.each([...kismoEvents, ...awsEvents].map((c) => [c.name, c] as const))(
    '%s: exports a JSON Schema',
    (_, contract) => {
      // Act
      const schema = eventJsonSchema(contract) as { properties: { detail: { type: string } }; title: string };

      // Assess
      expect(schema.title).toBe(contract.name);
      expect(schema.properties.detail.type).toBe('object');
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    },
  );
});

describe('schemas', () => {
  it('accept a valid event', () => {
    // Act
    const result = instanceReady.detail.safeParse({ ...instanceReadyDetail(), version: 1 });

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['a bad instance id', { instanceId: 'i-NOPE' }, ['instanceId']],
    ['a missing owner', { owner: undefined }, ['owner']],
    ['a negative boot time', { bootSeconds: -1 }, ['bootSeconds']],
    ['a wrong version', { version: 2 }, ['version']],
  ])('reject %s with the path to the bad field', (_, change, path) => {
    // Act
    const result = instanceReady.detail.safeParse({ ...instanceReadyDetail(), version: 1, ...change });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });

  it('point into nested fields', () => {
    // Act
    const result = instanceIdle.detail.safeParse({
      version: 2,
      owner: OWNER,
      instanceId: INSTANCE_ID,
      readings: { activity: 101 },
      businessHours: true,
      strike: 0,
      action: 'mention',
    });

    // Assess
    expect(result.error?.issues.map((i) => i.path)).toEqual([['readings', 'activity']]);
  });

  it('keep failure reasons to the documented codes', () => {
    // Act
    const result = launchFailed.detail.safeParse({
      version: 1,
      owner: OWNER,
      sessionId: '20261128-153000-k3f9qa',
      reason: { code: 'gremlins', message: 'x' },
      retryable: false,
    });

    // Assess
    expect(result.error?.issues.map((i) => i.path)).toEqual([['reason', 'code']]);
  });
});

describe('S3 contracts', () => {
  it('match a manifest of the bucket, and only of that bucket', () => {
    // Prepare
    const event = objectCreated(manifestKey());

    // Act + Assess
    expect(matchesPattern(manifestCreated.pattern({ bucket: 'kismo-test' }), event)).toBe(true);
    expect(matchesPattern(manifestCreated.pattern({ bucket: 'another-bucket' }), event)).toBe(false);
  });

  it('re-check the exact key shape a wildcard cannot say', () => {
    // Prepare: a user's output file named manifest.json also matches the wildcard.
    const output = objectCreated(`users/${OWNER}/sessions/20261128-153000-k3f9qa/outputs/manifest.json`);
    const detail = manifestCreated.detail.parse(output.detail);

    // Act + Assess
    expect(matchesPattern(manifestCreated.pattern(), output)).toBe(true);
    expect(manifestCreated.accepts?.(detail)).toBe(false);
    expect(manifestCreated.accepts?.(manifestCreated.detail.parse(objectCreated(manifestKey()).detail))).toBe(
      true,
    );
  });

  it('take the owner and session from the key', () => {
    // Prepare
    const detail = markerCreated.detail.parse(
      objectCreated(`users/${OWNER}/sessions/20261128-153000-k3f9qa/ready.json`).detail,
    );

    // Act
    const keys = markerCreated.correlate?.(detail);

    // Assess
    expect(keys).toEqual({ owner: OWNER, sessionId: '20261128-153000-k3f9qa' });
  });

  it.each([
    [markerCreated, 'users/ada/sessions/20261128-153000-k3f9qa/ready.json', true],
    [markerCreated, 'users/ada/sessions/20261128-153000-k3f9qa/finished.json', true],
    [markerCreated, 'users/ada/sessions/20261128-153000-k3f9qa/notes.json', false],
    [requestCreated, 'users/ada/sessions/20261128-153000-k3f9qa/requests/1764340000-stop.json', true],
    [requestCreated, 'users/ada/datasets/x/requests/a.json', false],
  ] as const)('%# select their keys', (contract, key, expected) => {
    // Prepare
    const event = objectCreated(key);

    // Act
    const selected =
      matchesPattern(contract.pattern(), event) && contract.accepts?.(contract.detail.parse(event.detail));

    // Assess
    expect(selected).toBe(expected);
  });

  it('schedules are selected per service', () => {
    // Prepare
    const tick = envelope('kismo.scheduler', 'Scheduled Event', {
      service: 'idle-monitor',
      scheduledTime: '2026-11-28T15:00:00Z',
    });

    // Act + Assess
    expect(matchesPattern(scheduledEvent('idle-monitor').pattern(), tick)).toBe(true);
    expect(matchesPattern(scheduledEvent('launcher').pattern(), tick)).toBe(false);
  });
});

describe('the session manifest', () => {
  const manifest = {
    schemaVersion: 1,
    owner: OWNER,
    sessionId: '20261128-153000-k3f9qa',
    createdAt: '2026-11-28T15:30:00Z',
    instanceType: 'p3.2xlarge',
    dataset: {
      name: 'data',
      prefix: 'users/ada/datasets/data/',
      files: 3,
      bytes: 1024,
      digest: 'a'.repeat(64),
    },
    options: {
      run: 'python train.py --epochs 3 && echo "$(date)"',
      outputs: 'outputs/',
      afterRun: 'terminate',
    },
  };

  it('accepts free text in the run command (it travels base64-encoded)', () => {
    expect(sessionManifestSchema.safeParse(manifest).success).toBe(true);
  });

  it.each([
    ['an outputs path escaping the dataset', { options: { outputs: '../../etc' } }, ['options', 'outputs']],
    ['shell in the instance type', { instanceType: 'p3.2xlarge;reboot' }, ['instanceType']],
    [
      'a dataset prefix of another shape',
      { dataset: { ...manifest.dataset, prefix: 'users/ada/../bob/' } },
      ['dataset', 'prefix'],
    ],
  ])('rejects %s', (_, change, path) => {
    // Act
    const result = sessionManifestSchema.safeParse({ ...manifest, ...change });

    // Assess
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path);
  });
});
