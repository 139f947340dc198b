import type { workFinished } from '../../../contracts/catalog';
import type { DetailOf } from '../../../contracts/kit/contract';
import { code, duration, fields, header, ids, type Message, section } from '../blocks';
import type { People } from './people';

type Finished = DetailOf<typeof workFinished>;

const afterRun: Record<NonNullable<Finished['afterRun']>, string> = {
  terminate: 'the instance terminates now',
  stop: 'the instance stops now (`kismo start` brings it back)',
  keep: 'the instance keeps running, and costing: `kismo down` when you are done',
};

/** Work Finished: how the run ended, where its outputs are, and what happens to the instance. */
export function workFinishedMessage(d: Finished, people: People): Message {
  const ok = d.exitCode === 0;
  const took = d.seconds === undefined ? '' : ` after ${duration(d.seconds)}`;
  const lost = d.outputsUploaded === false;
  const then = d.afterRun ? `; ${afterRun[d.afterRun]}` : '';
  const next = lost
    ? `⚠️ The outputs could not be uploaded. The instance stays up so nothing is lost: connect, copy them, then \`kismo down ${d.sessionId}\`.`
    : d.outputsPrefix
      ? `Download the outputs with \`kismo pull ${d.sessionId}\`${then}.`
      : `The run made no outputs folder, so there is nothing to pull${then}.`;
  return {
    text: `${people.ping} your run on ${d.instanceId} ended with exit code ${d.exitCode}${took}${lost ? ' — outputs NOT uploaded' : ''}`,
    blocks: [
      header(ok ? '🏁 Work finished' : `⚠️ Work ended with exit code ${d.exitCode}`),
      section(`${people.ping} your run ended with exit code ${d.exitCode}${took}.`),
      fields([
        ['Exit code', String(d.exitCode)],
        ['Outputs', d.outputsPrefix ? code(d.outputsPrefix) : 'none'],
        ['Uploaded', lost ? 'no' : d.outputsUploaded ? 'yes' : '—'],
        ['Then', d.afterRun ?? '—'],
      ]),
      section(next),
      ids(d),
    ],
  };
}
