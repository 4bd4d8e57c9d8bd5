/**
 * Tracepoints: `tracepoint:CAT/NAME` (also `tp:CAT:NAME`), attached as a
 * PERF_TYPE_TRACEPOINT perf event (its id from tracefs) plus BPF_LINK_CREATE(BPF_PERF_EVENT).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IuError } from "../../errors.js";
import { LinkType, PerfType, ProgType } from "../attr.js";
import { perfEventOpen } from "../sys.js";
import { linkName, PerfEventType, perfLink } from "./perf_link.js";
import type { Hook, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

const L = StructOff.linkInfo;

export interface TracepointTarget {
  kind: "tracepoint";
  category: string;
  name: string;
}

export const tracefsRoots = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

export function tracefsRoot(): string {
  for (const r of tracefsRoots) if (existsSync(join(r, "events"))) return r;
  throw new IuError("tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
}

export function tracepointId(category: string, name: string): number {
  const path = join(tracefsRoot(), "events", category, name, "id");
  try {
    return Number(readFileSync(path, "utf8").trim());
  } catch {
    throw new IuError(`no tracepoint ${category}/${name} (${path} is missing)`);
  }
}

export const tracepoint: Hook<TracepointTarget> = {
  kind: "tracepoint",
  prefixes: ["tracepoint", "tp"],
  syntax: ["tracepoint:CAT/NAME"],
  examples: ["tracepoint:syscalls/sys_enter_getpid", "tracepoint:sched/sched_switch"],
  progTypes: [ProgType.TRACEPOINT],
  templates: ["tracepoint"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    const m = /^([A-Za-z0-9_]+)[/:]([A-Za-z0-9_]+)$/.exec(rest);
    if (!m) bad("want tracepoint:CATEGORY/NAME");
    return { kind: "tracepoint", category: m[1], name: m[2] };
  },

  format(t) {
    return `tracepoint:${t.category}/${t.name}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(`tracepoint:${attach}`);
  },

  attach(progFd, t, what) {
    const id = tracepointId(t.category, t.name);
    const pfd = perfEventOpen({ type: PerfType.TRACEPOINT, config: BigInt(id), disabled: true }, -1, 0, what);
    return [perfLink(pfd, progFd, what)];
  },

  readLinkInfo(fd, info) {
    if (info.type === LinkType.PERF_EVENT && info.perfEventType === PerfEventType.TRACEPOINT)
      info.name = linkName(fd, L.perf_event_tracepoint_tp_name, L.perf_event_tracepoint_name_len);
  },

  describe(info) {
    return info.type === LinkType.PERF_EVENT && info.perfEventType === PerfEventType.TRACEPOINT
      ? `tracepoint:${info.name}`
      : undefined;
  },

  linkMatcher(t) {
    // The link reports the event's name without its category.
    return (i) =>
      i.type === LinkType.PERF_EVENT && i.perfEventType === PerfEventType.TRACEPOINT && i.name === t.name;
  },
};
