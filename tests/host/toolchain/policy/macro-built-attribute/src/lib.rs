#![no_std]
// The attribute is assembled from a macro argument. Here it is a harmless inline(always),
// but it could as well be target_feature(enable = "avx2") or path = "...", which would
// then never appear inside a literal attribute in the source: refused whatever it is.

use iu::prelude::*;

macro_rules! with_attr {
    ($a:meta) => {
        #[$a]
        fn fast() -> u32 {
            1
        }
    };
}

with_attr!(inline(always));

fn prog(_ctx: &TracepointContext) -> u32 {
    fast()
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
