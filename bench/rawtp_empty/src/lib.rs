//! Empty raw tracepoint program (test-run through BPF_PROG_TEST_RUN, never attached).
#![no_std]

use iu::prelude::*;

fn rawtp_empty(_ctx: &RawTracepointContext) -> u32 {
    0
}

iu::raw_tracepoint!(rawtp_empty, "sys_enter");
