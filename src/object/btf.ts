/**
 * A small reader of raw BTF (`/sys/kernel/btf/vmlinux`): the type table and names, enough
 * to find a kernel function by name and read its prototype, as libbpf's
 * `btf__find_by_name_kind` does for fentry/fexit. Pure: bytes in, values out; malformed
 * input throws `BtfError`.
 */

export class BtfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BtfError";
  }
}

export const BTF_MAGIC = 0xeb9f;

/** `BTF_KIND_*` (include/uapi/linux/btf.h). */
export const BtfKind = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

/** Bytes after `struct btf_type` per kind: fixed, and per `vlen` entry. */
const EXTRA: Record<number, [fixed: number, perVlen: number]> = {
  [BtfKind.INT]: [4, 0],
  [BtfKind.ARRAY]: [12, 0],
  [BtfKind.STRUCT]: [0, 12],
  [BtfKind.UNION]: [0, 12],
  [BtfKind.ENUM]: [0, 8],
  [BtfKind.FUNC_PROTO]: [0, 8],
  [BtfKind.VAR]: [4, 0],
  [BtfKind.DATASEC]: [0, 12],
  [BtfKind.DECL_TAG]: [4, 0],
  [BtfKind.ENUM64]: [0, 12],
};

export interface RawBtfType {
  id: number;
  kind: number;
  name: string;
  vlen: number;
  /** `size` or `type`, by kind. */
  sizeOrType: number;
  /** Offset of the kind-specific data in the type section. */
  extra: number;
}

export interface BtfFuncParam {
  name: string;
  typeId: number;
}

export interface BtfFunc {
  id: number;
  name: string;
  params: BtfFuncParam[];
  returnTypeId: number;
}

export class Btf {
  private readonly types: RawBtfType[] = [];
  private byName?: Map<string, number[]>;
  private readonly view: DataView;
  private readonly typeOff: number;
  private readonly strOff: number;
  private readonly strLen: number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 24 || this.view.getUint16(0, true) !== BTF_MAGIC)
      throw new BtfError("not BTF (no 0xeb9f magic; big-endian BTF is not supported)");
    const hdrLen = this.view.getUint32(4, true);
    const typeOff = this.view.getUint32(8, true);
    const typeLen = this.view.getUint32(12, true);
    const strOff = this.view.getUint32(16, true);
    const strLen = this.view.getUint32(20, true);
    if (hdrLen + typeOff + typeLen > bytes.length || hdrLen + strOff + strLen > bytes.length)
      throw new BtfError("BTF header points past the end of the data");
    this.typeOff = hdrLen + typeOff;
    this.strOff = hdrLen + strOff;
    this.strLen = strLen;
    this.types.push({ id: 0, kind: 0, name: "void", vlen: 0, sizeOrType: 0, extra: 0 });
    const end = this.typeOff + typeLen;
    for (let p = this.typeOff; p < end;) {
      if (p + 12 > end) throw new BtfError(`type ${this.types.length} truncated`);
      const info = this.view.getUint32(p + 4, true);
      const kind = (info >>> 24) & 0x1f;
      const vlen = info & 0xffff;
      const extra = EXTRA[kind] ?? (kind >= 1 && kind <= 19 ? [0, 0] : undefined);
      if (!extra) throw new BtfError(`type ${this.types.length} has unknown kind ${kind}`);
      this.types.push({
        id: this.types.length,
        kind,
        name: this.str(this.view.getUint32(p, true)),
        vlen,
        sizeOrType: this.view.getUint32(p + 8, true),
        extra: p + 12,
      });
      p += 12 + extra[0] + extra[1] * vlen;
    }
  }

  private str(off: number): string {
    if (off >= this.strLen) throw new BtfError(`string offset ${off} out of range`);
    const start = this.strOff + off;
    let e = start;
    while (e < this.strOff + this.strLen && this.bytes[e] !== 0) e++;
    return Buffer.from(this.bytes.subarray(start, e)).toString("latin1");
  }

  get count(): number {
    return this.types.length;
  }

  type(id: number): RawBtfType | undefined {
    return this.types[id];
  }

  /** Ids of the types called `name` of `kind`. */
  find(name: string, kind: number): number[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const t of this.types) {
        if (!t.name) continue;
        const l = this.byName.get(t.name);
        if (l) l.push(t.id);
        else this.byName.set(t.name, [t.id]);
      }
    }
    return (this.byName.get(name) ?? []).filter((id) => this.types[id].kind === kind);
  }

  /** The function `name` (a `BTF_KIND_FUNC`) and its prototype's parameters. */
  func(name: string): BtfFunc | undefined {
    const id = this.find(name, BtfKind.FUNC)[0];
    return id === undefined ? undefined : this.funcById(id);
  }

  funcById(id: number): BtfFunc | undefined {
    const f = this.types[id];
    if (!f || f.kind !== BtfKind.FUNC) return undefined;
    const proto = this.types[f.sizeOrType];
    if (!proto || proto.kind !== BtfKind.FUNC_PROTO)
      throw new BtfError(`function ${f.name} (type ${id}) has no prototype`);
    const params: BtfFuncParam[] = [];
    for (let i = 0; i < proto.vlen; i++) {
      const p = proto.extra + 8 * i;
      params.push({ name: this.str(this.view.getUint32(p, true)), typeId: this.view.getUint32(p + 4, true) });
    }
    return { id, name: f.name, params, returnTypeId: proto.sizeOrType };
  }
}
