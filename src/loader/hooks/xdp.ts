/** XDP: `xdp:IFACE[:skb|drv|hw]`, attached by BPF_LINK_CREATE(BPF_XDP, ifindex). */
import { AttachType, LinkType, ProgType } from "../attr.js";
import { ifNameToIndex, linkCreate } from "../sys.js";
import type { Hook, Refuse } from "./types.js";

export interface XdpTarget {
  kind: "xdp";
  iface: string;
  mode?: "skb" | "drv" | "hw";
}

/** `XDP_FLAGS_*_MODE` by the mode word (none: the kernel picks). */
const modeFlags = { skb: 2, drv: 4, hw: 8 } as const;

export const xdp: Hook<XdpTarget> = {
  kind: "xdp",
  prefixes: ["xdp"],
  syntax: ["xdp:IFACE[:skb|drv|hw]"],
  examples: ["xdp:eth0", "xdp:lo:skb", "xdp:eth0:drv", "xdp:eth0:hw"],
  progTypes: [ProgType.XDP],
  templates: ["xdp"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    const [iface, mode, extra] = rest.split(":");
    if (!iface || extra !== undefined) bad("want xdp:IFACE[:MODE]");
    if (mode !== undefined && mode !== "skb" && mode !== "drv" && mode !== "hw")
      bad(`unknown XDP mode '${mode}'`);
    return mode ? { kind: "xdp", iface, mode } : { kind: "xdp", iface };
  },

  format(t) {
    return `xdp:${t.iface}${t.mode ? ":" + t.mode : ""}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(attach.startsWith("xdp:") ? attach : `xdp:${attach}`);
  },

  attach(progFd, t, what) {
    const flags = t.mode ? modeFlags[t.mode] : 0;
    const ifindex = ifNameToIndex(t.iface);
    return [linkCreate({ progFd, target: ifindex, attachType: AttachType.XDP, flags }, what)];
  },

  describe(info) {
    return info.type === LinkType.XDP ? `xdp ifindex ${info.ifindex}` : undefined;
  },

  linkMatcher(t) {
    const ifindex = ifNameToIndex(t.iface);
    return (i) => i.type === LinkType.XDP && i.ifindex === ifindex;
  },
};
