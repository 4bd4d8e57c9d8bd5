/**
 * `union bpf_attr` and `struct perf_event_attr` encoders: pure functions from typed
 * arguments to the little-endian bytes the kernel reads. No FFI here, so this file is
 * testable anywhere; pointers arrive as bigint user addresses (see `sys.ts`).
 *
 * Every offset below was checked against Linux 6.12's `include/uapi/linux/bpf.h` and
 * `include/uapi/linux/perf_event.h` with `offsetof()` in a throw-away C program
 * (x86-64; the union is the same on every 64-bit little-endian architecture).
 * docs/LOADER.md repeats the table.
 */
// The type names are the spec's (src/object): one table for inspect and the loader.
export { PROG_TYPE_NAMES as progTypeNames, MAP_TYPE_NAMES as mapTypeNames } from "../object/image.js";

/** `enum bpf_cmd` values used by the loader. */
export const BpfCmd = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_DELETE_ELEM: 3,
  MAP_GET_NEXT_KEY: 4,
  PROG_LOAD: 5,
  OBJ_PIN: 6,
  OBJ_GET: 7,
  PROG_TEST_RUN: 10,
  PROG_GET_NEXT_ID: 11,
  MAP_GET_NEXT_ID: 12,
  PROG_GET_FD_BY_ID: 13,
  MAP_GET_FD_BY_ID: 14,
  OBJ_GET_INFO_BY_FD: 15,
  RAW_TRACEPOINT_OPEN: 17,
  BTF_LOAD: 18,
  LINK_CREATE: 28,
  LINK_GET_FD_BY_ID: 30,
  LINK_GET_NEXT_ID: 31,
  ENABLE_STATS: 32,
  LINK_DETACH: 34,
} as const;

/** `enum bpf_prog_type` values of the hooks the project supports. */
export const ProgType = {
  UNSPEC: 0,
  SOCKET_FILTER: 1,
  KPROBE: 2,
  SCHED_CLS: 3,
  SCHED_ACT: 4,
  TRACEPOINT: 5,
  XDP: 6,
  PERF_EVENT: 7,
  RAW_TRACEPOINT: 17,
} as const;

/** `enum bpf_attach_type` values the loader uses. */
export const AttachType = {
  NONE: 0,
  XDP: 37,
  PERF_EVENT: 41,
  TCX_INGRESS: 46,
  TCX_EGRESS: 47,
} as const;

/** `enum bpf_link_type`. */
export const LinkType = {
  UNSPEC: 0,
  RAW_TRACEPOINT: 1,
  TRACING: 2,
  CGROUP: 3,
  ITER: 4,
  NETNS: 5,
  XDP: 6,
  PERF_EVENT: 7,
  KPROBE_MULTI: 8,
  STRUCT_OPS: 9,
  NETFILTER: 10,
  TCX: 11,
  UPROBE_MULTI: 12,
  NETKIT: 13,
  SOCKMAP: 14,
} as const;

export const linkTypeNames: Record<number, string> = Object.fromEntries(
  Object.entries(LinkType).map(([k, v]) => [v, k.toLowerCase()]),
);

/** Map types whose values are per possible CPU (user space sees `round8(value_size) * ncpu`). */
export const PERCPU_MAP_TYPES = new Set([5, 6, 10, 21]);

/**
 * `BPF_F_IU_NATIVE`: prog_flags bit that selects the signed native image path. Bit 30,
 * not 16: bit 16 is BPF_F_TOKEN_FD in 6.12 (docs/IMAGE-FORMAT.md).
 */
export const BPF_F_IU_NATIVE = 2 ** 30;

/** Update flags for BPF_MAP_UPDATE_ELEM. */
export const UpdateFlags = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/**
 * Size of `union bpf_attr` in stock 6.12 (the `BPF_PROG_LOAD` member is the largest and
 * ends with `prog_token_fd` at 144). The kernel accepts a larger size only when the
 * extra bytes are zero, so every command but a native load passes this size.
 */
export const BPF_ATTR_SIZE = 152;
/** Size with the native-image fields appended after `prog_token_fd`. */
export const BPF_ATTR_SIZE_IU = 184;

/** Offsets inside `union bpf_attr`, by command (bytes). */
export const Off = {
  mapCreate: {
    map_type: 0,
    key_size: 4,
    value_size: 8,
    max_entries: 12,
    map_flags: 16,
    inner_map_fd: 20,
    numa_node: 24,
    map_name: 28, // char[16]
    map_ifindex: 44,
    btf_fd: 48,
    btf_key_type_id: 52,
    btf_value_type_id: 56,
  },
  btfLoad: { btf: 0, btf_log_buf: 8, btf_size: 16, btf_log_size: 20, btf_log_level: 24 },
  mapElem: { map_fd: 0, key: 8, value: 16, next_key: 16, flags: 24 },
  progLoad: {
    prog_type: 0,
    insn_cnt: 4,
    insns: 8,
    license: 16,
    log_level: 24,
    log_size: 28,
    log_buf: 32,
    kern_version: 40,
    prog_flags: 44,
    prog_name: 48, // char[16]
    prog_ifindex: 64,
    expected_attach_type: 68,
    log_true_size: 140,
    prog_token_fd: 144,
    // Inner Unikernels extension (docs/IMAGE-FORMAT.md "Loading: the UAPI"):
    iu_image: 152, // __aligned_u64 after the 4-byte prog_token_fd + 4 bytes padding
    iu_image_len: 160,
    iu_map_fd_cnt: 164,
    iu_map_fds: 168,
    iu_prog_name: 176, // end = 184
  },
  objPin: { pathname: 0, bpf_fd: 8, file_flags: 12, path_fd: 16 },
  testRun: {
    prog_fd: 0,
    retval: 4,
    data_size_in: 8,
    data_size_out: 12,
    data_in: 16,
    data_out: 24,
    repeat: 32,
    duration: 36,
    ctx_size_in: 40,
    ctx_size_out: 44,
    ctx_in: 48,
    ctx_out: 56,
    flags: 64,
    cpu: 68,
    batch_size: 72,
  },
  getId: { start_id: 0, next_id: 4, open_flags: 8 },
  info: { bpf_fd: 0, info_len: 4, info: 8 },
  rawTp: { name: 0, prog_fd: 8, cookie: 16 },
  linkCreate: {
    prog_fd: 0,
    target_fd: 4, // union with target_ifindex
    attach_type: 8,
    flags: 12,
    perf_cookie: 16,
    tcx_relative_fd: 16,
    tcx_expected_revision: 24,
  },
  linkDetach: { link_fd: 0 },
  enableStats: { type: 0 },
} as const;

function attr(size = BPF_ATTR_SIZE): Buffer {
  return Buffer.alloc(size);
}

function putName(buf: Buffer, off: number, name: string): void {
  // char[16] (BPF_OBJ_NAME_LEN): at most 15 bytes + NUL; the kernel accepts [A-Za-z0-9_.].
  const clean = name.replace(/[^A-Za-z0-9_.]/g, "_").slice(0, 15);
  buf.write(clean, off, 15, "latin1");
}

export interface MapCreateArgs {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags?: number;
  name?: string;
  /** BTF describing key and value (needed for values with special fields). */
  btf?: { fd: number; keyTypeId: number; valueTypeId: number };
}

/** BPF_BTF_LOAD of `btf` at user address `ptr`, with a log buffer. */
export function encodeBtfLoad(ptr: bigint, size: number, log: bigint, logSize: number): Buffer {
  const b = attr();
  const o = Off.btfLoad;
  b.writeBigUInt64LE(ptr, o.btf);
  b.writeBigUInt64LE(log, o.btf_log_buf);
  b.writeUInt32LE(size, o.btf_size);
  b.writeUInt32LE(logSize, o.btf_log_size);
  b.writeUInt32LE(logSize ? 1 : 0, o.btf_log_level);
  return b;
}

export function encodeMapCreate(a: MapCreateArgs): Buffer {
  const b = attr();
  const o = Off.mapCreate;
  b.writeUInt32LE(a.mapType, o.map_type);
  b.writeUInt32LE(a.keySize, o.key_size);
  b.writeUInt32LE(a.valueSize, o.value_size);
  b.writeUInt32LE(a.maxEntries, o.max_entries);
  b.writeUInt32LE(a.mapFlags ?? 0, o.map_flags);
  if (a.name) putName(b, o.map_name, a.name);
  if (a.btf) {
    b.writeUInt32LE(a.btf.fd, o.btf_fd);
    b.writeUInt32LE(a.btf.keyTypeId, o.btf_key_type_id);
    b.writeUInt32LE(a.btf.valueTypeId, o.btf_value_type_id);
  }
  return b;
}

/** BPF_MAP_LOOKUP_ELEM / UPDATE / DELETE / GET_NEXT_KEY share one layout. */
export function encodeMapElem(mapFd: number, key: bigint, valueOrNext: bigint, flags = 0n): Buffer {
  const b = attr();
  const o = Off.mapElem;
  b.writeUInt32LE(mapFd, o.map_fd);
  b.writeBigUInt64LE(key, o.key);
  b.writeBigUInt64LE(valueOrNext, o.value);
  b.writeBigUInt64LE(flags, o.flags);
  return b;
}

export interface ProgLoadArgs {
  progType: number;
  expectedAttachType?: number;
  progFlags?: number;
  name?: string;
  license: bigint; // pointer to NUL-terminated string
  insns?: { ptr: bigint; count: number };
  log?: { ptr: bigint; size: number; level: number };
  /** The native image: pointers to the image, the u32 fd array and the entry name. */
  native?: { image: bigint; imageLen: number; mapFds: bigint; mapFdCnt: number; progName: bigint };
}

export function encodeProgLoad(a: ProgLoadArgs): Buffer {
  const b = attr(a.native ? BPF_ATTR_SIZE_IU : BPF_ATTR_SIZE);
  const o = Off.progLoad;
  b.writeUInt32LE(a.progType, o.prog_type);
  if (a.insns) {
    b.writeUInt32LE(a.insns.count, o.insn_cnt);
    b.writeBigUInt64LE(a.insns.ptr, o.insns);
  }
  b.writeBigUInt64LE(a.license, o.license);
  if (a.log) {
    b.writeUInt32LE(a.log.level, o.log_level);
    b.writeUInt32LE(a.log.size, o.log_size);
    b.writeBigUInt64LE(a.log.ptr, o.log_buf);
  }
  let flags = a.progFlags ?? 0;
  if (a.native) flags |= BPF_F_IU_NATIVE;
  b.writeUInt32LE(flags >>> 0, o.prog_flags);
  if (a.name) putName(b, o.prog_name, a.name);
  b.writeUInt32LE(a.expectedAttachType ?? 0, o.expected_attach_type);
  if (a.native) {
    b.writeBigUInt64LE(a.native.image, o.iu_image);
    b.writeUInt32LE(a.native.imageLen, o.iu_image_len);
    b.writeUInt32LE(a.native.mapFdCnt, o.iu_map_fd_cnt);
    b.writeBigUInt64LE(a.native.mapFds, o.iu_map_fds);
    b.writeBigUInt64LE(a.native.progName, o.iu_prog_name);
  }
  return b;
}

export function encodeObjPin(pathname: bigint, fd: number, fileFlags = 0): Buffer {
  const b = attr();
  b.writeBigUInt64LE(pathname, Off.objPin.pathname);
  b.writeUInt32LE(fd, Off.objPin.bpf_fd);
  b.writeUInt32LE(fileFlags, Off.objPin.file_flags);
  return b;
}

export interface TestRunArgs {
  progFd: number;
  dataIn?: { ptr: bigint; size: number };
  dataOut?: { ptr: bigint; size: number };
  ctxIn?: { ptr: bigint; size: number };
  ctxOut?: { ptr: bigint; size: number };
  repeat?: number;
  flags?: number;
  cpu?: number;
}

export function encodeTestRun(a: TestRunArgs): Buffer {
  const b = attr();
  const o = Off.testRun;
  b.writeUInt32LE(a.progFd, o.prog_fd);
  if (a.dataIn) {
    b.writeUInt32LE(a.dataIn.size, o.data_size_in);
    b.writeBigUInt64LE(a.dataIn.ptr, o.data_in);
  }
  if (a.dataOut) {
    b.writeUInt32LE(a.dataOut.size, o.data_size_out);
    b.writeBigUInt64LE(a.dataOut.ptr, o.data_out);
  }
  if (a.ctxIn) {
    b.writeUInt32LE(a.ctxIn.size, o.ctx_size_in);
    b.writeBigUInt64LE(a.ctxIn.ptr, o.ctx_in);
  }
  if (a.ctxOut) {
    b.writeUInt32LE(a.ctxOut.size, o.ctx_size_out);
    b.writeBigUInt64LE(a.ctxOut.ptr, o.ctx_out);
  }
  b.writeUInt32LE(a.repeat ?? 0, o.repeat);
  b.writeUInt32LE(a.flags ?? 0, o.flags);
  b.writeUInt32LE(a.cpu ?? 0, o.cpu);
  return b;
}

/** What the kernel writes back into the test-run attr. */
export function decodeTestRun(b: Buffer): {
  retval: number;
  duration: number;
  dataSizeOut: number;
  ctxSizeOut: number;
} {
  const o = Off.testRun;
  return {
    retval: b.readUInt32LE(o.retval),
    duration: b.readUInt32LE(o.duration),
    dataSizeOut: b.readUInt32LE(o.data_size_out),
    ctxSizeOut: b.readUInt32LE(o.ctx_size_out),
  };
}

/** BPF_{PROG,MAP,LINK}_GET_NEXT_ID (start_id) and _GET_FD_BY_ID (the id at the same offset). */
export function encodeGetId(id: number, openFlags = 0): Buffer {
  const b = attr();
  b.writeUInt32LE(id, Off.getId.start_id);
  b.writeUInt32LE(openFlags, Off.getId.open_flags);
  return b;
}

export function encodeInfoByFd(fd: number, info: bigint, infoLen: number): Buffer {
  const b = attr();
  b.writeUInt32LE(fd, Off.info.bpf_fd);
  b.writeUInt32LE(infoLen, Off.info.info_len);
  b.writeBigUInt64LE(info, Off.info.info);
  return b;
}

export function encodeRawTpOpen(name: bigint, progFd: number): Buffer {
  const b = attr();
  b.writeBigUInt64LE(name, Off.rawTp.name);
  b.writeUInt32LE(progFd, Off.rawTp.prog_fd);
  return b;
}

export interface LinkCreateArgs {
  progFd: number;
  /** target fd (perf event fd) or ifindex (XDP, tcx): the same u32 in the union. */
  target: number;
  attachType: number;
  flags?: number;
  perfCookie?: bigint;
}

export function encodeLinkCreate(a: LinkCreateArgs): Buffer {
  const b = attr();
  const o = Off.linkCreate;
  b.writeUInt32LE(a.progFd, o.prog_fd);
  b.writeUInt32LE(a.target, o.target_fd);
  b.writeUInt32LE(a.attachType, o.attach_type);
  b.writeUInt32LE(a.flags ?? 0, o.flags);
  if (a.perfCookie !== undefined) b.writeBigUInt64LE(a.perfCookie, o.perf_cookie);
  return b;
}

export function encodeLinkDetach(linkFd: number): Buffer {
  const b = attr();
  b.writeUInt32LE(linkFd, Off.linkDetach.link_fd);
  return b;
}

export function encodeEnableStats(type = 0 /* BPF_STATS_RUN_TIME */): Buffer {
  const b = attr();
  b.writeUInt32LE(type, Off.enableStats.type);
  return b;
}

/* ---------------------------------------------------------------------------------- */
/* info structs (OBJ_GET_INFO_BY_FD output)                                             */

function cstr(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return s.subarray(0, z < 0 ? len : z).toString("latin1");
}

/** `struct bpf_prog_info` is 232 bytes in 6.12. */
export const PROG_INFO_SIZE = 232;
export interface ProgInfo {
  type: number;
  id: number;
  tag: string;
  jitedLen: number;
  xlatedLen: number;
  loadTime: bigint;
  uid: number;
  nrMapIds: number;
  mapIds: number[];
  name: string;
  ifindex: number;
  runTimeNs: bigint;
  runCnt: bigint;
}

export function decodeProgInfo(b: Buffer, mapIds: Buffer | null = null): ProgInfo {
  const nr = b.readUInt32LE(52);
  const ids: number[] = [];
  if (mapIds) for (let i = 0; i < Math.min(nr, mapIds.length / 4); i++) ids.push(mapIds.readUInt32LE(i * 4));
  return {
    type: b.readUInt32LE(0),
    id: b.readUInt32LE(4),
    tag: b.subarray(8, 16).toString("hex"),
    jitedLen: b.readUInt32LE(16),
    xlatedLen: b.readUInt32LE(20),
    loadTime: b.readBigUInt64LE(40),
    uid: b.readUInt32LE(48),
    nrMapIds: nr,
    mapIds: ids,
    name: cstr(b, 64, 16),
    ifindex: b.readUInt32LE(80),
    runTimeNs: b.readBigUInt64LE(192),
    runCnt: b.readBigUInt64LE(200),
  };
}
/** Offsets in bpf_prog_info of the in/out map-id array: nr_map_ids u32 @52, map_ids u64 @56. */
export const PROG_INFO_NR_MAP_IDS = 52;
export const PROG_INFO_MAP_IDS = 56;

/** `struct bpf_map_info` is 88 bytes in 6.12. */
export const MAP_INFO_SIZE = 88;
export interface MapInfo {
  type: number;
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
}

export function decodeMapInfo(b: Buffer): MapInfo {
  return {
    type: b.readUInt32LE(0),
    id: b.readUInt32LE(4),
    keySize: b.readUInt32LE(8),
    valueSize: b.readUInt32LE(12),
    maxEntries: b.readUInt32LE(16),
    flags: b.readUInt32LE(20),
    name: cstr(b, 24, 16),
  };
}

/** `struct bpf_link_info` is 64 bytes in 6.12; the type-specific union starts at 16. */
export const LINK_INFO_SIZE = 64;
export interface LinkInfo {
  type: number;
  id: number;
  progId: number;
  /** XDP / tcx: ifindex. */
  ifindex?: number;
  /** tcx: attach type (ingress 46, egress 47). */
  attachType?: number;
  /** raw_tracepoint: tp_name pointer was left 0, so only the length is known. */
  perfEventType?: number;
}

export function decodeLinkInfo(b: Buffer): LinkInfo {
  const info: LinkInfo = { type: b.readUInt32LE(0), id: b.readUInt32LE(4), progId: b.readUInt32LE(8) };
  if (info.type === LinkType.XDP) info.ifindex = b.readUInt32LE(16);
  if (info.type === LinkType.TCX) {
    info.ifindex = b.readUInt32LE(16);
    info.attachType = b.readUInt32LE(20);
  }
  if (info.type === LinkType.PERF_EVENT) info.perfEventType = b.readUInt32LE(16);
  return info;
}

/* ---------------------------------------------------------------------------------- */
/* perf_event_open                                                                      */

export const PerfType = {
  HARDWARE: 0,
  SOFTWARE: 1,
  TRACEPOINT: 2,
  HW_CACHE: 3,
  RAW: 4,
  BREAKPOINT: 5,
} as const;

/** `PERF_COUNT_SW_*` by the names `perf list` uses. */
export const softwareEvents: Record<string, number> = {
  "cpu-clock": 0,
  "task-clock": 1,
  "page-faults": 2,
  faults: 2,
  "context-switches": 3,
  cs: 3,
  "cpu-migrations": 4,
  migrations: 4,
  "minor-faults": 5,
  "major-faults": 6,
  "alignment-faults": 7,
  "emulation-faults": 8,
  dummy: 9,
};

/** `PERF_COUNT_HW_*`: only usable where the CPU exposes a PMU (not under QEMU TCG). */
export const hardwareEvents: Record<string, number> = {
  "cpu-cycles": 0,
  cycles: 0,
  instructions: 1,
  "cache-references": 2,
  "cache-misses": 3,
  "branch-instructions": 4,
  branches: 4,
  "branch-misses": 5,
  "bus-cycles": 6,
};

/**
 * `struct perf_event_attr` (PERF_ATTR_SIZE_VER7 = 128 bytes): type u32 @0, size u32 @4,
 * config u64 @8, sample_period/sample_freq u64 @16, sample_type u64 @24, read_format u64
 * @32, the flag bit-field u64 @40 (bit 0 disabled, bit 10 freq), wakeup_events u32 @48,
 * bp_type u32 @52, config1 (kprobe_func pointer) u64 @56, config2 (probe offset) u64 @64.
 */
export const PERF_ATTR_SIZE = 128;
export interface PerfAttrArgs {
  type: number;
  config: bigint;
  samplePeriod?: bigint;
  sampleFreq?: bigint;
  config1?: bigint;
  config2?: bigint;
  disabled?: boolean;
}

export function encodePerfAttr(a: PerfAttrArgs): Buffer {
  const b = Buffer.alloc(PERF_ATTR_SIZE);
  b.writeUInt32LE(a.type, 0);
  b.writeUInt32LE(PERF_ATTR_SIZE, 4);
  b.writeBigUInt64LE(a.config, 8);
  let flags = 0n;
  if (a.disabled) flags |= 1n;
  if (a.sampleFreq !== undefined) {
    b.writeBigUInt64LE(a.sampleFreq, 16);
    flags |= 1n << 10n;
  } else {
    b.writeBigUInt64LE(a.samplePeriod ?? 1n, 16);
  }
  b.writeBigUInt64LE(flags, 40);
  b.writeUInt32LE(1, 48); // wakeup_events
  b.writeBigUInt64LE(a.config1 ?? 0n, 56);
  b.writeBigUInt64LE(a.config2 ?? 0n, 64);
  return b;
}

/** `_IO('$', 0)` / `_IO('$', 1)` / `_IOW('$', 8, __u32)`. */
export const PERF_EVENT_IOC_ENABLE = 0x2400;
export const PERF_EVENT_IOC_DISABLE = 0x2401;
export const PERF_EVENT_IOC_SET_BPF = 0x40042408;
export const PERF_FLAG_FD_CLOEXEC = 8;
