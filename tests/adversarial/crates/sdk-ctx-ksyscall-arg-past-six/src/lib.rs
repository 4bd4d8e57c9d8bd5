//! Syscall and user-function arguments past the sixth, and huge indexes: no register
//! slot outside pt_regs is read; each is None.
#![no_std]

use iu::prelude::*;

fn k(ctx: &KsyscallContext) -> u32 {
    (ctx.arg(6).is_none() && ctx.arg(usize::MAX).is_none()) as u32
}

fn u(ctx: &UprobeContext) -> u32 {
    (ctx.arg(6).is_none() && ctx.arg(usize::MAX).is_none()) as u32
}

iu::ksyscall!(k, "kill");
iu::uprobe!(u, "/usr/bin/true:main");

