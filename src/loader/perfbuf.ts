/**
 * Consumer side of a `BPF_MAP_TYPE_PERF_EVENT_ARRAY` (`bpf_perf_event_output`), like
 * libbpf's perf_buffer: one `PERF_COUNT_SW_BPF_OUTPUT` perf event per online CPU with
 * `PERF_SAMPLE_RAW`, its fd stored in the map at the CPU's index, and its ring mmapped
 * (one metadata page + a power-of-two number of data pages). Each program output is a
 * `PERF_RECORD_SAMPLE` whose raw data is the bytes the program passed; lost-record
 * notices (`PERF_RECORD_LOST`) are counted.
 */
import { readFileSync } from "node:fs";
import { IuError } from "../errors.js";
import { PerfType } from "./attr.js";
import type { BpfMap } from "./map.js";
import { parseCpuList } from "./map.js";
import {
  closeFd,
  mmap,
  MmapFlags,
  munmap,
  PERF_COUNT_SW_BPF_OUTPUT,
  perfEventEnable,
  perfEventOpen,
  PerfSampleType,
  Prot,
  type Mapping,
} from "./sys.js";

/** `enum perf_event_type`: the records this reader handles. */
const PerfRecord = { LOST: 2, SAMPLE: 9 } as const;

/** `struct perf_event_mmap_page` (the ring's first page): where the data positions live. */
const MmapPage = { DATA_HEAD: 1024, DATA_TAIL: 1032 } as const;

const PAGE = 4096;

interface Ring {
  cpu: number;
  fd: number;
  mapping: Mapping;
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
    if (map.typeName !== "perf_event_array")
      throw new IuError(`map ${map.name} is not a perf event array (type ${map.info.type})`);
    if (pages & (pages - 1)) throw new IuError("pages must be a power of two");
    const cpus = parseCpuList(readFileSync("/sys/devices/system/cpu/online", "utf8"));
    try {
      for (const cpu of cpus) {
        if (cpu >= map.info.maxEntries)
          throw new IuError(`map ${map.name} has ${map.info.maxEntries} entries, CPU ${cpu} needs one`);
        const fd = perfEventOpen(
          {
            type: PerfType.SOFTWARE,
            config: BigInt(PERF_COUNT_SW_BPF_OUTPUT),
            samplePeriod: 1n,
            sampleType: PerfSampleType.RAW,
          },
          -1,
          cpu,
          `BPF_OUTPUT, cpu ${cpu}`,
        );
        let mapping: Mapping;
        try {
          mapping = mmap(
            (1 + pages) * PAGE,
            Prot.READ | Prot.WRITE,
            MmapFlags.SHARED,
            fd,
            0,
            `perf ring, cpu ${cpu}`,
          );
        } catch (e) {
          closeFd(fd);
          throw e;
        }
        this.rings.push({
          cpu,
          fd,
          mapping,
          meta: new DataView(mapping.buffer, 0, PAGE),
          data: new Uint8Array(mapping.buffer, PAGE, pages * PAGE),
        });
        perfEventEnable(fd);
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
      const head = r.meta.getBigUint64(MmapPage.DATA_HEAD, true);
      let tail = r.meta.getBigUint64(MmapPage.DATA_TAIL, true);
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
        if (type === PerfRecord.SAMPLE) {
          const n = read(tail + 8n, 4).readUInt32LE(0);
          out.push({ cpu: r.cpu, data: read(tail + 12n, n) });
        } else if (type === PerfRecord.LOST) {
          this.lost += read(tail + 16n, 8).readBigUInt64LE(0);
        }
        tail += BigInt(recSize);
      }
      r.meta.setBigUint64(MmapPage.DATA_TAIL, tail, true);
    }
    return out;
  }

  close(): void {
    for (const r of this.rings.splice(0)) {
      munmap(r.mapping);
      closeFd(r.fd);
    }
  }
}
