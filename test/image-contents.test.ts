/**
 * What the images hold, without a container engine: the build context `.dockerignore` lets
 * through (Docker's matching: last rule wins, a rule on a directory covers what is inside), the
 * files the Dockerfile copies, and only production dependencies (`npm ci --omit=dev`). Every
 * ENTRYPOINT of the Dockerfiles must then load its role from that tree alone: a product file that
 * imports a dev dependency (typescript, playwright-core) or a test file breaks this test, as it
 * would break the image.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { WORKER_NODE_FLAGS } from "../src/stream-worker/nodeFlags.ts";

const ROOT = resolve(import.meta.dirname, "..");
const NODE = join(ROOT, "node_modules/.bin/node");
const execFileP = promisify(execFile);

/** `.dockerignore` → predicate "is this path (relative, /-separated) in the build context?". */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, "");
      const re = pattern
        .split("/")
        .map((part) => (part === "**" ? ".*" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*").replaceAll("?", "[^/]")))
        .join("/")
        .replaceAll(".*/", "(.*/)?");
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (path) => {
    const prefixes = path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const r of rules) if (prefixes.some((p) => r.re.test(p))) excluded = !r.negate;
    return !excluded;
  };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === ".git" || e.name === ".cache") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(relative(ROOT, p));
  }
  return out;
}

/** The runtime stage's /app: COPY package.json, bin, src from the context; prod node_modules. */
function stageImage(): string {
  const stage = mkdtempSync(join(tmpdir(), "rr-image-"));
  const inContext = dockerignore(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
  const copied = ["package.json", "bin/", "src/"];
  for (const file of walk(ROOT).filter(inContext)) {
    if (!copied.some((c) => (c.endsWith("/") ? file.startsWith(c) : file === c))) continue;
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(join(ROOT, file), join(stage, file));
  }
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  for (const [key, pkg] of Object.entries(lock.packages)) {
    // Top-level packages only (nested ones live inside them); `dev` ones are what --omit=dev drops.
    if (!key.startsWith("node_modules/") || key.slice("node_modules/".length).includes("node_modules/") || pkg.dev) continue;
    mkdirSync(dirname(join(stage, key)), { recursive: true });
    symlinkSync(join(ROOT, key), join(stage, key));
  }
  return stage;
}

function entrypoints(): string[][] {
  const files = readdirSync(ROOT).filter((f) => f.startsWith("Dockerfile."));
  assert.deepEqual(files.sort(), ["Dockerfile.operator", "Dockerfile.signaler", "Dockerfile.worker"]);
  const dockerfiles = files.map((f) => readFileSync(join(ROOT, f), "utf8")).join("\n");
  return [...dockerfiles.matchAll(/^ENTRYPOINT (\[.*\])$/gm)].map((m) => JSON.parse(m[1]!) as string[]);
}

test("image - the build context holds the product and none of the tests, fixtures or caches", () => {
  const inContext = dockerignore(readFileSync(join(ROOT, ".dockerignore"), "utf8"));
  const files = walk(ROOT).filter(inContext);
  assert.ok(files.includes("src/cli/main.ts") && files.includes("bin/room-recorder.js") && files.includes("package-lock.json"));
  const leaked = files.filter((f) => /\.test\.ts$/.test(f) || /^(test|fixtures|docs|deploy|scripts|tools)\//.test(f) || f.startsWith("src/operator/testing/"));
  assert.deepEqual(leaked, []);
});

test("image - every ENTRYPOINT loads its role from the image's files and production dependencies alone", async () => {
  const points = entrypoints();
  assert.deepEqual(points.map((p) => p.at(-1)).sort(), ["operator", "signaler", "worker"]);
  const stage = stageImage();
  try {
    for (const [cmd, ...args] of points) {
      assert.equal(cmd, "node");
      // `--help` loads the role's whole module graph before printing its usage (src/cli/main.ts).
      const { stdout } = await execFileP(NODE, [...args, "--help"], { cwd: stage, env: { PATH: dirname(NODE), HOME: stage } });
      assert.match(stdout, new RegExp(`^Usage: room-recorder ${args.at(-1)}`), stdout);
    }
    // The operator's pods run `room-recorder <role>` from PATH (src/operator/specs).
    const { stdout } = await execFileP(join(stage, "bin/room-recorder.js"), ["worker", "--help"], { cwd: stage, env: { PATH: dirname(NODE), HOME: stage } });
    assert.match(stdout, /^Usage: room-recorder worker/);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
});

test("image - the worker image starts node with the stream worker's V8 flags", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile.worker"), "utf8");
  const nodeOptions = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile.slice(dockerfile.indexOf("AS worker")))?.[1]?.split(" ") ?? [];
  for (const flag of WORKER_NODE_FLAGS) assert.ok(nodeOptions.includes(flag), `${flag} missing from Dockerfile.worker's NODE_OPTIONS (${nodeOptions.join(" ")})`);
});
