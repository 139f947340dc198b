/** See fresh-bundle.mjs. */
export function freshBundle(root: URL): string | undefined;
