/**
 * One STUN/TURN URL, the form Raspberry.Ninja users know, with credentials inline:
 *
 *   stun:host[:port]                                   default port 3478
 *   turn:user:pass@host[:port][?transport=udp|tcp]     default port 3478, UDP to the server
 *   turns:user:pass@host[:port]                        TLS to the server, default port 5349
 *
 * `turn://…`/`stun://…` (GStreamer spelling, Raspberry.Ninja's `--turn-server`) are accepted too.
 * Reserved characters in user or password are percent-encoded (`:` → `%3A`, `@` → `%40`), as in
 * any URL userinfo (RFC 3986 §3.2.1). TURN credentials are secrets: error messages and
 * `describeIceServer` show `user:***`, never the password.
 */
import type { IceServerConfig } from "./types.ts";

const DEFAULT_PORT = { stun: 3478, turn: 3478, turns: 5349 } as const;
type Scheme = keyof typeof DEFAULT_PORT;
/** Upper bound for one URL: flags come from operators, TURN lists from a remote server. */
const MAX_URL_LENGTH = 1024;

export class IceConfigError extends TypeError {
  override name = "IceConfigError";
}

/**
 * Parses one STUN/TURN URL into the WebRTC `RTCIceServer` shape werift reads
 * (`{ urls: "turn:host:port?transport=tcp", username, credential }`). Throws
 * `IceConfigError` with a message that never contains the password.
 */
export function parseIceServerUrl(input: string): IceServerConfig {
  const s = input.trim();
  const shown = redactIceUrl(s);
  if (s.length === 0 || s.length > MAX_URL_LENGTH) throw new IceConfigError(`ICE server URL '${shown}': empty or longer than ${MAX_URL_LENGTH} characters`);
  const m = /^(stun|turns?):(?:\/\/)?([^?#]*)(?:\?([^#]*))?$/i.exec(s);
  if (!m) throw new IceConfigError(`ICE server URL '${shown}': expected stun:, turn: or turns:`);
  const scheme = m[1]!.toLowerCase() as Scheme;
  const rest = m[2]!;
  // The host never contains '@', the password might (unencoded): split at the last one.
  const at = rest.lastIndexOf("@");
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const { host, port } = parseHostPort(at >= 0 ? rest.slice(at + 1) : rest, DEFAULT_PORT[scheme], shown);
  const transport = parseTransport(m[3], scheme, shown);
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${port}`;

  if (scheme === "stun") {
    if (userinfo !== undefined) throw new IceConfigError(`ICE server URL '${shown}': STUN takes no credentials`);
    if (transport !== undefined) throw new IceConfigError(`ICE server URL '${shown}': STUN takes no transport`);
    return { urls: `stun:${hostPort}` };
  }
  if (userinfo === undefined) throw new IceConfigError(`ICE server URL '${shown}': TURN needs user:password@ before the host`);
  const colon = userinfo.indexOf(":");
  if (colon <= 0 || colon === userinfo.length - 1) throw new IceConfigError(`ICE server URL '${shown}': TURN needs a non-empty user and password`);
  const username = decode(userinfo.slice(0, colon), "user", shown);
  const credential = decode(userinfo.slice(colon + 1), "password", shown);
  const suffix = transport === "tcp" && scheme === "turn" ? "?transport=tcp" : "";
  return { urls: `${scheme}:${hostPort}${suffix}`, username, credential };
}

/** Builds the inline form from a URL without credentials plus user and password (TURN lists). */
export function withCredentials(url: string, username: string, credential: string): string {
  const m = /^(turns?:)(?:\/\/)?(.*)$/i.exec(url.trim());
  if (!m) return url;
  return `${m[1]}${encodeURIComponent(username)}:${encodeURIComponent(credential)}@${m[2]}`;
}

/** A URL with its password replaced by `***`, for logs and error messages. */
export function redactIceUrl(url: string): string {
  const m = /^([a-z]+:(?:\/\/)?)([^?#]*)@/i.exec(url);
  const shown = m ? `${m[1]}${m[2]!.split(":")[0]}:***@${url.slice(m[0].length)}` : url;
  return shown.length > 120 ? `${shown.slice(0, 120)}…` : shown;
}

/** One server as it may be logged: URL and user name, no credential. */
export function describeIceServer(server: IceServerConfig): string {
  return server.username === undefined ? server.urls : `${server.urls} (user ${server.username})`;
}

function parseHostPort(hostPort: string, defaultPort: number, shown: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(hostPort);
  if (!m) throw new IceConfigError(`ICE server URL '${shown}': bad host or port`);
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65535) throw new IceConfigError(`ICE server URL '${shown}': port ${port} out of range`);
  return { host: (m[1] ?? m[2])!, port };
}

function parseTransport(query: string | undefined, scheme: Scheme, shown: string): "udp" | "tcp" | undefined {
  if (query === undefined || query === "") return undefined;
  const params = new URLSearchParams(query);
  const transport = params.get("transport")?.toLowerCase();
  if ([...params.keys()].length !== 1 || (transport !== "udp" && transport !== "tcp")) {
    throw new IceConfigError(`ICE server URL '${shown}': only ?transport=udp or ?transport=tcp is understood`);
  }
  // TLS always runs over TCP (RFC 7065 §3.1): turns: with transport=udp is invalid.
  if (scheme === "turns" && transport === "udp") throw new IceConfigError(`ICE server URL '${shown}': turns: cannot use transport=udp`);
  return transport;
}

function decode(s: string, what: string, shown: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new IceConfigError(`ICE server URL '${shown}': bad percent-encoding in the ${what}`);
  }
}
