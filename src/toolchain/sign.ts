/**
 * Signing and verification of images: a detached CMS (PKCS#7) signature over the ELF
 * bytes, SHA-256, no signed attributes, no certificates (the form the kernel's
 * verify_pkcs7_signature() accepts for modules), appended with the trailer of
 * docs/IMAGE-FORMAT.md. openssl does the cryptography.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { IuError } from "../errors.js";
import { signatureTrailer, splitSignedImage } from "../object/image.js";
import type { SigningKey } from "./keys.js";

function withTmp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "iu-sign-"));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Returns the DER detached signature of `elf`. */
export function cmsSign(elf: Uint8Array, key: SigningKey): Uint8Array {
  return withTmp((dir) => {
    const input = join(dir, "image.elf");
    const out = join(dir, "image.p7s");
    writeFileSync(input, elf);
    try {
      execFileSync(
        "openssl",
        [
          "cms",
          "-sign",
          "-binary",
          "-noattr",
          "-nocerts",
          "-outform",
          "DER",
          "-md",
          "sha256",
          "-signer",
          key.certPath,
          "-inkey",
          key.keyPath,
          "-in",
          input,
          "-out",
          out,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
    } catch (e) {
      throw new IuError(
        `openssl could not sign the image: ${(e as Error).message.trim()}. ` +
          `Check the key pair in ${key.dir} (iu key show) and that openssl is installed.`,
      );
    }
    return new Uint8Array(readFileSync(out));
  });
}

/** The signed image: ELF bytes + signature + struct iu_sig_info + marker. */
export function signImage(elf: Uint8Array, key: SigningKey): Uint8Array {
  const sig = cmsSign(elf, key);
  const trailer = signatureTrailer(sig.length);
  const out = new Uint8Array(elf.length + sig.length + trailer.length);
  out.set(elf, 0);
  out.set(sig, elf.length);
  out.set(trailer, elf.length + sig.length);
  return out;
}

export interface Verification {
  /** True only if the file carries a signature that verifies against `certPath`. */
  valid: boolean;
  signed: boolean;
  /** Subject and fingerprint of the certificate checked against. */
  signer: string | null;
  fingerprint: string | null;
  sigLength: number;
  error: string | null;
}

/** Verifies a `*.iu` file against a certificate (never throws for a bad signature). */
export function verifyImage(file: Uint8Array, certPath: string): Verification {
  let split;
  try {
    split = splitSignedImage(file);
  } catch (e) {
    return {
      valid: false,
      signed: true,
      signer: null,
      fingerprint: null,
      sigLength: 0,
      error: (e as Error).message,
    };
  }
  const cert = new X509Certificate(readFileSync(certPath));
  const base = { signer: cert.subject.replace(/\n/g, ", "), fingerprint: cert.fingerprint256 };
  if (!split.signature)
    return {
      valid: false,
      signed: false,
      ...base,
      sigLength: 0,
      error: "the image carries no signature trailer",
    };
  const sig = split.signature;
  return withTmp((dir) => {
    writeFileSync(join(dir, "image.elf"), split.elf);
    writeFileSync(join(dir, "image.p7s"), sig.pkcs7);
    try {
      execFileSync(
        "openssl",
        [
          "cms",
          "-verify",
          "-binary",
          "-inform",
          "DER",
          "-in",
          join(dir, "image.p7s"),
          "-content",
          join(dir, "image.elf"),
          "-noverify",
          "-certfile",
          certPath,
          "-out",
          "/dev/null",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      return { valid: true, signed: true, ...base, sigLength: sig.pkcs7.length, error: null };
    } catch (e) {
      const msg = ((e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message).trim();
      return { valid: false, signed: true, ...base, sigLength: sig.pkcs7.length, error: msg.split("\n")[0] };
    }
  });
}
