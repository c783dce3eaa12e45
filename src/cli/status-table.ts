/** The live status table of `room-recorder record` on a TTY, pure: status in, text out. */
import type { StreamStatus } from "../supervisor/LocalSupervisor.ts";

export interface TableInput {
  readonly room: string;
  readonly signaling: string;
  readonly streams: readonly StreamStatus[];
  /** A problem the operator must see (wrong password, empty room). */
  readonly notice?: string;
}

const COLUMNS = ["STREAM", "LABEL", "CODECS", "RES", "KBPS", "DURATION", "BYTES", "STATE"] as const;

export function duration(sec: number): string {
  const s = Math.floor(sec);
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Stranger-chosen text on an operator's terminal: no control characters, bounded width. */
export function cell(text: string, max = 24): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function renderStatusTable(t: TableInput): string {
  const rows = t.streams.map((s) => {
    const hb = s.heartbeat;
    const codecs = [hb?.videoCodec, hb?.audioCodec].filter(Boolean).join("+");
    return [
      cell(s.streamId),
      cell(s.label ?? ""),
      codecs || "-",
      hb?.width && hb.height ? `${hb.width}x${hb.height}` : "-",
      hb ? String(Math.round(hb.bitrateKbps)) : "-",
      hb ? duration(hb.durationSec) : "-",
      hb ? bytes(hb.bytesWritten) : "-",
      s.restarts > 0 ? `${s.state} (restarts ${s.restarts})` : s.state,
    ];
  });
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const head = `room ${cell(t.room, 40)} · signaling ${t.signaling} · ${t.streams.length} stream(s)`;
  const body = rows.length > 0 ? [line(COLUMNS), ...rows.map(line)] : ["(no streams yet)"];
  return [head, ...(t.notice ? [`! ${t.notice}`] : []), "", ...body, ""].join("\n");
}
