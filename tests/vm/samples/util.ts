/**
 * Shared helpers of the samples' in-VM twin tests: the native image and the eBPF twin
 * (both built on the host by the test harness's prepare step; the twin is loaded by
 * bpftool with its maps pinned), and packet builders for test runs.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BpfMap, BpfProgram, IuObject, SysError } from "../../../src/loader/index.js";
import { requireInput, requireTwin, sampleImage } from "../../../src/testing/inputs.js";
import { bpffsDir } from "../loader/util.js";

export { bpffsDir, getpid, inVm, skipUnlessVm, sleep } from "../loader/util.js";

/** A sample's signed image; throws naming it when the prepare step did not build it. */
export function imagePath(sample: string): string {
  return requireInput(sampleImage(sample), `iu build samples/${sample}`);
}

/** Loads the sample's native image. */
export function loadNative(sample: string): IuObject {
  return IuObject.open(imagePath(sample)).load();
}

export class Twin {
  readonly progs = new Map<string, BpfProgram>();
  readonly maps = new Map<string, BpfMap>();
  constructor(readonly dir: string) {
    for (const f of readdirSync(join(dir, "progs")))
      this.progs.set(f, BpfProgram.fromPinned(join(dir, "progs", f)));
    for (const f of readdirSync(join(dir, "maps"))) this.maps.set(f, BpfMap.fromPinned(join(dir, "maps", f)));
  }
  prog(name?: string): BpfProgram {
    const p = name ? this.progs.get(name) : [...this.progs.values()][0];
    if (!p) throw new Error(`twin: no program ${name} (have ${[...this.progs.keys()].join(", ")})`);
    return p;
  }
  map(name: string): BpfMap {
    const m = this.maps.get(name);
    if (!m) throw new Error(`twin: no map ${name} (have ${[...this.maps.keys()].join(", ")})`);
    return m;
  }
  close(): void {
    for (const p of this.progs.values()) p.close();
    for (const m of this.maps.values()) m.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Result of `bpftool prog loadall` on a twin: the loaded twin, or the verifier's refusal. */
export function tryLoadTwin(
  sample: string,
  file?: string,
  defines: string[] = [],
): { twin?: Twin; log: string } {
  const obj = requireTwin(sample, file, defines);
  const dir = bpffsDir(`iu-twin-${sample}`);
  const r = spawnSync("bpftool", ["prog", "loadall", obj, join(dir, "progs"), "pinmaps", join(dir, "maps")], {
    encoding: "utf8",
  });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { log: `${r.stdout}\n${r.stderr}` };
  }
  return { twin: new Twin(dir), log: r.stderr };
}

export function loadTwin(sample: string, file?: string, defines: string[] = []): Twin {
  const r = tryLoadTwin(sample, file, defines);
  if (!r.twin) throw new Error(`bpftool prog loadall (${sample} twin) failed:\n${r.log}`);
  return r.twin;
}

/** Sum of a u64 value over CPUs for per-CPU maps (the loader returns one value per CPU). */
export function u64Sum(v: Buffer | undefined, valueSize = 8): bigint {
  if (!v) return 0n;
  let s = 0n;
  for (let o = 0; o + 8 <= v.length; o += valueSize) s += v.readBigUInt64LE(o);
  return s;
}

export function u32Key(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** Map contents as a plain object keyed by hex key, for deepEqual between native and twin. */
export function dumpMap(
  m: BpfMap,
  value: (v: Buffer) => unknown = (v) => v.toString("hex"),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of m.entries()) out[k.toString("hex")] = value(v);
  return out;
}

export { SysError };

// ---- packets ----

const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

export function ipChecksum(b: Buffer): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += b.readUInt16BE(i);
  if (b.length % 2) s += b[b.length - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

export interface PacketOpts {
  proto?: number; // IP protocol (default UDP)
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  payload?: Buffer;
  vlan?: number;
  ipv6?: boolean;
}

function ip4(a: string): Buffer {
  return Buffer.from(a.split(".").map(Number));
}

/** An Ethernet frame with an IPv4 (or IPv6) header and a TCP/UDP/ICMP header. */
export function packet(o: PacketOpts = {}): Buffer {
  const proto = o.proto ?? 17;
  const payload = o.payload ?? Buffer.from("iu-sample-payload");
  let l4: Buffer;
  if (proto === 6) {
    l4 = Buffer.alloc(20);
    l4.writeUInt16BE(o.sport ?? 40000, 0);
    l4.writeUInt16BE(o.dport ?? 80, 2);
    l4[12] = 5 << 4;
    l4[13] = 0x02;
  } else if (proto === 17) {
    l4 = Buffer.alloc(8);
    l4.writeUInt16BE(o.sport ?? 40000, 0);
    l4.writeUInt16BE(o.dport ?? 53, 2);
    l4.writeUInt16BE(8 + payload.length, 4);
  } else {
    l4 = Buffer.alloc(8);
    l4[0] = 8; // echo request
  }
  const body = Buffer.concat([l4, payload]);
  let l3: Buffer;
  let ethertype: number;
  if (o.ipv6) {
    ethertype = 0x86dd;
    l3 = Buffer.alloc(40);
    l3.writeUInt32BE(0x60000000, 0);
    l3.writeUInt16BE(body.length, 4);
    l3[6] = proto;
    l3[7] = 64;
    l3[23] = 1;
    l3[39] = 2;
  } else {
    ethertype = 0x0800;
    l3 = Buffer.alloc(20);
    l3[0] = 0x45;
    l3.writeUInt16BE(20 + body.length, 2);
    l3.writeUInt16BE(0x1234, 4);
    l3[8] = 64;
    l3[9] = proto;
    ip4(o.src ?? "10.0.0.1").copy(l3, 12);
    ip4(o.dst ?? "10.0.0.2").copy(l3, 16);
    l3.writeUInt16BE(ipChecksum(l3), 10);
  }
  const eth = Buffer.from([...MAC_B, ...MAC_A]);
  const tag =
    o.vlan !== undefined ? Buffer.from([0x81, 0x00, (o.vlan >> 8) & 0x0f, o.vlan & 0xff]) : Buffer.alloc(0);
  const et = Buffer.alloc(2);
  et.writeUInt16BE(ethertype);
  return Buffer.concat([eth, tag, et, l3, body]);
}
