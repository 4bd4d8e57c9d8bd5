/**
 * kprobes: `kprobe:FUNC[+OFF]`, `kretprobe:FUNC` (also `kprobe:ret:FUNC`), attached as a
 * perf event of the kprobe PMU plus BPF_LINK_CREATE(BPF_PERF_EVENT).
 */
import { LinkType, ProgType } from "../attr.js";
import { addr, cString, perfEventOpen } from "../sys.js";
import { linkName, PerfEventType, perfLink, pmuType, retprobeBit } from "./perf_link.js";
import type { Hook, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

const L = StructOff.linkInfo;

export interface KprobeTarget {
  kind: "kprobe";
  func: string;
  offset: number;
  retprobe: boolean;
}

export const kprobe: Hook<KprobeTarget> = {
  kind: "kprobe",
  prefixes: ["kprobe", "kretprobe"],
  syntax: ["kprobe:FUNC[+OFF]", "kretprobe:FUNC"],
  examples: ["kprobe:do_sys_openat2", "kprobe:vfs_read+16", "kretprobe:vfs_read"],
  progTypes: [ProgType.KPROBE],
  templates: ["kprobe"],

  parse(prefix: string, rest: string, bad: Refuse) {
    let spec = rest;
    let retprobe = prefix === "kretprobe";
    if (spec.startsWith("ret:")) {
      retprobe = true;
      spec = spec.slice(4);
    }
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\+(0x[0-9a-fA-F]+|\d+))?$/.exec(spec);
    if (!m) bad("want a kernel function name, optionally +OFFSET");
    const offset = m[2] ? Number(m[2]) : 0;
    if (retprobe && offset) bad("a kretprobe takes no offset");
    return { kind: "kprobe", func: m[1], offset, retprobe };
  },

  format(t) {
    return `${t.retprobe ? "kretprobe" : "kprobe"}:${t.func}${t.offset ? "+" + t.offset : ""}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(`kprobe:${attach}`);
  },

  attach(progFd, t, what) {
    const func = cString(t.func);
    const pfd = perfEventOpen(
      {
        type: pmuType("kprobe"),
        config: t.retprobe ? 1n << BigInt(retprobeBit("kprobe")) : 0n,
        config1: addr(func),
        config2: BigInt(t.offset),
        disabled: true,
      },
      -1,
      0,
      what,
      [func],
    );
    return [perfLink(pfd, progFd, what)];
  },

  readLinkInfo(fd, info) {
    if (
      info.type === LinkType.PERF_EVENT &&
      (info.perfEventType === PerfEventType.KPROBE || info.perfEventType === PerfEventType.KRETPROBE)
    )
      info.name = linkName(fd, L.perf_event_kprobe_func_name, L.perf_event_kprobe_name_len);
  },

  describe(info) {
    if (info.type !== LinkType.PERF_EVENT) return undefined;
    if (info.perfEventType === PerfEventType.KPROBE) return `kprobe:${info.name}`;
    if (info.perfEventType === PerfEventType.KRETPROBE) return `kretprobe:${info.name}`;
    return undefined;
  },

  linkMatcher(t) {
    const type = t.retprobe ? PerfEventType.KRETPROBE : PerfEventType.KPROBE;
    return (i) => i.type === LinkType.PERF_EVENT && i.perfEventType === type && i.name === t.func;
  },
};
