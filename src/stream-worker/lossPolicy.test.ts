import { test } from "node:test";
import assert from "node:assert/strict";
import { afterLoss, DEFAULT_LOSS_POLICY, type Loss, type LossDecision } from "./lossPolicy.ts";

test("loss policy - ask again 3 times at 2/4/8 s, then end; a stable connection resets the budget", () => {
  const ask = (attempt: number, delayMs: number): LossDecision => ({ action: "ask-again", attempt, of: 3, delayMs });
  const rows: [string, Loss, LossDecision][] = [
    ["first loss of a connection that never came up", { attempts: 0 }, ask(1, 2000)],
    ["first loss after 5 s of media", { attempts: 0, connectedForMs: 5000 }, ask(1, 2000)],
    ["the first request brought no offer", { attempts: 1 }, ask(2, 4000)],
    ["the second reconnection dropped again after 10 s", { attempts: 2, connectedForMs: 10_000 }, ask(3, 8000)],
    ["budget spent", { attempts: 3 }, { action: "end", attempts: 3 }],
    ["budget spent, connection up just under the stable time", { attempts: 3, connectedForMs: 29_999 }, { action: "end", attempts: 3 }],
    ["budget spent, but the last connection was stable: a new streak", { attempts: 3, connectedForMs: 30_000 }, ask(1, 2000)],
    ["mid-streak, stable connection: back to the first delay", { attempts: 2, connectedForMs: 60_000 }, ask(1, 2000)],
  ];
  for (const [name, loss, want] of rows) assert.deepEqual(afterLoss(DEFAULT_LOSS_POLICY, loss), want, name);
});

test("loss policy - a budget of 0 ends at the first loss (the old behaviour)", () => {
  assert.deepEqual(afterLoss({ ...DEFAULT_LOSS_POLICY, maxAttempts: 0 }, { attempts: 0, connectedForMs: 120_000 }), { action: "end", attempts: 0 });
});
