//! What the contexts that are a `struct sk_buff` (tc, cgroup_skb, socket filter) share:
//! the linear data, `bpf_skb_load_bytes` and the length.

use crate::helpers::sys;
use core::ffi::c_void;

/// The linear part of the packet, read-only.
///
/// # Safety
/// `skb` is the live `struct sk_buff` the kernel passed to the entry point, and the
/// returned borrow does not outlive the run.
pub(super) unsafe fn data<'a>(skb: *const c_void) -> &'a [u8] {
    let mut end: u64 = 0;
    // SAFETY: skb is the live sk_buff; iu_skb_data only reads it and stores the end
    // of the linear data into `end`.
    let start = unsafe { sys::iu_skb_data(skb, &mut end) };
    let len = end.saturating_sub(start) as usize;
    if start == 0 {
        return &[];
    }
    // SAFETY: the kernel runtime returned the bounds of the linear buffer, valid for
    // the run; the slice is shared.
    unsafe { core::slice::from_raw_parts(start as *const u8, len) }
}

/// `bpf_skb_load_bytes`: copies `buf.len()` bytes from packet offset `off`.
///
/// # Safety
/// `skb` is the live `struct sk_buff` the kernel passed to the entry point.
pub(super) unsafe fn load_bytes(skb: *const c_void, off: u32, buf: &mut [u8]) -> Result<(), i64> {
    // SAFETY: buf is writable for its length; the helper checks off/len against the skb.
    let rc = unsafe {
        sys::bpf_skb_load_bytes(skb, off, buf.as_mut_ptr() as *mut c_void, buf.len() as u32)
    };
    if rc == 0 { Ok(()) } else { Err(rc) }
}

/// `skb->len`, including non-linear parts.
///
/// # Safety
/// As for [`load_bytes`].
pub(super) unsafe fn len(skb: *const c_void) -> u32 {
    // SAFETY: skb is a live sk_buff; the runtime only reads skb->len.
    unsafe { sys::iu_skb_len(skb) }
}
