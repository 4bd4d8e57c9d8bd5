//! The raw tracepoint hook: [`RawTracepointContext`] (the tracepoint's arguments) and
//! [`raw_tracepoint!`](crate::raw_tracepoint!).

use crate::helpers::probe_read;
use core::ffi::c_void;

super::context!(RawTracepointContext, args, RAW_TRACEPOINT);

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

/// Declares a raw tracepoint program: `iu::raw_tracepoint!(handler, "sys_enter");` where
/// `fn handler(ctx: &RawTracepointContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! raw_tracepoint {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::RawTracepointContext, |c| {
            $name(&c)
        });
    };
}
