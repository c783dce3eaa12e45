import { readFileSync } from "node:fs";
import { DEFAULT_PASSWORD } from "../protocol/defaults.ts";
import { UsageError } from "./errors.ts";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The room password of a role that runs as a service (signaler, worker): from `--no-password`,
 * `--password-file` or the environment (`RR_PASSWORD`, `ROOM_PASSWORD` from a Secret), never
 * from a flag value that `ps` would show. As typed: each role normalizes it (spec §3.1/§3.2).
 */
export function roomPassword(none: boolean, file: string | undefined, env: Env): string | false {
  const fromEnv = env.RR_PASSWORD ?? env.ROOM_PASSWORD;
  if ([none, file !== undefined, fromEnv !== undefined].filter(Boolean).length > 1) {
    throw new UsageError("'no-password','password-file','RR_PASSWORD/ROOM_PASSWORD' are mutually exclusive");
  }
  if (none) return false;
  let value = fromEnv;
  if (file !== undefined) {
    try {
      value = readFileSync(file, "utf8").trim();
    } catch (err) {
      throw new UsageError(`--password-file: cannot read ${file}: ${(err as Error).message}`);
    }
  }
  if (value === undefined || value === "") return DEFAULT_PASSWORD;
  return ["false", "0", "off"].includes(value.toLowerCase()) ? false : value;
}
