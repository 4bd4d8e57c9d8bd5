//! rt_allcpus: a kprobe on `update_process_times` (every CPU's timer tick, hard interrupt
//! context, interrupts off) that loops forever on every CPU while `ARMED[0]` is 1. If it
//! ran on all CPUs at once, no CPU would take the timer interrupt the watchdog runs from;
//! the runtime keeps one CPU free of such programs, and the watchdog stops the others.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

/// [0] armed; [1] loops entered.
iu::map!(ARMED: Array<u32, u64>, max_entries = 2);

fn rt_allcpus(_ctx: &KprobeContext) -> u32 {
    if ARMED.get(&0) != Some(1) {
        return 0;
    }
    let n = ARMED.get(&1).unwrap_or(0);
    ARMED.set(&1, n + 1);
    let mut x = black_box(n);
    loop {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if black_box(x) == 0 && black_box(n) == u64::MAX {
            return 1;
        }
    }
}

iu::kprobe!(rt_allcpus, "update_process_times");
