/**
 * One of the bench's publishers processes (`record.ts --role publishers`): a slice of the N
 * werift publishers of the bench clips into the relay, never in the recorder's processes. The
 * bench runs several (bench/publisherSlices.ts): one process saturated at about 11 streams.
 * It prints `ready` once loaded and waits for the fleet's `{ t0 }` over IPC; each stream then
 * joins at its turn in the fleet's stagger, so the relay and the signaler never get fifty joins
 * at once. Streams among the fleet's first `floorStreams` also send a second copy of
 * their packet stream, as plain UDP, to the floor receiver. Lines on stdout:
 *   `seeded <streamId> <epochMs>`  a publisher announced its stream in the room;
 *   `media <streamId> <epochMs>`   a publisher started sending to the recorder (first keyframe);
 *   on SIGTERM, once the publishers said bye and stopped:
 *   `sent <streamId> <videoFrames>` video frames handed to the recorder's tracks;
 *   `lag <p99Ms> <maxMs>`           this process's event-loop delay after its last join: how
 *                                   late its pacing ran (a lagging publisher sends in bursts).
 * Exits when the bench goes away (IPC disconnect), so a killed bench leaves no publishers.
 */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startPublisher, type PublisherHandle } from "../src/publisher/Publisher.ts";
import { MediaLoop } from "../src/publisher/MediaLoop.ts";
import { createRootLogger } from "../src/observability/logger.ts";
import type { Clip } from "../src/publisher/clips.ts";
import { benchClips } from "./benchMedia.ts";
import { joinAt } from "./publisherSlices.ts";

export interface PublishersRoleOptions {
  readonly server: string;
  readonly room: string;
  /** This process's slice of stream ids. */
  readonly ids: readonly string[];
  /** Fleet position of `ids[0]`. */
  readonly firstIndex: number;
  readonly floorPort: number;
  /** The fleet's first this many streams feed the floor. */
  readonly floorStreams: number;
}

export async function publishersRole(o: PublishersRoleOptions): Promise<void> {
  process.once("disconnect", () => process.exit(0));
  const clips = benchClips();
  const log = createRootLogger({ level: "warn" });
  const udp = createSocket("udp4");
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const floors: MediaLoop[] = [];
  const pubs: Array<{ id: string; handle: PublisherHandle }> = [];
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;

  const join = (id: string, index: number) => {
    if (stopping) return;
    if (index < o.floorStreams) floors.push(floorFeed(clips, udp, o.floorPort));
    const handle = startPublisher({
      server: o.server, room: o.room, streamId: id, clips, log,
      onEvent: (e) => {
        if (e.type === "seeded") process.stdout.write(`seeded ${id} ${Date.now()}\n`);
        if (e.type === "viewer-media") process.stdout.write(`media ${id} ${e.startedAt}\n`);
      },
    });
    pubs.push({ id, handle });
    // Pacing lag counts once the slice is complete: joins themselves are start-up work.
    if (pubs.length === o.ids.length) {
      lag.reset();
      lag.enable();
    }
  };
  process.stdout.write("ready\n");
  const [{ t0 }] = (await once(process, "message")) as [{ t0: number }];
  for (const [i, id] of o.ids.entries()) {
    const index = o.firstIndex + i;
    timers.push(setTimeout(() => join(id, index), Math.max(0, joinAt(t0, index) - Date.now())));
  }

  await new Promise((r) => process.once("SIGTERM", r));
  stopping = true;
  for (const t of timers) clearTimeout(t);
  lag.disable();
  for (const f of floors) f.close();
  await Promise.all(pubs.map((p) => p.handle.stop()));
  for (const { id, handle } of pubs) {
    const frames = handle.stats().viewers.reduce((n, v) => n + v.videoFramesSent, 0);
    process.stdout.write(`sent ${id} ${frames}\n`);
  }
  if (lag.count > 0) process.stdout.write(`lag ${lag.percentile(99) / 1e6} ${lag.max / 1e6}\n`);
  udp.close();
}

/** The same clips through the same packetizer and pacing, as plain RTP to the floor. */
function floorFeed(clips: readonly Clip[], udp: Socket, port: number): MediaLoop {
  const loop = new MediaLoop(clips);
  loop.subscribe((frame) => {
    for (const p of frame.packets) udp.send(p.serialize(), port, "127.0.0.1");
  });
  loop.start();
  return loop;
}
