//! The SDK's user-space backend (sdk/src/host) against the kernel's semantics: map flags
//! and errors, capacity, LRU eviction, per-CPU copies, queues, ring-buffer ordering,
//! helper doubles. Run by tests/host/usertest/usertest.test.ts with `iu test`.
#![no_std]

use iu::prelude::*;

iu::map!(H: Hash<u32, u64>, max_entries = 2);
iu::map!(A: Array<u32, u32>, max_entries = 4);
iu::map!(PCA: PerCpuArray<u32, u64>, max_entries = 4);
iu::map!(PCH: PerCpuHash<u32, u32>, max_entries = 4);
iu::map!(LRU: LruHash<u32, u32>, max_entries = 3);
iu::map!(Q: Queue<u32>, max_entries = 2);
iu::map!(S: Stack<u32>, max_entries = 2);
iu::map!(RB: RingBuf, max_entries = 64);
iu::map!(PERF: PerfEventArray, max_entries = 4);
iu::map!(DEVS: DevMap, max_entries = 4);
iu::map!(LOCKED: Array<u32, SpinLocked<u64>>, max_entries = 2);
iu::map!(LOCKED_H: Hash<u32, SpinLocked<u64>>, max_entries = 2);
iu::map!(ATOM: Array<u32, u64>, max_entries = 2);
iu::map!(ATOM_H: Hash<u32, i32>, max_entries = 2);
iu::map!(ATOM_PC: PerCpuArray<u32, u32>, max_entries = 1);

/// An XDP program that tunnels: pushes 4 bytes in front and trims 2 at the end.
fn grow(ctx: &mut XdpContext) -> XdpAction {
    if ctx.adjust_head(-4).is_err() || ctx.adjust_tail(-2).is_err() {
        return XdpAction::Aborted;
    }
    ctx.data()[..4].copy_from_slice(b"HEAD");
    DEVS.redirect(ctx, 1, XdpAction::Pass)
}

/// Counts under the element's lock and forgets the guard and a ring-buffer reservation:
/// safe, because the end of the run releases both (as the kernel runtime does).
fn leaky(ctx: &mut XdpContext) -> XdpAction {
    let Some(mut g) = LOCKED.lock(ctx, &0) else {
        return XdpAction::Aborted;
    };
    *g += 1;
    core::mem::forget(g);
    if let Some(r) = RB.reserve::<u64>() {
        core::mem::forget(r);
    }
    XdpAction::Pass
}

/// A tc program that rewrites the IPv4 source address and fixes the header checksum.
fn nat(ctx: &mut TcContext) -> TcAction {
    let mut old = [0u8; 4];
    if ctx.load_bytes(14 + 12, &mut old).is_err() {
        return TcAction::Shot;
    }
    let new = [192u8, 168, 1, 1];
    let _ = ctx.store_bytes(14 + 12, &new, 0);
    let from = u32::from_ne_bytes(old) as u64;
    let to = u32::from_ne_bytes(new) as u64;
    let _ = ctx.l3_csum_replace(14 + 10, from, to, 4);
    ctx.redirect(3, 0)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::{Packet, Tracepoint};
    use iu::net::{Ipv4, checksum};

    #[test]
    fn atomics_in_place() {
        assert_eq!(ATOM.fetch_add(&0, 5), Some(0));
        assert_eq!(ATOM.fetch_add(&0, u64::MAX), Some(5), "wraps");
        assert_eq!(ATOM.get(&0), Some(4));
        assert_eq!(ATOM.fetch_or(&0, 0b11), Some(4));
        assert_eq!(ATOM.fetch_and(&0, 0b110), Some(7));
        assert_eq!(ATOM.fetch_xor(&0, 0b10), Some(6));
        assert_eq!(ATOM.swap(&0, 9), Some(4));
        assert_eq!(ATOM.compare_exchange(&0, 1, 2), Some(Err(9)));
        assert_eq!(ATOM.compare_exchange(&0, 9, 2), Some(Ok(9)));
        assert_eq!(ATOM.get(&0), Some(2));
        assert_eq!(ATOM.fetch_add(&2, 1), None, "out of the array");
        assert_eq!(ATOM_H.fetch_add(&1, -1), None, "no element: nothing is inserted");
        assert_eq!(ATOM_H.update(&1, &10, BPF_ANY), Ok(()));
        assert_eq!(ATOM_H.fetch_add(&1, -11), Some(10));
        assert_eq!(ATOM_H.get(&1), Some(-1));
        assert_eq!(ATOM_PC.fetch_add(&0, 3), Some(0));
        iu::host::set_cpu(1);
        assert_eq!(ATOM_PC.fetch_add(&0, 1), Some(0), "each CPU its own copy");
        assert_eq!(ATOM_PC.host_values(&0), std::vec![3, 1]);
    }

    #[test]
    fn hash_flags_capacity_and_errors() {
        assert_eq!(H.update(&1, &10, BPF_EXIST), Err(-2));
        assert_eq!(H.update(&1, &10, BPF_NOEXIST), Ok(()));
        assert_eq!(H.update(&1, &11, BPF_NOEXIST), Err(-17));
        assert_eq!(H.update(&1, &12, BPF_EXIST), Ok(()));
        assert_eq!(H.update(&2, &20, BPF_ANY), Ok(()));
        assert_eq!(H.update(&3, &30, BPF_ANY), Err(-7), "full: E2BIG");
        assert_eq!(H.update(&1, &13, 9), Err(-22));
        assert_eq!(H.get(&1), Some(12));
        assert_eq!(H.delete(&1), Ok(()));
        assert_eq!(H.delete(&1), Err(-2));
        assert_eq!(H.update(&3, &30, BPF_ANY), Ok(()));
        assert!(H.set(&3, 31));
        assert!(!H.set(&4, 40));
        assert_eq!(H.host_entries(), [(2, 20), (3, 31)]);
    }

    #[test]
    fn array_bounds_and_flags() {
        assert_eq!(A.get(&3), Some(0), "arrays are preallocated and zeroed");
        assert_eq!(A.get(&4), None);
        assert_eq!(A.update(&4, &1, BPF_ANY), Err(-7));
        assert_eq!(A.update(&0, &1, BPF_NOEXIST), Err(-17));
        assert_eq!(A.update(&0, &1, BPF_EXIST), Ok(()));
        assert_eq!(A.get(&0), Some(1));
    }

    #[test]
    fn per_cpu_copies() {
        assert_eq!(iu::host::nr_cpus(), 2);
        PCA.set(&1, 5);
        iu::host::set_cpu(1);
        assert_eq!(PCA.get(&1), Some(0), "CPU 1 sees its own copy");
        PCA.set(&1, 7);
        assert_eq!(PCA.host_values(&1), [5, 7]);
        assert_eq!(PCH.update(&9, &3, BPF_ANY), Ok(()));
        assert_eq!(
            PCH.host_values(&9),
            [0, 3],
            "a new element: other CPUs zeroed"
        );
        assert_eq!(smp_processor_id(), 1);
    }

    #[test]
    fn lru_evicts_the_least_recently_used() {
        for k in 1..=3 {
            LRU.update(&k, &(k * 10), BPF_ANY).unwrap();
        }
        assert_eq!(LRU.get(&1), Some(10), "touch 1: 2 is now the oldest");
        LRU.update(&4, &40, BPF_ANY).unwrap();
        assert_eq!(LRU.get(&2), None);
        let keys: [u32; 3] = core::array::from_fn(|i| LRU.host_entries()[i].0);
        assert_eq!(keys, [3, 1, 4]);
    }

    #[test]
    fn queue_and_stack() {
        Q.push(&1, 0).unwrap();
        Q.push(&2, 0).unwrap();
        assert_eq!(Q.push(&3, 0), Err(-7));
        Q.push(&3, BPF_EXIST).unwrap();
        assert_eq!(
            (Q.peek(), Q.pop(), Q.pop(), Q.pop()),
            (Some(2), Some(2), Some(3), None)
        );
        S.push(&1, 0).unwrap();
        S.push(&2, 0).unwrap();
        assert_eq!((S.pop(), S.pop(), S.pop()), (Some(2), Some(1), None));
    }

    #[test]
    fn ring_buffer_order_and_capacity() {
        let mut a = RB.reserve::<u64>().unwrap();
        *a = 1;
        RB.output(&2u64, 0).unwrap();
        assert!(
            RB.host_drain().is_empty(),
            "a pending reservation holds back later records"
        );
        a.submit(0);
        let b = RB.reserve::<u64>().unwrap();
        b.discard(0);
        assert_eq!(RB.host_drain_as::<u64>(), [1, 2]);
        // 64 bytes hold four 16-byte records (8-byte header each).
        for i in 0..5u64 {
            assert_eq!(RB.output(&i, 0).is_ok(), i < 4);
        }
        assert!(RB.reserve::<u64>().is_none());
        assert_eq!(RB.host_drain().len(), 4);
    }

    #[test]
    fn perf_output_goes_to_the_current_cpu() {
        iu::host::set_cpu(1);
        let tp = Tracepoint::new(8);
        tp.run(|ctx| PERF.output(ctx, &7u32)).unwrap();
        tp.run(|ctx| PERF.output_to(ctx, &8u32, 3)).unwrap();
        assert_eq!(tp.run(|ctx| PERF.output_to(ctx, &9u32, 4)), Err(-7));
        let got = PERF.host_drain();
        assert_eq!(
            got[0],
            (
                1,
                iu::host::pod_from_bytes::<[u8; 4]>(&7u32.to_ne_bytes()).to_vec()
            )
        );
        assert_eq!(got[1].0, 3);
    }

    #[test]
    fn xdp_adjust_and_devmap_redirect() {
        let mut pkt = Packet::new(&[0xaa; 20]);
        assert_eq!(pkt.xdp(grow), XdpAction::Pass, "no device at key 1");
        assert_eq!(pkt.data().len(), 22);
        assert_eq!(&pkt.data()[..6], b"HEAD\xaa\xaa");
        DEVS.host_set(1, 7);
        assert_eq!(pkt.xdp(grow), XdpAction::Redirect);
        assert_eq!(iu::host::redirects()[0].ifindex, 7);
        // Shrinking below an Ethernet header is refused, as in the kernel.
        let mut tiny = Packet::new(&[0; 10]);
        assert_eq!(tiny.xdp(grow), XdpAction::Aborted);
    }

    #[test]
    fn tc_store_bytes_and_checksum_replace() {
        let mut frame = [0u8; 14 + 20];
        frame[12] = 8;
        frame[14] = 0x45;
        frame[14 + 8] = 64;
        frame[14 + 9] = 17;
        frame[14 + 12..14 + 20].copy_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        let c = checksum(&frame[14..]);
        frame[14 + 10..14 + 12].copy_from_slice(&c.to_be_bytes());
        let mut pkt = Packet::new(&frame);
        assert_eq!(pkt.tc(nat), TcAction::Redirect);
        let (ip, _) = Ipv4::parse(&pkt.data()[14..]).unwrap();
        assert_eq!(ip.saddr(), 0xc0a8_0101);
        assert_eq!(
            checksum(ip.bytes()),
            0,
            "the incremental update gives a valid checksum"
        );
        assert_eq!(iu::host::redirects()[0].ifindex, 3);
    }

    #[test]
    fn helper_doubles() {
        iu::host::set_random(&[4, 5]);
        assert_eq!((prandom_u32(), prandom_u32()), (4, 5));
        iu::host::set_time_ns(123);
        assert_eq!(ktime_get_ns(), 123);
        iu::host::set_uid_gid(1000, 100);
        assert_eq!(current_uid_gid(), (100 << 32) | 1000);
        iu::host::set_comm("a-very-long-command-name");
        assert_eq!(&current_comm(), b"a-very-long-com\0");
        assert_eq!(send_signal(9), Ok(()));
        assert_eq!(iu::host::signals(), [9]);
        iu::trace_printk!("%d %u %x\n", -5i32, 7u32, 255u32);
        iu::trace_printk!("%lld %c%%", -1i64, b'z');
        assert_eq!(iu::host::trace_lines(), ["-5 7 ff", "-1 z%"]);
    }

    #[test]
    fn probe_reads_from_provided_memory() {
        iu::host::user_memory(0x1000, b"hello\0world");
        let mut buf = [0u8; 16];
        assert_eq!(probe_read_user_str(&mut buf, 0x1000), Some(5));
        assert_eq!(&buf[..6], b"hello\0");
        let mut small = [0u8; 3];
        assert_eq!(
            probe_read_user_str(&mut small, 0x1000),
            Some(2),
            "truncated, NUL-terminated"
        );
        assert_eq!(
            probe_read_user::<u32>(0x1006),
            Some(u32::from_ne_bytes(*b"worl"))
        );
        assert_eq!(
            probe_read_user::<u64>(0x1006),
            None,
            "past the end: a fault"
        );
        assert_eq!(
            probe_read_kernel::<u8>(0x1000),
            None,
            "user memory is not kernel memory"
        );
    }

    #[test]
    fn spin_lock_guard_unlocks_on_drop_and_at_the_end_of_a_run() {
        let mut pkt = Packet::new(&[0u8; 64]);
        pkt.xdp(|ctx| {
            assert!(LOCKED.lock(ctx, &2).is_none(), "out of range");
            assert!(LOCKED_H.lock(ctx, &1).is_none(), "no element");
            LOCKED_H.insert(&1, 5, BPF_ANY).unwrap();
            {
                let mut g = LOCKED_H.lock(ctx, &1).unwrap();
                *g += 1;
                assert_eq!(*g, 6);
            }
            assert_eq!(
                LOCKED_H.with_lock(ctx, &1, |v| *v),
                Some(6),
                "dropped: unlocked"
            );
            assert_eq!(LOCKED_H.insert(&1, 7, 4), Err(-22), "no BPF_F_LOCK");
            assert_eq!(LOCKED_H.insert(&1, 7, BPF_NOEXIST), Err(-17));
            LOCKED_H.insert(&1, 7, BPF_EXIST).unwrap();
        });
        assert_eq!(
            LOCKED_H.host_value(&1),
            Some(7),
            "insert replaced the value"
        );
        for _ in 0..3 {
            assert_eq!(
                pkt.xdp(leaky),
                XdpAction::Pass,
                "the forgotten lock was released"
            );
        }
        assert_eq!(LOCKED.host_value(&0), Some(3));
        assert_eq!(pkt.xdp(|ctx| LOCKED.with_lock(ctx, &0, |v| *v)), Some(3));
        assert!(
            RB.host_drain().is_empty(),
            "forgotten reservations were discarded"
        );
        assert!(
            RB.reserve::<u64>().is_some(),
            "and their space is free again"
        );
    }

    #[test]
    fn a_second_spin_lock_is_a_panic() {
        LOCKED_H.insert(&1, 0, BPF_ANY).unwrap();
        let r = std::panic::catch_unwind(|| {
            Packet::new(&[0u8; 64]).xdp(|ctx| {
                let _a = LOCKED.lock(ctx, &0);
                let _b = LOCKED_H.lock(ctx, &1);
            })
        });
        let msg = r.unwrap_err();
        let msg = msg.downcast_ref::<&str>().copied();
        assert_eq!(msg, Some("bpf_spin_lock while a spin lock is held"));
        assert_eq!(
            Packet::new(&[0u8; 64]).xdp(|ctx| LOCKED.with_lock(ctx, &0, |v| *v)),
            Some(0),
            "both unlocked after the panic"
        );
    }
}
