/**
 * The object model, like a libbpf skeleton: open a signed image → its spec (parsed by
 * src/object, the only image parser); `load()` creates
 * the maps it declares (or reuses maps the caller supplies), loads every program with the
 * map fds; `attach()` attaches each program at its declared target; `pin()` pins
 * everything under a bpffs directory; `close()` detaches and unloads.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IuError } from "../errors.js";
import { ElfError } from "../object/elf.js";
import { parseImage, type ImageSpec } from "../object/image.js";
import { attach, formatTarget, loadAttrOf, targetFromDecl, type Link, type Target } from "./link.js";
import { BpfMap } from "./map.js";
import { BpfProgram } from "./program.js";

export interface LoadOptions {
  /** Existing maps to use instead of creating them, by `.iu.maps` name (e.g. shared with eBPF). */
  maps?: Record<string, BpfMap>;
  /** Only these programs (default: all). */
  programs?: string[];
  /** Kernel log level for the loads (0: log only on failure). */
  logLevel?: number;
}

export interface AttachResult {
  program: string;
  target?: string;
  /** Why a program was not attached (no declared target). */
  skipped?: string;
}

/**
 * The spec of an image to load. Its `problems` are not refusals: the kernel is the judge,
 * and the caller may show them as warnings. Only an image that cannot be read at all, or
 * that declares no program, is refused here, with an IuError naming why.
 */
export function loadableSpec(bytes: Buffer, what = "image"): ImageSpec {
  let spec: ImageSpec;
  try {
    spec = parseImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    throw new IuError(`${what}: not a readable Inner Unikernels image: ${e.message}`, 1, { cause: e });
  }
  if (!spec.programs.length) {
    const why = spec.problems.find((p) => p.includes(".iu.progs")) ?? "it declares no program";
    throw new IuError(`${what}: not a readable Inner Unikernels image: ${why}`);
  }
  return spec;
}

export class IuObject {
  readonly maps = new Map<string, BpfMap>();
  readonly programs = new Map<string, BpfProgram>();
  readonly links = new Map<string, Link>();
  private ownedMaps = new Set<string>();

  constructor(
    readonly spec: ImageSpec,
    /** The whole file, signature included: what the kernel is given. */
    readonly bytes: Buffer,
    readonly path = "<buffer>",
  ) {}

  static open(path: string): IuObject {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new IuError(`cannot read ${path}: ${(e as Error).message}`);
    }
    return new IuObject(loadableSpec(bytes, path), bytes, path);
  }

  static fromBuffer(bytes: Buffer, name = "<buffer>"): IuObject {
    return new IuObject(loadableSpec(bytes, name), bytes, name);
  }

  /** Creates the maps and loads the programs. On failure everything made so far is released. */
  load(o: LoadOptions = {}): this {
    try {
      for (const spec of this.spec.maps) {
        const given = o.maps?.[spec.name];
        if (given) {
          if (!given.matches(spec))
            throw new IuError(
              `map '${spec.name}' given for ${this.path} does not match its declaration ` +
                `(type ${spec.mapType}, key ${spec.keySize}, value ${spec.valueSize}, max ${spec.maxEntries}, flags ${spec.flags})`,
            );
          this.maps.set(spec.name, given);
        } else {
          this.maps.set(spec.name, BpfMap.create(spec));
          this.ownedMaps.add(spec.name);
        }
      }
      const mapFds = this.spec.maps.map((m) => this.maps.get(m.name)!.fd);
      const want = o.programs ?? this.spec.programs.map((p) => p.name);
      for (const name of want) {
        const p = this.spec.programs.find((q) => q.name === name);
        if (!p)
          throw new IuError(
            `${this.path} has no program '${name}' (it has: ${this.programNames().join(", ")})`,
          );
        const prog = BpfProgram.loadNative({
          image: this.bytes,
          entry: p.name,
          progType: p.progType,
          attachType: p.attachType,
          attachBtfId: loadAttrOf(targetFromDecl(p.progType, p.attachType, p.attach)).attachBtfId,
          mapFds,
          logLevel: o.logLevel ?? 0,
        });
        this.programs.set(p.name, prog);
      }
    } catch (e) {
      this.close();
      throw e;
    }
    return this;
  }

  programNames(): string[] {
    return this.spec.programs.map((p) => p.name);
  }

  program(name: string): BpfProgram {
    const p = this.programs.get(name);
    if (!p)
      throw new IuError(`program '${name}' is not loaded (loaded: ${[...this.programs.keys()].join(", ")})`);
    return p;
  }

  map(name: string): BpfMap {
    const m = this.maps.get(name);
    if (!m) throw new IuError(`no map '${name}' (maps: ${[...this.maps.keys()].join(", ")})`);
    return m;
  }

  /** The declared target of a program, if it has one. */
  declaredTarget(name: string): Target | undefined {
    const p = this.spec.programs.find((q) => q.name === name);
    return p ? targetFromDecl(p.progType, p.attachType, p.attach) : undefined;
  }

  /**
   * Attaches every loaded program at its declared target (or `targets[name]`).
   * Programs without a target (XDP/tc declared without an interface) are skipped.
   */
  attach(targets: Record<string, Target> = {}): AttachResult[] {
    const out: AttachResult[] = [];
    for (const [name, prog] of this.programs) {
      const t = targets[name] ?? this.declaredTarget(name);
      if (!t) {
        out.push({ program: name, skipped: "no declared target (give one with iu attach)" });
        continue;
      }
      this.links.set(name, attach(prog.fd, prog.type, t));
      out.push({ program: name, target: formatTarget(t) });
    }
    return out;
  }

  /** Pins under `dir`: `maps/NAME`, `progs/NAME`, `links/NAME` (dir must be on bpffs). */
  pin(dir: string): string[] {
    const pinned: string[] = [];
    for (const sub of ["maps", "progs", "links"]) mkdirSync(join(dir, sub), { recursive: true });
    for (const [n, m] of this.maps) {
      m.pin(join(dir, "maps", n));
      pinned.push(join(dir, "maps", n));
    }
    for (const [n, p] of this.programs) {
      p.pin(join(dir, "progs", n));
      pinned.push(join(dir, "progs", n));
    }
    for (const [n, l] of this.links) {
      l.pin(join(dir, "links", n));
      pinned.push(join(dir, "links", n));
    }
    return pinned;
  }

  /** Detaches links, unloads programs, releases the maps this object created. */
  close(): void {
    for (const l of this.links.values()) l.close();
    for (const p of this.programs.values()) p.close();
    for (const n of this.ownedMaps) this.maps.get(n)?.close();
    this.links.clear();
    this.programs.clear();
    this.maps.clear();
    this.ownedMaps.clear();
  }
}
