/**
 * Attach targets and bpf links. A target is written `KIND:ARGS` (`xdp:eth0`,
 * `tc:eth0:egress`, `kprobe:vfs_read`, `tracepoint:syscalls/sys_enter_getpid`,
 * `raw_tp:sys_enter`, `perf:cpu-clock`, ...). Each kind is one module in `hooks/`, listed
 * in `hooks/index.ts`, that says how its targets are written, which program types it
 * takes, how it attaches and how its links are recognised; this file does what is common
 * to all kinds and looks the rest up there. A `Link` owns one or more link fds (perf
 * events: one per CPU); closing them detaches unless they are pinned.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { IuError } from "../errors.js";
import { decodeLinkInfo, LINK_INFO_SIZE, LinkType, linkTypeNames } from "./attr.js";
import {
  hookByPrefix,
  hookOf,
  hookOfDecl,
  hooks,
  targetSyntax,
  type Hook,
  type HookLinkInfo,
  type Target,
} from "./hooks/index.js";
import { closeFd, fdById, linkDetach, listIds, objGet, objInfo, objPin } from "./sys.js";

export type { Target } from "./hooks/index.js";
export { tracefsRoot, tracefsRoots, tracepointId } from "./hooks/tracepoint.js";

function bad(text: string, why: string): never {
  throw new IuError(`bad attach target '${text}': ${why} (expected one of ${targetSyntax()})`);
}

/** `KIND:ARGS` split at the first colon, refused when either side is missing. */
function splitTarget(text: string): [kind: string, rest: string] {
  const i = text.indexOf(":");
  if (i <= 0) bad(text, "no KIND: prefix");
  const rest = text.slice(i + 1);
  if (!rest) bad(text, "nothing after the colon");
  return [text.slice(0, i), rest];
}

/** Parses `KIND:ARGS` (see the file comment). Pure: no system access. */
export function parseTarget(text: string): Target {
  const [kind, rest] = splitTarget(text);
  const h = hookByPrefix(kind);
  if (!h) return bad(text, `unknown kind '${kind}'`);
  return h.parse(kind, rest, (why) => bad(text, why));
}

/** Parses `KIND:ARGS` as a target of hook `h` only. */
function parseAs<T extends Target>(h: Hook<T>, text: string): T {
  const [kind, rest] = splitTarget(text);
  if (!h.prefixes.includes(kind)) return bad(text, `unknown kind '${kind}'`);
  return h.parse(kind, rest, (why) => bad(text, why));
}

export function formatTarget(t: Target): string {
  return hookOf(t).format(t);
}

/**
 * The target an image declares for a program (`iu_prog_def.attach`, see IMAGE-FORMAT.md),
 * or undefined when the declaration leaves it to attach time (XDP/tc without interface).
 */
export function targetFromDecl(progType: number, attachType: number, attach: string): Target | undefined {
  const a = attach.trim();
  if (!a) return undefined;
  const h = hookOfDecl(progType, a);
  return h ? h.fromDecl(a, attachType, (text) => parseAs(h, text)) : parseTarget(a);
}

/** What loading a program for `t` needs from its hook (fentry/fexit: the BTF id). */
export function loadAttrOf(t: Target | undefined): { attachBtfId?: number } {
  return t ? (hookOf(t).loadAttr?.(t) ?? {}) : {};
}

/** Refuses a program type the target's hook does not take (a clear error beats the kernel's EINVAL). */
export function checkProgTypeForTarget(progType: number, t: Target): void {
  if (!hookOf(t).progTypes.includes(progType))
    throw new IuError(`a program of type ${progType} cannot be attached to ${formatTarget(t)}`);
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
  return new Link(hookOf(t).attach(progFd, t, what), what);
}

/** Link info with what its hook reads on top (raw tp, kprobe, tracepoint names; perf config). */
export function linkInfoByFd(fd: number): HookLinkInfo {
  const b = Buffer.alloc(LINK_INFO_SIZE);
  objInfo(fd, b);
  const info: HookLinkInfo = decodeLinkInfo(b);
  for (const h of hooks) h.readLinkInfo?.(fd, info, b);
  return info;
}

function describe(info: HookLinkInfo): string | undefined {
  for (const h of hooks) {
    const d = h.describe(info);
    if (d !== undefined) return d;
  }
  return info.type === LinkType.PERF_EVENT ? "perf_event" : undefined;
}

/** Every live link's info: each opened by id (links gone meanwhile are skipped), read, closed. */
function* liveLinkInfos(): Generator<{ id: number; info: HookLinkInfo }> {
  for (const id of listIds("link")) {
    let fd: number;
    try {
      fd = fdById("link", id);
    } catch {
      continue;
    }
    let info: HookLinkInfo;
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
  const hit = hookOf(t).linkMatcher(t);
  for (const { id, info } of liveLinkInfos()) {
    if (progId !== undefined && info.progId !== progId) continue;
    if (hit(info)) ids.push(id);
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
  const h = hookOf(t);
  if (h.detach) {
    h.detach(t);
    return { detached, stuck };
  }
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
