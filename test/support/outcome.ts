/** What a call got: its result, or the name of the error AWS's SDK made of the answer. */
export async function outcome<T>(call: () => Promise<T>): Promise<T | string> {
  try {
    return await call();
  } catch (error) {
    return (error as Error).name;
  }
}
