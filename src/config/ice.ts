/**
 * ICE settings from the command line: `--stun`, `--turn`, `--relay-only`, `--no-auto-turn`.
 * URL syntax and credential handling are in `iceUrl.ts`; VDO.Ninja's TURN list in `autoTurn.ts`.
 */
import type { IceServerConfig, IceSettings } from "./types.ts";
import { IceConfigError, parseIceServerUrl, redactIceUrl } from "./iceUrl.ts";
import { autoTurnServers, turnListUrlFor } from "./autoTurn.ts";
import type { AutoTurnOptions } from "./autoTurn.ts";

export { IceConfigError, parseIceServerUrl, redactIceUrl, describeIceServer } from "./iceUrl.ts";

/** VDO.Ninja's browser STUN defaults (spec §5.1). */
export const DEFAULT_STUN_URLS: readonly string[] = ["stun:stun.l.google.com:19302", "stun:stun.cloudflare.com:3478"];
/** Values of `--stun` that mean "no STUN at all" (Raspberry.Ninja's `--stun-server false`). */
export const STUN_DISABLED: ReadonlySet<string> = new Set(["false", "off", "none", "0"]);

export interface IceOptions {
  /** `--stun` values. Omitted: VDO.Ninja's defaults, except for a handshake server on a loopback
   * or private address (a test or LAN setup, where unreachable STUN would only delay werift's
   * gathering by its 5 s STUN timeout). `false`, or any value `false|off|none|0`: no STUN. */
  readonly stun?: readonly string[] | false;
  /** `--turn` values. Giving any turns auto TURN off. */
  readonly turn?: readonly string[];
  /** TURN servers already parsed, credentials apart (a worker's `--ice-server` + env); after `turn`. */
  readonly turnServers?: readonly IceServerConfig[];
  /** `--relay-only`: iceTransportPolicy "relay". Needs at least one TURN server. @default false */
  readonly relayOnly?: boolean;
  /** `--no-auto-turn` sets this false. @default true */
  readonly autoTurn?: boolean;
  /** Handshake server URL: auto TURN applies to VDO.Ninja's public servers only. */
  readonly server: string;
  /** Knobs of the auto TURN fetch (timeout, timezone, logger). */
  readonly autoTurnOptions?: Omit<AutoTurnOptions, "listUrl">;
}

/**
 * Turns the ICE flags into the `IceSettings` every worker gets. Async because auto TURN may
 * fetch VDO.Ninja's TURN list (spec §5.1); that fetch never fails the recording (it falls back to
 * the static list). Throws `IceConfigError` for malformed URLs and for relay-only without TURN.
 */
export async function buildIceSettings(opts: IceOptions): Promise<IceSettings> {
  const stun = stunServers(opts.stun, opts.server);
  let turn = [...(opts.turn ?? []).map(parseIceServerUrl), ...(opts.turnServers ?? [])];
  for (const t of turn) if (!t.urls.startsWith("turn")) throw new IceConfigError(`--turn '${t.urls}': not a turn: or turns: URL`);
  const listUrl = turnListUrlFor(opts.server);
  if (turn.length === 0 && opts.autoTurn !== false && listUrl !== undefined) {
    turn = await autoTurnServers({ ...opts.autoTurnOptions, listUrl });
  }
  const relayOnly = opts.relayOnly === true;
  if (relayOnly && turn.length === 0) throw new IceConfigError("--relay-only needs a TURN server (--turn, or auto TURN with a public handshake server)");
  // TURN first: werift uses only the first STUN and the first TURN URL of the whole list
  // (notes/werift.md §1), so this order is the preference order. Relay-only has no use for STUN.
  return Object.freeze({ iceServers: Object.freeze([...turn, ...(relayOnly ? [] : stun)]), relayOnly });
}

function stunServers(stun: IceOptions["stun"], server: string): IceServerConfig[] {
  if (stun === false) return [];
  if (stun === undefined) return isLocalServer(server) ? [] : DEFAULT_STUN_URLS.map(parseIceServerUrl);
  if (stun.some((s) => STUN_DISABLED.has(s.trim().toLowerCase()))) return [];
  const parsed = stun.map(parseIceServerUrl);
  for (const p of parsed) if (!p.urls.startsWith("stun:")) throw new IceConfigError(`--stun '${redactIceUrl(p.urls)}': not a stun: URL`);
  return parsed;
}

/** Loopback or private (RFC 1918, RFC 4193) host: a test relay or a LAN deployment. */
export function isLocalServer(server: string): boolean {
  let host: string;
  try {
    host = new URL(server).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  return (
    host === "localhost" ||
    host === "::1" ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^f[cd][0-9a-f]{2}:/.test(host)
  );
}
