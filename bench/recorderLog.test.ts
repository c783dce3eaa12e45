import { test } from "node:test";
import assert from "node:assert/strict";
import { recorderLoss } from "./recorderLog.ts";

// Lines as `record` writes them (LOG_LEVEL=info), shortened; the s28 line is from a real bench run.
const closed = (stream: string, packetsLost: number, framesDropped: number) =>
  JSON.stringify({ level: 30, component: "worker-process", stream, worker: { component: "recorder", stream, framesWritten: 365, framesDropped, packetsLost, msg: "recorder closed" }, msg: "recorder closed" });

test("recorderLoss - per stream, summed over the recorders a stream closed", () => {
  const log = [
    closed("s28", 7127, 303),
    JSON.stringify({ level: 30, component: "worker-process", stream: "s28", worker: { msg: "segment opened" }, msg: "recorder event" }),
    closed("s1", 0, 0),
    closed("s28", 10, 2),
    '{"level":30,"worker":{"msg":"recorder closed","stream":"s9","packetsLo', // cut off at the end
  ].join("\n");
  assert.deepEqual(recorderLoss(log), new Map([["s28", { packetsLost: 7137, framesDropped: 305 }], ["s1", { packetsLost: 0, framesDropped: 0 }]]));
});

test("recorderLoss - a log without info lines gives nothing, not zeros", () => {
  assert.equal(recorderLoss('{"level":40,"msg":"worker crashed: restarting"}\n').size, 0);
});
