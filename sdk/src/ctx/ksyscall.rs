//! The ksyscall hook: [`KsyscallContext`] (a syscall's own arguments),
//! [`ksyscall!`](crate::ksyscall!) and [`kretsyscall!`](crate::kretsyscall!).
//!
//! A ksyscall program is a kprobe on the syscall's x86-64 wrapper `__x64_sys_NAME(const
//! struct pt_regs *regs)`, as libbpf's `SEC("ksyscall/NAME")` is. The wrapper's only
//! argument points to the user registers the syscall entry saved; the syscall's
//! arguments are there, in the syscall order (rdi, rsi, rdx, r10, r8, r9), read with
//! the non-faulting `bpf_probe_read_kernel` as libbpf's `BPF_KSYSCALL` does.

use super::{PtRegs, REG_AX, REG_DI, SYSCALL_ARG_REGS, reg};
use crate::helpers::probe_read_kernel;
use core::ffi::c_void;

super::context!(KsyscallContext, regs, KPROBE);

/// The context of a ksyscall / kretsyscall program.
pub struct KsyscallContext {
    regs: *const PtRegs,
}

impl KsyscallContext {
    /// # Safety
    /// `ctx` must be the `struct pt_regs *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        KsyscallContext {
            regs: ctx as *const PtRegs,
        }
    }

    /// Argument `n` (0..=5) of the syscall; `None` for n > 5 or when the saved
    /// registers cannot be read. Only meaningful at entry (ksyscall): by the time a
    /// kretsyscall runs, the wrapper's argument register holds something else.
    pub fn arg(&self, n: usize) -> Option<u64> {
        let i = SYSCALL_ARG_REGS.get(n)?;
        let user_regs = reg(self.regs, REG_DI);
        probe_read_kernel(user_regs.checked_add((*i * 8) as u64)?)
    }

    /// The syscall's return value (rax), meaningful in a kretsyscall.
    pub fn ret(&self) -> u64 {
        reg(self.regs, REG_AX)
    }
}

/// Declares a ksyscall program: `iu::ksyscall!(handler, "tgkill");` where
/// `fn handler(ctx: &KsyscallContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! ksyscall {
    ($name:ident, $syscall:literal) => {
        $crate::__iu_program!(
            $name,
            concat!("ksyscall:", $syscall),
            $crate::ctx::KsyscallContext,
            |c| { $name(&c) }
        );
    };
}

/// Declares a kretsyscall program, run when the syscall returns (`ctx.ret()`):
/// `iu::kretsyscall!(handler, "openat");`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! kretsyscall {
    ($name:ident, $syscall:literal) => {
        $crate::__iu_program!(
            $name,
            concat!("kretsyscall:", $syscall),
            $crate::ctx::KsyscallContext,
            |c| { $name(&c) }
        );
    };
}
