/** Checks of what the test harness's prepare step built (src/testing/inputs.ts). */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseImage, type ImageSpec } from "../../src/object/image.js";
import { crateImage, requireInput } from "../../src/testing/inputs.js";

/** Newest modification time of the crate's Cargo.toml and its src/ files. */
function newestSource(dir: string): { path: string; mtimeMs: number } {
  const files = [
    join(dir, "Cargo.toml"),
    ...readdirSync(join(dir, "src"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name)),
  ];
  return files
    .map((path) => ({ path, mtimeMs: statSync(path).mtimeMs }))
    .reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
}

/**
 * The crate's image exists, is not older than its sources, is signed and breaks none of
 * the format's rules. Returns its spec for further checks.
 */
export function assertPreparedImage(dir: string): ImageSpec {
  const path = requireInput(crateImage(dir), `iu build ${dir}`);
  const src = newestSource(dir);
  assert.ok(
    statSync(path).mtimeMs >= src.mtimeMs,
    `${path} is older than ${src.path}: the prepare step (iu test-all) rebuilds it`,
  );
  const img = parseImage(readFileSync(path));
  assert.deepEqual(img.problems, [], path);
  assert.ok(img.signature, `${path} is not signed`);
  assert.ok(img.programs.length > 0, `${path} declares no program`);
  return img;
}
