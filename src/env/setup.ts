/**
 * Set-up: the Debian packages the project needs, installed idempotently. When all are
 * present this costs one dpkg-query call.
 */
import { runCapture } from "./exec.js";
import { IuError } from "../errors.js";

/** Every Debian package the project uses, grouped by what needs it (README lists why). */
export const debianPackages: Record<string, string[]> = {
  // strace: the VM test that `npx iu` in the guest runs the CLI without starting npm.
  vm: ["qemu-system-x86", "busybox-static", "strace"],
  kernel: [
    "linux-source-6.12",
    "make",
    "gcc",
    "libc6-dev",
    "bc",
    "flex",
    "bison",
    "libelf-dev",
    "libssl-dev",
    "dwarves",
    "cpio",
    "xz-utils",
    "perl",
    "python3",
  ],
  // bubblewrap: the sandbox cargo, rustc and host tests run in (src/toolchain/sandbox.ts).
  // binutils: objdump, which shows iu build the registers an image uses (src/toolchain/regs.ts).
  rust: [
    "rustc-web",
    "cargo-web",
    "rust-web-src",
    "rustfmt-web",
    "rust-web-clippy",
    "lld",
    "bubblewrap",
    "binutils",
  ],
  // keyutils: keyctl, for the VM test of a keyring an administrator names (kernel.iu_keyring).
  signing: ["openssl", "keyutils"],
  // systemtap-sdt-dev: sys/sdt.h, for the USDT probes of samples/usdt's target binary.
  ebpf: ["clang", "llvm", "bpftool", "iproute2", "systemtap-sdt-dev"],
};

export function allDebianPackages(): string[] {
  return [...new Set(Object.values(debianPackages).flat())].sort();
}

/** The packages from `names` that are not installed. */
export function missingPackages(names: string[]): string[] {
  const r = runCapture("dpkg-query", ["-W", "-f=${Package} ${db:Status-Abbrev}\n", ...names]);
  const ok = new Set(
    r.stdout
      .split("\n")
      .filter((l) => / ii\s*$/.test(l))
      .map((l) => l.split(" ")[0]),
  );
  return names.filter((n) => !ok.has(n));
}

/** Fails with a clear message when packages a step needs are absent. */
export function requirePackages(group: keyof typeof debianPackages | string[]): void {
  const names = Array.isArray(group) ? group : (debianPackages[group] ?? []);
  const missing = missingPackages(names);
  if (missing.length > 0) {
    throw new IuError(
      `missing Debian package${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}. ` +
        `Run \`npx iu setup\` (or \`apt-get install ${missing.join(" ")}\` as root).`,
    );
  }
}

/** Installs what is missing. Runs `apt-get update` only when an install needs it. */
export function installPackages(log: (msg: string) => void = () => {}): string[] {
  const missing = missingPackages(allDebianPackages());
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw new IuError(
      `missing Debian packages: ${missing.join(", ")}. Set-up needs root to install them: ` +
        `sudo apt-get install ${missing.join(" ")}`,
    );
  }
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    runCapture("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env });
  let r = install();
  if (r.code !== 0) {
    log("apt-get install failed; refreshing package lists with apt-get update");
    runCapture("apt-get", ["update"], { env });
    r = install();
  }
  if (r.code !== 0) {
    throw new IuError(
      `apt-get could not install ${missing.join(", ")}:\n${r.stderr.trim().slice(-2000)}\n` +
        "Check the network and /etc/apt/sources.list, then run `npx iu setup` again.",
    );
  }
  return missing;
}
