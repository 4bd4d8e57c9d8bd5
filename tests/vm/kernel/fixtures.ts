/**
 * The hand-made kernel test images (tests/fixtures/kernel): built on the host by the host
 * test tests/host/kernel/fixtures.test.ts into the cache, where the VM (host / as its root,
 * same HOME) finds them; the VM test builds them itself when they are missing (slow in TCG).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir, repoRoot } from "../../../src/env/paths.js";

export const fixtureSrc = join(repoRoot, "tests", "fixtures", "kernel");
export const keysDir = process.env.IU_KEYS ?? "/root/.config/iu/keys";

/** Cache directory named by a hash of the fixture sources and the signing certificate. */
export function fixtureDir(): string {
  const h = createHash("sha256");
  for (const e of readdirSync(fixtureSrc, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)))
    if (e.isFile()) h.update(e.name).update(readFileSync(join(fixtureSrc, e.name)));
  const cert = join(keysDir, "signing-cert.pem");
  if (existsSync(cert)) h.update(readFileSync(cert));
  return cacheDir("kernel-fixtures", h.digest("hex").slice(0, 16));
}

/** Built, with at least `fuzz` mutated images (the stamp holds their count). */
export const fixturesReady = (dir: string, fuzz = 0): boolean =>
  existsSync(join(dir, "stamp")) && Number(readFileSync(join(dir, "stamp"), "utf8")) >= fuzz;

/** Builds the images, iutest and `fuzzCount` mutated, re-signed images into `dir`. */
export function buildFixtures(dir: string, fuzzCount: number): void {
  rmSync(dir, { recursive: true, force: true });
  const env = { ...process.env, IU_KEYS: keysDir };
  const r = spawnSync(join(fixtureSrc, "mkimages.sh"), [dir], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`mkimages.sh failed: ${r.stderr}`);
  const g = spawnSync(
    "python3",
    [
      join(fixtureSrc, "iufuzz.py"),
      join(dir, "good.so"),
      join(dir, "fuzz"),
      String(fuzzCount),
      join(keysDir, "signing-cert.pem"),
      join(keysDir, "signing-key.pem"),
      "11",
    ],
    { encoding: "utf8", env: { ...env, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  if (g.status !== 0) throw new Error(`iufuzz.py failed: ${g.stderr}`);
  writeFileSync(join(dir, "stamp"), `${fuzzCount}\n`);
}

let images: string | undefined;
/** In the VM: the images the host built (tests/host/kernel/fixtures.test.ts), or built here (slow in TCG). */
export function fixtureImages(fuzzCount = 300): string {
  if (images) return images;
  const cached = fixtureDir();
  if (fixturesReady(cached)) return (images = cached);
  const d = join(mkdtempSync(join(tmpdir(), "iu-kfix-")), "f");
  buildFixtures(d, fuzzCount);
  return (images = d);
}
