import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_REPORTER, BOOTSTRAP_TEMPLATE } from '../../userdata/generated/templates';
import { renderTemplatesModule, stripComments, TEMPLATES_MODULE } from '../../userdata/templates-module';
import { PLACEHOLDERS, REPORTER_HEREDOC } from '../../userdata/templates-placeholders';

describe('userdata/generated/templates.ts', () => {
  it('is fresh: regenerate it with `npm run build:userdata`', () => {
    // Prepare
    const onDisk = readFileSync(TEMPLATES_MODULE, 'utf8');

    // Act
    const generated = renderTemplatesModule();

    // Assess
    expect(onDisk, 'userdata/generated/templates.ts is stale: run `npm run build:userdata`').toBe(generated);
  });

  it('holds the scripts without their comments, and each placeholder once', () => {
    const dir = path.resolve(import.meta.dirname, '../../userdata');
    expect(BOOTSTRAP_TEMPLATE).toBe(stripComments(readFileSync(path.join(dir, 'bootstrap.sh'), 'utf8')));
    expect(ACTIVITY_REPORTER).toBe(
      stripComments(readFileSync(path.join(dir, 'activity-reporter.sh'), 'utf8')),
    );
    for (const placeholder of Object.values(PLACEHOLDERS)) {
      expect(BOOTSTRAP_TEMPLATE.split('\n').filter((line) => line === placeholder)).toHaveLength(1);
    }
    expect(ACTIVITY_REPORTER.split('\n')).not.toContain(REPORTER_HEREDOC);
  });

  it('keeps the shebang and code, drops comment and blank lines', () => {
    expect(
      stripComments('#!/bin/bash\n# why\n\necho "# not a comment"\n  # indented\nx=1 # trailing\n'),
    ).toBe('#!/bin/bash\necho "# not a comment"\nx=1 # trailing\n');
  });
});
