//! map: counts getpid() calls per process (tgid) in a hash map that user space reads.
#![no_std]

use iu::prelude::*;

iu::map!(COUNTS: Hash<u32, u64>, max_entries = 1024);

fn count_getpid(_ctx: &TracepointContext) -> u32 {
    let pid = current_pid();
    match COUNTS.get(&pid) {
        // Another CPU may race us between get and set, as in eBPF without atomics.
        Some(n) => {
            COUNTS.set(&pid, n + 1);
        }
        None => {
            let _ = COUNTS.update(&pid, &1, BPF_NOEXIST);
        }
    }
    0
}

iu::tracepoint!(count_getpid, "syscalls/sys_enter_getpid");
