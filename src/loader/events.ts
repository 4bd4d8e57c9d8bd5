/**
 * One reader for the maps that programs stream records through: a ring buffer (one ring
 * for all CPUs) or a perf event array (one ring per CPU, so each record names its CPU).
 */
import { IuError } from "../errors.js";
import type { BpfMap } from "./map.js";
import { PerfEventArrayReader } from "./perfbuf.js";
import { RingBufReader } from "./ringbuf.js";

export interface EventRecord {
  /** The CPU whose ring held the record (perf event arrays only). */
  cpu?: number;
  data: Buffer;
}

export interface EventReader {
  /** Every record available now; never blocks. */
  consume(): EventRecord[];
  /** Unmaps the rings; the map stays open (it belongs to the caller). */
  close(): void;
}

/** The reader for `map`'s type; an IuError for a map that carries no records. */
export function openEventReader(map: BpfMap): EventReader {
  switch (map.typeName) {
    case "ringbuf": {
      const r = new RingBufReader(map);
      return { consume: () => r.consume().map((data) => ({ data })), close: () => r.close() };
    }
    case "perf_event_array":
      return new PerfEventArrayReader(map);
    default:
      throw new IuError(
        `map ${map.id} (${map.name}) is a ${map.typeName} map, not a ringbuf or perf_event_array`,
      );
  }
}
