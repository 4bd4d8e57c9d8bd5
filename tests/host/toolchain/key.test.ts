// iu key show: creates the key pair on first use (0700 directory, 0600 files), prints the
// paths and the certificate's SHA-256 fingerprint, and is stable on the second call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";

test("iu key show creates the key pair once and prints its fingerprint", () => {
  const dir = mkdtempSync(join(tmpdir(), "iu-key-test-"));
  try {
    const env = { ...process.env, IU_CONFIG_DIR: dir };
    const show = (): { key: string; cert: string; fingerprint: string; created: boolean } =>
      JSON.parse(
        execFileSync("node", [join(repoRoot, "bin", "iu.js"), "key", "show", "--json"], {
          env,
          encoding: "utf8",
        }),
      );
    const a = show();
    assert.equal(a.created, true);
    assert.ok(a.key.startsWith(dir) && a.cert.startsWith(dir));
    assert.match(a.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(statSync(a.key).mode & 0o777, 0o600);
    assert.equal(statSync(a.cert).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "keys")).mode & 0o777, 0o700);
    const b = show();
    assert.equal(b.created, false);
    assert.equal(b.fingerprint, a.fingerprint);
    const text = execFileSync("node", [join(repoRoot, "bin", "iu.js"), "key", "show"], {
      env,
      encoding: "utf8",
    });
    assert.match(text, new RegExp(a.fingerprint));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
