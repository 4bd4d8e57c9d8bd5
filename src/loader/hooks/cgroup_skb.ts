/**
 * cgroup_skb: `cgroup_skb:CGROUP:ingress|egress`, a program on the packets the sockets of
 * a cgroup v2 directory (and its descendants) receive or send, attached by
 * BPF_LINK_CREATE(BPF_CGROUP_INET_INGRESS/EGRESS) on the directory's fd. CGROUP is a path
 * under the cgroup2 mount (`/sys/fs/cgroup/NAME`).
 */
import { closeSync, openSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { IuError } from "../../errors.js";
import { AttachType, LinkType, ProgType } from "../attr.js";
import { linkCreate } from "../sys.js";
import type { Hook, HookLinkInfo, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

const L = StructOff.linkInfo;
const CGROUP_ROOT = "/sys/fs/cgroup";

export interface CgroupSkbTarget {
  kind: "cgroup_skb";
  cgroup: string;
  direction: "ingress" | "egress";
}

/** The cgroup id of a cgroup v2 directory: its inode number. */
function cgroupId(path: string): bigint {
  try {
    const st = statSync(path, { bigint: true });
    if (!st.isDirectory()) throw new Error("not a directory");
    return st.ino;
  } catch (e) {
    throw new IuError(`cgroup ${path}: ${(e as Error).message}`);
  }
}

/** The path of cgroup `id` under the cgroup2 mount, if it is there (depth-first, small trees). */
function cgroupPath(id: bigint, dir = CGROUP_ROOT, depth = 0): string | undefined {
  try {
    if (statSync(dir, { bigint: true }).ino === id) return dir;
    if (depth > 8) return undefined;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = cgroupPath(id, join(dir, e.name), depth + 1);
      if (p) return p;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const attachTypeOf = (d: CgroupSkbTarget["direction"]): number =>
  d === "ingress" ? AttachType.CGROUP_INET_INGRESS : AttachType.CGROUP_INET_EGRESS;

export const cgroupSkb: Hook<CgroupSkbTarget> = {
  kind: "cgroup_skb",
  prefixes: ["cgroup_skb"],
  syntax: ["cgroup_skb:CGROUP:ingress|egress"],
  examples: ["cgroup_skb:/sys/fs/cgroup/web:ingress", "cgroup_skb:/sys/fs/cgroup:egress"],
  progTypes: [ProgType.CGROUP_SKB],
  templates: ["cgroup_skb"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    const i = rest.lastIndexOf(":");
    const dir = i < 0 ? "" : rest.slice(i + 1);
    if (dir !== "ingress" && dir !== "egress") bad("want CGROUP:ingress or CGROUP:egress");
    const cgroup = rest.slice(0, i);
    if (!cgroup.startsWith("/")) bad(`cgroup '${cgroup}' is not an absolute path`);
    return { kind: "cgroup_skb", cgroup, direction: dir };
  },

  format(t) {
    return `cgroup_skb:${t.cgroup}:${t.direction}`;
  },

  fromDecl(attach, attachType, parse) {
    const dir = attachType === AttachType.CGROUP_INET_EGRESS ? "egress" : "ingress";
    return parse(`cgroup_skb:${attach}:${dir}`);
  },

  attach(progFd, t, what) {
    cgroupId(t.cgroup);
    const dirFd = openSync(t.cgroup, "r");
    try {
      return [linkCreate({ progFd, target: dirFd, attachType: attachTypeOf(t.direction) }, what)];
    } finally {
      closeSync(dirFd);
    }
  },

  readLinkInfo(_fd, info: HookLinkInfo, raw) {
    if (info.type !== LinkType.CGROUP) return;
    info.attachType = raw.readUInt32LE(L.cgroup_attach_type);
    const id = raw.readBigUInt64LE(L.cgroup_cgroup_id);
    info.cgroupId = id;
    info.name = cgroupPath(id);
  },

  describe(info) {
    if (info.type !== LinkType.CGROUP) return undefined;
    const dir =
      info.attachType === AttachType.CGROUP_INET_INGRESS
        ? "ingress"
        : info.attachType === AttachType.CGROUP_INET_EGRESS
          ? "egress"
          : undefined;
    if (!dir) return undefined;
    return `cgroup_skb:${info.name ?? `cgroup id ${info.cgroupId}`}:${dir}`;
  },

  linkMatcher(t) {
    const id = cgroupId(t.cgroup);
    const type = attachTypeOf(t.direction);
    return (i) => i.type === LinkType.CGROUP && i.attachType === type && i.cgroupId === id;
  },
};
