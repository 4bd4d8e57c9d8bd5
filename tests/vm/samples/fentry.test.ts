// samples/fentry and its eBPF twin: fentry and fexit on do_unlinkat print the same lines
// (pid, file name, result) for the same unlinks: one of a file that exists (ret 0) and
// one of a file that does not (ret -2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { unlinkSync, writeFileSync } from "node:fs";
import { attach, parseTarget, TraceReader, type Link } from "../../../src/loader/index.js";
import { getpid, loadNative, loadTwin, skipUnlessVm } from "./util.js";

test(
  "fentry: native and eBPF twin print the same lines for the same unlinks",
  { skip: skipUnlessVm },
  async () => {
    const pid = getpid();
    const seen: Record<string, string[]> = {};
    for (const side of ["native", "twin"] as const) {
      const reader = new TraceReader({ pollMs: 20 });
      reader.readAvailable();
      const obj = side === "native" ? loadNative("fentry") : undefined;
      const twin = side === "twin" ? loadTwin("fentry") : undefined;
      const links: Link[] = [];
      try {
        if (obj) obj.attach();
        if (twin)
          for (const [prog, target] of [
            ["do_unlinkat", "fentry:do_unlinkat"],
            ["do_unlinkat_exit", "fexit:do_unlinkat"],
          ])
            links.push(attach(twin.prog(prog).fd, twin.prog(prog).type, parseTarget(target)));
        const file = `/tmp/iu-fentry-${side}`;
        writeFileSync(file, "x");
        unlinkSync(file);
        assert.throws(() => unlinkSync(`${file}-missing`), /ENOENT/);
        const lines = await reader.collect(5000, (l) => l.message.includes(`${file}-missing, ret`));
        seen[side] = lines
          .filter((l) => l.message.includes(`pid = ${pid},`))
          .map((l) => l.message.trim().replace(`iu-fentry-${side}`, "iu-fentry-SIDE"));
      } finally {
        for (const l of links) l.close();
        obj?.close();
        twin?.close();
        reader.close();
      }
    }
    const f = "/tmp/iu-fentry-SIDE";
    assert.deepEqual(seen.native, [
      `fentry: pid = ${pid}, filename = ${f}`,
      `fexit: pid = ${pid}, filename = ${f}, ret = 0`,
      `fentry: pid = ${pid}, filename = ${f}-missing`,
      `fexit: pid = ${pid}, filename = ${f}-missing, ret = -2`,
    ]);
    assert.deepEqual(seen.native, seen.twin);
  },
);
