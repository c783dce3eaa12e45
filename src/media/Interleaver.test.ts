import assert from "node:assert/strict";
import { test } from "node:test";
import { Interleaver } from "./Interleaver.ts";

test("Interleaver - merges by time and lets a keyframe lead the frames of its instant", () => {
  const il = new Interleaver<{ trackKey: string; wallMs: number; leads?: boolean; name: string }>(500);
  il.addTrack("a");
  il.addTrack("v");
  const out = [
    ...il.push({ trackKey: "a", wallMs: 980, name: "a980" }),
    ...il.push({ trackKey: "a", wallMs: 1000, name: "a1000" }),
    ...il.push({ trackKey: "v", wallMs: 1000, leads: true, name: "key1000" }),
    ...il.push({ trackKey: "a", wallMs: 1020, name: "a1020" }),
    ...il.push({ trackKey: "v", wallMs: 1033, name: "v1033" }),
    ...il.drain(),
  ];
  assert.deepEqual(out.map((f) => f.name), ["a980", "key1000", "a1000", "a1020", "v1033"]);
});
