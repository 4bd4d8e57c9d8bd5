/**
 * The benchmark workloads: one entry per folder under bench/, each a native program crate
 * and its eBPF twin (`NAME.bpf.c`). Pure data and input builders; no system calls, so the
 * registry is usable on the host (build, report) and in the guest (runner).
 */
import { join } from "node:path";
import { repoRoot } from "../env/paths.js";

/** How a workload is driven. */
export type Driver =
  /** BPF_PROG_TEST_RUN of an XDP program with `repeat`; the kernel's `duration` per run. */
  | "xdp-test-run"
  /**
   * BPF_PROG_TEST_RUN of a raw tracepoint program. The kernel refuses `repeat` and
   * `duration` there, so each run is one system call; the program's own cost comes from
   * the kernel's run-time statistics (BPF_ENABLE_STATS), per invocation.
   */
  | "raw-tp-stats"
  /**
   * Attached at `attach` and fired by a tight getpid() loop in user space: per-call time
   * with the program minus the same loop with no program (the whole per-event cost of
   * the hook), plus the program alone from the kernel's run-time statistics.
   */
  | "syscall-loop";

/** A map whose contents are set before the check and compared after it. */
export interface MapSetup {
  /** Name in both the image's `.iu.maps` and the eBPF object (bpftool pins it under that name). */
  name: string;
  /** Only the eBPF twin has it (e.g. the prog array of tail calls). */
  ebpfOnly?: boolean;
  /** A prog array: element `key` gets the eBPF program named `prog` (loaded by `bpftool prog loadall`). */
  progArray?: { key: number; prog: string };
  /** Entries written before every check and timing run: key and value (u32 key, u64 value). */
  fill?: (i: number) => [number, bigint] | undefined;
  fillCount?: number;
  /** Compare the whole map after one run of each side. */
  compare: boolean;
}

export interface Workload {
  name: string;
  /** Folder under bench/ when it is not `name` (workloads sharing programs). */
  dir?: string;
  /** The eBPF twin's file name without `.bpf.c` when it is not the folder's name. */
  twin?: string;
  /** Attach target (loader syntax) for the syscall-loop driver. */
  attach?: string;
  /** Bytes changed in the standard packet: [offset, value]. */
  packetBytes?: [number, number][];
  /** What is measured, in a few words (table and README). */
  what: string;
  driver: Driver;
  /** Program name: the native entry and the eBPF function. */
  prog: string;
  maps: MapSetup[];
  /** Test-run repetitions per measurement: full and quick. */
  repeat: { full: number; quick: number };
  /** True when `--quick` runs it (all current workloads are quick enough). */
  quick: boolean;
}

/** Crate directory of a workload. */
type Named = Pick<Workload, "name" | "dir" | "twin">;
const dirName = (w: Named): string => w.dir ?? w.name;
export const workloadDir = (w: Named): string => join(repoRoot, "bench", dirName(w));
/** The signed image `iu build` writes for it (crate name bench_DIR). */
export const nativeImagePath = (w: Named): string =>
  join(workloadDir(w), "target", "iu", `bench_${dirName(w)}.iu`);
/** The clang object of the eBPF twin. */
export const ebpfObjectPath = (w: Named): string =>
  join(workloadDir(w), "target", `${w.twin ?? dirName(w)}.bpf.o`);
export const ebpfSourcePath = (w: Named): string => join(workloadDir(w), `${w.twin ?? dirName(w)}.bpf.c`);

const xdp = (name: string, what: string, full: number, maps: MapSetup[] = []): Workload => ({
  name,
  what,
  driver: "xdp-test-run",
  prog: name,
  maps,
  repeat: { full, quick: Math.max(10, Math.round(full / 10)) },
  quick: true,
});

const filled = (i: number): [number, bigint] => [i, BigInt(i) * 1000n + 7n];

const syscallLoop = (name: string, what: string, attach: string): Workload => ({
  name,
  what,
  driver: "syscall-loop",
  prog: name,
  attach,
  maps: [],
  repeat: { full: 20_000, quick: 2_000 },
  quick: true,
});

export const WORKLOADS: Workload[] = [
  xdp("xdp_empty", "empty XDP program", 100_000),
  {
    name: "rawtp_empty",
    what: "empty raw tracepoint program",
    driver: "raw-tp-stats",
    prog: "rawtp_empty",
    maps: [],
    repeat: { full: 2000, quick: 200 },
    quick: true,
  },
  xdp("array_lookup", "array map lookup", 100_000, [
    { name: "VALUES", fill: filled, fillCount: 256, compare: true },
  ]),
  xdp("hash_lookup", "hash map lookup", 100_000, [
    { name: "VALUES", fill: filled, fillCount: 256, compare: true },
  ]),
  xdp("hash_update", "hash map update", 100_000, [{ name: "SLOTS", compare: true }]),
  xdp("percpu_inc", "per-CPU array increment", 100_000, [{ name: "HITS", compare: true }]),
  xdp("parse_udp", "parse Eth/IPv4/UDP + count by port", 100_000, [{ name: "PORTS", compare: true }]),
  xdp("rewrite_csum", "rewrite + IPv4/UDP checksum", 100_000),
  xdp("spin_lock", "spin lock acquire/release on a map value", 100_000, [{ name: "LOCKED", compare: true }]),
  xdp("helper_calls", "eight helper calls (clock, CPU, random)", 100_000),
  xdp("fnv1a", "FNV-1a over 1,500 bytes", 10_000),
  xdp("loop10k", "10,000-iteration loop", 2_000),
  {
    ...xdp("loop10k_bpf_loop", "10,000-iteration loop, eBPF with bpf_loop()", 2_000),
    dir: "loop10k",
    prog: "loop10k",
    twin: "loop10k_bpf_loop",
  },
  ...[1, 8, 32].map((n): Workload => ({
    ...xdp(`recursion_d${n}`, `recursion depth ${n} vs ${n + 1} tail calls`, 20_000, [
      { name: "STATE", ebpfOnly: true, compare: false },
      { name: "JMP", ebpfOnly: true, compare: false, progArray: { key: 0, prog: "step" } },
    ]),
    dir: "recursion",
    prog: "recursion",
    packetBytes: [[42, n]],
  })),
  syscallLoop("tp_empty", "empty tracepoint, getpid() loop", "tracepoint:syscalls/sys_enter_getpid"),
  syscallLoop("kprobe_empty", "empty kprobe, getpid() loop", "kprobe:__x64_sys_getpid"),
  {
    ...syscallLoop("rawtp_attached", "empty raw tracepoint, getpid() loop", "raw_tp:sys_enter"),
    dir: "rawtp_empty",
    prog: "rawtp_empty",
  },
];

export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}

/** Ones' complement sum of 16-bit big-endian words, folded. */
function csum16(b: Buffer): number {
  let s = 0;
  for (let i = 0; i + 1 < b.length; i += 2) s += b.readUInt16BE(i);
  if (b.length & 1) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/**
 * The input of every XDP workload: Ethernet + IPv4 + UDP (to port 4789) + a 1,500-byte
 * payload of a fixed pseudo-random pattern, with correct IPv4 and UDP checksums.
 */
export function benchPacket(payloadLen = 1500): Buffer {
  const p = Buffer.alloc(42 + payloadLen);
  Buffer.from([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02]).copy(p, 0);
  p.writeUInt16BE(0x0800, 12);
  const ip = 14;
  p[ip] = 0x45;
  p.writeUInt16BE(20 + 8 + payloadLen, ip + 2);
  p.writeUInt16BE(0x1234, ip + 4);
  p[ip + 8] = 64;
  p[ip + 9] = 17;
  Buffer.from([192, 168, 1, 1, 192, 168, 1, 2]).copy(p, ip + 12);
  p.writeUInt16BE(~csum16(p.subarray(ip, ip + 20)) & 0xffff, ip + 10);
  const udp = 34;
  p.writeUInt16BE(40000, udp);
  p.writeUInt16BE(4789, udp + 2);
  p.writeUInt16BE(8 + payloadLen, udp + 4);
  let x = 0x2545f491;
  for (let i = 0; i < payloadLen; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[42 + i] = x & 0xff;
  }
  // UDP checksum over the pseudo-header, header and payload.
  const pseudo = Buffer.alloc(12);
  p.copy(pseudo, 0, ip + 12, ip + 20);
  pseudo[9] = 17;
  pseudo.writeUInt16BE(8 + payloadLen, 10);
  const sum = csum16(Buffer.concat([pseudo, p.subarray(udp)]));
  p.writeUInt16BE(~sum & 0xffff || 0xffff, udp + 6);
  return p;
}

/** Raw tracepoint context for test runs: 12 u64 arguments (zeros). */
export const rawTpContext = (): Buffer => Buffer.alloc(8 * 12);
