/**
 * GStreamer `webrtcbin` as a test publisher (issue 3), shaped like a Raspberry.Ninja publisher:
 * media and the `sendChannel` data channel in the first offer, one candidate per ICE message
 * without `sdpMid`, encrypted offers/ICE with a password, optionally `"session": null`.
 * test/interop/gst_publisher.py owns the media (Debian python3-gi); this file owns the WebSocket
 * and the VDO.Ninja protocol and talks to the script in JSON lines over stdin/stdout.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import {
  decryptField, deriveKey, encryptField, fromWire, newFanoutId, roomId, toWire, wireStreamId,
  type DialectContext, type PayloadKey,
} from "../../src/protocol/index.ts";
import { inNetns } from "./netns.ts";
import { waitFor } from "./wait.ts";

const SCRIPT = fileURLToPath(new URL("../interop/gst_publisher.py", import.meta.url));
/** Debian's python3 has python3-gi; a pyenv/venv python on PATH usually does not. */
const PYTHON = process.env.GST_PYTHON ?? "/usr/bin/python3";
/** Time for a `bye` on the data channel to leave before the pipeline is stopped. */
const BYE_FLUSH_MS = 500;

export interface GstPublisherOptions {
  readonly relay: string;
  readonly room: string;
  readonly stream: string;
  /** `false` disables hashing and encryption. @default VDO.Ninja's default password */
  readonly password?: string | false;
  readonly salt?: string;
  readonly dialect?: "official" | "fanout";
  readonly codec: "h264" | "vp8";
  /** Send `"session": null` on offers and ICE, as Raspberry.Ninja does (spec Appendix C). */
  readonly nullSession?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** webrtcbin's bundle-policy. @default "max-compat" */
  readonly bundlePolicy?: "max-compat" | "max-bundle" | "balanced";
  /** webrtcbin's STUN server (`stun://host:port`), as a browser behind a NAT has one. */
  readonly stunServer?: string;
  /** Run the media half (the script) inside this network namespace (infra/nat/, root only); the WebSocket stays here. */
  readonly netns?: string;
}

export interface GstPublisher {
  /** Connection states per viewer, as webrtcbin reports them. */
  states(): ReadonlyMap<string, string>;
  /** `session` of every answer received and of the offer it answered, to check the echo (spec §2.6). */
  answers(): readonly { readonly offered: string | null; readonly answered: unknown }[];
  /** Lines the script logged (pipeline errors, bad input). */
  logs(): readonly string[];
  waitConnected(timeoutMs: number): Promise<string>;
  /** `{"bye":true}` on every data channel, then close the pipelines. */
  hangup(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface ViewerPeer {
  readonly session: string | null;
  dcOpen: boolean;
}

export async function startGstPublisher(opts: GstPublisherOptions): Promise<GstPublisher> {
  const password = opts.password === undefined ? "someEncryptionKey123" : opts.password;
  const salt = opts.salt ?? "vdo.ninja";
  const dialect = opts.dialect ?? "official";
  const key: PayloadKey | undefined = password === false ? undefined : deriveKey(password, salt);
  const wireRoom = roomId(opts.room, password, salt);
  const wireStream = wireStreamId(opts.stream, password, salt);
  const ctx: { -readonly [K in keyof DialectContext]: DialectContext[K] } = { selfId: newFanoutId() };
  const peers = new Map<string, ViewerPeer>();
  const states = new Map<string, string>();
  const logs: string[] = [];
  const answers: { offered: string | null; answered: unknown }[] = [];

  const args = [SCRIPT, "--codec", opts.codec, "--width", String(opts.width ?? 640), "--height", String(opts.height ?? 360), "--fps", String(opts.fps ?? 15), "--bundle-policy", opts.bundlePolicy ?? "max-compat"];
  if (opts.stunServer) args.push("--stun-server", opts.stunServer);
  const proc = spawn(...inNetns(opts.netns, PYTHON, args), { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.stderr.on("data", (d: Buffer) => logs.push(...d.toString("utf8").split("\n").filter(Boolean)));
  const toScript = (msg: Record<string, unknown>) => proc.stdin.writable && proc.stdin.write(`${JSON.stringify(msg)}\n`);
  let ready = false;

  const ws = new WebSocket(opts.relay);
  const send = (msg: Record<string, unknown>) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(toWire(dialect, msg, ctx)));
  const seal = (field: string, value: unknown): Record<string, unknown> => {
    if (!key) return { [field]: value };
    const { data, vector } = encryptField(value, key);
    return { [field]: data, vector };
  };
  const unseal = (msg: Record<string, unknown>, field: string): unknown =>
    key && typeof msg.vector === "string" && typeof msg[field] === "string" ? decryptField(msg[field] as string, msg.vector, key) : msg[field];

  const offerTo = (uuid: string) => {
    if (peers.has(uuid)) return;
    peers.set(uuid, { session: opts.nullSession ? null : randomBytes(5).toString("hex"), dcOpen: false });
    toScript({ type: "offer-request", peer: uuid });
  };

  /** Answers and ICE arrive on the socket or, once open, on the data channel: one handler. */
  const onPeerMessage = (uuid: string, msg: Record<string, unknown>, via: "socket" | "dc") => {
    const peer = peers.get(uuid);
    if (!peer) return;
    if (msg.bye === true) {
      toScript({ type: "close", peer: uuid });
      peers.delete(uuid);
      return;
    }
    if (via === "dc" && msg.ping !== undefined) {
      toScript({ type: "dc-send", peer: uuid, data: JSON.stringify({ pong: msg.ping }) });
      return;
    }
    if (msg.description !== undefined) {
      const desc = unseal(msg, "description") as { type?: string; sdp?: string };
      if (desc?.type !== "answer" || typeof desc.sdp !== "string") return;
      answers.push({ offered: peer.session, answered: msg.session });
      toScript({ type: "answer", peer: uuid, sdp: desc.sdp });
      return;
    }
    const field = msg.candidates !== undefined ? "candidates" : msg.candidate !== undefined ? "candidate" : undefined;
    if (field) {
      const value = unseal(msg, field);
      for (const c of (Array.isArray(value) ? value : [value]) as { candidate?: string; sdpMLineIndex?: number }[]) {
        if (c?.candidate) toScript({ type: "ice", peer: uuid, candidate: c.candidate, mline: c.sdpMLineIndex ?? 0 });
      }
    }
  };

  createInterface({ input: proc.stdout }).on("line", (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line);
    } catch {
      logs.push(line);
      return;
    }
    const uuid = String(msg.peer ?? "");
    const peer = peers.get(uuid);
    switch (msg.type) {
      case "ready":
        ready = true;
        return;
      case "log":
        logs.push(String(msg.message));
        return;
      case "state":
        states.set(uuid, String(msg.state));
        return;
      case "dc-open":
        if (peer) peer.dcOpen = true;
        return;
      case "dc":
        try {
          onPeerMessage(uuid, JSON.parse(String(msg.data)), "dc");
        } catch {
          logs.push(`bad dc message from ${uuid}`);
        }
        return;
      case "offer":
        if (peer) send({ UUID: uuid, streamID: wireStream, session: peer.session, ...seal("description", { type: "offer", sdp: msg.sdp }) });
        return;
      case "ice":
        // Raspberry.Ninja's shape: one candidate per message, no sdpMid (spec §2.8).
        if (peer) send({ UUID: uuid, type: "local", session: peer.session, ...seal("candidates", [{ candidate: msg.candidate, sdpMLineIndex: msg.mline }]) });
        return;
    }
  });

  ws.on("open", () => {
    if (dialect === "fanout") {
      send({ request: "joinroom", roomid: wireRoom, streamID: wireStream });
      ctx.roomId = wireRoom;
    } else {
      send({ request: "joinroom", roomid: wireRoom });
    }
  });
  ws.on("message", (raw) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(String(raw));
    } catch {
      return;
    }
    const msg = fromWire(dialect, parsed as never, ctx) as Record<string, unknown> | undefined;
    if (!msg) return;
    const uuid = typeof msg.UUID === "string" ? msg.UUID : undefined;
    switch (msg.request) {
      case "listing":
        send({ request: "seed", streamID: wireStream });
        return;
      case "offerSDP":
        if (uuid) offerTo(uuid);
        return;
      case "joinroom":
        if (dialect === "fanout" && uuid) offerTo(uuid);
        return;
      case "play":
        if (dialect === "fanout" && uuid && msg.streamID === wireStream) offerTo(uuid);
        return;
      case undefined:
        if (uuid) onPeerMessage(uuid, msg, "socket");
        return;
    }
  });
  ws.on("error", (err) => logs.push(`socket: ${err.message}`));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    ws.close();
    proc.stdin.end();
    const killTimer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(killTimer);
  };
  try {
    await waitFor(() => ready || proc.exitCode !== null, 30_000, "gst_publisher.py ready");
    if (!ready) throw new Error(`gst_publisher.py exited: ${logs.join("\n")}`);
    await waitFor(() => ws.readyState === WebSocket.OPEN, 10_000, "gst publisher socket");
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    states: () => states,
    answers: () => answers,
    logs: () => logs,
    waitConnected: (timeoutMs) => waitFor(() => [...states.entries()].find(([, s]) => s === "connected")?.[0], timeoutMs, `gst publisher ${opts.stream} connected`),
    async hangup() {
      const uuids = [...peers.keys()];
      for (const uuid of uuids) toScript({ type: "dc-send", peer: uuid, data: JSON.stringify({ bye: true }) });
      // Let SCTP deliver the bye before the pipeline (and its association) goes away.
      await new Promise((resolve) => setTimeout(resolve, BYE_FLUSH_MS));
      for (const uuid of uuids) {
        toScript({ type: "close", peer: uuid });
        peers.delete(uuid);
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
