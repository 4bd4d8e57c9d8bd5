// The SDK's half of the adversarial suite: programs in safe Rust that try to break what
// the SDK promises (a context of the wrong program type, forged map records, lock words
// copied by value, read-only maps written, padding leaked through pod_struct!, aliasing
// or escaping references, truncated sizes). One crate per case in crates/sdk-<case> (the
// other crates/ cases belong to the toolchain's suite):
//   EXPECT  the build must fail to compile, with every line of the file in the message;
//   BUILDS  the build must succeed, and the image is checked below (imageChecks);
//   UNSAFE  the case calls an SDK-internal unsafe fn: rustc refuses the call, which the
//           toolchain reports as an unsafe-code violation naming every line of the file;
//   SCAN    the case names SDK internals (`__iu...`): the policy refuses it first with the
//           rule in the file, and a second build with skipSourceScan shows the type system
//           refuses (or, with BUILDS, defuses) it on its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { build, type BuildResult, type Stage } from "../../../src/toolchain/build.js";
import { ensureSigningKey } from "../../../src/toolchain/keys.js";
import { PolicyError } from "../../../src/toolchain/policy.js";
import { IU_MAP_F_SPIN_LOCK, type ImageSpec } from "../../../src/object/image.js";

const crates = join(repoRoot, "tests", "adversarial", "crates");
const cases = readdirSync(crates, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name.startsWith("sdk-"))
  .map((d) => d.name)
  .sort();
const keyDir = mkdtempSync(join(tmpdir(), "iu-adv-sdk-"));
const key = ensureSigningKey(keyDir);
process.on("exit", () => rmSync(keyDir, { recursive: true, force: true }));

const PROG = { kprobe: 2, sched_cls: 3, tracepoint: 5, xdp: 6, perf_event: 7, raw_tracepoint: 17 };
const MAP = { hash: 1, array: 2, devmap: 14 };
const BPF_F_RDONLY_PROG = 0x80;

const lines = (dir: string, f: string): string[] =>
  readFileSync(join(dir, f), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

function attempt(
  name: string,
  skipSourceScan: boolean,
): { err?: Error; result?: BuildResult; stages: Stage[] } {
  const stages: Stage[] = [];
  const out = join(keyDir, `${name}${skipSourceScan ? "-noscan" : ""}.iu`);
  try {
    const result = build(join(crates, name), {
      env: { PATH: "/usr/bin:/bin", HOME: process.env.HOME },
      key,
      out,
      skipSourceScan,
      onStage: (s) => stages.push(s),
    });
    return { result, stages };
  } catch (e) {
    assert.ok(e instanceof Error, `${name}: threw ${String(e)}`);
    assert.ok(!stages.includes("sign"), `${name}: reached the signing step`);
    assert.ok(!existsSync(out), `${name}: wrote an image`);
    return { err: e, stages };
  }
}

const byName = (img: ImageSpec, n: string) => {
  const p = img.programs.find((x) => x.name === n);
  assert.ok(p, `no program ${n}`);
  return p;
};
const mapNamed = (img: ImageSpec, n: string) => {
  const m = img.maps.find((x) => x.name === n);
  assert.ok(m, `no map ${n}`);
  return m;
};

/** What each case that builds must look like. */
const imageChecks: Record<string, (img: ImageSpec) => void> = {
  "sdk-ctx-direct-program-macro": (img) => {
    // the raw tracepoint's attach string, but the type of the context actually built
    assert.equal(byName(img, "evil").progType, PROG.xdp);
    assert.equal(byName(img, "evil").attach, "sys_enter");
  },
  "sdk-ctx-types-from-contexts": (img) => {
    const want: [string, number, string][] = [
      ["x", PROG.xdp, ""],
      ["t", PROG.sched_cls, ""],
      ["k", PROG.kprobe, "do_sys_openat2"],
      ["kr", PROG.kprobe, "ret:do_sys_openat2"],
      ["tp", PROG.tracepoint, "syscalls/sys_enter_getpid"],
      ["rt", PROG.raw_tracepoint, "sys_enter"],
      ["pe", PROG.perf_event, "cpu-clock"],
    ];
    assert.equal(img.programs.length, want.length);
    for (const [n, type, attach] of want) {
      assert.equal(byName(img, n).progType, type, `${n}: program type`);
      assert.equal(byName(img, n).attach, attach, `${n}: attach`);
    }
  },
  "sdk-ctx-ksyscall-arg-past-six": (img) => {
    // both are KPROBE programs; the declaration's KIND: says which hook attaches them
    assert.equal(byName(img, "k").progType, PROG.kprobe);
    assert.equal(byName(img, "k").attach, "ksyscall:kill");
    assert.equal(byName(img, "u").progType, PROG.kprobe);
    assert.equal(byName(img, "u").attach, "uprobe:/usr/bin/true:main");
  },
  "sdk-lock-maps-declare-the-lock": (img) => {
    const flags = Object.fromEntries(img.maps.map((m) => [m.name, m.iuFlags]));
    assert.deepEqual(flags, { HL: IU_MAP_F_SPIN_LOCK, AL: IU_MAP_F_SPIN_LOCK, AP: 0, HP: 0 });
    // the data starts after the 4-byte bpf_spin_lock and 4 bytes of padding
    assert.equal(mapNamed(img, "HL").valueSize, 8 + 16);
    assert.equal(mapNamed(img, "AL").valueSize, 8 + 8);
    assert.equal(mapNamed(img, "HL").mapType, MAP.hash);
    assert.equal(mapNamed(img, "AL").mapType, MAP.array);
    for (const m of img.maps) assert.equal(m.flags, 0, `${m.name}: map_flags`);
    assert.deepEqual(img.programs.map((p) => p.progType).sort(), [PROG.sched_cls, PROG.xdp]);
  },
  "sdk-lock-two-guards": (img) => {
    // contained at run time (the second lock is a panic), not refusable at compile time
    assert.equal(mapNamed(img, "L").iuFlags, IU_MAP_F_SPIN_LOCK);
    assert.equal(byName(img, "x").progType, PROG.xdp);
  },
  "sdk-flags-devmap-rdonly": (img) => {
    const m = mapNamed(img, "DM");
    assert.equal(m.mapType, MAP.devmap);
    assert.equal(m.flags, BPF_F_RDONLY_PROG);
    assert.equal(m.iuFlags, 0);
  },
  "sdk-pod-repr-packed": (img) => {
    assert.equal(mapNamed(img, "M").valueSize, 9, "a packed u8 + u64 has no padding");
  },
};

/** More than the EXPECT text: refusals that must name every static they refuse. */
const refusalChecks: Record<string, (msg: string) => void> = {
  "sdk-flags-rdonly-prog": (msg) => {
    const kinds = ["HA", "PH", "LH", "LP", "AR", "PA", "SL", "QU", "ST", "RB", "PE", "TR"];
    for (const k of kinds) assert.match(msg, new RegExp(`evaluation of \`${k}\` failed`), `${k} not refused`);
    assert.equal(
      msg.match(/evaluation panicked: map flags: BPF_F_RDONLY_PROG is refused/g)?.length,
      kinds.length,
    );
  },
  "sdk-flags-wronly-prog": (msg) => {
    const kinds = ["HA", "PH", "LH", "LP", "AR", "PA", "SL", "QU", "ST", "RB", "PE", "TR", "DM"];
    for (const k of kinds) assert.match(msg, new RegExp(`evaluation of \`${k}\` failed`), `${k} not refused`);
    assert.equal(
      msg.match(/evaluation panicked: map flags: BPF_F_WRONLY_PROG is refused/g)?.length,
      kinds.length,
    );
  },
};

test("every case says what must happen, and the suite covers each hole", () => {
  for (const c of cases) {
    const dir = join(crates, c);
    const says = ["EXPECT", "BUILDS", "UNSAFE"].filter((f) => existsSync(join(dir, f)));
    assert.equal(says.length, 1, `${c}: exactly one of EXPECT, BUILDS and UNSAFE`);
    const builds = says[0] === "BUILDS";
    if (builds) assert.ok(imageChecks[c], `${c}: builds, but nothing checks its image`);
  }
  for (const c of [...Object.keys(imageChecks), ...Object.keys(refusalChecks)])
    assert.ok(cases.includes(c), `check for a missing case ${c}`);
  for (const prefix of ["sdk-ctx-", "sdk-map-", "sdk-lock-", "sdk-flags-", "sdk-pod-"])
    assert.ok(
      cases.some((c) => c.startsWith(prefix)),
      `no ${prefix} case`,
    );
});

for (const name of cases) {
  const dir = join(crates, name);
  const scan = existsSync(join(dir, "SCAN"));
  const builds = existsSync(join(dir, "BUILDS"));

  if (scan)
    test(`${name}: the policy refuses the SDK-internal names first`, () => {
      const rule = lines(dir, "SCAN")[0];
      const { err } = attempt(name, false);
      assert.ok(err instanceof PolicyError, `${name}: expected a PolicyError, got ${String(err)}`);
      assert.ok(err.rules.includes(rule as never), `${name}: rules ${err.rules.join(", ")}`);
    });

  const how = scan ? " on its own (no source scan)" : "";
  if (existsSync(join(dir, "UNSAFE")))
    test(`${name}: refused by the compiler${how} as a call that needs unsafe`, () => {
      const { err } = attempt(name, scan);
      assert.ok(err instanceof PolicyError, `${name}: expected a PolicyError, got ${String(err)}`);
      assert.deepEqual(err.rules, ["unsafe-code"], err.message);
      for (const want of lines(dir, "UNSAFE"))
        assert.ok(err.message.includes(want), `${name}: expected "${want}" in:\n${err.message}`);
    });
  else if (builds)
    test(`${name}: builds${how}, and the image is what the SDK promises`, () => {
      const { err, result } = attempt(name, scan);
      assert.ok(result, `${name}: did not build:\n${err?.message}`);
      imageChecks[name](result.image);
    });
  else
    test(`${name}: refused at compile time${how}`, () => {
      const { err } = attempt(name, scan);
      assert.ok(err, `${name}: built, but must not compile`);
      assert.ok(
        !(err instanceof PolicyError),
        `${name}: refused by the policy, not the compiler:\n${err.message}`,
      );
      assert.match(err.message, /^compiling .* failed:/, `${name}: not a compile error:\n${err.message}`);
      for (const want of lines(dir, "EXPECT"))
        assert.ok(err.message.includes(want), `${name}: expected "${want}" in:\n${err.message}`);
      refusalChecks[name]?.(err.message);
    });
}
