/**
 * What the hooks built on perf events share (kprobe, tracepoint, perf_event): a
 * BPF_LINK_CREATE(BPF_PERF_EVENT) link on a perf fd, and reading back the name such a
 * link (or a raw tracepoint link) reports.
 */
import { existsSync, readFileSync } from "node:fs";
import { IuError } from "../../errors.js";
import { AttachType, LINK_INFO_SIZE } from "../attr.js";
import { PerfEventType } from "../../abi/uapi.js";
import { addr, closeFd, linkCreate, objInfo, perfEventEnable } from "../sys.js";

/** `enum bpf_perf_event_type`: the `perf_event.type` of a perf-event link's info. */
export { PerfEventType };

/** The prefix of the x86-64 syscall wrappers, which a ksyscall target probes. */
export const SYSCALL_WRAPPER = "__x64_sys_";

/**
 * BPF_LINK_CREATE(BPF_PERF_EVENT) on a perf fd, with the BPF cookie the program reads
 * through `bpf_get_attach_cookie`, then enable it; the link keeps the event.
 */
export function perfLink(perfFd: number, progFd: number, what: string, cookie?: bigint): number {
  try {
    const fd = linkCreate(
      { progFd, target: perfFd, attachType: AttachType.PERF_EVENT, perfCookie: cookie },
      what,
    );
    perfEventEnable(perfFd);
    return fd;
  } finally {
    closeFd(perfFd);
  }
}

/**
 * The name a link reports through BPF_OBJ_GET_INFO_BY_FD when given a buffer: its pointer
 * goes at `ptrOff` of `struct bpf_link_info`, the buffer's length at `lenOff`.
 */
export function linkName(fd: number, ptrOff: number, lenOff: number): string {
  const name = Buffer.alloc(256);
  const b = Buffer.alloc(LINK_INFO_SIZE);
  b.writeBigUInt64LE(addr(name), ptrOff);
  b.writeUInt32LE(name.length, lenOff);
  objInfo(fd, b);
  return name.subarray(0, Math.max(0, name.indexOf(0))).toString();
}

/** The `type` of a dynamic perf PMU (`kprobe`, `uprobe`) for perf_event_open. */
export function pmuType(pmu: string): number {
  const p = `/sys/bus/event_source/devices/${pmu}/type`;
  try {
    return Number(readFileSync(p, "utf8").trim());
  } catch {
    throw new IuError(
      `the kernel has no '${pmu}' perf PMU (${p}); CONFIG_${pmu.toUpperCase()}_EVENTS missing?`,
    );
  }
}

/** The bit of `config` that makes a `kprobe`/`uprobe` PMU event a return probe. */
export function retprobeBit(pmu: string): number {
  const p = `/sys/bus/event_source/devices/${pmu}/format/retprobe`;
  const m = /config:(\d+)/.exec(existsSync(p) ? readFileSync(p, "utf8") : "config:0");
  return m ? Number(m[1]) : 0;
}
