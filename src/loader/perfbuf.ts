/**
 * Consumer side of a `BPF_MAP_TYPE_PERF_EVENT_ARRAY` (`bpf_perf_event_output`), like
 * libbpf's perf_buffer: one `PERF_COUNT_SW_BPF_OUTPUT` perf event per online CPU with
 * `PERF_SAMPLE_RAW`, its fd stored in the map at the CPU's index, and its ring mmapped
 * (one metadata page + a power-of-two number of data pages). Each program output is a
 * `PERF_RECORD_SAMPLE` whose raw data is the bytes the program passed; lost-record
 * notices (`PERF_RECORD_LOST`) are counted.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { IuError } from "../errors.js";
import type { BpfMap } from "./map.js";
import { parseCpuList } from "./map.js";

interface KoffiPb {
  load(path: string): { func(decl: string): (...args: unknown[]) => unknown };
  view(ptr: unknown, len: number): ArrayBuffer;
  address(p: unknown): bigint;
  errno(): number;
}

const SYS_PERF_EVENT_OPEN = 298;
const PERF_TYPE_SOFTWARE = 1;
const PERF_COUNT_SW_BPF_OUTPUT = 10;
const PERF_SAMPLE_RAW = 1n << 10n;
const PERF_FLAG_FD_CLOEXEC = 8;
const PERF_EVENT_IOC_ENABLE = 0x2400;
const PERF_RECORD_LOST = 2;
const PERF_RECORD_SAMPLE = 9;
const PAGE = 4096;

let lib:
  | {
      koffi: KoffiPb;
      perfOpen: (...a: unknown[]) => unknown;
      ioctl: (...a: unknown[]) => unknown;
      mmap: (...a: unknown[]) => unknown;
      munmap: (...a: unknown[]) => unknown;
      close: (...a: unknown[]) => unknown;
    }
  | undefined;

function libc() {
  if (lib) return lib;
  const koffi = createRequire(import.meta.url)("koffi") as KoffiPb;
  const c = koffi.load("libc.so.6");
  lib = {
    koffi,
    perfOpen: c.func("long syscall(long n, void *attr, int pid, int cpu, int group, unsigned long flags)"),
    ioctl: c.func("int ioctl(int fd, unsigned long req, unsigned long arg)"),
    mmap: c.func("void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)"),
    munmap: c.func("int munmap(void *addr, size_t len)"),
    close: c.func("int close(int fd)"),
  };
  return lib;
}

interface Ring {
  cpu: number;
  fd: number;
  ptr: unknown;
  meta: DataView;
  data: Uint8Array;
}

export class PerfEventArrayReader {
  private readonly rings: Ring[] = [];
  /** Records the kernel dropped because a ring was full. */
  lost = 0n;

  /** Opens one output event per online CPU and stores its fd in `map` (a perf event array). */
  constructor(
    readonly map: BpfMap,
    readonly pages = 8,
  ) {
    if (map.info.type !== 4)
      throw new IuError(`map ${map.name} is not a perf event array (type ${map.info.type})`);
    if (pages & (pages - 1)) throw new IuError("pages must be a power of two");
    const l = libc();
    const cpus = parseCpuList(readFileSync("/sys/devices/system/cpu/online", "utf8"));
    try {
      for (const cpu of cpus) {
        if (cpu >= map.info.maxEntries)
          throw new IuError(`map ${map.name} has ${map.info.maxEntries} entries, CPU ${cpu} needs one`);
        const attr = Buffer.alloc(128);
        attr.writeUInt32LE(PERF_TYPE_SOFTWARE, 0);
        attr.writeUInt32LE(128, 4);
        attr.writeBigUInt64LE(BigInt(PERF_COUNT_SW_BPF_OUTPUT), 8);
        attr.writeBigUInt64LE(1n, 16); // sample_period
        attr.writeBigUInt64LE(PERF_SAMPLE_RAW, 24);
        attr.writeUInt32LE(1, 48); // wakeup_events
        const fd = Number(l.perfOpen(SYS_PERF_EVENT_OPEN, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
        if (fd < 0)
          throw new IuError(`perf_event_open(BPF_OUTPUT, cpu ${cpu}) failed: errno ${l.koffi.errno()}`);
        const len = (1 + pages) * PAGE;
        const ptr = l.mmap(null, len, 3, 1, fd, 0);
        const a = l.koffi.address(ptr);
        if (a === 0n || a === 0xffffffffffffffffn) {
          l.close(fd);
          throw new IuError(`mmap of perf ring (cpu ${cpu}) failed: errno ${l.koffi.errno()}`);
        }
        const buf = l.koffi.view(ptr, len);
        this.rings.push({
          cpu,
          fd,
          ptr,
          meta: new DataView(buf, 0, PAGE),
          data: new Uint8Array(buf, PAGE, pages * PAGE),
        });
        if (Number(l.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) < 0)
          throw new IuError(`PERF_EVENT_IOC_ENABLE failed: errno ${l.koffi.errno()}`);
        const k = Buffer.alloc(4);
        k.writeUInt32LE(cpu);
        const v = Buffer.alloc(4);
        v.writeUInt32LE(fd);
        map.update(k, v);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Reads every record available now, from all CPUs: the raw bytes of each output. */
  consume(): { cpu: number; data: Buffer }[] {
    const out: { cpu: number; data: Buffer }[] = [];
    for (const r of this.rings) {
      const size = r.data.length;
      const head = r.meta.getBigUint64(1024, true); // data_head
      let tail = r.meta.getBigUint64(1032, true); // data_tail
      const read = (off: bigint, n: number): Buffer => {
        const b = Buffer.alloc(n);
        for (let i = 0; i < n; i++) b[i] = r.data[Number((off + BigInt(i)) % BigInt(size))];
        return b;
      };
      while (tail < head) {
        const h = read(tail, 8);
        const type = h.readUInt32LE(0);
        const recSize = h.readUInt16LE(6);
        if (recSize < 8) break;
        if (type === PERF_RECORD_SAMPLE) {
          const n = read(tail + 8n, 4).readUInt32LE(0);
          out.push({ cpu: r.cpu, data: read(tail + 12n, n) });
        } else if (type === PERF_RECORD_LOST) {
          this.lost += read(tail + 16n, 8).readBigUInt64LE(0);
        }
        tail += BigInt(recSize);
      }
      r.meta.setBigUint64(1032, tail, true);
    }
    return out;
  }

  close(): void {
    const l = libc();
    for (const r of this.rings.splice(0)) {
      l.munmap(r.ptr, (1 + this.pages) * PAGE);
      l.close(r.fd);
    }
  }
}
