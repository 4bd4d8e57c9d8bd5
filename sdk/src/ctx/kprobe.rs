//! The kprobe hook: [`KprobeContext`] (the probed CPU's registers), [`kprobe!`](crate::kprobe!)
//! and [`kretprobe!`](crate::kretprobe!).

use super::{PtRegs, REG_AX, REG_IP, REG_SP, call_arg, reg};
use crate::Pod;
use crate::helpers::{probe_read, sys};
use core::ffi::c_void;

super::context!(KprobeContext, regs, KPROBE);

/// The context of a kprobe / kretprobe program: the probed CPU's registers.
pub struct KprobeContext {
    regs: *const PtRegs,
}

impl KprobeContext {
    /// # Safety
    /// `ctx` must be the `struct pt_regs *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        KprobeContext {
            regs: ctx as *const PtRegs,
        }
    }

    /// Argument `n` (0..=5) of the probed function, System V order (rdi, rsi, rdx, rcx,
    /// r8, r9); `None` for n > 5 (stack arguments are not available).
    pub fn arg(&self, n: usize) -> Option<u64> {
        call_arg(self.regs, n)
    }

    /// Return value (rax), meaningful in a kretprobe.
    pub fn ret(&self) -> u64 {
        reg(self.regs, REG_AX)
    }

    /// Instruction pointer.
    pub fn ip(&self) -> u64 {
        reg(self.regs, REG_IP)
    }

    /// Stack pointer.
    pub fn sp(&self) -> u64 {
        reg(self.regs, REG_SP)
    }

    /// Reads a `T` from kernel memory at `addr` without faulting (`bpf_probe_read_kernel`).
    pub fn read_kernel<T: Pod>(&self, addr: u64) -> Option<T> {
        probe_read(addr as usize)
    }

    /// `bpf_override_return(regs, rc)`: makes the probed function return `rc` without
    /// running (error injection). The kernel only honours it at the entry of functions
    /// marked `ALLOW_ERROR_INJECTION` (kernel with `CONFIG_BPF_KPROBE_OVERRIDE`).
    pub fn override_return(&self, rc: u64) -> Result<(), i64> {
        // SAFETY: regs is the live pt_regs of this probe hit; the helper writes ax and ip.
        let r = unsafe { sys::bpf_override_return(self.regs as *const c_void, rc) };
        if r == 0 { Ok(()) } else { Err(r) }
    }
}

/// Declares a kprobe program: `iu::kprobe!(handler, "do_sys_openat2");` where
/// `fn handler(ctx: &KprobeContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! kprobe {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::KprobeContext, |c| {
            $name(&c)
        });
    };
}

/// Declares a kretprobe program (attach string `ret:FUNC`):
/// `iu::kretprobe!(handler, "do_sys_openat2");`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! kretprobe {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            concat!("ret:", $attach),
            $crate::ctx::KprobeContext,
            |c| { $name(&c) }
        );
    };
}
