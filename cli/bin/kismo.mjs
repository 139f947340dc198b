#!/usr/bin/env node
// The kismo command. TypeScript runs through tsx's loader; services' logs stay quiet unless asked.
import { register } from 'tsx/esm/api';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
register();
const { main } = await import('../main.ts');
process.exitCode = await main(process.argv.slice(2));
