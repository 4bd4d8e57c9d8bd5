//! BPF helpers and kernel runtime symbols.
//!
//! The image references them by name as undefined symbols; the kernel resolves `bpf_*`
//! names through the program type's `get_func_proto()` (eBPF's allow-list for that
//! hook) and `iu_*` names from its runtime table. Only the safe wrappers are public:
//! each upholds the argument contract the eBPF verifier would have checked.

use core::ffi::c_void;

#[allow(missing_docs)]
pub(crate) mod sys {
    use core::ffi::c_void;
    // The kernel calls helpers as `u64 f(u64, u64, u64, u64, u64)` (BPF_CALL_x); passing
    // fewer integer/pointer arguments is the same System V call.
    unsafe extern "C" {
        pub fn bpf_map_lookup_elem(map: *mut c_void, key: *const c_void) -> *mut c_void;
        pub fn bpf_map_update_elem(
            map: *mut c_void,
            key: *const c_void,
            value: *const c_void,
            flags: u64,
        ) -> i64;
        pub fn bpf_map_delete_elem(map: *mut c_void, key: *const c_void) -> i64;
        pub fn bpf_trace_printk(fmt: *const u8, fmt_size: u32, a1: u64, a2: u64, a3: u64) -> i64;
        pub fn bpf_get_current_pid_tgid() -> u64;
        pub fn bpf_ktime_get_ns() -> u64;
        pub fn bpf_get_smp_processor_id() -> u32;
        pub fn bpf_probe_read_kernel(dst: *mut c_void, size: u32, src: *const c_void) -> i64;
        pub fn iu_panic(
            msg: *const u8,
            msg_len: u64,
            file: *const u8,
            file_len: u64,
            line: u32,
            col: u32,
        ) -> !;
        pub fn iu_skb_data(skb: *const c_void, data_end: *mut u64) -> u64;
        pub fn iu_skb_len(skb: *const c_void) -> u32;
    }
}

/// `bpf_get_current_pid_tgid()`: thread group id (the user-visible pid) in the upper 32
/// bits, thread id in the lower 32 bits.
#[inline]
pub fn current_pid_tgid() -> u64 {
    // SAFETY: no arguments; the helper only reads `current`.
    unsafe { sys::bpf_get_current_pid_tgid() }
}

/// `bpf_ktime_get_ns()`: monotonic time in nanoseconds.
#[inline]
pub fn ktime_get_ns() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::bpf_ktime_get_ns() }
}

/// `bpf_get_smp_processor_id()`: the current CPU.
#[inline]
pub fn smp_processor_id() -> u32 {
    // SAFETY: no arguments.
    unsafe { sys::bpf_get_smp_processor_id() }
}

/// Copies a `T` from kernel memory at `src` without faulting (`bpf_probe_read_kernel`);
/// `None` if the address cannot be read.
#[inline]
pub(crate) fn probe_read<T: crate::Pod>(src: usize) -> Option<T> {
    let mut out = core::mem::MaybeUninit::<T>::uninit();
    // SAFETY: the helper writes at most size_of::<T>() bytes into `out` and never faults on
    // `src` (it zeroes `out` and fails instead); T is Pod, so any bytes written are valid.
    let rc = unsafe {
        sys::bpf_probe_read_kernel(
            out.as_mut_ptr() as *mut c_void,
            core::mem::size_of::<T>() as u32,
            src as *const c_void,
        )
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: rc == 0 means the helper wrote all size_of::<T>() bytes.
    Some(unsafe { out.assume_init() })
}

/// A format string for [`trace_printk`]: NUL-terminated, at most 3 conversions, and only
/// integer conversions (`%d %i %u %x %X %c`, with `l`/`ll` length modifiers, and `%%`).
/// Pointer and string conversions (`%s`, `%p...`) would make the kernel read memory at an
/// address the program chose, so they are refused. Build it in a `const` (the
/// [`trace_printk!`](crate::trace_printk) macro does) and a bad format is a compile error.
#[derive(Clone, Copy)]
pub struct Fmt(&'static [u8]);

impl Fmt {
    /// Checks `s` (which must end in `\0`); panics (at compile time in a `const`) if not allowed.
    pub const fn new(s: &'static str) -> Fmt {
        let b = s.as_bytes();
        assert!(
            !b.is_empty() && b[b.len() - 1] == 0,
            "format must end with \\0"
        );
        let mut i = 0;
        let mut convs = 0;
        while i + 1 < b.len() {
            assert!(b[i] != 0, "format contains an inner NUL byte");
            if b[i] == b'%' {
                i += 1;
                if b[i] == b'%' {
                    i += 1;
                    continue;
                }
                let mut l = 0;
                while b[i] == b'l' && l < 2 {
                    i += 1;
                    l += 1;
                }
                let c = b[i];
                assert!(
                    c == b'd' || c == b'i' || c == b'u' || c == b'x' || c == b'X' || c == b'c',
                    "trace_printk: only %d %i %u %x %X %c (with l/ll) and %% are allowed"
                );
                convs += 1;
            }
            i += 1;
        }
        assert!(convs <= 3, "trace_printk: at most 3 conversions");
        Fmt(b)
    }
}

/// `bpf_trace_printk()`: writes a line to the trace pipe
/// (`/sys/kernel/tracing/trace_pipe`). Returns the helper's result (bytes written or a
/// negative errno). Prefer the [`trace_printk!`](crate::trace_printk) macro.
#[inline]
pub fn trace_printk(fmt: Fmt, a1: u64, a2: u64, a3: u64) -> i64 {
    // SAFETY: `fmt` is a valid NUL-terminated buffer of the size passed (checked by
    // Fmt::new); the allowed conversions read only the integer arguments.
    unsafe { sys::bpf_trace_printk(fmt.0.as_ptr(), fmt.0.len() as u32, a1, a2, a3) }
}

/// Prints to the trace pipe with up to 3 integer arguments:
/// `iu::trace_printk!("pid %d cpu %u\n", pid, cpu);`. The format is checked at compile
/// time (see [`Fmt`]); arguments are converted with `as u64`.
#[macro_export]
macro_rules! trace_printk {
    ($fmt:literal) => {
        $crate::trace_printk!(@go $fmt, 0u64, 0u64, 0u64)
    };
    ($fmt:literal, $a:expr) => {
        $crate::trace_printk!(@go $fmt, $a, 0u64, 0u64)
    };
    ($fmt:literal, $a:expr, $b:expr) => {
        $crate::trace_printk!(@go $fmt, $a, $b, 0u64)
    };
    ($fmt:literal, $a:expr, $b:expr, $c:expr) => {
        $crate::trace_printk!(@go $fmt, $a, $b, $c)
    };
    (@go $fmt:literal, $a:expr, $b:expr, $c:expr) => {{
        const FMT: $crate::helpers::Fmt = $crate::helpers::Fmt::new(concat!($fmt, "\0"));
        $crate::helpers::trace_printk(FMT, ($a) as u64, ($b) as u64, ($c) as u64)
    }};
}
