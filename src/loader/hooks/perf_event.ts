/**
 * Perf events: `perf:EVENT[:PERIOD]` (also `perf_event:`), one software or hardware perf
 * event per online CPU, each with a BPF_LINK_CREATE(BPF_PERF_EVENT) link.
 */
import { readFileSync } from "node:fs";
import { hardwareEvents, LinkType, PerfType, ProgType, softwareEvents } from "../attr.js";
import { parseCpuList } from "../map.js";
import { closeFd, perfEventOpen } from "../sys.js";
import { PerfEventType, perfLink } from "./perf_link.js";
import type { Hook, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

export interface PerfEventTarget {
  kind: "perf";
  event: string;
  period?: bigint;
}

function onlineCpus(): number[] {
  return parseCpuList(readFileSync("/sys/devices/system/cpu/online", "utf8"));
}

export const perfEvent: Hook<PerfEventTarget> = {
  kind: "perf",
  prefixes: ["perf", "perf_event"],
  syntax: ["perf:EVENT[:PERIOD]"],
  examples: ["perf:cpu-clock", "perf:page-faults:10", "perf:cycles"],
  progTypes: [ProgType.PERF_EVENT],
  templates: ["perf_event"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    const [event, period, extra] = rest.split(":");
    if (extra !== undefined) bad("want perf:EVENT[:PERIOD]");
    if (!(event in softwareEvents) && !(event in hardwareEvents))
      bad(
        `unknown perf event '${event}' (known: ${[...Object.keys(softwareEvents), ...Object.keys(hardwareEvents)].join(", ")})`,
      );
    if (period !== undefined && !/^\d+$/.test(period)) bad("PERIOD must be a positive integer");
    return period ? { kind: "perf", event, period: BigInt(period) } : { kind: "perf", event };
  },

  format(t) {
    return `perf:${t.event}${t.period !== undefined ? ":" + t.period : ""}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(`perf:${attach}`);
  },

  attach(progFd, t, what) {
    const sw = t.event in softwareEvents;
    const config = BigInt(sw ? softwareEvents[t.event] : hardwareEvents[t.event]);
    const clock = sw && config <= 1n; // cpu-clock / task-clock: period in ns
    const period = t.period ?? (clock ? 1_000_000n : 1n);
    const fds: number[] = [];
    try {
      for (const cpu of onlineCpus()) {
        const pfd = perfEventOpen(
          {
            type: sw ? PerfType.SOFTWARE : PerfType.HARDWARE,
            config,
            samplePeriod: period,
            disabled: true,
          },
          -1,
          cpu,
          `${what} cpu ${cpu}`,
        );
        fds.push(perfLink(pfd, progFd, `${what} cpu ${cpu}`));
      }
    } catch (e) {
      fds.forEach(closeFd);
      throw e;
    }
    return fds;
  },

  readLinkInfo(_fd, info, raw) {
    if (info.type === LinkType.PERF_EVENT && info.perfEventType === PerfEventType.EVENT)
      info.perfConfig = raw.readBigUInt64LE(StructOff.linkInfo.perf_event_event_config);
  },

  describe(info) {
    return info.type === LinkType.PERF_EVENT && info.perfEventType === PerfEventType.EVENT
      ? `perf config ${info.perfConfig}`
      : undefined;
  },

  linkMatcher(t) {
    const config = BigInt(softwareEvents[t.event] ?? hardwareEvents[t.event]);
    return (i) =>
      i.type === LinkType.PERF_EVENT && i.perfEventType === PerfEventType.EVENT && i.perfConfig === config;
  },
};
