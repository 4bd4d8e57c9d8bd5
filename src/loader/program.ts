/**
 * BPF programs: load (signed native images, or eBPF instructions for tests), open by id
 * or pinned path, inspect, test-run, pin.
 */
import {
  decodeProgInfo,
  PROG_INFO_MAP_IDS,
  PROG_INFO_NR_MAP_IDS,
  PROG_INFO_SIZE,
  progTypeNames,
} from "./attr.js";
import type { ProgInfo } from "./attr.js";
import { hookOfProgType } from "./hooks/index.js";
import { readFileSync } from "node:fs";
import {
  addr,
  closeFd,
  fdById,
  listIds,
  objGet,
  objInfo,
  objPin,
  progLoad,
  progTestRun,
  type TestRunOptions,
  type TestRunResult,
} from "./sys.js";

export type { ProgInfo, TestRunOptions, TestRunResult };

export interface NativeLoadOptions {
  /** The whole signed image file. */
  image: Buffer;
  /** Entry name (`iu_prog_def.name`). */
  entry: string;
  progType: number;
  attachType?: number;
  /** fentry/fexit: the BTF id of the traced vmlinux function. */
  attachBtfId?: number;
  /** Map fds in `.iu.maps` order. */
  mapFds: number[];
  /** The keyring the signature is checked against: 0 (default) the kernel's trusted ones, else the one `kernel.iu_keyring` names. */
  keyringId?: number;
  license?: string;
  logLevel?: number;
}

export interface EbpfLoadOptions {
  insns: Buffer;
  progType: number;
  attachType?: number;
  attachBtfId?: number;
  name?: string;
  license?: string;
  logLevel?: number;
}

/**
 * Run-time counters of a program, from `/proc/self/fdinfo/FD` of a program fd. The `iu_*`
 * lines are printed by the kernel runtime for native programs only (docs/RUNTIME.md);
 * for an eBPF program, or a kernel without them, those fields are `null`.
 */
export interface ProgStats {
  /** Invocations that ran the program while BPF stats were on (`iu_invocations`). */
  invocations: number | null;
  /** Panics, denied-helper traps and stack overflows (`iu_panics`). */
  panics: number | null;
  /** Watchdog terminations (`iu_stops`). */
  stops: number | null;
  /** Disabled after `kernel.iu_fault_limit` faults (`iu_disabled`). */
  disabled: boolean | null;
  /** Runs refused for nesting/recursion, and runs of a disabled program (the kernel's `recursion_misses`). */
  recursionMisses: number | null;
}

/** Parses the text of a program fd's fdinfo (`key:\tvalue` lines) into its counters. */
export function parseProgFdinfo(text: string): ProgStats {
  const kv = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z0-9_]+):\s*(\S*)/.exec(line);
    if (m) kv.set(m[1], m[2]);
  }
  const num = (k: string): number | null => {
    const v = kv.get(k);
    if (v === undefined || !/^\d+$/.test(v)) return null;
    return Number(v);
  };
  const disabled = num("iu_disabled");
  return {
    invocations: num("iu_invocations"),
    panics: num("iu_panics"),
    stops: num("iu_stops"),
    disabled: disabled === null ? null : disabled !== 0,
    recursionMisses: num("recursion_misses"),
  };
}

/** The counters of the program behind `fd` (this process's `/proc/self/fdinfo/FD`). */
export function progStats(fd: number): ProgStats {
  return parseProgFdinfo(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
}

/** One program of {@link BpfProgram.list}: its info and its counters. */
export type ProgListEntry = ProgInfo & { stats: ProgStats };

export class BpfProgram {
  private closed = false;
  /** The kernel's load log (empty unless a log level was asked for or the first try failed). */
  log = "";

  private constructor(
    readonly fd: number,
    readonly info: ProgInfo,
  ) {}

  /** BPF_PROG_LOAD with BPF_F_IU_NATIVE. */
  static loadNative(o: NativeLoadOptions): BpfProgram {
    const { fd, log } = progLoad({
      progType: o.progType,
      expectedAttachType: o.attachType ?? 0,
      attachBtfId: o.attachBtfId,
      name: o.entry,
      license: o.license ?? "GPL",
      native: { image: o.image, entry: o.entry, mapFds: o.mapFds, keyringId: o.keyringId },
      logLevel: o.logLevel ?? 0,
    });
    const p = BpfProgram.fromFd(fd);
    p.log = log;
    return p;
  }

  /** BPF_PROG_LOAD of eBPF instructions (the verifier runs): used by tests and twins. */
  static loadEbpf(o: EbpfLoadOptions): BpfProgram {
    const { fd, log } = progLoad({
      progType: o.progType,
      expectedAttachType: o.attachType ?? 0,
      attachBtfId: o.attachBtfId,
      name: o.name ?? "",
      license: o.license ?? "GPL",
      insns: o.insns,
      logLevel: o.logLevel ?? 0,
    });
    const p = BpfProgram.fromFd(fd);
    p.log = log;
    return p;
  }

  /** Takes ownership of `fd`. */
  static fromFd(fd: number): BpfProgram {
    try {
      return new BpfProgram(fd, BpfProgram.infoOf(fd));
    } catch (e) {
      closeFd(fd);
      throw e;
    }
  }

  static fromId(id: number): BpfProgram {
    return BpfProgram.fromFd(fdById("prog", id));
  }

  static fromPinned(path: string): BpfProgram {
    return BpfProgram.fromFd(objGet(path));
  }

  /** A numeric id, "id:N", or a pinned path. */
  static open(ref: string): BpfProgram {
    const m = /^(?:id:)?(\d+)$/.exec(ref);
    return m ? BpfProgram.fromId(Number(m[1])) : BpfProgram.fromPinned(ref);
  }

  static listIds(): number[] {
    return listIds("prog");
  }

  /** Info and counters of every loaded program (skips programs that vanish while listing). */
  static list(): ProgListEntry[] {
    const out: ProgListEntry[] = [];
    for (const id of listIds("prog")) {
      let p: BpfProgram;
      try {
        p = BpfProgram.fromId(id);
      } catch {
        continue;
      }
      try {
        out.push({ ...p.info, stats: p.stats() });
      } finally {
        p.close();
      }
    }
    return out;
  }

  private static infoOf(fd: number): ProgInfo {
    const b = Buffer.alloc(PROG_INFO_SIZE);
    objInfo(fd, b);
    const nr = b.readUInt32LE(PROG_INFO_NR_MAP_IDS);
    if (nr === 0) return decodeProgInfo(b);
    // Second call with a map-id array of the size the kernel reported.
    const ids = Buffer.alloc(nr * 4);
    const b2 = Buffer.alloc(PROG_INFO_SIZE);
    b2.writeUInt32LE(nr, PROG_INFO_NR_MAP_IDS);
    b2.writeBigUInt64LE(addr(ids), PROG_INFO_MAP_IDS);
    objInfo(fd, b2);
    return decodeProgInfo(b2, ids);
  }

  /** Fresh info (run counters change). */
  refresh(): ProgInfo {
    return BpfProgram.infoOf(this.fd);
  }

  /** The run-time counters (fdinfo), read now. */
  stats(): ProgStats {
    return progStats(this.fd);
  }

  get id(): number {
    return this.info.id;
  }
  get name(): string {
    return this.info.name;
  }
  get type(): number {
    return this.info.type;
  }
  get typeName(): string {
    return progTypeNames[this.info.type] ?? `type ${this.info.type}`;
  }

  /** BPF_PROG_TEST_RUN: XDP / tc take `data` (a packet), raw tracepoints take `ctx` (u64 args). */
  testRun(o: TestRunOptions): TestRunResult {
    // Some runners (raw tracepoints) refuse repeat, data and ctx_out: they run once
    // with ctx_in.
    if (hookOfProgType(this.type)?.testRunCtxOnly)
      return progTestRun(this.fd, { ...o, repeat: 0, ctxOutSize: 0 });
    return progTestRun(this.fd, o);
  }

  pin(path: string): void {
    objPin(this.fd, path);
  }

  close(): void {
    if (!this.closed) closeFd(this.fd);
    this.closed = true;
  }
}
