/**
 * uprobes: `uprobe:PATH:FUNC[+OFF]`, `uprobe:PATH:0xOFFSET` (a file offset), the same with
 * `uretprobe:`, each optionally `:pid=N` to fire in one process only (libbpf's
 * `bpf_program__attach_uprobe_opts` pid). FUNC is looked up in the binary's `.symtab`,
 * then `.dynsym`, and turned into a file offset through its section, as libbpf does; the
 * probe is a perf event of the uprobe PMU plus BPF_LINK_CREATE(BPF_PERF_EVENT), and the
 * program is a BPF_PROG_TYPE_KPROBE program seeing the user registers.
 */
import { readFileSync, realpathSync } from "node:fs";
import { IuError } from "../../errors.js";
import { ElfError, ElfFile, SHT_DYNSYM, SHT_SYMTAB } from "../../object/elf.js";
import { LinkType, ProgType } from "../attr.js";
import { addr, cString, perfEventOpen } from "../sys.js";
import { linkName, PerfEventType, perfLink, pmuType, retprobeBit } from "./perf_link.js";
import type { Hook, HookLinkInfo, Refuse } from "./types.js";
import { StructOff } from "../../abi/uapi.js";

const L = StructOff.linkInfo;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;

export interface UprobeTarget {
  kind: "uprobe";
  path: string;
  /** The symbol; undefined when `offset` is a file offset. */
  func?: string;
  /** Bytes past `func`, or the file offset when there is no `func`. */
  offset: number;
  retprobe: boolean;
  /** Only this process (thread group); undefined: every process mapping the file. */
  pid?: number;
}

/**
 * The file offset of function `func` in the ELF file at `path` (st_value − sh_addr +
 * sh_offset of its section). Refuses a missing, undefined or ambiguous symbol.
 */
export function funcFileOffset(path: string, func: string): number {
  let elf: ElfFile;
  try {
    elf = new ElfFile(readFileSync(path));
  } catch (e) {
    if (e instanceof ElfError) throw new IuError(`uprobe: ${path} is not an ELF64 file: ${e.message}`);
    throw new IuError(`uprobe: cannot read ${path}: ${(e as Error).message}`);
  }
  for (const type of [SHT_SYMTAB, SHT_DYNSYM]) {
    const offs = new Set<number>();
    for (const tab of elf.sections.filter((s) => s.type === type))
      for (const s of elf.symbols(tab)) {
        if (s.name !== func || s.shndx === 0 || s.shndx >= elf.sections.length) continue;
        if (s.type !== STT_FUNC && s.type !== STT_GNU_IFUNC) continue;
        const sec = elf.sections[s.shndx];
        offs.add(s.value - sec.addr + sec.offset);
      }
    if (offs.size > 1)
      throw new IuError(`uprobe: ${path} has ${offs.size} functions named '${func}'; give a file offset`);
    if (offs.size === 1) return [...offs][0];
  }
  throw new IuError(`uprobe: ${path} defines no function '${func}' (in .symtab or .dynsym)`);
}

/** The target's file offset (a symbol resolved against the file). */
function fileOffset(t: UprobeTarget): number {
  return t.func === undefined ? t.offset : funcFileOffset(t.path, t.func) + t.offset;
}

export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch (e) {
    throw new IuError(`${path}: ${(e as Error).message}`);
  }
}

export const uprobe: Hook<UprobeTarget> = {
  kind: "uprobe",
  prefixes: ["uprobe", "uretprobe"],
  syntax: ["uprobe:PATH:FUNC[+OFF][:pid=N]", "uretprobe:PATH:FUNC[:pid=N]"],
  examples: [
    "uprobe:/usr/bin/bash:readline",
    "uretprobe:/usr/bin/bash:readline",
    "uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc+4:pid=1",
    "uprobe:/usr/bin/true:0x2a40",
  ],
  progTypes: [ProgType.KPROBE],
  templates: ["uprobe", "uretprobe"],

  parse(prefix: string, rest: string, bad: Refuse) {
    let spec = rest;
    let pid: number | undefined;
    const p = /:pid=(\d+)$/.exec(spec);
    if (p) {
      pid = Number(p[1]);
      if (pid <= 0 || pid > 0x3fffffff) bad(`pid ${p[1]} is out of range`);
      spec = spec.slice(0, p.index);
    }
    const i = spec.lastIndexOf(":");
    if (i <= 0) bad("want PATH:FUNC[+OFF] or PATH:0xOFFSET");
    const path = spec.slice(0, i);
    const where = spec.slice(i + 1);
    const retprobe = prefix === "uretprobe";
    const off = /^0x[0-9a-fA-F]+$/.exec(where);
    if (off) return { kind: "uprobe", path, offset: Number(where), retprobe, pid };
    const m = /^([A-Za-z_.$][A-Za-z0-9_.$@]*)(?:\+(0x[0-9a-fA-F]+|\d+))?$/.exec(where);
    if (!m) bad(`'${where}' is neither a function name (optionally +OFFSET) nor a 0x file offset`);
    const offset = m[2] ? Number(m[2]) : 0;
    if (retprobe && offset) bad("a uretprobe takes no offset past the function");
    return { kind: "uprobe", path, func: m[1], offset, retprobe, pid };
  },

  format(t) {
    const where =
      t.func === undefined ? `0x${t.offset.toString(16)}` : `${t.func}${t.offset ? "+" + t.offset : ""}`;
    return `${t.retprobe ? "uretprobe" : "uprobe"}:${t.path}:${where}${t.pid ? `:pid=${t.pid}` : ""}`;
  },

  fromDecl(attach, _attachType, parse) {
    return parse(attach);
  },

  attach(progFd, t, what) {
    const path = cString(realPath(t.path));
    const pfd = perfEventOpen(
      {
        type: pmuType("uprobe"),
        config: t.retprobe ? 1n << BigInt(retprobeBit("uprobe")) : 0n,
        config1: addr(path),
        config2: BigInt(fileOffset(t)),
        disabled: true,
      },
      t.pid ?? -1,
      t.pid ? -1 : 0,
      what,
      [path],
    );
    return [perfLink(pfd, progFd, what)];
  },

  readLinkInfo(fd, info, raw) {
    if (
      info.type !== LinkType.PERF_EVENT ||
      (info.perfEventType !== PerfEventType.UPROBE && info.perfEventType !== PerfEventType.URETPROBE)
    )
      return;
    info.name = linkName(fd, L.perf_event_uprobe_file_name, L.perf_event_uprobe_name_len);
    info.perfConfig = BigInt(raw.readUInt32LE(L.perf_event_uprobe_offset));
  },

  describe(info: HookLinkInfo) {
    if (info.type !== LinkType.PERF_EVENT) return undefined;
    const off = `0x${(info.perfConfig ?? 0n).toString(16)}`;
    if (info.perfEventType === PerfEventType.UPROBE) return `uprobe:${info.name}:${off}`;
    if (info.perfEventType === PerfEventType.URETPROBE) return `uretprobe:${info.name}:${off}`;
    return undefined;
  },

  linkMatcher(t) {
    const type = t.retprobe ? PerfEventType.URETPROBE : PerfEventType.UPROBE;
    const path = realPath(t.path);
    const off = BigInt(fileOffset(t));
    return (i) =>
      i.type === LinkType.PERF_EVENT && i.perfEventType === type && i.name === path && i.perfConfig === off;
  },
};
