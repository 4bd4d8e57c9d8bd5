/**
 * A strict verifier for the one CMS form the toolchain produces: a DER ContentInfo with
 * detached SignedData, one SignerInfo identified by issuer and serial number, SHA-256,
 * no signed attributes, no certificates, RSA PKCS#1 v1.5. Every field is checked
 * against the expected value, so changing any byte of the signature block (not only
 * the signature value) makes verification fail. Used by `iu inspect` (fast, no temp
 * files); `openssl cms -verify` is the cross-check in the tests.
 */
import { X509Certificate, verify as cryptoVerify } from "node:crypto";

interface Der {
  tag: number;
  /** Whole element (header + content). */
  raw: Uint8Array;
  content: Uint8Array;
}

class DerError extends Error {}

function readDer(b: Uint8Array, off: number): { el: Der; next: number } {
  if (off + 2 > b.length) throw new DerError("truncated DER");
  const tag = b[off];
  let len = b[off + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || off + 2 + n > b.length) throw new DerError("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i];
    if (len < 128 || (n > 1 && b[off + 2] === 0)) throw new DerError("non-minimal DER length");
    hdr += n;
  }
  const end = off + hdr + len;
  if (end > b.length) throw new DerError("DER element runs past its container");
  return { el: { tag, raw: b.subarray(off, end), content: b.subarray(off + hdr, end) }, next: end };
}

function children(d: Der): Der[] {
  const out: Der[] = [];
  for (let o = 0; o < d.content.length;) {
    const { el, next } = readDer(d.content, o);
    out.push(el);
    o = next;
  }
  return out;
}

function only(b: Uint8Array): Der {
  const { el, next } = readDer(b, 0);
  if (next !== b.length) throw new DerError("trailing bytes after DER element");
  return el;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const OID_SIGNED_DATA = "06092a864886f70d010702";
const OID_DATA = "06092a864886f70d010701";
const OID_SHA256 = "0609608648016503040201";
const OID_RSA = "06092a864886f70d010101";
const OID_SHA256_RSA = "06092a864886f70d01010b";

function expect(cond: boolean, what: string): void {
  if (!cond) throw new DerError(what);
}

/** AlgorithmIdentifier with the given OID and absent or NULL parameters. */
function isAlg(d: Der, oids: string[]): boolean {
  const c = children(d);
  return (
    d.tag === 0x30 &&
    oids.includes(hex(c[0]?.raw ?? new Uint8Array())) &&
    (c.length === 1 || (c.length === 2 && hex(c[1].raw) === "0500"))
  );
}

/** issuer Name and serialNumber INTEGER (raw DER) of a certificate. */
function issuerAndSerial(cert: X509Certificate): { issuer: string; serial: string } {
  const tbs = children(children(only(cert.raw))[0]);
  const i = tbs[0].tag === 0xa0 ? 1 : 0; // optional [0] version
  return { serial: hex(tbs[i].raw), issuer: hex(tbs[i + 2].raw) };
}

/** Returns null if `sig` is a valid detached signature of `content` by `cert`, else the reason. */
export function verifyDetachedCms(
  content: Uint8Array,
  sig: Uint8Array,
  cert: X509Certificate,
): string | null {
  try {
    const outer = only(sig);
    expect(outer.tag === 0x30, "ContentInfo is not a SEQUENCE");
    const ci = children(outer);
    expect(ci.length === 2 && hex(ci[0].raw) === OID_SIGNED_DATA, "not a CMS SignedData");
    expect(ci[1].tag === 0xa0, "SignedData is not [0] EXPLICIT");
    const sdw = children(ci[1]);
    expect(sdw.length === 1 && sdw[0].tag === 0x30, "bad SignedData wrapper");
    const sd = children(sdw[0]);
    expect(
      sd.length === 4,
      "SignedData must have exactly version, digests, content info, signer infos (no certificates)",
    );
    expect(hex(sd[0].raw) === "020101", "SignedData version is not 1");
    const digests = children(sd[1]);
    expect(
      sd[1].tag === 0x31 && digests.length === 1 && isAlg(digests[0], [OID_SHA256]),
      "digest algorithm is not SHA-256",
    );
    expect(hex(sd[2].raw) === "300b" + OID_DATA, "content is not detached id-data");
    const sis = children(sd[3]);
    expect(sd[3].tag === 0x31 && sis.length === 1, "expected exactly one SignerInfo");
    expect(sis[0].tag === 0x30, "SignerInfo is not a SEQUENCE");
    const si = children(sis[0]);
    expect(si.length === 5, "SignerInfo has signed or unsigned attributes or missing fields");
    expect(hex(si[0].raw) === "020101", "SignerInfo version is not 1");
    const sid = children(si[1]);
    const want = issuerAndSerial(cert);
    expect(
      si[1].tag === 0x30 &&
        sid.length === 2 &&
        hex(sid[0].raw) === want.issuer &&
        hex(sid[1].raw) === want.serial,
      "the signer is not this certificate (issuer/serial differ)",
    );
    expect(isAlg(si[2], [OID_SHA256]), "signer digest algorithm is not SHA-256");
    expect(isAlg(si[3], [OID_RSA, OID_SHA256_RSA]), "signature algorithm is not RSA");
    expect(si[4].tag === 0x04, "signature is not an OCTET STRING");
    const ok = cryptoVerify("sha256", content, cert.publicKey, si[4].content);
    return ok ? null : "the signature does not match the image bytes and certificate";
  } catch (e) {
    if (e instanceof DerError) return `malformed signature: ${e.message}`;
    throw e;
  }
}
