//! The tracepoint hook: [`TracepointContext`] (the raw trace record) and
//! [`tracepoint!`](crate::tracepoint!).

use crate::Pod;
use crate::helpers::probe_read;
use core::ffi::c_void;

super::context!(TracepointContext, rec, TRACEPOINT);

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

/// Declares a tracepoint program: `iu::tracepoint!(handler, "category/name");` where
/// `fn handler(ctx: &TracepointContext) -> u32`. The program's name is the handler's.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! tracepoint {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::TracepointContext, |c| {
            $name(&c)
        });
    };
}
