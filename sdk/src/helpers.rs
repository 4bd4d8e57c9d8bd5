//! BPF helpers and kernel runtime symbols.
//!
//! The image references them by name as undefined symbols; the kernel resolves `bpf_*`
//! names through the program type's `get_func_proto()` (eBPF's allow-list for that
//! hook) and `iu_*` names from its runtime table. Only the safe wrappers are public:
//! each upholds the argument contract the eBPF verifier would have checked.

use core::ffi::c_void;

// Every symbol declared here needs a twin with the same signature in sdk/src/host/sys.rs
// (the user-space backend of `iu test`), or host builds and clippy fail.
#[cfg(target_os = "none")]
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
        pub fn bpf_trace_vprintk(
            fmt: *const u8,
            fmt_size: u32,
            data: *const c_void,
            data_len: u32,
        ) -> i64;
        pub fn bpf_get_current_pid_tgid() -> u64;
        pub fn bpf_get_attach_cookie(ctx: *const c_void) -> u64;
        pub fn bpf_ktime_get_ns() -> u64;
        pub fn bpf_get_smp_processor_id() -> u32;
        pub fn bpf_probe_read_kernel(dst: *mut c_void, size: u32, src: *const c_void) -> i64;
        pub fn bpf_ktime_get_boot_ns() -> u64;
        pub fn bpf_ktime_get_coarse_ns() -> u64;
        pub fn bpf_get_current_uid_gid() -> u64;
        pub fn bpf_get_current_comm(buf: *mut c_void, size: u32) -> i64;
        pub fn bpf_get_prandom_u32() -> u32;
        pub fn bpf_get_current_task() -> u64;
        pub fn bpf_probe_read_user(dst: *mut c_void, size: u32, src: *const c_void) -> i64;
        pub fn bpf_probe_read_kernel_str(dst: *mut c_void, size: u32, src: *const c_void) -> i64;
        pub fn bpf_probe_read_user_str(dst: *mut c_void, size: u32, src: *const c_void) -> i64;
        pub fn bpf_send_signal(sig: u32) -> i64;
        pub fn bpf_map_push_elem(map: *mut c_void, value: *const c_void, flags: u64) -> i64;
        pub fn bpf_map_pop_elem(map: *mut c_void, value: *mut c_void) -> i64;
        pub fn bpf_map_peek_elem(map: *mut c_void, value: *mut c_void) -> i64;
        pub fn bpf_ringbuf_output(
            map: *mut c_void,
            data: *const c_void,
            size: u64,
            flags: u64,
        ) -> i64;
        pub fn bpf_ringbuf_reserve(map: *mut c_void, size: u64, flags: u64) -> *mut c_void;
        pub fn bpf_ringbuf_submit(data: *mut c_void, flags: u64);
        pub fn bpf_ringbuf_discard(data: *mut c_void, flags: u64);
        pub fn bpf_perf_event_output(
            ctx: *const c_void,
            map: *mut c_void,
            flags: u64,
            data: *const c_void,
            size: u64,
        ) -> i64;
        pub fn bpf_get_stackid(ctx: *const c_void, map: *mut c_void, flags: u64) -> i64;
        pub fn bpf_redirect_map(map: *mut c_void, key: u64, flags: u64) -> i64;
        pub fn bpf_redirect(ifindex: u32, flags: u64) -> i64;
        pub fn bpf_xdp_adjust_head(xdp: *const c_void, delta: i32) -> i64;
        pub fn bpf_xdp_adjust_tail(xdp: *const c_void, delta: i32) -> i64;
        pub fn bpf_csum_diff(
            from: *const u32,
            from_size: u32,
            to: *const u32,
            to_size: u32,
            seed: u32,
        ) -> i64;
        pub fn bpf_l3_csum_replace(
            skb: *const c_void,
            off: u32,
            from: u64,
            to: u64,
            size: u64,
        ) -> i64;
        pub fn bpf_l4_csum_replace(
            skb: *const c_void,
            off: u32,
            from: u64,
            to: u64,
            flags: u64,
        ) -> i64;
        pub fn bpf_skb_store_bytes(
            skb: *const c_void,
            off: u32,
            from: *const c_void,
            len: u32,
            flags: u64,
        ) -> i64;
        pub fn bpf_skb_load_bytes(skb: *const c_void, off: u32, to: *mut c_void, len: u32) -> i64;
        pub fn bpf_spin_lock(lock: *mut c_void) -> i64;
        pub fn bpf_spin_unlock(lock: *mut c_void) -> i64;
        pub fn bpf_override_return(regs: *const c_void, rc: u64) -> i64;
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
        /// The verifier's inlined HASH lookup: the element (the value at the record's
        /// `value_off`), bound by the kernel to the map type's own lookup function.
        pub fn iu_htab_lookup(map: *mut c_void, key: *const c_void) -> *mut c_void;
    }
}

// Host builds: the same functions, backed by the user-space test backend.
#[cfg(not(target_os = "none"))]
pub(crate) use crate::host::sys;

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

/// `bpf_ktime_get_boot_ns()`: like [`ktime_get_ns`] but including suspend time.
#[inline]
pub fn ktime_get_boot_ns() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::bpf_ktime_get_boot_ns() }
}

/// `bpf_ktime_get_coarse_ns()`: coarse (tick-resolution) monotonic time, cheaper.
#[inline]
pub fn ktime_get_coarse_ns() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::bpf_ktime_get_coarse_ns() }
}

/// `bpf_get_current_uid_gid()`: gid in the upper 32 bits, uid in the lower 32 bits.
#[inline]
pub fn current_uid_gid() -> u64 {
    // SAFETY: no arguments.
    unsafe { sys::bpf_get_current_uid_gid() }
}

/// The current task's pid (thread group id, what user space calls the pid).
#[inline]
pub fn current_pid() -> u32 {
    (current_pid_tgid() >> 32) as u32
}

/// The current task's thread id.
#[inline]
pub fn current_tid() -> u32 {
    current_pid_tgid() as u32
}

/// `bpf_get_current_comm()`: the current task's name, NUL-padded.
#[inline]
pub fn current_comm() -> [u8; 16] {
    let mut b = [0u8; 16];
    // SAFETY: the helper writes at most 16 bytes (the size passed) into b.
    unsafe { sys::bpf_get_current_comm(b.as_mut_ptr() as *mut c_void, 16) };
    b
}

/// `bpf_get_current_task()`: the address of the current `struct task_struct`, to read
/// with probe reads (e.g. through a `TaskStruct` from `iu gen btf task_struct`).
#[inline]
pub fn current_task() -> u64 {
    // SAFETY: no arguments; the result is only an address.
    unsafe { sys::bpf_get_current_task() }
}

/// `bpf_get_prandom_u32()`: a pseudo-random number (not for cryptography).
#[inline]
pub fn prandom_u32() -> u32 {
    // SAFETY: no arguments.
    unsafe { sys::bpf_get_prandom_u32() }
}

/// `bpf_send_signal(sig)`: sends `sig` to the current process. Err(-errno) if not possible
/// (e.g. a kernel thread, or interrupts disabled).
#[inline]
pub fn send_signal(sig: u32) -> Result<(), i64> {
    // SAFETY: an integer argument; the helper checks the signal number.
    let rc = unsafe { sys::bpf_send_signal(sig) };
    if rc == 0 { Ok(()) } else { Err(rc) }
}

/// `bpf_csum_diff`: the checksum difference between the 32-bit words `from` and `to`,
/// added to `seed` (an unfolded 32-bit one's-complement sum).
#[inline]
pub fn csum_diff(from: &[u32], to: &[u32], seed: u32) -> Result<u32, i64> {
    // The helper allows at most 512 bytes per side.
    if from.len() > 128 || to.len() > 128 {
        return Err(-22);
    }
    // SAFETY: both slices are live for the sizes passed (in bytes, multiples of 4).
    let rc = unsafe {
        sys::bpf_csum_diff(
            from.as_ptr(),
            (from.len() * 4) as u32,
            to.as_ptr(),
            (to.len() * 4) as u32,
            seed,
        )
    };
    if rc >= 0 { Ok(rc as u32) } else { Err(rc) }
}

#[inline(always)]
fn probe_read_with<T: crate::Pod>(src: u64, user: bool) -> Option<T> {
    // The helper's size is a u32: a larger T would be claimed initialised after a
    // truncated read.
    const {
        assert!(
            core::mem::size_of::<T>() <= u32::MAX as usize,
            "probe reads are limited to u32::MAX bytes"
        );
    }
    let mut out = core::mem::MaybeUninit::<T>::uninit();
    let (dst, size, src) = (
        out.as_mut_ptr() as *mut c_void,
        core::mem::size_of::<T>() as u32,
        src as *const c_void,
    );
    // SAFETY: bpf_probe_read_{kernel,user} write at most size_of::<T>() bytes (the size
    // passed, not truncated: checked above) into `out` and never fault on `src` (they zero
    // `out` and fail instead).
    let rc = unsafe {
        if user {
            sys::bpf_probe_read_user(dst, size, src)
        } else {
            sys::bpf_probe_read_kernel(dst, size, src)
        }
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: rc == 0 means all size_of::<T>() bytes were written; T is Pod.
    Some(unsafe { out.assume_init() })
}

/// `bpf_probe_read_kernel`: copies a `T` from kernel address `src`; `None` on a fault.
#[inline]
pub fn probe_read_kernel<T: crate::Pod>(src: u64) -> Option<T> {
    probe_read_with(src, false)
}

/// `bpf_probe_read_user`: copies a `T` from user address `src` of the current task.
#[inline]
pub fn probe_read_user<T: crate::Pod>(src: u64) -> Option<T> {
    probe_read_with(src, true)
}

#[inline(always)]
fn probe_read_str_with(buf: &mut [u8], src: u64, user: bool) -> Option<usize> {
    if buf.is_empty() {
        return Some(0);
    }
    let (dst, size, src) = (
        buf.as_mut_ptr() as *mut c_void,
        buf.len().min(u32::MAX as usize) as u32,
        src as *const c_void,
    );
    // SAFETY: the helpers write at most `size` <= buf.len() bytes (NUL included) into buf
    // and never fault on src.
    let rc = unsafe {
        if user {
            sys::bpf_probe_read_user_str(dst, size, src)
        } else {
            sys::bpf_probe_read_kernel_str(dst, size, src)
        }
    };
    if rc > 0 { Some(rc as usize - 1) } else { None }
}

/// `bpf_probe_read_kernel_str`: copies a NUL-terminated string from kernel address `src`
/// into `buf` (always NUL-terminated, truncated to fit); the string's length without NUL.
#[inline]
pub fn probe_read_kernel_str(buf: &mut [u8], src: u64) -> Option<usize> {
    probe_read_str_with(buf, src, false)
}

/// `bpf_probe_read_user_str`: as [`probe_read_kernel_str`] from user memory.
#[inline]
pub fn probe_read_user_str(buf: &mut [u8], src: u64) -> Option<usize> {
    probe_read_str_with(buf, src, true)
}

/// Copies a `T` from kernel memory at `src` without faulting (`bpf_probe_read_kernel`);
/// `None` if the address cannot be read.
#[inline]
pub(crate) fn probe_read<T: crate::Pod>(src: usize) -> Option<T> {
    probe_read_kernel(src as u64)
}

/// The most values one trace line takes (the kernel's `MAX_BPRINTF_VARARGS`).
pub const PRINTK_MAX_ARGS: usize = 12;

/// A format string for [`trace_printk`]: NUL-terminated, at most [`PRINTK_MAX_ARGS`]
/// conversions, each an integer (`%d %i %u %x %X %c`, with `l`/`ll` length modifiers)
/// or a string (`%s`), and `%%`. A `%s` takes a [`PrintkStr`] argument: a byte string of
/// the program's with a NUL in it, or a [`KernelStr`] / [`UserStr`] address the kernel
/// reads without faulting (as `bpf_probe_read_*_str` would). Pointer conversions
/// (`%p...`) are refused. Build it in a `const` (the
/// [`trace_printk!`](macro@crate::trace_printk) macro does) and a bad format is a compile
/// error; so is an argument of the wrong kind for its conversion.
#[derive(Clone, Copy)]
pub struct Fmt {
    bytes: &'static [u8],
    kinds: [u8; PRINTK_MAX_ARGS],
    count: usize,
}

/// The kind of a conversion: [`printk_kind::INT`] or [`printk_kind::STR`].
pub mod printk_kind {
    /// `%d %i %u %x %X %c`
    pub const INT: u8 = 0;
    /// `%s`
    pub const STR: u8 = 1;
}

impl Fmt {
    /// Checks `s` (which must end in `\0`); panics (at compile time in a `const`) if not allowed.
    pub const fn new(s: &'static str) -> Fmt {
        let b = s.as_bytes();
        assert!(
            !b.is_empty() && b[b.len() - 1] == 0,
            "format must end with \\0"
        );
        let mut kinds = [0u8; PRINTK_MAX_ARGS];
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
                    convs < PRINTK_MAX_ARGS,
                    "trace_printk: at most 12 conversions"
                );
                if c == b's' {
                    assert!(l == 0, "trace_printk: %s takes no length modifier");
                    // bpf_bprintf_prepare(): what follows %s must end the word
                    let n = b[i + 1];
                    assert!(
                        n == 0 || n.is_ascii_whitespace() || n.is_ascii_punctuation(),
                        "trace_printk: %s must be followed by a space, punctuation or the end"
                    );
                    kinds[convs] = printk_kind::STR;
                } else {
                    assert!(
                        c == b'd' || c == b'i' || c == b'u' || c == b'x' || c == b'X' || c == b'c',
                        "trace_printk: only %d %i %u %x %X %c (with l/ll), %s and %% are allowed"
                    );
                }
                convs += 1;
            }
            i += 1;
        }
        Fmt {
            bytes: b,
            kinds,
            count: convs,
        }
    }

    /// The number of conversions.
    pub const fn count(&self) -> usize {
        self.count
    }

    /// The kind of conversion `i` ([`printk_kind`]); `INT` past the last.
    pub const fn kind(&self, i: usize) -> u8 {
        if i < PRINTK_MAX_ARGS {
            self.kinds[i]
        } else {
            printk_kind::INT
        }
    }
}

/// A value for conversion kind `K` of a [`Fmt`] ([`printk_kind`]): integers for `INT`,
/// [`PrintkStr`] types for `STR`. The macro checks each argument against its conversion.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not fit this trace_printk conversion",
    label = "%d %i %u %x %X %c take integers; %s takes a byte string with a NUL (&[u8; N], &[u8], &CStr) or a KernelStr/UserStr address"
)]
pub trait PrintkArg<const K: u8> {
    /// The u64 the helper is passed.
    fn printk_arg(self) -> u64;
}

macro_rules! printk_int {
    ($($t:ty),*) => {
        $(impl PrintkArg<{ printk_kind::INT }> for $t {
            #[inline(always)]
            fn printk_arg(self) -> u64 {
                self as u64
            }
        })*
    };
}
printk_int!(
    u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, bool, char
);

/// A string a `%s` prints: the address the kernel copies it from, without faulting.
pub trait PrintkStr {
    /// The address of the string's first byte.
    fn printk_addr(self) -> u64;
}

impl<T: PrintkStr> PrintkArg<{ printk_kind::STR }> for T {
    #[inline(always)]
    fn printk_arg(self) -> u64 {
        self.printk_addr()
    }
}

/// A NUL-terminated string in kernel memory at this address (a `char *` field of a
/// kernel struct, a pointer argument): `%s` reads it without faulting and prints nothing
/// if it cannot be read.
#[derive(Clone, Copy)]
pub struct KernelStr(pub u64);

/// A NUL-terminated string in the current task's user memory at this address (a syscall's
/// `const char __user *` argument); read as [`KernelStr`] is.
#[derive(Clone, Copy)]
pub struct UserStr(pub u64);

impl PrintkStr for KernelStr {
    #[inline(always)]
    fn printk_addr(self) -> u64 {
        self.0
    }
}

impl PrintkStr for UserStr {
    #[inline(always)]
    fn printk_addr(self) -> u64 {
        self.0
    }
}

/// The empty string, printed for a byte string without a NUL (the kernel would read on
/// past its end).
static NO_NUL: [u8; 1] = [0];

impl PrintkStr for &[u8] {
    #[inline(always)]
    fn printk_addr(self) -> u64 {
        let s = if self.contains(&0) { self } else { &NO_NUL[..] };
        #[cfg(not(target_os = "none"))]
        crate::host::note_printk_str(s);
        s.as_ptr() as u64
    }
}

impl<const N: usize> PrintkStr for &[u8; N] {
    #[inline(always)]
    fn printk_addr(self) -> u64 {
        (&self[..]).printk_addr()
    }
}

impl PrintkStr for &core::ffi::CStr {
    #[inline(always)]
    fn printk_addr(self) -> u64 {
        self.to_bytes_with_nul().printk_addr()
    }
}

/// The u64 of argument `v` for a conversion of kind `K` (used by the macro).
#[doc(hidden)]
#[inline(always)]
pub fn __printk_arg<T: PrintkArg<K>, const K: u8>(v: T) -> u64 {
    v.printk_arg()
}

/// `bpf_trace_printk()` (up to 3 values) or `bpf_trace_vprintk()` (up to 12): writes a
/// line to the trace pipe (`/sys/kernel/tracing/trace_pipe`). Returns the helper's result
/// (bytes written or a negative errno); a number of values other than the format's
/// conversions is refused with -EINVAL. Prefer the
/// [`trace_printk!`](macro@crate::trace_printk) macro, which checks both at compile time.
#[inline(always)]
pub fn trace_printk(fmt: Fmt, args: &[u64]) -> i64 {
    if args.len() != fmt.count {
        return -22;
    }
    let (p, n) = (fmt.bytes.as_ptr(), fmt.bytes.len() as u32);
    let a = |i: usize| if i < args.len() { args[i] } else { 0 };
    if args.len() <= 3 {
        // SAFETY: `fmt` is a valid NUL-terminated buffer of the size passed (checked by
        // Fmt::new); integer conversions read only the values, and each %s value is the
        // address of a NUL-terminated string or one the kernel reads without faulting.
        unsafe { sys::bpf_trace_printk(p, n, a(0), a(1), a(2)) }
    } else {
        // SAFETY: as above; `args` is readable for its length in bytes (at most 96).
        unsafe {
            sys::bpf_trace_vprintk(
                p,
                n,
                args.as_ptr() as *const c_void,
                (args.len() * 8) as u32,
            )
        }
    }
}

/// Prints to the trace pipe: `iu::trace_printk!("pid %d comm %s\n", pid, &comm);`, up to
/// 12 values. The format is checked at compile time (see [`Fmt`]), and each value against
/// its conversion ([`PrintkArg`]): integers are converted with `as u64`.
#[macro_export]
macro_rules! trace_printk {
    ($fmt:literal $(, $a:expr)* $(,)?) => {{
        const FMT: $crate::helpers::Fmt = $crate::helpers::Fmt::new(concat!($fmt, "\0"));
        const _: () = assert!(
            FMT.count() == <[()]>::len(&[$($crate::__iu_unit!($a)),*]),
            "trace_printk: the number of values differs from the format's conversions"
        );
        $crate::__iu_printk!(FMT, 0usize, []; $($a),*)
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __iu_unit {
    ($a:expr) => {
        ()
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __iu_printk {
    ($f:ident, $n:expr, [$($done:expr),*];) => {
        $crate::helpers::trace_printk($f, &[$($done),*])
    };
    ($f:ident, $n:expr, [$($done:expr),*]; $a:expr $(, $rest:expr)*) => {
        $crate::__iu_printk!(
            $f,
            $n + 1usize,
            [$($done,)* $crate::helpers::__printk_arg::<_, { $f.kind($n) }>($a)];
            $($rest),*
        )
    };
}
