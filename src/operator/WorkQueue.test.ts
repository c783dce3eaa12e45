import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkQueue } from "./WorkQueue.ts";
import { waitFor } from "../../test/harness/wait.ts";

test("WorkQueue - one pass at a time per key, adds during a pass coalesce into one more", async () => {
  const runs: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new WorkQueue(async (key) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    runs.push(key);
    if (runs.length === 1) await gate;
    inFlight--;
  }, 4);
  q.add("ns/a");
  q.add("ns/a");
  q.add("ns/a");
  q.add("ns/a");
  release();
  await waitFor(() => runs.length >= 2, 5_000, "second pass");
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(runs, ["ns/a", "ns/a"]);
  assert.equal(maxInFlight, 1);
  q.close();
});

test("WorkQueue - delayed adds keep the earliest deadline and close cancels them", async () => {
  const runs: string[] = [];
  const q = new WorkQueue(async (key) => void runs.push(key));
  q.add("ns/b", 60_000);
  q.add("ns/b", 10);
  await waitFor(() => runs.length === 1, 5_000, "delayed pass");
  q.add("ns/c", 20);
  q.close();
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(runs, ["ns/b"]);
});
