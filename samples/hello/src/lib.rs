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

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::{Json, Tracepoint};

    /// The same line the VM test expects (tests/vm/samples/hello.test.ts).
    #[test]
    fn agrees_with_the_vm_fixture() {
        let f = Json::parse(include_str!("../fixture.json"));
        let pid = f.get("pid").int() as u32;
        iu::host::set_pid_tgid(pid, pid + 1);
        assert_eq!(Tracepoint::new(16).run(hello), 0);
        let want = f.get("line").str().replace("PID", &std::format!("{pid}"));
        assert_eq!(iu::host::trace_lines(), [want]);
    }
}
