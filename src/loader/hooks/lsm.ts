/**
 * LSM: `lsm:HOOK`, a BPF LSM program on a security hook (BPF_PROG_TYPE_LSM, attach type
 * BPF_LSM_MAC). As for fentry, the hook is fixed at load time: its `bpf_lsm_HOOK` stub's
 * BTF id goes in `attach_btf_id` (the kernel checks it names the hook the signed record
 * does); attaching is BPF_LINK_CREATE. Needs a kernel with CONFIG_BPF_LSM and `bpf` in its
 * active LSMs.
 */
import { readFileSync } from "node:fs";
import { IuError } from "../../errors.js";
import { AttachType, LinkType, ProgType } from "../attr.js";
import { linkCreate } from "../sys.js";
import { funcBtfId, progAttachBtfId, vmlinuxBtf } from "./fentry.js";
import type { Hook, Refuse } from "./types.js";

export interface LsmTarget {
  kind: "lsm";
  hook: string;
}

const STUB = "bpf_lsm_";

/** The BTF id of the hook's stub; an error if the kernel has no such hook or no BPF LSM. */
function hookBtfId(hook: string): number {
  if (!vmlinuxBtf().func(STUB + hook))
    throw new IuError(`the kernel has no LSM hook '${hook}' (no ${STUB}${hook} in its BTF; CONFIG_BPF_LSM?)`);
  return funcBtfId(STUB + hook);
}

/** Refuses attaching when `bpf` is not an active LSM (the link would never run). */
function requireBpfLsm(): void {
  let active = "";
  try {
    active = readFileSync("/sys/kernel/security/lsm", "utf8");
  } catch {
    // securityfs not mounted: let the kernel decide
    return;
  }
  if (!active.split(",").includes("bpf"))
    throw new IuError(
      `the bpf LSM is not active (active: ${active.trim() || "none"}); boot with lsm=...,bpf`,
    );
}

export const lsm: Hook<LsmTarget> = {
  kind: "lsm",
  prefixes: ["lsm"],
  syntax: ["lsm:HOOK"],
  examples: ["lsm:file_open", "lsm:bprm_check_security"],
  progTypes: [ProgType.LSM],
  templates: ["lsm"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    if (!/^[a-z_][a-z0-9_]*$/.test(rest)) bad("want an LSM hook name (file_open, bprm_check_security, ...)");
    return { kind: "lsm", hook: rest };
  },

  format(t) {
    return `lsm:${t.hook}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(attach.startsWith("lsm:") ? attach : `lsm:${attach}`);
  },

  loadAttr(t) {
    return { attachBtfId: hookBtfId(t.hook) };
  },

  attach(progFd, t, what) {
    requireBpfLsm();
    const loaded = progAttachBtfId(progFd);
    if (loaded !== hookBtfId(t.hook))
      throw new IuError(
        `cannot attach to ${what}: the program was loaded for ${vmlinuxBtf().funcById(loaded)?.name ?? "another hook"}` +
          " (an LSM hook is fixed when the program is loaded)",
      );
    return [linkCreate({ progFd, target: 0, attachType: AttachType.LSM_MAC }, what)];
  },

  describe(info) {
    if (info.type !== LinkType.TRACING || info.attachType !== AttachType.LSM_MAC || !info.name)
      return undefined;
    return `lsm:${info.name.startsWith(STUB) ? info.name.slice(STUB.length) : info.name}`;
  },

  linkMatcher(t) {
    return (i) =>
      i.type === LinkType.TRACING && i.attachType === AttachType.LSM_MAC && i.name === STUB + t.hook;
  },
};
