//! The perf_event hook: [`PerfEventContext`] (`struct bpf_perf_event_data_kern`) and
//! [`perf_event!`](crate::perf_event!).

use super::{PtRegs, REG_IP, REG_SP, reg};
use crate::helpers::probe_read;
use core::ffi::c_void;

super::context!(PerfEventContext, kern, PERF_EVENT);

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

/// Declares a perf_event program: `iu::perf_event!(handler, "cpu-clock");` where
/// `fn handler(ctx: &PerfEventContext) -> u32`.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! perf_event {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::PerfEventContext, |c| {
            $name(&c)
        });
    };
}
