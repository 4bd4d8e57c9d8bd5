//! uprobe programs that misbehave, attached by tests/vm/runtime/uprobe.test.ts to
//! `uprobed_add` / `uprobed_sub` of samples/uprobe/uprobed.c: one that reads unmapped
//! and kernel addresses as user memory (and user memory as kernel memory), one that
//! loops forever at function return, one that panics.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

// 0: up_faults runs, 1: read_user(0) is None, 2: read_user(kernel address) is None,
// 3: read_user(sp) is the return address (Some, not 0), 4: read_kernel(sp) is None,
// 5: read_user_str(unmapped) is None, 6: up_spin runs, 7: up_panic runs
iu::map!(OUT: Array<u32, u64>, max_entries = 8);

fn bump(i: u32) {
    let v = OUT.get(&i).unwrap_or(0);
    OUT.set(&i, v + 1);
}

fn up_faults(ctx: &UprobeContext) -> u32 {
    bump(0);
    if ctx.read_user::<u64>(black_box(0)).is_none() {
        bump(1);
    }
    if ctx
        .read_user::<u64>(black_box(0xffff_8880_0000_0000))
        .is_none()
    {
        bump(2);
    }
    if let Some(ret) = ctx.read_user::<u64>(ctx.sp())
        && ret != 0
    {
        bump(3);
    }
    if probe_read_kernel::<u64>(ctx.sp()).is_none() {
        bump(4);
    }
    let mut buf = [0u8; 16];
    if ctx.read_user_str(&mut buf, black_box(0x10)).is_none() {
        bump(5);
    }
    0
}

fn up_spin(ctx: &UprobeContext) -> u32 {
    bump(6);
    let mut x = black_box(1u64);
    loop {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // Never true; opaque to the compiler.
        if black_box(x) == 0 && ctx.ret() == 0x1234_5678_9abc {
            return 0;
        }
    }
}

fn up_panic(ctx: &UprobeContext) -> u32 {
    bump(7);
    let table = [1u32, 2, 3];
    // arg 0 of uprobed_add is 0..n: index 3 + a is always out of bounds
    table[black_box(3 + ctx.arg_or_zero(0) as usize)]
}

iu::uprobe!(up_faults);
iu::uretprobe!(up_spin);
iu::uprobe!(up_panic);
