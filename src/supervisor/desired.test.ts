import { test } from "node:test";
import assert from "node:assert/strict";
import { finishedId, wantedWorkers } from "./desired.ts";
import { compileStreamFilters } from "../config/streamFilters.ts";
import type { StreamInfo } from "../bus/messages.ts";

const s = (streamId: string, uuid: string): StreamInfo => ({ key: streamId, streamId, wireId: `${streamId}808d64`, uuid });
const all = () => true;

test("desired - one worker per live stream", () => {
  const w = wantedWorkers([s("a", "1"), s("b", "2")], all, new Set());
  assert.deepEqual([...w.keys()], ["a", "b"]);
  assert.equal(w.get("b")?.uuid, "2");
});

test("desired - filters apply to base stream ids (include, exclude, globs)", () => {
  const accept = compileStreamFilters({ include: ["cam*"], exclude: ["cam2"] });
  const w = wantedWorkers([s("cam1", "1"), s("cam2", "2"), s("screen", "3")], accept, new Set());
  assert.deepEqual([...w.keys()], ["cam1"]);
});

test("desired - a cleanly finished (stream, uuid) is not wanted; the same stream under a new uuid is", () => {
  const finished = new Set([finishedId("a", "1")]);
  assert.deepEqual([...wantedWorkers([s("a", "1")], all, finished).keys()], []);
  assert.deepEqual([...wantedWorkers([s("a", "2")], all, finished).keys()], ["a"]);
});

test("desired - an empty roster wants nothing", () => {
  assert.equal(wantedWorkers([], all, new Set()).size, 0);
});
