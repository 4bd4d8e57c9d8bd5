//! usdt: libbpf-bootstrap's `usdt` example, on the probes of `usdt_target.c` (Debian's
//! libc has no SDT notes, so the binary that stands in for libc's `setjmp` probe is the
//! sample's own). `usdt_auto_attach` and `usdt_manual_attach` print the probe's three
//! arguments as the original's `BPF_USDT(..., void *arg1, int arg2, void *arg3)` does; a
//! third program reads `usdt_target:tick`, a probe behind a semaphore, with a 64-bit, a
//! 16-bit signed and an 8-bit register argument, a constant and one in memory.
//!
//! The targets are given at attach time (`usdt:PATH:usdt_target:jump`, with `:pid=N` for
//! the manual one), as the original's user space attaches `usdt_manual_attach` by pid.
#![no_std]

use iu::prelude::*;

fn usdt_auto_attach(ctx: &UsdtContext) -> u32 {
    let (Some(arg1), Some(arg2), Some(arg3)) = (ctx.arg(0), ctx.arg(1), ctx.arg(2)) else {
        return 0;
    };
    iu::trace_printk!(
        "USDT auto attach to usdt_target:jump: arg1 = %lx, arg2 = %d, arg3 = %lx",
        arg1 as u64,
        arg2 as i32,
        arg3 as u64
    );
    0
}

fn usdt_manual_attach(ctx: &UsdtContext) -> u32 {
    let (Some(arg1), Some(arg2), Some(arg3)) = (ctx.arg(0), ctx.arg(1), ctx.arg(2)) else {
        return 0;
    };
    iu::trace_printk!(
        "USDT manual attach to usdt_target:jump: arg1 = %lx, arg2 = %d, arg3 = %lx",
        arg1 as u64,
        arg2 as i32,
        arg3 as u64
    );
    0
}

fn usdt_tick(ctx: &UsdtContext) -> u32 {
    let n = ctx.arg_count().unwrap_or(0);
    let (Some(big), Some(neg), Some(c)) = (ctx.arg(0), ctx.arg(1), ctx.arg(2)) else {
        return 0;
    };
    let (Some(k), Some(mem)) = (ctx.arg(3), ctx.arg(4)) else {
        return 0;
    };
    iu::trace_printk!(
        "USDT tick: %d args: %ld %d %c %d %d",
        n,
        big,
        neg as i32,
        c as u8,
        k as i32,
        mem as i32
    );
    0
}

iu::usdt!(usdt_auto_attach);
iu::usdt!(usdt_manual_attach);
iu::usdt!(usdt_tick);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Usdt;

    #[test]
    fn prints_the_probe_arguments() {
        Usdt::new(&[0x7ffd_1000, -1, 0x5555_0000]).run(|c| usdt_auto_attach(c));
        Usdt::new(&[0x7ffd_1000, 2, 0x5555_0000]).run(|c| usdt_manual_attach(c));
        Usdt::new(&[3000, -3, b'd' as i64, 42, 21]).run(|c| usdt_tick(c));
        Usdt::new(&[1]).run(|c| usdt_tick(c));
        assert_eq!(
            iu::host::trace_lines(),
            [
                "USDT auto attach to usdt_target:jump: arg1 = 7ffd1000, arg2 = -1, arg3 = 55550000",
                "USDT manual attach to usdt_target:jump: arg1 = 7ffd1000, arg2 = 2, arg3 = 55550000",
                "USDT tick: 5 args: 3000 -3 d 42 21",
            ]
        );
    }
}
