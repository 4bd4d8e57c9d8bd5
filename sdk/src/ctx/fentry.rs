//! fentry / fexit: [`FentryContext`] and [`FexitContext`] (the traced function's arguments,
//! and its return value after it returned), [`fentry!`](crate::fentry!) and
//! [`fexit!`](crate::fexit!).
//!
//! The BPF trampoline calls the program with a pointer to the function's arguments, one
//! u64 slot each (two for a 16-byte struct), and stores the number of slots in the u64 just
//! below them (x86 `arch_prepare_bpf_trampoline`: "regs count ... always"); an fexit
//! trampoline stores the return value in the slot after the last argument. That is what
//! `bpf_get_func_arg`, `bpf_get_func_arg_cnt` and `bpf_get_func_ret` read, and what the
//! accessors here read, with the same bound check. The kernel only loads a program of this
//! context for fentry/fexit on a vmlinux function (BPF_PROG_TYPE_TRACING, attach type from
//! the context), whose trampoline is the only caller.

use crate::Pod;
use crate::decl::attach_type::{TRACE_FENTRY, TRACE_FEXIT};
use crate::helpers::probe_read;
use core::ffi::c_void;

super::context!(FentryContext, args, TRACING, TRACE_FENTRY);
super::context!(FexitContext, args, TRACING, TRACE_FEXIT);

/// Reads slot `i` of the trampoline's argument area.
///
/// # Safety
/// `args` is the context pointer of a fentry/fexit invocation and `-1 <= i <= count`
/// (`count` only for fexit).
pub(super) unsafe fn slot(args: *const u64, i: isize) -> u64 {
    // SAFETY: forwarded; the trampoline's frame holds these slots for the whole run.
    unsafe { core::ptr::read(args.offset(i)) }
}

/// The context of an fentry program: the traced function's arguments.
pub struct FentryContext {
    args: *const u64,
}

/// The context of an fexit program: the traced function's arguments and return value.
pub struct FexitContext {
    args: *const u64,
}

macro_rules! args_impl {
    ($t:ident) => {
        impl $t {
            /// # Safety
            /// `ctx` must be the argument pointer a BPF trampoline passed to the entry point.
            pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
                $t {
                    args: ctx as *const u64,
                }
            }

            /// The number of u64 argument slots (`bpf_get_func_arg_cnt`): the argument
            /// count, where a 9..16-byte struct passed by value takes two.
            pub fn arg_count(&self) -> usize {
                // SAFETY: the trampoline stores the count at args[-1].
                unsafe { slot(self.args, -1) as usize }
            }

            /// Argument slot `n` of the traced function (`bpf_get_func_arg`); `None` when
            /// the function has fewer.
            pub fn arg(&self, n: usize) -> Option<u64> {
                if n < self.arg_count() {
                    // SAFETY: n is below the slot count the trampoline stored.
                    Some(unsafe { slot(self.args, n as isize) })
                } else {
                    None
                }
            }

            /// Argument `n`, or 0 when the function has fewer (as a missing register
            /// reads in libbpf's `BPF_PROG`).
            pub fn arg_or_zero(&self, n: usize) -> u64 {
                self.arg(n).unwrap_or(0)
            }

            /// Reads a `T` from kernel memory at `addr` (a pointer argument) without
            /// faulting (`bpf_probe_read_kernel`).
            pub fn read_kernel<T: Pod>(&self, addr: u64) -> Option<T> {
                probe_read(addr as usize)
            }
        }
    };
}

pub(super) use args_impl;

args_impl!(FentryContext);
args_impl!(FexitContext);

/// The traced function's arguments, as both fentry and fexit contexts give them (what
/// `iu gen fentry FUNC` generates its argument structs against).
pub trait FuncArgs: crate::sealed::Context {
    /// Argument slot `n`, `None` past the last.
    fn arg(&self, n: usize) -> Option<u64>;
}

impl FuncArgs for FentryContext {
    fn arg(&self, n: usize) -> Option<u64> {
        FentryContext::arg(self, n)
    }
}

impl FuncArgs for FexitContext {
    fn arg(&self, n: usize) -> Option<u64> {
        FexitContext::arg(self, n)
    }
}

impl FexitContext {
    /// The traced function's return value (`bpf_get_func_ret`): rax, as a u64.
    pub fn ret(&self) -> u64 {
        let n = self.arg_count();
        // SAFETY: an fexit trampoline stores the return value at args[count].
        unsafe { slot(self.args, n as isize) }
    }
}

/// Declares an fentry program: `iu::fentry!(handler, "do_unlinkat");` where
/// `fn handler(ctx: &FentryContext) -> u32`. The kernel loads it for that vmlinux
/// function; the return value is ignored, as for eBPF fentry.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! fentry {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::FentryContext, |c| {
            $name(&c)
        });
    };
}

/// Declares an fexit program: `iu::fexit!(handler, "do_unlinkat");` where
/// `fn handler(ctx: &FexitContext) -> u32`; `ctx.ret()` is the function's return value.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! fexit {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::FexitContext, |c| { $name(&c) });
    };
}
