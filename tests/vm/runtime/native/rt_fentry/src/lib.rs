//! fentry/fexit programs on `do_unlinkat(int dfd, struct filename *name)` that misbehave
//! when the unlinked path names them (`/tmp/iu-fe-spin...`, `/tmp/iu-fe-panic...`), one
//! that records what the argument accessors give, and programs on functions the kernel
//! must refuse to trace (loaded one at a time by tests/vm/runtime/fentry.test.ts).
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

// 0: fe_bounds runs, 1: arg_count, 2: arg(1) == name, 3: arg(2) is None, 4: arg(7) is
// None, 5: fe_spin runs, 6: fe_panic runs, 7: fexit ret of the last /tmp/iu-fe-bounds unlink
iu::map!(OUT: Array<u32, u64>, max_entries = 8);

fn bump(i: u32) {
    let v = OUT.get(&i).unwrap_or(0);
    OUT.set(&i, v + 1);
}

/// The unlinked path starts with `prefix`.
fn path_is(name: u64, prefix: &[u8]) -> bool {
    let addr: u64 = probe_read_kernel(name).unwrap_or(0);
    let mut buf = [0u8; 32];
    match probe_read_kernel_str(&mut buf, addr) {
        Some(n) => n >= prefix.len() && &buf[..prefix.len()] == prefix,
        None => false,
    }
}

fn fe_bounds(ctx: &FentryContext) -> u32 {
    let name = ctx.arg_or_zero(1);
    if !path_is(name, b"/tmp/iu-fe-bounds") {
        return 0;
    }
    bump(0);
    OUT.set(&1, ctx.arg_count() as u64);
    OUT.set(&2, (ctx.arg(1) == Some(name)) as u64);
    OUT.set(&3, ctx.arg(2).is_none() as u64);
    OUT.set(&4, ctx.arg(7).is_none() as u64);
    0
}

fn fe_bounds_exit(ctx: &FexitContext) -> u32 {
    if path_is(ctx.arg_or_zero(1), b"/tmp/iu-fe-bounds") {
        OUT.set(&7, ctx.ret() as i32 as i64 as u64);
    }
    0
}

fn fe_spin(ctx: &FexitContext) -> u32 {
    if !path_is(ctx.arg_or_zero(1), b"/tmp/iu-fe-spin") {
        return 0;
    }
    bump(5);
    let mut x = black_box(1u64);
    loop {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // Never true; opaque to the compiler.
        if black_box(x) == 0 && ctx.arg_count() == 99 {
            return 0;
        }
    }
}

fn fe_panic(ctx: &FentryContext) -> u32 {
    if !path_is(ctx.arg_or_zero(1), b"/tmp/iu-fe-panic") {
        return 0;
    }
    bump(6);
    let table = [1u32, 2, 3];
    // An index from the arguments: out of bounds, a panic in safe Rust.
    table[black_box(ctx.arg_count() + 5)]
}

fn fe_watchdog(_ctx: &FentryContext) -> u32 {
    0
}

fn fe_noreturn(_ctx: &FexitContext) -> u32 {
    0
}

fn fe_deny(_ctx: &FentryContext) -> u32 {
    0
}

iu::fentry!(fe_bounds, "do_unlinkat");
iu::fexit!(fe_bounds_exit, "do_unlinkat");
iu::fexit!(fe_spin, "do_unlinkat");
iu::fentry!(fe_panic, "do_unlinkat");
iu::fentry!(fe_watchdog, "hrtimer_interrupt");
iu::fexit!(fe_noreturn, "do_exit");
iu::fentry!(fe_deny, "migrate_disable");
