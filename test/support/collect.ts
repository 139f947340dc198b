/** Every item of an async iterable (Array.fromAsync is newer than the ES2023 library). */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}
