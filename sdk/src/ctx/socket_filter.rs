//! Socket filters: [`SocketFilterContext`] (a `struct sk_buff` a socket receives) and
//! [`socket_filter!`](crate::socket_filter!).
//!
//! The program returns how many bytes of the packet the socket keeps: 0 drops it, a
//! length at or past the packet's keeps all of it. The verifier gives socket filters no
//! direct packet access (only `bpf_skb_load_bytes`), so neither does the context.

use core::ffi::c_void;

super::context!(SocketFilterContext, skb, SOCKET_FILTER);

/// The context of a socket filter: the packet the socket receives.
pub struct SocketFilterContext {
    skb: *const c_void,
}

impl SocketFilterContext {
    /// # Safety
    /// `ctx` must be the `struct sk_buff *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        SocketFilterContext { skb: ctx }
    }

    /// `bpf_skb_load_bytes`: copies `buf.len()` bytes from packet offset `off` (where the
    /// socket's data starts: the MAC header for a packet socket, the transport payload's
    /// header for others).
    pub fn load_bytes(&self, off: u32, buf: &mut [u8]) -> Result<(), i64> {
        // SAFETY: skb is the kernel's sk_buff of this run.
        unsafe { super::skb::load_bytes(self.skb, off, buf) }
    }

    /// Total packet length (`skb->len`).
    pub fn len(&self) -> u32 {
        // SAFETY: as in load_bytes.
        unsafe { super::skb::len(self.skb) }
    }

    /// True for an empty packet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Declares a socket filter: `iu::socket_filter!(handler);` where
/// `fn handler(ctx: &SocketFilterContext) -> u32` returns the bytes to keep (0 drops the
/// packet). It is attached to a socket: `iu attach ID socket:PID:FD`, or
/// `Program.attachSocket(fd)` for a socket of the calling process.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! socket_filter {
    ($name:ident) => {
        $crate::__iu_program!($name, "", $crate::ctx::SocketFilterContext, |c| {
            $name(&c)
        });
    };
}
