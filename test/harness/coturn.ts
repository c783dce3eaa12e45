/**
 * A real TURN server for the tests: Debian's coturn (`turnserver`) on loopback with one static
 * long-term-credential user, no TLS, and its log captured. The log is the observable for
 * "media went through the relay": coturn logs every allocation, every peer permission and, when
 * a session closes, its `usage:` byte counters.
 */
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { inNetns } from "./netns.ts";
import { waitFor } from "./wait.ts";

export interface Coturn {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  /** `turn:user:pass@127.0.0.1:port` (UDP to the server), the form `--turn` takes. */
  readonly url: string;
  /** Same server over TCP (`?transport=tcp`). */
  readonly tcpUrl: string;
  /** Every log line so far. */
  logs(): readonly string[];
  /** Counters read from the log. */
  stats(): CoturnStats;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface CoturnStats {
  /** Successful ALLOCATE requests. */
  readonly allocations: number;
  /** Client connections over TCP (`turn:…?transport=tcp`). */
  readonly tcpConnections: number;
  /** Peer addresses for which a permission was created (the other side of relayed pairs). */
  readonly peers: readonly string[];
  /** Bytes the relay received from and sent to peers, from the `peer usage:` line coturn
   * writes when an allocation ends (a UDP allocation lives on for its lifetime after the
   * client is gone, so these stay 0 for UDP in a short test). */
  readonly peerReceivedBytes: number;
  readonly peerSentBytes: number;
}

export interface CoturnOptions {
  readonly username?: string;
  readonly password?: string;
  readonly realm?: string;
  /** A fixed port, e.g. to start it again where a recorder already points. @default a free loopback port */
  readonly port?: number;
  /** Addresses to listen on; the first is `host`. @default ["127.0.0.1"] */
  readonly listeningIps?: readonly string[];
  /** Address relayed candidates get. @default the machine's primary IPv4 (see below) */
  readonly relayIp?: string;
  /** Run inside this network namespace (`ip netns exec`, root only: infra/nat/). */
  readonly netns?: string;
}

/** Starts coturn (on 127.0.0.1 unless told otherwise) and resolves once its UDP listener is open. */
export async function startCoturn(opts: CoturnOptions = {}): Promise<Coturn> {
  const username = opts.username ?? "recorder";
  const password = opts.password ?? "turn-secret-pw";
  const realm = opts.realm ?? "room-recorder.test";
  const listeningIps = opts.listeningIps ?? ["127.0.0.1"];
  const host = listeningIps[0]!;
  const port = opts.port ?? (await freePort());
  const relayIp = opts.relayIp ?? primaryIpv4() ?? host;
  const dir = mkdtempSync(join(tmpdir(), "coturn-"));
  const lines: string[] = [];
  const [command, args] = inNetns(opts.netns, "turnserver", [
    "-n", // no config file: everything is on this command line
    ...listeningIps.map((ip) => `--listening-ip=${ip}`),
    `--listening-port=${port}`,
    // Relay from the machine's own address: a relay socket bound to 127.0.0.1 cannot reach
    // the publishers' host candidates on the LAN address (checks time out).
    `--relay-ip=${relayIp}`,
    // Publisher and recorder share this machine; coturn refuses loopback peers unless told.
    "--allow-loopback-peers",
    "--lt-cred-mech",
    `--user=${username}:${password}`,
    `--realm=${realm}`,
    "--no-tls",
    "--no-dtls",
    "--no-cli",
    "--fingerprint",
    "--log-file=stdout",
    "--simple-log",
    "--verbose",
    `--pidfile=${join(dir, "turnserver.pid")}`,
    // SQLite userdb is opened even with static users; keep it out of /var/lib/turn.
    `--userdb=${join(dir, "turndb")}`,
  ]);
  const proc = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => proc.once("exit", () => ((exited = true), resolve())));
  let partial = "";
  const onData = (chunk: Buffer) => {
    const text = partial + chunk.toString("utf8");
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  };
  proc.stdout.on("data", onData);
  proc.stderr.on("data", onData);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      proc.kill("SIGTERM");
      const killTimer = setTimeout(() => proc.kill("SIGKILL"), 3000);
      await exitPromise;
      clearTimeout(killTimer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => exited || lines.some((l) => l.includes(`UDP listener opened on: ${host}:${port}`)), 15_000, "coturn UDP listener");
    if (exited) throw new Error(`turnserver exited at startup:\n${lines.slice(-20).join("\n")}`);
  } catch (err) {
    await stop();
    throw err;
  }
  const enc = (s: string) => encodeURIComponent(s);
  return {
    host,
    port,
    username,
    password,
    realm,
    url: `turn:${enc(username)}:${enc(password)}@${host}:${port}`,
    tcpUrl: `turn:${enc(username)}:${enc(password)}@${host}:${port}?transport=tcp`,
    logs: () => lines,
    stats: () => parseStats(lines),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Reads allocation, connection, permission and usage lines of coturn 4.6's verbose log. */
export function parseStats(lines: readonly string[]): CoturnStats {
  let allocations = 0;
  let tcpConnections = 0;
  let peerReceivedBytes = 0;
  let peerSentBytes = 0;
  const peers = new Set<string>();
  for (const line of lines) {
    if (/ALLOCATE processed, success/.test(line)) allocations++;
    if (/tcp or tls connected to/.test(line)) tcpConnections++;
    const perm = /peer ([0-9a-fA-F.:[\]]+) lifetime updated/.exec(line);
    if (perm) peers.add(perm[1]!);
    const usage = /peer usage: .*?rb=(\d+), sp=\d+, sb=(\d+)/.exec(line);
    if (usage) {
      peerReceivedBytes += Number(usage[1]);
      peerSentBytes += Number(usage[2]);
    }
  }
  return { allocations, tcpConnections, peers: [...peers], peerReceivedBytes, peerSentBytes };
}

/** The first non-internal IPv4 address: what werift and Chromium use as host candidates. */
function primaryIpv4(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/** A port free for both UDP and TCP on loopback (coturn listens on both). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket("udp4");
      sock.once("error", () => resolve(false));
      sock.bind(port, "127.0.0.1", () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error("no free UDP+TCP port on 127.0.0.1");
}
