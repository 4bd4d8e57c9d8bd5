/**
 * `iu gen btf TYPE...`: Rust accessors for kernel structs from the kernel's BTF, read with
 * non-faulting probe reads (`iu::probe_read_kernel`) at an address the program got from a
 * hook (a kprobe argument, a tracepoint pointer field, ...). Offsets come from the BTF of
 * the kernel the program runs on: `bpftool -j btf dump file FILE` on
 * `/sys/kernel/btf/vmlinux` (in the VM) or the build's `vmlinux` (on the host).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { IuError } from "../errors.js";
import { cacheDir } from "../env/paths.js";
import { rustIdent, typeName } from "./names.js";

export interface BtfType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  encoding?: string;
  members?: { name: string; type_id: number; bits_offset: number; bitfield_size?: number }[];
  ret_type_id?: number;
  params?: { name: string; type_id: number }[];
}

export type BtfTypes = Map<number, BtfType>;

/** Where the BTF comes from: an explicit file, the running kernel's, or the build's vmlinux. */
export function defaultBtfFile(): string {
  // Inside the VM the running kernel is the project's (its release ends in -iu); on the host
  // /sys/kernel/btf/vmlinux describes the host's kernel, so the build's vmlinux comes first.
  const inIuKernel = /-iu$/.test(release());
  const running = "/sys/kernel/btf/vmlinux";
  const built = join(cacheDir(), "kernel", "build", "vmlinux");
  const candidates = inIuKernel ? [running, built] : [built, running];
  const f = candidates.find((p) => existsSync(p));
  if (!f)
    throw new IuError(
      `no kernel BTF found (${candidates.join(", ")}): build the kernel (iu kernel build) or pass --btf FILE`,
    );
  return f;
}

export function loadBtf(file: string): BtfTypes {
  const r = spawnSync("bpftool", ["-j", "btf", "dump", "file", file], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.error || r.status !== 0)
    throw new IuError(`bpftool btf dump file ${file} failed: ${r.error?.message ?? r.stderr.trim()}`);
  const j = JSON.parse(r.stdout) as { types: BtfType[] };
  return new Map(j.types.map((t) => [t.id, t]));
}

const QUALIFIERS = new Set(["TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG"]);

export function resolve(types: BtfTypes, id: number): BtfType | undefined {
  let t = types.get(id);
  for (let i = 0; t && QUALIFIERS.has(t.kind) && i < 32; i++) t = types.get(t.type_id!);
  return t;
}

/** A C-like spelling of a type for doc comments. */
function cName(types: BtfTypes, id: number, depth = 0): string {
  const t = types.get(id);
  if (!t || id === 0) return "void";
  if (depth > 8) return "...";
  switch (t.kind) {
    case "PTR":
      return `${cName(types, t.type_id!, depth + 1)} *`;
    case "ARRAY":
      return `${cName(types, t.type_id!, depth + 1)}[${t.nr_elems}]`;
    case "CONST":
      return `const ${cName(types, t.type_id!, depth + 1)}`;
    case "VOLATILE":
    case "RESTRICT":
    case "TYPE_TAG":
      return cName(types, t.type_id!, depth + 1);
    case "STRUCT":
    case "UNION":
    case "ENUM":
    case "ENUM64":
      return `${t.kind.toLowerCase().replace("64", "")} ${t.name === "(anon)" ? "<anon>" : t.name}`;
    default:
      return t.name;
  }
}

function intRust(t: BtfType): string | undefined {
  const bits = { 1: 8, 2: 16, 4: 32, 8: 64, 16: 128 }[t.size ?? 0];
  if (!bits) return undefined;
  const signed = t.kind === "INT" ? t.encoding === "SIGNED" : false;
  return `${signed ? "i" : "u"}${bits}`;
}

interface Field {
  name: string;
  offset: number;
  typeId: number;
}

/** Members with anonymous struct/union members flattened; bitfields skipped (listed). */
function fields(types: BtfTypes, t: BtfType, base = 0, skipped: string[] = []): Field[] {
  const out: Field[] = [];
  for (const m of t.members ?? []) {
    const r = resolve(types, m.type_id);
    if (m.bitfield_size || m.bits_offset % 8) {
      skipped.push(m.name);
      continue;
    }
    const off = base + m.bits_offset / 8;
    if (m.name === "(anon)" || m.name === "") {
      if (r && (r.kind === "STRUCT" || r.kind === "UNION")) out.push(...fields(types, r, off, skipped));
      continue;
    }
    out.push({ name: m.name, offset: off, typeId: m.type_id });
  }
  return out;
}

/** Generates accessors for each named struct/union; pointers to generated types are typed. */
export function generateBtf(types: BtfTypes, names: string[], source: string, only?: string[]): string {
  const byName = new Map<string, BtfType>();
  for (const t of types.values())
    if (
      (t.kind === "STRUCT" || t.kind === "UNION") &&
      names.includes(t.name) &&
      !byName.has(t.name) &&
      t.size
    )
      byName.set(t.name, t);
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length)
    throw new IuError(`no struct or union named ${missing.join(", ")} in the BTF of ${source}`);
  const out: string[] = [];
  for (const name of names) {
    const t = byName.get(name)!;
    const ty = typeName(name);
    const skipped: string[] = [];
    const fs = fields(types, t, 0, skipped).filter((f) => !only || only.includes(f.name));
    const absent = (only ?? []).filter((n) => !fields(types, t).some((f) => f.name === n));
    if (names.length === 1 && absent.length) throw new IuError(`${name} has no field ${absent.join(", ")}`);
    out.push(
      `/// \`${t.kind.toLowerCase()} ${name}\` (${t.size} bytes) from the BTF of ${source}, generated by`,
    );
    out.push(
      `/// \`iu gen btf ${name}${only ? ` --fields ${only.join(",")}` : ""}\`. Holds a kernel address; every accessor is a non-faulting`,
    );
    out.push(`/// \`iu::probe_read_kernel\` (\`None\` if the memory cannot be read).`);
    if (skipped.length && !only) out.push(`/// Bitfields not generated: ${skipped.join(", ")}.`);
    out.push(`#[derive(Clone, Copy)]`);
    out.push(`pub struct ${ty} {`);
    out.push(`    /// The object's kernel address.`);
    out.push(`    pub addr: u64,`);
    out.push(`}`);
    out.push("");
    out.push(`#[allow(dead_code)]`);
    out.push(`impl ${ty} {`);
    out.push(`    /// Size of the kernel object in bytes.`);
    out.push(`    pub const SIZE: usize = ${t.size};`);
    const used = new Set<string>();
    for (const f of fs) {
      let id = rustIdent(f.name);
      if (used.has(id) || id === "addr") id = `${id}_${f.offset}`;
      used.add(id);
      const r = resolve(types, f.typeId);
      const desc = `\`${f.name}\` (\`${cName(types, f.typeId)}\`) at offset ${f.offset}`;
      out.push("");
      if (!r) continue;
      if (r.kind === "INT" || r.kind === "ENUM" || r.kind === "ENUM64") {
        const rt = intRust(r);
        if (!rt) continue;
        out.push(`    /// ${desc}.`);
        out.push(`    pub fn ${id}(&self) -> Option<${rt}> {`);
        out.push(`        iu::probe_read_kernel::<${rt}>(self.addr.wrapping_add(${f.offset}))`);
        out.push(`    }`);
      } else if (r.kind === "PTR") {
        const target = resolve(types, r.type_id!);
        if (target && (target.kind === "STRUCT" || target.kind === "UNION") && byName.has(target.name)) {
          const tt = typeName(target.name);
          out.push(`    /// ${desc}, as a \`${tt}\` view of the pointee.`);
          out.push(`    pub fn ${id}(&self) -> Option<${tt}> {`);
          out.push(
            `        iu::probe_read_kernel::<u64>(self.addr.wrapping_add(${f.offset})).map(|addr| ${tt} { addr })`,
          );
          out.push(`    }`);
        } else {
          out.push(`    /// ${desc}: the pointer value.`);
          out.push(`    pub fn ${id}(&self) -> Option<u64> {`);
          out.push(`        iu::probe_read_kernel::<u64>(self.addr.wrapping_add(${f.offset}))`);
          out.push(`    }`);
        }
      } else if (r.kind === "ARRAY") {
        const elem = resolve(types, r.type_id!);
        const et = elem && elem.kind === "INT" ? intRust(elem) : undefined;
        const n = r.nr_elems ?? 0;
        if (et && n > 0 && n * (elem!.size ?? 0) <= 256) {
          const rt = `[${et === "i8" ? "u8" : et}; ${n}]`;
          out.push(`    /// ${desc}.`);
          out.push(`    pub fn ${id}(&self) -> Option<${rt}> {`);
          out.push(`        iu::probe_read_kernel::<${rt}>(self.addr.wrapping_add(${f.offset}))`);
          out.push(`    }`);
        } else {
          out.push(`    /// Address of ${desc}.`);
          out.push(`    pub fn ${id}_addr(&self) -> u64 {`);
          out.push(`        self.addr.wrapping_add(${f.offset})`);
          out.push(`    }`);
        }
      } else if (r.kind === "STRUCT" || r.kind === "UNION") {
        if (byName.has(r.name)) {
          const tt = typeName(r.name);
          out.push(`    /// ${desc}, embedded.`);
          out.push(`    pub fn ${id}(&self) -> ${tt} {`);
          out.push(`        ${tt} { addr: self.addr.wrapping_add(${f.offset}) }`);
          out.push(`    }`);
        } else {
          out.push(`    /// Address of ${desc} (embedded).`);
          out.push(`    pub fn ${id}_addr(&self) -> u64 {`);
          out.push(`        self.addr.wrapping_add(${f.offset})`);
          out.push(`    }`);
        }
      } else {
        out.pop();
      }
    }
    out.push("}");
    out.push("");
  }
  return out.join("\n");
}

/** A function argument's or return value's Rust type and how it is made from a u64 slot. */
function slotType(
  types: BtfTypes,
  id: number,
  generated: Set<string>,
): { rust: string; from: (v: string) => string; slots: number } {
  const r = resolve(types, id);
  if (r && (r.kind === "INT" || r.kind === "ENUM" || r.kind === "ENUM64")) {
    const rt = intRust(r);
    if (rt && rt !== "u128" && rt !== "i128") return { rust: rt, from: (v) => `${v} as ${rt}`, slots: 1 };
  }
  if (r?.kind === "PTR") {
    const target = resolve(types, r.type_id!);
    if (target && (target.kind === "STRUCT" || target.kind === "UNION") && generated.has(target.name)) {
      const tt = typeName(target.name);
      return { rust: tt, from: (v) => `${tt} { addr: ${v} }`, slots: 1 };
    }
  }
  // Pointers to other types, and structs passed by value (one slot per 8 bytes, raw).
  const size = r && (r.kind === "STRUCT" || r.kind === "UNION") ? (r.size ?? 8) : 8;
  return size > 8
    ? { rust: "[u64; 2]", from: (v) => v, slots: 2 }
    : { rust: "u64", from: (v) => v, slots: 1 };
}

/**
 * The arguments of kernel function `func` as an fentry/fexit program gets them: a struct
 * with one typed field per argument, read from the trampoline's slots, and the return
 * value's type for fexit. Pointers to the structs in `structs` are typed views.
 */
export function generateFuncArgs(
  types: BtfTypes,
  func: string,
  source: string,
  structs: string[] = [],
): string {
  const f = [...types.values()].find((t) => t.kind === "FUNC" && t.name === func);
  if (!f)
    throw new IuError(`no function named ${func} in the BTF of ${source} (static inline, or not built in?)`);
  const proto = types.get(f.type_id!);
  if (!proto || proto.kind !== "FUNC_PROTO")
    throw new IuError(`${func} has no prototype in the BTF of ${source}`);
  const generated = new Set(structs);
  const params = proto.params ?? [];
  const sig = `${cName(types, proto.ret_type_id ?? 0)} ${func}(${params.map((p) => `${cName(types, p.type_id)} ${p.name}`).join(", ")})`;
  const ty = `${typeName(func)}Args`;
  const out: string[] = [];
  out.push(`/// \`${sig.replace(/\* /g, "*")}\` from the BTF of ${source}, generated by`);
  out.push(
    `/// \`iu gen fentry ${func}${structs.length ? " " + structs.join(" ") : ""}\`: its arguments as an fentry/fexit program gets them.`,
  );
  out.push(`#[derive(Clone, Copy)]`);
  out.push(`pub struct ${ty} {`);
  const inits: string[] = [];
  let slot = 0;
  params.forEach((p, i) => {
    const name = p.name ? rustIdent(p.name) : `arg${i}`;
    const t = slotType(types, p.type_id, generated);
    out.push(`    /// \`${`${cName(types, p.type_id)} ${p.name}`.replace(/\* /g, "*")}\``);
    out.push(`    pub ${name}: ${t.rust},`);
    const v = t.slots === 2 ? `[ctx.arg(${slot})?, ctx.arg(${slot + 1})?]` : `ctx.arg(${slot})?`;
    inits.push(`            ${name}: ${t.from(v)},`);
    slot += t.slots;
  });
  out.push(`}`);
  out.push("");
  out.push(`#[allow(dead_code)]`);
  out.push(`impl ${ty} {`);
  out.push(`    /// The number of u64 argument slots the function takes.`);
  out.push(`    pub const SLOTS: usize = ${slot};`);
  out.push("");
  out.push(`    /// The arguments of this call (\`None\` if the running kernel's function takes fewer).`);
  out.push(`    pub fn of(ctx: &impl iu::FuncArgs) -> Option<Self> {`);
  out.push(`        Some(${ty} {`);
  out.push(...inits);
  out.push(`        })`);
  out.push(`    }`);
  const ret = proto.ret_type_id ? slotType(types, proto.ret_type_id, generated) : undefined;
  if (ret && ret.slots === 1) {
    out.push("");
    out.push(`    /// The return value (\`${cName(types, proto.ret_type_id!)}\`), in an fexit program.`);
    out.push(`    pub fn ret(ctx: &iu::FexitContext) -> ${ret.rust} {`);
    out.push(`        ${ret.from("ctx.ret()")}`);
    out.push(`    }`);
  }
  out.push(`}`);
  out.push("");
  return out.join("\n");
}

/** `iu gen fentry FUNC [STRUCT...]`: the argument struct, then the structs' accessors. */
export function genFuncArgs(func: string, structs: string[], o: { btf?: string } = {}): string {
  const file = o.btf ?? defaultBtfFile();
  const types = loadBtf(file);
  const args = generateFuncArgs(types, func, file, structs);
  return structs.length ? `${args}\n${generateBtf(types, structs, file)}` : args;
}

export function genBtf(names: string[], o: { btf?: string; fields?: string[] } = {}): string {
  if (!names.length) throw new IuError("iu gen btf: name at least one struct, e.g. task_struct");
  const file = o.btf ?? defaultBtfFile();
  return generateBtf(loadBtf(file), names, file, o.fields);
}
