import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The stand-ins for the instance's tools; each records its arguments in `calls/<name>`. */
const STUBS: Record<string, string> = {
  'nvidia-smi': `printf "%s\\n" "\${NVIDIA_SMI_OUTPUT:-0}"`,
  systemctl: '',
  shutdown: '',
  // IMDS is unreachable off EC2: the tests give the instance id in KISMO_INSTANCE_ID.
  curl: 'exit 7',
};

/**
 * An `aws` that keeps S3 in a folder: `s3 cp - s3://b/key` stores stdin under `s3/key`, `s3 sync`
 * from S3 downloads nothing, an upload `s3 sync DIR s3://…` copies DIR (or fails when
 * AWS_STUB_FAIL_UPLOAD=1), `s3api put-object --bucket B --key K --body F …` copies F to `s3/K`
 * (or fails when AWS_STUB_FAIL_PUT=1), and `--version` says AWS_STUB_VERSION.
 */
const AWS_STUB = `
if [ "$1" = --version ]; then echo "\${AWS_STUB_VERSION:-aws-cli/2.15.0 Python/3.11.6 stub}"; exit 0; fi
while [ "$1" = --endpoint-url ] || [ "$1" = --region ]; do shift 2; done
if [ "$1 $2" = "s3 cp" ] && [ "$3" = - ]; then
  key="\${4#s3://*/}"; mkdir -p "$SANDBOX/s3/$(dirname "$key")"; cat >"$SANDBOX/s3/$key"; exit 0
fi
if [ "$1 $2" = "s3api put-object" ]; then
  [ "\${AWS_STUB_FAIL_PUT:-}" = 1 ] && { echo "put failed: stub" >&2; exit 1; }
  shift 2; key=''; body=''
  while [ $# -gt 0 ]; do
    case "$1" in --key) key="$2"; shift 2;; --body) body="$2"; shift 2;; *) shift;; esac
  done
  mkdir -p "$SANDBOX/s3/$(dirname "$key")"; cp "$body" "$SANDBOX/s3/$key"; exit 0
fi
if [ "$1 $2" = "s3 sync" ]; then
  case "$4" in
    s3://*)
      [ "\${AWS_STUB_FAIL_UPLOAD:-}" = 1 ] && { echo "upload failed: stub" >&2; exit 1; }
      key="\${4#s3://*/}"; mkdir -p "$SANDBOX/s3/$key"; cp -R "$3/." "$SANDBOX/s3/$key"; exit 0;;
  esac
  exit 0
fi
exit 0
`;

/**
 * The run command's shell: records the script the bootstrap would run instead of running it
 * (property tests), and is plain bash for anything else (the gzip wrapper's inner script).
 */
const RECORDING_BASH = `
case "$1" in
  */etc/kismo/run.sh) cp "$1" "$SANDBOX/run-recorded.sh"; exit 0;;
esac
exec /bin/bash "$@"
`;

export interface Sandbox {
  readonly dir: string;
  readonly bin: string;
  readonly root: string;
  readonly dataRoot: string;
  readonly logFile: string;
  /** Arguments each stub was called with, one call per line. */
  calls(stub: string): string[];
  /** An object the stub `aws` stored. */
  s3Object(key: string): string | undefined;
  remove(): void;
}

export interface SandboxOptions {
  /** Put the stub `aws` on the PATH. @default true */
  readonly stubAws?: boolean;
  /** Put the recording `bash` on the PATH, so the run command is recorded, not run. @default false */
  readonly recordRun?: boolean;
  /** Extra stubs: name → shell body. */
  readonly stubs?: Readonly<Record<string, string>>;
}

function writeStub(bin: string, name: string, body: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >>"$SANDBOX/calls/${name}"\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A temporary folder standing in for the instance: stubs on a PATH of its own, and its file system root. */
export function makeSandbox(options: SandboxOptions = {}): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kismo-userdata-'));
  const bin = path.join(dir, 'bin');
  for (const sub of ['bin', 'calls', 's3', 'root', 'data', 'home']) mkdirSync(path.join(dir, sub));
  const stubs = { ...STUBS, ...(options.stubAws === false ? {} : { aws: AWS_STUB }), ...options.stubs };
  for (const [name, body] of Object.entries(stubs)) writeStub(bin, name, body);
  if (options.recordRun) writeStub(bin, 'bash', RECORDING_BASH);
  return {
    dir,
    bin,
    root: path.join(dir, 'root'),
    dataRoot: path.join(dir, 'data'),
    logFile: path.join(dir, 'bootstrap.log'),
    calls: (stub) => {
      const file = path.join(dir, 'calls', stub);
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    },
    s3Object: (key) => {
      const file = path.join(dir, 's3', key);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The first AWS CLI v2 on this machine (Debian's `awscli`); a v1 earlier on the PATH is passed over. */
export function findAwsCliV2(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'];
  for (const candidate of dirs.map((d) => path.join(d, 'aws'))) {
    if (!existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8', stdio: 'pipe' });
      if (version.startsWith('aws-cli/2.')) return candidate;
    } catch {
      // Not a working CLI; try the next.
    }
  }
  throw new Error('no AWS CLI v2 found: install it (apt-get install awscli), as .ci/run does');
}

/** Links the real `aws` into the sandbox's PATH. */
export function useRealAws(sandbox: Sandbox, aws: string = findAwsCliV2()): void {
  symlinkSync(aws, path.join(sandbox.bin, 'aws'));
}

export interface RunResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a script with bash in the sandbox: its PATH first, HOME inside it, the KISMO_* overrides set. */
export function runScript(
  sandbox: Sandbox,
  script: string,
  env: Readonly<Record<string, string>> = {},
  name = 'bootstrap.sh',
): Promise<RunResult> {
  const file = path.join(sandbox.dir, name);
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', [file], {
      cwd: sandbox.dir,
      env: {
        PATH: `${sandbox.bin}:/usr/local/bin:/usr/bin:/bin`,
        HOME: path.join(sandbox.dir, 'home'),
        LANG: 'C.UTF-8',
        SANDBOX: sandbox.dir,
        KISMO_ROOT: sandbox.root,
        KISMO_DATA_ROOT: sandbox.dataRoot,
        KISMO_LOG_FILE: sandbox.logFile,
        KISMO_INSTANCE_ID: 'i-0123456789abcdef0',
        KISMO_DRY_SHUTDOWN: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
