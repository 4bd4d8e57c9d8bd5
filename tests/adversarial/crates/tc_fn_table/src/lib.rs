//! A valid program that calls through a table of function pointers: the table holds
//! code pointers (R_X86_64_RELATIVE relocations into the text), each of which must land
//! on endbr64. The adversarial tests edit bytes of its image.
#![no_std]

use iu::prelude::*;

fn double(x: u32) -> u32 {
    x.wrapping_mul(2)
}

fn square(x: u32) -> u32 {
    x.wrapping_mul(x)
}

static OPS: [fn(u32) -> u32; 2] = [double, square];

fn prog(_ctx: &TracepointContext) -> u32 {
    let pid = (current_pid_tgid() >> 32) as u32;
    let ops = core::hint::black_box(&OPS);
    ops[(pid & 1) as usize](pid)
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
