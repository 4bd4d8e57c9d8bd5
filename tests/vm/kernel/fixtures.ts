/**
 * The hand-made kernel test images (tests/fixtures/kernel): built on the host by the test
 * harness's prepare step (src/testing/inputs.ts) into the cache, where the VM (host / as
 * its root, same HOME) finds them. Missing images fail the test that needs them.
 */
import { requireFixtures } from "../../../src/testing/inputs.js";

export { fixtureDir, fixtureSrc, keysDir } from "../../../src/testing/inputs.js";

/** The prepared fixture directory; throws naming it when it was not built. */
export function fixtureImages(): string {
  return requireFixtures();
}
