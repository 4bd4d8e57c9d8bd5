/**
 * What one hook kind is, in one place (as aya's `programs/xdp.rs` and cilium/ebpf's
 * `link/kprobe.go` are): how its attach targets are written and read back, which program
 * types it takes, how a program is attached, how its links are recognised in the kernel's
 * link list, and which `iu new` template starts a program for it. The registry
 * (`index.ts`) lists every hook; `link.ts`, `iu new` and the tests only look things up
 * there.
 */
import type { LinkInfo } from "../attr.js";

/** Link info with what some hooks read on top: a raw tp / kprobe / tracepoint name, a perf config. */
export type HookLinkInfo = LinkInfo & { name?: string; perfConfig?: bigint; cgroupId?: bigint };

/** Refuses a target text, saying why (the caller adds the text and the expected syntax). */
export type Refuse = (why: string) => never;

/** A target of one hook: `kind` is what `KIND:` in `KIND:ARGS` resolves to. */
export interface HookTarget {
  kind: string;
}

export interface Hook<T extends HookTarget> {
  readonly kind: T["kind"];
  /** The `KIND` words that select this hook in `KIND:ARGS` (the first is the one `format` writes). */
  readonly prefixes: readonly string[];
  /** The target syntax, for help texts and errors (`xdp:IFACE[:skb|drv|hw]`). */
  readonly syntax: readonly string[];
  /** Targets in the form `format` writes, for help texts and the registry's tests. */
  readonly examples: readonly string[];
  /** `enum bpf_prog_type` values a program attached here may have; the first is the one the SDK declares. */
  readonly progTypes: readonly number[];
  /**
   * `iu new --type` names: each is `templates/program/src/<name>.rs.tmpl`; the first also
   * names the SDK's context file `sdk/src/ctx/<name>.rs`.
   */
  readonly templates: readonly string[];
  /** BPF_PROG_TEST_RUN runs once, with `ctx_in` only (no repeat, data or ctx_out). */
  readonly testRunCtxOnly?: boolean;

  /** Parses the ARGS of `prefix:ARGS` (`rest` is not empty); `bad(why)` refuses. Pure. */
  parse(prefix: string, rest: string, bad: Refuse): T;
  /** The canonical text of a target: `parse` of it gives the target back. */
  format(t: T): string;
  /**
   * The target an image's `iu_prog_def` declares: `attach` is trimmed and not empty,
   * `parse` parses a full `KIND:ARGS` text as this hook's target.
   */
  fromDecl(attach: string, attachType: number, parse: (text: string) => T): T;

  /** What loading a program for `t` needs on top (fentry/fexit: the function's BTF id). */
  loadAttr?(t: T): { attachBtfId?: number };
  /**
   * Attaches `progFd` at `t`; returns the link fds (`what` names the target in errors):
   * none for a hook without links (a socket holds its filter itself).
   */
  attach(progFd: number, t: T, what: string): number[];
  /** Takes a program off a hook without links (`iu detach`). */
  detach?(t: T): void;
  /** Reads what this hook's links need on top of the common link info (names, config). */
  readLinkInfo?(fd: number, info: HookLinkInfo, raw: Buffer): void;
  /** How `iu link list` shows one of this hook's links; undefined for other hooks' links. */
  describe(info: HookLinkInfo): string | undefined;
  /** A test for links that attach something at `t` (resolves names, such as interfaces, once). */
  linkMatcher(t: T): (info: HookLinkInfo) => boolean;
}
