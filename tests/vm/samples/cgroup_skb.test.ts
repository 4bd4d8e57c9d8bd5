// samples/cgroup_skb and its eBPF twin: on a fresh cgroup's egress, both count the same
// IPv4 packets and bytes and drop the same UDP datagrams to port 9 (the sender sees
// EPERM); a process outside the cgroup is not seen; `iu link list` shows the link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmdirSync } from "node:fs";
import { attach, listLinks, parseTarget, type BpfMap, type Link } from "../../../src/loader/index.js";
import { loadNative, loadTwin, skipUnlessVm, u32Key, u64Sum } from "./util.js";

const CG = "/sys/fs/cgroup/iu-cgroup-skb";

// Joins the cgroup given as argv[1], then sends 5 datagrams of 100 bytes to port 7777 and
// 3 to port 9 on 127.0.0.1; prints how many sends succeeded and failed with EPERM.
const SENDER = `
import errno, socket, sys
if sys.argv[1]:
    open(sys.argv[1] + "/cgroup.procs", "w").write("0")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ok = eperm = 0
for port in [7777] * 5 + [9] * 3:
    try:
        s.sendto(b"x" * 100, ("127.0.0.1", port)); ok += 1
    except OSError as e:
        if e.errno != errno.EPERM: raise
        eperm += 1
print(ok, eperm)
`;

function send(cgroup: string): string {
  const r = spawnSync("python3", ["-c", SENDER, cgroup], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const counts = (m: BpfMap): bigint[] => [0, 1, 2].map((k) => u64Sum(m.lookup(u32Key(k))));

test(
  "cgroup_skb: native and eBPF twin count and drop the same egress packets of one cgroup",
  { skip: skipUnlessVm },
  () => {
    mkdirSync(CG, { recursive: true });
    try {
      const seen: Record<string, { counts: bigint[]; sender: string; outside: string }> = {};
      const target = parseTarget(`cgroup_skb:${CG}:egress`);
      for (const side of ["native", "twin"] as const) {
        const obj = side === "native" ? loadNative("cgroup_skb") : undefined;
        const twin = side === "twin" ? loadTwin("cgroup_skb") : undefined;
        let link: Link | undefined;
        try {
          if (obj) {
            obj.attach({ count_egress: target });
            assert.ok(
              listLinks().some((l) => l.target === `cgroup_skb:${CG}:egress`),
              `iu link list: ${listLinks()
                .map((l) => l.target)
                .join(", ")}`,
            );
          }
          if (twin) link = attach(twin.prog().fd, twin.prog().type, target);
          const sender = send(CG);
          const outside = send("");
          seen[side] = { counts: counts(obj ? obj.map("COUNTS") : twin!.map("COUNTS")), sender, outside };
        } finally {
          link?.close();
          obj?.close();
          twin?.close();
        }
      }
      // 5 datagrams of 100 bytes: 20 (IP) + 8 (UDP) + 100 each.
      assert.deepEqual(seen.native, { counts: [5n, 5n * 128n, 3n], sender: "5 3", outside: "8 0" });
      assert.deepEqual(seen.native, seen.twin);
      assert.equal(send(CG), "8 0", "detached: nothing is dropped");
    } finally {
      rmdirSync(CG);
    }
  },
);
