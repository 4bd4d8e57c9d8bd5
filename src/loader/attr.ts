/**
 * `union bpf_attr` and `struct perf_event_attr` encoders: pure functions from typed
 * arguments to the little-endian bytes the kernel reads. No FFI here, so this file is
 * testable anywhere; pointers arrive as bigint user addresses (see `sys.ts`).
 *
 * Every offset and enum value comes from `uapi.ts`, generated from the BTF of the project's
 * kernel (`iu gen uapi`); none is typed here.
 */
import { AttrOff, LinkType, MapType, PerfHwId, PerfSwId, Sizeof, StatsType, StructOff } from "../abi/uapi.js";

export { AttachType, BpfCmd, LinkType, MapType, PerfType, ProgType, StatsType } from "../abi/uapi.js";
// The type names are the spec's (src/object): one table for inspect and the loader.
export { PROG_TYPE_NAMES as progTypeNames, MAP_TYPE_NAMES as mapTypeNames } from "../object/image.js";

export const linkTypeNames: Record<number, string> = Object.fromEntries(
  Object.entries(LinkType).map(([k, v]) => [v, k.toLowerCase()]),
);

/** Map types whose values are per possible CPU (user space sees `round8(value_size) * ncpu`). */
export const PERCPU_MAP_TYPES = new Set<number>([
  MapType.PERCPU_HASH,
  MapType.PERCPU_ARRAY,
  MapType.LRU_PERCPU_HASH,
  MapType.PERCPU_CGROUP_STORAGE,
]);

/** `BPF_F_IU_NATIVE` (uapi/linux/bpf_iu.h; a macro, so not in BTF): bit 16 is BPF_F_TOKEN_FD. */
export const BPF_F_IU_NATIVE = 2 ** 30;

/** Update flags for BPF_MAP_UPDATE_ELEM. */
export const UpdateFlags = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/**
 * Size of `union bpf_attr` of the project's kernel. The kernel takes a smaller size and
 * zero-fills the rest, and a larger one only when the extra bytes are zero.
 */
export const BPF_ATTR_SIZE = Sizeof.bpf_attr;

/** Offsets inside `union bpf_attr`, by command (bytes). */
export const Off = AttrOff;

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
  attachBtfId?: number;
  progFlags?: number;
  name?: string;
  license: bigint; // pointer to NUL-terminated string
  insns?: { ptr: bigint; count: number };
  log?: { ptr: bigint; size: number; level: number };
  /** The native image: the ELF bytes, their signature, the u32 map fd array and the entry name. */
  native?: {
    image: bigint;
    imageLen: number;
    signature: bigint;
    signatureLen: number;
    /** 0: the kernel's trusted keyrings; else the keyring kernel.iu_keyring names. */
    keyringId?: number;
    mapFds: bigint;
    mapFdCnt: number;
    entry: bigint;
  };
}

export function encodeProgLoad(a: ProgLoadArgs): Buffer {
  const b = attr();
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
  b.writeUInt32LE(a.attachBtfId ?? 0, o.attach_btf_id);
  if (a.native) {
    b.writeBigUInt64LE(a.native.mapFds, o.fd_array);
    b.writeUInt32LE(a.native.mapFdCnt, o.fd_array_cnt);
    b.writeBigUInt64LE(a.native.signature, o.signature);
    b.writeUInt32LE(a.native.signatureLen, o.signature_size);
    b.writeInt32LE(a.native.keyringId ?? 0, o.keyring_id);
    b.writeBigUInt64LE(a.native.image, o.iu_image);
    b.writeUInt32LE(a.native.imageLen, o.iu_image_size);
    b.writeBigUInt64LE(a.native.entry, o.iu_entry);
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
  if (a.perfCookie !== undefined) b.writeBigUInt64LE(a.perfCookie, o.perf_event_bpf_cookie);
  return b;
}

export function encodeLinkDetach(linkFd: number): Buffer {
  const b = attr();
  b.writeUInt32LE(linkFd, Off.linkDetach.link_fd);
  return b;
}

export function encodeEnableStats(type: number = StatsType.RUN_TIME): Buffer {
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

export const PROG_INFO_SIZE = Sizeof.bpf_prog_info;
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
  /** The BTF id of an fentry/fexit program's function (0 for other programs). */
  attachBtfId: number;
}

export function decodeProgInfo(b: Buffer, mapIds: Buffer | null = null): ProgInfo {
  const o = StructOff.progInfo;
  const nr = b.readUInt32LE(o.nr_map_ids);
  const ids: number[] = [];
  if (mapIds) for (let i = 0; i < Math.min(nr, mapIds.length / 4); i++) ids.push(mapIds.readUInt32LE(i * 4));
  return {
    type: b.readUInt32LE(o.type),
    id: b.readUInt32LE(o.id),
    tag: b.subarray(o.tag, o.tag + 8).toString("hex"),
    jitedLen: b.readUInt32LE(o.jited_prog_len),
    xlatedLen: b.readUInt32LE(o.xlated_prog_len),
    loadTime: b.readBigUInt64LE(o.load_time),
    uid: b.readUInt32LE(o.created_by_uid),
    nrMapIds: nr,
    mapIds: ids,
    name: cstr(b, o.name, 16),
    ifindex: b.readUInt32LE(o.ifindex),
    runTimeNs: b.readBigUInt64LE(o.run_time_ns),
    runCnt: b.readBigUInt64LE(o.run_cnt),
    attachBtfId: b.readUInt32LE(o.attach_btf_id),
  };
}
/** The in/out map-id array of bpf_prog_info: count (u32) and user pointer (u64). */
export const PROG_INFO_NR_MAP_IDS = StructOff.progInfo.nr_map_ids;
export const PROG_INFO_MAP_IDS = StructOff.progInfo.map_ids;

export const MAP_INFO_SIZE = Sizeof.bpf_map_info;
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
  const o = StructOff.mapInfo;
  return {
    type: b.readUInt32LE(o.type),
    id: b.readUInt32LE(o.id),
    keySize: b.readUInt32LE(o.key_size),
    valueSize: b.readUInt32LE(o.value_size),
    maxEntries: b.readUInt32LE(o.max_entries),
    flags: b.readUInt32LE(o.map_flags),
    name: cstr(b, o.name, 16),
  };
}

export const LINK_INFO_SIZE = Sizeof.bpf_link_info;
export interface LinkInfo {
  type: number;
  id: number;
  progId: number;
  /** XDP / tcx: ifindex. */
  ifindex?: number;
  /** tcx: attach type (TCX_INGRESS or TCX_EGRESS). */
  attachType?: number;
  /** perf_event: enum bpf_perf_event_type. */
  perfEventType?: number;
}

export function decodeLinkInfo(b: Buffer): LinkInfo {
  const o = StructOff.linkInfo;
  const info: LinkInfo = {
    type: b.readUInt32LE(o.type),
    id: b.readUInt32LE(o.id),
    progId: b.readUInt32LE(o.prog_id),
  };
  if (info.type === LinkType.XDP) info.ifindex = b.readUInt32LE(o.xdp_ifindex);
  if (info.type === LinkType.TCX) {
    info.ifindex = b.readUInt32LE(o.tcx_ifindex);
    info.attachType = b.readUInt32LE(o.tcx_attach_type);
  }
  if (info.type === LinkType.PERF_EVENT) info.perfEventType = b.readUInt32LE(o.perf_event_type);
  return info;
}

/* ---------------------------------------------------------------------------------- */
/* perf_event_open                                                                      */

/** `PERF_COUNT_SW_*` by the names `perf list` uses. */
export const softwareEvents: Record<string, number> = {
  "cpu-clock": PerfSwId.CPU_CLOCK,
  "task-clock": PerfSwId.TASK_CLOCK,
  "page-faults": PerfSwId.PAGE_FAULTS,
  faults: PerfSwId.PAGE_FAULTS,
  "context-switches": PerfSwId.CONTEXT_SWITCHES,
  cs: PerfSwId.CONTEXT_SWITCHES,
  "cpu-migrations": PerfSwId.CPU_MIGRATIONS,
  migrations: PerfSwId.CPU_MIGRATIONS,
  "minor-faults": PerfSwId.PAGE_FAULTS_MIN,
  "major-faults": PerfSwId.PAGE_FAULTS_MAJ,
  "alignment-faults": PerfSwId.ALIGNMENT_FAULTS,
  "emulation-faults": PerfSwId.EMULATION_FAULTS,
  dummy: PerfSwId.DUMMY,
};

/** `PERF_COUNT_HW_*`: only usable where the CPU exposes a PMU (not under QEMU TCG). */
export const hardwareEvents: Record<string, number> = {
  "cpu-cycles": PerfHwId.CPU_CYCLES,
  cycles: PerfHwId.CPU_CYCLES,
  instructions: PerfHwId.INSTRUCTIONS,
  "cache-references": PerfHwId.CACHE_REFERENCES,
  "cache-misses": PerfHwId.CACHE_MISSES,
  "branch-instructions": PerfHwId.BRANCH_INSTRUCTIONS,
  branches: PerfHwId.BRANCH_INSTRUCTIONS,
  "branch-misses": PerfHwId.BRANCH_MISSES,
  "bus-cycles": PerfHwId.BUS_CYCLES,
};

/** `struct perf_event_attr` of the project's kernel (the kernel also takes older sizes). */
export const PERF_ATTR_SIZE = Sizeof.perf_event_attr;
export interface PerfAttrArgs {
  type: number;
  config: bigint;
  samplePeriod?: bigint;
  sampleFreq?: bigint;
  config1?: bigint;
  config2?: bigint;
  disabled?: boolean;
  /** `sample_type` bits: what a sample record carries (only output events sample). */
  sampleType?: bigint;
}

export function encodePerfAttr(a: PerfAttrArgs): Buffer {
  const o = StructOff.perfEventAttr;
  // The flag bitfields share one u64 that starts with `disabled`.
  const word = o.bits.disabled / 8;
  const bit = (name: keyof typeof o.bits) => 1n << BigInt(o.bits[name] - o.bits.disabled);
  const b = Buffer.alloc(PERF_ATTR_SIZE);
  b.writeUInt32LE(a.type, o.type);
  b.writeUInt32LE(PERF_ATTR_SIZE, o.size);
  b.writeBigUInt64LE(a.config, o.config);
  let flags = 0n;
  if (a.disabled) flags |= bit("disabled");
  if (a.sampleFreq !== undefined) {
    b.writeBigUInt64LE(a.sampleFreq, o.sample_freq);
    flags |= bit("freq");
  } else {
    b.writeBigUInt64LE(a.samplePeriod ?? 1n, o.sample_period);
  }
  b.writeBigUInt64LE(a.sampleType ?? 0n, o.sample_type);
  b.writeBigUInt64LE(flags, word);
  b.writeUInt32LE(1, o.wakeup_events);
  b.writeBigUInt64LE(a.config1 ?? 0n, o.config1);
  b.writeBigUInt64LE(a.config2 ?? 0n, o.config2);
  return b;
}

/** `_IO('$', 0)` / `_IO('$', 1)` / `_IOW('$', 8, __u32)`. */
export const PERF_EVENT_IOC_ENABLE = 0x2400;
export const PERF_EVENT_IOC_DISABLE = 0x2401;
export const PERF_EVENT_IOC_SET_BPF = 0x40042408;
export const PERF_FLAG_FD_CLOEXEC = 8;
