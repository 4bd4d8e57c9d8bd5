// The one loop behind `iu trace`, `iu map events` and the foreground of `iu load` and
// `iu attach`: it stops on SIGINT, SIGTERM or the timeout, keeps printing while output
// flows, and leaves no signal handler behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { streamUntilStopped } from "../../../src/cli/output.js";

// A loop that never yields hangs: let the test fail instead.
const timeout = 20_000;

const handlers = () => process.listenerCount("SIGINT") + process.listenerCount("SIGTERM");

test("a timeout stops the stream; an idle stream waits pollMs between looks", { timeout }, async () => {
  const before = handlers();
  let looks = 0;
  const t0 = Date.now();
  const why = await streamUntilStopped(() => (looks++, 0), { pollMs: 50, timeoutSeconds: 0.3 });
  const ms = Date.now() - t0;
  assert.equal(why, "timeout");
  assert.ok(ms >= 290, `stopped after ${ms} ms`);
  assert.ok(looks >= 3 && looks <= 8, `${looks} looks in ${ms} ms at one per 50 ms`);
  assert.equal(handlers(), before, "signal handlers removed");
});

for (const signal of ["SIGINT", "SIGTERM"] as const)
  test(`${signal} stops the stream instead of the process`, { timeout }, async () => {
    const before = handlers();
    let looks = 0;
    const why = await streamUntilStopped(
      () => {
        if (++looks === 3) process.kill(process.pid, signal);
        return 0;
      },
      { pollMs: 10 },
    );
    assert.equal(why, signal);
    assert.equal(handlers(), before);
  });

test("a stream that never runs dry still sees the signal and the timeout", { timeout }, async () => {
  let looks = 0;
  const why = await streamUntilStopped(
    () => {
      if (++looks === 100) process.kill(process.pid, "SIGINT");
      return 1;
    },
    { pollMs: 1000, timeoutSeconds: 10 },
  );
  assert.equal(why, "SIGINT");
  assert.ok(looks >= 100);
  const t0 = Date.now();
  assert.equal(await streamUntilStopped(() => 1, { pollMs: 1000, timeoutSeconds: 0.1 }), "timeout");
  assert.ok(Date.now() - t0 < 2000, "the timeout fires although every look printed something");
});

test("an error from drain ends the stream and removes the handlers", { timeout }, async () => {
  const before = handlers();
  await assert.rejects(
    streamUntilStopped(
      () => {
        throw new Error("ring gone");
      },
      { pollMs: 10 },
    ),
    /ring gone/,
  );
  assert.equal(handlers(), before);
});
