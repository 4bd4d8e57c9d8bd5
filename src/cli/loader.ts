/**
 * Loader commands: load, attach, detach, prog, link, map, trace, run. Thin: the work is
 * done by src/loader/. Every command takes --json for machine-readable output.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { IuError } from "../errors.js";
import {
  attach,
  BpfMap,
  BpfProgram,
  detachTarget,
  formatBytes,
  formatTarget,
  IuObject,
  Link,
  listLinks,
  parseBytes,
  parseTarget,
  PerfEventArrayReader,
  progTypeNames,
  RingBufReader,
  hexBytes,
  splitPerCpu,
  TraceReader,
  unpinLink,
  type ProgListEntry,
  type TraceLine,
} from "../loader/index.js";

const out = (s: string): void => void process.stdout.write(s + "\n");
const err = (s: string): void => void process.stderr.write(s + "\n");
const json = (v: unknown): void =>
  out(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2));

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new IuError(`expected a non-negative integer, got "${v}"`);
  return n;
};

/** Resolves when SIGINT or SIGTERM arrives (and stops the default exit). */
function untilSignal(): { promise: Promise<string>; signal: AbortSignal } {
  const ac = new AbortController();
  // A pending promise does not keep Node alive; this timer does, until the signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const promise = new Promise<string>((resolve) => {
    const on = (s: string) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      clearInterval(keepAlive);
      ac.abort();
      resolve(s);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
  return { promise, signal: ac.signal };
}

function printTrace(l: TraceLine, asJson: boolean): void {
  if (asJson)
    out(JSON.stringify({ pid: l.pid, cpu: l.cpu, task: l.task, ts: l.timestamp, message: l.message }));
  else out(l.raw);
}

/** Foreground mode: stream trace output until a signal, then run `cleanup`. */
async function foreground(
  asJson: boolean,
  quiet: boolean,
  cleanup: () => void,
  what = "detached and unloaded",
): Promise<void> {
  const { promise, signal } = untilSignal();
  let reader: TraceReader | undefined;
  try {
    reader = new TraceReader();
  } catch (e) {
    err(`iu: no trace output (${(e as Error).message})`);
  }
  if (!quiet) err(`iu: running; Ctrl-C (SIGINT) or SIGTERM: ${what}`);
  const pump = (async () => {
    if (reader) for await (const l of reader.lines(signal)) printTrace(l, asJson);
  })();
  const s = await promise;
  await pump;
  reader?.close();
  cleanup();
  if (!quiet) err(`iu: ${s}: ${what}`);
}

/** One program of `iu prog list` (also its `--json` element). */
export function progListRow(i: ProgListEntry) {
  return {
    id: i.id,
    name: i.name,
    type: progTypeNames[i.type] ?? String(i.type),
    tag: i.tag,
    jitedLen: i.jitedLen,
    xlatedLen: i.xlatedLen,
    mapIds: i.mapIds,
    runCnt: i.runCnt,
    runTimeNs: i.runTimeNs,
    // The kernel runtime's counters (native programs; null for eBPF) and recursion_misses.
    invocations: i.stats.invocations,
    panics: i.stats.panics,
    stops: i.stats.stops,
    disabled: i.stats.disabled,
    recursionMisses: i.stats.recursionMisses,
  };
}

/** `iu prog list` as a table: one row per program, "-" where a counter does not exist. */
export function progListTable(rows: ReturnType<typeof progListRow>[]): string {
  const dash = (v: number | boolean | null): string =>
    v === null ? "-" : typeof v === "boolean" ? (v ? "yes" : "no") : String(v);
  const head = [
    "ID",
    "TYPE",
    "NAME",
    "TAG",
    "JITED",
    "INVOCATIONS",
    "PANICS",
    "STOPS",
    "DISABLED",
    "MISSES",
    "MAPS",
  ];
  const body = rows.map((p) => [
    String(p.id),
    p.type,
    p.name || "-",
    p.tag,
    `${p.jitedLen}B`,
    dash(p.invocations),
    dash(p.panics),
    dash(p.stops),
    dash(p.disabled),
    dash(p.recursionMisses),
    p.mapIds.length ? p.mapIds.join(",") : "-",
  ]);
  const width = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  return [head, ...body]
    .map((r) => r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(width[c]))).join("  "))
    .join("\n");
}

function describeMap(m: BpfMap) {
  return {
    id: m.id,
    name: m.name,
    type: m.typeName,
    keySize: m.info.keySize,
    valueSize: m.info.valueSize,
    maxEntries: m.info.maxEntries,
    flags: m.info.flags,
  };
}

function entryJson(m: BpfMap, k: Buffer, v: Buffer) {
  if (m.isPerCpu)
    return {
      key: formatBytes(k),
      values: splitPerCpu(v, m.info.valueSize).map((x, cpu) => ({ cpu, ...formatBytes(x) })),
    };
  return { key: formatBytes(k), value: formatBytes(v) };
}

function entryText(m: BpfMap, k: Buffer, v: Buffer): string {
  const f = (b: Buffer) => {
    const x = formatBytes(b);
    return x.int !== undefined ? `${x.hex} (${x.int})` : x.hex;
  };
  if (m.isPerCpu)
    return (
      `key: ${f(k)}\n` +
      splitPerCpu(v, m.info.valueSize)
        .map((x, cpu) => `  cpu${cpu}: ${f(x)}`)
        .join("\n")
    );
  return `key: ${f(k)}  value: ${f(v)}`;
}

function withMap<T>(ref: string, fn: (m: BpfMap) => T): T {
  const m = BpfMap.open(ref);
  try {
    return fn(m);
  } finally {
    m.close();
  }
}

/** An image file (starts with the ELF magic) rather than a pinned program or id. */
function isImageFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    return readFileSync(path)
      .subarray(0, 4)
      .equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  }
}

export function registerLoaderCommands(program: Command): void {
  const jsonOpt = () => new Option("--json", "machine-readable output");

  program
    .command("load")
    .description("create the maps of a signed image, load its programs, optionally attach and pin them")
    .argument("<file>", "signed native image (*.iu)")
    .option("--pin <dir>", "pin maps/, progs/, links/ under this bpffs directory and return")
    .option("--attach", "attach each program at its declared target")
    .option("--program <name...>", "load only these programs")
    .option("--log-level <n>", "kernel load log level (1: always print the load log)", int, 0)
    .option("-q, --quiet", "no progress messages")
    .addOption(jsonOpt())
    .action(
      async (
        file: string,
        o: {
          pin?: string;
          attach?: boolean;
          program?: string[];
          logLevel: number;
          quiet?: boolean;
          json?: boolean;
        },
      ) => {
        const obj = IuObject.open(file);
        for (const p of obj.spec.problems) err(`iu: warning: ${file}: ${p}`);
        obj.load({ programs: o.program, logLevel: o.logLevel });
        try {
          const attached = o.attach ? obj.attach() : [];
          const pinned = o.pin ? obj.pin(o.pin) : [];
          const summary = {
            file,
            maps: [...obj.maps.values()].map(describeMap),
            programs: [...obj.programs.entries()].map(([n, p]) => ({
              name: n,
              id: p.id,
              type: p.typeName,
              tag: p.info.tag,
              ...(p.log ? { log: p.log } : {}),
            })),
            attached,
            pinned,
          };
          if (o.json) json(summary);
          else {
            for (const m of summary.maps) out(`map ${m.id} ${m.name} ${m.type}`);
            for (const p of summary.programs)
              out(`prog ${p.id} ${p.name} ${p.type}${p.log ? "\n" + p.log : ""}`);
            for (const a of attached)
              out(
                a.target ? `attached ${a.program} → ${a.target}` : `not attached ${a.program}: ${a.skipped}`,
              );
            for (const p of pinned) out(`pinned ${p}`);
          }
        } catch (e) {
          obj.close();
          throw e;
        }
        if (o.pin) {
          obj.close(); // pins keep everything alive
          return;
        }
        await foreground(!!o.json, !!o.quiet, () => obj.close());
      },
    );

  program
    .command("attach")
    .description("attach a loaded program (id, id:N or pinned path) to a target")
    .argument("<prog>", "program id or pinned path")
    .argument(
      "<target>",
      "xdp:IFACE, tc:IFACE:ingress|egress, kprobe:FUNC, tracepoint:CAT/NAME, raw_tp:NAME, perf:EVENT",
    )
    .option("--pin <path>", "pin the link here (bpffs) and return; otherwise stay until SIGINT/SIGTERM")
    .option("-q, --quiet", "no progress messages")
    .addOption(jsonOpt())
    .action(async (ref: string, targetText: string, o: { pin?: string; quiet?: boolean; json?: boolean }) => {
      const t = parseTarget(targetText);
      const prog = BpfProgram.open(ref);
      let link: Link;
      try {
        link = attach(prog.fd, prog.type, t);
      } finally {
        prog.close();
      }
      const ids = link.ids();
      if (o.pin) link.pin(o.pin);
      if (o.json) json({ prog: prog.id, target: formatTarget(t), links: ids, pinned: o.pin ?? null });
      else
        out(
          `attached prog ${prog.id} → ${formatTarget(t)} (link ${ids.join(", ")})${o.pin ? `, pinned at ${o.pin}` : ""}`,
        );
      if (o.pin) {
        link.close();
        return;
      }
      await foreground(!!o.json, !!o.quiet, () => link.close(), "detached");
    });

  program
    .command("detach")
    .description("detach what is attached at a target, a pinned link, or a link by id")
    .argument(
      "<what>",
      "a target (xdp:eth0, tc:eth0:ingress, raw_tp:NAME, kprobe:FUNC, ...), a pinned link path, or link:ID",
    )
    .option("--prog <id>", "only links of this program id", int)
    .addOption(jsonOpt())
    .action((what: string, o: { prog?: number; json?: boolean }) => {
      const m = /^link:(\d+)$/.exec(what);
      if (m) {
        const l = Link.fromId(Number(m[1]));
        l.detach();
        return o.json ? json({ detached: [Number(m[1])] }) : out(`detached link ${m[1]}`);
      }
      if (what.startsWith("/") && existsSync(what)) {
        const l = Link.fromPinned(what);
        const ids = l.ids();
        l.detach();
        unpinLink(what);
        return o.json
          ? json({ detached: ids, unpinned: what })
          : out(`detached link ${ids.join(", ")}, removed ${what}`);
      }
      const r = detachTarget(parseTarget(what), o.prog);
      if (o.json) return json(r);
      if (!r.detached.length && !r.stuck.length)
        throw new IuError(`nothing is attached at ${what} through a bpf link`);
      if (r.detached.length) out(`detached link ${r.detached.join(", ")}`);
      if (r.stuck.length)
        err(
          `iu: link ${r.stuck.join(", ")} cannot be force-detached (perf-event links): ` +
            `remove its pin or stop the process that holds it`,
        );
    });

  const prog = program.command("prog").description("loaded BPF programs (native and eBPF)");
  prog
    .command("list")
    .alias("show")
    .description("list loaded programs")
    .addOption(jsonOpt())
    .action((o: { json?: boolean }) => {
      const list = BpfProgram.list().map(progListRow);
      if (o.json) return json(list);
      out(progListTable(list));
    });

  const link = program.command("link").description("bpf links");
  link
    .command("list")
    .description("list bpf links")
    .addOption(jsonOpt())
    .action((o: { json?: boolean }) => {
      const list = listLinks();
      if (o.json) return json(list);
      for (const l of list) out(`${l.id}: ${l.type}  prog ${l.progId}${l.target ? "  " + l.target : ""}`);
    });

  const map = program.command("map").description("BPF maps by id (N or id:N) or pinned path");
  map
    .command("list")
    .description("list maps")
    .addOption(jsonOpt())
    .action((o: { json?: boolean }) => {
      const list = [];
      for (const id of BpfMap.listIds()) {
        try {
          list.push(withMap(String(id), describeMap));
        } catch {
          /* gone */
        }
      }
      if (o.json) return json(list);
      for (const m of list)
        out(
          `${m.id}: ${m.type}  name ${m.name || "-"}  key ${m.keySize}B  value ${m.valueSize}B  max ${m.maxEntries}`,
        );
    });
  map
    .command("dump")
    .description("print every entry")
    .argument("<map>", "id or pinned path")
    .addOption(jsonOpt())
    .action((ref: string, o: { json?: boolean }) =>
      withMap(ref, (m) => {
        const entries = [...m.entries()];
        if (o.json)
          return json({ map: describeMap(m), entries: entries.map(([k, v]) => entryJson(m, k, v)) });
        for (const [k, v] of entries) out(entryText(m, k, v));
        err(`iu: ${entries.length} entries`);
      }),
    );
  map
    .command("lookup")
    .description("print one entry")
    .argument("<map>", "id or pinned path")
    .argument("<key>", "integer (42, 0x2a), hex:BYTES or spaced hex bytes")
    .addOption(jsonOpt())
    .action((ref: string, keyText: string, o: { json?: boolean }) =>
      withMap(ref, (m) => {
        const k = parseBytes(keyText, m.info.keySize, "key");
        const v = m.lookup(k);
        if (!v) throw new IuError(`map ${m.id} (${m.name}): no entry for key ${keyText}`);
        if (o.json) return json(entryJson(m, k, v));
        out(entryText(m, k, v));
      }),
    );
  map
    .command("update")
    .description("set one entry (per-CPU maps: the value goes to every CPU)")
    .argument("<map>", "id or pinned path")
    .argument("<key>", "integer, hex:BYTES or spaced hex bytes")
    .argument("<value>", "integer, hex:BYTES or spaced hex bytes")
    .addOption(
      new Option("--flags <f>", "only if absent / present")
        .choices(["any", "noexist", "exist"])
        .default("any"),
    )
    .addOption(jsonOpt())
    .action((ref: string, keyText: string, valueText: string, o: { flags: string; json?: boolean }) =>
      withMap(ref, (m) => {
        const k = parseBytes(keyText, m.info.keySize, "key");
        let v = parseBytes(valueText, m.info.valueSize, "value");
        if (m.isPerCpu) {
          const stride = Math.ceil(m.info.valueSize / 8) * 8;
          const all = Buffer.alloc(m.userValueSize);
          for (let off = 0; off < all.length; off += stride) v.copy(all, off);
          v = all;
        }
        m.update(k, v, { any: 0, noexist: 1, exist: 2 }[o.flags] ?? 0);
        if (o.json) return json({ updated: entryJson(m, k, v) });
        out(`updated map ${m.id}: ${entryText(m, k, v)}`);
      }),
    );
  map
    .command("delete")
    .description("delete one entry")
    .argument("<map>", "id or pinned path")
    .argument("<key>", "integer, hex:BYTES or spaced hex bytes")
    .addOption(jsonOpt())
    .action((ref: string, keyText: string, o: { json?: boolean }) =>
      withMap(ref, (m) => {
        const k = parseBytes(keyText, m.info.keySize, "key");
        const found = m.delete(k);
        if (o.json) return json({ deleted: found });
        if (!found) throw new IuError(`map ${m.id}: no entry for key ${keyText}`);
        out(`deleted key ${keyText}`);
      }),
    );

  map
    .command("events")
    .description("stream the records of a ring buffer or perf event array map until SIGINT or --timeout")
    .argument("<map>", "id or pinned path of a ringbuf or perf_event_array map")
    .option("--timeout <s>", "stop after this many seconds", int)
    .addOption(jsonOpt())
    .action(async (ref: string, o: { timeout?: number; json?: boolean }) => {
      const m = BpfMap.open(ref);
      let consume: () => { cpu?: number; data: Buffer }[];
      let close: () => void;
      if (m.info.type === 27) {
        const r = new RingBufReader(m);
        consume = () => r.consume().map((data) => ({ data }));
        close = () => r.close();
      } else if (m.info.type === 4) {
        const r = new PerfEventArrayReader(m);
        consume = () => r.consume();
        close = () => r.close();
      } else {
        m.close();
        throw new IuError(
          `map ${m.id} (${m.name}) is a ${m.typeName} map, not a ringbuf or perf_event_array`,
        );
      }
      const { promise, signal } = untilSignal();
      err(`iu: reading map ${m.id} (${m.name}, ${m.typeName}); Ctrl-C to stop`);
      const timer =
        o.timeout !== undefined ? setTimeout(() => process.emit("SIGTERM"), o.timeout * 1000) : undefined;
      const pump = (async () => {
        while (!signal.aborted) {
          const recs = consume();
          for (const r of recs) {
            if (o.json)
              out(
                JSON.stringify({
                  ...(r.cpu !== undefined ? { cpu: r.cpu } : {}),
                  length: r.data.length,
                  hex: r.data.toString("hex"),
                }),
              );
            else out(`${r.cpu !== undefined ? `cpu${r.cpu} ` : ""}${r.data.length}B: ${hexBytes(r.data)}`);
          }
          if (!recs.length) await new Promise((res) => setTimeout(res, 50));
        }
      })();
      await promise;
      await pump;
      if (timer) clearTimeout(timer);
      close();
      m.close();
    });

  program
    .command("trace")
    .description("print the programs' output (bpf_trace_printk, from tracefs trace_pipe) until SIGINT")
    .option("--timeout <s>", "stop after this many seconds", int)
    .addOption(jsonOpt())
    .action(async (o: { timeout?: number; json?: boolean }) => {
      const { promise, signal } = untilSignal();
      const reader = new TraceReader();
      err(`iu: reading ${reader.path}; Ctrl-C to stop`);
      const timer =
        o.timeout !== undefined ? setTimeout(() => process.emit("SIGTERM"), o.timeout * 1000) : undefined;
      const pump = (async () => {
        for await (const l of reader.lines(signal)) printTrace(l, !!o.json);
      })();
      await promise;
      await pump;
      if (timer) clearTimeout(timer);
      reader.close();
    });

  program
    .command("run")
    .description("test-run a program (BPF_PROG_TEST_RUN): prints return value, output data and duration")
    .argument("<file>", "signed image (loads its maps and the program), or a program id / pinned path")
    .option("--program <name>", "which program of the image (default: the only one)")
    .option("--data <file>", "input packet (XDP, tc)")
    .option("--ctx <file>", "input context (raw tracepoint: the u64 args)")
    .option("--repeat <n>", "runs (duration is the mean per run)", int, 1)
    .option("--out <file>", "write the output data here")
    .addOption(jsonOpt())
    .action(
      (
        file: string,
        o: { program?: string; data?: string; ctx?: string; repeat: number; out?: string; json?: boolean },
      ) => {
        const data = o.data ? readFileSync(o.data) : undefined;
        const ctx = o.ctx ? readFileSync(o.ctx) : undefined;
        let obj: IuObject | undefined;
        let prog: BpfProgram;
        if (isImageFile(file)) {
          obj = IuObject.open(file);
          const names = obj.programNames();
          const name = o.program ?? (names.length === 1 ? names[0] : undefined);
          if (!name)
            throw new IuError(
              `${file} has ${names.length} programs (${names.join(", ")}): pick one with --program`,
            );
          obj.load({ programs: [name] });
          prog = obj.program(name);
        } else {
          prog = BpfProgram.open(file);
        }
        try {
          const r = prog.testRun({ data, ctx, repeat: o.repeat });
          if (o.out) writeFileSync(o.out, r.dataOut);
          const res = {
            program: prog.name,
            id: prog.id,
            retval: r.retval,
            durationNs: r.duration,
            repeat: o.repeat,
            dataOut: r.dataOut.toString("hex"),
            dataOutLength: r.dataOut.length,
            ...(r.ctxOut.length ? { ctxOut: r.ctxOut.toString("hex") } : {}),
            ...(data ? { dataChanged: !data.equals(r.dataOut) } : {}),
          };
          if (o.json) return json(res);
          out(`retval: ${r.retval}`);
          out(`duration: ${r.duration} ns/run (mean over ${o.repeat}; under -icount: guest instructions)`);
          if (data) {
            out(`data out (${r.dataOut.length} bytes${res.dataChanged ? ", changed" : ", unchanged"}):`);
            for (let i = 0; i < r.dataOut.length; i += 16)
              out(
                `  ${r.dataOut
                  .subarray(i, i + 16)
                  .toString("hex")
                  .replace(/(..)/g, "$1 ")
                  .trim()}`,
              );
          }
        } finally {
          if (obj) obj.close();
          else prog.close();
        }
      },
    );
}
