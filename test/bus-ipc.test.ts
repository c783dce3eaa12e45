import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Writable } from "node:stream";
import { pino } from "pino";
import { MemoryBus } from "../src/bus/MemoryBus.ts";
import { attachChild } from "../src/bus/attachChild.ts";
import { waitFor } from "./harness/wait.ts";

const CHILD = new URL("./fixtures/ipc-bus-child.ts", import.meta.url).pathname;

function capturingLog(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: "debug" }, sink), lines };
}

async function startChild(t: TestContext, hub: MemoryBus, log: pino.Logger): Promise<{ child: ChildProcess; stdout: () => string }> {
  const ready = new Promise<void>((resolve) => {
    const sub = hub.subscribe("t.ready", () => {
      sub.unsubscribe();
      resolve();
    });
  });
  const child = fork(CHILD, [], { execPath: process.execPath, stdio: ["ignore", "pipe", "inherit", "ipc"] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  attachChild(hub, child, { log, permit: ["t.>"] });
  await ready;
  return { child, stdout: () => out };
}

function nextResult(hub: MemoryBus): Promise<unknown> {
  return new Promise((resolve) => {
    const sub = hub.subscribe("t.result", (m) => {
      sub.unsubscribe();
      resolve(m.data);
    });
  });
}

test("bus over IPC - requests both ways, subscriptions cleaned up when the child exits", async (t) => {
  const { log } = capturingLog();
  const hub = new MemoryBus({ log });
  const { child } = await startChild(t, hub, log);

  // parent → child request, answered by the child's subscription
  assert.deepEqual(await hub.request("t.ping", "a", { timeoutMs: 10_000 }), { pong: "a", pid: child.pid });

  // child → parent request, answered by a hub subscriber
  hub.subscribe("t.svc", (m) => hub.respond(m, { doubled: (m.data as number) * 2 }));
  let result = nextResult(hub);
  hub.publish("t.cmd", { op: "request", subject: "t.svc", data: 21 });
  assert.deepEqual(await result, { answer: { doubled: 42 } });

  // child request nobody answers → its own BusTimeoutError
  result = nextResult(hub);
  hub.publish("t.cmd", { op: "request", subject: "t.nobody", data: 1 });
  assert.deepEqual(await result, { error: "BusTimeoutError" });

  assert.ok(hub.listenersOf("t.ping") > 0);
  child.kill("SIGKILL");
  await once(child, "exit");
  await waitFor(() => hub.listenersOf("t.ping") === 0 && hub.listenersOf("t.cmd") === 0, 10_000, "child subscriptions removed");
  await hub.close();
});

test("bus over IPC - malformed and forbidden frames from a child are logged and dropped", async (t) => {
  const { log, lines } = capturingLog();
  const hub = new MemoryBus({ log });
  const { child } = await startChild(t, hub, log);
  const leaked: unknown[] = [];
  hub.subscribe(">", (m) => {
    if (!m.subject.startsWith("t.") && !m.subject.startsWith("_INBOX.")) leaked.push(m.subject);
  });

  hub.publish("t.cmd", { op: "garbage" });
  hub.publish("t.cmd", { op: "publish", subject: "x.forbidden", data: 1 });
  await waitFor(() => lines.filter((l) => typeof l.msg === "string" && (l.msg as string).startsWith("bus: ")).length >= 8, 10_000, "drop log lines");

  const reasons = lines.map((l) => l.msg);
  assert.equal(reasons.filter((r) => r === "bus: dropped a malformed IPC frame from a child").length, 6);
  assert.equal(reasons.filter((r) => r === "bus: dropped a child's payload that is not JSON").length, 1);
  assert.equal(reasons.filter((r) => r === "bus: child may not publish to this subject").length, 1);
  // still works after the garbage
  assert.deepEqual(await hub.request("t.ping", "b", { timeoutMs: 10_000 }), { pong: "b", pid: child.pid });
  assert.deepEqual(leaked, []);
  child.kill("SIGKILL");
  await once(child, "exit");
  await hub.close();
});

test("bus over IPC - the child's bus closes with an error when the parent disconnects, and the child exits", async (t) => {
  const { log } = capturingLog();
  const hub = new MemoryBus({ log });
  const { child, stdout } = await startChild(t, hub, log);
  const exited = once(child, "exit");
  child.disconnect();
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, "no ref left once the bus closed: the process ends by itself");
  assert.equal(stdout().trim(), "closed:IPC channel to the parent closed");
  await hub.close();
});

test("bus over IPC - close() in the child flushes and lets it exit", async (t) => {
  const { log } = capturingLog();
  const hub = new MemoryBus({ log });
  const { child, stdout } = await startChild(t, hub, log);
  const exited = once(child, "exit");
  hub.publish("t.cmd", { op: "close" });
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
  assert.equal(stdout().trim(), "closed:clean");
  await hub.close();
});
