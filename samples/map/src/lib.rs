//! map: counts getpid() calls per process (tgid) in a hash map that user space reads.
#![no_std]

use iu::prelude::*;

iu::map!(COUNTS: Hash<u32, u64>, max_entries = 1024);

fn count_getpid(_ctx: &TracepointContext) -> u32 {
    let pid = current_pid();
    match COUNTS.get(&pid) {
        // Another CPU may race us between get and set, as in eBPF without atomics.
        Some(n) => {
            COUNTS.set(&pid, n + 1);
        }
        None => {
            let _ = COUNTS.update(&pid, &1, BPF_NOEXIST);
        }
    }
    0
}

iu::tracepoint!(count_getpid, "syscalls/sys_enter_getpid");

#[cfg(test)]
mod tests {
    use super::*;
    use iu::host::{Json, Tracepoint};

    /// The same input as the VM test (tests/vm/samples/map.test.ts): one process calls
    /// getpid() N times.
    #[test]
    fn agrees_with_the_vm_fixture() {
        let f = Json::parse(include_str!("../fixture.json"));
        iu::host::set_pid_tgid(77, 77);
        // sys_enter_getpid: the common header and the syscall number.
        let rec = Tracepoint::new(16).common_pid(77).set(8, 39u64);
        for _ in 0..f.get("calls").int() {
            assert_eq!(rec.run(count_getpid), 0);
        }
        assert_eq!(
            COUNTS.get(&77).map(|n| n as i128),
            Some(f.get("count").int())
        );
        assert_eq!(COUNTS.host_entries().len(), 1);
    }

    #[test]
    fn counts_each_pid_separately() {
        let rec = Tracepoint::new(16);
        for pid in [1u32, 2, 2, 3, 3, 3] {
            iu::host::set_pid_tgid(pid, pid);
            rec.run(count_getpid);
        }
        assert_eq!(COUNTS.host_entries(), [(1, 1), (2, 2), (3, 3)]);
    }

    #[test]
    fn a_full_map_drops_new_pids() {
        let rec = Tracepoint::new(16);
        for pid in 0..1025u32 {
            iu::host::set_pid_tgid(pid, pid);
            rec.run(count_getpid);
        }
        assert_eq!(COUNTS.host_entries().len(), 1024);
        assert_eq!(
            COUNTS.get(&1024),
            None,
            "update fails with E2BIG, as in the kernel"
        );
        assert_eq!(COUNTS.update(&5000, &1, BPF_NOEXIST), Err(-7));
        assert_eq!(COUNTS.update(&0, &1, BPF_NOEXIST), Err(-17));
    }
}
