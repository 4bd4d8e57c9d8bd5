/**
 * The kernel's own BPF selftests against the patched kernel: "do not break eBPF".
 *
 * test_verifier is built from the same kernel source tree and run in the VM. The VM kernel
 * has no module support, so an LD_PRELOAD shim (tests/selftests/testmod-shim.c) turns the
 * bpf_testmod.ko load into a no-op; the kfunc tests that need the module then fail on the
 * unpatched kernel exactly as on the patched one. The failures of the unpatched ("vanilla")
 * kernel are recorded once in tests/selftests/baseline/ (`iu selftests --baseline`); the
 * patched kernel must produce the same set.
 *
 * test_maps is not run: its runner builds every BPF object under progs/, and several need
 * kernel types our minimal config does not have (e.g. struct mptcp_sock fields), so it does
 * not build here. The map paths it covers are exercised by the loader's VM tests.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, repoRoot } from "../env/paths.js";
import { buildKernel, kernelSourceVersion } from "../env/kernel.js";
import { runChecked } from "../env/exec.js";
import { runVm } from "../env/vm.js";
import { IuError } from "../errors.js";

export interface SelftestResults {
  passed: number;
  skipped: number;
  failed: string[];
  summary: string;
}

const baselinePath = join(repoRoot, "tests", "selftests", "baseline", "test_verifier.txt");

/** Builds test_verifier (incremental) and the module shim into the cache. */
export function buildSelftests(): { testVerifier: string; shim: string } {
  const tree = cacheDir("kernel", `src-${kernelSourceVersion()}`);
  const out = cacheDir("selftests");
  mkdirSync(out, { recursive: true });
  if (!existsSync(join(tree, "tools")))
    throw new IuError(`no kernel source at ${tree}: run \`npx iu kernel build\`.`);
  runChecked(
    "make",
    ["-C", join(tree, "tools/testing/selftests/bpf"), "-j2", `OUTPUT=${out}`, "test_verifier"],
    "building the BPF selftest test_verifier",
  );
  const shim = join(out, "testmod-shim.so");
  runChecked(
    "gcc",
    [
      "-shared",
      "-fPIC",
      "-O2",
      "-Wall",
      "-o",
      shim,
      join(repoRoot, "tests/selftests/testmod-shim.c"),
      "-ldl",
    ],
    "building the bpf_testmod shim",
  );
  return { testVerifier: join(out, "test_verifier"), shim };
}

/** Reads test_verifier's "#N/p description RESULT" lines and its summary. */
export function parseVerifierOutput(text: string): SelftestResults {
  const failed: string[] = [];
  for (const m of text.matchAll(/^(#\d+\/[pu] .*) FAIL\b/gm)) failed.push(m[1]);
  const s = /^Summary: (\d+) PASSED, (\d+) SKIPPED, (\d+) FAILED$/m.exec(text);
  if (!s) throw new IuError(`test_verifier printed no summary:\n${text.slice(-2000)}`);
  return { passed: Number(s[1]), skipped: Number(s[2]), failed: failed.sort(), summary: s[0] };
}

/** Runs test_verifier in a VM booted with the given kernel flavour. */
export async function runSelftests(flavour = "default"): Promise<SelftestResults> {
  const { testVerifier, shim } = buildSelftests();
  const kernel = await buildKernel({ flavour });
  const work = cacheDir("selftests", "run");
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "bpf_testmod.ko"), "");
  const r = await runVm(["sh", "-c", `LD_PRELOAD=${shim} ${testVerifier} > test_verifier.out 2>&1; exit 0`], {
    kernel: kernel.bzImage,
    cwd: work,
    output: "pipe",
    timeoutSec: 1800,
  });
  if (r.code !== 0) {
    throw new IuError(
      `test_verifier did not run to completion in the VM (exit ${r.code}):\n${r.kernelErrors.join("\n")}`,
    );
  }
  return parseVerifierOutput(readFileSync(join(work, "test_verifier.out"), "utf8"));
}

export function readBaseline(): string[] {
  if (!existsSync(baselinePath)) {
    throw new IuError(
      `no selftest baseline at ${baselinePath}: record it with \`npx iu selftests --baseline\`.`,
    );
  }
  return readFileSync(baselinePath, "utf8")
    .split("\n")
    .filter((l) => /^#\d+\/[pu] /.test(l));
}

export function writeBaseline(r: SelftestResults): string {
  mkdirSync(join(repoRoot, "tests", "selftests", "baseline"), { recursive: true });
  const head = [
    `# test_verifier failures on the unpatched kernel (linux-source ${kernelSourceVersion()}, vanilla flavour)`,
    `# ${r.summary}`,
    "# recorded with: npx iu selftests --baseline",
  ];
  writeFileSync(baselinePath, [...head, ...r.failed, ""].join("\n"));
  return baselinePath;
}

/** Differences between a run's failures and the baseline's: empty when eBPF is unbroken. */
export function compareWithBaseline(
  r: SelftestResults,
  baseline: string[],
): { newFailures: string[]; fixed: string[] } {
  const base = new Set(baseline);
  const now = new Set(r.failed);
  return { newFailures: r.failed.filter((f) => !base.has(f)), fixed: baseline.filter((f) => !now.has(f)) };
}
