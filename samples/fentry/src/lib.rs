//! fentry: libbpf-bootstrap's `fentry` example. An fentry and an fexit program on
//! `do_unlinkat(int dfd, struct filename *name)` print the caller's pid and the file name,
//! and after the call its result, to the trace pipe. The typed arguments and the
//! `struct filename` accessors come from the kernel's BTF (`kernel.rs`, written by
//! `iu gen fentry do_unlinkat filename`).
#![no_std]

use iu::prelude::*;

mod kernel;
use kernel::DoUnlinkatArgs;

fn do_unlinkat(ctx: &FentryContext) -> u32 {
    let Some(args) = DoUnlinkatArgs::of(ctx) else {
        return 0;
    };
    let pid = current_pid_tgid() >> 32;
    let name = KernelStr(args.name.name().unwrap_or(0));
    iu::trace_printk!("fentry: pid = %d, filename = %s\n", pid, name);
    0
}

fn do_unlinkat_exit(ctx: &FexitContext) -> u32 {
    let Some(args) = DoUnlinkatArgs::of(ctx) else {
        return 0;
    };
    let pid = current_pid_tgid() >> 32;
    let name = KernelStr(args.name.name().unwrap_or(0));
    let ret = DoUnlinkatArgs::ret(ctx);
    iu::trace_printk!("fexit: pid = %d, filename = %s, ret = %d\n", pid, name, ret);
    0
}

iu::fentry!(do_unlinkat, "do_unlinkat");
iu::fexit!(do_unlinkat_exit, "do_unlinkat");

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Trampoline;

    /// A `struct filename` whose `name` points to a string, both in kernel test memory.
    fn filename(base: u64, s: &[u8]) -> u64 {
        let mut f = [0u8; 32];
        f[..8].copy_from_slice(&(base + 64).to_le_bytes());
        iu::host::kernel_memory(base, &f);
        iu::host::kernel_memory(base + 64, s);
        base
    }

    #[test]
    fn prints_pid_name_and_result() {
        iu::host::set_pid_tgid(77, 78);
        let f = filename(0xffff_8880_0000_1000, b"/tmp/x\0");
        Trampoline::new(&[0xffff_ff9c, f]).run_fentry(|c| do_unlinkat(c));
        Trampoline::new(&[0xffff_ff9c, f])
            .ret((-2i64) as u64)
            .run_fexit(|c| do_unlinkat_exit(c));
        assert_eq!(
            iu::host::trace_lines(),
            [
                "fentry: pid = 77, filename = /tmp/x",
                "fexit: pid = 77, filename = /tmp/x, ret = -2"
            ]
        );
    }
}
