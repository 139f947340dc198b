import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderEventsMarkdown } from '../contracts/docs/events-markdown';

const target = path.resolve(import.meta.dirname, '..', 'docs', 'events.md');
writeFileSync(target, renderEventsMarkdown());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
