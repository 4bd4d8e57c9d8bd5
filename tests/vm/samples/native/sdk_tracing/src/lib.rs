//! sdk_tracing: a kprobe on `__x64_sys_chdir` for the process in `TARGET[0]`: reads the
//! path from user memory (`probe_read_user_str`, the pointer fetched from the syscall's
//! saved registers with `probe_read_kernel`), sends it with the caller's ids and comm to
//! user space through a perf event array, and sends SIGUSR2 to the caller for `chdir("/")`.
#![no_std]

use iu::prelude::*;

iu::pod_struct! {
    /// One chdir() seen (96 bytes).
    pub struct Rec {
        pub pid: u32,
        pub tid: u32,
        pub uid_gid: u64,
        pub len: u32,
        pub signalled: u32,
        pub comm: [u8; 16],
        pub path: [u8; 56],
    }
}

iu::map!(TARGET: Array<u32, u32>, max_entries = 1);
iu::map!(EVENTS: PerfEventArray, max_entries = 8);

fn sdk_tracing(ctx: &KprobeContext) -> u32 {
    if TARGET.get(&0) != Some(current_pid()) {
        return 0;
    }
    // __x64_sys_chdir(const struct pt_regs *regs): the user's argument is regs->di.
    let regs = ctx.arg(0).unwrap_or(0);
    let user_ptr = probe_read_kernel::<u64>(regs + 14 * 8).unwrap_or(0);
    let mut r = Rec::default();
    r.pid = current_pid();
    r.tid = current_tid();
    r.uid_gid = current_uid_gid();
    r.comm = current_comm();
    r.len = probe_read_user_str(&mut r.path, user_ptr).map_or(u32::MAX, |n| n as u32);
    if r.len == 1 && r.path[0] == b'/' {
        r.signalled = send_signal(12).map_or(2, |_| 1);
    }
    let _ = EVENTS.output(ctx, &r);
    0
}

iu::kprobe!(sdk_tracing, "__x64_sys_chdir");
