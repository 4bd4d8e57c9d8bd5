/**
 * What every loader command shares: printing (text, or --json), integer options, and the
 * one loop that streams output until the user stops it.
 */
import { Option } from "commander";
import { IuError } from "../errors.js";

export const out = (s: string): void => void process.stdout.write(s + "\n");
export const err = (s: string): void => void process.stderr.write(s + "\n");
/** Pretty JSON; bigints (u64 counters, map values) as decimal strings. */
export const json = (v: unknown): void =>
  out(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x), 2));

export const jsonOpt = (): Option => new Option("--json", "machine-readable output");

/** Option parser for counts, ids and seconds. */
export const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new IuError(`expected a non-negative integer, got "${v}"`);
  return n;
};

export type StopReason = "SIGINT" | "SIGTERM" | "timeout";

export interface StreamOptions {
  /** How long to wait before looking again when `drain` found nothing (ms). */
  pollMs: number;
  /** Stop after this many seconds, as SIGTERM would. */
  timeoutSeconds?: number;
}

/**
 * Prints output until SIGINT or SIGTERM arrives (neither then kills the process: the
 * caller detaches and cleans up) or `timeoutSeconds` pass. `drain` prints what is
 * available now and returns how many records it printed; when it printed none, the
 * loop waits `pollMs` before the next look.
 */
export async function streamUntilStopped(drain: () => number, o: StreamOptions): Promise<StopReason> {
  let stopped: StopReason | undefined;
  let wake: (() => void) | undefined;
  const stop = (why: StopReason): void => {
    stopped ??= why;
    wake?.();
  };
  const onInt = (): void => stop("SIGINT");
  const onTerm = (): void => stop("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const timer =
    o.timeoutSeconds !== undefined ? setTimeout(() => stop("timeout"), o.timeoutSeconds * 1000) : undefined;
  try {
    while (!stopped) {
      const n = drain();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        // After output, only yield (so that a signal is seen) and look again at once.
        if (n > 0) return void setImmediate(resolve);
        // This pending timer is also what keeps Node alive until the signal.
        const t = setTimeout(resolve, o.pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
    if (timer) clearTimeout(timer);
  }
  return stopped;
}
