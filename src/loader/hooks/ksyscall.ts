/**
 * ksyscall: `ksyscall:NAME`, `kretsyscall:NAME`, a kprobe / kretprobe on the syscall's
 * x86-64 wrapper `__x64_sys_NAME`, as libbpf's `SEC("ksyscall/NAME")` is. The wrapper's
 * only argument is the user's `struct pt_regs *`; the SDK's `KsyscallContext` reads the
 * syscall's own arguments from there.
 */
import { IuError } from "../../errors.js";
import { ProgType } from "../attr.js";
import { SysError } from "../sys.js";
import { kprobe } from "./kprobe.js";
import { SYSCALL_WRAPPER } from "./perf_link.js";
import type { Hook, Refuse } from "./types.js";

export interface KsyscallTarget {
  kind: "ksyscall";
  name: string;
  retprobe: boolean;
}

export const ksyscall: Hook<KsyscallTarget> = {
  kind: "ksyscall",
  prefixes: ["ksyscall", "kretsyscall"],
  syntax: ["ksyscall:NAME", "kretsyscall:NAME"],
  examples: ["ksyscall:tgkill", "kretsyscall:openat"],
  progTypes: [ProgType.KPROBE],
  templates: ["ksyscall"],

  parse(prefix: string, rest: string, bad: Refuse) {
    if (!/^[a-z_][a-z0-9_]*$/.test(rest)) bad("want a syscall name (such as kill or openat)");
    if (rest.startsWith(SYSCALL_WRAPPER) || rest.startsWith("sys_"))
      bad(`give the syscall's name without '${rest.startsWith("sys_") ? "sys_" : SYSCALL_WRAPPER}'`);
    return { kind: "ksyscall", name: rest, retprobe: prefix === "kretsyscall" };
  },

  format(t) {
    return `${t.retprobe ? "kretsyscall" : "ksyscall"}:${t.name}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(attach);
  },

  attach(progFd, t, what) {
    const func = SYSCALL_WRAPPER + t.name;
    try {
      return kprobe.attach(progFd, { kind: "kprobe", func, offset: 0, retprobe: t.retprobe }, what);
    } catch (e) {
      if (e instanceof SysError && e.op.startsWith("perf_event_open"))
        throw new IuError(`${e.message}: is '${t.name}' a syscall of this kernel? (probed at ${func})`);
      throw e;
    }
  },

  // the link is a kprobe on the wrapper, and its info says no more: the kprobe hook,
  // first in the registry, shows it as kprobe:__x64_sys_NAME
  describe() {
    return undefined;
  },

  linkMatcher(t) {
    return kprobe.linkMatcher({
      kind: "kprobe",
      func: SYSCALL_WRAPPER + t.name,
      offset: 0,
      retprobe: t.retprobe,
    });
  },
};
