import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { test } from "node:test";
import { Counter, Gauge, Registry, type OpenMetricsContentType } from "prom-client";
import { startHttpEndpoint } from "./httpEndpoint.ts";

function registryWith(): { registry: Registry; counter: Counter; gauge: Gauge } {
  const registry = new Registry();
  const counter = new Counter({ name: "rr_test_a_total", help: "a", registers: [registry] });
  const gauge = new Gauge({ name: "rr_test_b", help: "b", labelNames: ["state"], registers: [registry] });
  return { registry, counter, gauge };
}

test("httpEndpoint - /metrics concatenates every registry, including metrics registered after start", async () => {
  const a = registryWith();
  const b = new Registry();
  await using endpoint = await startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [a.registry, b] });
  a.counter.inc(3);
  a.gauge.set({ state: "recording" }, 2);
  new Counter({ name: "rr_test_late_total", help: "late", registers: [b] }).inc();
  const res = await fetch(`${endpoint.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /^rr_test_a_total 3$/m);
  assert.match(text, /^rr_test_b\{state="recording"\} 2$/m);
  assert.match(text, /^rr_test_late_total 1$/m);
  // Families from two registries must stay separate lines (text format needs line breaks).
  assert.doesNotMatch(text, /\d# HELP/);
});

test("httpEndpoint - /healthz and /readyz follow their callbacks; unknown paths 404, POST 405", async () => {
  let ready = false;
  let healthy = true;
  await using endpoint = await startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [new Registry()], ready: () => ready, healthy: () => healthy });
  assert.equal((await fetch(`${endpoint.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${endpoint.url}/readyz`)).status, 503);
  ready = true;
  healthy = false;
  assert.equal((await fetch(`${endpoint.url}/readyz?verbose`)).status, 200);
  assert.equal((await fetch(`${endpoint.url}/healthz`)).status, 503);
  assert.equal((await fetch(`${endpoint.url}/`)).status, 404);
  assert.equal((await fetch(`${endpoint.url}/metrics/../etc`)).status, 404);
  assert.equal((await fetch(`${endpoint.url}/metrics`, { method: "POST" })).status, 405);
});

test("httpEndpoint - defaults are healthy and ready", async () => {
  await using endpoint = await startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [new Registry()] });
  assert.equal((await fetch(`${endpoint.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${endpoint.url}/readyz`)).status, 200);
});

test("httpEndpoint - close() is idempotent, frees the port and ends keep-alive connections", async () => {
  const endpoint = await startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [new Registry()] });
  // A keep-alive connection left open, as a scraper does.
  await new Promise<void>((resolve, reject) => {
    const req = request(`${endpoint.url}/healthz`, { agent: new Agent({ keepAlive: true }) }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end();
  });
  await Promise.all([endpoint.close(), endpoint.close()]);
  await endpoint.close();
  assert.equal(endpoint.server.listening, false);
  await assert.rejects(fetch(`${endpoint.url}/healthz`));
  // The same port can be bound again.
  await using again = await startHttpEndpoint({ port: endpoint.port, host: "127.0.0.1", registries: [new Registry()] });
  assert.equal(again.port, endpoint.port);
});

test("httpEndpoint - a port in use rejects; no registry or mixed formats is a TypeError", async () => {
  await using first = await startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [new Registry()] });
  await assert.rejects(startHttpEndpoint({ port: first.port, host: "127.0.0.1", registries: [new Registry()] }), /EADDRINUSE/);
  await assert.rejects(startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [] }), TypeError);
  const open = new Registry<OpenMetricsContentType>();
  open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  await assert.rejects(startHttpEndpoint({ port: 0, host: "127.0.0.1", registries: [new Registry(), open] }), TypeError);
});
