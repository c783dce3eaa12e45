import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBenchArgs } from "./benchArgs.ts";

test("parseBenchArgs - default: rounds of 1, 10 and 50 streams, 30 s windows, the floor fed by one stream", () => {
  const a = parseBenchArgs([]);
  assert.equal(a.role, "bench");
  assert.deepEqual(a.role === "bench" && [a.rounds, a.seconds, a.floorStreams, a.publisherProcesses], [[1, 10, 50], 30, 1, undefined]);
});

test("parseBenchArgs - --quick is N = 1 only; --streams N only N", () => {
  const quick = parseBenchArgs(["--quick"]);
  const one = parseBenchArgs(["--streams", "7", "--seconds", "10", "--publisher-processes", "3"]);
  assert.deepEqual(quick.role === "bench" && quick.rounds, [1]);
  assert.deepEqual(one.role === "bench" && [one.rounds, one.seconds, one.publisherProcesses], [[7], 10, 3]);
});

test("parseBenchArgs - a publishers child gets its slice and the fleet's schedule", () => {
  const a = parseBenchArgs(["--role", "publishers", "--server", "ws://x", "--ids", "s6,s7", "--first-index", "5", "--floor-port", "4000", "--floor-streams", "1"]);
  assert.deepEqual(a, { role: "publishers", server: "ws://x", ids: ["s6", "s7"], firstIndex: 5, floorPort: 4000, floorStreams: 1 });
});

test("parseBenchArgs - bad input gets a clear message", () => {
  assert.throws(() => parseBenchArgs(["--streams", "ten"]), { name: "TypeError", message: '--streams must be a whole number ≥ 1, got "ten"' });
  assert.throws(() => parseBenchArgs(["--seconds", "0"]), /--seconds must be a whole number ≥ 1, got "0"/);
  assert.throws(() => parseBenchArgs(["--quick", "--streams", "5"]), /'--quick','--streams' are mutually exclusive/);
  assert.throws(() => parseBenchArgs(["--role", "viewer"]), /--role must be bench or publishers, got "viewer"/);
  assert.throws(() => parseBenchArgs(["--role", "publishers", "--server", "ws://x"]), /--role publishers needs --server and --ids/);
  assert.throws(() => parseBenchArgs(["--role", "publishers", "--server", "ws://x", "--ids", "s1", "--first-index", "0"]), /--floor-port must be a whole number ≥ 1, got ""/);
});
