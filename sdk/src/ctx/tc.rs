//! The tc hook (sched_cls, direct action): [`TcContext`] (a `struct sk_buff`),
//! [`TcAction`] and [`tc!`](crate::tc!).

use super::LockContext;
use crate::helpers::sys;
use core::ffi::c_void;
use core::marker::PhantomData;

super::context!(TcContext<'_>, skb, SCHED_CLS);

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
        // SAFETY: skb is the kernel's sk_buff of this run, which the borrow outlives.
        unsafe { super::skb::data(self.skb) }
    }

    /// `bpf_skb_load_bytes`: copies `buf.len()` bytes from packet offset `off` (also from
    /// non-linear parts).
    pub fn load_bytes(&self, off: u32, buf: &mut [u8]) -> Result<(), i64> {
        // SAFETY: skb is the kernel's sk_buff of this run.
        unsafe { super::skb::load_bytes(self.skb, off, buf) }
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
        // SAFETY: as in load_bytes.
        unsafe { super::skb::len(self.skb) }
    }

    /// True for an empty packet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Declares a tc (sched_cls, direct-action) program: `iu::tc!(handler);` where
/// `fn handler(ctx: &mut TcContext) -> TcAction`. With a target, `iu::tc!(handler, "eth0")`
/// attaches at eth0's ingress, `iu::tc!(handler, "eth0:egress")` at its egress.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! tc {
    ($name:ident) => {
        $crate::tc!($name, "");
    };
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::TcContext, |c| {
            $name(&mut c) as i32 as u32
        });
    };
}
