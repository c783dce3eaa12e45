/**
 * Stopping a child process the harness started: signal it once if it still runs, optionally
 * SIGKILL it when it hangs, and resolve when it has exited. Every launcher's `stop()` is built
 * from these, so each is idempotent in the same way.
 */
import type { ChildProcess } from "node:child_process";

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal` if the child still runs (SIGKILL after `killAfterMs`, if given); resolves with `exited`. */
export function signalAndWait<T>(child: ChildProcess, exited: Promise<T>, signal: NodeJS.Signals = "SIGTERM", killAfterMs?: number): Promise<T> {
  if (isRunning(child)) {
    child.kill(signal);
    if (killAfterMs !== undefined) {
      const timer = setTimeout(() => isRunning(child) && child.kill("SIGKILL"), killAfterMs);
      const clear = () => clearTimeout(timer);
      void exited.then(clear, clear); // the caller gets `exited` itself, rejection included
    }
  }
  return exited;
}

/** `f` run at most once: later calls get the first call's promise. */
export function runOnce<T>(f: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= f());
}
