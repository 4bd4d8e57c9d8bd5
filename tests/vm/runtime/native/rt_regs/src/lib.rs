//! rt_regs: a kprobe on `__x64_sys_getpgid` small enough to use none of the callee-saved
//! registers, so the entry stub saves none. `getpgid(MAGIC)` (a pid that cannot exist)
//! makes it loop forever, the way `CTL[0]` says: 1 in its own code (stopped from the
//! watchdog's interrupt or NMI), 2 calling a helper every turn (stopped when the helper
//! returns). The stop runs the runtime's C code, which uses those registers; the hook
//! (`trace_call_bpf`, which with BPF stats on keeps the program in one of them) must get
//! its own back.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

/// [0] the mode, [1] loops entered.
iu::map!(CTL: Array<u32, u64>, max_entries = 2);

/// getpgid(2) of a pid above PID_MAX_LIMIT: fails with ESRCH.
const MAGIC: u64 = 0x3fff_fff0;

fn rt_regs_loop(ctx: &KprobeContext) -> u32 {
    // __x64_sys_getpgid(const struct pt_regs *regs): the user's argument is regs->di.
    let regs = ctx.arg(0).unwrap_or(0);
    if probe_read_kernel::<u64>(regs + 14 * 8).unwrap_or(0) & 0xffff_ffff != MAGIC {
        return 0;
    }
    let entered = CTL.get(&1).unwrap_or(0);
    CTL.set(&1, entered + 1);
    if CTL.get(&0) == Some(2) {
        // no state lives across the call: nothing for a callee-saved register to hold
        while ktime_get_ns() != 0 {}
    } else {
        while black_box(MAGIC) != 0 {}
    }
    0
}

iu::kprobe!(rt_regs_loop, "__x64_sys_getpgid");
