/** Raw tracepoints: `raw_tp:NAME` (also `raw_tracepoint:NAME`), attached by BPF_RAW_TRACEPOINT_OPEN. */
import { LinkType, ProgType } from "../attr.js";
import { rawTracepointOpen } from "../sys.js";
import { linkName } from "./perf_link.js";
import type { Hook, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

const L = StructOff.linkInfo;

export interface RawTracepointTarget {
  kind: "raw_tp";
  name: string;
}

export const rawTracepoint: Hook<RawTracepointTarget> = {
  kind: "raw_tp",
  prefixes: ["raw_tp", "raw_tracepoint"],
  syntax: ["raw_tp:NAME"],
  examples: ["raw_tp:sys_enter", "raw_tp:sched_switch"],
  progTypes: [ProgType.RAW_TRACEPOINT],
  templates: ["raw_tracepoint"],
  // The raw tracepoint runner refuses repeat, data and ctx_out (net/bpf/test_run.c).
  testRunCtxOnly: true,

  parse(_prefix: string, rest: string, bad: Refuse) {
    if (!/^[A-Za-z0-9_]+$/.test(rest)) bad("want raw_tp:NAME");
    return { kind: "raw_tp", name: rest };
  },

  format(t) {
    return `raw_tp:${t.name}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(`raw_tp:${attach}`);
  },

  attach(progFd, t) {
    return [rawTracepointOpen(t.name, progFd)];
  },

  readLinkInfo(fd, info) {
    if (info.type === LinkType.RAW_TRACEPOINT)
      info.name = linkName(fd, L.raw_tracepoint_tp_name, L.raw_tracepoint_tp_name_len);
  },

  describe(info) {
    return info.type === LinkType.RAW_TRACEPOINT ? `raw_tp:${info.name}` : undefined;
  },

  linkMatcher(t) {
    return (i) => i.type === LinkType.RAW_TRACEPOINT && i.name === t.name;
  },
};
