//! The Inner Unikernels SDK: everything a program needs to declare itself, its maps and
//! its hook, written so that the program itself never needs `unsafe`.
//!
//! ```ignore
//! #![no_std]
//! use iu::prelude::*;
//!
//! iu::map!(CALLS: Hash<u32, u64>, max_entries = 1024);
//!
//! fn hello(_ctx: &TracepointContext) -> u32 {
//!     let pid = (current_pid_tgid() >> 32) as u32;
//!     let n = CALLS.get(&pid).unwrap_or(0) + 1;
//!     let _ = CALLS.update(&pid, &n, iu::maps::BPF_ANY);
//!     iu::trace_printk!("hello from pid %u, call %u\n", pid, n);
//!     0
//! }
//!
//! iu::tracepoint!(hello, "syscalls/sys_enter_getpid");
//! ```
//!
//! Program macros: [`xdp!`], [`tc!`], [`kprobe!`], [`kretprobe!`], [`tracepoint!`],
//! [`raw_tracepoint!`], [`perf_event!`]; maps: [`map!`] with [`Hash`](struct@Hash), [`PerCpuHash`],
//! [`LruHash`], [`Array`], [`PerCpuArray`], [`Queue`], [`Stack`], [`RingBuf`],
//! [`PerfEventArray`], [`StackTrace`], [`DevMap`]; map values and records: [`pod_struct!`];
//! helpers: [`helpers`]; packet headers: [`net`]; printing: [`trace_printk!`].
//! Build with `iu build` (docs/TOOLCHAIN.md); the full guide is docs/SDK.md.
//!
//! The SDK is the audited part: its `unsafe` is confined to a few lines (each with a
//! `SAFETY:` comment) in `ctx/`, `maps.rs`, `helpers.rs` and `panic.rs`, and to the
//! expansions of the declaration macros in `decl.rs`, which are marked
//! `#[allow_internal_unsafe]` so that they work in user crates compiled with
//! `-F unsafe_code`.
#![no_std]
#![feature(allow_internal_unsafe)]
#![allow(internal_features)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

#[cfg(not(target_os = "none"))]
extern crate std;

mod abi;
pub mod ctx;
pub mod decl;
pub mod helpers;
#[cfg(not(target_os = "none"))]
pub mod host;
pub mod maps;
pub mod net;
mod panic;
pub mod pod;

pub use ctx::{
    CgroupSkbAction, CgroupSkbContext, Context, Errno, FentryContext, FexitContext, FuncArgs,
    KprobeContext, KsyscallContext, LockContext, LsmAction, LsmContext, PerfEventContext,
    ProgramContext, RawTracepointContext, SocketFilterContext, TcAction, TcContext,
    TracepointContext, UprobeContext, UsdtContext, XdpAction, XdpContext,
};
pub use helpers::*;
pub use maps::{
    Array, AtomicValue, DevMap, Hash, LruHash, LruPerCpuHash, MapKind, MapValue, PerCpuArray,
    PerCpuHash, PerfEventArray, Queue, RingBuf, RingBufEntry, SpinGuard, SpinLocked, Stack,
    StackTrace,
};
pub use pod::Pod;

/// The seals: traits only the SDK may implement have one of these as a supertrait, and a
/// user crate cannot name this module, so it cannot implement them.
mod sealed {
    pub trait Context {}
    pub trait Lock {}
    pub trait MapKind {}
    pub trait MapValue {}
    pub trait AtomicValue {}
}

/// What the SDK's macros expand to in user crates and nothing else: user code may not
/// name it (the toolchain refuses every identifier starting with `__iu` in program
/// sources), and nothing here is an API.
#[doc(hidden)]
pub mod __iu_private {
    pub use crate::decl::record::ProgDef;

    /// The seal of [`Pod`](crate::Pod), implemented next to every `Pod` impl (in
    /// `pod_struct!` expansions too, which is why it is reachable here).
    pub trait PodSealed {}

    /// The size of a `Pod` type: `pod_struct!` sums these, so a field type that is not
    /// `Pod` does not compile.
    pub const fn pod_size<T: crate::Pod>() -> usize {
        core::mem::size_of::<T>()
    }

    /// Compile-time check in every `map!` expansion that the static's type is a
    /// [`MapKind`](crate::MapKind) of the record's layout.
    pub const fn map_kind<T: crate::MapKind>() {
        assert!(crate::maps::is_record_layout::<T>());
    }
}

/// Everything a program usually needs: `use iu::prelude::*;`.
pub mod prelude {
    pub use crate::ctx::{
        CgroupSkbAction, CgroupSkbContext, Context, Errno, FentryContext, FexitContext, FuncArgs,
        KprobeContext, KsyscallContext, LockContext, LsmAction, LsmContext, PerfEventContext,
        RawTracepointContext, SocketFilterContext, TcAction, TcContext, TracepointContext,
        UprobeContext, UsdtContext, XdpAction, XdpContext,
    };
    pub use crate::helpers::{
        KernelStr, UserStr, csum_diff, current_comm, current_pid, current_pid_tgid, current_task,
        current_tid, current_uid_gid, ktime_get_boot_ns, ktime_get_coarse_ns, ktime_get_ns,
        prandom_u32, probe_read_kernel, probe_read_kernel_str, probe_read_user,
        probe_read_user_str, send_signal, smp_processor_id,
    };
    pub use crate::maps::{
        Array, BPF_ANY, BPF_EXIST, BPF_F_CURRENT_CPU, BPF_F_USER_STACK, BPF_NOEXIST, DevMap, Hash,
        LruHash, LruPerCpuHash, PerCpuArray, PerCpuHash, PerfEventArray, Queue, RingBuf,
        SpinLocked, Stack, StackTrace,
    };
    pub use crate::net::{Eth, EthMut, Ipv4, Ipv4Mut, Ipv6, Ipv6Mut, Tcp, TcpMut, Udp, UdpMut};
    pub use crate::pod::{Pod, zeroed};
}
