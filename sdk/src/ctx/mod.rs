//! Typed program contexts, one file per hook (with its program macro). Each wraps the
//! raw pointer the kernel passes to the entry point; only the SDK's generated entry can
//! create one (`from_raw` is `unsafe` and private to the SDK), the program type an entry
//! is declared with is the one of its context ([`ProgramContext::PROG_TYPE`]), and every
//! accessor is bounds-checked or goes through a non-faulting helper.

use core::ffi::c_void;

/// A program context that helpers taking `ctx` (perf event output, stack ids) accept.
///
/// # Safety
/// Implemented only by the SDK's contexts (the trait is sealed): `as_ptr` must return the
/// pointer the kernel passed to the entry point.
pub unsafe trait Context: crate::sealed::Context {
    /// The raw context pointer (useless to safe code, needed by helpers).
    fn as_ptr(&self) -> *const c_void;
}

/// A context the program macros can build: the program type is the context's, so a
/// program is always loaded as the type whose context it reads (sealed: only the SDK's
/// contexts implement it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not one of the SDK's program contexts",
    label = "programs take the context of their hook: XdpContext, TcContext, KprobeContext, UprobeContext, UsdtContext, FentryContext, LsmContext, CgroupSkbContext, SocketFilterContext, ..."
)]
pub trait ProgramContext: Context + Sized {
    /// The `enum bpf_prog_type` the kernel loads a program with this context as.
    const PROG_TYPE: u32;
    /// The `expected_attach_type` it is loaded with (0 but for fentry/fexit, LSM, cgroup).
    const ATTACH_TYPE: u32 = 0;

    /// # Safety
    /// `ctx` must be the context pointer the kernel passed to the entry point of a
    /// program of type [`PROG_TYPE`](Self::PROG_TYPE), valid for the whole run.
    #[doc(hidden)]
    unsafe fn __iu_from_raw(ctx: *const c_void) -> Self;
}

/// The contexts of the program types that may take a `bpf_spin_lock`: XDP and tc. The
/// verifier refuses spin locks in tracing programs (kprobe, tracepoint, raw tracepoint,
/// perf_event: "tracing progs cannot use bpf_spin_lock yet"), which may run nested in
/// any context on the CPU, including under another program holding the same lock; the
/// lock methods take a context of this kind, so such a use does not compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may not take a bpf_spin_lock: tracing programs (kprobe, tracepoint, raw tracepoint, perf_event) cannot use spin locks",
    label = "only XDP and tc programs may lock (pass their context)"
)]
pub trait LockContext: crate::sealed::Lock {}

/// The trait impls every context has: `context!(Type, pointer_field, PROG_TYPE_NAME)`.
macro_rules! context {
    ($t:ty, $f:ident, $pt:ident) => {
        crate::ctx::context!($t, $f, $pt, 0);
    };
    ($t:ty, $f:ident, $pt:ident, $at:expr) => {
        impl crate::sealed::Context for $t {}

        // SAFETY: the field holds the pointer the kernel passed to the entry point.
        unsafe impl crate::ctx::Context for $t {
            fn as_ptr(&self) -> *const ::core::ffi::c_void {
                self.$f as *const ::core::ffi::c_void
            }
        }

        impl crate::ctx::ProgramContext for $t {
            const PROG_TYPE: u32 = crate::decl::prog_type::$pt;
            const ATTACH_TYPE: u32 = $at;

            unsafe fn __iu_from_raw(ctx: *const ::core::ffi::c_void) -> Self {
                // SAFETY: forwarded contract (the kernel's context of PROG_TYPE).
                unsafe { <$t>::from_raw(ctx) }
            }
        }
    };
}
use context;

/// x86-64 `struct pt_regs` (arch/x86/include/asm/ptrace.h), 21 × u64.
#[repr(C)]
#[derive(Clone, Copy)]
struct PtRegs([u64; 21]);

const REG_R9: usize = 8;
const REG_R8: usize = 9;
const REG_R10: usize = 7;
const REG_AX: usize = 10;
const REG_CX: usize = 11;
const REG_DX: usize = 12;
const REG_SI: usize = 13;
const REG_DI: usize = 14;
const REG_IP: usize = 16;
const REG_SP: usize = 19;

/// The `pt_regs` slots of a function's arguments 0..=5 (System V: rdi, rsi, rdx, rcx,
/// r8, r9), as libbpf's `PT_REGS_PARMn` read them.
pub(crate) const CALL_ARG_REGS: [usize; 6] = [REG_DI, REG_SI, REG_DX, REG_CX, REG_R8, REG_R9];
/// The `pt_regs` slots of a syscall's arguments 0..=5 (rdi, rsi, rdx, r10, r8, r9).
pub(crate) const SYSCALL_ARG_REGS: [usize; 6] = [REG_DI, REG_SI, REG_DX, REG_R10, REG_R8, REG_R9];

/// Function argument `n` in `regs`, `None` past the sixth (kprobe and uprobe contexts).
fn call_arg(regs: *const PtRegs, n: usize) -> Option<u64> {
    Some(reg(regs, *CALL_ARG_REGS.get(n)?))
}

/// Register access shared by kprobe and perf_event contexts.
fn reg(regs: *const PtRegs, i: usize) -> u64 {
    // SAFETY: `regs` is a live struct pt_regs (21 u64) and i < 21 (callers use the
    // constants above).
    unsafe { core::ptr::read(&(*regs).0[i]) }
}

mod cgroup_skb;
mod fentry;
mod kprobe;
mod ksyscall;
mod lsm;
mod perf_event;
mod raw_tracepoint;
mod skb;
mod socket_filter;
mod tc;
mod tracepoint;
mod uprobe;
mod usdt;
mod xdp;

pub use cgroup_skb::{CgroupSkbAction, CgroupSkbContext, CgroupSkbEgress, CgroupSkbIngress};
pub use fentry::{FentryContext, FexitContext, FuncArgs};
pub use kprobe::KprobeContext;
pub use ksyscall::KsyscallContext;
pub use lsm::{Errno, LsmAction, LsmContext};
pub use perf_event::PerfEventContext;
pub use raw_tracepoint::RawTracepointContext;
pub use socket_filter::SocketFilterContext;
pub use tc::{TcAction, TcContext};
pub use tracepoint::TracepointContext;
pub use uprobe::UprobeContext;
#[doc(hidden)]
pub use usdt::usdt_map_name as __iu_usdt_map_name;
pub use usdt::{USDT_MAX_ARGS, USDT_MAX_SITES, UsdtContext, UsdtSpec};
pub use xdp::{XdpAction, XdpContext};
