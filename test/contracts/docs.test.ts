import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kismoEvents } from '../../contracts/catalog';
import { renderEventsMarkdown } from '../../contracts/docs/events-markdown';

describe('docs/events.md', () => {
  it('is fresh: regenerate it with `npm run docs:events`', () => {
    // Prepare
    const onDisk = readFileSync(path.resolve(import.meta.dirname, '../../docs/events.md'), 'utf8');

    // Act
    const generated = renderEventsMarkdown();

    // Assess
    expect(onDisk, 'docs/events.md is stale: run `npm run docs:events`').toBe(generated);
  });

  it('documents every event', () => {
    const markdown = renderEventsMarkdown();
    for (const contract of kismoEvents) expect(markdown).toContain(`### ${contract.name}`);
  });
});
