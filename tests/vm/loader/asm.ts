/**
 * A tiny eBPF assembler for the loader's VM tests: just the instructions the test
 * programs use, so the tests need neither clang nor libbpf to exercise maps, links and
 * test runs (native images are tested separately when the kernel supports them).
 */
export type Insn = Buffer;

function insn(code: number, dst: number, src: number, off: number, imm: number): Insn {
  const b = Buffer.alloc(8);
  b[0] = code;
  b[1] = (dst & 0xf) | ((src & 0xf) << 4);
  b.writeInt16LE(off, 2);
  b.writeInt32LE(imm, 4);
  return b;
}

export const R0 = 0,
  R1 = 1,
  R2 = 2,
  R3 = 3,
  R6 = 6,
  R10 = 10;

export const movImm = (dst: number, imm: number) => insn(0xb7, dst, 0, 0, imm);
export const movReg = (dst: number, src: number) => insn(0xbf, dst, src, 0, 0);
export const addImm = (dst: number, imm: number) => insn(0x07, dst, 0, 0, imm);
export const exit = () => insn(0x95, 0, 0, 0, 0);
export const call = (helper: number) => insn(0x85, 0, 0, 0, helper);
/** *(u32 *)(dst + off) = imm */
export const stW = (dst: number, off: number, imm: number) => insn(0x62, dst, 0, off, imm);
/** *(u64 *)(dst + off) = src */
export const stxDw = (dst: number, off: number, src: number) => insn(0x7b, dst, src, off, 0);
/** dst = *(u64 *)(src + off) */
export const ldxDw = (dst: number, src: number, off: number) => insn(0x79, dst, src, off, 0);
/** dst = *(u32 *)(src + off) */
export const ldxW = (dst: number, src: number, off: number) => insn(0x61, dst, src, off, 0);
/** *(u8 *)(dst + off) = imm */
export const stB = (dst: number, off: number, imm: number) => insn(0x72, dst, 0, off, imm);
/** if dst == imm goto +off */
export const jeqImm = (dst: number, imm: number, off: number) => insn(0x15, dst, 0, off, imm);
/** if dst > src goto +off (unsigned) */
export const jgtReg = (dst: number, src: number, off: number) => insn(0x2d, dst, src, off, 0);
/** lock *(u64 *)(dst + off) += src */
export const atomicAddDw = (dst: number, off: number, src: number) => insn(0xdb, dst, src, off, 0);
/** dst = map (BPF_PSEUDO_MAP_FD), two slots */
export const ldMapFd = (dst: number, fd: number) =>
  Buffer.concat([insn(0x18, dst, 1, 0, fd), insn(0, 0, 0, 0, 0)]);

export const Helper = { mapLookupElem: 1, mapUpdateElem: 2, tracePrintk: 6, getCurrentPidTgid: 14 } as const;

export const program = (...insns: Insn[]): Buffer => Buffer.concat(insns);

/** `return imm;` */
export const returnImm = (imm: number): Buffer => program(movImm(R0, imm), exit());

/** `__sync_fetch_and_add(&map[key 0], 1); return 0;` (map: u32 key, u64 value). */
export function countInto(mapFd: number): Buffer {
  return program(
    stW(R10, -4, 0),
    movReg(R2, R10),
    addImm(R2, -4),
    ldMapFd(R1, mapFd),
    call(Helper.mapLookupElem),
    jeqImm(R0, 0, 2),
    movImm(R1, 1),
    atomicAddDw(R0, 0, R1),
    movImm(R0, 0),
    exit(),
  );
}

/** `bpf_trace_printk("<text> %d\n", pid)`; return 0. `text` at most 15 bytes. */
export function printPid(text: string): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write(`${text} %d\n`.slice(0, 23), "latin1");
  const stores: Insn[] = [];
  for (let i = 0; i < 24; i++) stores.push(stB(R10, -24 + i, fmt[i]));
  return program(
    ...stores,
    call(Helper.getCurrentPidTgid),
    movReg(R3, R0),
    // r3 >>= 32 (tgid = the process id user space sees)
    insn(0x77, R3, 0, 0, 32),
    movReg(R1, R10),
    addImm(R1, -24),
    movImm(R2, fmt.indexOf(0) + 1),
    call(Helper.tracePrintk),
    movImm(R0, 0),
    exit(),
  );
}

/**
 * XDP: if the packet has at least 1 byte, set its first byte to 0xff; return XDP_TX (3).
 * Shows both a return value and a packet rewrite through BPF_PROG_TEST_RUN.
 */
export function xdpRewrite(): Buffer {
  return program(
    ldxW(R2, R1, 0), // r2 = ctx->data
    ldxW(R3, R1, 4), // r3 = ctx->data_end
    movReg(R6, R2),
    addImm(R6, 1),
    jgtReg(R6, R3, 1), // if data + 1 > data_end skip the store
    stB(R2, 0, 0xff),
    movImm(R0, 3),
    exit(),
  );
}
