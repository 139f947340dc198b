import { afterEach, describe, expect, it, vi } from 'vitest';

describe("the CLI's schemas", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('parse without compiling code: zod is told before any schema is built, as the command loads', async () => {
    // Prepare: zod's JIT builds its parsers with `new Function`; count the calls.
    const compiled: string[] = [];
    const RealFunction = Function;
    vi.stubGlobal(
      'Function',
      new Proxy(RealFunction, {
        construct(target, args: string[]) {
          compiled.push(args.at(-1) ?? '');
          return Reflect.construct(target, args);
        },
      }),
    );
    // The order `kismo push` loads them in: the CLI's entry, then the command and its contracts.
    await import('../../cli/main');
    const { sessionManifestSchema } = await import('../../contracts/manifest');

    // Act
    const parsed = sessionManifestSchema.safeParse({
      schemaVersion: 1,
      owner: 'ada',
      sessionId: '20261128-153000-k3f9qa',
      createdAt: '2026-11-28T15:30:00.000Z',
      instanceType: 'g4dn.xlarge',
      dataset: {
        name: 'data',
        prefix: 'users/ada/datasets/data/',
        files: 1,
        bytes: 1,
        digest: 'a'.repeat(64),
      },
      options: {},
    });

    // Assess
    expect(parsed.error?.issues).toBeUndefined();
    expect(compiled).toEqual([]);
  });
});
