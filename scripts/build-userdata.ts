import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTemplatesModule, TEMPLATES_MODULE } from '../userdata/templates-module';

writeFileSync(TEMPLATES_MODULE, renderTemplatesModule());
process.stdout.write(`wrote ${path.relative(process.cwd(), TEMPLATES_MODULE)}\n`);
