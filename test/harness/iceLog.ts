/**
 * What workers said about ICE, read from `room-recorder record`'s log (the supervisor relays each
 * worker line whole under `worker`) or from a worker pod's own log (`kubectl logs`): the ICE
 * failures with their cause, and the candidate pair each connection selected
 * (src/stream-worker/IceObserver.ts).
 */
import type { IceFailure, SelectedPair } from "../../src/bus/messages.ts";

interface WorkerLine {
  readonly msg?: string;
  readonly cause?: IceFailure["cause"];
  readonly detail?: string;
  readonly icePair?: SelectedPair;
  readonly time?: number;
}

/** Worker lines: relayed under `worker` in `record`'s log, as they are in a pod's. */
function workerLines(log: string): WorkerLine[] {
  const out: WorkerLine[] = [];
  for (const line of log.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as WorkerLine & { worker?: WorkerLine };
      out.push(parsed.worker ?? parsed);
    } catch {
      continue;
    }
  }
  return out;
}

/** Every `ICE failed: <cause>` warning, oldest first. */
export function iceFailures(log: string): (IceFailure & { readonly time?: number })[] {
  return workerLines(log)
    .filter((w) => w.msg?.startsWith("ICE failed: ") && w.cause && w.detail)
    .map((w) => ({ cause: w.cause!, detail: w.detail!, ...(w.time !== undefined ? { time: w.time } : {}) }));
}

/** The selected pair of every connection that connected, oldest first. */
export function selectedPairs(log: string): SelectedPair[] {
  return workerLines(log).filter((w) => w.msg === "peer connection connected" && w.icePair).map((w) => w.icePair!);
}
