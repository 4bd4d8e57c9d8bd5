//! Declaration macros: the common part of the program macros and maps. Each hook's own
//! program macro (`xdp!`, `tc!`, `kprobe!`, ...) lives with its context in `ctx/`.
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
//!
//! Their internal parts (`__iu_program!`, `__iu_map!`, `iu::__iu_private`) are hidden
//! and named `__iu...`: the toolchain refuses such names in program sources, and each
//! also refuses on its own what a direct call could misuse (a context of another program
//! type, a type that is not an SDK map in `.iu.maps`).

/// `enum bpf_prog_type` values.
pub mod prog_type {
    /// BPF_PROG_TYPE_SOCKET_FILTER
    pub const SOCKET_FILTER: u32 = 1;
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
    /// BPF_PROG_TYPE_CGROUP_SKB
    pub const CGROUP_SKB: u32 = 8;
    /// BPF_PROG_TYPE_RAW_TRACEPOINT
    pub const RAW_TRACEPOINT: u32 = 17;
    /// BPF_PROG_TYPE_TRACING (fentry, fexit)
    pub const TRACING: u32 = 26;
    /// BPF_PROG_TYPE_LSM
    pub const LSM: u32 = 29;
}

/// `enum bpf_attach_type` values a program is loaded with (`expected_attach_type`).
pub mod attach_type {
    /// BPF_CGROUP_INET_INGRESS
    pub const CGROUP_INET_INGRESS: u32 = 0;
    /// BPF_CGROUP_INET_EGRESS
    pub const CGROUP_INET_EGRESS: u32 = 1;
    /// BPF_TRACE_FENTRY
    pub const TRACE_FENTRY: u32 = 24;
    /// BPF_TRACE_FEXIT
    pub const TRACE_FEXIT: u32 = 25;
    /// BPF_LSM_MAC
    pub const LSM_MAC: u32 = 27;
}

/// The records the macros place in the image, reachable from user crates only through
/// `__iu_private`.
pub(crate) mod record {
    use core::ffi::c_void;

    /// The entry point type: `unsigned int (*bpf_func)(const void *ctx, const void *insn)`.
    pub type Entry = extern "C" fn(*const c_void, *const c_void) -> u32;

    /// `struct iu_prog_def` of uapi/linux/bpf_iu.h (docs/IMAGE-FORMAT.md).
    #[repr(C, align(8))]
    pub struct ProgDef {
        entry: Entry,
        prog_type: u32,
        attach_type: u32,
        name: [u8; 64],
        attach: [u8; 128],
        reserved: [u8; 48],
    }

    // The layout of uapi/linux/bpf_iu.h, generated from the kernel's BTF.
    const _: () = {
        use crate::abi::prog_def as c;
        use core::mem::{offset_of, size_of};
        assert!(size_of::<ProgDef>() == c::SIZE);
        assert!(offset_of!(ProgDef, entry) == c::ENTRY);
        assert!(offset_of!(ProgDef, prog_type) == c::PROG_TYPE);
        assert!(offset_of!(ProgDef, attach_type) == c::ATTACH_TYPE);
        assert!(offset_of!(ProgDef, name) == c::NAME);
        assert!(offset_of!(ProgDef, attach) == c::ATTACH);
        assert!(offset_of!(ProgDef, reserved) == c::RESERVED);
    };

    impl ProgDef {
        /// The record of one program; `prog_type` and `attach_type` come from the context
        /// type (`ProgramContext::PROG_TYPE`, `ATTACH_TYPE`), never from the caller's choice.
        pub const fn __iu_new(
            entry: Entry,
            prog_type: u32,
            attach_type: u32,
            name: &str,
            attach: &str,
        ) -> Self {
            ProgDef {
                entry,
                prog_type,
                attach_type,
                name: crate::maps::fixed_name::<64>(name),
                attach: crate::maps::fixed_name::<128>(attach),
                reserved: [0; 48],
            }
        }
    }
}

/// The program macros' common part: `__iu_program!(name, attach, ContextType, |c| call)`.
///
/// The program type is the context type's (`ProgramContext`, sealed), so a program can
/// only be declared with the context its type really passes. The caller's `call` tokens
/// are compiled in a function of their own, outside the block that holds the entry point
/// and its record, so they cannot name (and call) the entry with a pointer of their
/// choosing; the handler they call gets the context by value and is called outside any
/// unsafe block (an unsafe fn as handler does not compile).
#[doc(hidden)]
#[macro_export]
#[allow_internal_unsafe]
macro_rules! __iu_program {
    ($name:ident, $attach:expr, $cty:ty, |$c:ident| $call:expr) => {
        const _: () = {
            #[inline(always)]
            fn __iu_handler(#[allow(unused_mut)] mut $c: $cty) -> u32 {
                $call
            }
            const _: () = {
                extern "C" fn __iu_entry(
                    ctx: *const ::core::ffi::c_void,
                    _prog: *const ::core::ffi::c_void,
                ) -> u32 {
                    // SAFETY: the kernel calls this entry (and only through the .iu.progs
                    // record below) with the context of the record's program type, which is
                    // the context type's own PROG_TYPE.
                    let c = unsafe { <$cty as $crate::ctx::ProgramContext>::__iu_from_raw(ctx) };
                    __iu_handler(c)
                }
                #[used]
                #[unsafe(link_section = ".iu.progs")]
                static __IU_PROG: $crate::__iu_private::ProgDef =
                    $crate::__iu_private::ProgDef::__iu_new(
                        __iu_entry,
                        <$cty as $crate::ctx::ProgramContext>::PROG_TYPE,
                        <$cty as $crate::ctx::ProgramContext>::ATTACH_TYPE,
                        stringify!($name),
                        $attach,
                    );
            };
        };
    };
}

/// Declares a map: `iu::map!(COUNTS: Hash<u32, u64>, max_entries = 1024);` (optionally
/// `, flags = N`). Creates `static COUNTS` of type `iu::maps::Hash<u32, u64>`; the map's BPF
/// name is the static's name (first 15 bytes). Kinds: `Hash`, `PerCpuHash`, `LruHash`,
/// `LruPerCpuHash`, `Array`, `PerCpuArray` (`<K, V>`), `Queue`, `Stack` (`<V>`),
/// `StackTrace` (`<DEPTH>`), `RingBuf` (max_entries = bytes), `PerfEventArray`, `DevMap`.
/// `BPF_F_RDONLY_PROG` / `BPF_F_WRONLY_PROG` in `flags` do not compile (see
/// [`maps`](crate::maps)).
#[macro_export]
macro_rules! map {
    ($vis:vis $name:ident : $kind:ident < $n:literal >, max_entries = $max:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind<$n>, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident < $k:ty, $v:ty >, max_entries = $max:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind<$k, $v>, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident < $v:ty >, max_entries = $max:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind<$v>, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident, max_entries = $max:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind, $max, 0);
    };
    ($vis:vis $name:ident : $kind:ident < $n:literal >, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind<$n>, $max, $flags);
    };
    ($vis:vis $name:ident : $kind:ident < $k:ty, $v:ty >, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind<$k, $v>, $max, $flags);
    };
    ($vis:vis $name:ident : $kind:ident < $v:ty >, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind<$v>, $max, $flags);
    };
    ($vis:vis $name:ident : $kind:ident, max_entries = $max:expr, flags = $flags:expr) => {
        $crate::__iu_map!($vis $name, $crate::maps::$kind, $max, $flags);
    };
}

/// The map macro's internal part: the static in `.iu.maps`. The kernel writes a
/// `struct bpf_map *` into the first 8 bytes of every record there, so the type must be
/// one of the SDK's map kinds (`MapKind`, sealed), whose record keeps that word private.
#[doc(hidden)]
#[macro_export]
#[allow_internal_unsafe]
macro_rules! __iu_map {
    ($vis:vis $name:ident, $t:ty, $max:expr, $flags:expr) => {
        #[used]
        #[unsafe(link_section = ".iu.maps")]
        $vis static $name: $t = {
            $crate::__iu_private::map_kind::<$t>();
            <$t>::__iu_new(stringify!($name), $max, $flags)
        };
    };
}
