/**
 * `--include` / `--exclude` on BASE stream ids (spec §8.2: never on the hash-suffixed wire
 * form, Raspberry.Ninja's mistake, spec §6.7). Exact match; `*` matches any run of characters.
 * Shared by the signaler (to stay silent about excluded streams) and the supervisors.
 */
import type { StreamFilters } from "./types.ts";

export const NO_FILTERS: StreamFilters = Object.freeze({ include: Object.freeze([]), exclude: Object.freeze([]) });

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "su");
}

/** Compile once; the result decides for one base stream id. */
export function compileStreamFilters(filters: StreamFilters): (baseStreamId: string) => boolean {
  const include = filters.include.map(globToRegExp);
  const exclude = filters.exclude.map(globToRegExp);
  return (id) => (include.length === 0 || include.some((r) => r.test(id))) && !exclude.some((r) => r.test(id));
}
