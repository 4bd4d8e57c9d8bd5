//! rt_kprobe: a kprobe on `update_process_times`, which the periodic timer tick calls in
//! hard interrupt context with interrupts disabled, on every CPU. Armed by user space
//! (`CTL[0] = 1`, `CTL[1] = cpu`), the program loops forever once on that CPU: it
//! disarms itself first, so only one invocation loops and the machine is not stuck every
//! tick. The watchdog (run from the other CPU) must stop it.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

/// [0] armed, [1] target CPU, [2] loops entered, [3] ticks seen on the target CPU after a
/// loop was entered.
iu::map!(CTL: Array<u32, u64>, max_entries = 4);
/// Invocations per CPU.
iu::map!(TICKS: PerCpuArray<u32, u64>, max_entries = 1);

fn add(i: u32) {
    let n = CTL.get(&i).unwrap_or(0);
    CTL.set(&i, n + 1);
}

fn rt_irqloop(_ctx: &KprobeContext) -> u32 {
    let t = TICKS.get(&0).unwrap_or(0);
    TICKS.set(&0, t + 1);
    let cpu = smp_processor_id() as u64;
    if CTL.get(&1) != Some(cpu) {
        return 0;
    }
    if CTL.get(&2).unwrap_or(0) > 0 {
        add(3);
    }
    if CTL.get(&0) == Some(1) {
        CTL.set(&0, 0);
        add(2);
        let mut x = black_box(cpu);
        loop {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            if black_box(x) == 0 && black_box(cpu) == 0xdead {
                break;
            }
        }
        CTL.set(&3, x);
    }
    0
}

iu::kprobe!(rt_irqloop, "update_process_times");
