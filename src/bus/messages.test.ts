import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFromWorker } from "./messages.ts";

test("messages - ready carries an optional rearm count; a bad one drops the message", () => {
  const ready = { type: "ready", key: "cam", instance: "w1" };
  assert.deepEqual(parseFromWorker(ready), ready);
  assert.deepEqual(parseFromWorker({ ...ready, rearm: 2 }), { ...ready, rearm: 2 });
  for (const rearm of [-1, 1.5, "2", null, Number.MAX_VALUE]) {
    assert.equal(parseFromWorker({ ...ready, rearm }), undefined, `rearm ${String(rearm)}`);
  }
});
