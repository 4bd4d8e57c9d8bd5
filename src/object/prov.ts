/**
 * Provenance record of a signed image (section `.iu.prov`, docs/IMAGE-FORMAT.md): which
 * toolchain, SDK, rustc and policy version built it, and what the toolchain found in its
 * code. It lies in the signed bytes, so the kernel can refuse images built before a fix
 * (an administrator's minimum policy number) and rely on what the toolchain found.
 *
 *   struct iu_prov {            112 bytes, little-endian
 *     __u32 magic;              IU_PROV_MAGIC, "IUPV"
 *     __u32 policy;             IU_POLICY_VERSION of the toolchain that built the image
 *     char toolchain[32];       "iu 0.1.0"
 *     char sdk[32];             "iu-sdk 0.1.0+1a2b3c4d"
 *     char rustc[32];           "rustc 1.96.0 (ac68faa20)"
 *     __u32 clobbers;           IU_REG_*: callee-saved registers the code uses
 *     __u32 stack;              bytes of stack the code uses at most; 0: checked at run time
 *   };                          strings NUL-terminated and NUL-padded
 */

import { Sizeof, StructOff } from "../abi/uapi.js";

/** Members of `struct iu_prov`, generated from the kernel's BTF. */
const R = StructOff.iuProv;

export const IU_PROV_SECTION = ".iu.prov";
/** "IUPV" read as a little-endian u32. */
export const IU_PROV_MAGIC = 0x56505549;
export const IU_PROV_SIZE = Sizeof.iu_prov;
export const IU_PROV_STR_LEN = R.sdk - R.toolchain;
/**
 * The policy generation. 0: an image without `.iu.prov`; 1: the first toolchain (no
 * sandbox, dep-info, endbr64 or provenance); 2: compile sandbox, dep-info source check,
 * no links followed on output, `sdk-internal` rule, IBT (endbr64) checked; 3: the
 * callee-saved registers the code uses recorded (`clobbers`), which the kernel's entry
 * stub saves instead of all six, and the proven stack bound (`stack`) of code built
 * without a stack check at every function entry.
 */
export const IU_POLICY_VERSION = 3;

/** `clobbers`: rbx, rbp, r12, r13, r14, r15 as bits 0-5 (IU_REG_*). */
export const IU_CALLEE_SAVED = ["rbx", "rbp", "r12", "r13", "r14", "r15"] as const;
export const IU_REG_ALL = (1 << IU_CALLEE_SAVED.length) - 1;

export interface Provenance {
  policy: number;
  toolchain: string;
  sdk: string;
  rustc: string;
  clobbers: number;
  /** Proven stack bound in bytes; 0 if the code checks its stack at every function entry. */
  stack: number;
}

const FIELDS = ["toolchain", "sdk", "rustc"] as const;
const offsetOf = (f: (typeof FIELDS)[number]) => R[f];

/** The 104 bytes of the record; throws if a string does not fit (31 bytes and a NUL). */
export function encodeProvenance(p: Provenance): Uint8Array {
  const out = new Uint8Array(IU_PROV_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint32(R.magic, IU_PROV_MAGIC, true);
  dv.setUint32(R.policy, p.policy, true);
  if (!Number.isInteger(p.clobbers) || p.clobbers & ~IU_REG_ALL || p.clobbers < 0)
    throw new Error(`provenance clobbers 0x${p.clobbers.toString(16)} has bits outside IU_REG_ALL`);
  dv.setUint32(R.clobbers, p.clobbers, true);
  dv.setUint32(R.stack, p.stack, true);
  FIELDS.forEach((f) => {
    const b = new TextEncoder().encode(p[f]);
    if (b.length >= IU_PROV_STR_LEN || b.includes(0))
      throw new Error(`provenance ${f} "${p[f]}" does not fit in ${IU_PROV_STR_LEN - 1} bytes`);
    out.set(b, offsetOf(f));
  });
  return out;
}

/** Reads a record; problems (wrong size, magic, unterminated or unpadded strings) go to `problems`. */
export function decodeProvenance(b: Uint8Array, problems: string[]): Provenance | null {
  if (b.length !== IU_PROV_SIZE) {
    problems.push(
      `${IU_PROV_SECTION} is ${b.length} bytes, expected exactly one ${IU_PROV_SIZE}-byte record`,
    );
    return null;
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = dv.getUint32(R.magic, true);
  if (magic !== IU_PROV_MAGIC) {
    problems.push(
      `${IU_PROV_SECTION} magic is 0x${magic.toString(16)}, expected 0x${IU_PROV_MAGIC.toString(16)}`,
    );
    return null;
  }
  const p: Provenance = {
    policy: dv.getUint32(R.policy, true),
    toolchain: "",
    sdk: "",
    rustc: "",
    clobbers: dv.getUint32(R.clobbers, true),
    stack: dv.getUint32(R.stack, true),
  };
  let ok = true;
  if (p.clobbers & ~IU_REG_ALL) {
    problems.push(`${IU_PROV_SECTION} clobbers has bits outside IU_REG_ALL`);
    ok = false;
  }
  FIELDS.forEach((f) => {
    const s = b.subarray(offsetOf(f), offsetOf(f) + IU_PROV_STR_LEN);
    const z = s.indexOf(0);
    if (z <= 0 || s.subarray(z).some((x) => x !== 0)) {
      problems.push(`${IU_PROV_SECTION} ${f} is empty, not NUL-terminated or not NUL-padded`);
      ok = false;
      return;
    }
    p[f] = new TextDecoder("utf-8", { fatal: false }).decode(s.subarray(0, z));
  });
  if (p.policy === 0) {
    problems.push(`${IU_PROV_SECTION} policy is 0`);
    ok = false;
  }
  return ok ? p : null;
}
