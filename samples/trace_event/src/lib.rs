//! trace_event: a perf_event program on the `cpu-clock` software event (one sample per
//! millisecond per CPU) that counts samples per (pid, kernel stack, user stack) and
//! keeps the stacks in a stack-trace map, like the kernel's trace_event sample.
#![no_std]

use iu::prelude::*;

iu::pod_struct! {
    /// What a sample is counted under. Stack ids are >= 0, or a negative errno when the
    /// stack could not be taken (e.g. -14 for the user stack of a kernel thread).
    pub struct Key {
        pub pid: u32,
        pub kern_stack: i32,
        pub user_stack: i32,
        pub pad: u32,
        pub comm: [u8; 16],
    }
}

iu::map!(COUNTS: Hash<Key, u64>, max_entries = 10000);
// PERIOD[0]: the sample period seen by the last sample (the clock event's, in ns).
iu::map!(PERIOD: Array<u32, u64>, max_entries = 1);
iu::map!(STACKS: StackTrace<127>, max_entries = 10000);

fn stack_id(r: Result<u32, i64>) -> i32 {
    match r {
        Ok(id) => id as i32,
        Err(e) => e as i32,
    }
}

fn sample(ctx: &PerfEventContext) -> u32 {
    let key = Key {
        pid: current_pid(),
        kern_stack: stack_id(STACKS.get_stackid(ctx, 0)),
        user_stack: stack_id(STACKS.get_stackid(ctx, BPF_F_USER_STACK)),
        pad: 0,
        comm: current_comm(),
    };
    PERIOD.set(&0, ctx.sample_period().unwrap_or(0));
    match COUNTS.get(&key) {
        Some(n) => {
            COUNTS.set(&key, n + 1);
        }
        None => {
            let _ = COUNTS.update(&key, &1, BPF_NOEXIST);
        }
    }
    0
}

iu::perf_event!(sample, "cpu-clock");

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::PerfEvent;

    #[test]
    fn counts_samples_per_pid_and_stack() {
        iu::host::set_pid_tgid(9, 9);
        iu::host::set_comm("spin");
        iu::host::set_stack_id(Some(4));
        for _ in 0..3 {
            PerfEvent::new().sample_period(1_000_000).run(sample);
        }
        iu::host::set_stack_id(None);
        PerfEvent::new().run(sample);
        let c = COUNTS.host_entries();
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].0.pid, c[0].0.kern_stack, c[0].0.user_stack, c[0].1),
            (9, 4, 4, 3)
        );
        assert_eq!(
            (c[1].0.kern_stack, c[1].1),
            (-14, 1),
            "no stack: -EFAULT, as in the kernel"
        );
        assert_eq!(&c[0].0.comm[..5], b"spin\0");
        assert_eq!(PERIOD.get(&0), Some(0), "the last sample's period");
    }
}
