// An eBPF program compiled by clang (tests/fixtures/bpf), loaded by bpftool onto a map
// the loader created and pinned, attached by the loader; both sides read the same counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { attach, BpfMap, BpfProgram, parseTarget } from "../../../src/loader/index.js";
import { bpffsDir, compileFixture, getpid, iuJson, skipUnlessVm } from "./util.js";

test(
  "clang-built eBPF program on a loader-created map, attached by the loader",
  { skip: skipUnlessVm },
  () => {
    const dir = bpffsDir("iu-twin");
    const m = BpfMap.create({
      name: "counts",
      mapType: 2,
      keySize: 4,
      valueSize: 8,
      maxEntries: 1,
      flags: 0,
    });
    try {
      m.pin(join(dir, "counts"));
      const obj = compileFixture("shared_count");
      const load = spawnSync(
        "bpftool",
        ["prog", "load", obj, join(dir, "prog"), "map", "name", "counts", "pinned", join(dir, "counts")],
        { encoding: "utf8" },
      );
      assert.equal(load.status, 0, load.stderr);
      const p = BpfProgram.fromPinned(join(dir, "prog"));
      assert.equal(p.typeName, "tracepoint");
      assert.deepEqual(p.info.mapIds, [m.id]);
      const link = attach(p.fd, p.type, parseTarget("tracepoint:syscalls/sys_enter_getpid"));
      for (let i = 0; i < 20; i++) getpid();
      link.close();
      const n = m.lookup(Buffer.alloc(4))!.readBigUInt64LE();
      assert.ok(n >= 20n, `count ${n}`);
      const dump = iuJson<{ entries: { value: { int: string } }[] }>("map", "dump", join(dir, "counts"));
      assert.equal(dump.entries[0].value.int, n.toString());
      p.close();
    } finally {
      m.close();
      rmSync(dir, { recursive: true });
    }
  },
);
