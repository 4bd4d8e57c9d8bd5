/**
 * Text ↔ bytes for map keys and values on the command line.
 *
 *   42, -1, 0x2a     an integer, little-endian, exactly `size` bytes (must fit)
 *   hex:2a000000     raw bytes in hex (exactly `size` bytes)
 *   2a 00 00 00      raw bytes as bpftool prints them (hex pairs separated by spaces)
 */
import { IuError } from "../errors.js";

export function parseBytes(text: string, size: number, what = "value"): Buffer {
  const t = text.trim();
  let b: Buffer;
  if (/^hex:/i.test(t)) {
    const h = t.slice(4).replace(/[\s_:]/g, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(h)) throw new IuError(`${what} '${text}': bad hex`);
    b = Buffer.from(h, "hex");
  } else if (/^[0-9a-fA-F]{2}(\s+[0-9a-fA-F]{2})+$/.test(t)) {
    b = Buffer.from(t.replace(/\s+/g, ""), "hex");
  } else if (/^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) {
    const neg = t.startsWith("-");
    let n = BigInt(neg ? t.slice(1) : t);
    if (neg) n = -n;
    const bits = BigInt(size * 8);
    const max = 1n << bits;
    if (n >= max || n < -(max >> 1n)) throw new IuError(`${what} ${text} does not fit in ${size} bytes`);
    if (n < 0n) n += max;
    b = Buffer.alloc(size);
    for (let i = 0; i < size; i++) {
      b[i] = Number(n & 0xffn);
      n >>= 8n;
    }
    return b;
  } else {
    throw new IuError(`${what} '${text}': expected an integer (42, 0x2a), hex:BYTES or spaced hex bytes`);
  }
  if (b.length !== size) throw new IuError(`${what} '${text}' is ${b.length} bytes; the map needs ${size}`);
  return b;
}

/** Unsigned little-endian integer of up to 8 bytes (undefined for other sizes). */
export function leUint(b: Buffer): bigint | undefined {
  if (b.length === 0 || b.length > 8) return undefined;
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}

/** Spaced hex, as bpftool prints. */
export function hexBytes(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
}

export interface FormattedValue {
  hex: string;
  /** Little-endian unsigned integer, for sizes 1..8 (as a decimal string: JSON has no u64). */
  int?: string;
}

export function formatBytes(b: Buffer): FormattedValue {
  const n = leUint(b);
  return n === undefined ? { hex: hexBytes(b) } : { hex: hexBytes(b), int: n.toString() };
}

/** Splits a per-CPU value into its per-CPU slots (each `round8(valueSize)` bytes). */
export function splitPerCpu(b: Buffer, valueSize: number): Buffer[] {
  const stride = Math.ceil(valueSize / 8) * 8;
  const out: Buffer[] = [];
  for (let o = 0; o + stride <= b.length; o += stride) out.push(b.subarray(o, o + valueSize));
  return out;
}
