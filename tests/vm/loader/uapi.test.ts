// The loader's ABI tables (src/abi/uapi.ts) and the SDK's record layout (sdk/src/abi.rs) are
// generated from the kernel's BTF: regenerated here from the running kernel's, they must not
// change. Also the load ABI itself: where attr->iu sits, and that eBPF loads may not use
// what this kernel implements only for native programs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../src/env/paths.js";
import { generateSdkAbi, generateUapi, UAPI_RS, UAPI_TS } from "../../../src/gen/uapi.js";
import { loadBtf } from "../../../src/gen/btf.js";
import {
  BPF_ATTR_SIZE,
  BpfCmd,
  BpfProgram,
  encodeProgLoad,
  Off,
  ProgType,
  SysError,
} from "../../../src/loader/index.js";
import { keysDir, requireInput, sampleImage } from "../../../src/testing/inputs.js";
import { addr, bpfRaw, closeFd, cString } from "../../../src/loader/sys.js";
import { skipUnlessVm } from "./util.js";

test(
  "src/abi/uapi.ts and sdk/src/abi.rs are what the running kernel's BTF generates",
  { skip: skipUnlessVm },
  () => {
    const types = loadBtf("/sys/kernel/btf/vmlinux");
    assert.equal(
      generateUapi(types),
      readFileSync(join(repoRoot, UAPI_TS), "utf8"),
      `${UAPI_TS}: run iu gen uapi`,
    );
    assert.equal(
      generateSdkAbi(types),
      readFileSync(join(repoRoot, UAPI_RS), "utf8"),
      `${UAPI_RS}: run iu gen uapi`,
    );
  },
);

test("attr->iu follows upstream's keyring_id, at BPF_IU_LOAD_ATTR_OFFSET 168", { skip: skipUnlessVm }, () => {
  const p = Off.progLoad;
  assert.deepEqual(
    [p.prog_token_fd, p.fd_array_cnt, p.signature, p.signature_size, p.keyring_id, p.iu_image],
    [144, 148, 152, 160, 164, 168],
  );
  assert.equal(BPF_ATTR_SIZE, 192);
});

test(
  "an eBPF load that sets fd_array_cnt, a signature or attr->iu is refused with EINVAL",
  { skip: skipUnlessVm },
  () => {
    // r0 = 0; exit
    const insns = Buffer.from([0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    const license = cString("GPL");
    const load = (field?: keyof typeof Off.progLoad) => {
      const a = encodeProgLoad({
        progType: ProgType.SOCKET_FILTER,
        license: addr(license),
        insns: { ptr: addr(insns), count: 2 },
      });
      if (field) a.writeUInt32LE(1, Off.progLoad[field]);
      return bpfRaw(BpfCmd.PROG_LOAD, a);
    };
    const ok = load();
    assert.ok(ok >= 0, `the plain eBPF load works: ${ok}`);
    closeFd(ok);
    for (const f of [
      "fd_array_cnt",
      "signature",
      "signature_size",
      "keyring_id",
      "iu_image",
      "iu_entry",
    ] as const)
      assert.equal(load(f), -22, `${f} set on an eBPF load`);
  },
);

test(
  "a keyring the administrator names in kernel.iu_keyring may sign images; another keyring is refused",
  { skip: skipUnlessVm },
  () => {
    const image = readFileSync(requireInput(sampleImage("hello"), "iu build samples/hello"));
    const load = (keyringId: number) =>
      BpfProgram.loadNative({ image, entry: "hello", progType: ProgType.TRACEPOINT, mapFds: [], keyringId });
    const run = (cmd: string, args: string[], input?: Buffer) => {
      const r = spawnSync(cmd, args, { input, encoding: input ? undefined : "utf8" });
      assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${String(r.stderr)}`);
      return String(r.stdout).trim();
    };
    const der = spawnSync("openssl", ["x509", "-in", join(keysDir, "signing-cert.pem"), "-outform", "DER"]);
    assert.equal(der.status, 0, String(der.stderr));
    const ring = Number(run("keyctl", ["newring", "iu_signers", "@u"]));
    const sysctl = "/proc/sys/kernel/iu_keyring";
    const before = readFileSync(sysctl, "utf8").trim();
    try {
      const refused = (keyringId: number, errno: string, line: RegExp) =>
        assert.throws(
          () => load(keyringId),
          (e: unknown) => e instanceof SysError && e.errnoName === errno && line.test(e.log),
          `keyring ${keyringId}`,
        );
      // Not named by the administrator: refused before the keyring is even looked up.
      refused(ring, "EPERM", /not the one kernel\.iu_keyring names/);
      // Only a keyring can be named, and the kernel holds it while it is.
      const userKey = run("keyctl", ["add", "user", "iu_not_a_ring", "x", "@u"]);
      assert.throws(() => writeFileSync(sysctl, `${userKey}\n`), /ENOTDIR/);
      writeFileSync(sysctl, `${ring}\n`);
      assert.equal(readFileSync(sysctl, "utf8").trim(), String(ring));
      // Named, but the signing key is not in it.
      refused(ring, "ENOKEY", /not in the named keyring/);
      run("keyctl", ["padd", "asymmetric", "", String(ring)], der.stdout);
      const p = load(ring);
      assert.equal(p.name, "hello");
      p.close();
      // The trusted keyrings still work without a keyring id.
      load(0).close();
    } finally {
      writeFileSync(sysctl, `${before}\n`);
      spawnSync("keyctl", ["unlink", String(ring), "@u"]);
      spawnSync("keyctl", ["purge", "user", "iu_not_a_ring"]);
    }
  },
);
