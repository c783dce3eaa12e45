import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { median, parseUdpDrops, udpDrops } from "./procStats.ts";

const TABLE = [
  "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ",
  " 1334: 00000000:9032 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 960446 2 00000000d9e4baaa 0        ",
  " 2174: 0100007F:937A 00000000:0000 07 00000000:00034000 00:00000000 00000000  1000        0 961000 2 00000000f9a42695 1377     ",
  "",
].join("\n");

test("parseUdpDrops - inode → drops per row of /proc/net/udp", () => {
  assert.deepEqual(parseUdpDrops(TABLE), new Map([[960446, 0], [961000, 1377]]));
  assert.deepEqual(parseUdpDrops(""), new Map());
});

test("parseUdpDrops - a header it does not know is an error, not zero drops", () => {
  assert.throws(() => parseUdpDrops("sl local_address inode\n 1: 0 0 5\n"), /unexpected \/proc\/net\/udp header/);
});

test("udpDrops - counts the datagrams a full receive buffer dropped at this process's socket", async () => {
  const rx = createSocket({ type: "udp4", recvBufferSize: 4096 });
  await new Promise<void>((r) => rx.bind(0, "127.0.0.1", r));
  const before = udpDrops(process.pid);
  // Nothing reads while these arrive (the loop is busy sending): the small buffer overflows.
  const tx = createSocket("udp4");
  const payload = Buffer.alloc(1200);
  for (let i = 0; i < 200; i++) tx.send(payload, rx.address().port, "127.0.0.1");
  await new Promise((r) => setTimeout(r, 200));
  const after = udpDrops(process.pid);
  tx.close();
  rx.close();
  assert.ok(after - before > 100, `expected most of 200 datagrams dropped, got ${after - before}`);
});

test("median - middle value, mean of the two middle ones, NaN for none", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
