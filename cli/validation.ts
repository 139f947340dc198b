import * as z from 'zod';

// The CLI parses each schema a handful of times in its life. Zod's JIT compiles a parser for every
// object schema on its first parse, which costs more than it ever saves here (~2.5 ms a schema:
// the profile, the push options, the sync record, the manifest). Services keep the JIT.
// A schema reads this when it is built, so `cli/main.ts` imports this module before anything else.
z.config({ jitless: true });
