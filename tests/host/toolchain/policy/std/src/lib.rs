use iu::prelude::*;

fn prog(_ctx: &TracepointContext) -> u32 {
    std::process::id()
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
