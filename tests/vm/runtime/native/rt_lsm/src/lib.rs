//! An LSM program that panics on exec of a binary named `iu-lsm-panic` and denies
//! nothing else; attached by tests/vm/runtime/lsm.test.ts. The panicking invocation must
//! return the hook's default, 0 (allow), and be counted and logged.
#![no_std]

use core::hint::black_box;
use iu::prelude::*;

const BPRM_FILENAME: u64 = 96;

fn lsm_panic(ctx: &LsmContext) -> LsmAction {
    let name: u64 = ctx
        .read_kernel(ctx.arg_or_zero(0) + BPRM_FILENAME)
        .unwrap_or(0);
    let mut buf = [0u8; 128];
    let n = probe_read_kernel_str(&mut buf, name).unwrap_or(0);
    if buf[..n].ends_with(b"/iu-lsm-panic") {
        let v = [1u8; 4];
        // PANIC-SITE: lsm
        return LsmAction::Deny(Errno::new(v[black_box(9)] as u32).unwrap_or(Errno::EPERM));
    }
    LsmAction::Allow
}

iu::lsm!(lsm_panic, "bprm_check_security");
