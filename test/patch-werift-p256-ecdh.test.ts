/**
 * patches/werift+0.25.2.patch, "ECDHE on P-256 with node:crypto" (patches/README.md): two werift
 * peers whose DTLS key exchange is forced onto secp256r1 (werift and browsers pick x25519 first)
 * connect and exchange data, and @noble/curves is never loaded.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

test("werift patch - a DTLS handshake on P-256 completes and carries data, without @noble/curves", async () => {
  // A fresh process: the curve order is reordered in place (werift's server takes the client's
  // first curve), which must not leak into other tests.
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { RTCPeerConnection, NamedCurveAlgorithm, NamedCurveAlgorithmList } = await import("werift");
    NamedCurveAlgorithmList.splice(0, NamedCurveAlgorithmList.length, NamedCurveAlgorithm.secp256r1_23);
    const [a, b] = [new RTCPeerConnection(), new RTCPeerConnection()];
    const received = new Promise((resolve) => b.onDataChannel.subscribe((dc) => dc.onMessage.subscribe((m) => resolve(m.toString()))));
    const dc = a.createDataChannel("test");
    const opened = new Promise((resolve) => dc.stateChanged.subscribe((s) => s === "open" && resolve()));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    await opened;
    dc.send("over P-256");
    const message = await received;
    const curves = [a, b].map((pc) => pc.sctpTransport.dtlsTransport.dtls.cipher.localKeyPair.curve);
    console.log(JSON.stringify({ message, curves, noble: loaded.some((u) => u.includes("/@noble/")) }));
    process.exit(0);
  `;
  const node = `${ROOT}node_modules/.bin/node`;
  const { stdout } = await promisify(execFile)(node, ["--input-type=module", "-e", script], { cwd: ROOT, timeout: 60_000 });
  const r = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { message: string; curves: number[]; noble: boolean };
  assert.equal(r.message, "over P-256");
  assert.deepEqual(r.curves, [23, 23]);
  assert.equal(r.noble, false);
});
