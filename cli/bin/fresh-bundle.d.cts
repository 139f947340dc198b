/** See fresh-bundle.cjs. */
export declare function freshBundle(root: URL): string | undefined;
