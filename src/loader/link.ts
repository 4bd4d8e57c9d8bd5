/**
 * Attach targets and bpf links. A target is written `KIND:ARGS`:
 *
 *   xdp:IFACE[:skb|drv|hw]      BPF_LINK_CREATE(BPF_XDP, ifindex)
 *   tc:IFACE:ingress|egress     BPF_LINK_CREATE(BPF_TCX_INGRESS/EGRESS, ifindex)
 *   kprobe:FUNC[+OFF]           perf_event_open(kprobe PMU) + BPF_LINK_CREATE(BPF_PERF_EVENT)
 *   kretprobe:FUNC              same, retprobe bit set (also kprobe:ret:FUNC)
 *   tracepoint:CAT/NAME         perf_event_open(PERF_TYPE_TRACEPOINT, tracefs id) + link
 *   raw_tp:NAME                 BPF_RAW_TRACEPOINT_OPEN
 *   perf:EVENT[:PERIOD]         one software/hardware perf event per online CPU + links
 *
 * A `Link` owns one or more link fds (perf events: one per CPU); closing them detaches
 * unless they are pinned.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { IuError } from "../errors.js";
import {
  AttachType,
  decodeLinkInfo,
  hardwareEvents,
  LINK_INFO_SIZE,
  LinkType,
  linkTypeNames,
  PerfType,
  ProgType,
  softwareEvents,
  type LinkInfo,
} from "./attr.js";
import { parseCpuList } from "./map.js";
import {
  addr,
  closeFd,
  cString,
  fdById,
  ifNameToIndex,
  linkCreate,
  linkDetach,
  listIds,
  objGet,
  objInfo,
  objPin,
  perfEventEnable,
  perfEventOpen,
  rawTracepointOpen,
} from "./sys.js";

export type Target =
  | { kind: "xdp"; iface: string; mode?: "skb" | "drv" | "hw" }
  | { kind: "tc"; iface: string; direction: "ingress" | "egress" }
  | { kind: "kprobe"; func: string; offset: number; retprobe: boolean }
  | { kind: "tracepoint"; category: string; name: string }
  | { kind: "raw_tp"; name: string }
  | { kind: "perf"; event: string; period?: bigint };

const TARGET_HELP =
  "xdp:IFACE[:skb|drv|hw], tc:IFACE:ingress|egress, kprobe:FUNC[+OFF], kretprobe:FUNC, " +
  "tracepoint:CAT/NAME, raw_tp:NAME, perf:EVENT[:PERIOD]";

function bad(text: string, why: string): never {
  throw new IuError(`bad attach target '${text}': ${why} (expected one of ${TARGET_HELP})`);
}

/** Parses `KIND:ARGS` (see the file comment). Pure: no system access. */
export function parseTarget(text: string): Target {
  const i = text.indexOf(":");
  if (i <= 0) bad(text, "no KIND: prefix");
  const kind = text.slice(0, i);
  const rest = text.slice(i + 1);
  if (!rest) bad(text, "nothing after the colon");
  switch (kind) {
    case "xdp": {
      const [iface, mode, extra] = rest.split(":");
      if (!iface || extra !== undefined) bad(text, "want xdp:IFACE[:MODE]");
      if (mode !== undefined && mode !== "skb" && mode !== "drv" && mode !== "hw")
        bad(text, `unknown XDP mode '${mode}'`);
      return mode ? { kind: "xdp", iface, mode } : { kind: "xdp", iface };
    }
    case "tc": {
      const [iface, dir, extra] = rest.split(":");
      if (!iface || extra !== undefined) bad(text, "want tc:IFACE:ingress|egress");
      const direction = dir ?? "ingress";
      if (direction !== "ingress" && direction !== "egress") bad(text, `direction '${direction}'`);
      return { kind: "tc", iface, direction };
    }
    case "kprobe":
    case "kretprobe": {
      let spec = rest;
      let retprobe = kind === "kretprobe";
      if (spec.startsWith("ret:")) {
        retprobe = true;
        spec = spec.slice(4);
      }
      const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\+(0x[0-9a-fA-F]+|\d+))?$/.exec(spec);
      if (!m) bad(text, "want a kernel function name, optionally +OFFSET");
      const offset = m[2] ? Number(m[2]) : 0;
      if (retprobe && offset) bad(text, "a kretprobe takes no offset");
      return { kind: "kprobe", func: m[1], offset, retprobe };
    }
    case "tracepoint":
    case "tp": {
      const m = /^([A-Za-z0-9_]+)[/:]([A-Za-z0-9_]+)$/.exec(rest);
      if (!m) bad(text, "want tracepoint:CATEGORY/NAME");
      return { kind: "tracepoint", category: m[1], name: m[2] };
    }
    case "raw_tp":
    case "raw_tracepoint": {
      if (!/^[A-Za-z0-9_]+$/.test(rest)) bad(text, "want raw_tp:NAME");
      return { kind: "raw_tp", name: rest };
    }
    case "perf":
    case "perf_event": {
      const [event, period, extra] = rest.split(":");
      if (extra !== undefined) bad(text, "want perf:EVENT[:PERIOD]");
      if (!(event in softwareEvents) && !(event in hardwareEvents))
        bad(
          text,
          `unknown perf event '${event}' (known: ${[...Object.keys(softwareEvents), ...Object.keys(hardwareEvents)].join(", ")})`,
        );
      if (period !== undefined && !/^\d+$/.test(period)) bad(text, "PERIOD must be a positive integer");
      return period ? { kind: "perf", event, period: BigInt(period) } : { kind: "perf", event };
    }
    default:
      return bad(text, `unknown kind '${kind}'`);
  }
}

export function formatTarget(t: Target): string {
  switch (t.kind) {
    case "xdp":
      return `xdp:${t.iface}${t.mode ? ":" + t.mode : ""}`;
    case "tc":
      return `tc:${t.iface}:${t.direction}`;
    case "kprobe":
      return `${t.retprobe ? "kretprobe" : "kprobe"}:${t.func}${t.offset ? "+" + t.offset : ""}`;
    case "tracepoint":
      return `tracepoint:${t.category}/${t.name}`;
    case "raw_tp":
      return `raw_tp:${t.name}`;
    case "perf":
      return `perf:${t.event}${t.period !== undefined ? ":" + t.period : ""}`;
  }
}

/**
 * The target an image declares for a program (`iu_prog_def.attach`, see IMAGE-FORMAT.md),
 * or undefined when the declaration leaves it to attach time (XDP/tc without interface).
 */
export function targetFromDecl(progType: number, attachType: number, attach: string): Target | undefined {
  const a = attach.trim();
  switch (progType) {
    case ProgType.TRACEPOINT:
      return a ? parseTarget(`tracepoint:${a}`) : undefined;
    case ProgType.RAW_TRACEPOINT:
      return a ? parseTarget(`raw_tp:${a}`) : undefined;
    case ProgType.KPROBE:
      return a ? parseTarget(`kprobe:${a}`) : undefined;
    case ProgType.PERF_EVENT:
      return a ? parseTarget(`perf:${a}`) : undefined;
    case ProgType.XDP:
      return a ? parseTarget(a.startsWith("xdp:") ? a : `xdp:${a}`) : undefined;
    case ProgType.SCHED_CLS:
    case ProgType.SCHED_ACT: {
      if (!a) return undefined;
      const t = parseTarget(a.startsWith("tc:") ? a : `tc:${a}`);
      if (t.kind === "tc" && !a.split(":").some((p) => p === "ingress" || p === "egress"))
        t.direction = attachType === AttachType.TCX_EGRESS ? "egress" : "ingress";
      return t;
    }
    default:
      return a ? parseTarget(a) : undefined;
  }
}

/** Which program types can go to which target kind (a clear error beats the kernel's EINVAL). */
const targetProgTypes: Record<Target["kind"], number[]> = {
  xdp: [ProgType.XDP],
  tc: [ProgType.SCHED_CLS, ProgType.SCHED_ACT],
  kprobe: [ProgType.KPROBE],
  tracepoint: [ProgType.TRACEPOINT],
  raw_tp: [ProgType.RAW_TRACEPOINT],
  perf: [ProgType.PERF_EVENT],
};

export function checkProgTypeForTarget(progType: number, t: Target): void {
  if (!targetProgTypes[t.kind].includes(progType))
    throw new IuError(`a program of type ${progType} cannot be attached to ${formatTarget(t)}`);
}

/* ---------------------------------------------------------------------------------- */
/* tracefs and PMU lookups                                                              */

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

function pmuType(pmu: string): number {
  const p = `/sys/bus/event_source/devices/${pmu}/type`;
  try {
    return Number(readFileSync(p, "utf8").trim());
  } catch {
    throw new IuError(`the kernel has no '${pmu}' perf PMU (${p}); CONFIG_KPROBE_EVENTS missing?`);
  }
}

function retprobeBit(): number {
  const p = "/sys/bus/event_source/devices/kprobe/format/retprobe";
  const m = /config:(\d+)/.exec(existsSync(p) ? readFileSync(p, "utf8") : "config:0");
  return m ? Number(m[1]) : 0;
}

function onlineCpus(): number[] {
  return parseCpuList(readFileSync("/sys/devices/system/cpu/online", "utf8"));
}

/* ---------------------------------------------------------------------------------- */
/* links                                                                                */

export interface LinkDescription {
  id: number;
  type: string;
  progId: number;
  target?: string;
}

export class Link {
  private closed = false;
  constructor(
    /** Link fds (perf events: one per CPU). */
    readonly fds: number[],
    readonly target: string,
  ) {}

  /** Link ids, via BPF_OBJ_GET_INFO_BY_FD. */
  ids(): number[] {
    return this.fds.map((fd) => linkInfoByFd(fd).id);
  }

  /**
   * Pins the link: one fd at `path`; several (per-CPU perf links) as `path/cpuN` in a
   * new bpffs directory.
   */
  pin(path: string): void {
    if (this.fds.length === 1) return objPin(this.fds[0], path);
    mkdirSync(path, { recursive: true });
    this.fds.forEach((fd, i) => objPin(fd, join(path, `link${i}`)));
  }

  /** Forces detachment even if pinned elsewhere (XDP/tcx/raw tp links), then closes. */
  detach(): void {
    for (const fd of this.fds) {
      try {
        linkDetach(fd);
      } catch {
        /* perf links do not support LINK_DETACH: closing is enough when unpinned */
      }
    }
    this.close();
  }

  close(): void {
    if (!this.closed) for (const fd of this.fds) closeFd(fd);
    this.closed = true;
  }

  /** Opens a pinned link (a file, or a directory of per-CPU links). */
  static fromPinned(path: string): Link {
    if (statSync(path).isDirectory()) {
      const fds = readdirSync(path)
        .sort()
        .map((n) => objGet(join(path, n)));
      return new Link(fds, path);
    }
    return new Link([objGet(path)], path);
  }

  static fromId(id: number): Link {
    return new Link([fdById("link", id)], `link id ${id}`);
  }
}

/** Attaches `progFd` (of type `progType`) to `t`. */
export function attach(progFd: number, progType: number, t: Target): Link {
  checkProgTypeForTarget(progType, t);
  const what = formatTarget(t);
  switch (t.kind) {
    case "xdp": {
      const flags = t.mode === "skb" ? 2 : t.mode === "drv" ? 4 : t.mode === "hw" ? 8 : 0;
      const ifindex = ifNameToIndex(t.iface);
      return new Link(
        [linkCreate({ progFd, target: ifindex, attachType: AttachType.XDP, flags }, what)],
        what,
      );
    }
    case "tc": {
      const ifindex = ifNameToIndex(t.iface);
      const attachType = t.direction === "ingress" ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS;
      return new Link([linkCreate({ progFd, target: ifindex, attachType }, what)], what);
    }
    case "raw_tp":
      return new Link([rawTracepointOpen(t.name, progFd)], what);
    case "kprobe": {
      const func = cString(t.func);
      const pfd = perfEventOpen(
        {
          type: pmuType("kprobe"),
          config: t.retprobe ? 1n << BigInt(retprobeBit()) : 0n,
          config1: addr(func),
          config2: BigInt(t.offset),
          disabled: true,
        },
        -1,
        0,
        what,
        [func],
      );
      return new Link([perfLink(pfd, progFd, what)], what);
    }
    case "tracepoint": {
      const id = tracepointId(t.category, t.name);
      const pfd = perfEventOpen(
        { type: PerfType.TRACEPOINT, config: BigInt(id), disabled: true },
        -1,
        0,
        what,
      );
      return new Link([perfLink(pfd, progFd, what)], what);
    }
    case "perf": {
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
      return new Link(fds, what);
    }
  }
}

/** BPF_LINK_CREATE(BPF_PERF_EVENT) on a perf fd, then enable it; the link keeps the event. */
function perfLink(perfFd: number, progFd: number, what: string): number {
  try {
    const fd = linkCreate({ progFd, target: perfFd, attachType: AttachType.PERF_EVENT }, what);
    perfEventEnable(perfFd);
    return fd;
  } finally {
    closeFd(perfFd);
  }
}

/** Link info with the name (raw tp, kprobe, tracepoint) filled in. */
export function linkInfoByFd(fd: number): LinkInfo & { name?: string; perfConfig?: bigint } {
  const b = Buffer.alloc(LINK_INFO_SIZE);
  objInfo(fd, b);
  const info: LinkInfo & { name?: string; perfConfig?: bigint } = decodeLinkInfo(b);
  const name = Buffer.alloc(256);
  if (info.type === LinkType.RAW_TRACEPOINT) {
    const b2 = Buffer.alloc(LINK_INFO_SIZE);
    b2.writeBigUInt64LE(addr(name), 16);
    b2.writeUInt32LE(name.length, 24);
    objInfo(fd, b2);
    info.name = name.subarray(0, Math.max(0, name.indexOf(0))).toString();
  } else if (info.type === LinkType.PERF_EVENT && info.perfEventType !== undefined) {
    if (info.perfEventType >= 3 && info.perfEventType <= 5) {
      const b2 = Buffer.alloc(LINK_INFO_SIZE);
      b2.writeBigUInt64LE(addr(name), 24);
      b2.writeUInt32LE(name.length, 32);
      objInfo(fd, b2);
      info.name = name.subarray(0, Math.max(0, name.indexOf(0))).toString();
    } else if (info.perfEventType === 6) {
      info.perfConfig = b.readBigUInt64LE(24);
    }
  }
  return info;
}

function describe(info: ReturnType<typeof linkInfoByFd>): string | undefined {
  switch (info.type) {
    case LinkType.XDP:
      return `xdp ifindex ${info.ifindex}`;
    case LinkType.TCX:
      return `tc ifindex ${info.ifindex} ${info.attachType === AttachType.TCX_EGRESS ? "egress" : "ingress"}`;
    case LinkType.RAW_TRACEPOINT:
      return `raw_tp:${info.name}`;
    case LinkType.PERF_EVENT:
      if (info.perfEventType === 3) return `kprobe:${info.name}`;
      if (info.perfEventType === 4) return `kretprobe:${info.name}`;
      if (info.perfEventType === 5) return `tracepoint:${info.name}`;
      if (info.perfEventType === 6) return `perf config ${info.perfConfig}`;
      return "perf_event";
  }
  return undefined;
}

/** Every live link's info: each opened by id (links gone meanwhile are skipped), read, closed. */
function* liveLinkInfos(): Generator<{ id: number; info: ReturnType<typeof linkInfoByFd> }> {
  for (const id of listIds("link")) {
    let fd: number;
    try {
      fd = fdById("link", id);
    } catch {
      continue;
    }
    let info: ReturnType<typeof linkInfoByFd>;
    try {
      info = linkInfoByFd(fd);
    } finally {
      closeFd(fd);
    }
    yield { id, info };
  }
}

export function listLinks(): LinkDescription[] {
  return [...liveLinkInfos()].map(({ id, info }) => ({
    id,
    type: linkTypeNames[info.type] ?? String(info.type),
    progId: info.progId,
    target: describe(info),
  }));
}

/** Ids of live links that attach something at `t` (optionally only program `progId`). */
export function findLinks(t: Target, progId?: number): number[] {
  const ids: number[] = [];
  const ifindex = t.kind === "xdp" || t.kind === "tc" ? ifNameToIndex(t.iface) : 0;
  for (const { id, info: i } of liveLinkInfos()) {
    if (progId !== undefined && i.progId !== progId) continue;
    let hit = false;
    if (t.kind === "xdp") hit = i.type === LinkType.XDP && i.ifindex === ifindex;
    else if (t.kind === "tc")
      hit =
        i.type === LinkType.TCX &&
        i.ifindex === ifindex &&
        i.attachType === (t.direction === "ingress" ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS);
    else if (t.kind === "raw_tp") hit = i.type === LinkType.RAW_TRACEPOINT && i.name === t.name;
    else if (t.kind === "kprobe")
      hit = i.type === LinkType.PERF_EVENT && i.perfEventType === (t.retprobe ? 4 : 3) && i.name === t.func;
    else if (t.kind === "tracepoint")
      hit = i.type === LinkType.PERF_EVENT && i.perfEventType === 5 && i.name === t.name;
    else if (t.kind === "perf") {
      const cfg = BigInt(softwareEvents[t.event] ?? hardwareEvents[t.event]);
      hit = i.type === LinkType.PERF_EVENT && i.perfEventType === 6 && i.perfConfig === cfg;
    }
    if (hit) ids.push(id);
  }
  return ids;
}

/**
 * Detaches whatever is attached at `t` through links: BPF_LINK_DETACH where the link
 * type supports it (XDP, tcx, raw tp in 6.12). Perf-event links cannot be force-detached;
 * they go away when their last fd or pin does. Returns the detached link ids.
 */
export function detachTarget(t: Target, progId?: number): { detached: number[]; stuck: number[] } {
  const detached: number[] = [];
  const stuck: number[] = [];
  for (const id of findLinks(t, progId)) {
    const fd = fdById("link", id);
    try {
      linkDetach(fd);
      detached.push(id);
    } catch {
      stuck.push(id);
    } finally {
      closeFd(fd);
    }
  }
  return { detached, stuck };
}

/** Removes a pinned link (file or per-CPU directory): the link goes with its last reference. */
export function unpinLink(path: string): void {
  rmSync(path, { recursive: true });
}
