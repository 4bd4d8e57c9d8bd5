//! The user-space backend (host builds only, never in an image): the same program source
//! runs in ordinary `#[test]` functions with in-memory maps and scripted helpers.
//!
//! On `target_os = "none"` the SDK calls the kernel; everywhere else every kernel call
//! (`bpf_*` helpers, `iu_*` runtime symbols, the map pointer) goes to this module
//! instead. State is per thread, and the test harness runs each `#[test]` on its own
//! thread, so every test starts with empty maps and default helper results.
//!
//! ```ignore
//! #[test]
//! fn drops_udp() {
//!     iu::host::set_cpu(1);
//!     let mut pkt = iu::host::Packet::new(&frame);
//!     assert_eq!(pkt.xdp(xdp1), XdpAction::Drop);
//!     assert_eq!(RXCNT.host_values(&17), vec![0, 1]);
//! }
//! ```
//!
//! Maps keep the kernel's semantics: capacity (`-E2BIG`), update flags (`-EEXIST`,
//! `-ENOENT`, `-EINVAL`), per-CPU copies (the program sees [`cpu`]'s), exact LRU
//! eviction, queue/stack overflow, ring-buffer records in reservation order. Helpers
//! return what the test scripted ([`set_time_ns`], [`set_pid_tgid`], [`set_comm`],
//! [`set_random`], [`kernel_memory`], ...) and record what the program did
//! ([`trace_lines`], [`signals`], [`redirects`], [`override_returns`]).
//!
//! A panic is reported as the kernel runtime reports it (`iu: program panicked at
//! FILE:LINE:COL: MSG`); a program that makes more than [`set_call_budget`] helper calls
//! in one test, or runs one handler for longer than [`set_time_budget`], is stopped
//! with a message naming the test.

use std::prelude::rust_2024::*;

mod ctx;
pub mod json;
mod state;
pub(crate) mod sys;

pub use ctx::{
    Kprobe, Ksyscall, Packet, PerfEvent, RawTracepoint, Skb, Tracepoint, Trampoline, Uprobe, Usdt,
};
pub use json::{Json, to_hex};
pub(crate) use state::with;
pub use state::{
    Redirect, cpu, kernel_memory, nr_cpus, override_returns, redirects, reset, set_call_budget,
    set_comm, set_cpu, set_current_task, set_nr_cpus, set_pid_tgid, set_random, set_stack_id,
    set_time_budget, set_time_ns, set_uid_gid, signals, take_trace_lines, trace_lines, user_memory,
};

/// `errno` values the backend returns (negated), as the kernel does.
pub mod errno {
    /// No such entry.
    pub const ENOENT: i64 = 2;
    /// Argument list too long (map full, index out of range).
    pub const E2BIG: i64 = 7;
    /// Try again (ring buffer full).
    pub const EAGAIN: i64 = 11;
    /// Bad address (probe read of unmapped memory).
    pub const EFAULT: i64 = 14;
    /// Entry exists.
    pub const EEXIST: i64 = 17;
    /// Invalid argument.
    pub const EINVAL: i64 = 22;
}

/// A [`Pod`](crate::Pod) value from its bytes (e.g. a fixture's hex); missing bytes are zero.
pub fn pod_from_bytes<T: crate::Pod>(b: &[u8]) -> T {
    let mut v: T = crate::pod::zeroed();
    let n = b.len().min(core::mem::size_of::<T>());
    // SAFETY: T is Pod (any bytes are a valid T); at most size_of::<T>() bytes are written.
    unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), &mut v as *mut T as *mut u8, n) };
    v
}

std::thread_local! {
    /// The byte strings of the trace line being formatted (`%s` of a program's buffer).
    static PRINTK_STRS: core::cell::RefCell<Vec<(u64, Vec<u8>)>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// Remembers a `%s` byte string of the program's (with its NUL) for the next trace line.
pub(crate) fn note_printk_str(s: &[u8]) {
    PRINTK_STRS.with(|v| v.borrow_mut().push((s.as_ptr() as u64, s.to_vec())));
}

/// The string a `%s` at `addr` prints: a noted buffer of the program's, else a test
/// region (user below the kernel's address split, as `bpf_trace_copy_string` decides),
/// else nothing (the kernel prints an empty string when the read faults).
fn printk_str(addr: u64) -> String {
    let noted = PRINTK_STRS.with(|v| {
        v.borrow()
            .iter()
            .find(|(a, _)| *a == addr)
            .map(|(_, b)| b.clone())
    });
    let bytes = noted.or_else(|| {
        state::with(|s| {
            s.read_rest(addr, addr < 0x0000_8000_0000_0000)
                .map(|b| b.to_vec())
        })
    });
    let b = bytes.unwrap_or_default();
    let n = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..n]).into_owned()
}

/// Formats `bpf_trace_printk` / `bpf_trace_vprintk` output as the kernel does.
pub(crate) fn format_printk(fmt: &[u8], args: &[u64]) -> String {
    let mut out = String::new();
    let mut ai = 0;
    let mut i = 0;
    let fmt = match fmt.iter().position(|&c| c == 0) {
        Some(n) => &fmt[..n],
        None => fmt,
    };
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            out.push(c as char);
            i += 1;
            continue;
        }
        i += 1;
        if i < fmt.len() && fmt[i] == b'%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut l = 0;
        while i < fmt.len() && fmt[i] == b'l' {
            l += 1;
            i += 1;
        }
        let a = args.get(ai).copied().unwrap_or(0);
        ai += 1;
        let conv = if i < fmt.len() { fmt[i] } else { b'd' };
        i += 1;
        let s = match (conv, l) {
            (b'd' | b'i', 0) => (a as u32 as i32).to_string(),
            (b'd' | b'i', _) => (a as i64).to_string(),
            (b'u', 0) => (a as u32).to_string(),
            (b'u', _) => a.to_string(),
            (b'x', 0) => format!("{:x}", a as u32),
            (b'x', _) => format!("{a:x}"),
            (b'X', 0) => format!("{:X}", a as u32),
            (b'X', _) => format!("{a:X}"),
            (b'c', _) => ((a as u8) as char).to_string(),
            (b's', _) => printk_str(a),
            _ => String::new(),
        };
        out.push_str(&s);
    }
    PRINTK_STRS.with(|v| v.borrow_mut().clear());
    out
}
