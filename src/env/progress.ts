/**
 * Progress for long work: a cli-progress bar on a terminal; on a pipe (CI logs) a line
 * every 10 % so that a log never sits silent for minutes and never fills with bar redraws.
 */
import cliProgress from "cli-progress";

export interface Progress {
  update(value: number, detail?: string): void;
  stop(ok: boolean): void;
}

export function startProgress(title: string, total: number): Progress {
  const started = Date.now();
  const secs = () => ((Date.now() - started) / 1000).toFixed(0);
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${title} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} | {detail}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: "" });
    return {
      update(value, detail = "") {
        if (value > bar.getTotal()) bar.setTotal(value);
        bar.update(value, { detail: detail.slice(0, 40) });
      },
      stop(ok) {
        bar.stop();
        process.stderr.write(`${title}: ${ok ? "done" : "FAILED"} in ${secs()} s\n`);
      },
    };
  }
  let lastDecile = -1;
  process.stderr.write(`${title}: started (about ${total} steps)\n`);
  return {
    update(value, detail = "") {
      // Past the estimate (a build larger than the last one) keep reporting every 10 % of it.
      const decile = Math.floor((value / total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        const pct = decile < 10 ? `${decile * 10}%` : "past the estimate";
        process.stderr.write(`${title}: ${pct} (${value}/${total}, ${secs()} s) ${detail}\n`);
      }
    },
    stop(ok) {
      process.stderr.write(`${title}: ${ok ? "done" : "FAILED"} in ${secs()} s\n`);
    },
  };
}
