/** What the bench reads of a process from /proc (Linux), and the statistics it prints. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SEC = 100;

/** User + system CPU milliseconds the process has used so far (fields 14 and 15 of stat). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * Memory only this process holds (USS: private clean + dirty pages): what one more worker
 * costs the node. RSS also counts the Node binary's code pages, which every worker shares.
 */
export function privateMiB(pid: number): number {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN);
  return (kb("Private_Clean") + kb("Private_Dirty")) / 1024;
}

/**
 * Datagrams the kernel dropped at this process's UDP sockets because their receive buffers were
 * full: packets that reached the box but that the process did not read in time (on loopback
 * nothing is lost on the wire). Counted since each socket opened; sockets already closed are
 * not counted.
 */
export function udpDrops(pid: number): number {
  const drops = new Map([...parseUdpDrops(readProc("/proc/net/udp")), ...parseUdpDrops(readProc("/proc/net/udp6"))]);
  return socketInodes(pid).reduce((n, inode) => n + (drops.get(inode) ?? 0), 0);
}

/** inode → drops, from the text of /proc/net/udp or /proc/net/udp6 (last column `drops`). */
export function parseUdpDrops(table: string): Map<number, number> {
  if (table === "") return new Map();
  const lines = table.split("\n");
  const columns = lines[0]?.trim().split(/\s+/) ?? [];
  const inodeAt = columns.indexOf("inode");
  if (inodeAt < 0 || columns.at(-1) !== "drops") throw new Error(`unexpected /proc/net/udp header: ${lines[0]}`);
  const out = new Map<number, number>();
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2) continue;
    // Rows join tx_queue:rx_queue and tr:tm->when, which the header names apart: count from the end.
    const inode = Number(f[f.length - (columns.length - inodeAt)]);
    out.set(inode, Number(f.at(-1)));
  }
  return out;
}

function socketInodes(pid: number): number[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // the process ended
  }
  const inodes: number[] = [];
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.push(Number(m[1]));
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

const readProc = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // no IPv6 on this box
  }
};

/** 1-minute load average, to print beside figures measured on a shared box. */
export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const max = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : Math.max(...xs));
