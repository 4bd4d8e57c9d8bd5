// Set-up: what is missing is named, with the command that fixes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { missingPackages, requirePackages, allDebianPackages } from "../../../src/env/setup.js";

test("a missing Debian package is named with the command that installs it", () => {
  assert.deepEqual(missingPackages(["iu-no-such-package"]), ["iu-no-such-package"]);
  assert.throws(
    () => requirePackages(["iu-no-such-package"]),
    /missing Debian package: iu-no-such-package\. Run `npx iu setup` \(or `apt-get install iu-no-such-package`/,
  );
});

test("every package the project lists is installed after set-up", () => {
  assert.deepEqual(missingPackages(allDebianPackages()), []);
});
