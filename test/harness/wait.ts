/** Poll interval of `waitFor`: short enough for snappy tests, long enough to stay cheap on 2 CPUs. */
const POLL_MS = 50;

/**
 * Polls `fn` every 50 ms until it returns something other than `undefined` or `false`, and
 * resolves with that value. Rejects with `timed out after Nms waiting for <name>` otherwise.
 * A throwing `fn` rejects at once: a broken condition is a test failure, not a wait.
 */
export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  name: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${name}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
