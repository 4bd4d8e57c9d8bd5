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

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::Tracepoint;

    #[test]
    fn exec_and_exit_events_in_order() {
        iu::host::set_pid_tgid(100, 100);
        iu::host::set_uid_gid(1000, 1000);
        iu::host::set_comm("true");
        Tracepoint::new(32).run(on_exec);
        Tracepoint::new(32).run(on_exit);
        // A thread (tid != pid) exiting is not reported.
        iu::host::set_pid_tgid(100, 101);
        Tracepoint::new(32).run(on_exit);
        let ev = EVENTS.host_drain_as::<Event>();
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[0].kind, ev[0].pid, ev[0].uid), (1, 100, 1000));
        assert_eq!(ev[1].kind, 2);
        assert_eq!(&ev[0].comm[..5], b"true\0");
        assert!(EVENTS.host_drain().is_empty(), "drained");
    }

    #[test]
    fn a_full_ring_drops_events() {
        // 64 KiB of 32-byte records (40 with the header): 1638 fit.
        for _ in 0..2000 {
            Tracepoint::new(32).run(on_exec);
        }
        assert_eq!(EVENTS.host_drain().len(), 64 * 1024 / 40);
    }
}
