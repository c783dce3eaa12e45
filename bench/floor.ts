/**
 * The floor: a bare Node process that receives the same RTP packet stream as the recorder
 * (same clips, same packetizer, same pacing, but plain UDP: no ICE, DTLS, SRTP, depacketizing
 * or writing) and only counts it. Whatever the recorder costs above this is ours to explain.
 * Prints `floor <port>` once bound; on SIGTERM prints `floor-packets <n>` and exits.
 * Run as its own entry file (`node bench/floor.ts`), so it loads nothing but node:dgram.
 */
import { createSocket } from "node:dgram";

async function floor(): Promise<void> {
  const socket = createSocket("udp4");
  let packets = 0;
  socket.on("message", () => packets++);
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  process.stdout.write(`floor ${socket.address().port}\n`);
  await new Promise((r) => process.once("SIGTERM", r));
  process.stdout.write(`floor-packets ${packets}\n`);
  socket.close();
}

await floor();
process.exit(0);
