/**
 * USDT: `usdt:PATH:PROVIDER:NAME[:pid=N]`, a uprobe on every site of a `sys/sdt.h` probe
 * of the binary at PATH, as libbpf's `bpf_program__attach_usdt`. The probe's argument
 * specs are decoded from the notes (`object/usdt.ts`) and written into the program's spec
 * map (which the SDK's `usdt!` declares), one slot per site; each site's uprobe link
 * carries its slot as the BPF cookie. A probe with a semaphore gets the uprobe's
 * reference counter on it, so the traced program sees the probe enabled.
 */
import { readFileSync } from "node:fs";
import { IuError } from "../../errors.js";
import { ElfError } from "../../object/elf.js";
import {
  encodeUsdtSpec,
  parseUsdtArgs,
  readUsdtSites,
  UsdtError,
  usdtMapName,
  type UsdtSite,
} from "../../object/usdt.js";
import {
  decodeLinkInfo,
  decodeMapInfo,
  decodeProgInfo,
  LINK_INFO_SIZE,
  LinkType,
  MAP_INFO_SIZE,
  PROG_INFO_MAP_IDS,
  PROG_INFO_NR_MAP_IDS,
  PROG_INFO_SIZE,
  ProgType,
} from "../attr.js";
import { addr, closeFd, cString, fdById, listIds, mapUpdate, objInfo, perfEventOpen } from "../sys.js";
import { StructOff } from "../../abi/uapi.js";
import { PerfEventType, perfLink, pmuType } from "./perf_link.js";
import { realPath } from "./uprobe.js";
import type { Hook, Refuse } from "./types.js";

const L = StructOff.linkInfo;

export interface UsdtTarget {
  kind: "usdt";
  path: string;
  provider: string;
  name: string;
  pid?: number;
}

/** The sites of `provider:name` in the binary at `path`, or an error naming what it has. */
export function usdtSites(path: string, provider: string, name: string): UsdtSite[] {
  let all: UsdtSite[];
  try {
    all = readUsdtSites(readFileSync(path));
  } catch (e) {
    if (e instanceof ElfError || e instanceof UsdtError) throw new IuError(`usdt: ${path}: ${e.message}`);
    throw new IuError(`usdt: cannot read ${path}: ${(e as Error).message}`);
  }
  const sites = all.filter((s) => s.provider === provider && s.name === name);
  if (sites.length) return sites;
  const have = [...new Set(all.map((s) => `${s.provider}:${s.name}`))];
  throw new IuError(
    `usdt: ${path} has no probe ${provider}:${name}` +
      (have.length
        ? ` (it has ${have.join(", ")})`
        : " (no .note.stapsdt notes: not built with sys/sdt.h probes)"),
  );
}

/** The program's name and the ids of its maps. */
function progMaps(progFd: number): { id: number; name: string; mapIds: number[] } {
  const b = Buffer.alloc(PROG_INFO_SIZE);
  objInfo(progFd, b);
  const nr = b.readUInt32LE(PROG_INFO_NR_MAP_IDS);
  const ids = Buffer.alloc(Math.max(1, nr) * 4);
  const b2 = Buffer.alloc(PROG_INFO_SIZE);
  b2.writeUInt32LE(nr, PROG_INFO_NR_MAP_IDS);
  b2.writeBigUInt64LE(addr(ids), PROG_INFO_MAP_IDS);
  objInfo(progFd, b2);
  const info = decodeProgInfo(b2, ids);
  return { id: info.id, name: info.name, mapIds: info.mapIds };
}

/** An fd of the program's spec map. */
function specMap(progFd: number, what: string): { fd: number; progId: number; size: number } {
  const p = progMaps(progFd);
  const want = usdtMapName(p.name);
  for (const id of p.mapIds) {
    const fd = fdById("map", id);
    const b = Buffer.alloc(MAP_INFO_SIZE);
    objInfo(fd, b);
    const m = decodeMapInfo(b);
    if (m.name === want) return { fd, progId: p.id, size: m.maxEntries };
    closeFd(fd);
  }
  throw new IuError(
    `cannot attach to ${what}: program ${p.name} has no USDT spec map ${want} (declare it with iu::usdt!)`,
  );
}

/** The spec slots the program's live USDT links use (their cookies). */
function slotsInUse(progId: number): Set<number> {
  const used = new Set<number>();
  for (const id of listIds("link")) {
    let fd: number;
    try {
      fd = fdById("link", id);
    } catch {
      continue;
    }
    try {
      const b = Buffer.alloc(LINK_INFO_SIZE);
      objInfo(fd, b);
      const i = decodeLinkInfo(b);
      if (i.progId === progId && i.type === LinkType.PERF_EVENT && i.perfEventType === PerfEventType.UPROBE)
        used.add(Number(b.readBigUInt64LE(L.perf_event_uprobe_cookie)));
    } finally {
      closeFd(fd);
    }
  }
  return used;
}

export const usdt: Hook<UsdtTarget> = {
  kind: "usdt",
  prefixes: ["usdt"],
  syntax: ["usdt:PATH:PROVIDER:NAME[:pid=N]"],
  examples: ["usdt:/usr/bin/app:myapp:request", "usdt:/usr/bin/app:myapp:request:pid=1"],
  progTypes: [ProgType.KPROBE],
  templates: ["usdt"],

  parse(_prefix: string, rest: string, bad: Refuse) {
    let spec = rest;
    let pid: number | undefined;
    const p = /:pid=(\d+)$/.exec(spec);
    if (p) {
      pid = Number(p[1]);
      if (pid <= 0 || pid > 0x3fffffff) bad(`pid ${p[1]} is out of range`);
      spec = spec.slice(0, p.index);
    }
    const m = /^(.+):([A-Za-z_][A-Za-z0-9_]*):([A-Za-z_][A-Za-z0-9_]*)$/.exec(spec);
    if (!m) bad("want PATH:PROVIDER:NAME");
    return { kind: "usdt", path: m[1], provider: m[2], name: m[3], pid };
  },

  format(t) {
    return `usdt:${t.path}:${t.provider}:${t.name}${t.pid ? `:pid=${t.pid}` : ""}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(attach);
  },

  attach(progFd, t, what) {
    const path = realPath(t.path);
    const sites = usdtSites(path, t.provider, t.name);
    const specs = sites.map((s) => {
      try {
        return parseUsdtArgs(s.args);
      } catch (e) {
        throw new IuError(`cannot attach to ${what}: ${(e as Error).message}`);
      }
    });
    const map = specMap(progFd, what);
    const fds: number[] = [];
    try {
      const used = slotsInUse(map.progId);
      const cpath = cString(path);
      sites.forEach((site, i) => {
        let slot = 0;
        while (used.has(slot)) slot++;
        if (slot >= map.size)
          throw new IuError(
            `cannot attach to ${what}: all ${map.size} USDT spec slots of the program are in use`,
          );
        used.add(slot);
        const key = Buffer.alloc(4);
        key.writeUInt32LE(slot);
        mapUpdate(map.fd, key, encodeUsdtSpec(specs[i]));
        const pfd = perfEventOpen(
          {
            type: pmuType("uprobe"),
            config: BigInt(site.semaphore) << 32n,
            config1: addr(cpath),
            config2: BigInt(site.offset),
            disabled: true,
          },
          t.pid ?? -1,
          t.pid ? -1 : 0,
          what,
          [cpath],
        );
        fds.push(perfLink(pfd, progFd, what, BigInt(slot)));
      });
    } catch (e) {
      for (const fd of fds) closeFd(fd);
      throw e;
    } finally {
      closeFd(map.fd);
    }
    return fds;
  },

  // Its links are uprobe links (the uprobe hook shows them).
  describe() {
    return undefined;
  },

  linkMatcher(t) {
    const path = realPath(t.path);
    const offs = new Set(usdtSites(path, t.provider, t.name).map((s) => BigInt(s.offset)));
    return (i) =>
      i.type === LinkType.PERF_EVENT &&
      i.perfEventType === PerfEventType.UPROBE &&
      i.name === path &&
      offs.has(i.perfConfig ?? -1n);
  },
};
