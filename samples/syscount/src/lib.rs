//! syscount: counts system calls per syscall number and builds a log2 histogram of their
//! latency (nanoseconds), from the raw tracepoints `sys_enter` and `sys_exit`. Only the
//! process (tgid) in `TARGET[0]` is counted (0: every process).
#![no_std]

use iu::prelude::*;

iu::map!(TARGET: Array<u32, u32>, max_entries = 1);
iu::map!(COUNTS: Hash<u32, u64>, max_entries = 512);
iu::map!(START: Hash<u32, u64>, max_entries = 10240);
iu::map!(HIST: Array<u32, u64>, max_entries = 64);

fn wanted() -> bool {
    let t = TARGET.get(&0).unwrap_or(0);
    t == 0 || t == current_pid()
}

fn sys_enter(ctx: &RawTracepointContext) -> u32 {
    if !wanted() {
        return 0;
    }
    // sys_enter(struct pt_regs *regs, long id)
    let nr = ctx.arg(1).unwrap_or(u64::MAX) as u32;
    match COUNTS.get(&nr) {
        Some(n) => {
            COUNTS.set(&nr, n + 1);
        }
        None => {
            let _ = COUNTS.update(&nr, &1, BPF_NOEXIST);
        }
    }
    let _ = START.update(&current_tid(), &ktime_get_ns(), BPF_ANY);
    0
}

fn sys_exit(_ctx: &RawTracepointContext) -> u32 {
    if !wanted() {
        return 0;
    }
    let tid = current_tid();
    let Some(t0) = START.get(&tid) else {
        return 0;
    };
    let _ = START.delete(&tid);
    let delta = ktime_get_ns().saturating_sub(t0);
    // log2 bucket: 0 for 0..1 ns, k for [2^k, 2^(k+1)).
    let slot = 63 - (delta | 1).leading_zeros();
    if let Some(n) = HIST.get(&slot) {
        HIST.set(&slot, n + 1);
    }
    0
}

iu::raw_tracepoint!(sys_enter, "sys_enter");
iu::raw_tracepoint!(sys_exit, "sys_exit");

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::RawTracepoint;

    #[test]
    fn counts_syscalls_and_latency() {
        iu::host::set_pid_tgid(50, 51);
        for (nr, ns) in [(39u64, 1000u64), (39, 3000), (0, 100_000)] {
            iu::host::set_time_ns(1_000_000);
            RawTracepoint::new(&[0, nr]).run(sys_enter);
            iu::host::set_time_ns(1_000_000 + ns);
            RawTracepoint::new(&[0, 0]).run(sys_exit);
        }
        assert_eq!(COUNTS.host_entries(), [(39, 2), (0, 1)]);
        assert!(START.host_entries().is_empty(), "exits delete their start");
        // log2 buckets: 1000 -> 9, 3000 -> 11, 100000 -> 16
        assert_eq!([HIST.get(&9), HIST.get(&11), HIST.get(&16)], [Some(1); 3]);
    }

    #[test]
    fn only_the_target_process() {
        TARGET.update(&0, &7, BPF_ANY).unwrap();
        iu::host::set_pid_tgid(8, 8);
        RawTracepoint::new(&[0, 1]).run(sys_enter);
        assert!(COUNTS.host_entries().is_empty());
        iu::host::set_pid_tgid(7, 7);
        RawTracepoint::new(&[0, 1]).run(sys_enter);
        assert_eq!(COUNTS.get(&1), Some(1));
    }
}
