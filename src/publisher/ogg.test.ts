import { test } from "node:test";
import assert from "node:assert/strict";
import { oggPackets, parseOggOpus } from "./ogg.ts";

function page(segments: Buffer[]): Buffer {
  const header = Buffer.alloc(27);
  header.write("OggS", 0, "latin1");
  const table = segments.flatMap((s) => {
    const laces = Array(Math.floor(s.length / 255)).fill(255);
    return [...laces, s.length % 255];
  });
  header[26] = table.length;
  return Buffer.concat([header, Buffer.from(table), ...segments]);
}

test("ogg - joins a packet laced over several 255-byte segments", () => {
  const big = Buffer.alloc(600, 7);
  const small = Buffer.from([1, 2, 3]);
  const packets = oggPackets(Buffer.concat([page([small]), page([big, small])]));
  assert.deepEqual(packets.map((p) => p.length), [3, 600, 3]);
});

test("ogg - rejects a file that is not Ogg Opus", () => {
  assert.throws(() => parseOggOpus(page([Buffer.from("OpusTags")])), /not an Ogg Opus/);
  assert.throws(() => oggPackets(Buffer.from("not ogg at all, not ogg at all")), /no Ogg page/);
});
