/**
 * What a recorder's workers said about ICE, read from `room-recorder record`'s log (the supervisor
 * relays each worker line whole under `worker`): the ICE failures with their cause, and the
 * candidate pair each connection selected (src/stream-worker/IceObserver.ts).
 */
import type { IceFailure, SelectedPair } from "../../src/bus/messages.ts";

interface WorkerLine {
  readonly msg?: string;
  readonly cause?: IceFailure["cause"];
  readonly detail?: string;
  readonly icePair?: SelectedPair;
  readonly time?: number;
}

function workerLines(recorderStderr: string): WorkerLine[] {
  const out: WorkerLine[] = [];
  for (const line of recorderStderr.split("\n")) {
    if (!line.includes('"worker"')) continue;
    try {
      const worker = (JSON.parse(line) as { worker?: WorkerLine }).worker;
      if (worker) out.push(worker);
    } catch {
      continue;
    }
  }
  return out;
}

/** Every `ICE failed: <cause>` warning, oldest first. */
export function iceFailures(recorderStderr: string): (IceFailure & { readonly time?: number })[] {
  return workerLines(recorderStderr)
    .filter((w) => w.msg?.startsWith("ICE failed: ") && w.cause && w.detail)
    .map((w) => ({ cause: w.cause!, detail: w.detail!, ...(w.time !== undefined ? { time: w.time } : {}) }));
}

/** The selected pair of every connection that connected, oldest first. */
export function selectedPairs(recorderStderr: string): SelectedPair[] {
  return workerLines(recorderStderr).filter((w) => w.msg === "peer connection connected" && w.icePair).map((w) => w.icePair!);
}
