/** `iu map`: list, dump, lookup, update, delete and stream the records of BPF maps. */
import { type Command, Option } from "commander";
import { IuError } from "../errors.js";
import { BpfMap, formatBytes, hexBytes, openEventReader, parseBytes, UpdateFlags } from "../loader/index.js";
import { err, int, json, jsonOpt, out, streamUntilStopped } from "./output.js";

/** How often `iu map events` looks at the rings when they were empty (ms). */
const EVENTS_POLL_MS = 50;

/** `--flags` of `iu map update`. */
const updateFlags: Record<string, number> = {
  any: UpdateFlags.ANY,
  noexist: UpdateFlags.NOEXIST,
  exist: UpdateFlags.EXIST,
};

/** One map of `iu map list` and of `iu load`'s summary. */
export function describeMap(m: BpfMap) {
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
      values: m.perCpuValues(v).map((x, cpu) => ({ cpu, ...formatBytes(x) })),
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
      m
        .perCpuValues(v)
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

async function withMapAsync<T>(ref: string, fn: (m: BpfMap) => Promise<T>): Promise<T> {
  const m = BpfMap.open(ref);
  try {
    return await fn(m);
  } finally {
    m.close();
  }
}

export function registerMapCommands(program: Command): void {
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
        const v = m.valueForAllCpus(parseBytes(valueText, m.info.valueSize, "value"));
        m.update(k, v, updateFlags[o.flags] ?? UpdateFlags.ANY);
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
    .action(async (ref: string, o: { timeout?: number; json?: boolean }) =>
      withMapAsync(ref, async (m) => {
        const reader = openEventReader(m);
        try {
          err(`iu: reading map ${m.id} (${m.name}, ${m.typeName}); Ctrl-C to stop`);
          const drain = (): number => {
            const recs = reader.consume();
            for (const r of recs) {
              const cpu = r.cpu !== undefined ? { cpu: r.cpu } : {};
              if (o.json) out(JSON.stringify({ ...cpu, length: r.data.length, hex: r.data.toString("hex") }));
              else out(`${r.cpu !== undefined ? `cpu${r.cpu} ` : ""}${r.data.length}B: ${hexBytes(r.data)}`);
            }
            return recs.length;
          };
          await streamUntilStopped(drain, { pollMs: EVENTS_POLL_MS, timeoutSeconds: o.timeout });
        } finally {
          reader.close();
        }
      }),
    );
}
