import { test } from "node:test";
import assert from "node:assert/strict";
import { FIRST_ICE_WINDOW_MS, IceBundler, LATER_ICE_WINDOW_MS, iceWindowMs, type CandidateJson } from "./iceBundling.ts";

test("ice bundling - the first window is short (spec §2.8: at most 70 ms)", () => {
  assert.equal(iceWindowMs({ flushed: 0, dataChannelOpen: false }), FIRST_ICE_WINDOW_MS);
  assert.ok(FIRST_ICE_WINDOW_MS <= 70);
});

test("ice bundling - later windows are at most one second", () => {
  assert.equal(iceWindowMs({ flushed: 1, dataChannelOpen: false }), LATER_ICE_WINDOW_MS);
  assert.equal(iceWindowMs({ flushed: 7, dataChannelOpen: false }), LATER_ICE_WINDOW_MS);
  assert.ok(LATER_ICE_WINDOW_MS <= 1000);
});

test("ice bundling - an open data channel sends every candidate at once", () => {
  assert.equal(iceWindowMs({ flushed: 0, dataChannelOpen: true }), 0);
  const sent: CandidateJson[][] = [];
  const bundler = new IceBundler((c) => sent.push(c), () => true);
  bundler.add({ candidate: "candidate:1", sdpMid: "0", sdpMLineIndex: 0 });
  bundler.add({ candidate: "candidate:2", sdpMid: "0", sdpMLineIndex: 0 });
  assert.deepEqual(sent.map((b) => b.map((c) => c.candidate)), [["candidate:1"], ["candidate:2"]]);
  bundler.close();
});

test("ice bundling - candidates within a window travel as one bundle, in order", async () => {
  const sent: CandidateJson[][] = [];
  const bundler = new IceBundler((c) => sent.push(c), () => false);
  bundler.add({ candidate: "candidate:1", sdpMid: "0", sdpMLineIndex: 0 });
  bundler.add({ candidate: "candidate:2", sdpMid: "0", sdpMLineIndex: 0 });
  assert.equal(sent.length, 0);
  await new Promise((r) => setTimeout(r, FIRST_ICE_WINDOW_MS + 100));
  assert.deepEqual(sent.map((b) => b.map((c) => c.candidate)), [["candidate:1", "candidate:2"]]);
  bundler.close();
});

test("ice bundling - close drops what is pending and sends nothing more", async () => {
  const sent: CandidateJson[][] = [];
  const bundler = new IceBundler((c) => sent.push(c), () => false);
  bundler.add({ candidate: "candidate:1" });
  bundler.close();
  bundler.add({ candidate: "candidate:2" });
  await new Promise((r) => setTimeout(r, FIRST_ICE_WINDOW_MS + 100));
  assert.equal(sent.length, 0);
});
