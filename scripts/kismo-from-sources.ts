// `npm run kismo -- …`: the CLI from its TypeScript sources, for development. npm runs a script
// in the package's folder; the caller's folder is INIT_CWD, and relative paths resolve from it.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import('../cli/bin');

export {};
