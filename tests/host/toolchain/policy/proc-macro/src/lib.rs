//! hello: a tracepoint program on syscalls/sys_enter_getpid that prints the caller's pid
//! with bpf_trace_printk (read it from /sys/kernel/tracing/trace_pipe).
#![no_std]

use iu::prelude::*;

fn hello(_ctx: &TracepointContext) -> u32 {
    let pid = current_pid_tgid() >> 32;
    iu::trace_printk!("hello from pid %d\n", pid);
    0
}

iu::tracepoint!(hello, "syscalls/sys_enter_getpid");
