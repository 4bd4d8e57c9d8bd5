/**
 * `iu gen uapi`: the loader's view of the kernel ABI, generated from the BTF of the kernel the
 * project builds: the enums it uses, the byte offset of every member of each command's part
 * of `union bpf_attr`, of the info structs, of `struct perf_event_attr`, and of the native
 * image records of `uapi/linux/bpf_iu.h`; and the same records' layout for the SDK. Both outputs
 * are committed (`src/abi/uapi.ts`, `sdk/src/abi.rs`); a VM test regenerates them from the
 * running kernel's BTF and wants no difference.
 */
import { type BtfType, type BtfTypes, defaultBtfFile, loadBtf, resolve } from "./btf.js";
import { IuError } from "../errors.js";

/** The generated files, relative to the repository. */
export const UAPI_TS = "src/abi/uapi.ts";
export const UAPI_RS = "sdk/src/abi.rs";

/** Enums: exported name, C enum name, prefix stripped from the constants. */
const ENUMS: [string, string, string][] = [
  ["BpfCmd", "bpf_cmd", "BPF_"],
  ["ProgType", "bpf_prog_type", "BPF_PROG_TYPE_"],
  ["MapType", "bpf_map_type", "BPF_MAP_TYPE_"],
  ["AttachType", "bpf_attach_type", "BPF_"],
  ["LinkType", "bpf_link_type", "BPF_LINK_TYPE_"],
  ["PerfEventType", "bpf_perf_event_type", "BPF_PERF_EVENT_"],
  ["StatsType", "bpf_stats_type", "BPF_STATS_"],
  ["PerfType", "perf_type_id", "PERF_TYPE_"],
  ["PerfSwId", "perf_sw_ids", "PERF_COUNT_SW_"],
  ["PerfHwId", "perf_hw_id", "PERF_COUNT_HW_"],
];

/**
 * The parts of `union bpf_attr` the loader encodes: exported name and how the part is found
 * (a named member, or the anonymous struct whose first member has this name).
 */
const ATTR_PARTS: [string, { member: string } | { first: string }][] = [
  ["mapCreate", { first: "map_type" }],
  ["mapElem", { first: "map_fd" }],
  ["progLoad", { first: "prog_type" }],
  ["objPin", { first: "pathname" }],
  ["testRun", { member: "test" }],
  ["getId", { first: "start_id" }],
  ["info", { member: "info" }],
  ["rawTp", { member: "raw_tracepoint" }],
  ["btfLoad", { first: "btf" }],
  ["linkCreate", { member: "link_create" }],
  ["linkDetach", { member: "link_detach" }],
  ["enableStats", { member: "enable_stats" }],
];

/** Structs whose flattened member offsets are generated: exported name, C name. */
const STRUCTS: [string, string][] = [
  ["progInfo", "bpf_prog_info"],
  ["mapInfo", "bpf_map_info"],
  ["linkInfo", "bpf_link_info"],
  ["perfEventAttr", "perf_event_attr"],
  ["iuLoadAttr", "bpf_iu_load_attr"],
  ["iuProgDef", "iu_prog_def"],
  ["iuMapDef", "iu_map_def"],
  ["iuProv", "iu_prov"],
];

interface Member {
  name: string;
  /** Bit offset; a whole byte offset unless it is a bitfield. */
  bits: number;
  bitfield?: number;
}

function isRecord(t: BtfType | undefined): t is BtfType {
  return !!t && (t.kind === "STRUCT" || t.kind === "UNION");
}

/**
 * Members of a struct or union, nested ones flattened: an anonymous member's members keep
 * their names, a named one's get its name as prefix (`link_create.tcx.relative_fd` is
 * `tcx_relative_fd`). The first spelling of a name wins; unions alias by design.
 */
function flatten(types: BtfTypes, t: BtfType, base = 0, prefix = "", out = new Map<string, Member>()) {
  for (const m of t.members ?? []) {
    const r = resolve(types, m.type_id);
    const bits = base + m.bits_offset;
    const anon = m.name === "(anon)" || m.name === "";
    if (isRecord(r) && !m.bitfield_size) {
      flatten(types, r, bits, anon ? prefix : `${prefix}${m.name}_`, out);
      continue;
    }
    if (anon) continue;
    const name = `${prefix}${m.name}`;
    if (!out.has(name)) out.set(name, { name, bits, bitfield: m.bitfield_size || undefined });
  }
  return out;
}

function byName(types: BtfTypes, kind: string[], name: string): BtfType {
  for (const t of types.values()) if (t.name === name && kind.includes(t.kind) && (t.size ?? 1) > 0) return t;
  throw new IuError(
    `the kernel's BTF has no ${kind.join("/").toLowerCase()} ${name}: is it the project's kernel?`,
  );
}

function attrPart(types: BtfTypes, attr: BtfType, how: { member: string } | { first: string }) {
  for (const m of attr.members ?? []) {
    const r = resolve(types, m.type_id);
    if (!isRecord(r)) continue;
    if ("member" in how ? m.name === how.member : flatten(types, r).keys().next().value === how.first)
      return { t: r, base: m.bits_offset };
  }
  throw new IuError(`union bpf_attr has no part ${JSON.stringify(how)}`);
}

/** `  name: { member: offset, ... },` at two levels of indent, bitfields as bit offsets. */
function offsets(name: string, members: Map<string, Member>): string[] {
  const bytes: string[] = [];
  const bits: string[] = [];
  for (const m of members.values()) {
    if (m.bitfield || m.bits % 8) bits.push(`      ${m.name}: ${m.bits},`);
    else bytes.push(`    ${m.name}: ${m.bits / 8},`);
  }
  const tail = bits.length ? ["    /** Bitfields: bit offsets. */", "    bits: {", ...bits, "    },"] : [];
  return [`  ${name}: {`, ...bytes, ...tail, "  },"];
}

/** The generated module for these types. */
export function generateUapi(types: BtfTypes): string {
  const out: string[] = [
    "// Generated by `iu gen uapi` from the BTF of the project's kernel; do not edit.",
    "// Offsets are in bytes from the start of the struct, or of the command's part of bpf_attr.",
    "",
  ];
  for (const [exp, cname, prefix] of ENUMS) {
    const t = byName(types, ["ENUM", "ENUM64"], cname);
    const vals = (t as BtfType & { values?: { name: string; val: number }[] }).values ?? [];
    const body = vals
      .filter((v) => v.name.startsWith(prefix) && !v.name.startsWith("__") && !/_MAX$/.test(v.name))
      .map((v) => `  ${v.name.slice(prefix.length)}: ${v.val},`);
    out.push(`/** \`enum ${cname}\` */`, `export const ${exp} = {`, ...body, "} as const;", "");
  }
  const attr = byName(types, ["UNION"], "bpf_attr");
  out.push("/** Members of each command's part of `union bpf_attr`. */", "export const AttrOff = {");
  for (const [exp, how] of ATTR_PARTS) {
    const { t } = attrPart(types, attr, how);
    out.push(...offsets(exp, flatten(types, t)));
  }
  out.push("} as const;", "");
  out.push("/** Members of the structs the loader reads or writes. */", "export const StructOff = {");
  const sizes = [`  bpf_attr: ${attr.size},`];
  for (const [exp, cname] of STRUCTS) {
    const t = byName(types, ["STRUCT"], cname);
    out.push(...offsets(exp, flatten(types, t)));
    sizes.push(`  ${cname}: ${t.size},`);
  }
  out.push(
    "} as const;",
    "",
    "/** `sizeof` in bytes. */",
    "export const Sizeof = {",
    ...sizes,
    "} as const;",
    "",
  );
  return out.join("\n");
}

/** Records the SDK writes into an image: Rust module name, C name. */
const SDK_RECORDS: [string, string][] = [
  ["prog_def", "iu_prog_def"],
  ["map_def", "iu_map_def"],
];

/** `sdk/src/abi.rs`: offsets and sizes the SDK's record types assert they have. */
export function generateSdkAbi(types: BtfTypes): string {
  const out = [
    "//! Generated by `iu gen uapi` from the BTF of the project's kernel; do not edit.",
    "//! The layout of the image records of `uapi/linux/bpf_iu.h`, in bytes; the SDK's record",
    "//! types assert theirs against it.",
  ];
  for (const [mod, cname] of SDK_RECORDS) {
    const t = byName(types, ["STRUCT"], cname);
    out.push(
      "",
      `/// \`struct ${cname}\``,
      `pub(crate) mod ${mod} {`,
      `    pub(crate) const SIZE: usize = ${t.size};`,
    );
    for (const m of flatten(types, t).values())
      out.push(`    pub(crate) const ${m.name.toUpperCase()}: usize = ${m.bits / 8};`);
    out.push("}");
  }
  return out.join("\n") + "\n";
}

/** Both generated files from one BTF: `{ ts, rs }`. */
export function genUapi(o: { btf?: string } = {}): { ts: string; rs: string } {
  const types = loadBtf(o.btf ?? defaultBtfFile());
  return { ts: generateUapi(types), rs: generateSdkAbi(types) };
}
