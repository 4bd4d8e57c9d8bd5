/**
 * The programs' printed output: `iu trace`, and the same stream while `iu load` or
 * `iu attach` hold what they attached in the foreground.
 */
import type { Command } from "commander";
import { TraceReader, type TraceLine } from "../loader/index.js";
import { err, int, jsonOpt, out, streamUntilStopped } from "./output.js";

/** trace_pipe's poll interval (TraceReader's own default). */
const TRACE_POLL_MS = 100;

function printTrace(l: TraceLine, asJson: boolean): void {
  if (asJson)
    out(JSON.stringify({ pid: l.pid, cpu: l.cpu, task: l.task, ts: l.timestamp, message: l.message }));
  else out(l.raw);
}

/** Prints the lines `reader` has now; returns how many. */
function drainTrace(reader: TraceReader, asJson: boolean): number {
  const lines = reader.readAvailable();
  for (const l of lines) printTrace(l, asJson);
  return lines.length;
}

/**
 * Foreground mode of `iu load` and `iu attach`: stream trace output until a signal, then
 * run `cleanup` (which detaches and closes what the command holds).
 */
export async function foreground(
  asJson: boolean,
  quiet: boolean,
  cleanup: () => void,
  what = "detached and unloaded",
): Promise<void> {
  let reader: TraceReader | undefined;
  try {
    reader = new TraceReader();
  } catch (e) {
    err(`iu: no trace output (${(e as Error).message})`);
  }
  if (!quiet) err(`iu: running; Ctrl-C (SIGINT) or SIGTERM: ${what}`);
  const r = reader;
  const s = await streamUntilStopped(() => (r ? drainTrace(r, asJson) : 0), { pollMs: TRACE_POLL_MS });
  reader?.close();
  cleanup();
  if (!quiet) err(`iu: ${s}: ${what}`);
}

export function registerTraceCommands(program: Command): void {
  program
    .command("trace")
    .description("print the programs' output (bpf_trace_printk, from tracefs trace_pipe) until SIGINT")
    .option("--timeout <s>", "stop after this many seconds", int)
    .addOption(jsonOpt())
    .action(async (o: { timeout?: number; json?: boolean }) => {
      const reader = new TraceReader();
      err(`iu: reading ${reader.path}; Ctrl-C to stop`);
      try {
        await streamUntilStopped(() => drainTrace(reader, !!o.json), {
          pollMs: TRACE_POLL_MS,
          timeoutSeconds: o.timeout,
        });
      } finally {
        reader.close();
      }
    });
}
