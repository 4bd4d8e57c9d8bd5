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
import { IuError } from "../errors.js";
import type { BpfMap } from "./map.js";
import { mmap, MmapFlags, munmap, Prot, type Mapping } from "./sys.js";

/** Record header bits (`BPF_RINGBUF_BUSY_BIT`, `BPF_RINGBUF_DISCARD_BIT`) and size. */
const BUSY = 0x80000000;
const DISCARD = 0x40000000;
const HDR = 8;

export class RingBufReader {
  private readonly page = 4096;
  private readonly size: number;
  private readonly consPages: Mapping;
  private readonly prodPages: Mapping;
  private readonly cons: DataView;
  private readonly prod: DataView;
  private readonly data: Uint8Array;
  private closed = false;

  /** `map` must be a ring buffer map; it stays owned by the caller. */
  constructor(readonly map: BpfMap) {
    if (map.typeName !== "ringbuf")
      throw new IuError(`map ${map.name} is not a ring buffer (type ${map.info.type})`);
    this.size = map.info.maxEntries;
    const what = `ring buffer ${map.name}`;
    this.consPages = mmap(this.page, Prot.READ | Prot.WRITE, MmapFlags.SHARED, map.fd, 0, what);
    try {
      this.prodPages = mmap(this.page + 2 * this.size, Prot.READ, MmapFlags.SHARED, map.fd, this.page, what);
    } catch (e) {
      munmap(this.consPages);
      throw e;
    }
    this.cons = new DataView(this.consPages.buffer);
    this.prod = new DataView(this.prodPages.buffer, 0, this.page);
    this.data = new Uint8Array(this.prodPages.buffer, this.page, 2 * this.size);
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
    munmap(this.consPages);
    munmap(this.prodPages);
  }
}
