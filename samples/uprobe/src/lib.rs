//! uprobe: libbpf-bootstrap's `uprobe` example. A uprobe and a uretprobe on each of two
//! functions of a user binary (`uprobed.c`) print their arguments and their results to
//! the trace pipe. As in the original, the targets are given at attach time:
//! `iu attach ID uprobe:PATH:uprobed_add` (`:pid=N` for one process only).
#![no_std]

use iu::prelude::*;

fn uprobe_add(ctx: &UprobeContext) -> u32 {
    let (a, b) = (ctx.arg_or_zero(0) as i32, ctx.arg_or_zero(1) as i32);
    iu::trace_printk!("uprobed_add ENTRY: a = %d, b = %d", a, b);
    0
}

fn uretprobe_add(ctx: &UprobeContext) -> u32 {
    iu::trace_printk!("uprobed_add EXIT: return = %d", ctx.ret() as i32);
    0
}

fn uprobe_sub(ctx: &UprobeContext) -> u32 {
    let (a, b) = (ctx.arg_or_zero(0) as i32, ctx.arg_or_zero(1) as i32);
    iu::trace_printk!("uprobed_sub ENTRY: a = %d, b = %d", a, b);
    0
}

fn uretprobe_sub(ctx: &UprobeContext) -> u32 {
    iu::trace_printk!("uprobed_sub EXIT: return = %d", ctx.ret() as i32);
    0
}

iu::uprobe!(uprobe_add);
iu::uretprobe!(uretprobe_add);
iu::uprobe!(uprobe_sub);
iu::uretprobe!(uretprobe_sub);

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Uprobe;

    #[test]
    fn prints_arguments_and_results() {
        Uprobe::new(&[2, 3]).run(|c| uprobe_add(c));
        Uprobe::new(&[]).ret(5).run(|c| uretprobe_add(c));
        Uprobe::new(&[4, (-2i64) as u64]).run(|c| uprobe_sub(c));
        Uprobe::new(&[])
            .ret((-1i64) as u64)
            .run(|c| uretprobe_sub(c));
        assert_eq!(
            iu::host::trace_lines(),
            [
                "uprobed_add ENTRY: a = 2, b = 3",
                "uprobed_add EXIT: return = 5",
                "uprobed_sub ENTRY: a = 4, b = -2",
                "uprobed_sub EXIT: return = -1"
            ]
        );
    }
}
