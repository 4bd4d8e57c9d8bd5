//! BPF_F_WRONLY_PROG on every map kind, DevMap included (its redirect reads the map).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(HA: Hash<u32, u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(PH: PerCpuHash<u32, u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(LH: LruHash<u32, u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(LP: LruPerCpuHash<u32, u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(AR: Array<u32, u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(PA: PerCpuArray<u32, u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(SL: Hash<u32, SpinLocked<u64>>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(QU: Queue<u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(ST: Stack<u64>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(RB: RingBuf, max_entries = 4096, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(PE: PerfEventArray, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(TR: StackTrace<8>, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);
iu::map!(DM: DevMap, max_entries = 4, flags = iu::maps::BPF_F_WRONLY_PROG);

fn tp(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
