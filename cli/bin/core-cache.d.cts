/** See core-cache.cjs. */
export declare function loadCore(
  bundle: { file: string; sha256: string },
  command: string,
  env?: NodeJS.ProcessEnv,
): { main(argv: readonly string[]): Promise<number>; saveCache(): void };
export declare function commandKey(argv: readonly string[]): string;
export declare function cacheDirectory(env: NodeJS.ProcessEnv): string;
