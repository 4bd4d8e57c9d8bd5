/**
 * Consumer side of a `BPF_MAP_TYPE_RINGBUF` map, like libbpf's `ring_buffer__consume()`.
 *
 * The kernel exposes the ring through mmap(2) on the map fd: page 0 is the consumer
 * position (writable by user space), page 1 the producer position, and from page 2 the data
 * area, mapped twice in a row so that a record that wraps is still contiguous. Each record
 * has an 8-byte header: a u32 length with bit 31 BUSY (not yet submitted) and bit 30 DISCARD,
 * then the u32 page offset; records are 8-byte aligned. Reading stops at the first busy
 * record; the consumer position is advanced past every record read or discarded.
 */
import { createRequire } from "node:module";
import { IuError } from "../errors.js";
import type { BpfMap } from "./map.js";

interface KoffiMm {
  load(path: string): { func(decl: string): (...args: unknown[]) => unknown };
  view(ptr: unknown, len: number): ArrayBuffer;
  address(p: unknown): bigint;
  errno(): number;
}

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const BUSY = 0x80000000;
const DISCARD = 0x40000000;
const HDR = 8;

let mm:
  | { koffi: KoffiMm; mmap: (...a: unknown[]) => unknown; munmap: (p: unknown, len: number) => number }
  | undefined;

function lib() {
  if (mm) return mm;
  const koffi = createRequire(import.meta.url)("koffi") as KoffiMm;
  const c = koffi.load("libc.so.6");
  mm = {
    koffi,
    mmap: c.func("void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)"),
    munmap: c.func("int munmap(void *addr, size_t len)") as (p: unknown, len: number) => number,
  };
  return mm;
}

function mapPages(len: number, prot: number, fd: number, off: number): unknown {
  const l = lib();
  const p = l.mmap(null, len, prot, MAP_SHARED, fd, off);
  const addr = l.koffi.address(p);
  if (addr === 0xffffffffffffffffn || addr === 0n)
    throw new IuError(`mmap of ring buffer fd ${fd} failed (errno ${l.koffi.errno()})`);
  return p;
}

export class RingBufReader {
  private readonly page = 4096;
  private readonly size: number;
  private readonly consPtr: unknown;
  private readonly prodPtr: unknown;
  private readonly cons: DataView;
  private readonly prod: DataView;
  private readonly data: Uint8Array;
  private closed = false;

  /** `map` must be a ring buffer map (type 27); it stays owned by the caller. */
  constructor(readonly map: BpfMap) {
    if (map.info.type !== 27)
      throw new IuError(`map ${map.name} is not a ring buffer (type ${map.info.type})`);
    this.size = map.info.maxEntries;
    const l = lib();
    this.consPtr = mapPages(this.page, PROT_READ | PROT_WRITE, map.fd, 0);
    this.prodPtr = mapPages(this.page + 2 * this.size, PROT_READ, map.fd, this.page);
    this.cons = new DataView(l.koffi.view(this.consPtr, this.page));
    const prodBuf = l.koffi.view(this.prodPtr, this.page + 2 * this.size);
    this.prod = new DataView(prodBuf, 0, this.page);
    this.data = new Uint8Array(prodBuf, this.page, 2 * this.size);
  }

  /** Reads every submitted record now available; returns copies of their bytes. */
  consume(): Buffer[] {
    if (this.closed) throw new IuError("ring buffer reader is closed");
    const out: Buffer[] = [];
    let cons = this.cons.getBigUint64(0, true);
    const prod = this.prod.getBigUint64(0, true);
    const mask = BigInt(this.size - 1);
    while (cons < prod) {
      const off = Number(cons & mask);
      const len = new DataView(this.data.buffer, this.data.byteOffset + off, 4).getUint32(0, true);
      if (len & BUSY) break;
      const n = len & ~(BUSY | DISCARD);
      if (!(len & DISCARD)) out.push(Buffer.from(this.data.subarray(off + HDR, off + HDR + n)));
      cons += BigInt((n + HDR + 7) & ~7);
      this.cons.setBigUint64(0, cons, true);
    }
    return out;
  }

  /** Polls `consume()` every `pollMs` until `ms` pass or `until` returns true on the records so far. */
  async collect(ms: number, until?: (records: Buffer[]) => boolean, pollMs = 20): Promise<Buffer[]> {
    const out: Buffer[] = [];
    const end = Date.now() + ms;
    for (;;) {
      out.push(...this.consume());
      if ((until && until(out)) || Date.now() >= end) return out;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const l = lib();
    l.munmap(this.consPtr, this.page);
    l.munmap(this.prodPtr, this.page + 2 * this.size);
  }
}
