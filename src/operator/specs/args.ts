/**
 * Command-line flags the pods get. One place, so the contract with `room-recorder signaler` and
 * `room-recorder worker` (src/cli/) is easy to read and to change. Secrets never go here: the room
 * password and TURN credentials travel as env from Secret references (common.ts).
 */
import type { RoomRecording } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";
import { RECORDINGS_MOUNT } from "./common.ts";

export function scopeArgs(rec: RoomRecording, settings: OperatorSettings): string[] {
  return ["--nats", settings.natsUrl, "--scope", rec.metadata.namespace, "--recording", rec.metadata.name];
}

export function roomArgs(rec: RoomRecording): string[] {
  const s = rec.spec;
  const args = ["--room", s.room];
  if (s.server) args.push("--server", s.server);
  if (s.salt) args.push("--salt", s.salt);
  if (s.noPassword) args.push("--no-password");
  return args;
}

/** `{namespace}` and `{name}` filled in; the CRD already refuses absolute paths and `..`. */
export function outputDir(rec: RoomRecording): string {
  const template = rec.spec.output?.pathTemplate ?? "{namespace}/{name}";
  const rel = template.replaceAll("{namespace}", rec.metadata.namespace).replaceAll("{name}", rec.metadata.name);
  const safe = rel.split("/").filter((p) => p !== "" && p !== "." && p !== "..").join("/");
  return safe ? `${RECORDINGS_MOUNT}/${safe}` : RECORDINGS_MOUNT;
}

export function outputArgs(rec: RoomRecording): string[] {
  const o = rec.spec.output ?? {};
  return ["--out", outputDir(rec), "--segment", String(o.segmentSeconds ?? 0), "--max-duration", String(o.maxDurationSeconds ?? 0)];
}
