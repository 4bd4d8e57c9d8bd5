/** `iu inspect`: what an image declares and whether its signature verifies. */
import { IU_CALLEE_SAVED } from "../object/prov.js";
import { existsSync } from "node:fs";
import { parseImage } from "../object/image.js";
import type { Provenance } from "../object/prov.js";
import { signingKeyPaths } from "./keys.js";
import { verifyImage, type Verification } from "./sign.js";

export interface Inspection {
  format: "iu-image-1";
  elfSize: number;
  fileSize: number;
  programs: {
    name: string;
    type: string;
    progType: number;
    attachType: number;
    attach: string;
    entry: string;
  }[];
  maps: {
    name: string;
    type: string;
    mapType: number;
    keySize: number;
    valueSize: number;
    maxEntries: number;
    flags: number;
  }[];
  helpers: string[];
  runtimeSymbols: string[];
  unknownSymbols: string[];
  relocations: Record<string, number>;
  segments: { vaddr: string; perms: string; fileSize: number; memSize: number }[];
  span: number;
  /** The `.iu.prov` record: who built the image (null if absent or malformed). */
  provenance: Provenance | null;
  problems: string[];
  signature: Verification & { certificate: string | null };
}

export function inspectImage(file: Uint8Array, certPath?: string): Inspection {
  const spec = parseImage(file);
  const cert = certPath ?? signingKeyPaths().certPath;
  const sig: Inspection["signature"] = existsSync(cert)
    ? { ...verifyImage(file, cert), certificate: cert }
    : {
        valid: false,
        signed: spec.signature !== null,
        signer: null,
        fingerprint: null,
        sigLength: spec.signature?.pkcs7.length ?? 0,
        error: `no certificate at ${cert} (run iu key show to create one)`,
        certificate: null,
      };
  const relocs: Record<string, number> = {};
  for (const r of spec.relocations) relocs[r.typeName] = (relocs[r.typeName] ?? 0) + 1;
  return {
    format: "iu-image-1",
    elfSize: spec.elfLength,
    fileSize: file.length,
    programs: spec.programs.map((p) => ({
      name: p.name,
      type: p.type,
      progType: p.progType,
      attachType: p.attachType,
      attach: p.attach,
      entry: "0x" + p.entry.toString(16),
    })),
    maps: spec.maps.map((m) => ({
      name: m.name,
      type: m.type,
      mapType: m.mapType,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      flags: m.flags,
    })),
    helpers: spec.helpers,
    runtimeSymbols: spec.runtimeSymbols,
    unknownSymbols: spec.unknownSymbols,
    relocations: relocs,
    segments: spec.segments.map((s) => ({
      vaddr: "0x" + s.vaddr.toString(16),
      perms: s.perms,
      fileSize: s.filesz,
      memSize: s.memsz,
    })),
    span: spec.span,
    provenance: spec.provenance,
    problems: spec.problems,
    signature: sig,
  };
}

export function formatInspection(file: string, i: Inspection): string {
  const L: string[] = [`${file}: ${i.fileSize} bytes (ELF ${i.elfSize}, span ${i.span})`];
  const p = i.provenance;
  L.push(
    p
      ? `built by: ${p.toolchain}, ${p.sdk}, ${p.rustc}, policy ${p.policy}`
      : "built by: unknown (no .iu.prov)",
  );
  if (p) {
    const regs = IU_CALLEE_SAVED.filter((_, k) => p.clobbers & (1 << k));
    L.push(`callee-saved registers used (the entry stub saves them): ${regs.join(" ") || "none"}`);
  }
  L.push("programs:");
  for (const p of i.programs)
    L.push(`  ${p.name}  ${p.type}  ${p.attach || "(attach at load)"}  entry ${p.entry}`);
  L.push(i.maps.length ? "maps:" : "maps: none");
  for (const m of i.maps)
    L.push(
      `  ${m.name}  ${m.type}  key ${m.keySize}  value ${m.valueSize}  max ${m.maxEntries}  flags ${m.flags}`,
    );
  L.push(`helpers: ${i.helpers.join(", ") || "none"}`);
  L.push(`runtime symbols: ${i.runtimeSymbols.join(", ") || "none"}`);
  if (i.unknownSymbols.length) L.push(`UNKNOWN symbols: ${i.unknownSymbols.join(", ")}`);
  L.push(
    `relocations: ${
      Object.entries(i.relocations)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none"
    }`,
  );
  L.push("segments:");
  for (const s of i.segments)
    L.push(`  ${s.vaddr}  ${s.perms.padEnd(3)}  file ${s.fileSize}  mem ${s.memSize}`);
  const g = i.signature;
  L.push(
    `signature: ${g.valid ? "VALID" : "INVALID"}${g.signed ? ` (${g.sigLength} bytes)` : " (unsigned)"}` +
      (g.signer ? ` against ${g.signer}` : "") +
      (g.fingerprint ? `\n  certificate SHA-256 ${g.fingerprint}` : "") +
      (g.error ? `\n  ${g.error}` : ""),
  );
  if (i.problems.length) L.push("problems:", ...i.problems.map((p) => "  " + p));
  return L.join("\n") + "\n";
}
