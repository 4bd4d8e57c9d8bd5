//! Contexts built by tests: packets for XDP and tc, kprobe registers, tracepoint
//! records, raw tracepoint arguments, perf event samples, fentry/fexit arguments, uprobe
//! registers, syscall arguments. Each runs a handler with the
//! SDK's own context type, exactly as the generated kernel entry point would.

use super::state::{guarded, with};
use crate::Pod;
use crate::ctx::{
    CALL_ARG_REGS, CgroupSkbContext, CgroupSkbIngress, FentryContext, FexitContext, KprobeContext,
    KsyscallContext, LsmContext, PerfEventContext, RawTracepointContext, SYSCALL_ARG_REGS,
    SocketFilterContext, TcContext, TracepointContext, UprobeContext, UsdtContext, UsdtSpec,
    XdpContext,
};
use core::ffi::c_void;
use std::prelude::rust_2024::*;

/// Headroom in front of a test packet (XDP_PACKET_HEADROOM).
const HEADROOM: usize = 256;
/// Room after a test packet for `adjust_tail`.
const TAILROOM: usize = 256;
/// What the kernel keeps for `struct xdp_frame` at the start of the headroom.
const XDP_FRAME: usize = 40;
const ETH_HLEN: usize = 14;

/// The bytes of a plain-data value (Pod types have no padding).
fn pod_bytes<T: Pod>(v: &T) -> &[u8] {
    // SAFETY: T is Pod: every byte of it is initialised.
    unsafe { core::slice::from_raw_parts(v as *const T as *const u8, core::mem::size_of::<T>()) }
}

/// A packet for an XDP or tc program, with headroom and tailroom like the kernel's.
pub struct Packet {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Packet {
    /// A packet holding `bytes`.
    pub fn new(bytes: &[u8]) -> Packet {
        let mut buf = std::vec![0u8; HEADROOM + bytes.len() + TAILROOM];
        buf[HEADROOM..HEADROOM + bytes.len()].copy_from_slice(bytes);
        Packet {
            buf,
            start: HEADROOM,
            end: HEADROOM + bytes.len(),
        }
    }

    /// The packet's bytes now (after the program changed them or moved its bounds).
    pub fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Runs an XDP handler on the packet: `pkt.xdp(xdp1)`.
    pub fn xdp<R>(&mut self, f: impl FnOnce(&mut XdpContext<'_>) -> R) -> R {
        let base = self.buf.as_mut_ptr();
        // struct xdp_buff starts with data, data_end.
        // SAFETY: start <= end <= buf.len().
        let mut head: [*mut u8; 2] = unsafe { [base.add(self.start), base.add(self.end)] };
        let frame = (base as usize, base as usize + self.buf.len());
        with(|s| {
            s.xdp = true;
            s.frame = frame;
        });
        let hp = head.as_mut_ptr() as *const c_void;
        // SAFETY: hp points to a live {data, data_end} pair inside buf for the whole run.
        let mut ctx = unsafe { XdpContext::from_raw(hp) };
        let r = guarded(|| f(&mut ctx));
        self.start = head[0] as usize - base as usize;
        self.end = head[1] as usize - base as usize;
        r
    }

    /// Runs `f` with the host's stand-in skb (data, len) for the packet, all of it linear.
    fn with_skb<R>(&mut self, f: impl FnOnce(*const c_void) -> R) -> R {
        // SAFETY: start <= buf.len().
        let mut skb: [usize; 2] = [
            unsafe { self.buf.as_mut_ptr().add(self.start) } as usize,
            self.end - self.start,
        ];
        with(|s| s.xdp = false);
        f(skb.as_mut_ptr() as *const c_void)
    }

    /// Runs a tc handler on the packet (all of it linear): `pkt.tc(tc_filter)`.
    pub fn tc<R>(&mut self, f: impl FnOnce(&mut TcContext<'_>) -> R) -> R {
        self.with_skb(|p| {
            // SAFETY: p is the host's stand-in skb, live for the run.
            let mut ctx = unsafe { TcContext::from_raw(p) };
            guarded(|| f(&mut ctx))
        })
    }

    /// Runs a cgroup_skb handler on the packet (which starts at its IP header, as there).
    pub fn cgroup_skb<R>(&mut self, f: impl FnOnce(&CgroupSkbContext) -> R) -> R {
        self.with_skb(|p| {
            // SAFETY: as in tc.
            let ctx = unsafe { CgroupSkbIngress::from_raw(p) }.__iu_ctx();
            guarded(|| f(&ctx))
        })
    }

    /// Runs a socket filter on the packet: `pkt.socket_filter(filter)`.
    pub fn socket_filter<R>(&mut self, f: impl FnOnce(&SocketFilterContext) -> R) -> R {
        self.with_skb(|p| {
            // SAFETY: as in tc.
            let ctx = unsafe { SocketFilterContext::from_raw(p) };
            guarded(|| f(&ctx))
        })
    }
}

/// A packet for a tc program (alias of [`Packet`]).
pub type Skb = Packet;

/// The (data, len) of a host skb.
pub(crate) fn skb_bytes(skb: *const c_void) -> (*mut u8, usize) {
    // SAFETY: skb is the [data, len] pair made by Packet::tc, live during the run.
    let s = unsafe { &*(skb as *const [usize; 2]) };
    (s[0] as *mut u8, s[1])
}

/// `bpf_xdp_adjust_head` / `_tail` on the running test packet.
pub(crate) fn xdp_adjust(xdp: *const c_void, delta: i32, head: bool) -> i64 {
    let (lo, hi) = with(|s| s.frame);
    let h = xdp as *mut [usize; 2];
    // SAFETY: xdp is the {data, data_end} pair made by Packet::xdp, live during the run.
    let [data, end] = unsafe { *h };
    if head {
        let new = data as isize + delta as isize;
        if new < (lo + XDP_FRAME) as isize || new > end as isize - ETH_HLEN as isize {
            return -super::errno::EINVAL;
        }
        // SAFETY: as above.
        unsafe { (*h)[0] = new as usize };
    } else {
        let new = end as isize + delta as isize;
        if new > hi as isize || new < (data + ETH_HLEN) as isize {
            return -super::errno::EINVAL;
        }
        // SAFETY: as above.
        unsafe { (*h)[1] = new as usize };
    }
    0
}

/// x86-64 `struct pt_regs` indexes.
const AX: usize = 10;
const IP: usize = 16;
const SP: usize = 19;

/// Registers for a kprobe / kretprobe program.
#[derive(Clone, Copy, Default)]
pub struct Kprobe {
    regs: [u64; 21],
}

impl Kprobe {
    /// The probed function's arguments (up to 6, System V order).
    pub fn new(args: &[u64]) -> Kprobe {
        let mut k = Kprobe::default();
        for (i, a) in args.iter().take(6).enumerate() {
            k.regs[CALL_ARG_REGS[i]] = *a;
        }
        k
    }
    /// The return value (rax) a kretprobe sees.
    pub fn ret(mut self, v: u64) -> Kprobe {
        self.regs[AX] = v;
        self
    }
    /// The instruction pointer.
    pub fn ip(mut self, v: u64) -> Kprobe {
        self.regs[IP] = v;
        self
    }
    /// The stack pointer.
    pub fn sp(mut self, v: u64) -> Kprobe {
        self.regs[SP] = v;
        self
    }
    /// Runs the handler: `Kprobe::new(&[fd, addr]).run(my_kprobe)`.
    pub fn run<R>(&self, f: impl FnOnce(&KprobeContext) -> R) -> R {
        with(|s| s.xdp = false);
        // SAFETY: regs is a live pt_regs image for the run.
        let ctx = unsafe { KprobeContext::from_raw(self.regs.as_ptr() as *const c_void) };
        guarded(|| f(&ctx))
    }
}

/// User registers for a uprobe / uretprobe program (the same registers a kprobe sees,
/// run with [`UprobeContext`]).
#[derive(Clone, Copy, Default)]
pub struct Uprobe(Kprobe);

impl Uprobe {
    /// The probed user function's arguments (up to 6, System V order).
    pub fn new(args: &[u64]) -> Uprobe {
        Uprobe(Kprobe::new(args))
    }
    /// The return value (rax) a uretprobe sees.
    pub fn ret(self, v: u64) -> Uprobe {
        Uprobe(self.0.ret(v))
    }
    /// Runs the handler: `Uprobe::new(&[2, 3]).run(my_uprobe)`.
    pub fn run<R>(&self, f: impl FnOnce(&UprobeContext) -> R) -> R {
        with(|s| s.xdp = false);
        // SAFETY: regs is a live pt_regs image for the run.
        let ctx = unsafe { UprobeContext::from_raw(self.0.regs.as_ptr() as *const c_void) };
        guarded(|| f(&ctx))
    }
}

/// A syscall for a ksyscall / kretsyscall program: the user registers the syscall entry
/// saved (arguments in rdi, rsi, rdx, r10, r8, r9), which the wrapper's first argument
/// points to, as in the kernel.
#[derive(Clone, Copy, Default)]
pub struct Ksyscall {
    user: [u64; 21],
    ret: u64,
}

impl Ksyscall {
    /// The syscall's arguments (up to 6, syscall order).
    pub fn new(args: &[u64]) -> Ksyscall {
        let mut k = Ksyscall::default();
        for (i, a) in args.iter().take(6).enumerate() {
            k.user[SYSCALL_ARG_REGS[i]] = *a;
        }
        k
    }
    /// The return value (rax) a kretsyscall sees.
    pub fn ret(mut self, v: u64) -> Ksyscall {
        self.ret = v;
        self
    }
    /// Runs the handler: `Ksyscall::new(&[pid, sig]).run(my_ksyscall)`.
    pub fn run<R>(&self, f: impl FnOnce(&KsyscallContext) -> R) -> R {
        with(|s| s.xdp = false);
        let user: &[u8] = pod_bytes(&self.user);
        with_region(user, || {
            let wrapper = Kprobe::new(&[user.as_ptr() as u64]).ret(self.ret);
            // SAFETY: regs is a live pt_regs image for the run.
            let ctx = unsafe { KsyscallContext::from_raw(wrapper.regs.as_ptr() as *const c_void) };
            guarded(|| f(&ctx))
        })
    }
}

/// Makes `bytes` (at their own address) readable by probe reads while `f` runs.
fn with_region<R>(bytes: &[u8], f: impl FnOnce() -> R) -> R {
    let addr = bytes.as_ptr() as u64;
    with(|s| s.regions.push((addr, bytes.to_vec(), false)));
    struct Gone(u64);
    impl Drop for Gone {
        fn drop(&mut self) {
            let a = self.0;
            with(|s| {
                if let Some(i) = s.regions.iter().rposition(|r| r.0 == a && !r.2) {
                    s.regions.remove(i);
                }
            });
        }
    }
    let _g = Gone(addr);
    f()
}

/// A tracepoint record (the 8-byte common header, then the event's fields at the
/// offsets of its tracefs `format` file).
#[derive(Clone)]
pub struct Tracepoint {
    rec: Vec<u64>,
    len: usize,
}

impl Tracepoint {
    /// A zeroed record of `size` bytes.
    pub fn new(size: usize) -> Tracepoint {
        Tracepoint {
            rec: std::vec![0u64; size.div_ceil(8)],
            len: size,
        }
    }
    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: the u64 buffer viewed as its len <= 8 * rec.len() bytes.
        unsafe { core::slice::from_raw_parts_mut(self.rec.as_mut_ptr() as *mut u8, self.len) }
    }
    /// The record's bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: as in bytes_mut.
        unsafe { core::slice::from_raw_parts(self.rec.as_ptr() as *const u8, self.len) }
    }
    /// Stores `v` at byte `offset` (grows the record if needed).
    pub fn set<T: Pod>(mut self, offset: usize, v: T) -> Tracepoint {
        self = self.raw(offset, pod_bytes(&v));
        self
    }
    /// Stores raw bytes at `offset` (grows the record if needed).
    pub fn raw(mut self, offset: usize, b: &[u8]) -> Tracepoint {
        if offset + b.len() > self.len {
            self.len = offset + b.len();
            self.rec.resize(self.len.div_ceil(8), 0);
        }
        self.bytes_mut()[offset..offset + b.len()].copy_from_slice(b);
        self
    }
    /// Sets the common header's `common_pid` (offset 4).
    pub fn common_pid(self, pid: i32) -> Tracepoint {
        self.set(4, pid)
    }
    /// Runs the handler on the record.
    pub fn run<R>(&self, f: impl FnOnce(&TracepointContext) -> R) -> R {
        with(|s| s.xdp = false);
        let b = self.bytes();
        // SAFETY: the record is live for the run; reads go through the probe-read backend.
        let ctx = unsafe { TracepointContext::from_raw(b.as_ptr() as *const c_void) };
        with_region(b, || guarded(|| f(&ctx)))
    }
}

/// The `u64 args[]` of a raw tracepoint.
#[derive(Clone, Copy)]
pub struct RawTracepoint {
    args: [u64; 12],
    n: usize,
}

impl RawTracepoint {
    /// The tracepoint's arguments (at most 12).
    pub fn new(args: &[u64]) -> RawTracepoint {
        let mut a = [0u64; 12];
        let n = args.len().min(12);
        a[..n].copy_from_slice(&args[..n]);
        RawTracepoint { args: a, n }
    }
    /// Runs the handler.
    pub fn run<R>(&self, f: impl FnOnce(&RawTracepointContext) -> R) -> R {
        with(|s| s.xdp = false);
        let b = pod_bytes(&self.args);
        // Only the tracepoint's own arguments are readable, as in the kernel.
        let b = &b[..self.n * 8];
        // SAFETY: args is live for the run; reads go through the probe-read backend.
        let ctx = unsafe { RawTracepointContext::from_raw(b.as_ptr() as *const c_void) };
        with_region(b, || guarded(|| f(&ctx)))
    }
}

/// A perf event sample (registers and `perf_sample_data.period`).
#[derive(Clone, Copy, Default)]
pub struct PerfEvent {
    regs: [u64; 21],
    data: [u64; 4],
}

impl PerfEvent {
    /// A sample with zeroed registers and period 0.
    pub fn new() -> PerfEvent {
        PerfEvent::default()
    }
    /// The sampled instruction pointer.
    pub fn ip(mut self, v: u64) -> PerfEvent {
        self.regs[IP] = v;
        self
    }
    /// The sampled stack pointer.
    pub fn sp(mut self, v: u64) -> PerfEvent {
        self.regs[SP] = v;
        self
    }
    /// The event's sample period.
    pub fn sample_period(mut self, v: u64) -> PerfEvent {
        self.data[1] = v;
        self
    }
    /// Runs the handler.
    pub fn run<R>(&self, f: impl FnOnce(&PerfEventContext) -> R) -> R {
        with(|s| s.xdp = false);
        let kern: [usize; 3] = [self.regs.as_ptr() as usize, self.data.as_ptr() as usize, 0];
        // SAFETY: kern mirrors bpf_perf_event_data_kern {regs, data, event}, live for the run.
        let ctx = unsafe { PerfEventContext::from_raw(kern.as_ptr() as *const c_void) };
        with_region(pod_bytes(&self.data), || guarded(|| f(&ctx)))
    }
}

/// The argument area a BPF trampoline passes to fentry/fexit programs: the slot count,
/// the arguments, and (fexit) the return value.
#[derive(Clone, Copy)]
pub struct Trampoline {
    slots: [u64; 14],
    n: usize,
}

impl Trampoline {
    /// A call with these argument slots (at most 12, as the x86 trampoline takes).
    pub fn new(args: &[u64]) -> Trampoline {
        let n = args.len().min(12);
        let mut slots = [0u64; 14];
        slots[0] = n as u64;
        slots[1..1 + n].copy_from_slice(&args[..n]);
        Trampoline { slots, n }
    }
    /// The traced function's return value, as fexit sees it.
    pub fn ret(mut self, v: u64) -> Trampoline {
        self.slots[1 + self.n] = v;
        self
    }
    /// Runs an fentry handler.
    pub fn run_fentry<R>(&self, f: impl FnOnce(&FentryContext) -> R) -> R {
        with(|s| s.xdp = false);
        // SAFETY: slots mirror the trampoline's frame (count at args[-1]), live for the run.
        let ctx = unsafe { FentryContext::from_raw(self.slots[1..].as_ptr() as *const c_void) };
        guarded(|| f(&ctx))
    }
    /// Runs an LSM handler (the hook's arguments are the slots).
    pub fn run_lsm<R>(&self, f: impl FnOnce(&LsmContext) -> R) -> R {
        with(|s| s.xdp = false);
        // SAFETY: as run_fentry.
        let ctx = unsafe { LsmContext::from_raw(self.slots[1..].as_ptr() as *const c_void) };
        guarded(|| f(&ctx))
    }
    /// Runs an fexit handler.
    pub fn run_fexit<R>(&self, f: impl FnOnce(&FexitContext) -> R) -> R {
        with(|s| s.xdp = false);
        // SAFETY: as run_fentry, with the return value after the arguments.
        let ctx = unsafe { FexitContext::from_raw(self.slots[1..].as_ptr() as *const c_void) };
        guarded(|| f(&ctx))
    }
}

/// A USDT probe site for a USDT program: its arguments (as the loader's spec would decode
/// them) and the attach cookie.
#[derive(Clone, Copy)]
pub struct Usdt {
    regs: [u64; 21],
    spec: UsdtSpec,
}

impl Usdt {
    /// A probe hit with these argument values (at most 12).
    pub fn new(args: &[i64]) -> Usdt {
        Usdt {
            regs: [0; 21],
            spec: UsdtSpec::constants(args, 0),
        }
    }
    /// The cookie given at attach time (`ctx.cookie()`).
    pub fn cookie(self, cookie: u64) -> Usdt {
        let mut u = self;
        u.spec.cookie = cookie;
        u
    }
    /// Runs a USDT handler.
    pub fn run<R>(&self, f: impl FnOnce(&UsdtContext<'_>) -> R) -> R {
        with(|s| {
            s.xdp = false;
            s.usdt_spec = Some(self.spec);
        });
        // SAFETY: regs is a live struct pt_regs (21 u64) for the run.
        let ctx = unsafe { UsdtContext::from_raw(self.regs.as_ptr() as *const c_void) };
        let r = guarded(|| f(&ctx));
        with(|s| s.usdt_spec = None);
        r
    }
}
