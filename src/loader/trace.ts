/**
 * The programs' printed output: `bpf_trace_printk()` lines from tracefs `trace_pipe`.
 *
 * trace_pipe is read with O_NONBLOCK and a short poll, so a reader never parks a libuv
 * thread in a blocking read and `stop()` takes effect within one poll interval.
 */
import { closeSync, constants, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { tracefsRoot } from "./link.js";

export interface TraceLine {
  /** The whole line as the kernel printed it. */
  raw: string;
  /** Parsed header fields, when the line has the usual format. */
  task?: string;
  pid?: number;
  cpu?: number;
  timestamp?: number;
  /** The text after `bpf_trace_printk: ` (or after the header). */
  message: string;
}

/**
 * Parses one trace_pipe line, e.g.
 * `            node-123     [001] d..31  1234.567890: bpf_trace_printk: hello pid 123`.
 */
export function parseTraceLine(raw: string): TraceLine {
  const m =
    /^\s*(.+?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+\S+\s+([\d.]+):\s+(?:bpf_trace_printk:\s|[\w]+:\s)?(.*)$/.exec(
      raw,
    );
  if (!m) return { raw, message: raw };
  return { raw, task: m[1], pid: Number(m[2]), cpu: Number(m[3]), timestamp: Number(m[4]), message: m[5] };
}

export interface TraceReaderOptions {
  /** Poll interval when there is nothing to read (ms). */
  pollMs?: number;
  /** Path of trace_pipe (default: tracefs `trace_pipe`). */
  path?: string;
}

export class TraceReader {
  private fd: number;
  private stopped = false;
  private pending = "";
  /** The trace_pipe being read. */
  readonly path: string;

  constructor(private readonly o: TraceReaderOptions = {}) {
    this.path = o.path ?? join(tracefsRoot(), "trace_pipe");
    this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
  }

  /** Reads what is available now (never blocks). */
  readAvailable(): TraceLine[] {
    const out: TraceLine[] = [];
    const buf = Buffer.alloc(65536);
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw e;
      }
      if (n <= 0) break;
      this.pending += buf.subarray(0, n).toString("utf8");
    }
    const lines = this.pending.split("\n");
    this.pending = lines.pop() ?? "";
    for (const l of lines) if (l.trim()) out.push(parseTraceLine(l));
    return out;
  }

  /** Yields lines until `stop()` (or the abort signal). */
  async *lines(signal?: AbortSignal): AsyncGenerator<TraceLine> {
    const poll = this.o.pollMs ?? 100;
    while (!this.stopped && !signal?.aborted) {
      const got = this.readAvailable();
      for (const l of got) yield l;
      if (!got.length) await new Promise((r) => setTimeout(r, poll));
    }
  }

  /** Collects lines for `ms` milliseconds or until `until` matches one. */
  async collect(ms: number, until?: (l: TraceLine) => boolean): Promise<TraceLine[]> {
    const out: TraceLine[] = [];
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const got = this.readAvailable();
      out.push(...got);
      if (until && got.some(until)) break;
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 50));
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
  }

  close(): void {
    this.stop();
    closeSync(this.fd);
  }
}
