//! ksyscall: libbpf-bootstrap's `ksyscall` example. Programs on the `tgkill` and `kill`
//! syscalls print who sends which signal to whom, from the syscalls' own arguments
//! (`KsyscallContext::arg`, the x86-64 wrapper's saved user registers unwrapped).
//! Signal 0 (an existence check, no signal sent) is skipped, as in the original.
#![no_std]

use iu::prelude::*;

fn tgkill_entry(ctx: &KsyscallContext) -> u32 {
    let (tgid, tid, sig) = (ctx.arg(0), ctx.arg(1), ctx.arg(2));
    let (Some(tgid), Some(tid), Some(sig)) = (tgid, tid, sig) else {
        return 0;
    };
    let (tgid, tid, sig) = (tgid as i32, tid as i32, sig as i32);
    if sig == 0 {
        return 0;
    }
    let caller_pid = current_pid_tgid() >> 32;
    let comm = current_comm();
    iu::trace_printk!(
        "tgkill syscall called by PID %d (%s) for thread id %d with pid %d and signal %d.",
        caller_pid,
        &comm,
        tid,
        tgid,
        sig
    );
    0
}

fn entry_probe(ctx: &KsyscallContext) -> u32 {
    let (Some(pid), Some(sig)) = (ctx.arg(0), ctx.arg(1)) else {
        return 0;
    };
    let (pid, sig) = (pid as i32, sig as i32);
    if sig == 0 {
        return 0;
    }
    let caller_pid = current_pid_tgid() >> 32;
    let comm = current_comm();
    iu::trace_printk!(
        "KILL syscall called by PID %d (%s) for PID %d with signal %d.",
        caller_pid,
        &comm,
        pid,
        sig
    );
    0
}

iu::ksyscall!(tgkill_entry, "tgkill");
iu::ksyscall!(entry_probe, "kill");

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Ksyscall;

    #[test]
    fn prints_signals_but_not_existence_checks() {
        iu::host::set_pid_tgid(40, 41);
        iu::host::set_comm("sender");
        Ksyscall::new(&[9, 10, 15]).run(|c| tgkill_entry(c));
        Ksyscall::new(&[9, 0]).run(|c| entry_probe(c));
        Ksyscall::new(&[9, 12]).run(|c| entry_probe(c));
        assert_eq!(
            iu::host::trace_lines(),
            [
                "tgkill syscall called by PID 40 (sender) for thread id 10 with pid 9 and signal 15.",
                "KILL syscall called by PID 40 (sender) for PID 9 with signal 12."
            ]
        );
    }
}
