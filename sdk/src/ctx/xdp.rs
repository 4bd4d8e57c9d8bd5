//! The XDP hook: [`XdpContext`] (the packet in `struct xdp_buff`), [`XdpAction`] and
//! [`xdp!`](crate::xdp!).

use super::LockContext;
use crate::helpers::sys;
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

super::context!(XdpContext<'_>, buf, XDP);

impl crate::sealed::Lock for XdpContext<'_> {}
impl LockContext for XdpContext<'_> {}

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

/// Declares an XDP program: `iu::xdp!(handler);` or `iu::xdp!(handler, "eth0");` where
/// `fn handler(ctx: &mut XdpContext) -> XdpAction`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! xdp {
    ($name:ident) => {
        $crate::xdp!($name, "");
    };
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::XdpContext, |c| {
            $name(&mut c) as u32
        });
    };
}
