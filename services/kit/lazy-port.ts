/** A port a function was not given: every call fails with `why`. */
export function refusedPort<T extends object>(why: string): T {
  return lazyPort<T>(() => Promise.reject(new Error(why)));
}

/** Methods that return an AsyncIterable rather than a Promise (paged listings). */
const ITERATING = new Set(['list', 'describe']);

/**
 * A port whose adapter — and the SDK client under it — is loaded on its first call. A function
 * pays at cold start only for the ports it uses: most use two or three of six.
 */
export function lazyPort<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const port = () => {
    loading ??= load().catch((error) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return new Proxy({} as T, {
    get(_, method) {
      if (typeof method !== 'string' || method === 'then') return undefined;
      if (ITERATING.has(method)) {
        return (...args: unknown[]) =>
          (async function* () {
            const target = (await port()) as Record<string, (...a: unknown[]) => AsyncIterable<unknown>>;
            yield* target[method]?.(...args) ?? [];
          })();
      }
      return async (...args: unknown[]) => {
        const target = (await port()) as Record<string, ((...a: unknown[]) => unknown) | undefined>;
        const fn = target[method];
        if (typeof fn !== 'function') throw new TypeError(`${method} is not a method of this port`);
        return fn.apply(target, args);
      };
    },
  });
}
