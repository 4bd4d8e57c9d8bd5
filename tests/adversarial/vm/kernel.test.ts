// The kernel's half of the adversarial suite: signed images the SDK would never emit
// (tests/fixtures/kernel/adv.c) and maps or hooks that would let native code break what
// the verifier guarantees. Each must be refused at load or attach with its reason, and
// the kernel must stay clean.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IuObject } from "../../../src/loader/index.js";
import { BpfMap } from "../../../src/loader/map.js";
import { attach, parseTarget } from "../../../src/loader/link.js";
import { BpfCmd } from "../../../src/loader/attr.js";
import { SysError, bpf, btfLoad, closeFd, mapCreate } from "../../../src/loader/sys.js";
import { specialFieldBtf, type SpecialField } from "../../../src/loader/btf.js";
import { fixtureImages } from "../../vm/kernel/fixtures.js";
import { assertHealthy } from "../../vm/runtime/util.js";

const inVm = process.getuid?.() === 0 && existsSync("/sys/fs/bpf") && existsSync("/sys/kernel/tracing");
const skip = inVm ? false : "needs the VM: run through iu test-all";

const adv = (c: string): string => join(fixtureImages(), `adv-${c}.iu`);

const made: BpfMap[] = [];
after(() => made.forEach((m) => m.close()));

function map(type: number, key: number, value: number, flags = 0): BpfMap {
  const m = BpfMap.create({
    name: "adv",
    mapType: type,
    keySize: key,
    valueSize: value,
    maxEntries: 1,
    flags,
  });
  made.push(m);
  return m;
}

/** A map whose value starts with a kernel-owned `field`, as an eBPF program's BTF declares it. */
function mapWith(field: SpecialField, value: number): BpfMap {
  const t = specialFieldBtf(field, 4, value, true);
  const btf = btfLoad(t.btf);
  try {
    const fd = mapCreate({
      mapType: 2,
      keySize: 4,
      valueSize: value,
      maxEntries: 1,
      name: "adv",
      btf: { fd: btf, keyTypeId: t.keyTypeId, valueTypeId: t.valueTypeId },
    });
    const m = BpfMap.fromFd(fd);
    made.push(m);
    return m;
  } finally {
    closeFd(btf);
  }
}

/** Loading `image` (with `maps` by name) fails and the kernel log names `reason`. */
function refused(image: string, reason: RegExp, maps: Record<string, BpfMap> = {}): void {
  let err: unknown;
  try {
    IuObject.open(image).load({ maps }).close();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof Error, `${image}: loaded although it must be refused`);
  assert.match(err.message, reason, `${image}: refused, but not for the expected reason`);
}

test("maps: BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG maps are refused", { skip }, () => {
  refused(adv("rdonly"), /map ro: flag BPF_F_RDONLY_PROG refused/, { ro: map(2, 4, 8, 0x80) });
  refused(adv("wronly"), /map wo: flag BPF_F_WRONLY_PROG refused/, { wo: map(2, 4, 8, 0x100) });
});

test("maps: values with bpf_timer, bpf_wq or an undeclared bpf_spin_lock are refused", { skip }, () => {
  refused(adv("plain16"), /map plain16: its value holds bpf_timer the kernel owns/, {
    plain16: mapWith("bpf_timer", 16),
  });
  refused(adv("plain16"), /map plain16: its value holds bpf_wq the kernel owns/, {
    plain16: mapWith("bpf_wq", 16),
  });
  refused(adv("plain16"), /map plain16: its value holds a bpf_spin_lock at offset 0: declare it SpinLocked/, {
    plain16: mapWith("bpf_spin_lock", 16),
  });
  // The same image loads against a plain map: the refusals are about the fields.
  IuObject.open(adv("plain16"))
    .load({ maps: { plain16: map(2, 4, 16) } })
    .close();
});

test("maps: a declared spin lock needs the map's BTF to have it at offset 0", { skip }, () => {
  refused(
    adv("locked"),
    /map locked: declared with a bpf_spin_lock at offset 0, but the map's BTF has none/,
    {
      locked: map(2, 4, 16),
    },
  );
  // The loader creates the map with the BTF that declares the lock: then it loads.
  IuObject.open(adv("locked")).load().close();
});

test("maps: map types without a safe SDK API and unknown record flags are refused", { skip }, () => {
  const inner = map(2, 4, 4);
  const b = Buffer.alloc(128);
  b.writeUInt32LE(12, 0); // ARRAY_OF_MAPS
  b.writeUInt32LE(4, 4);
  b.writeUInt32LE(4, 8);
  b.writeUInt32LE(1, 12);
  b.writeUInt32LE(inner.fd, 20); // inner_map_fd
  b.write("aom", 28);
  // MapCreateArgs has no inner map: the raw attribute.
  const aom = BpfMap.fromFd(bpf(BpfCmd.MAP_CREATE, b, "BPF_MAP_CREATE (array of maps)"));
  made.push(aom);
  refused(adv("aom"), /map aom: type 12 not usable by native programs/, { aom });
  refused(adv("flags"), /\.iu\.maps record 0 malformed/);
  refused(adv("elems"), /\.iu\.maps record 0 malformed/);
  refused(adv("layout"), /map layout: element size 8 and index mask 0x0 are not the map's/, {
    layout: map(2, 4, 16),
  });
});

test("provenance: images without .iu.prov or of an older policy are refused", { skip }, () => {
  refused(adv("noprov"), /toolchain policy 0 \(no \.iu\.prov record\), kernel\.iu_min_policy is 3/);
  refused(adv("policy1"), /toolchain policy 1 \(iu fixture\), kernel\.iu_min_policy is 3/);
  const p = "/proc/sys/kernel/iu_min_policy";
  const old = readFileSync(p, "utf8");
  writeFileSync(p, "1\n");
  try {
    IuObject.open(adv("policy1")).load().close();
  } finally {
    writeFileSync(p, old);
  }
});

test(
  "stack: code with neither a check at every function entry nor a signed stack bound is refused",
  { skip },
  () => {
    refused(adv("nostack"), /the image has no stack check \(mcount\) and no stack bound in \.iu\.prov/);
  },
);

test("IBT: an entry or a code pointer in data without endbr64 is refused", { skip }, () => {
  refused(adv("noendbr"), /(entry of adv_xdp|code pointer at 0x[0-9a-f]+) does not start with endbr64/);
  refused(adv("fnptr"), /code pointer at 0x[0-9a-f]+ does not start with endbr64/);
});

test("locks: a tracing program that takes a bpf_spin_lock is refused", { skip }, () => {
  refused(adv("tplock"), /tracing programs cannot use bpf_spin_lock/);
});

test("hooks inside the watchdog's path are refused; the runtime cannot be kprobed", { skip }, () => {
  const obj = IuObject.open(adv("hooks")).load();
  try {
    const attachFails = (prog: string, target: string, errno: string): void => {
      const p = obj.program(prog);
      let err: unknown;
      try {
        attach(p.fd, p.info.type, parseTarget(target)).close();
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof SysError, `${prog} attached to ${target}`);
      assert.equal(err.errnoName, errno, `${target}: ${err.message}`);
    };
    attachFails("adv_rawtp", "raw_tp:hrtimer_expire_entry", "EPERM");
    attachFails("adv_rawtp", "raw_tp:nmi_handler", "EPERM");
    attachFails("adv_rawtp", "raw_tp:local_timer_entry", "EPERM");
    attachFails("adv_tp", "tracepoint:timer/hrtimer_expire_entry", "EPERM");
    attachFails("adv_tp", "tracepoint:nmi/nmi_handler", "EPERM");
    attachFails("adv_kprobe", "kprobe:hrtimer_interrupt", "EPERM");
    attachFails("adv_kprobe", "kprobe:__hrtimer_run_queues", "EPERM");
    // NOKPROBE_SYMBOL: the kprobe itself cannot be made, for eBPF programs too.
    for (const f of [
      "iu_dispatch_slow",
      "iu_dispatch_refused",
      "iu_release_fast",
      "iu_watch_fn",
      "iu_nmi",
      "bpf_iu_fixup_double_fault",
      "iu_helper_returned",
      "iu_helper_under_lock",
    ])
      attachFails("adv_kprobe", `kprobe:${f}`, "EINVAL");
    const log = spawnSync("dmesg", [], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout;
    assert.match(
      log,
      /iu: program adv_rawtp: raw tracepoint hrtimer_expire_entry runs inside the watchdog's own path: refused/,
    );
    assert.match(
      log,
      /iu: program adv_tp: tracepoint timer\/hrtimer_expire_entry runs inside the watchdog's own path/,
    );
    assert.match(
      log,
      /iu: program adv_kprobe: kprobe on hrtimer_interrupt runs inside the watchdog's own path/,
    );
    // The same programs attach where they are allowed.
    attach(obj.program("adv_rawtp").fd, 17, parseTarget("raw_tp:sys_enter")).close();
    attach(obj.program("adv_tp").fd, 5, parseTarget("tracepoint:syscalls/sys_enter_getpid")).close();
    attach(obj.program("adv_kprobe").fd, 2, parseTarget("kprobe:__x64_sys_getpid")).close();
  } finally {
    obj.close();
  }
  assertHealthy(spawnSync("dmesg", [], { encoding: "utf8", maxBuffer: 64 << 20 }).stdout);
});
