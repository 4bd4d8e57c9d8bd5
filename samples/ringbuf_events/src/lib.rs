//! ringbuf_events: one record per process exec and per process exit, streamed to user
//! space through a BPF ring buffer (`EVENTS`). The exec handler uses the reservation
//! guard (`reserve` + `submit`), the exit handler `output`.
#![no_std]

use iu::prelude::*;

iu::pod_struct! {
    /// One event as user space reads it (32 bytes).
    pub struct Event {
        /// 1 = exec, 2 = exit.
        pub kind: u32,
        pub pid: u32,
        pub uid: u32,
        /// Always 0 (keeps the record free of padding).
        pub pad: u32,
        pub comm: [u8; 16],
    }
}

iu::map!(EVENTS: RingBuf, max_entries = 64 * 1024);

fn on_exec(_ctx: &TracepointContext) -> u32 {
    if let Some(mut e) = EVENTS.reserve::<Event>() {
        e.kind = 1;
        e.pid = current_pid();
        e.uid = current_uid_gid() as u32;
        e.comm = current_comm();
        e.submit(0);
    }
    0
}

fn on_exit(_ctx: &TracepointContext) -> u32 {
    // One event per process, not per thread.
    if current_pid() != current_tid() {
        return 0;
    }
    let e = Event {
        kind: 2,
        pid: current_pid(),
        uid: current_uid_gid() as u32,
        pad: 0,
        comm: current_comm(),
    };
    let _ = EVENTS.output(&e, 0);
    0
}

iu::tracepoint!(on_exec, "sched/sched_process_exec");
iu::tracepoint!(on_exit, "sched/sched_process_exit");
