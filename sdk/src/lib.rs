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
//! [`raw_tracepoint!`], [`perf_event!`]; maps: [`map!`] with [`Hash`], [`Array`],
//! [`PerCpuArray`]; printing: [`trace_printk!`]. Build with `iu build` (docs/TOOLCHAIN.md).
//!
//! The SDK is the audited part: its `unsafe` is confined to a few lines (each with a
//! `SAFETY:` comment) in `ctx.rs`, `maps.rs`, `helpers.rs` and `panic.rs`, and to the
//! expansions of the declaration macros in `decl.rs`, which are marked
//! `#[allow_internal_unsafe]` so that they work in user crates compiled with
//! `-F unsafe_code`.
#![no_std]
#![feature(allow_internal_unsafe)]
#![allow(internal_features)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod ctx;
pub mod decl;
pub mod helpers;
pub mod maps;
mod panic;
pub mod pod;

pub use ctx::{
    KprobeContext, PerfEventContext, RawTracepointContext, TcAction, TcContext, TracepointContext,
    XdpAction, XdpContext,
};
pub use helpers::{current_pid_tgid, ktime_get_ns, smp_processor_id};
pub use maps::{Array, Hash, PerCpuArray};
pub use pod::Pod;

/// Everything a program usually needs: `use iu::prelude::*;`.
pub mod prelude {
    pub use crate::ctx::{
        KprobeContext, PerfEventContext, RawTracepointContext, TcAction, TcContext,
        TracepointContext, XdpAction, XdpContext,
    };
    pub use crate::helpers::{current_pid_tgid, ktime_get_ns, smp_processor_id};
    pub use crate::maps::{Array, Hash, PerCpuArray};
    pub use crate::pod::Pod;
}
