//! The same from a kprobe through a generic helper function.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Hash<u32, SpinLocked<u64>>, max_entries = 1);

fn bump<C: Context>(c: &C) {
    let _ = L.lock(c, &0);
}

fn k(ctx: &KprobeContext) -> u32 {
    bump(ctx);
    0
}

iu::kprobe!(k, "do_sys_openat2");
