/**
 * `room-recorder signaler --metrics-port` as a real process over a real nats-server: /metrics
 * shows the socket joined and the roster size, /readyz follows the room join, and a port that
 * is taken is a configuration error (exit 42), not a signaler running blind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { EXIT_CONFIG } from "../src/config/errors.ts";
import { freePort } from "./harness/freePort.ts";
import { startNats } from "./harness/nats.ts";
import { startPublisherProcess } from "./harness/publisher.ts";
import { startRelayProcess } from "./harness/relay.ts";
import { startRole } from "./harness/roleProcess.ts";
import { waitFor } from "./harness/wait.ts";

const WAIT_MS = 45_000;
const ROOM = "sigmetrics";

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test("signaler --metrics-port - /metrics follows the room (joined, roster size), /readyz and /healthz 200, closed with the signaler", async () => {
  await using nats = await startNats();
  await using relay = await startRelayProcess();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await using signaler = startRole("signaler", ["--nats", nats.url, "--room", ROOM, "--server", relay.url, "--metrics-port", String(port)]);
  await using publisher = await startPublisherProcess({ server: relay.url, room: ROOM, streamId: "cam_m" });
  try {
    const text = await waitFor(async () => {
      const body = await fetch(`${base}/metrics`).then((r) => r.text(), () => "");
      return sample(body, "rr_signaler_roster_streams") === 1 && body;
    }, WAIT_MS, "roster of one stream in /metrics");
    assert.equal(sample(text, "rr_signaler_socket_connected"), 1);
    assert.ok((sample(text, 'rr_signaler_messages_out_total{type="joinroom"}') ?? 0) >= 1, text);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal(await signaler.stop(), 0);
    await assert.rejects(fetch(`${base}/healthz`), "the endpoint is closed with the signaler");
  } catch (err) {
    process.stderr.write(`signaler stderr (tail):\n${signaler.stderr().slice(-3000)}\n`);
    throw err;
  }
});

test("signaler --metrics-port - a port already taken exits 42 with the reason", async () => {
  await using nats = await startNats();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "0.0.0.0", resolve));
  try {
    const { port } = taken.address() as { port: number };
    await using signaler = startRole("signaler", ["--nats", nats.url, "--room", ROOM, "--server", "ws://127.0.0.1:9", "--metrics-port", String(port)]);
    assert.equal(await waitFor(() => signaler.exit, WAIT_MS, "signaler exit"), EXIT_CONFIG);
    assert.match(signaler.stderr(), /--metrics-port \d+: .*EADDRINUSE/);
  } finally {
    taken.close();
  }
});
