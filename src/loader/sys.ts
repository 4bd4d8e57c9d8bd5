/**
 * Thin system-call wrappers: bpf(2), perf_event_open(2), ioctl(2), mmap(2)/munmap(2),
 * close(2), getpid(2), through the `koffi` FFI package (see docs/LOADER.md for why koffi).
 * This is the project's only FFI: every other module reaches the kernel through here.
 * Each wrapper builds its attribute buffer with `attr.ts`, calls the kernel, and turns a
 * failure into a `SysError` naming the operation and the errno (plus the kernel log for
 * loads).
 *
 * Memory that the kernel reads or writes through a pointer inside an attribute (keys,
 * values, log buffers, images) is a Node `Buffer`; its address comes from
 * `koffi.address()`, which pins the bytes off the V8 heap. Callers keep a reference to
 * every such buffer until the syscall has returned (the wrappers below do).
 */
import { createRequire } from "node:module";
import { IuError } from "../errors.js";
import { splitSignedImage } from "../object/image.js";
import { PerfSwId } from "../abi/uapi.js";
import {
  BpfCmd,
  BPF_ATTR_SIZE,
  decodeTestRun,
  encodeBtfLoad,
  encodeEnableStats,
  encodeGetId,
  encodeInfoByFd,
  encodeLinkCreate,
  encodeLinkDetach,
  encodeMapCreate,
  encodeMapElem,
  encodeObjPin,
  encodeProgLoad,
  encodeRawTpOpen,
  encodeTestRun,
  encodePerfAttr,
  PERF_EVENT_IOC_ENABLE,
  PERF_EVENT_IOC_SET_BPF,
  PERF_FLAG_FD_CLOEXEC,
  type LinkCreateArgs,
  type MapCreateArgs,
  type PerfAttrArgs,
} from "./attr.js";

/** The koffi surface we use, typed narrowly (koffi is loaded lazily: `iu --help` never needs it). */
interface Koffi {
  load(path: string): { func(decl: string): (...args: unknown[]) => unknown };
  address(value: unknown): bigint;
  view(ptr: unknown, len: number): ArrayBuffer;
  errno(): number;
  os: { errno: Record<string, number> };
}

/** x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
export const SysNr = {
  PERF_EVENT_OPEN: 298,
  BPF: 321,
  PIDFD_OPEN: 434,
  PIDFD_GETFD: 438,
} as const;

/** The errno values the wrappers test for (asm-generic/errno-base.h). */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  E2BIG: 7,
  /** Kernel-internal, but it leaks out of bpf(). */
  ENOTSUPP: 524,
} as const;

/** mmap(2) `prot` bits. */
export const Prot = { NONE: 0, READ: 1, WRITE: 2 } as const;

/** mmap(2) `flags`. */
export const MmapFlags = { SHARED: 1, PRIVATE: 2, ANONYMOUS: 0x20 } as const;

/** `perf_event_attr.sample_type` bits (`enum perf_event_sample_format`). */
export const PerfSampleType = { RAW: 1n << 10n } as const;

/** `PERF_COUNT_SW_BPF_OUTPUT`: the software event `bpf_perf_event_output()` writes to. */
export const PERF_COUNT_SW_BPF_OUTPUT = PerfSwId.BPF_OUTPUT;

interface Libc {
  koffi: Koffi;
  bpf: (n: number, cmd: number, attr: Buffer, size: number) => number;
  perfEventOpen: (n: number, attr: Buffer, pid: number, cpu: number, group: number, flags: number) => number;
  ioctl: (fd: number, req: number, arg: number) => number;
  mmap: (addr: null, len: number, prot: number, flags: number, fd: number, off: number) => unknown;
  munmap: (ptr: unknown, len: number) => number;
  close: (fd: number) => number;
  getpid: () => number;
  getpgid: (pid: number) => number;
  ifNameToIndex: (name: string) => number;
  pidfd: (n: number, a: number, b: number, flags: number) => number;
  setsockopt: (fd: number, level: number, name: number, val: Buffer, len: number) => number;
}

let libc: Libc | undefined;

function sys(): Libc {
  if (libc) return libc;
  if (process.arch !== "x64" || process.platform !== "linux")
    throw new IuError(
      `the loader supports Linux on x86-64 only (this is ${process.platform}/${process.arch})`,
    );
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)("koffi") as Koffi;
  } catch (e) {
    throw new IuError(`cannot load the koffi FFI package (${(e as Error).message}); run \`npm install\``);
  }
  const c = koffi.load("libc.so.6");
  libc = {
    koffi,
    // glibc's syscall() is variadic but passes everything in integer registers, so a
    // fixed prototype per use is exact on x86-64.
    bpf: c.func("long syscall(long n, long cmd, void *attr, unsigned long size)") as Libc["bpf"],
    perfEventOpen: c.func(
      "long syscall(long n, void *attr, long pid, long cpu, long group_fd, unsigned long flags)",
    ) as Libc["perfEventOpen"],
    ioctl: c.func("int ioctl(int fd, unsigned long req, unsigned long arg)") as Libc["ioctl"],
    mmap: c.func("void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)") as Libc["mmap"],
    munmap: c.func("int munmap(void *addr, size_t len)") as Libc["munmap"],
    close: c.func("int close(int fd)") as Libc["close"],
    // glibc does not cache either: each call enters the kernel (tests and the bench count them).
    getpid: c.func("int getpid(void)") as Libc["getpid"],
    getpgid: c.func("int getpgid(int pid)") as Libc["getpgid"],
    ifNameToIndex: c.func("unsigned int if_nametoindex(const char *name)") as Libc["ifNameToIndex"],
    pidfd: c.func("long syscall(long n, long a, long b, unsigned long flags)") as Libc["pidfd"],
    setsockopt: c.func(
      "int setsockopt(int fd, int level, int name, const void *val, unsigned int len)",
    ) as Libc["setsockopt"],
  };
  return libc;
}

let errnoNames: Map<number, string> | undefined;

/** "EPERM" for 1, ...; falls back to "errno N". */
export function errnoName(errno: number): string {
  if (!errnoNames) {
    errnoNames = new Map();
    try {
      for (const [name, n] of Object.entries(sys().koffi.os.errno))
        if (!errnoNames.has(n)) errnoNames.set(n, name);
    } catch {
      /* no FFI: numbers only */
    }
    // kernel-internal, so libc has no name for it
    errnoNames.set(Errno.ENOTSUPP, "ENOTSUPP");
  }
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

const errnoHints: Record<string, string> = {
  EPERM:
    "needs root (CAP_BPF/CAP_SYS_ADMIN/CAP_PERFMON) or the kernel refuses the operation; a native program at a hook inside the watchdog's own path is refused with a line in the kernel log (dmesg)",
  EACCES: "permission denied (signature, program type or capability checks)",
  ENOENT: "no such object (id, pinned path, key, function or tracepoint)",
  E2BIG: "the kernel does not know a field we passed (kernel older than expected?)",
  EINVAL: "invalid argument",
  EBADF: "bad file descriptor",
  EEXIST: "already exists (a pin at that path, the key, or an attachment)",
  EBUSY: "busy (something is already attached there)",
  ENOSPC: "out of space (log buffer or map full)",
  ENOTSUPP: "not supported by this kernel or program type",
  EOPNOTSUPP: "operation not supported",
  ENODEV: "no such device",
  EKEYREJECTED: "signature rejected, or the image is older than kernel.iu_min_policy",
  EBADMSG: "malformed image or signature",
  ENOPKG: "kernel crypto support missing",
};

/** A failed system call: names the operation, the errno, and (for loads) the kernel log. */
export class SysError extends IuError {
  constructor(
    readonly op: string,
    readonly errno: number,
    readonly log = "",
  ) {
    const name = errnoName(errno);
    const hint = errnoHints[name];
    super(`${op} failed: ${name}${hint ? ` (${hint})` : ""}${log ? `\nkernel log:\n${log.trimEnd()}` : ""}`);
    this.name = "SysError";
  }
  get errnoName(): string {
    return errnoName(this.errno);
  }
}

/** The user address of a Buffer's bytes (0 for an empty or missing buffer). */
export function addr(buf: Buffer | null | undefined): bigint {
  if (!buf || buf.length === 0) return 0n;
  return sys().koffi.address(buf);
}

/** A NUL-terminated copy of `s`, for passing `char *` inside an attribute. */
export function cString(s: string): Buffer {
  return Buffer.from(s + "\0", "utf8");
}

/** Calls bpf(cmd, attr, attr.length). Returns the non-negative result or throws SysError. */
export function bpf(cmd: number, attr: Buffer, op: string, keep: unknown[] = []): number {
  const c = sys();
  const r = Number(c.bpf(SysNr.BPF, cmd, attr, attr.length));
  const errno = r < 0 ? c.koffi.errno() : 0;
  void keep; // buffers referenced by pointers inside attr stay alive until here
  if (r < 0) throw new SysError(op, errno);
  return r;
}

/** Like `bpf()`, but returns -errno instead of throwing. */
export function bpfRaw(cmd: number, attr: Buffer): number {
  const c = sys();
  const r = Number(c.bpf(SysNr.BPF, cmd, attr, attr.length));
  return r < 0 ? -c.koffi.errno() : r;
}

export function closeFd(fd: number): void {
  if (fd >= 0) sys().close(fd);
}

export function ifNameToIndex(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const idx = sys().ifNameToIndex(name);
  if (!idx) throw new IuError(`no network interface named '${name}'`);
  return idx;
}

/* ---------------------------------------------------------------------------------- */
/* maps                                                                                 */

/** BPF_BTF_LOAD: the fd of a BTF object; the verifier's log is in the error. */
export function btfLoad(btf: Buffer): number {
  const log = Buffer.alloc(64 * 1024);
  const r = bpfRaw(BpfCmd.BTF_LOAD, encodeBtfLoad(addr(btf), btf.length, addr(log), log.length));
  if (r < 0) throw new SysError("BPF_BTF_LOAD", -r, cstrOf(log));
  return r;
}

function cstrOf(b: Buffer): string {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString("utf8");
}

export function mapCreate(a: MapCreateArgs): number {
  return bpf(BpfCmd.MAP_CREATE, encodeMapCreate(a), `BPF_MAP_CREATE (${a.name ?? "map"})`);
}

/** Returns false when the key is absent (ENOENT). */
export function mapLookup(fd: number, key: Buffer, value: Buffer): boolean {
  const a = encodeMapElem(fd, addr(key), addr(value));
  const r = bpfRaw(BpfCmd.MAP_LOOKUP_ELEM, a);
  if (r === -Errno.ENOENT) return false;
  if (r < 0) throw new SysError("BPF_MAP_LOOKUP_ELEM", -r);
  return true;
}

export function mapUpdate(fd: number, key: Buffer, value: Buffer, flags = 0): void {
  bpf(
    BpfCmd.MAP_UPDATE_ELEM,
    encodeMapElem(fd, addr(key), addr(value), BigInt(flags)),
    "BPF_MAP_UPDATE_ELEM",
    [key, value],
  );
}

/** Returns false when the key is absent. */
export function mapDelete(fd: number, key: Buffer): boolean {
  const r = bpfRaw(BpfCmd.MAP_DELETE_ELEM, encodeMapElem(fd, addr(key), 0n));
  if (r === -Errno.ENOENT) return false;
  if (r < 0) throw new SysError("BPF_MAP_DELETE_ELEM", -r);
  return true;
}

/** Writes the key after `key` (the first key when `key` is null) into `next`; false at the end. */
export function mapGetNextKey(fd: number, key: Buffer | null, next: Buffer): boolean {
  const r = bpfRaw(BpfCmd.MAP_GET_NEXT_KEY, encodeMapElem(fd, addr(key), addr(next)));
  if (r === -Errno.ENOENT) return false;
  if (r < 0) throw new SysError("BPF_MAP_GET_NEXT_KEY", -r);
  return true;
}

/* ---------------------------------------------------------------------------------- */
/* programs                                                                             */

export interface ProgLoadOptions {
  progType: number;
  expectedAttachType?: number;
  /** fentry/fexit: the traced function's BTF id in vmlinux. */
  attachBtfId?: number;
  name?: string;
  license?: string;
  /** eBPF instructions (8 bytes each). */
  insns?: Buffer;
  /**
   * Native image + entry name + map fds in `.iu.maps` order. `image` is a signed `*.iu` file
   * whose trailer is split off here, or, with `signature`, the bare ELF bytes.
   */
  native?: { image: Buffer; signature?: Buffer; keyringId?: number; entry: string; mapFds: number[] };
  /** 0: no log on the first try, retry with level 1 on failure (libbpf's way). */
  logLevel?: number;
  logSize?: number;
}

export interface ProgLoadResult {
  fd: number;
  log: string;
}

/** The ELF bytes and their PKCS#7 signature (empty if there is none: the kernel says so). */
function nativeParts(n: { image: Buffer; signature?: Buffer }): { elf: Buffer; sig: Buffer } {
  if (n.signature) return { elf: n.image, sig: n.signature };
  const { elf, signature } = splitSignedImage(n.image);
  return { elf: Buffer.from(elf), sig: signature ? Buffer.from(signature.pkcs7) : Buffer.alloc(0) };
}

/** BPF_PROG_LOAD for eBPF instructions or a signed native image (BPF_F_IU_NATIVE). */
export function progLoad(o: ProgLoadOptions): ProgLoadResult {
  const license = cString(o.license ?? "GPL");
  const mapFds = Buffer.alloc(Math.max(4, (o.native?.mapFds.length ?? 0) * 4));
  o.native?.mapFds.forEach((fd, i) => mapFds.writeInt32LE(fd, i * 4));
  const entry = o.native ? cString(o.native.entry) : null;
  const signed = o.native ? nativeParts(o.native) : null;
  const attempt = (level: number, size: number): { r: number; log: string } => {
    const log = level > 0 ? Buffer.alloc(size) : null;
    const a = encodeProgLoad({
      progType: o.progType,
      expectedAttachType: o.expectedAttachType ?? 0,
      attachBtfId: o.attachBtfId,
      name: o.name ?? o.native?.entry ?? "",
      license: addr(license),
      insns: o.insns ? { ptr: addr(o.insns), count: o.insns.length / 8 } : undefined,
      log: log ? { ptr: addr(log), size, level } : undefined,
      native: o.native
        ? {
            image: addr(signed!.elf),
            imageLen: signed!.elf.length,
            signature: signed!.sig.length ? addr(signed!.sig) : 0n,
            signatureLen: signed!.sig.length,
            keyringId: o.native.keyringId,
            mapFds: o.native.mapFds.length ? addr(mapFds) : 0n,
            mapFdCnt: o.native.mapFds.length,
            entry: addr(entry),
          }
        : undefined,
    });
    const r = bpfRaw(BpfCmd.PROG_LOAD, a);
    const text = log ? log.subarray(0, Math.max(0, log.indexOf(0))).toString("utf8") : "";
    return { r, log: text };
  };
  const size = o.logSize ?? 1 << 20;
  let { r, log } = attempt(o.logLevel ?? 0, size);
  // A missing capability fails before any log is written; a native load may be refused
  // with EPERM by its own checks (the signing keyring), which say why in the log.
  if (r < 0 && !o.logLevel && (-r !== Errno.EPERM || o.native)) {
    const retry = attempt(1, size);
    if (retry.log) log = retry.log;
    if (retry.r >= 0) r = retry.r;
  }
  const what = o.native ? `native '${o.native.entry}'` : (o.name ?? "eBPF");
  if (r === -Errno.E2BIG && o.native && !log)
    log =
      "E2BIG for a native load: this kernel does not know the native-image fields of BPF_PROG_LOAD (boot the project's kernel: iu vm run)";
  if (r < 0) throw new SysError(`BPF_PROG_LOAD (${what})`, -r, log);
  return { fd: r, log };
}

export interface TestRunOptions {
  data?: Buffer;
  ctx?: Buffer;
  repeat?: number;
  /** Capacity of the output buffers (default: input size + 4096). */
  dataOutSize?: number;
  ctxOutSize?: number;
  flags?: number;
  cpu?: number;
}

export interface TestRunResult {
  retval: number;
  /** Mean nanoseconds per run as measured by the kernel (`duration`). */
  duration: number;
  dataOut: Buffer;
  ctxOut: Buffer;
}

export function progTestRun(progFd: number, o: TestRunOptions): TestRunResult {
  const dataOut = o.data ? Buffer.alloc(o.dataOutSize ?? o.data.length + 4096) : null;
  const ctxOut = o.ctx && o.ctxOutSize !== 0 ? Buffer.alloc(o.ctxOutSize ?? o.ctx.length) : null;
  const repeat = o.repeat ?? 1;
  const a = encodeTestRun({
    progFd,
    dataIn: o.data ? { ptr: addr(o.data), size: o.data.length } : undefined,
    dataOut: dataOut ? { ptr: addr(dataOut), size: dataOut.length } : undefined,
    ctxIn: o.ctx ? { ptr: addr(o.ctx), size: o.ctx.length } : undefined,
    ctxOut: ctxOut ? { ptr: addr(ctxOut), size: ctxOut.length } : undefined,
    repeat,
    flags: o.flags ?? 0,
    cpu: o.cpu ?? 0,
  });
  bpf(BpfCmd.PROG_TEST_RUN, a, "BPF_PROG_TEST_RUN", [o.data, o.ctx, dataOut, ctxOut]);
  const d = decodeTestRun(a);
  return {
    retval: d.retval,
    duration: d.duration,
    dataOut: dataOut
      ? Buffer.from(dataOut.subarray(0, Math.min(d.dataSizeOut, dataOut.length)))
      : Buffer.alloc(0),
    ctxOut: ctxOut ? Buffer.from(ctxOut.subarray(0, Math.min(d.ctxSizeOut, ctxOut.length))) : Buffer.alloc(0),
  };
}

/* ---------------------------------------------------------------------------------- */
/* objects: pin, get, ids, info                                                         */

export function objPin(fd: number, path: string): void {
  const p = cString(path);
  bpf(BpfCmd.OBJ_PIN, encodeObjPin(addr(p), fd), `BPF_OBJ_PIN ${path}`, [p]);
}

export function objGet(path: string): number {
  const p = cString(path);
  return bpf(BpfCmd.OBJ_GET, encodeObjPin(addr(p), 0), `BPF_OBJ_GET ${path}`, [p]);
}

export type ObjKind = "prog" | "map" | "link";
const nextIdCmd = {
  prog: BpfCmd.PROG_GET_NEXT_ID,
  map: BpfCmd.MAP_GET_NEXT_ID,
  link: BpfCmd.LINK_GET_NEXT_ID,
};
const fdByIdCmd = {
  prog: BpfCmd.PROG_GET_FD_BY_ID,
  map: BpfCmd.MAP_GET_FD_BY_ID,
  link: BpfCmd.LINK_GET_FD_BY_ID,
};

/** All ids of one kind of object, ascending. */
export function listIds(kind: ObjKind): number[] {
  const ids: number[] = [];
  let id = 0;
  for (;;) {
    const a = encodeGetId(id);
    const r = bpfRaw(nextIdCmd[kind], a);
    if (r === -Errno.ENOENT) return ids;
    if (r < 0) throw new SysError(`BPF_${kind.toUpperCase()}_GET_NEXT_ID`, -r);
    id = a.readUInt32LE(4);
    ids.push(id);
  }
}

export function fdById(kind: ObjKind, id: number): number {
  return bpf(fdByIdCmd[kind], encodeGetId(id), `BPF_${kind.toUpperCase()}_GET_FD_BY_ID ${id}`);
}

/** BPF_OBJ_GET_INFO_BY_FD into `info` (its length is the size we claim to know). */
export function objInfo(fd: number, info: Buffer): number {
  const a = encodeInfoByFd(fd, addr(info), info.length);
  bpf(BpfCmd.OBJ_GET_INFO_BY_FD, a, "BPF_OBJ_GET_INFO_BY_FD", [info]);
  return a.readUInt32LE(4);
}

/* ---------------------------------------------------------------------------------- */
/* links and attachment                                                                 */

export function linkCreate(a: LinkCreateArgs, what: string): number {
  return bpf(BpfCmd.LINK_CREATE, encodeLinkCreate(a), `BPF_LINK_CREATE (${what})`);
}

export function linkDetach(linkFd: number): void {
  bpf(BpfCmd.LINK_DETACH, encodeLinkDetach(linkFd), "BPF_LINK_DETACH");
}

export function rawTracepointOpen(name: string, progFd: number): number {
  const n = cString(name);
  return bpf(
    BpfCmd.RAW_TRACEPOINT_OPEN,
    encodeRawTpOpen(addr(n), progFd),
    `BPF_RAW_TRACEPOINT_OPEN ${name}`,
    [n],
  );
}

/** BPF_ENABLE_STATS(BPF_STATS_RUN_TIME): returns an fd; run_time_ns/run_cnt count while it is open. */
export function enableStats(): number {
  return bpf(BpfCmd.ENABLE_STATS, encodeEnableStats(0), "BPF_ENABLE_STATS");
}

/* ---------------------------------------------------------------------------------- */
/* perf events, ioctl, mmap                                                             */

export type PerfEventOpenArgs = PerfAttrArgs;

/** perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC). `keep` holds buffers config1 points to. */
export function perfEventOpen(
  a: PerfEventOpenArgs,
  pid: number,
  cpu: number,
  what: string,
  keep: unknown[] = [],
): number {
  const c = sys();
  const attr = encodePerfAttr(a);
  const r = Number(c.perfEventOpen(SysNr.PERF_EVENT_OPEN, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC));
  const errno = r < 0 ? c.koffi.errno() : 0;
  void keep;
  if (r < 0) throw new SysError(`perf_event_open (${what})`, errno);
  return r;
}

/** ioctl(fd, req, arg) with an integer argument; `what` names the request in the error. */
export function ioctl(fd: number, req: number, arg: number, what: string): number {
  const c = sys();
  const r = c.ioctl(fd, req, arg);
  if (r < 0) throw new SysError(`ioctl(${what})`, c.koffi.errno());
  return r;
}

export function perfEventEnable(fd: number): void {
  ioctl(fd, PERF_EVENT_IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE");
}

/** The pre-link way to attach: ioctl(PERF_EVENT_IOC_SET_BPF, prog_fd). */
export function perfEventSetBpf(fd: number, progFd: number): void {
  ioctl(fd, PERF_EVENT_IOC_SET_BPF, progFd, "PERF_EVENT_IOC_SET_BPF");
}

/** A mapping made by `mmap()`: its bytes are `buffer` until `munmap()`. */
export interface Mapping {
  /** koffi's pointer to the first byte, for munmap. */
  readonly ptr: unknown;
  readonly length: number;
  readonly buffer: ArrayBuffer;
}

/** mmap(NULL, length, prot, flags, fd, offset); `what` names the mapping in the error. */
export function mmap(
  length: number,
  prot: number,
  flags: number,
  fd: number,
  offset: number,
  what: string,
): Mapping {
  const c = sys();
  const ptr = c.mmap(null, length, prot, flags, fd, offset);
  const a = ptr === null ? 0n : c.koffi.address(ptr);
  if (a === 0n || a === 0xffffffffffffffffn /* MAP_FAILED */)
    throw new SysError(`mmap (${what})`, c.koffi.errno());
  return { ptr, length, buffer: c.koffi.view(ptr, length) };
}

export function munmap(m: Mapping): void {
  const c = sys();
  if (c.munmap(m.ptr, m.length) < 0) throw new SysError("munmap", c.koffi.errno());
}

/* ---------------------------------------------------------------------------------- */
/* processes                                                                            */

/** The real getpid(2): every call enters the kernel (fires sys_enter_getpid, __x64_sys_getpid). */
export function getpid(): number {
  return sys().getpid();
}

/**
 * The real getpgid(2); `undefined` when there is no such process (ESRCH), which the
 * runtime tests rely on to make a system call that does nothing.
 */
export function getpgid(pid: number): number | undefined {
  const c = sys();
  const r = c.getpgid(pid);
  if (r >= 0) return r;
  const errno = c.koffi.errno();
  if (errno === Errno.ESRCH) return undefined;
  throw new SysError(`getpgid ${pid}`, errno);
}

export { BPF_ATTR_SIZE };

/* ---------------------------------------------------------------------------------- */
/* sockets of other processes                                                           */

function check(rc: number, op: string): number {
  if (rc < 0) {
    const e = sys().koffi.errno();
    throw new SysError(op, e);
  }
  return rc;
}

/** A duplicate of file descriptor `fd` of process `pid` (pidfd_open + pidfd_getfd). */
export function pidGetFd(pid: number, fd: number): number {
  const l = sys();
  const pidfd = check(l.pidfd(SysNr.PIDFD_OPEN, pid, 0, 0), `pidfd_open(${pid})`);
  try {
    return check(l.pidfd(SysNr.PIDFD_GETFD, pidfd, fd, 0), `pidfd_getfd(pid ${pid}, fd ${fd})`);
  } finally {
    l.close(pidfd);
  }
}

/** setsockopt(2) with an int value. */
export function setsockoptInt(fd: number, level: number, name: number, value: number, op: string): void {
  const v = Buffer.alloc(4);
  v.writeInt32LE(value);
  check(sys().setsockopt(fd, level, name, v, 4), op);
}
