import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enableCompileCache } from "./compileCache.ts";

test("compile cache - exported to children, which fill it with their .ts modules; off when disabled", () => {
  const dir = mkdtempSync(join(tmpdir(), "rr-compile-cache-"));
  try {
    const env: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: dir };
    assert.equal(enableCompileCache(env), dir);
    assert.equal(env.NODE_COMPILE_CACHE, dir);
    // A child started with that environment caches what it compiles, type-stripped TS included.
    execFileSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(new URL("./command.ts", import.meta.url).href)})`], {
      env: { ...process.env, ...env },
    });
    const entries = readdirSync(dir, { recursive: true });
    assert.ok(entries.length > 0, "the child wrote cache entries");

    const off: NodeJS.ProcessEnv = { NODE_DISABLE_COMPILE_CACHE: "1" };
    assert.equal(enableCompileCache(off), undefined);
    assert.equal(off.NODE_COMPILE_CACHE, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile cache - without NODE_COMPILE_CACHE it lives under the temp dir (a pod's /tmp emptyDir: the root file system is read-only)", () => {
  const dir = mkdtempSync(join(tmpdir(), "rr-pod-tmp-"));
  try {
    const script = `import(${JSON.stringify(new URL("./compileCache.ts", import.meta.url).href)}).then((m) => process.stdout.write(String(m.enableCompileCache())))`;
    const env = { PATH: process.env.PATH ?? "", HOME: dir, TMPDIR: dir };
    const chosen = execFileSync(process.execPath, ["--input-type=module", "-e", script], { env, encoding: "utf8" });
    assert.ok(chosen.startsWith(`${dir}/`), chosen);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
