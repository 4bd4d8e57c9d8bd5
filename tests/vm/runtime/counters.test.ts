// Runtime safety: the per-program counters. /proc/PID/fdinfo of a native
// program counts invocations, panics and watchdog stops exactly (iu_invocations,
// iu_panics, iu_stops, iu_disabled); the loader's `stats()` and `iu prog list` show the
// same numbers; with kernel.iu_fault_limit = N the program is disabled after N faults (it
// returns the hook default, counts a recursion miss, logs "disabled after N faults" once).
// Programs: tests/vm/runtime/native/rt_faults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { progListRow, progListTable } from "../../../src/cli/prog.js";
import { BpfProgram, IuObject } from "../../../src/loader/index.js";
import { iuJson } from "../loader/util.js";
import {
  LogMark,
  XDP_ABORTED,
  XDP_PASS,
  assertHealthy,
  bpffsDir,
  counters,
  faultLines,
  fdinfo,
  frame,
  hasFaultLimit,
  image,
  logFlooded,
  logWindow,
  needsWatchdog,
  skipUnlessVm,
  startWorker,
  withBudget,
  withFaultLimit,
} from "./util.js";

const skip = skipUnlessVm || needsWatchdog;

interface ListRow {
  id: number;
  name: string;
  invocations: number | null;
  panics: number | null;
  stops: number | null;
  disabled: boolean | null;
  recursionMisses: number | null;
}

test(
  "fdinfo counts invocations, panics and stops exactly; stats() and iu prog list agree",
  { skip },
  async () => {
    const o = IuObject.open(image("rt_faults")).load({ programs: ["rt_panic", "rt_loop"] });
    try {
      const panic = o.program("rt_panic");
      const loop = o.program("rt_loop");
      const info = fdinfo(panic.fd);
      for (const k of ["iu_invocations", "iu_panics", "iu_stops", "iu_disabled", "recursion_misses"])
        assert.equal(info[k], "0", `fresh program: ${k} is 0 (fdinfo: ${JSON.stringify(info)})`);

      for (let i = 0; i < 5; i++) assert.equal(panic.testRun({ data: frame(0) }).retval, XDP_PASS);
      assert.equal(panic.testRun({ data: frame(1, 1), repeat: 3 }).retval, XDP_ABORTED);
      assert.equal(loop.testRun({ data: frame(0) }).retval, XDP_PASS);
      await withBudget(20, () => {
        // Helper loops: the stop does not depend on the NMI path (watchdog.test.ts checks it).
        assert.equal(loop.testRun({ data: frame(2) }).retval, XDP_ABORTED);
        assert.equal(loop.testRun({ data: frame(2) }).retval, XDP_ABORTED);
      });
      logFlooded();

      const want = {
        rt_panic: { invocations: 8, panics: 3, stops: 0, disabled: 0, misses: 0 },
        rt_loop: { invocations: 3, panics: 0, stops: 2, disabled: 0, misses: 0 },
      };
      for (const p of [panic, loop]) {
        const w = want[p.name as keyof typeof want];
        const c = counters(p)!;
        assert.deepEqual(
          {
            invocations: c.invocations,
            panics: c.panics,
            stops: c.stops,
            disabled: c.disabled,
            misses: c.misses,
          },
          w,
          `${p.name}: fdinfo`,
        );
        const s = p.stats();
        assert.deepEqual(
          [s.invocations, s.panics, s.stops, s.disabled, s.recursionMisses],
          [w.invocations, w.panics, w.stops, false, 0],
          `${p.name}: BpfProgram.stats()`,
        );
      }

      // iu prog list (another process: it opens the programs by id).
      const rows = iuJson<ListRow[]>("prog", "list");
      for (const p of [panic, loop]) {
        const w = want[p.name as keyof typeof want];
        const row = rows.find((r) => r.id === p.id);
        assert.ok(row, `iu prog list --json shows program ${p.id}`);
        assert.deepEqual(
          [row.invocations, row.panics, row.stops, row.disabled, row.recursionMisses],
          [w.invocations, w.panics, w.stops, false, 0],
          `iu prog list --json: ${p.name}`,
        );
      }
      // The table the same command prints (in this process: a second CLI start costs
      // minutes on the debug kernel under TCG).
      const table = progListTable(BpfProgram.list().map(progListRow));
      assert.match(table, /INVOCATIONS/);
      const line = table.split("\n").find((l) => new RegExp(`^${panic.id}\\s`).test(l));
      assert.ok(line, table);
      assert.match(line, /\brt_panic\b.*\s8\s+3\s+0\s+no\s+0\s/, `table row of rt_panic: ${line}`);
    } finally {
      o.close();
    }
  },
);

test(
  "kernel.iu_fault_limit = 3: disabled after 3 faults, then returns the default and counts misses",
  { skip: skip || (!hasFaultLimit && "no /proc/sys/kernel/iu_fault_limit") },
  async () => {
    await logWindow(4);
    await withFaultLimit(3, async () => {
      const o = IuObject.open(image("rt_faults")).load({ programs: ["rt_panic"] });
      try {
        const p = o.program("rt_panic");
        const mark = new LogMark();
        assert.equal(p.testRun({ data: frame(0) }).retval, XDP_PASS);
        for (let i = 0; i < 3; i++) assert.equal(p.testRun({ data: frame(1, i) }).retval, XDP_ABORTED);
        let c = counters(p)!;
        assert.equal(c.panics, 3);
        assert.equal(c.disabled, 1, "iu_disabled after 3 faults");
        assert.equal(
          p.testRun({ data: frame(0) }).retval,
          XDP_ABORTED,
          "a disabled program returns the default",
        );
        assert.equal(p.testRun({ data: frame(1, 9), repeat: 4 }).retval, XDP_ABORTED);
        c = counters(p)!;
        assert.equal(c.invocations, 4, "a disabled program does not run");
        assert.equal(c.panics, 3, "no more panics");
        assert.equal(c.misses, 5, "every refused run is a recursion miss");
        const log = mark.since();
        const lines = faultLines(log, "rt_panic");
        assert.equal(lines.filter((l) => / disabled after 3 faults/.test(l)).length, 1, log);
        assert.equal(lines.filter((l) => /panicked at/.test(l)).length, 3, log);
        assertHealthy(log);
        assert.equal(iuJson<ListRow[]>("prog", "list").find((r) => r.id === p.id)?.disabled, true);
      } finally {
        o.close();
      }
      // A new load of the same image starts enabled.
      const o2 = IuObject.open(image("rt_faults")).load({ programs: ["rt_panic"] });
      try {
        assert.equal(o2.program("rt_panic").testRun({ data: frame(0) }).retval, XDP_PASS);
      } finally {
        o2.close();
      }
    });
  },
);

test(
  "a program disabled on one CPU stops running on the others too (their entry stubs refuse it)",
  { skip: skip || (!hasFaultLimit && "no /proc/sys/kernel/iu_fault_limit") },
  async () => {
    await logWindow(4);
    await withFaultLimit(3, async () => {
      const o = IuObject.open(image("rt_faults")).load({ programs: ["rt_panic"] });
      const dir = bpffsDir("iu-rt-disable");
      // The faults come from CPU 0, the runs that must stop from CPU 1.
      spawnSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)]);
      try {
        const p = o.program("rt_panic");
        p.pin(join(dir, "xdp"));
        const w = startWorker(1, 15, ["xdp", join(dir, "xdp"), "15", frame(0).toString("hex")]);
        await w.ready;
        w.go();
        // its first runs: within a second on the default kernel, later under KASAN
        for (let i = 0; i < 50 && !counters(p)!.invocations; i++) await sleep(200);
        assert.ok(counters(p)!.invocations > 0, "the other CPU runs the program");
        for (let i = 0; i < 3; i++) assert.equal(p.testRun({ data: frame(1, i) }).retval, XDP_ABORTED);
        await sleep(500);
        const c1 = counters(p)!;
        await sleep(1500);
        const c2 = counters(p)!;
        const r = await w.done;
        assert.equal(r.cpu, 1, "the worker ran on CPU 1");
        assert.equal(c1.disabled, 1);
        assert.equal(c2.invocations, c1.invocations, "no invocation after the program was disabled");
        assert.ok(c2.misses > c1.misses, "the other CPU's runs are refused and counted");
        assert.ok(r.wrong > 0, "the other CPU saw the default returned");
      } finally {
        spawnSync("taskset", ["-a", "-p", "-c", `0-${cpus().length - 1}`, String(process.pid)]);
        o.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
