/** `room-recorder relay --tls-cert --tls-key` serves wss:// (browsers need it, spec Appendix C). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRelayClient, startRelayProcess } from "./harness/relay.ts";

function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { cert, key };
}

test("relay tls - serves wss:// with the given certificate", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "relay-tls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { cert, key } = selfSignedCert(dir);
  await using relay = await startRelayProcess({ args: ["--tls-cert", cert, "--tls-key", key] });
  assert.match(relay.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
  await using c = await connectRelayClient(relay.url, { ca: readFileSync(cert) });
  c.send({ request: "joinroom", roomid: "tls", claim: true });
  assert.deepEqual(await c.next((m) => m.request === "listing", "listing over wss"), { request: "listing", list: [], claim: true });
});

test("relay tls - a missing key file is a usage error (exit 42), not a crash", async () => {
  await assert.rejects(startRelayProcess({ args: ["--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"] }), /exited with 42/);
});
