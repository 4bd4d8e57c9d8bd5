//! Typed program contexts. Each wraps the raw pointer the kernel passes to the entry
//! point; only the SDK's generated entry can create one (`from_raw` is `unsafe` and
//! private to the SDK), the program type an entry is declared with is the one of its
//! context ([`ProgramContext::PROG_TYPE`]), and every accessor is bounds-checked or goes
//! through a non-faulting helper.

use crate::Pod;
use crate::helpers::{probe_read, sys};
use core::ffi::c_void;
use core::marker::PhantomData;

/// What an XDP program decides for a packet.
#[repr(u32)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum XdpAction {
    /// Drop with an error trace point (also the default after a panic).
    Aborted = 0,
    /// Drop the packet.
    Drop = 1,
    /// Pass it to the network stack.
    Pass = 2,
    /// Send it back out of the interface it came in on.
    Tx = 3,
    /// Redirect (after a redirect helper).
    Redirect = 4,
}

impl XdpAction {
    /// The action for a raw XDP return code (unknown codes become `Aborted`).
    pub fn from_raw(v: u32) -> XdpAction {
        match v {
            1 => XdpAction::Drop,
            2 => XdpAction::Pass,
            3 => XdpAction::Tx,
            4 => XdpAction::Redirect,
            _ => XdpAction::Aborted,
        }
    }
}

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
/// six contexts implement it).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not one of the SDK's program contexts",
    label = "programs take XdpContext, TcContext, KprobeContext, TracepointContext, RawTracepointContext or PerfEventContext"
)]
pub trait ProgramContext: Context + Sized {
    /// The `enum bpf_prog_type` the kernel loads a program with this context as.
    const PROG_TYPE: u32;

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

macro_rules! context {
    ($($t:ty, $f:ident, $pt:ident);*) => { $(
        impl crate::sealed::Context for $t {}

        // SAFETY: the field holds the pointer the kernel passed to the entry point.
        unsafe impl Context for $t {
            fn as_ptr(&self) -> *const c_void {
                self.$f as *const c_void
            }
        }

        impl ProgramContext for $t {
            const PROG_TYPE: u32 = crate::decl::prog_type::$pt;

            unsafe fn __iu_from_raw(ctx: *const c_void) -> Self {
                // SAFETY: forwarded contract (the kernel's context of PROG_TYPE).
                unsafe { <$t>::from_raw(ctx) }
            }
        }
    )* };
}
context!(
    XdpContext<'_>, buf, XDP; TcContext<'_>, skb, SCHED_CLS; KprobeContext, regs, KPROBE;
    TracepointContext, rec, TRACEPOINT; RawTracepointContext, args, RAW_TRACEPOINT;
    PerfEventContext, kern, PERF_EVENT
);

impl crate::sealed::Lock for XdpContext<'_> {}
impl LockContext for XdpContext<'_> {}
impl crate::sealed::Lock for TcContext<'_> {}
impl LockContext for TcContext<'_> {}

/// What a tc (sched_cls, direct-action) program decides for a packet.
#[repr(i32)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TcAction {
    /// Continue with the next action / default classification.
    Unspec = -1,
    /// Accept the packet.
    Ok = 0,
    /// Drop the packet (also the default after a panic).
    Shot = 2,
    /// Redirect (after a redirect helper).
    Redirect = 7,
}

/// The context of an XDP program: the packet in `struct xdp_buff`.
pub struct XdpContext<'a> {
    buf: *const XdpBuffHead,
    _l: PhantomData<&'a mut [u8]>,
}

/// The first fields of `struct xdp_buff` (include/net/xdp.h).
#[repr(C)]
struct XdpBuffHead {
    data: *mut u8,
    data_end: *mut u8,
}

impl XdpContext<'_> {
    /// # Safety
    /// `ctx` must be the `struct xdp_buff *` the kernel passed to the entry point, valid
    /// for the whole program run.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        XdpContext {
            buf: ctx as *const XdpBuffHead,
            _l: PhantomData,
        }
    }

    /// The packet bytes, writable (XDP packets are always writable linear buffers).
    pub fn data(&mut self) -> &mut [u8] {
        // SAFETY: the kernel guarantees data <= data_end and that [data, data_end) is the
        // linear, writable packet buffer for the duration of the run; &mut self makes this
        // the only live slice.
        unsafe {
            let h = &*self.buf;
            let len = (h.data_end as usize).saturating_sub(h.data as usize);
            core::slice::from_raw_parts_mut(h.data, len)
        }
    }

    /// Length of the packet in bytes.
    pub fn len(&mut self) -> usize {
        self.data().len()
    }

    /// `bpf_xdp_adjust_head(delta)`: moves the packet start by `delta` bytes (negative
    /// grows the packet into the headroom, e.g. to push an encapsulation header).
    /// Slices from [`data`](Self::data) taken before must not be used after (the borrow
    /// checker enforces it).
    pub fn adjust_head(&mut self, delta: i32) -> Result<(), i64> {
        // SAFETY: buf is the live xdp_buff; the helper checks delta against the buffer.
        let rc = unsafe { sys::bpf_xdp_adjust_head(self.buf as *const c_void, delta) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_xdp_adjust_tail(delta)`: moves the packet end by `delta` bytes.
    pub fn adjust_tail(&mut self, delta: i32) -> Result<(), i64> {
        // SAFETY: as in adjust_head.
        let rc = unsafe { sys::bpf_xdp_adjust_tail(self.buf as *const c_void, delta) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_redirect(ifindex, 0)`: returns `XdpAction::Redirect` (to return from the
    /// program) or `Aborted` if the redirect cannot be set up.
    pub fn redirect(&mut self, ifindex: u32) -> XdpAction {
        // SAFETY: integer arguments; flags 0.
        XdpAction::from_raw(unsafe { sys::bpf_redirect(ifindex, 0) } as u32)
    }

    /// True for an empty packet.
    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }
}

/// The context of a tc (sched_cls) program: a `struct sk_buff`.
pub struct TcContext<'a> {
    skb: *const c_void,
    _l: PhantomData<&'a [u8]>,
}

impl TcContext<'_> {
    /// # Safety
    /// `ctx` must be the `struct sk_buff *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        TcContext {
            skb: ctx,
            _l: PhantomData,
        }
    }

    /// The linear part of the packet (`skb->data .. skb->data + skb_headlen(skb)`),
    /// read-only: writing needs the skb to be unshared first.
    pub fn data(&self) -> &[u8] {
        let mut end: u64 = 0;
        // SAFETY: skb is the live sk_buff; iu_skb_data only reads it and stores the end
        // of the linear data into `end`.
        let start = unsafe { sys::iu_skb_data(self.skb, &mut end) };
        let len = end.saturating_sub(start) as usize;
        if start == 0 {
            return &[];
        }
        // SAFETY: the kernel runtime returned the bounds of the linear buffer, valid for
        // the run; the slice is shared.
        unsafe { core::slice::from_raw_parts(start as *const u8, len) }
    }

    /// `bpf_skb_load_bytes`: copies `buf.len()` bytes from packet offset `off` (also from
    /// non-linear parts).
    pub fn load_bytes(&self, off: u32, buf: &mut [u8]) -> Result<(), i64> {
        // SAFETY: buf is writable for its length; the helper checks off/len against the skb.
        let rc = unsafe {
            sys::bpf_skb_load_bytes(
                self.skb,
                off,
                buf.as_mut_ptr() as *mut c_void,
                buf.len() as u32,
            )
        };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_skb_store_bytes`: writes `bytes` at packet offset `off` (flags: 1 = recompute
    /// the checksum, 2 = invalidate the hash). Slices from `data()` must be re-taken after.
    pub fn store_bytes(&mut self, off: u32, bytes: &[u8], flags: u64) -> Result<(), i64> {
        // SAFETY: bytes is readable for its length; the helper unclones and checks bounds.
        let rc = unsafe {
            sys::bpf_skb_store_bytes(
                self.skb,
                off,
                bytes.as_ptr() as *const c_void,
                bytes.len() as u32,
                flags & 3,
            )
        };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_l3_csum_replace`: updates the 16-bit checksum at `off` for a field that
    /// changed from `from` to `to` (`size` 2 or 4).
    pub fn l3_csum_replace(&mut self, off: u32, from: u64, to: u64, size: u64) -> Result<(), i64> {
        // SAFETY: integer arguments; the helper checks the offset against the skb.
        let rc = unsafe { sys::bpf_l3_csum_replace(self.skb, off, from, to, size & 0xf) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_l4_csum_replace`: as `l3_csum_replace` for a TCP/UDP checksum (flags: size in
    /// the low 4 bits, 0x10 = pseudo-header field, 0x20 = mark mangled 0).
    pub fn l4_csum_replace(&mut self, off: u32, from: u64, to: u64, flags: u64) -> Result<(), i64> {
        // SAFETY: as in l3_csum_replace.
        let rc = unsafe { sys::bpf_l4_csum_replace(self.skb, off, from, to, flags & 0x7f) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_redirect(ifindex, flags)` (flags: 1 = ingress): returns `TcAction::Redirect`,
    /// or `Shot` if the redirect cannot be set up.
    pub fn redirect(&mut self, ifindex: u32, flags: u64) -> TcAction {
        // SAFETY: integer arguments.
        let rc = unsafe { sys::bpf_redirect(ifindex, flags & 1) };
        if rc == 7 {
            TcAction::Redirect
        } else {
            TcAction::Shot
        }
    }

    /// Total packet length (`skb->len`, including non-linear parts).
    pub fn len(&self) -> u32 {
        // SAFETY: skb is the live sk_buff; the runtime only reads skb->len.
        unsafe { sys::iu_skb_len(self.skb) }
    }

    /// True for an empty packet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// x86-64 `struct pt_regs` (arch/x86/include/asm/ptrace.h), 21 × u64.
#[repr(C)]
#[derive(Clone, Copy)]
struct PtRegs([u64; 21]);

const REG_R9: usize = 8;
const REG_R8: usize = 9;
const REG_AX: usize = 10;
const REG_CX: usize = 11;
const REG_DX: usize = 12;
const REG_SI: usize = 13;
const REG_DI: usize = 14;
const REG_IP: usize = 16;
const REG_SP: usize = 19;

/// Register access shared by kprobe and perf_event contexts.
fn reg(regs: *const PtRegs, i: usize) -> u64 {
    // SAFETY: `regs` is a live struct pt_regs (21 u64) and i < 21 (callers use the
    // constants above).
    unsafe { core::ptr::read(&(*regs).0[i]) }
}

/// The context of a kprobe / kretprobe program: the probed CPU's registers.
pub struct KprobeContext {
    regs: *const PtRegs,
}

impl KprobeContext {
    /// # Safety
    /// `ctx` must be the `struct pt_regs *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        KprobeContext {
            regs: ctx as *const PtRegs,
        }
    }

    /// Argument `n` (0..=5) of the probed function, System V order (rdi, rsi, rdx, rcx,
    /// r8, r9); `None` for n > 5 (stack arguments are not available).
    pub fn arg(&self, n: usize) -> Option<u64> {
        let i = match n {
            0 => REG_DI,
            1 => REG_SI,
            2 => REG_DX,
            3 => REG_CX,
            4 => REG_R8,
            5 => REG_R9,
            _ => return None,
        };
        Some(reg(self.regs, i))
    }

    /// Return value (rax), meaningful in a kretprobe.
    pub fn ret(&self) -> u64 {
        reg(self.regs, REG_AX)
    }

    /// Instruction pointer.
    pub fn ip(&self) -> u64 {
        reg(self.regs, REG_IP)
    }

    /// Stack pointer.
    pub fn sp(&self) -> u64 {
        reg(self.regs, REG_SP)
    }

    /// Reads a `T` from kernel memory at `addr` without faulting (`bpf_probe_read_kernel`).
    pub fn read_kernel<T: Pod>(&self, addr: u64) -> Option<T> {
        probe_read(addr as usize)
    }

    /// `bpf_override_return(regs, rc)`: makes the probed function return `rc` without
    /// running (error injection). The kernel only honours it at the entry of functions
    /// marked `ALLOW_ERROR_INJECTION` (kernel with `CONFIG_BPF_KPROBE_OVERRIDE`).
    pub fn override_return(&self, rc: u64) -> Result<(), i64> {
        // SAFETY: regs is the live pt_regs of this probe hit; the helper writes ax and ip.
        let r = unsafe { sys::bpf_override_return(self.regs as *const c_void, rc) };
        if r == 0 { Ok(()) } else { Err(r) }
    }
}

/// The context of a tracepoint program: the raw trace record (starting with the 8-byte
/// common header; field offsets are in the event's `format` file in tracefs).
pub struct TracepointContext {
    rec: *const u8,
}

impl TracepointContext {
    /// # Safety
    /// `ctx` must be the trace record pointer the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        TracepointContext {
            rec: ctx as *const u8,
        }
    }

    /// Reads the field of type `T` at byte `offset` of the record. The record's size is
    /// not known to the program, so the read goes through `bpf_probe_read_kernel`: an
    /// offset past the record gives unspecified bytes or `None`, never a fault.
    pub fn read<T: Pod>(&self, offset: usize) -> Option<T> {
        probe_read((self.rec as usize).wrapping_add(offset))
    }

    /// Copies the NUL-terminated string stored in the record at `offset` into `buf`
    /// (e.g. the target of a `__data_loc char[]` field); its length without NUL.
    pub fn read_str(&self, offset: usize, buf: &mut [u8]) -> Option<usize> {
        crate::helpers::probe_read_kernel_str(buf, (self.rec as usize).wrapping_add(offset) as u64)
    }

    /// The (offset, length) pair of a `__data_loc` field at `offset` (dynamic arrays and
    /// strings stored after the fixed fields).
    pub fn data_loc(&self, offset: usize) -> Option<(usize, usize)> {
        let v = self.read::<u32>(offset)?;
        Some(((v & 0xffff) as usize, (v >> 16) as usize))
    }

    /// The common header's `common_pid` field (offset 4).
    pub fn common_pid(&self) -> Option<i32> {
        self.read::<i32>(4)
    }
}

/// The context of a raw tracepoint program: the tracepoint's arguments as u64.
pub struct RawTracepointContext {
    args: *const u64,
}

impl RawTracepointContext {
    /// # Safety
    /// `ctx` must be the `u64 args[]` pointer the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        RawTracepointContext {
            args: ctx as *const u64,
        }
    }

    /// Argument `n` (0..12) of the tracepoint. The number of arguments depends on the
    /// tracepoint, so the read is non-faulting; `None` for n >= 12.
    pub fn arg(&self, n: usize) -> Option<u64> {
        if n >= 12 {
            return None;
        }
        probe_read((self.args as usize).wrapping_add(n * 8))
    }
}

/// The context of a perf_event program (`struct bpf_perf_event_data_kern`).
pub struct PerfEventContext {
    kern: *const PerfEventDataKern,
}

#[repr(C)]
struct PerfEventDataKern {
    regs: *const PtRegs,
    data: *const c_void,
    event: *const c_void,
}

impl PerfEventContext {
    /// # Safety
    /// `ctx` must be the `struct bpf_perf_event_data_kern *` the kernel passed.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        PerfEventContext {
            kern: ctx as *const PerfEventDataKern,
        }
    }

    fn regs(&self) -> *const PtRegs {
        // SAFETY: kern is the live bpf_perf_event_data_kern; regs is its first field.
        unsafe { (*self.kern).regs }
    }

    /// Instruction pointer of the sampled context.
    pub fn ip(&self) -> u64 {
        reg(self.regs(), REG_IP)
    }

    /// Stack pointer of the sampled context.
    pub fn sp(&self) -> u64 {
        reg(self.regs(), REG_SP)
    }

    /// The event's sample period (`perf_sample_data.period`, offset 8 in 6.12's BTF; what
    /// eBPF's `bpf_perf_event_data.sample_period` reads), via a non-faulting read.
    pub fn sample_period(&self) -> Option<u64> {
        // SAFETY: kern is the live bpf_perf_event_data_kern; data is its second field.
        let data = unsafe { (*self.kern).data } as usize;
        probe_read(data.wrapping_add(8))
    }
}
