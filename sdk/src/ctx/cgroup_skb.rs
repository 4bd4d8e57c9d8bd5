//! cgroup_skb: [`CgroupSkbContext`] (a `struct sk_buff` a cgroup's socket sends or
//! receives), [`CgroupSkbAction`] and [`cgroup_skb!`](crate::cgroup_skb!).
//!
//! The packet starts at the network header, as for eBPF. The verifier lets cgroup_skb
//! programs read packet data but not write it; the context offers reads only.

use crate::decl::attach_type::{CGROUP_INET_EGRESS, CGROUP_INET_INGRESS};
use core::ffi::c_void;

super::context!(CgroupSkbIngress, skb, CGROUP_SKB, CGROUP_INET_INGRESS);
super::context!(CgroupSkbEgress, skb, CGROUP_SKB, CGROUP_INET_EGRESS);

/// What a cgroup_skb program decides for a packet (the verifier's range: 0 or 1).
#[repr(u32)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CgroupSkbAction {
    /// Drop the packet (also the default after a panic): the sender sees EPERM.
    Drop = 0,
    /// Let the packet through.
    Pass = 1,
}

/// The context of a cgroup_skb program: the packet, from its network header.
pub struct CgroupSkbContext {
    skb: *const c_void,
}

/// The ingress declaration's context type (the attach type is part of the record).
#[doc(hidden)]
pub struct CgroupSkbIngress {
    skb: *const c_void,
}
/// The egress declaration's context type.
#[doc(hidden)]
pub struct CgroupSkbEgress {
    skb: *const c_void,
}

macro_rules! dir_impl {
    ($t:ident) => {
        impl $t {
            /// # Safety
            /// `ctx` must be the `struct sk_buff *` the kernel passed to the entry point.
            pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
                $t { skb: ctx }
            }

            #[doc(hidden)]
            pub fn __iu_ctx(&self) -> CgroupSkbContext {
                CgroupSkbContext { skb: self.skb }
            }
        }
    };
}
dir_impl!(CgroupSkbIngress);
dir_impl!(CgroupSkbEgress);

impl CgroupSkbContext {
    /// The linear part of the packet, from the network header, read-only.
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

/// Declares a cgroup_skb program: `iu::cgroup_skb!(handler, ingress);` or `egress`, where
/// `fn handler(ctx: &CgroupSkbContext) -> CgroupSkbAction`. The cgroup is chosen at attach
/// time (`iu attach ID cgroup_skb:/sys/fs/cgroup/NAME:ingress`), or given as a third
/// argument: `iu::cgroup_skb!(handler, egress, "/sys/fs/cgroup/NAME")`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! cgroup_skb {
    ($name:ident, ingress) => {
        $crate::cgroup_skb!($name, ingress, "");
    };
    ($name:ident, egress) => {
        $crate::cgroup_skb!($name, egress, "");
    };
    ($name:ident, ingress, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::CgroupSkbIngress, |c| {
            $name(&c.__iu_ctx()) as u32
        });
    };
    ($name:ident, egress, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::CgroupSkbEgress, |c| {
            $name(&c.__iu_ctx()) as u32
        });
    };
}
