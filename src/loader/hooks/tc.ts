/** tc (tcx): `tc:IFACE:ingress|egress`, attached by BPF_LINK_CREATE(BPF_TCX_INGRESS/EGRESS, ifindex). */
import { AttachType, LinkType, ProgType } from "../attr.js";
import { ifNameToIndex, linkCreate } from "../sys.js";
import type { Hook, Refuse } from "./types.js";

export interface TcTarget {
  kind: "tc";
  iface: string;
  direction: "ingress" | "egress";
}

function attachTypeOf(direction: TcTarget["direction"]): number {
  return direction === "ingress" ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS;
}

export const tc: Hook<TcTarget> = {
  kind: "tc",
  prefixes: ["tc"],
  syntax: ["tc:IFACE:ingress|egress"],
  examples: ["tc:eth0:ingress", "tc:lo:egress"],
  progTypes: [ProgType.SCHED_CLS, ProgType.SCHED_ACT],
  templates: ["tc"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    const [iface, dir, extra] = rest.split(":");
    if (!iface || extra !== undefined) bad("want tc:IFACE:ingress|egress");
    const direction = dir ?? "ingress";
    if (direction !== "ingress" && direction !== "egress") bad(`direction '${direction}'`);
    return { kind: "tc", iface, direction };
  },

  format(t) {
    return `tc:${t.iface}:${t.direction}`;
  },

  fromDecl(attach, attachType, parse) {
    const t = parse(attach.startsWith("tc:") ? attach : `tc:${attach}`);
    // A declaration without a direction takes the record's attach type.
    if (!attach.split(":").some((p) => p === "ingress" || p === "egress"))
      t.direction = attachType === AttachType.TCX_EGRESS ? "egress" : "ingress";
    return t;
  },

  attach(progFd, t, what) {
    const ifindex = ifNameToIndex(t.iface);
    return [linkCreate({ progFd, target: ifindex, attachType: attachTypeOf(t.direction) }, what)];
  },

  describe(info) {
    if (info.type !== LinkType.TCX) return undefined;
    return `tc ifindex ${info.ifindex} ${info.attachType === AttachType.TCX_EGRESS ? "egress" : "ingress"}`;
  },

  linkMatcher(t) {
    const ifindex = ifNameToIndex(t.iface);
    const attachType = attachTypeOf(t.direction);
    return (i) => i.type === LinkType.TCX && i.ifindex === ifindex && i.attachType === attachType;
  },
};
