// The `kismo` command's entry: the bundle's (cli/dist/kismo.cjs, the single executable's) and,
// through `npm run kismo`, the sources'.
import { main } from './main';

// The services' JSON logs are for operators; a person at a terminal sees them only when asked.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
