/**
 * The registry of hook kinds: every hook's module, and the lookups `link.ts`, `iu new`
 * and the program wrapper use instead of switching on a kind or a program type. Adding
 * a hook kind is one module next to this file and one entry in `hooks` (ARCHITECTURE.md,
 * "Adding a hook kind").
 */
import { cgroupSkb } from "./cgroup_skb.js";
import { fentry } from "./fentry.js";
import { kprobe } from "./kprobe.js";
import { ksyscall } from "./ksyscall.js";
import { lsm } from "./lsm.js";
import { perfEvent } from "./perf_event.js";
import { rawTracepoint } from "./raw_tracepoint.js";
import { socketFilter } from "./socket_filter.js";
import { tc } from "./tc.js";
import { tracepoint } from "./tracepoint.js";
import { uprobe } from "./uprobe.js";
import { usdt } from "./usdt.js";
import type { Hook, HookTarget } from "./types.js";
import { xdp } from "./xdp.js";

export type { Hook, HookLinkInfo } from "./types.js";

/** Every hook kind, in the order help texts and `iu new --type` list them. */
export const hooks = [
  xdp,
  tc,
  kprobe,
  tracepoint,
  rawTracepoint,
  perfEvent,
  fentry,
  uprobe,
  usdt,
  ksyscall,
  lsm,
  cgroupSkb,
  socketFilter,
] as const;

type TargetOf<H> = H extends Hook<infer T extends HookTarget> ? T : never;

/** An attach target of any hook kind, told apart by `kind`. */
export type Target = TargetOf<(typeof hooks)[number]>;

const all: readonly Hook<Target>[] = hooks;

const byKind = new Map(all.map((h) => [h.kind, h]));
const byPrefix = new Map(all.flatMap((h) => h.prefixes.map((p) => [p, h] as const)));
/** A type's first hook in the registry is its primary one (kprobe before uprobe and ksyscall). */
const byProgType = new Map<number, Hook<Target>>();
for (const h of all) for (const p of h.progTypes) if (!byProgType.has(p)) byProgType.set(p, h);

/** The hook of a target. */
export function hookOf<T extends Target>(t: T): Hook<T> {
  return byKind.get(t.kind) as Hook<T>;
}

/** The hook a `KIND` word of `KIND:ARGS` selects. */
export function hookByPrefix(prefix: string): Hook<Target> | undefined {
  return byPrefix.get(prefix);
}

/** The primary hook of programs of type `progType` (several hooks take KPROBE programs). */
export function hookOfProgType(progType: number): Hook<Target> | undefined {
  return byProgType.get(progType);
}

/**
 * The hook of a program declaration's attach string: the hook its `KIND:` names when that
 * hook takes `progType` (`uprobe:/bin/sh:main` for a KPROBE program), else the type's
 * primary hook (whose declarations carry no kind: `do_sys_openat2`, `ret:vfs_read`).
 */
export function hookOfDecl(progType: number, attach: string): Hook<Target> | undefined {
  const kind = /^([a-z_]+):/.exec(attach)?.[1];
  const h = kind === undefined ? undefined : byPrefix.get(kind);
  return h?.progTypes.includes(progType) ? h : hookOfProgType(progType);
}

/** The hook `iu new --type NAME` starts a program for. */
export function hookOfTemplate(name: string): Hook<Target> | undefined {
  return all.find((h) => h.templates.includes(name));
}

/** Every target syntax, for help texts and errors. */
export function targetSyntax(): string {
  return all.flatMap((h) => h.syntax).join(", ");
}
