/**
 * BPF maps: create, open (by id, pinned path or fd), lookup/update/delete/iterate, pin.
 * Keys and values are raw bytes (Buffer); `value.ts` has the text codecs the CLI uses.
 */
import { readFileSync } from "node:fs";
import { IuError } from "../errors.js";
import {
  decodeMapInfo,
  MAP_INFO_SIZE,
  MapType,
  mapTypeNames,
  PERCPU_MAP_TYPES,
  type MapInfo,
} from "./attr.js";
import { spinLockedBtf } from "./btf.js";
import { splitPerCpu } from "./value.js";
import { IU_MAP_F_SPIN_LOCK, type MapDef } from "../object/image.js";
import {
  btfLoad,
  closeFd,
  fdById,
  listIds,
  mapCreate,
  mapDelete,
  mapGetNextKey,
  mapLookup,
  mapUpdate,
  objGet,
  objInfo,
  objPin,
} from "./sys.js";

const MAP_TYPE_ARRAY = MapType.ARRAY;
const DEVMAP_TYPES = new Set<number>([MapType.DEVMAP, MapType.DEVMAP_HASH]);
/** A map flag of an anonymous enum in uapi/linux/bpf.h (BTF keeps no name for it). */
const BPF_F_RDONLY_PROG = 1 << 7;

let possibleCpus: number | undefined;

/** Number of possible CPUs (`/sys/devices/system/cpu/possible`, e.g. "0-3"). */
export function numPossibleCpus(): number {
  if (possibleCpus !== undefined) return possibleCpus;
  const text = readFileSync("/sys/devices/system/cpu/possible", "utf8").trim();
  possibleCpus = parseCpuList(text).length;
  return possibleCpus;
}

/** "0-3,5" → [0,1,2,3,5]. */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

export class BpfMap {
  private closed = false;
  private constructor(
    readonly fd: number,
    readonly info: MapInfo,
  ) {}

  /**
   * BPF_MAP_CREATE from a declaration (an image's MapSpec or a hand-made one); the kernel
   * name is the first 15 bytes of `spec.name`. A value that starts with a bpf_spin_lock
   * gets BTF that says so.
   */
  static create(spec: MapDef): BpfMap {
    let btf: { fd: number; keyTypeId: number; valueTypeId: number } | undefined;
    if ((spec.iuFlags ?? 0) & IU_MAP_F_SPIN_LOCK) {
      const t = spinLockedBtf(spec.keySize, spec.valueSize, spec.mapType === MAP_TYPE_ARRAY);
      btf = { fd: btfLoad(t.btf), keyTypeId: t.keyTypeId, valueTypeId: t.valueTypeId };
    }
    try {
      const fd = mapCreate({
        mapType: spec.mapType,
        keySize: spec.keySize,
        valueSize: spec.valueSize,
        maxEntries: spec.maxEntries,
        // dev_map_alloc() adds BPF_F_RDONLY_PROG to every devmap but refuses it as a
        // creation flag; images declare the flags the map ends up with.
        mapFlags: DEVMAP_TYPES.has(spec.mapType) ? spec.flags & ~BPF_F_RDONLY_PROG : spec.flags,
        name: spec.name,
        ...(btf ? { btf } : {}),
      });
      return BpfMap.fromFd(fd);
    } finally {
      // the map holds its own reference to the BTF object
      if (btf) closeFd(btf.fd);
    }
  }

  /** Takes ownership of `fd`. */
  static fromFd(fd: number): BpfMap {
    try {
      const b = Buffer.alloc(MAP_INFO_SIZE);
      objInfo(fd, b);
      return new BpfMap(fd, decodeMapInfo(b));
    } catch (e) {
      closeFd(fd);
      throw e;
    }
  }

  static fromId(id: number): BpfMap {
    return BpfMap.fromFd(fdById("map", id));
  }

  static fromPinned(path: string): BpfMap {
    return BpfMap.fromFd(objGet(path));
  }

  /** A numeric id, "id:N", or a pinned path. */
  static open(ref: string): BpfMap {
    const m = /^(?:id:)?(\d+)$/.exec(ref);
    return m ? BpfMap.fromId(Number(m[1])) : BpfMap.fromPinned(ref);
  }

  static listIds(): number[] {
    return listIds("map");
  }

  get id(): number {
    return this.info.id;
  }
  get name(): string {
    return this.info.name;
  }
  get typeName(): string {
    return mapTypeNames[this.info.type] ?? `type ${this.info.type}`;
  }
  get keySize(): number {
    return this.info.keySize;
  }
  /** Bytes user space reads or writes for one value (per-CPU maps: one slot per possible CPU). */
  get userValueSize(): number {
    if (PERCPU_MAP_TYPES.has(this.info.type))
      return Math.ceil(this.info.valueSize / 8) * 8 * numPossibleCpus();
    return this.info.valueSize;
  }
  get isPerCpu(): boolean {
    return PERCPU_MAP_TYPES.has(this.info.type);
  }

  /** A per-CPU map's value as lookup() returns it, split into each possible CPU's value. */
  perCpuValues(value: Buffer): Buffer[] {
    return splitPerCpu(value, this.info.valueSize);
  }

  /**
   * What update() takes to give every CPU `value` (one map value): per-CPU maps want one
   * 8-byte-aligned slot per possible CPU; other maps take `value` itself.
   */
  valueForAllCpus(value: Buffer): Buffer {
    if (!this.isPerCpu) return value;
    const stride = Math.ceil(this.info.valueSize / 8) * 8;
    const all = Buffer.alloc(this.userValueSize);
    for (let off = 0; off < all.length; off += stride) value.copy(all, off);
    return all;
  }

  /** Checks the map matches a declaration (what the kernel also checks for native images). */
  matches(spec: MapDef): boolean {
    const i = this.info;
    return (
      i.type === spec.mapType &&
      i.keySize === spec.keySize &&
      i.valueSize === spec.valueSize &&
      i.maxEntries === spec.maxEntries &&
      i.flags === spec.flags
    );
  }

  private checkKey(key: Buffer): void {
    if (key.length !== this.info.keySize)
      throw new IuError(
        `map ${this.name}: key is ${key.length} bytes, the map's keys are ${this.info.keySize}`,
      );
  }

  lookup(key: Buffer): Buffer | undefined {
    this.checkKey(key);
    const value = Buffer.alloc(this.userValueSize);
    return mapLookup(this.fd, key, value) ? value : undefined;
  }

  /** `flags`: 0 any, 1 only if absent (BPF_NOEXIST), 2 only if present (BPF_EXIST). */
  update(key: Buffer, value: Buffer, flags = 0): void {
    this.checkKey(key);
    if (value.length !== this.userValueSize)
      throw new IuError(
        `map ${this.name}: value is ${value.length} bytes, the map needs ${this.userValueSize}`,
      );
    mapUpdate(this.fd, key, value, flags);
  }

  delete(key: Buffer): boolean {
    this.checkKey(key);
    return mapDelete(this.fd, key);
  }

  *keys(): Generator<Buffer> {
    let prev: Buffer | null = null;
    for (;;) {
      const next = Buffer.alloc(this.info.keySize);
      if (!mapGetNextKey(this.fd, prev, next)) return;
      yield next;
      prev = next;
    }
  }

  /** Key/value pairs; keys deleted while iterating are skipped. */
  *entries(): Generator<[Buffer, Buffer]> {
    for (const k of this.keys()) {
      const v = this.lookup(k);
      if (v) yield [k, v];
    }
  }

  pin(path: string): void {
    objPin(this.fd, path);
  }

  close(): void {
    if (!this.closed) closeFd(this.fd);
    this.closed = true;
  }
}
