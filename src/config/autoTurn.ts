/**
 * Auto TURN, as VDO.Ninja's browser does it (spec §5.1): when the room is on VDO.Ninja's public
 * handshake server and no `--turn` is given, fetch `https://turnservers.vdo.ninja/?ts=…` (2 s
 * timeout), keep the ≤2 UDP and ≤1 TCP/TLS servers closest to our timezone, and fall back to the
 * static list the browser ships when the fetch fails. Raspberry.Ninja never fetches the list
 * (spec §5.2) and hard-codes one Canadian server for everyone.
 */
import type { Logger } from "../observability/logger.ts";
import type { IceServerConfig } from "./types.ts";
import { describeIceServer, parseIceServerUrl, withCredentials } from "./iceUrl.ts";

/** The browser's fetch timeout (spec §5.1). */
export const DEFAULT_TURN_LIST_TIMEOUT_MS = 2000;
/** The browser subtracts this epoch from `Date.now()` in `?ts=` (spec §5.1); it only busts caches. */
const TS_EPOCH_MS = 1653305816700;
/** A TURN list is a few KB; anything much larger is not one. */
const MAX_LIST_BYTES = 256 * 1024;
const MAX_UDP = 2;
const MAX_TCP = 1;
const MINUTES_PER_DAY = 24 * 60;

/** One TURN server of the list, validated. `tz` is minutes like `Date#getTimezoneOffset` (EST = 300). */
export interface TurnCandidate {
  readonly server: IceServerConfig;
  readonly tz: number;
  /** false for TCP/TLS servers. */
  readonly udp: boolean;
}

export interface AutoTurnOptions {
  /** From `turnListUrlFor(server)`. */
  readonly listUrl: string;
  /** @default 2000 */
  readonly timeoutMs?: number;
  /** Our timezone in `getTimezoneOffset` minutes. @default new Date().getTimezoneOffset() */
  readonly timezoneOffsetMinutes?: number;
  readonly log?: Logger;
}

/**
 * The static list VDO.Ninja falls back to (spec §5.1, the entries the SDK also ships; the
 * credentials are public, shared and rate-limited).
 */
export const FALLBACK_TURN_LIST: readonly TurnCandidate[] = [
  fallback("turns:www.turn.obs.ninja:443", "steve", "setupYourOwnPlease", 300, false),
  fallback("turn:turn-cae1.vdo.ninja:3478", "steve", "setupYourOwnPlease", 300, true),
  fallback("turn:turn-usw2.vdo.ninja:3478", "vdoninja", "theyBeSharksHere", 480, true),
  fallback("turn:turn-eu4.vdo.ninja:3478", "vdoninja", "PolandPirat", -70, true),
  fallback("turns:turn.obs.ninja:443", "steve", "setupYourOwnPlease", -60, false),
  fallback("turn:turn-eu1.vdo.ninja:3478", "steve", "setupYourOwnPlease", -60, true),
  fallback("turn:turn-use1.vdo.ninja:3478", "vdoninja", "EastSideRepresentZ", 300, true),
];

/** The TURN list URL for a handshake server, or undefined when it is not a VDO.Ninja one. */
export function turnListUrlFor(server: string): string | undefined {
  let host: string;
  try {
    host = new URL(server).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host === "vdo.ninja" || host.endsWith(".vdo.ninja")) return "https://turnservers.vdo.ninja/";
  if (host === "rtc.ninja" || host.endsWith(".rtc.ninja")) return "https://turnservers.rtc.ninja/";
  return undefined;
}

/**
 * Validates a TURN list response (`{"servers":[{username,credential,urls,tz,udp},…]}`). Entries
 * that are not usable TURN servers are dropped, one per URL, so a stranger's list never throws.
 */
export function parseTurnList(json: unknown): TurnCandidate[] {
  const servers = (json as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(servers)) return [];
  const out: TurnCandidate[] = [];
  for (const entry of servers.slice(0, 100)) {
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== "object" || e === null) continue;
    const { username, credential, tz, udp } = e;
    if (typeof username !== "string" || typeof credential !== "string") continue;
    const urls = typeof e.urls === "string" ? [e.urls] : Array.isArray(e.urls) ? e.urls : [];
    for (const url of urls.slice(0, 10)) {
      if (typeof url !== "string") continue;
      try {
        const server = parseIceServerUrl(withCredentials(url, username, credential));
        if (!server.urls.startsWith("turn")) continue;
        out.push({ server, tz: typeof tz === "number" && Number.isFinite(tz) ? tz : 0, udp: udp !== false });
      } catch {
        continue;
      }
    }
  }
  return out;
}

/**
 * VDO.Ninja's `processTURNs`: order by timezone distance (wrapping at 24 h), then keep the
 * first ≤2 UDP and ≤1 TCP servers. UDP ones come first because werift uses only the first TURN
 * URL it is given (notes/werift.md §1).
 */
export function selectTurnServers(list: readonly TurnCandidate[], timezoneOffsetMinutes: number): IceServerConfig[] {
  const distance = (tz: number): number => {
    const d = Math.abs(tz - timezoneOffsetMinutes) % MINUTES_PER_DAY;
    return Math.min(d, MINUTES_PER_DAY - d);
  };
  const sorted = [...list].sort((a, b) => distance(a.tz) - distance(b.tz));
  const udp = sorted.filter((c) => c.udp).slice(0, MAX_UDP);
  const tcp = sorted.filter((c) => !c.udp).slice(0, MAX_TCP);
  return [...udp, ...tcp].map((c) => c.server);
}

/** Fetches and selects; never throws: any failure selects from `FALLBACK_TURN_LIST`. */
export async function autoTurnServers(opts: AutoTurnOptions): Promise<IceServerConfig[]> {
  const tzOffset = opts.timezoneOffsetMinutes ?? new Date().getTimezoneOffset();
  const url = `${opts.listUrl}?ts=${Date.now() - TS_EPOCH_MS}`;
  let list: TurnCandidate[] = [];
  let source = "fetched";
  try {
    list = parseTurnList(await fetchJson(url, opts.timeoutMs ?? DEFAULT_TURN_LIST_TIMEOUT_MS));
    if (list.length === 0) throw new Error("no usable TURN server in the list");
  } catch (err) {
    source = "fallback";
    opts.log?.warn({ url: opts.listUrl, err: (err as Error).message }, "auto TURN: list unavailable, using VDO.Ninja's static list");
    list = [...FALLBACK_TURN_LIST];
  }
  const selected = selectTurnServers(list, tzOffset);
  opts.log?.info({ source, tzOffset, servers: selected.map(describeIceServer) }, "auto TURN servers selected");
  return selected;
}

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > MAX_LIST_BYTES) throw new Error(`list too large (${declared} bytes)`);
  // Read with a cap: a hostile or broken server must not make us buffer an endless body.
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += chunk.byteLength;
    if (total > MAX_LIST_BYTES) throw new Error(`list larger than ${MAX_LIST_BYTES} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function fallback(url: string, username: string, credential: string, tz: number, udp: boolean): TurnCandidate {
  return { server: parseIceServerUrl(withCredentials(url, username, credential)), tz, udp };
}
