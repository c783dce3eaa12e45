/**
 * `room-recorder publish`: a werift test publisher (src/publisher/) as a process. Events go to
 * stdout as JSON lines (`{"event":"seeded",…}`), so tests and the demo can follow it; logs go to
 * stderr. Ends after `--duration` seconds or on SIGINT/SIGTERM, saying `bye` to every viewer.
 */
import { parseArgs } from "node:util";
import { DEFAULT_SERVER } from "../config/types.ts";
import { DEFAULT_SALT } from "../protocol/defaults.ts";
import { createRootLogger } from "../observability/logger.ts";
import { startPublisher, type PublisherEvent } from "../publisher/Publisher.ts";
import type { Command } from "./command.ts";
import { UsageError } from "../config/errors.ts";
import { parseIceServerUrl } from "../config/iceUrl.ts";

const usage = `Usage: room-recorder publish --room R --stream ID [flags]

Publishes a looping test pattern (640x360@30) with a 1 kHz beep into a VDO.Ninja room, like a
browser guest would. Needs no ffmpeg: it streams the committed files under fixtures/.

Flags:
  --server URL        handshake server (default ${DEFAULT_SERVER})
  --room R            room to join (required)
  --stream ID         stream id to publish, used as given (required)
  --password PW       room password; 'false' disables hashing and encryption
                      (default: VDO.Ninja's default password)
  --salt S            hashing salt (default ${DEFAULT_SALT})
  --codec C           vp8 | h264 (default vp8); audio is always Opus
  --offer MODE        media: tracks in the first offer (Raspberry.Ninja, SDK)
                      datachannel: data channel first, tracks after the viewer's
                      settings, renegotiated on the data channel (the browser)
                      (default media)
  --label L           label sent to viewers in {"info":{"label":L}}
  --screen            also share a screen (the same pattern as a second video track on the
                      same connection) with viewers whose settings allow screen video;
                      the first offer of --offer media never has it (spec §4.7)
  --dialect D         official | fanout (default official)
  --stun URL          STUN server, as a browser has (stun:host[:port]); default none
  --turn URL          TURN server (turn:user:pass@host[:port][?transport=tcp]); default none
  --duration S        hang up after S seconds (default: run until SIGINT/SIGTERM)
  --misbehave         first send malformed, oversized and wrongly typed messages on
                      the data channel (robustness tests), then behave

Stdout: one JSON object per line: seeded, viewer-connecting, viewer-media, viewer-ended, server-alert,
socket-closed, and a final "stopped" with the media statistics.
`;

function oneOf<const T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}`);
  return value as T;
}

async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      server: { type: "string" }, room: { type: "string" }, stream: { type: "string" },
      password: { type: "string" }, salt: { type: "string" }, codec: { type: "string" },
      offer: { type: "string" }, label: { type: "string" }, dialect: { type: "string" },
      duration: { type: "string" }, misbehave: { type: "boolean" }, screen: { type: "boolean" },
      stun: { type: "string", multiple: true }, turn: { type: "string", multiple: true },
    },
    strict: true,
  });
  if (!values.room) throw new UsageError("--room is required");
  if (!values.stream) throw new UsageError("--stream is required");
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0)) throw new UsageError("--duration must be a positive number of seconds");

  let iceServers;
  try {
    iceServers = [...(values.turn ?? []), ...(values.stun ?? [])].map(parseIceServerUrl);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const print = (e: PublisherEvent | Record<string, unknown>) => {
    const { type, ...rest } = e as { type: string };
    process.stdout.write(`${JSON.stringify({ event: type, at: Date.now(), ...rest })}\n`);
  };
  const publisher = startPublisher({
    room: values.room,
    streamId: values.stream,
    ...(values.server !== undefined ? { server: values.server } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
    ...(values.salt !== undefined ? { salt: values.salt } : {}),
    ...(values.label !== undefined ? { label: values.label } : {}),
    codec: oneOf(values.codec, ["vp8", "h264"], "codec", "vp8"),
    offer: oneOf(values.offer, ["media", "datachannel"], "offer", "media"),
    dialect: oneOf(values.dialect, ["official", "fanout"], "dialect", "official"),
    misbehave: values.misbehave ?? false,
    screen: values.screen ?? false,
    iceServers,
    log: createRootLogger(),
    onEvent: print,
  });

  await new Promise<void>((resolve) => {
    const timer = duration === undefined ? undefined : setTimeout(resolve, duration * 1000);
    const onSignal = () => {
      clearTimeout(timer);
      resolve();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  await publisher.stop();
  print({ type: "stopped", ...publisher.stats() });
  // werift leaves UDP sockets bound after close (notes/werift.md §3): exit explicitly.
  setTimeout(() => process.exit(0), 50);
  return 0;
}

export const command: Command = { name: "publish", summary: "publish a test pattern with a tone into a room (test publisher)", usage, run };
