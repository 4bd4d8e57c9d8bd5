//! error_injector: a kprobe on `__x64_sys_getpid` (a syscall entry, which the kernel marks
//! `ALLOW_ERROR_INJECTION`) that makes getpid() return `RC[0]` instead of running, for
//! the process `TARGET[0]` only, and counts the injections in `HITS[0]`.
#![no_std]

use iu::prelude::*;

iu::map!(TARGET: Array<u32, u32>, max_entries = 1);
iu::map!(RC: Array<u32, u64>, max_entries = 1);
iu::map!(HITS: Array<u32, u64>, max_entries = 1);

fn inject_getpid(ctx: &KprobeContext) -> u32 {
    let target = TARGET.get(&0).unwrap_or(0);
    if target == 0 || target != current_pid() {
        return 0;
    }
    let rc = RC.get(&0).unwrap_or(-1i64 as u64);
    if ctx.override_return(rc).is_ok() {
        let n = HITS.get(&0).unwrap_or(0);
        HITS.set(&0, n + 1);
    }
    0
}

iu::kprobe!(inject_getpid, "__x64_sys_getpid");

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::Kprobe;

    #[test]
    fn injects_only_into_the_target_process() {
        TARGET.update(&0, &4242, BPF_ANY).unwrap();
        RC.update(&0, &(-14i64 as u64), BPF_ANY).unwrap();
        iu::host::set_pid_tgid(1, 1);
        assert_eq!(Kprobe::new(&[]).run(inject_getpid), 0);
        assert!(iu::host::override_returns().is_empty());
        iu::host::set_pid_tgid(4242, 4243);
        Kprobe::new(&[]).run(inject_getpid);
        Kprobe::new(&[]).run(inject_getpid);
        assert_eq!(iu::host::override_returns(), [-14i64 as u64, -14i64 as u64]);
        assert_eq!(HITS.get(&0), Some(2));
    }

    #[test]
    fn no_target_no_injection() {
        Kprobe::new(&[]).run(inject_getpid);
        assert!(iu::host::override_returns().is_empty());
        assert_eq!(HITS.get(&0), Some(0));
    }
}
