/**
 * `node bench/profileSummary.ts FILE.cpuprofile [TOP] [SKIP_SECONDS]`: self time of a V8 CPU profile (what
 * `--cpu-prof` writes, e.g. from `npm run bench -- --quick --cpu-prof DIR`), by function and by
 * package, leaving out the first SKIP_SECONDS (start-up: module loading, type stripping, JIT),
 * so a change can be aimed at what costs and the profile quoted in docs/performance.md.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topText, skipText] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: node bench/profileSummary.ts FILE.cpuprofile [TOP] [SKIP_SECONDS]\n");
  process.exit(2);
}
const top = Number(topText ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
const skipUs = Number(skipText ?? 0) * 1e6;
let atUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  atUs += delta;
  if (atUs >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});

const pkgOf = (url: string): string => {
  if (url === "") return "(vm)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (m) return m[1] === "werift" || m[1]?.startsWith("@shinyoshiaki") ? `${m[1]}/${m[2]!.split("/").slice(0, 3).join("/")}` : m[1]!;
  if (url.startsWith("node:")) return url;
  return url.replace(/^file:\/\/.*?\/src\//, "src/");
};
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || "(anonymous)"} ${pkgOf(url)}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const pkg = pkgOf(url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  total += us;
}
const idle = [...byFunction].filter(([k]) => k.startsWith("(idle)")).reduce((s, [, v]) => s + v, 0);
const busy = total - idle;
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title} (self ms, % of ${(busy / 1000).toFixed(0)} ms busy)\n`);
  for (const [k, us] of [...m].filter(([k]) => !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
  }
};
process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(1)} s wall, ${(busy / 1000).toFixed(0)} ms busy\n`);
print("by package/file", byPackage);
print("by function", byFunction);
