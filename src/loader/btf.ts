/**
 * The little BTF the loader writes itself: the type of a map value that starts with a
 * `struct bpf_spin_lock` (the SDK's `SpinLocked<T>`). With it the kernel knows where the
 * lock word is, never copies it on a value update from user space or a program, and
 * eBPF programs sharing the map can take the same lock.
 */

const BTF_MAGIC = 0xeb9f;
const KIND_INT = 1;
const KIND_ARRAY = 3;
const KIND_STRUCT = 4;

/** Type ids in the blob `spinLockedBtf` makes. */
export interface LockedTypes {
  keyTypeId: number;
  valueTypeId: number;
}

/** The kernel-owned structs a map value can start with, and their sizes. */
export const specialFields = { bpf_spin_lock: 4, bpf_timer: 16, bpf_wq: 16 } as const;
export type SpecialField = keyof typeof specialFields;

/**
 * BTF for key bytes `keySize` (a u32 for arrays, which the kernel requires) and a value
 * `{ struct bpf_spin_lock lock; u32 pad; u8 value[valueSize - 8]; }`.
 */
export function spinLockedBtf(
  keySize: number,
  valueSize: number,
  u32Key: boolean,
): { btf: Buffer } & LockedTypes {
  return specialFieldBtf("bpf_spin_lock", keySize, valueSize, u32Key);
}

/** As `spinLockedBtf`, with `field` (padded to 8 bytes) at the start of the value. */
export function specialFieldBtf(
  field: SpecialField,
  keySize: number,
  valueSize: number,
  u32Key: boolean,
): { btf: Buffer } & LockedTypes {
  const fieldSize = specialFields[field];
  const head = Math.ceil(fieldSize / 8) * 8;
  if (valueSize < head)
    throw new RangeError(`a value with a ${field} has at least ${head} bytes, not ${valueSize}`);
  const strs: string[] = [];
  let strLen = 1; // offset 0 is the empty name
  const str = (s: string): number => {
    const off = strLen;
    strs.push(s);
    strLen += Buffer.byteLength(s) + 1;
    return off;
  };
  const types: number[] = [];
  let next = 1;
  const add = (words: number[]): number => {
    types.push(...words);
    return next++;
  };
  const info = (kind: number, vlen: number): number => ((kind << 24) | vlen) >>> 0;
  const u32 = add([str("unsigned int"), info(KIND_INT, 0), 4, 32]);
  const u8 = add([str("unsigned char"), info(KIND_INT, 0), 1, 8]);
  const words = add([0, info(KIND_ARRAY, 0), 0, u32, u32, fieldSize / 4]);
  const special = add([str(field), info(KIND_STRUCT, 1), fieldSize, str("opaque"), words, 0]);
  const data = valueSize > head ? add([0, info(KIND_ARRAY, 0), 0, u8, u32, valueSize - head]) : 0;
  const members = [
    ...[str("field"), special, 0],
    ...(head > fieldSize ? [str("pad"), u32, fieldSize * 8] : []),
    ...(data ? [str("value"), data, head * 8] : []),
  ];
  const value = add([str("iu_value"), info(KIND_STRUCT, members.length / 3), valueSize, ...members]);
  const key = u32Key ? u32 : add([0, info(KIND_ARRAY, 0), 0, u8, u32, keySize]);

  const typeBytes = Buffer.alloc(types.length * 4);
  types.forEach((w, i) => typeBytes.writeUInt32LE(w >>> 0, i * 4));
  const strBytes = Buffer.concat([Buffer.alloc(1), ...strs.map((s) => Buffer.from(s + "\0"))]);
  const hdr = Buffer.alloc(24);
  hdr.writeUInt16LE(BTF_MAGIC, 0);
  hdr.writeUInt8(1, 2); // version
  hdr.writeUInt32LE(24, 4); // hdr_len
  hdr.writeUInt32LE(0, 8); // type_off
  hdr.writeUInt32LE(typeBytes.length, 12);
  hdr.writeUInt32LE(typeBytes.length, 16); // str_off
  hdr.writeUInt32LE(strBytes.length, 20);
  return { btf: Buffer.concat([hdr, typeBytes, strBytes]), keyTypeId: key, valueTypeId: value };
}
