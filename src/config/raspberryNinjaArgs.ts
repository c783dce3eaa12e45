/**
 * Raspberry.Ninja's command line (`publish.py --room R --record-room …`, spec §6.9) → `record`'s
 * own flags, so its users' scripts and systemd units keep working. Pure but for reading
 * `--config FILE` through the function it is given. Every Raspberry.Ninja flag gets one
 * migration line saying what it became (or that it has no effect here, and why); flags that only
 * make sense for a publisher are refused with a UsageError. Flags that are not Raspberry.Ninja's
 * (`--out`, `--duration`, `--status-port`, …) pass through unchanged to `parseRecordArgs`.
 */
import { UsageError } from "./errors.ts";
import { STUN_DISABLED } from "./ice.ts";
import { redactIceUrl } from "./iceUrl.ts";
import { saltForSite } from "../protocol/siteSalt.ts";

export interface RaspberryNinjaTranslation {
  /** `record` flags, ready for `parseRecordArgs`. */
  readonly argv: readonly string[];
  /** One line per Raspberry.Ninja flag, in the order given: `--flag value → what it became`. */
  readonly migrations: readonly string[];
}

/** Reads `--config FILE`; injected so the translation stays testable without files. */
export type ReadText = (path: string) => string;

type Arity = "value" | "switch" | "optional";

/** Raspberry.Ninja's recording-side flags and how many values each takes (argparse nargs). */
const MAPPED: Readonly<Record<string, Arity>> = {
  room: "value", "record-room": "switch", "record-streams": "value", record: "value", password: "optional", salt: "value",
  server: "value", hostname: "value", "stun-server": "value", "turn-server": "value", "ice-transport-policy": "value",
  streamid: "value", puuid: "value", buffer: "value", bitrate: "value", h264: "switch", vp8: "switch", vp9: "switch", av1: "switch",
  novideo: "switch", noaudio: "switch", hls: "switch", config: "value", debug: "switch",
};

/** Flags of a publisher (capture, encoding, publishing outputs): nothing to record. */
const PUBLISHING = [
  "test", "hdmi", "camlink", "z1", "z1passthru", "apple", "v4l2", "iomode", "libcamera", "rpicam", "format", "rotate", "nvidiacsi",
  "alsa", "pulse", "zerolatency", "raw", "bt601", "x264", "openh264", "aom", "rav1e", "qsv", "omx", "vorbis", "nvidia", "rpi",
  "multiviewer", "noqos", "nored", "led", "pipeline", "filesrc", "filesrc2", "pipein", "video-pipeline", "audio-pipeline",
  "timestamp", "clockstamp", "width", "height", "framerate", "audiobitrate", "h265", "hevc", "x265", "save", "rtmp", "whip", "midi",
];
/** Other ways of pulling a stream than recording it to files. */
const OTHER_OUTPUTS = ["view", "ndiout", "fdsink", "framebuffer", "socketout", "socketport", "room-ndi", "v4l2sink", "webserver"];
const REFUSED: ReadonlyMap<string, string> = new Map([
  ...PUBLISHING.map((f) => [f, "is a publishing flag: room-recorder only records, it never publishes"] as const),
  ...OTHER_OUTPUTS.map((f) => [f, "pulls a stream to another output than files: room-recorder only records to files"] as const),
]);

const DEFAULT_PASSWORD_WORDS = new Set(["", "true", "1", "on"]);
const NO_PASSWORD_WORDS = new Set(["false", "0", "off"]);
const CODEC_FLAGS = ["h264", "vp8", "vp9", "av1"] as const;

interface Setting {
  readonly name: string;
  /** undefined for a switch, and for `--password` without a value. */
  readonly value?: string;
  /** `--config FILE` when it came from there. */
  readonly from?: string;
}

/** True when `record`'s argv is Raspberry.Ninja's (its recording flags, or its `--config`). */
export function isRaspberryNinjaInvocation(argv: readonly string[]): boolean {
  return argv.some((a) => ["record-room", "record", "config"].includes(flagName(a) ?? ""));
}

export function translateRaspberryNinjaArgs(argv: readonly string[], readText: ReadText): RaspberryNinjaTranslation {
  const { settings: cli, passthrough } = splitArgv(argv);
  const configFile = last(cli, "config")?.value;
  // Raspberry.Ninja: the file's keys replace defaults, the command line wins.
  const fromFile = configFile === undefined ? [] : readConfig(configFile, readText).filter((s) => !cli.some((c) => c.name === s.name));
  const settings = lastOfEach([...fromFile, ...cli]);
  for (const s of settings) {
    const why = REFUSED.get(s.name);
    if (why) throw new UsageError(`Raspberry.Ninja's --${s.name}${s.from ? ` (in ${s.from})` : ""} ${why}`);
  }
  const has = (name: string) => settings.some((s) => s.name === name);
  const value = (name: string) => settings.find((s) => s.name === name)?.value;
  const room = value("room");
  const recordId = value("record");
  if (!has("record-room") && recordId === undefined) {
    throw new UsageError("this is Raspberry.Ninja's publishing command line: room-recorder records only (add --record-room, or --record STREAMID)");
  }
  if (has("record-room") && room === undefined) throw new UsageError("--record-room needs --room (as in Raspberry.Ninja)");
  if (room === undefined) {
    throw new UsageError(
      `--record ${recordId} without --room (one stream, no room) is not supported yet: the signaler only records streams it finds in a room's listing. ` +
        `Put the publisher in a room and use --room R --record-streams ${recordId}`,
    );
  }
  const codecs = CODEC_FLAGS.filter(has);
  if (codecs.length > 1) throw new UsageError(`--${codecs.join(", --")}: give one preferred codec`);

  const out: string[] = [];
  const migrations: string[] = [];
  const ctx: Context = { room, recordRoom: has("record-room"), salted: has("salt") };
  for (const s of settings) {
    const { args, note } = mapSetting(s, ctx);
    out.push(...args);
    const given = s.value === undefined ? `--${s.name}` : `--${s.name} ${shown(s.name, s.value)}`;
    const became = args.map((a, i) => (a.startsWith("--") ? a : shown(args[i - 1]!.slice(2), a))).join(" ");
    migrations.push(`${given}${s.from ? ` (from ${shown("", s.from)})` : ""} → ${became ? `${became}: ` : ""}${note}`);
  }
  return Object.freeze({ argv: Object.freeze([...out, ...passthrough]), migrations: Object.freeze(migrations) });
}

interface Context {
  readonly room: string;
  readonly recordRoom: boolean;
  /** `--salt` given: it wins over the salt `--hostname` implies. */
  readonly salted: boolean;
}

/** One Raspberry.Ninja setting → `record` flags and what to tell the user. */
function mapSetting(s: Setting, ctx: Context): { args: string[]; note: string } {
  const v = s.value ?? "";
  switch (s.name) {
    case "room":
      return { args: ["--room", v], note: "the same room" };
    case "record-room":
      return { args: [], note: `records every stream of room ${ctx.room}, one worker process per stream (what record --room does)` };
    case "record-streams":
      return { args: ["--include", v], note: "only these base stream ids" };
    case "record":
      return ctx.recordRoom
        ? { args: [], note: "no file name prefix: files are <out>/<room>/<stream>/<UTC start>-<n>.webm|mkv (choose <out> with --out)" }
        : { args: ["--include", v], note: `only this stream of room ${ctx.room}` };
    case "password":
      if (s.value === undefined || DEFAULT_PASSWORD_WORDS.has(v.trim().toLowerCase())) return { args: [], note: "VDO.Ninja's default password" };
      if (NO_PASSWORD_WORDS.has(v.trim().toLowerCase())) return { args: ["--password", "false"], note: "no password: no hashing, no encryption" };
      return { args: ["--password", v], note: "the same room password (or set RR_PASSWORD to keep it out of ps)" };
    case "salt":
      return { args: ["--salt", v], note: "the same salt" };
    case "server":
      return { args: ["--server", v], note: "the same handshake server, official dialect (a fan-out server needs --dialect fanout)" };
    case "hostname": {
      if (ctx.salted) return { args: [], note: "no effect: --salt is given and wins" };
      const salt = saltForSite(v);
      if (salt === undefined) throw new UsageError(`--hostname: '${v}' is not a URL`);
      return { args: ["--salt", salt], note: "the salt VDO.Ninja pages on that site use" };
    }
    case "stun-server":
      return { args: ["--stun", v], note: STUN_DISABLED.has(v.trim().toLowerCase()) ? "no STUN server" : "this STUN server" };
    case "turn-server":
      return { args: ["--turn", v], note: "this TURN server (instead of VDO.Ninja's)" };
    case "ice-transport-policy":
      if (v === "relay") return { args: ["--relay-only"], note: "only relayed (TURN) candidates" };
      if (v === "all") return { args: [], note: "every candidate type (the default)" };
      throw new UsageError(`--ice-transport-policy: '${v}' is not all or relay`);
    case "streamid":
      return { args: [], note: "no effect: room-recorder publishes nothing, so it has no stream id of its own" };
    case "puuid":
      return { args: ["--dialect", "fanout"], note: "a fan-out handshake server (our id on it is generated)" };
    case "buffer":
      integer(s);
      return { args: [], note: "no effect: nothing is played out; packets are reordered in the recorder's own window before muxing" };
    case "bitrate":
      integer(s);
      return { args: [], note: "no effect: the recorder asks every publisher for up to 2.5 Mb/s (REMB) and records what arrives" };
    case "h264":
    case "vp8":
    case "vp9":
    case "av1":
      return { args: ["--prefer-codec", s.name], note: "listed first in our answer, so a browser publisher sends it" };
    case "novideo":
    case "noaudio":
      return { args: [], note: `not supported, no effect: audio and video are muxed into one file, so the ${s.name === "noaudio" ? "audio" : "video"} is recorded too` };
    case "hls":
      throw new UsageError("--hls: room-recorder writes WebM/Matroska without transcoding, not HLS; drop --hls (ffmpeg can repackage a finished file)");
    case "config":
      return { args: [], note: "settings read from the file (listed with 'from'); the command line wins" };
    case "debug":
      return { args: ["--log-level", "debug"], note: "debug logs" };
    default:
      throw new Error(`unmapped Raspberry.Ninja flag --${s.name}`);
  }
}

/**
 * Raspberry.Ninja settings apart from everything else. argparse forms: `--flag value`,
 * `--flag=value`, a switch, and `--password` with an optional value.
 */
function splitArgv(argv: readonly string[]): { settings: Setting[]; passthrough: string[] } {
  const settings: Setting[] = [];
  const passthrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const name = flagName(token);
    const arity = name === undefined ? undefined : (MAPPED[name] ?? (REFUSED.has(name) ? "optional" : undefined));
    if (name === undefined || arity === undefined) {
      passthrough.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const next = argv[i + 1];
    if (eq >= 0) {
      if (arity === "switch") throw new UsageError(`--${name} takes no value`);
      settings.push({ name, value: token.slice(eq + 1) });
    } else if (arity === "switch") {
      settings.push({ name });
    } else if (next !== undefined && !next.startsWith("--")) {
      settings.push({ name, value: next });
      i++;
    } else if (arity === "optional") {
      settings.push({ name });
    } else {
      throw new UsageError(`--${name} needs a value`);
    }
  }
  return { settings, passthrough };
}

/** Raspberry.Ninja's JSON config: keys are argparse names (`record_room`), values override defaults. */
function readConfig(path: string, readText: ReadText): Setting[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path));
  } catch (err) {
    throw new UsageError(`--config ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${path}: not a JSON object`);
  const out: Setting[] = [];
  for (const [key, raw] of Object.entries(parsed)) {
    const name = key.replace(/_/g, "-");
    // argparse defaults: a switch that is off, or a value left unset, says nothing.
    if (raw === false || raw === null) continue;
    if (!(name in MAPPED) && !REFUSED.has(name)) throw new UsageError(`--config ${path}: '${key}' is not a Raspberry.Ninja setting room-recorder knows`);
    if (name === "config") throw new UsageError(`--config ${path}: a config file cannot name another one`);
    if (typeof raw !== "string" && typeof raw !== "number" && raw !== true) throw new UsageError(`--config ${path}: '${key}' must be a string, number or true`);
    out.push(raw === true && MAPPED[name] !== "value" ? { name, from: path } : { name, value: String(raw), from: path });
  }
  return out;
}

function flagName(token: string): string | undefined {
  const m = /^--([a-z0-9][a-z0-9-]*)(?:=|$)/i.exec(token);
  return m?.[1]?.toLowerCase();
}

function last(settings: readonly Setting[], name: string): Setting | undefined {
  return settings.findLast((s) => s.name === name);
}

/** argparse keeps the last occurrence of a flag; order of first appearance is kept for the lines. */
function lastOfEach(settings: readonly Setting[]): Setting[] {
  const names = [...new Set(settings.map((s) => s.name))];
  return names.map((n) => last(settings, n)!);
}

function integer(s: Setting): void {
  if (!/^\d+$/.test(s.value ?? "")) throw new UsageError(`--${s.name}: '${s.value ?? ""}' is not a whole number`);
}

/** A value as a migration line shows it: never a password or TURN credential, never a control character. */
function shown(flag: string, value: string): string {
  const word = value.trim().toLowerCase();
  if (flag === "password" && !NO_PASSWORD_WORDS.has(word) && !DEFAULT_PASSWORD_WORDS.has(word)) return "***";
  const text = flag.endsWith("turn-server") || flag.endsWith("stun-server") || flag === "turn" || flag === "stun" ? redactIceUrl(value) : value;
  return JSON.stringify(text).slice(1, -1);
}
