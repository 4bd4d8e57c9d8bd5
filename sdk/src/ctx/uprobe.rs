//! The uprobe hook: [`UprobeContext`] (the probed process's user registers),
//! [`uprobe!`](crate::uprobe!) and [`uretprobe!`](crate::uretprobe!).
//!
//! A uprobe program is a BPF_PROG_TYPE_KPROBE program the uprobe PMU's perf event runs,
//! in the probed task's context, with its user `struct pt_regs`. Everything the registers
//! point to is user memory: read it with [`UprobeContext::read_user`] (the non-faulting
//! `bpf_probe_read_user`), never through a pointer.

use super::{PtRegs, REG_AX, REG_IP, REG_SP, call_arg, reg};
use crate::Pod;
use crate::helpers::{probe_read_user, probe_read_user_str};
use core::ffi::c_void;

super::context!(UprobeContext, regs, KPROBE);

/// The context of a uprobe / uretprobe program: the probed thread's user registers.
pub struct UprobeContext {
    regs: *const PtRegs,
}

impl UprobeContext {
    /// # Safety
    /// `ctx` must be the `struct pt_regs *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        UprobeContext {
            regs: ctx as *const PtRegs,
        }
    }

    /// Argument `n` (0..=5) of the probed user function, System V order (rdi, rsi, rdx,
    /// rcx, r8, r9), as libbpf's `BPF_KPROBE` reads them; `None` for n > 5.
    pub fn arg(&self, n: usize) -> Option<u64> {
        call_arg(self.regs, n)
    }

    /// Argument `n`, or 0 past the sixth (as a missing register reads in libbpf's
    /// `BPF_KPROBE`).
    pub fn arg_or_zero(&self, n: usize) -> u64 {
        self.arg(n).unwrap_or(0)
    }

    /// Return value (rax), meaningful in a uretprobe.
    pub fn ret(&self) -> u64 {
        reg(self.regs, REG_AX)
    }

    /// User instruction pointer.
    pub fn ip(&self) -> u64 {
        reg(self.regs, REG_IP)
    }

    /// User stack pointer.
    pub fn sp(&self) -> u64 {
        reg(self.regs, REG_SP)
    }

    /// Reads a `T` from the probed process's memory at `addr` without faulting
    /// (`bpf_probe_read_user`); `None` if it is not mapped.
    pub fn read_user<T: Pod>(&self, addr: u64) -> Option<T> {
        probe_read_user(addr)
    }

    /// Copies the NUL-terminated user string at `addr` into `buf`
    /// (`bpf_probe_read_user_str`); the string's length without the NUL.
    pub fn read_user_str(&self, buf: &mut [u8], addr: u64) -> Option<usize> {
        probe_read_user_str(buf, addr)
    }
}

/// Declares a uprobe program: `iu::uprobe!(handler, "/usr/bin/bash:readline");` where
/// `fn handler(ctx: &UprobeContext) -> u32`. The target is `PATH:FUNC[+OFF]` or
/// `PATH:0xFILE_OFFSET`, optionally `:pid=N`; `iu::uprobe!(handler)` leaves it to attach
/// time (`iu attach ID uprobe:PATH:FUNC`).
#[macro_export]
#[allow_internal_unsafe]
macro_rules! uprobe {
    ($name:ident) => {
        $crate::__iu_program!($name, "", $crate::ctx::UprobeContext, |c| { $name(&c) });
    };
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            concat!("uprobe:", $attach),
            $crate::ctx::UprobeContext,
            |c| { $name(&c) }
        );
    };
}

/// Declares a uretprobe program, run when the function returns (`ctx.ret()`):
/// `iu::uretprobe!(handler, "/usr/bin/bash:readline");`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! uretprobe {
    ($name:ident) => {
        $crate::__iu_program!($name, "", $crate::ctx::UprobeContext, |c| { $name(&c) });
    };
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            concat!("uretprobe:", $attach),
            $crate::ctx::UprobeContext,
            |c| { $name(&c) }
        );
    };
}
