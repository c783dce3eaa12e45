import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTable, tallyFrames, type MeasuredRound } from "./report.ts";

const ROUND: MeasuredRound = {
  streams: 50, streamsUp: 41, wallSec: 30, load: "9 → 12",
  workerCpu: [40, 50, 60], workerRss: [100, 104, 110], workerPrivate: [48, 50, 52], workerRssGrowth: [1, 2, 3],
  mainCpu: 41, mainRss: 150, floorCpu: 10, floorStreams: 1, publisherCpu: 3500, publisherProcesses: 10, publisherLagMs: 120,
  firstKeyframeMs: [10, 20, 30], announcedToKeyframeMs: [2000, 6000, 9000],
  frames: { sent: 1000, written: 950, streams: 41 }, workerUdpDrops: 312, recorderPacketsLost: 400, recorderFramesDropped: Number.NaN, notes: ["9 stream(s) had no segment on disk"],
};

const cells = (table: string, n: number): string[] => table.split("\n")[n]!.split(" | ").map((c) => c.replace(/^\| | \|$/g, ""));

test("formatTable - a partial round says k of N, per-stream figures over the streams up, ratio to the floor", () => {
  const table = formatTable([ROUND]);
  const head = cells(table, 0);
  const row = cells(table, 2);
  const at = (name: string) => row[head.indexOf(name)];
  assert.equal(at("streams up"), "41 of 50 streams up");
  assert.equal(at("worker CPU ms/s med (max)"), "50.0 (60.0)");
  assert.equal(at("signaler+sup. ms/s per stream"), "1.0");
  assert.equal(at("total / floor"), "5.1×");
  assert.equal(at("publishers ms/s per stream"), "70.0 (10 proc.)");
  assert.equal(at("frames written / sent"), "950 / 1000");
  assert.equal(at("frames lost"), "50 (5.00 %)");
  assert.equal(at("kernel drops at workers' sockets"), "312");
  assert.equal(at("packets lost (recorder)"), "400");
  assert.equal(at("frames dropped (recorder)"), "-");
  assert.match(table, /\nN = 50: 9 stream\(s\) had no segment on disk$/);
});

test("formatTable - a round that could not be measured keeps its row", () => {
  const table = formatTable([{ streams: 10, failed: "timed out" }]);
  assert.equal(cells(table, 2).slice(0, 2).join(" | "), "10 | not measured: timed out");
  assert.equal(cells(table, 2).length, cells(table, 0).length);
});

test("tallyFrames - only streams that were up and have a count from their publisher", () => {
  const sent = new Map([["s1", 100], ["s2", 100], ["s3", 100]]);
  const written = new Map([["s1", 99], ["s3", 100], ["s4", 50]]);
  assert.deepEqual(tallyFrames(sent, written, new Set(["s1", "s2", "s4"])), { sent: 200, written: 99, streams: 2 });
});
