//! Declaration macros: programs (one per hook) and maps.
//!
//! A program macro emits, inside an anonymous `const _: () = { ... };` block (so the user
//! cannot name or call them):
//! - the entry point `extern "C" fn(ctx, _) -> u32` the kernel calls as `bpf_func`, which
//!   builds the typed context and calls the user's handler;
//! - a `struct iu_prog_def` record in the `.iu.progs` section (docs/IMAGE-FORMAT.md).
//!
//! The macros are `#[allow_internal_unsafe]`: the `#[unsafe(link_section)]` attribute and
//! the `unsafe` context constructor in their expansion are the SDK's audited unsafe and
//! do not trip `-F unsafe_code` in the user crate. User-written `unsafe` still does.

use core::ffi::c_void;

/// `enum bpf_prog_type` values.
pub mod prog_type {
    /// BPF_PROG_TYPE_KPROBE
    pub const KPROBE: u32 = 2;
    /// BPF_PROG_TYPE_SCHED_CLS (tc)
    pub const SCHED_CLS: u32 = 3;
    /// BPF_PROG_TYPE_TRACEPOINT
    pub const TRACEPOINT: u32 = 5;
    /// BPF_PROG_TYPE_XDP
    pub const XDP: u32 = 6;
    /// BPF_PROG_TYPE_PERF_EVENT
    pub const PERF_EVENT: u32 = 7;
    /// BPF_PROG_TYPE_RAW_TRACEPOINT
    pub const RAW_TRACEPOINT: u32 = 17;
}

/// The entry point type: `unsigned int (*bpf_func)(const void *ctx, const void *insn)`.
#[doc(hidden)]
pub type Entry = extern "C" fn(*const c_void, *const c_void) -> u32;

/// `struct iu_prog_def`, 256 bytes, exactly as in docs/IMAGE-FORMAT.md.
#[repr(C, align(8))]
#[doc(hidden)]
pub struct ProgDef {
    entry: Entry,
    prog_type: u32,
    attach_type: u32,
    name: [u8; 64],
    attach: [u8; 128],
    reserved: [u8; 48],
}

const _: () = assert!(core::mem::size_of::<ProgDef>() == 256);

impl ProgDef {
    #[doc(hidden)]
    pub const fn new(entry: Entry, prog_type: u32, name: &str, attach: &str) -> Self {
        ProgDef {
            entry,
            prog_type,
            attach_type: 0,
            name: crate::maps::fixed_name::<64>(name),
            attach: crate::maps::fixed_name::<128>(attach),
            reserved: [0; 48],
        }
    }
}

#[doc(hidden)]
#[macro_export]
#[allow_internal_unsafe]
macro_rules! __iu_program {
    ($name:ident, $ptype:expr, $attach:expr, $cty:ty, |$c:ident| $call:expr) => {
        const _: () = {
            extern "C" fn __iu_entry(
                ctx: *const ::core::ffi::c_void,
                _prog: *const ::core::ffi::c_void,
            ) -> u32 {
                // SAFETY: the kernel calls this entry (and only through the .iu.progs
                // record) with the context of the declared program type. Only the
                // constructor runs in the unsafe block: the user's handler is called
                // outside it, so naming an unsafe fn as the handler does not compile.
                #[allow(unused_mut)]
                let mut $c = unsafe { <$cty>::from_raw(ctx) };
                $call
            }
            #[used]
            #[unsafe(link_section = ".iu.progs")]
            static __IU_PROG: $crate::decl::ProgDef =
                $crate::decl::ProgDef::new(__iu_entry, $ptype, stringify!($name), $attach);
        };
    };
}

/// Declares a tracepoint program: `iu::tracepoint!(handler, "category/name");` where
/// `fn handler(ctx: &TracepointContext) -> u32`. The program's name is the handler's.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! tracepoint {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            $crate::decl::prog_type::TRACEPOINT,
            $attach,
            $crate::ctx::TracepointContext,
            |c| { $name(&c) }
        );
    };
}

/// Declares a raw tracepoint program: `iu::raw_tracepoint!(handler, "sys_enter");` where
/// `fn handler(ctx: &RawTracepointContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! raw_tracepoint {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            $crate::decl::prog_type::RAW_TRACEPOINT,
            $attach,
            $crate::ctx::RawTracepointContext,
            |c| { $name(&c) }
        );
    };
}

/// Declares a kprobe program: `iu::kprobe!(handler, "do_sys_openat2");` where
/// `fn handler(ctx: &KprobeContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! kprobe {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            $crate::decl::prog_type::KPROBE,
            $attach,
            $crate::ctx::KprobeContext,
            |c| { $name(&c) }
        );
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
            $crate::decl::prog_type::KPROBE,
            concat!("ret:", $attach),
            $crate::ctx::KprobeContext,
            |c| { $name(&c) }
        );
    };
}

/// Declares a perf_event program: `iu::perf_event!(handler, "cpu-clock");` where
/// `fn handler(ctx: &PerfEventContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! perf_event {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            $crate::decl::prog_type::PERF_EVENT,
            $attach,
            $crate::ctx::PerfEventContext,
            |c| { $name(&c) }
        );
    };
}

/// Declares an XDP program: `iu::xdp!(handler);` or `iu::xdp!(handler, "eth0");` where
/// `fn handler(ctx: &mut XdpContext) -> XdpAction`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! xdp {
    ($name:ident) => {
        $crate::xdp!($name, "");
    };
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            $crate::decl::prog_type::XDP,
            $attach,
            $crate::ctx::XdpContext,
            |c| { $name(&mut c) as u32 }
        );
    };
}

/// Declares a tc (sched_cls, direct-action) program: `iu::tc!(handler);` where
/// `fn handler(ctx: &mut TcContext) -> TcAction`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! tc {
    ($name:ident) => {
        $crate::tc!($name, "");
    };
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!(
            $name,
            $crate::decl::prog_type::SCHED_CLS,
            $attach,
            $crate::ctx::TcContext,
            |c| { $name(&mut c) as i32 as u32 }
        );
    };
}

/// Declares a map: `iu::map!(COUNTS: Hash<u32, u64>, max_entries = 1024);` (optionally
/// `, flags = N`). Creates `static COUNTS` of type `iu::maps::Hash<u32, u64>`; the map's BPF
/// name is the static's name (first 15 bytes). Kinds: `Hash`, `PerCpuHash`, `LruHash`,
/// `LruPerCpuHash`, `Array`, `PerCpuArray` (`<K, V>`), `Queue`, `Stack` (`<V>`),
/// `StackTrace` (`<DEPTH>`), `RingBuf` (max_entries = bytes), `PerfEventArray`, `DevMap`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! map {
    ($vis:vis $name:ident : $kind:ident < $n:literal >, max_entries = $max:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind<$n>, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident < $k:ty, $v:ty >, max_entries = $max:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind<$k, $v>, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident < $v:ty >, max_entries = $max:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind<$v>, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident, max_entries = $max:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident < $n:literal >, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind<$n>, $max, $flags);
    };
    ($vis:vis $name:ident : $kind:ident < $k:ty, $v:ty >, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind<$k, $v>, $max, $flags);
    };
    ($vis:vis $name:ident : $kind:ident < $v:ty >, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind<$v>, $max, $flags);
    };
    ($vis:vis $name:ident : $kind:ident, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::map!(@def $vis $name, $crate::maps::$kind, $max, $flags);
    };
    (@def $vis:vis $name:ident, $t:ty, $max:expr, $flags:expr) => {
        #[used]
        #[unsafe(link_section = ".iu.maps")]
        $vis static $name: $t = <$t>::new(stringify!($name), $max, $flags);
    };
}
