// postject ships no types: the one function kismo's build calls.
declare module 'postject' {
  export function inject(
    file: string,
    resourceName: string,
    resource: Buffer,
    options?: { readonly sentinelFuse?: string; readonly overwrite?: boolean },
  ): Promise<void>;
}
