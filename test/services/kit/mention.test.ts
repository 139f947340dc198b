import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../services/kit/config';
import { mention } from '../../../services/kit/mention';

describe('mentioning an owner on Slack', () => {
  const config = parseConfig({
    bucket: 'kismo-data',
    slack: { users: { alice: 'U0ALICE', 'carol@corp.example': 'W0CAROL' } },
  });

  it.each([
    ['an IAM user’s owner', 'alice', '<@U0ALICE>'],
    [
      'an Identity Center user’s owner (their user name, an e-mail address)',
      'carol@corp.example',
      '<@W0CAROL>',
    ],
    ['an owner with no Slack member, by name', 'dave', '*dave*'],
  ])('mentions %s', (_who, owner, expected) => {
    expect(mention(owner, config)).toBe(expected);
  });

  it('names without pinging when told not to, and escapes what mrkdwn would read as a link', () => {
    expect(mention('alice', config, false)).toBe('*alice*');
    expect(mention('a<b>&c', config)).toBe('*a&lt;b&gt;&amp;c*');
  });

  it('refuses a map that could never mention anyone, saying where', () => {
    expect(() =>
      parseConfig({ bucket: 'kismo-data', slack: { users: { 'team/alice': 'U0ALICE' } } }),
    ).toThrow(/slack\.users\.team\/alice: Invalid key in record \(an owner is letters, digits/);
    expect(() => parseConfig({ bucket: 'kismo-data', slack: { users: { alice: '@alice' } } })).toThrow(
      /slack\.users\.alice: a Slack member id, like U012AB3CD/,
    );
    expect(() => parseConfig({ bucket: 'kismo-data', slack: { operators: ['olga'] } })).toThrow(
      /slack\.operators\.0: olga has no Slack member in slack\.users/,
    );
  });
});
