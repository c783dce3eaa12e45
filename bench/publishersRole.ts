/**
 * All the bench's publishers in one process, so their cost is never the recorder's: N werift
 * publishers of the bench clips into the relay, and beside each the same packet stream as plain
 * UDP to the floor receiver. Lines on stdout:
 *   `seeded <streamId> <epochMs>`  a publisher announced its stream in the room;
 *   `media <streamId> <epochMs>`   a publisher started sending to the recorder (first keyframe);
 *   `sent <streamId> <videoFrames>` on SIGTERM, once the publishers said bye and stopped.
 */
import { createSocket } from "node:dgram";
import { startPublisher } from "../src/publisher/Publisher.ts";
import { MediaLoop } from "../src/publisher/MediaLoop.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import { benchClips } from "./benchMedia.ts";

export async function publishersRole(o: { server: string; room: string; streams: number; floorPort: number }): Promise<void> {
  const clips = benchClips();
  const log = createRootLogger({ level: "warn" });
  const udp = createSocket("udp4");
  const floors = Array.from({ length: o.streams }, () => {
    const loop = new MediaLoop(clips);
    loop.subscribe((frame) => {
      for (const p of frame.packets) udp.send(p.serialize(), o.floorPort, "127.0.0.1");
    });
    loop.start();
    return loop;
  });
  const ids = Array.from({ length: o.streams }, (_, i) => `s${i + 1}`);
  const pubs = ids.map((streamId) =>
    startPublisher({
      server: o.server, room: o.room, streamId, clips, log,
      onEvent: (e) => {
        if (e.type === "seeded") process.stdout.write(`seeded ${streamId} ${Date.now()}\n`);
        if (e.type === "viewer-media") process.stdout.write(`media ${streamId} ${e.startedAt}\n`);
      },
    }),
  );
  await new Promise((r) => process.once("SIGTERM", r));
  for (const f of floors) f.close();
  await Promise.all(pubs.map((p) => p.stop()));
  for (const [i, p] of pubs.entries()) {
    const frames = p.stats().viewers.reduce((n, v) => n + v.videoFramesSent, 0);
    process.stdout.write(`sent ${ids[i]} ${frames}\n`);
  }
  udp.close();
}
