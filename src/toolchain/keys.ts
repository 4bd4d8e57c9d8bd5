/**
 * The signing key pair of the trusted toolchain: created on first use in a per-user
 * directory (0700, key 0600), never in the repository. The kernel build embeds the
 * certificate as a trusted key (CONFIG_SYSTEM_TRUSTED_KEYS).
 */
import { existsSync, mkdirSync, chmodSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { configDir } from "../env/paths.js";
import { IuError } from "../errors.js";

export interface SigningKey {
  dir: string;
  keyPath: string;
  certPath: string;
}

export function signingKeyPaths(dir = configDir("keys")): SigningKey {
  return { dir, keyPath: join(dir, "signing-key.pem"), certPath: join(dir, "signing-cert.pem") };
}

/** Returns the key pair, generating an RSA-2048 key and self-signed certificate if absent. */
export function ensureSigningKey(
  dir = configDir("keys"),
  subject = "/CN=Inner Unikernels signing key/O=iu",
): SigningKey {
  const k = signingKeyPaths(dir);
  if (existsSync(k.keyPath) && existsSync(k.certPath)) return k;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-new",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-sha256",
        "-nodes",
        "-days",
        "36500",
        "-subj",
        subject,
        "-keyout",
        k.keyPath,
        "-out",
        k.certPath,
        "-addext",
        "keyUsage=digitalSignature",
        "-addext",
        "extendedKeyUsage=codeSigning",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (e) {
    throw new IuError(
      `could not create the signing key in ${dir}: ${(e as Error).message}. ` +
        "Install openssl (apt-get install openssl) and check that the directory is writable.",
    );
  }
  chmodSync(k.keyPath, 0o600);
  chmodSync(k.certPath, 0o600);
  return k;
}

/** SHA-256 fingerprint of the certificate, colon-separated hex as openssl prints it. */
export function certFingerprint(certPath: string): string {
  return new X509Certificate(readFileSync(certPath)).fingerprint256;
}

/** Hash of the certificate bytes, part of the kernel cache key (the kernel embeds it). */
export function certDigest(certPath: string): string {
  return createHash("sha256").update(readFileSync(certPath)).digest("hex");
}
