import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_REPORTER } from '../../userdata/generated/templates';
import { InvalidUserDataError, renderBootstrap, renderUserData } from '../../userdata/render';
import { base64Size, USER_DATA_LIMIT, UserDataTooLargeError } from '../../userdata/user-data-size';
import { MAX_RUN_COMMAND } from '../../userdata/user-data-values';
import { OWNER, SESSION_ID } from '../factories/events';
import { userDataValues } from '../factories/manifest';

const pinnedDataset = { ...userDataValues().dataset, pinned: true };

/** The script inside a gzip wrapper. */
function unwrap(userData: string): string {
  const lines = userData.split('\n');
  const payload = lines.slice(
    lines.findIndex((l) => l.includes("<<'KISMO_GZIP'")) + 1,
    lines.indexOf('KISMO_GZIP'),
  );
  return gunzipSync(Buffer.from(payload.join(''), 'base64')).toString('utf8');
}

describe('renderUserData', () => {
  it('starts with the values, each single-quoted, the run command in base64', () => {
    // Act
    const script = renderBootstrap(
      userDataValues({
        run: "echo 'hi' && $(whoami)",
        outputs: 'out/put',
        afterRun: 'keep',
        idleThresholds: { gpu: 2.5, memory: 10, cpu: 0.5, sessions: 2 },
      }),
    );

    // Assess
    expect(script.split('\n').slice(0, 19)).toEqual([
      '#!/bin/bash',
      'set -euo pipefail',
      "readonly BUCKET='kismo-test'",
      "readonly REGION='us-east-1'",
      `readonly OWNER='${OWNER}'`,
      `readonly SESSION_ID='${SESSION_ID}'`,
      "readonly DATASET_NAME='sample'",
      `readonly DATASET_PREFIX='users/${OWNER}/datasets/sample/'`,
      "readonly DATASET_FILES='3'",
      "readonly DATASET_BYTES='2078'",
      "readonly DATASET_PINNED=''",
      `readonly RUN_B64='${Buffer.from("echo 'hi' && $(whoami)").toString('base64')}'`,
      "readonly OUTPUTS='out/put'",
      "readonly AFTER_RUN='keep'",
      "readonly IDLE_THRESHOLD_GPU='2.5'",
      "readonly IDLE_THRESHOLD_MEMORY='10'",
      "readonly IDLE_THRESHOLD_CPU='0.5'",
      "readonly IDLE_THRESHOLD_SESSIONS='2'",
      `LOG_FILE="\${KISMO_LOG_FILE:-/var/log/kismo-bootstrap.log}"`,
    ]);
    expect(script).toContain(`<<'KISMO_ACTIVITY_REPORTER'\n${ACTIVITY_REPORTER}KISMO_ACTIVITY_REPORTER\n`);
  });

  it('renders the same script for the same values (EC2 compares it when a client token comes back)', () => {
    expect(renderUserData(userDataValues({ run: 'x' }))).toBe(renderUserData(userDataValues({ run: 'x' })));
  });

  it.each([
    [
      'a dataset prefix of another owner',
      { dataset: { name: 'sample', prefix: 'users/grace/datasets/sample/', files: 1, bytes: 1 } },
      'dataset.prefix',
    ],
    [
      'an owner with a quote',
      { owner: "ada'", dataset: { name: 'd', prefix: "users/ada'/datasets/d/", files: 1, bytes: 1 } },
      'owner',
    ],
    ['a bucket with a space', { bucket: 'my bucket' }, 'bucket'],
    ['outputs that climb out', { outputs: '../etc' }, 'outputs'],
    ['a region with a command', { region: 'us-east-1;reboot' }, 'region'],
    ['a run command over 4096 characters', { run: 'x'.repeat(MAX_RUN_COMMAND + 1) }, 'run'],
    [
      'an idle threshold of 0 (the reporter divides by it)',
      { idleThresholds: { gpu: 5, memory: 10, cpu: 0, sessions: 1 } },
      'idleThresholds.cpu',
    ],
    [
      'a negative idle threshold',
      { idleThresholds: { gpu: -5, memory: 10, cpu: 5, sessions: 1 } },
      'idleThresholds.gpu',
    ],
  ])('refuses %s, naming the field', (_, overrides, field) => {
    expect(() => renderUserData(userDataValues(overrides))).toThrow(InvalidUserDataError);
    expect(() => renderUserData(userDataValues(overrides))).toThrow(
      new RegExp(`${field.replace('.', '\\.')}: `),
    );
  });

  it('fits EC2’s 16 KB in base64 once gzipped, and unpacks to the script', () => {
    const values = userDataValues({ run: 'python train.py --epochs 10', dataset: pinnedDataset });
    const userData = renderUserData(values);
    expect(base64Size(userData)).toBeLessThanOrEqual(USER_DATA_LIMIT);
    expect(Buffer.from(userData).toString('base64').length).toBe(base64Size(userData));
    expect(unwrap(userData)).toBe(renderBootstrap(values));
    expect(unwrap(userData)).toContain("readonly DATASET_PINNED='1'");
  });

  it('gzips the script when the longest run command would not fit plain, and it still fits', () => {
    // Prepare
    const run = Array.from({ length: 200 }, (_, i) => `python step_${i}.py`)
      .join(' && ')
      .slice(0, MAX_RUN_COMMAND);

    // Act
    const userData = renderUserData(userDataValues({ run }));

    // Assess
    expect(base64Size(renderBootstrap(userDataValues({ run })))).toBeGreaterThan(USER_DATA_LIMIT);
    expect(userData.startsWith('#!/bin/bash\n')).toBe(true);
    expect(base64Size(userData)).toBeLessThanOrEqual(USER_DATA_LIMIT);
    expect(unwrap(userData)).toBe(renderBootstrap(userDataValues({ run })));
  });

  it('refuses a run command that does not fit even compressed', () => {
    const noise = Array.from({ length: MAX_RUN_COMMAND }, (_, i) =>
      String.fromCodePoint(0x4e00 + ((i * 7919) % 20000)),
    ).join('');
    expect(() => renderUserData(userDataValues({ run: noise }))).toThrow(UserDataTooLargeError);
  });
});
