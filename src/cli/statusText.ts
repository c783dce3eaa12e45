/** `room-recorder status` without `--json`: the report as text, pure. Stranger text goes through `cell`. */
import type { StatusReport } from "../status/statusReport.ts";
import { bytes, cell, duration } from "./status-table.ts";

const COLUMNS = ["STREAM", "LABEL", "STATE", "CODECS", "RES", "KBPS", "LOST", "FILE", "DURATION", "BYTES", "DONE"] as const;

export function renderStatusReport(r: StatusReport): string {
  const rows = r.streams.map((s) => [
    cell(s.streamId),
    cell(s.label ?? ""),
    cell(s.state),
    [s.codecs.video, s.codecs.audio].filter((c) => c !== null).map((c) => cell(c, 8)).join("+") || "-",
    s.resolution ? `${s.resolution.width}x${s.resolution.height}` : "-",
    String(Math.round(s.bitrateKbps)),
    String(s.packetsLost),
    s.currentFile ? cell(s.currentFile.name, 40) : "-",
    duration(s.durationSec),
    bytes(s.bytes),
    String(s.filesFinished.length),
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const t = r.totals;
  const head = `room ${cell(r.room, 40)} · signaling ${cell(r.signaling)} · ${t.streams} stream(s), ${t.recording} recording · ${t.filesFinished} file(s) finished · ${bytes(t.bytes)}`;
  return [head, "", ...(rows.length > 0 ? [line(COLUMNS), ...rows.map(line)] : ["(no streams yet)"]), ""].join("\n");
}
