/**
 * fentry / fexit: `fentry:FUNC`, `fexit:FUNC`, a BPF trampoline on a vmlinux function
 * (BPF_PROG_TYPE_TRACING). The function is fixed when the program is loaded (its BTF id
 * goes in `attach_btf_id`, and the kernel checks it names the function the signed
 * record does); attaching is BPF_LINK_CREATE with the program's attach type.
 */
import { readFileSync } from "node:fs";
import { IuError } from "../../errors.js";
import { Btf } from "../../object/btf.js";
import { AttachType, decodeProgInfo, LINK_INFO_SIZE, LinkType, PROG_INFO_SIZE, ProgType } from "../attr.js";
import { closeFd, linkCreate, objInfo } from "../sys.js";
import type { Hook, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

const L = StructOff.linkInfo;

function linkAttachType(linkFd: number): number {
  const b = Buffer.alloc(LINK_INFO_SIZE);
  objInfo(linkFd, b);
  return b.readUInt32LE(L.tracing_attach_type);
}

/** The BTF id a program was loaded for (fentry, fexit, LSM). */
export function progAttachBtfId(progFd: number): number {
  const b = Buffer.alloc(PROG_INFO_SIZE);
  objInfo(progFd, b);
  return decodeProgInfo(b).attachBtfId;
}

export interface FentryTarget {
  kind: "fentry";
  func: string;
  exit: boolean;
}

const VMLINUX_BTF = "/sys/kernel/btf/vmlinux";
let vmlinux: Btf | undefined;

/** The running kernel's BTF, read once. */
export function vmlinuxBtf(): Btf {
  if (!vmlinux) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(VMLINUX_BTF);
    } catch {
      throw new IuError(
        `fentry/fexit need the kernel's BTF (${VMLINUX_BTF}); CONFIG_DEBUG_INFO_BTF missing?`,
      );
    }
    vmlinux = new Btf(bytes);
  }
  return vmlinux;
}

/** The BTF id of the vmlinux function `func`, or an error naming it. */
export function funcBtfId(func: string): number {
  const f = vmlinuxBtf().func(func);
  if (!f) throw new IuError(`the kernel's BTF has no function '${func}' (static, inlined or not built?)`);
  return f.id;
}

export const fentry: Hook<FentryTarget> = {
  kind: "fentry",
  prefixes: ["fentry", "fexit"],
  syntax: ["fentry:FUNC", "fexit:FUNC"],
  examples: ["fentry:do_unlinkat", "fexit:do_unlinkat"],
  progTypes: [ProgType.TRACING],
  templates: ["fentry", "fexit"],

  parse(prefix: string, rest: string, bad: Refuse) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rest)) bad("want a kernel function name");
    return { kind: "fentry", func: rest, exit: prefix === "fexit" };
  },

  format(t) {
    return `${t.exit ? "fexit" : "fentry"}:${t.func}`;
  },

  fromDecl(attach, attachType, parse) {
    return parse(`${attachType === AttachType.TRACE_FEXIT ? "fexit" : "fentry"}:${attach}`);
  },

  loadAttr(t) {
    return { attachBtfId: funcBtfId(t.func) };
  },

  attach(progFd, t, what) {
    const loaded = progAttachBtfId(progFd);
    if (loaded !== funcBtfId(t.func))
      throw new IuError(
        `cannot attach to ${what}: the program was loaded for ${vmlinuxBtf().funcById(loaded)?.name ?? "another target"}` +
          " (an fentry/fexit target is fixed when the program is loaded)",
      );
    const want = t.exit ? AttachType.TRACE_FEXIT : AttachType.TRACE_FENTRY;
    const fd = linkCreate({ progFd, target: 0, attachType: want }, what);
    // The kernel links a tracing program as its load-time attach type, whatever was asked.
    const got = linkAttachType(fd);
    if (got !== want) {
      closeFd(fd);
      throw new IuError(
        `cannot attach to ${what}: the program is ${want === AttachType.TRACE_FEXIT ? "an fentry" : "an fexit"} program`,
      );
    }
    return [fd];
  },

  readLinkInfo(_fd, info, raw) {
    if (info.type !== LinkType.TRACING) return;
    info.attachType = raw.readUInt32LE(L.tracing_attach_type);
    info.name = vmlinuxBtf().funcById(raw.readUInt32LE(L.tracing_target_btf_id))?.name;
  },

  describe(info) {
    if (info.type !== LinkType.TRACING || !info.name) return undefined;
    if (info.attachType === AttachType.TRACE_FENTRY) return `fentry:${info.name}`;
    if (info.attachType === AttachType.TRACE_FEXIT) return `fexit:${info.name}`;
    return undefined;
  },

  linkMatcher(t) {
    const type = t.exit ? AttachType.TRACE_FEXIT : AttachType.TRACE_FENTRY;
    return (i) => i.type === LinkType.TRACING && i.attachType === type && i.name === t.func;
  },
};
