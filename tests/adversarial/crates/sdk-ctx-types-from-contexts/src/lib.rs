//! Every public program macro: each program's type in the image is the one its context implies.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

fn x(_c: &mut XdpContext) -> XdpAction {
    XdpAction::Pass
}
fn t(_c: &mut TcContext) -> TcAction {
    TcAction::Ok
}
fn k(_c: &KprobeContext) -> u32 {
    0
}
fn kr(_c: &KprobeContext) -> u32 {
    0
}
fn tp(_c: &TracepointContext) -> u32 {
    0
}
fn rt(_c: &RawTracepointContext) -> u32 {
    0
}
fn pe(_c: &PerfEventContext) -> u32 {
    0
}

iu::xdp!(x);
iu::tc!(t);
iu::kprobe!(k, "do_sys_openat2");
iu::kretprobe!(kr, "do_sys_openat2");
iu::tracepoint!(tp, "syscalls/sys_enter_getpid");
iu::raw_tracepoint!(rt, "sys_enter");
iu::perf_event!(pe, "cpu-clock");
