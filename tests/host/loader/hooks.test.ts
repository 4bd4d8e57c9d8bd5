// The hook registry: each hook kind's module says everything about that kind, and every
// table elsewhere (the SDK's program types and contexts, the spec's type names, the
// `iu new` templates, the kernel's per-type table) agrees with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { IuError } from "../../../src/errors.js";
import {
  hookByPrefix,
  hookOf,
  hookOfProgType,
  hookOfTemplate,
  hooks,
  targetSyntax,
} from "../../../src/loader/hooks/index.js";
import {
  checkProgTypeForTarget,
  formatTarget,
  parseTarget,
  targetFromDecl,
} from "../../../src/loader/link.js";
import { kprobe } from "../../../src/loader/hooks/kprobe.js";
import { ProgType } from "../../../src/loader/attr.js";
import { PROG_TYPE_NAMES } from "../../../src/object/image.js";
import { PROGRAM_TYPES } from "../../../src/toolchain/new.js";

/** `pub const NAME: u32 = N;` in the SDK's `prog_type` module. */
function sdkProgTypes(): Map<string, number> {
  const decl = readFileSync(join(repoRoot, "sdk", "src", "decl.rs"), "utf8");
  const body = /pub mod prog_type \{([^}]*)\}/.exec(decl);
  assert.ok(body, "sdk/src/decl.rs has a prog_type module");
  return new Map([...body[1].matchAll(/pub const (\w+): u32 = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
}

test("every hook's targets parse to that hook and format back unchanged", () => {
  for (const h of hooks) {
    assert.ok(h.examples.length > 0, `${h.kind} has example targets`);
    for (const text of h.examples) {
      const t = parseTarget(text);
      assert.equal(t.kind, h.kind, text);
      assert.equal(hookOf(t), h, text);
      assert.equal(formatTarget(t), text);
      assert.deepEqual(parseTarget(formatTarget(t)), t, text);
    }
  }
});

test("every KIND word selects exactly one hook, and an unknown one is refused", () => {
  const seen = new Map<string, string>();
  for (const h of hooks)
    for (const p of h.prefixes) {
      assert.equal(seen.get(p), undefined, `'${p}' is claimed by ${seen.get(p)} and ${h.kind}`);
      seen.set(p, h.kind);
      assert.equal(hookByPrefix(p), h);
    }
  for (const h of hooks) assert.ok(h.prefixes.includes(h.kind), `${h.kind} is one of its own KIND words`);
  assert.equal(hookByPrefix("bogus"), undefined);
});

test("the expected syntax in errors lists every hook's, in registry order", () => {
  assert.equal(
    targetSyntax(),
    "xdp:IFACE[:skb|drv|hw], tc:IFACE:ingress|egress, kprobe:FUNC[+OFF], kretprobe:FUNC, " +
      "tracepoint:CAT/NAME, raw_tp:NAME, perf:EVENT[:PERIOD], fentry:FUNC, fexit:FUNC, " +
      "uprobe:PATH:FUNC[+OFF][:pid=N], uretprobe:PATH:FUNC[:pid=N], usdt:PATH:PROVIDER:NAME[:pid=N], " +
      "ksyscall:NAME, kretsyscall:NAME, lsm:HOOK, cgroup_skb:CGROUP:ingress|egress, socket:PID:FD",
  );
  assert.throws(
    () => parseTarget("cgroup_sock:/sys/fs/cgroup"),
    (e: unknown) =>
      e instanceof IuError &&
      e.message ===
        `bad attach target 'cgroup_sock:/sys/fs/cgroup': unknown kind 'cgroup_sock' (expected one of ${targetSyntax()})`,
  );
});

test("every program type has one primary hook: the first in the registry that takes it", () => {
  const owner = new Map<number, string>();
  for (const h of hooks) {
    assert.ok(h.progTypes.length > 0, `${h.kind} takes some program type`);
    for (const pt of h.progTypes) {
      if (!owner.has(pt)) owner.set(pt, h.kind);
      assert.equal(hookOfProgType(pt)?.kind, owner.get(pt));
    }
  }
  assert.equal(hookOfProgType(ProgType.KPROBE), kprobe);
  // What the SDK declares (a context's PROG_TYPE) is some hook's first type, and back.
  const sdk = sdkProgTypes();
  assert.deepEqual(
    [...sdk.values()].sort((a, b) => a - b),
    [...new Set(hooks.map((h) => h.progTypes[0]))].sort((a, b) => a - b),
  );
  assert.equal(hookOfProgType(0), undefined, "unspec is no hook's");
});

test("a program of another hook's type is refused before the kernel sees it", () => {
  for (const h of hooks) {
    const t = parseTarget(h.examples[0]);
    for (const pt of h.progTypes) checkProgTypeForTarget(pt, t);
    for (const other of hooks.filter((o) => !h.progTypes.includes(o.progTypes[0])))
      assert.throws(
        () => checkProgTypeForTarget(other.progTypes[0], t),
        (e: unknown) =>
          e instanceof IuError &&
          e.message === `a program of type ${other.progTypes[0]} cannot be attached to ${h.examples[0]}`,
      );
  }
});

test("the spec's program type names cover every hook's types", () => {
  for (const h of hooks)
    for (const pt of h.progTypes) assert.ok(PROG_TYPE_NAMES[pt], `${h.kind}: type ${pt} has a name`);
  const sdk = sdkProgTypes();
  for (const [name, pt] of sdk) assert.equal(PROG_TYPE_NAMES[pt], name.toLowerCase(), name);
});

test("every hook has an iu new template and an SDK context file with its program macro", () => {
  assert.deepEqual(
    PROGRAM_TYPES,
    hooks.flatMap((h) => h.templates),
  );
  for (const h of hooks) {
    for (const name of h.templates) {
      assert.equal(hookOfTemplate(name), h);
      const tmpl = join(repoRoot, "templates", "program", "src", `${name}.rs.tmpl`);
      assert.ok(existsSync(tmpl), `${tmpl} exists`);
    }
    const ctx = join(repoRoot, "sdk", "src", "ctx", `${h.templates[0]}.rs`);
    assert.ok(existsSync(ctx), `${ctx} exists`);
    const src = readFileSync(ctx, "utf8");
    assert.match(src, /super::context!\(/, `${ctx} declares its context`);
    assert.match(
      src,
      /#\[macro_export\]\s*#\[allow_internal_unsafe\]\s*macro_rules! \w+/,
      `${ctx} has its macro`,
    );
  }
});

test("the kernel's verifier-ops table has every hook's program types", () => {
  const src = readFileSync(join(repoRoot, "kernel", "src", "kernel", "bpf", "iu_load.c"), "utf8");
  const body = /iu_verifier_ops\(enum bpf_prog_type type\)\s*\{([\s\S]*?)\n\}/.exec(src);
  assert.ok(body, "iu_load.c has iu_verifier_ops()");
  for (const h of hooks)
    for (const pt of h.progTypes) {
      const name = `BPF_PROG_TYPE_${PROG_TYPE_NAMES[pt].toUpperCase()}`;
      assert.ok(body[1].includes(`case ${name}:`), `iu_verifier_ops() handles ${name} (${h.kind})`);
    }
});

test("a KPROBE program's declaration picks kprobe, uprobe or ksyscall by its KIND: prefix", () => {
  const kp = ProgType.KPROBE;
  assert.deepEqual(targetFromDecl(kp, 0, "do_sys_openat2"), parseTarget("kprobe:do_sys_openat2"));
  assert.deepEqual(targetFromDecl(kp, 0, "ret:vfs_read"), parseTarget("kretprobe:vfs_read"));
  assert.deepEqual(targetFromDecl(kp, 0, "uprobe:/bin/true:main"), parseTarget("uprobe:/bin/true:main"));
  assert.deepEqual(
    targetFromDecl(kp, 0, "uretprobe:/bin/x:f:pid=7"),
    parseTarget("uretprobe:/bin/x:f:pid=7"),
  );
  assert.deepEqual(targetFromDecl(kp, 0, "ksyscall:kill"), parseTarget("ksyscall:kill"));
  assert.deepEqual(targetFromDecl(kp, 0, "kretsyscall:openat"), parseTarget("kretsyscall:openat"));
  // a kind of another program type is not taken from a KPROBE declaration
  assert.throws(() => targetFromDecl(kp, 0, "xdp:eth0"), /bad attach target 'kprobe:xdp:eth0'/);
});

test("uprobe and ksyscall targets: what is refused, and why", () => {
  const refused: [string, RegExp][] = [
    ["uprobe:/bin/true", /want PATH:FUNC\[\+OFF\] or PATH:0xOFFSET/],
    ["uprobe:/bin/true:9x", /neither a function name/],
    ["uretprobe:/bin/true:main+4", /a uretprobe takes no offset/],
    ["uprobe:/bin/true:main:pid=0", /pid 0 is out of range/],
    ["ksyscall:__x64_sys_kill", /without '__x64_sys_'/],
    ["ksyscall:sys_kill", /without 'sys_'/],
    ["ksyscall:Kill", /want a syscall name/],
  ];
  for (const [text, why] of refused) assert.throws(() => parseTarget(text), why, text);
  assert.deepEqual(parseTarget("uprobe:/a:b:c:f"), {
    kind: "uprobe",
    path: "/a:b:c",
    func: "f",
    offset: 0,
    retprobe: false,
    pid: undefined,
  });
});
