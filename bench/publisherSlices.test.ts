import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultPublisherProcesses, joinAt, sliceStreams } from "./publisherSlices.ts";

test("sliceStreams - 50 streams over 10 processes: s1..s50 in slices of 5, in order", () => {
  const slices = sliceStreams(50, 10);
  assert.equal(slices.length, 10);
  assert.deepEqual(slices[0], { ids: ["s1", "s2", "s3", "s4", "s5"], firstIndex: 0 });
  assert.deepEqual(slices[9], { ids: ["s46", "s47", "s48", "s49", "s50"], firstIndex: 45 });
  assert.deepEqual(slices.flatMap((s) => s.ids), Array.from({ length: 50 }, (_, i) => `s${i + 1}`));
});

test("sliceStreams - uneven split: sizes differ by at most one, every id once", () => {
  const slices = sliceStreams(11, 3);
  assert.deepEqual(slices.map((s) => s.ids.length), [4, 4, 3]);
  assert.deepEqual(slices.map((s) => s.firstIndex), [0, 4, 8]);
  assert.deepEqual(slices.flatMap((s) => s.ids), Array.from({ length: 11 }, (_, i) => `s${i + 1}`));
});

test("sliceStreams - bad input gets a clear message", () => {
  assert.throws(() => sliceStreams(2, 3), { name: "TypeError", message: "3 publisher processes for 2 stream(s): at most one process per stream" });
  assert.throws(() => sliceStreams(0, 1), /streams must be a positive integer, got 0/);
  assert.throws(() => sliceStreams(4, 1.5), /publisher processes must be a positive integer, got 1.5/);
});

test("defaultPublisherProcesses - about five streams each", () => {
  assert.deepEqual([1, 5, 6, 10, 50].map(defaultPublisherProcesses), [1, 1, 2, 2, 10]);
});

test("joinAt - one stream per stagger over the whole fleet", () => {
  assert.equal(joinAt(1000, 0), 1000);
  assert.equal(joinAt(1000, 45, 300), 1000 + 45 * 300);
});
