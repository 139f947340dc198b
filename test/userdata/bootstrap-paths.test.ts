// bootstrap.sh's branches, run by bash with a stub `aws` that keeps S3 in a folder: what it does
// after the run command, which transfer client it picks, and what it does without an instance id.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionKey } from '../../contracts/manifest';
import { finishedMarkerSchema, readyMarkerSchema } from '../../contracts/markers';
import { ACTIVITY_REPORTER } from '../../userdata/generated/templates';
import { renderUserData } from '../../userdata/render';
import type { UserDataValuesInput } from '../../userdata/user-data-values';
import { OWNER, SESSION_ID } from '../factories/events';
import { userDataValues } from '../factories/manifest';
import { makeSandbox, runScript, type Sandbox } from './support/sandbox';

let sandbox: Sandbox;

/** The stub downloads nothing, so these sessions have an empty dataset. */
function emptyDataset(overrides: Partial<UserDataValuesInput> = {}): string {
  return renderUserData(
    userDataValues({
      dataset: { name: 'empty', prefix: `users/${OWNER}/datasets/empty/`, files: 0, bytes: 0 },
      ...overrides,
    }),
  );
}

function finished() {
  return finishedMarkerSchema.parse(
    JSON.parse(sandbox.s3Object(sessionKey(OWNER, SESSION_ID, 'finished.json')) ?? ''),
  );
}

afterEach(() => sandbox.remove());

describe('bootstrap.sh after the run command', () => {
  it.each([
    ['terminate', ['-h now']],
    ['stop', ['-h now']],
    ['keep', []],
  ] as const)('then %s: shuts down as asked once the outputs are safe', async (afterRun, shutdowns) => {
    // Prepare
    sandbox = makeSandbox();
    const script = emptyDataset({ run: 'mkdir -p outputs && echo 42 > outputs/answer', afterRun });

    // Act
    const result = await runScript(sandbox, script, { KISMO_DRY_SHUTDOWN: '' });

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(sandbox.s3Object(`users/${OWNER}/sessions/${SESSION_ID}/outputs/answer`)).toBe('42\n');
    expect(finished()).toMatchObject({ exitCode: 0, outputsUploaded: true, afterRun });
    expect(sandbox.calls('shutdown')).toEqual(shutdowns);
  });

  it('keeps the instance and says so when the outputs cannot be uploaded', async () => {
    // Prepare
    sandbox = makeSandbox();
    const script = emptyDataset({
      run: 'mkdir -p outputs && echo 42 > outputs/answer',
      afterRun: 'terminate',
    });

    // Act
    const result = await runScript(sandbox, script, { KISMO_DRY_SHUTDOWN: '', AWS_STUB_FAIL_UPLOAD: '1' });

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(finished()).toMatchObject({ outputsUploaded: false, afterRun: 'terminate' });
    expect(sandbox.calls('shutdown')).toEqual([]);
    expect(result.output).toContain('the outputs could not be uploaded: the instance stays up');
  });

  it('honours --then when the command made no outputs folder (nothing to lose), and reports its exit code', async () => {
    // Prepare
    sandbox = makeSandbox();
    const script = emptyDataset({
      run: 'echo "to the wrong place" > result.txt; exit 3',
      afterRun: 'terminate',
    });

    // Act
    const result = await runScript(sandbox, script, { KISMO_DRY_SHUTDOWN: '' });

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(finished()).toMatchObject({ exitCode: 3, outputsUploaded: null, outputsPrefix: null });
    expect(finishedMarkerSchema.safeParse(finished()).success).toBe(true);
    expect(sandbox.calls('shutdown')).toEqual(['-h now']);
    expect(readFileSync(path.join(sandbox.dataRoot, 'empty', 'result.txt'), 'utf8')).toBe(
      'to the wrong place\n',
    );
  });

  it('runs a gzip-wrapped script (a long run command) the same way', async () => {
    // Prepare
    sandbox = makeSandbox();
    const run = `mkdir -p outputs && echo ok > outputs/ok\n${'# a long comment line to pad the command out\n'.repeat(80)}`;
    const script = emptyDataset({ run });

    // Act
    const result = await runScript(sandbox, script);

    // Assess
    expect(script).toContain('KISMO_GZIP');
    expect(result.code, result.output).toBe(0);
    expect(sandbox.s3Object(`users/${OWNER}/sessions/${SESSION_ID}/outputs/ok`)).toBe('ok\n');
  });
});

describe('bootstrap.sh transfer client', () => {
  it.each([
    ['aws-cli/2.15.0 Python/3.11.6', 'crt'],
    ['aws-cli/1.33.0 Python/3.11.6', 'classic'],
  ])('on AWS, %s uses the %s client', async (version, client) => {
    // Prepare
    sandbox = makeSandbox();

    // Act
    const result = await runScript(sandbox, emptyDataset(), { AWS_STUB_VERSION: version });

    // Assess
    expect(result.code, result.output).toBe(0);
    const config = readFileSync(path.join(sandbox.root, 'etc/kismo/aws-config'), 'utf8');
    expect(config).toContain('max_concurrent_requests = 64');
    expect(config.includes('preferred_transfer_client = crt')).toBe(client === 'crt');
    expect(result.output).toContain(`S3 transfers use the ${client} client`);
  });
});

describe('bootstrap.sh activity reporter', () => {
  it('installs the reporter as written, with a unit in the instance’s region, and starts its timer', async () => {
    // Prepare
    sandbox = makeSandbox();

    // Act
    const result = await runScript(sandbox, emptyDataset({ region: 'eu-west-1' }));

    // Assess
    expect(result.code, result.output).toBe(0);
    const installed = path.join(sandbox.root, 'usr/local/bin/kismo-activity-reporter');
    expect(readFileSync(installed, 'utf8')).toBe(ACTIVITY_REPORTER);
    expect(statSync(installed).mode & 0o777).toBe(0o755);
    const service = readFileSync(
      path.join(sandbox.root, 'etc/systemd/system/kismo-activity.service'),
      'utf8',
    );
    expect(service).toContain('Environment=AWS_DEFAULT_REGION=eu-west-1\n');
    expect(service).toContain('ExecStart=/usr/local/bin/kismo-activity-reporter\n');
    expect(sandbox.calls('systemctl')).toEqual(['daemon-reload', 'enable --now kismo-activity.timer']);
  });

  it('gives the reporter the idle thresholds of the launch and its unit the bucket, owner and instance, and its Activity divides by them', async () => {
    // Prepare
    sandbox = makeSandbox({ stubs: { who: '', pgrep: 'echo 0; exit 1' } });
    const idleThresholds = { gpu: 20, memory: 50, cpu: 5, sessions: 4 };
    const proc = path.join(sandbox.dir, 'proc');
    mkdirSync(proc);
    writeFileSync(path.join(proc, 'meminfo'), 'MemTotal:  1000 kB\nMemAvailable:  750 kB\n');
    writeFileSync(path.join(proc, 'stat'), 'cpu  100 0 50 1000 10 0 0 0 0 0\n');
    const booted = await runScript(sandbox, emptyDataset({ idleThresholds }));
    const installed = readFileSync(path.join(sandbox.root, 'usr/local/bin/kismo-activity-reporter'), 'utf8');
    const unit = readFileSync(path.join(sandbox.root, 'etc/systemd/system/kismo-activity.service'), 'utf8');
    const unitEnv = Object.fromEntries(
      [...unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );

    // Act: GPU at 30 %, memory at 25 %, an idle CPU, nobody logged in, at 09:55 UTC
    const reported = await runScript(
      sandbox,
      installed,
      {
        ...unitEnv,
        KISMO_PROC: proc,
        KISMO_CPU_SAMPLE_SECONDS: '0',
        NVIDIA_SMI_OUTPUT: '30',
        KISMO_NOW: String(Date.parse('2026-12-07T09:55:00Z') / 1000),
      },
      'reporter.sh',
    );

    // Assess
    expect(booted.code, booted.output).toBe(0);
    expect(readFileSync(path.join(sandbox.root, 'etc/kismo/idle-thresholds'), 'utf8')).toBe(
      'gpu 20\nmemory 50\ncpu 5\nsessions 4\n',
    );
    expect(unitEnv).toEqual({
      AWS_DEFAULT_REGION: 'us-east-1',
      KISMO_ACTIVITY_BUCKET: 'kismo-test',
      KISMO_ACTIVITY_PREFIX: `kismo/activity/${OWNER}`,
      KISMO_INSTANCE_ID: 'i-0123456789abcdef0',
    });
    expect(reported.code, reported.output).toBe(0);
    const pending = readFileSync(
      path.join(sandbox.root, 'var/lib/kismo/activity/2026-12-07T09.jsonl'),
      'utf8',
    );
    expect(JSON.parse(pending).activity).toBe(1.5);
  });
});

describe('bootstrap.sh without an instance id', () => {
  it('fails without a marker it could not sign with its id, and says why on the console', async () => {
    // Prepare: IMDS (the curl stub) answers nothing and no KISMO_INSTANCE_ID is given.
    sandbox = makeSandbox({ stubs: { sleep: '' } });

    // Act
    const result = await runScript(sandbox, emptyDataset(), { KISMO_INSTANCE_ID: '' });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('FAILED: the bootstrap failed while reading the instance id');
    expect(sandbox.s3Object(sessionKey(OWNER, SESSION_ID, 'failed.json'))).toBeUndefined();
    expect(sandbox.s3Object(sessionKey(OWNER, SESSION_ID, 'ready.json'))).toBeUndefined();
  });

  it('writes ready.json for an empty dataset with the instance id and the data path', async () => {
    // Prepare
    sandbox = makeSandbox();

    // Act
    const result = await runScript(sandbox, emptyDataset());

    // Assess
    expect(result.code, result.output).toBe(0);
    const ready = readyMarkerSchema.parse(
      JSON.parse(sandbox.s3Object(sessionKey(OWNER, SESSION_ID, 'ready.json')) ?? ''),
    );
    expect(ready).toMatchObject({ instanceId: 'i-0123456789abcdef0', files: 0, bytes: 0 });
    expect(ready.dataPath).toBe(path.join(sandbox.dataRoot, 'empty'));
  });
});
