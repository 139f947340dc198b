/** See fresh-bundle.cjs. */
export declare function freshBundle(root: URL): { file: string; sha256: string } | undefined;
