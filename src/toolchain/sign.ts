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
import { verifyDetachedCms } from "./cms.js";

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

function verifyPrelude(
  file: Uint8Array,
  certPath: string,
):
  | { fail: Verification }
  | {
      elf: Uint8Array;
      pkcs7: Uint8Array;
      cert: X509Certificate;
      base: Omit<Verification, "valid" | "error">;
    } {
  const cert = new X509Certificate(readFileSync(certPath));
  const who = { signer: cert.subject.replace(/\n/g, ", "), fingerprint: cert.fingerprint256 };
  let split;
  try {
    split = splitSignedImage(file);
  } catch (e) {
    return { fail: { valid: false, signed: true, ...who, sigLength: 0, error: (e as Error).message } };
  }
  if (!split.signature)
    return {
      fail: {
        valid: false,
        signed: false,
        ...who,
        sigLength: 0,
        error: "the image carries no signature trailer",
      },
    };
  const sig = split.signature;
  const base = { signed: true, ...who, sigLength: sig.pkcs7.length };
  const i = sig.info;
  if (i.algo || i.hash || i.idType !== 2 || i.signerLen || i.keyIdLen || i.pad.some((x) => x !== 0))
    return {
      fail: {
        valid: false,
        ...base,
        error: "struct iu_sig_info is not {0, 0, PKEY_ID_PKCS7, 0, 0, 0, 0, 0, sig_len}",
      },
    };
  return { elf: split.elf, pkcs7: sig.pkcs7, cert, base };
}

/**
 * Verifies a `*.iu` file against a certificate with the strict in-process CMS verifier
 * (never throws for a bad signature).
 */
export function verifyImage(file: Uint8Array, certPath: string): Verification {
  const p = verifyPrelude(file, certPath);
  if ("fail" in p) return p.fail;
  const err = verifyDetachedCms(p.elf, p.pkcs7, p.cert);
  return { valid: err === null, ...p.base, error: err };
}

/** The same check through `openssl cms -verify` (the reference; slower). */
export function verifyImageOpenssl(file: Uint8Array, certPath: string): Verification {
  const p = verifyPrelude(file, certPath);
  if ("fail" in p) return p.fail;
  return withTmp((dir) => {
    writeFileSync(join(dir, "image.elf"), p.elf);
    writeFileSync(join(dir, "image.p7s"), p.pkcs7);
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
      return { valid: true, ...p.base, error: null };
    } catch (e) {
      const msg = ((e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message).trim();
      return { valid: false, ...p.base, error: msg.split("\n")[0] };
    }
  });
}
