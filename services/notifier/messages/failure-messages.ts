import type { instanceBootFailed, launchFailed } from '../../../contracts/catalog';
import type { DetailOf } from '../../../contracts/kit/contract';
import { esc } from '../../kit/mention';
import { codeBlock, fields, header, ids, type Message, section } from '../blocks';
import type { People } from './people';

type LaunchFailure = DetailOf<typeof launchFailed>;
type BootFailure = DetailOf<typeof instanceBootFailed>;

const launchAdvice: Record<LaunchFailure['reason']['code'], string> = {
  'invalid-manifest': 'Push again with `kismo push`; if it fails the same way, tell the operators.',
  'owner-mismatch': 'Push from your own account: a session belongs to whoever writes its manifest.',
  'instance-type-not-allowed': 'Push again with an allowed type (`kismo push DIR` offers them with prices).',
  'quota-exceeded': 'Take a session down (`kismo ls`, then `kismo down SESSION`) and push again.',
  'insufficient-capacity': 'AWS has no capacity for this type right now: try later, or another type.',
  'dataset-missing': 'The dataset is not in S3: push it again with `kismo push DIR`.',
  'owner-not-configured':
    'Ask the operators to add you to the owners in cdk.json and deploy; then push again.',
  'aws-error': 'Push again in a few minutes; if it keeps failing, tell the operators.',
};

/** Launch Failed: no instance exists; why, and what to do about it. */
export function launchFailedMessage(d: LaunchFailure, people: People): Message {
  return {
    text: `${people.ping} your session ${d.sessionId} could not launch: ${d.reason.message}`,
    blocks: [
      header('❌ Launch failed'),
      section(`${people.ping} no instance was started: ${esc(d.reason.message)}`),
      fields([
        ['Reason', `\`${d.reason.code}\``],
        ['Retryable', d.retryable ? 'yes' : 'no'],
      ]),
      section(`*What to do*\n${launchAdvice[d.reason.code]}`),
      ids(d),
    ],
  };
}

const bootHeadline: Record<BootFailure['reason'], string> = {
  'bootstrap-error': 'its bootstrap failed',
  timeout: 'it did not become ready in time',
  terminated: 'it went away before it was ready',
};

const bootAdvice = (d: BootFailure): string => {
  const down = `\`kismo down ${d.sessionId}\``;
  switch (d.reason) {
    case 'bootstrap-error':
      return `Read the log below, fix the dataset or options, then ${down} (it costs while it runs) and push again.`;
    case 'timeout':
      return `Look at the console below. ${down} and push again, or wait if the dataset is very large.`;
    case 'terminated':
      return 'Push again; if it keeps happening, tell the operators (the console below may say why).';
  }
};

/** Instance Boot Failed: the instance exists (or existed) but never became usable. */
export function bootFailedMessage(d: BootFailure, people: People): Message {
  const why = d.message ?? bootHeadline[d.reason];
  return {
    text: `${people.ping} your instance ${d.instanceId} failed to boot (${d.reason}): ${why}`,
    blocks: [
      header('❌ Boot failed'),
      section(`${people.ping} your instance is not usable: ${esc(why)}.`),
      section(`*What to do*\n${bootAdvice(d)}`),
      codeBlock('*Log tail*', d.logTail),
      ids(d),
    ],
  };
}
