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
import { execFile, execFileSync } from "node:child_process";
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

// ---- the images as infra/images builds them (buildah, no Docker engine) ----

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const script = (name: string): string => readFileSync(join(ROOT, "infra/images", name), "utf8");

/** Docker's normalization of an image reference: a bare name is docker.io/library/NAME. */
function normalizeRef(ref: string): string {
  const first = ref.split("/")[0]!;
  if (!ref.includes("/")) return `docker.io/library/${ref}`;
  if (!first.includes(".") && !first.includes(":") && first !== "localhost") return `docker.io/${ref}`;
  return ref;
}

test("image - app.sh's content stamp covers every path .dockerignore lets into the build context", () => {
  const admitted = readFileSync(join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("!"))
    .map((l) => l.slice(1).replace(/\/+$/, ""));
  const context = /^CONTEXT=\(([^)]*)\)$/m.exec(script("app.sh"))?.[1]?.split(/\s+/) ?? [];
  for (const path of [...admitted, ".dockerignore"]) assert.ok(context.includes(path), `app.sh CONTEXT lacks ${path} (${context.join(" ")})`);
});

test("image - the Dockerfiles' bases are the images infra/images builds, at the pinned Node and the package version", () => {
  const worker = readFileSync(join(ROOT, "Dockerfile.worker"), "utf8");
  const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(worker)?.[1] ?? "";
  const baseTag = /^TAG=(\S+)$/m.exec(script("base.sh"))?.[1];
  assert.equal(normalizeRef(nodeImage), baseTag, "FROM ${NODE_IMAGE} must resolve to the image base.sh tags");
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const nodeMajor = lock.packages["node_modules/node"]?.version?.split(".")[0];
  assert.equal(/^node:(\d+)-slim$/.exec(nodeImage)?.[1], nodeMajor, "the base image's Node major is the one the lock file pins (base.sh copies that binary)");
  // app.sh names the worker image $REPO/room-recorder:$VERSION; the other two build FROM it.
  const app = script("app.sh");
  const repo = /^REPO=\$\{IMAGE_REPO:-([^}]+)\}$/m.exec(app)?.[1];
  assert.match(app, /^WORKER="\$REPO\/room-recorder:\$VERSION"$/m);
  for (const f of ["Dockerfile.operator", "Dockerfile.signaler"]) {
    const base = /^ARG BASE_IMAGE=(\S+)$/m.exec(readFileSync(join(ROOT, f), "utf8"))?.[1];
    assert.equal(base, `${repo}/room-recorder:${pkg.version}`, `${f}'s default BASE_IMAGE is the worker image at package.json's version`);
  }
});

/** Why the built images can't be run here, or false. */
function builtImagesMissing(): string | false {
  if (process.getuid?.() !== 0) return "running the built images needs root (podman with buildah's storage)";
  try {
    execFileSync("podman", ["image", "exists", `ghcr.io/room-recorder/room-recorder:${pkg.version}`], { stdio: "ignore" });
  } catch {
    return `podman or ghcr.io/room-recorder/room-recorder:${pkg.version} missing (build it: infra/images/all.sh)`;
  }
  return false;
}

// This VM's root may not raise rlimits (no CAP_SYS_RESOURCE) and podman's defaults ask for more:
// lower ones. No network: podman's default one would add its bridge (10.88.0.0/16) and rules
// beside the real node's.
const PODMAN_RUN = ["run", "--rm", "--network", "none", "--ulimit", "nofile=16384:16384", "--ulimit", "nproc=8192:8192", "--no-healthcheck", "--read-only", "--tmpfs", "/tmp"];

test("image - the built images run as uid 1000 on a read-only root, each role from its entrypoint, werift with our patches", { skip: builtImagesMissing() }, async () => {
  const image = (name: string) => `ghcr.io/room-recorder/${name}:${pkg.version}`;
  const podman = async (...args: string[]) => (await execFileP("podman", args, { maxBuffer: 16 << 20 })).stdout;
  for (const [name, role] of [["room-recorder", "worker"], ["operator", "operator"], ["signaler", "signaler"]] as const) {
    const [config] = JSON.parse(await podman("image", "inspect", image(name))) as { Config: { User: string; Entrypoint: string[] } }[];
    assert.equal(config!.Config.User, "1000:1000", name);
    assert.deepEqual(config!.Config.Entrypoint, ["node", "src/cli/main.ts", role], name);
    assert.match(await podman(...PODMAN_RUN, image(name), "--help"), new RegExp(`^Usage: room-recorder ${role}`), name);
  }
  // The operator's pods run `room-recorder <role>` from PATH.
  assert.match(await podman(...PODMAN_RUN, "--entrypoint", "room-recorder", image("room-recorder"), "signaler", "--help"), /^Usage: room-recorder signaler/);
  const probe = `
    await import("werift");
    const fs = await import("node:fs");
    let rootWrite = "allowed";
    try { fs.writeFileSync("/app/probe", ""); } catch (e) { rootWrite = e.code; }
    fs.writeFileSync("/tmp/probe", "");
    const index = fs.readFileSync(new URL(import.meta.resolve("werift")).pathname, "utf8");
    console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), rootWrite, index }));`;
  const seen = JSON.parse(await podman(...PODMAN_RUN, "--workdir", "/app", "--entrypoint", "node", image("room-recorder"), "--input-type=module", "-e", probe)) as {
    uid: number; gid: number; rootWrite: string; index: string;
  };
  assert.deepEqual([seen.uid, seen.gid, seen.rootWrite], [1000, 1000, "EROFS"]);
  // patch-package ran in the image: every line the patch adds is in werift's entry module.
  const added = readFileSync(join(ROOT, "patches/werift+0.25.2.patch"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("+") && !l.startsWith("+++") && l.slice(1).trim() !== "")
    .map((l) => l.slice(1));
  assert.ok(added.length > 10);
  const missing = added.filter((l) => !seen.index.includes(l));
  assert.deepEqual(missing, [], "lines of patches/werift+0.25.2.patch missing from the image's werift");
});
