//! rt_concurrent: programs that share one CPU for tests/vm/runtime/concurrent.test.ts.
//! `rt_xdp_count` (test runs) hashes its packet (long enough for timer interrupts to
//! land inside it), checks the hash against `EXPECT[0]` and counts per CPU;
//! `rt_kp_getpgid` counts `getpgid(MAGIC)` calls of one thread per CPU (an argument no
//! one else passes, so the count can be exact); `rt_kp_tick` counts
//! timer ticks (hard interrupt, nesting over the XDP program) per CPU.
#![no_std]

use iu::prelude::*;

iu::map!(XCOUNT: PerCpuArray<u32, u64>, max_entries = 1);
iu::map!(GCOUNT: PerCpuArray<u32, u64>, max_entries = 1);
iu::map!(TCOUNT: PerCpuArray<u32, u64>, max_entries = 1);
/// [0] the thread id whose getpgid(MAGIC) calls count.
iu::map!(TARGET: Array<u32, u32>, max_entries = 1);
/// [0] the expected FNV-1a hash of the packet, [1] wrong hashes seen.
iu::map!(EXPECT: Array<u32, u64>, max_entries = 2);

fn inc(m: &PerCpuArray<u32, u64>) {
    let n = m.get(&0).unwrap_or(0);
    m.set(&0, n + 1);
}

/// 32-bit FNV-1a over the packet, `ROUNDS` times (the state carries over).
const ROUNDS: usize = 16;

fn rt_xdp_count(ctx: &mut XdpContext) -> XdpAction {
    let mut h: u32 = 0x811c_9dc5;
    for _ in 0..ROUNDS {
        for &b in ctx.data().iter() {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    if EXPECT.get(&0) != Some(h as u64) {
        let bad = EXPECT.get(&1).unwrap_or(0);
        EXPECT.set(&1, bad + 1);
    }
    inc(&XCOUNT);
    XdpAction::Pass
}

/// getpgid(2) of a pid that cannot exist (above PID_MAX_LIMIT): fails with ESRCH.
const MAGIC: u32 = 0x3fff_fff0;

fn rt_kp_getpgid(ctx: &KprobeContext) -> u32 {
    // __x64_sys_getpgid(const struct pt_regs *regs): the user's argument is regs->di.
    let regs = ctx.arg(0).unwrap_or(0);
    let pid = probe_read_kernel::<u64>(regs + 14 * 8).unwrap_or(0) as u32;
    if pid == MAGIC && TARGET.get(&0) == Some(current_tid()) {
        inc(&GCOUNT);
    }
    0
}

fn rt_kp_tick(_ctx: &KprobeContext) -> u32 {
    inc(&TCOUNT);
    0
}

iu::xdp!(rt_xdp_count);
iu::kprobe!(rt_kp_getpgid, "__x64_sys_getpgid");
iu::kprobe!(rt_kp_tick, "update_process_times");
