//! The host versions of the kernel symbols the SDK calls, with the same signatures as
//! the `extern "C"` declarations in `helpers.rs`, so that the SDK's call sites are the
//! same on both sides of the seam.
#![allow(missing_docs, clippy::missing_safety_doc)]

use super::state::{Redirect, State, count_call, with};
use super::{errno::*, format_printk};
use crate::maps::host_view::def_info;
use core::ffi::c_void;
use std::prelude::rust_2024::*;

const HASH: u32 = 1;
const ARRAY: u32 = 2;
const PERCPU_HASH: u32 = 5;
const PERCPU_ARRAY: u32 = 6;
const LRU_HASH: u32 = 9;
const LRU_PERCPU_HASH: u32 = 10;
const DEVMAP: u32 = 14;
const QUEUE: u32 = 22;
const RINGBUF: u32 = 27;

fn percpu(ty: u32) -> bool {
    matches!(ty, PERCPU_HASH | PERCPU_ARRAY | LRU_PERCPU_HASH)
}
fn is_array(ty: u32) -> bool {
    matches!(ty, ARRAY | PERCPU_ARRAY | DEVMAP)
}
fn is_hash(ty: u32) -> bool {
    matches!(ty, HASH | PERCPU_HASH | LRU_HASH | LRU_PERCPU_HASH)
}

/// This thread's state for the map declared at `m` (created empty on first use).
pub(crate) fn map_state(s: &mut State, m: *const c_void) -> &mut super::state::MapState {
    let ncpu = s.nr_cpus;
    s.maps.entry(m as usize).or_insert_with(|| {
        let (ty, key_size, value_size, max, iu_flags) = def_info(m);
        let _ = ncpu;
        super::state::MapState {
            ty,
            key_size,
            value_size,
            max,
            spin_lock: iu_flags & crate::maps::IU_MAP_F_SPIN_LOCK != 0,
            entries: Vec::new(),
            slots: Default::default(),
            fifo: Default::default(),
            ring: Default::default(),
            ring_used: 0,
            perf: Vec::new(),
        }
    })
}

fn bytes<'a>(p: *const c_void, n: usize) -> &'a [u8] {
    // SAFETY: the SDK passes pointers to live keys/values of the map's sizes.
    unsafe { core::slice::from_raw_parts(p as *const u8, n) }
}

fn value_ptr(b: &mut [u64], cpu: usize, words: usize, pc: bool) -> *mut c_void {
    let off = if pc { cpu * words } else { 0 };
    b[off..].as_mut_ptr() as *mut c_void
}

/// Copies a value into an element as the kernel's copy_map_value does: the 4-byte
/// `bpf_spin_lock` at offset 0 of a spin-locked map's value is never written.
fn write_value(b: &mut [u64], cpu: usize, words: usize, pc: bool, v: &[u8], lock: bool) {
    let p = value_ptr(b, cpu, words, pc) as *mut u8;
    let skip = if lock { 4 } else { 0 };
    // SAFETY: the copy has room for one value (words * 8 >= v.len() >= skip).
    unsafe { core::ptr::copy_nonoverlapping(v[skip..].as_ptr(), p.add(skip), v.len() - skip) };
}

fn zeroed_value(words: usize, ncpu: u32, pc: bool) -> Box<[u64]> {
    std::vec![0u64; if pc { words * ncpu as usize } else { words }].into_boxed_slice()
}

fn index(key: &[u8]) -> u32 {
    let mut k = [0u8; 4];
    k.copy_from_slice(&key[..4]);
    u32::from_ne_bytes(k)
}

pub unsafe fn bpf_map_lookup_elem(m: *mut c_void, key: *const c_void) -> *mut c_void {
    count_call();
    with(|s| {
        let (cpu, ncpu) = (s.cpu as usize, s.nr_cpus);
        let st = map_state(s, m);
        let (ty, words, max) = (st.ty, st.words(), st.max);
        let pc = percpu(ty);
        let key = bytes(key, st.key_size);
        if is_array(ty) {
            let i = index(key);
            if i >= max {
                return core::ptr::null_mut();
            }
            let b = st
                .slots
                .entry(i)
                .or_insert_with(|| zeroed_value(words, ncpu, pc));
            return value_ptr(b, cpu, words, pc);
        }
        if is_hash(ty) {
            let Some(i) = st.entries.iter().position(|(k, _)| k == key) else {
                return core::ptr::null_mut();
            };
            if matches!(ty, LRU_HASH | LRU_PERCPU_HASH) {
                let e = st.entries.remove(i);
                st.entries.push(e);
            }
            let n = if matches!(ty, LRU_HASH | LRU_PERCPU_HASH) {
                st.entries.len() - 1
            } else {
                i
            };
            return value_ptr(&mut st.entries[n].1, cpu, words, pc);
        }
        core::ptr::null_mut()
    })
}

pub unsafe fn bpf_map_update_elem(
    m: *mut c_void,
    key: *const c_void,
    value: *const c_void,
    flags: u64,
) -> i64 {
    count_call();
    with(|s| {
        let (cpu, ncpu) = (s.cpu as usize, s.nr_cpus);
        let st = map_state(s, m);
        let (ty, words, max, lock) = (st.ty, st.words(), st.max, st.spin_lock);
        let pc = percpu(ty);
        let key = bytes(key, st.key_size).to_vec();
        let v = bytes(value, st.value_size);
        if flags & !4 > 2 {
            return -EINVAL;
        }
        let flags = flags & 3;
        if is_array(ty) {
            let i = index(&key);
            if i >= max {
                return -E2BIG;
            }
            if flags == crate::maps::BPF_NOEXIST {
                return -EEXIST;
            }
            let b = st
                .slots
                .entry(i)
                .or_insert_with(|| zeroed_value(words, ncpu, pc));
            write_value(b, cpu, words, pc, v, lock);
            return 0;
        }
        if !is_hash(ty) {
            return -EINVAL;
        }
        let lru = matches!(ty, LRU_HASH | LRU_PERCPU_HASH);
        if let Some(i) = st.entries.iter().position(|(k, _)| *k == key) {
            if flags == crate::maps::BPF_NOEXIST {
                return -EEXIST;
            }
            write_value(&mut st.entries[i].1, cpu, words, pc, v, lock);
            if lru {
                let e = st.entries.remove(i);
                st.entries.push(e);
            }
            return 0;
        }
        if flags == crate::maps::BPF_EXIST {
            return -ENOENT;
        }
        let mut dead = None;
        if st.entries.len() >= max as usize {
            if !lru || st.entries.is_empty() {
                return -E2BIG;
            }
            dead = Some(st.entries.remove(0).1);
        }
        let mut b = zeroed_value(words, ncpu, pc);
        write_value(&mut b, cpu, words, pc, v, lock);
        st.entries.push((key, b));
        if let Some(d) = dead {
            s.graveyard.push(d);
        }
        0
    })
}

pub unsafe fn bpf_map_delete_elem(m: *mut c_void, key: *const c_void) -> i64 {
    count_call();
    with(|s| {
        let st = map_state(s, m);
        if !is_hash(st.ty) {
            return -EINVAL;
        }
        let key = bytes(key, st.key_size);
        match st.entries.iter().position(|(k, _)| k == key) {
            Some(i) => {
                // Kept alive until the end of the test: the program may still hold a
                // pointer to it (the kernel frees it after an RCU grace period).
                let e = st.entries.remove(i).1;
                s.graveyard.push(e);
                0
            }
            None => -ENOENT,
        }
    })
}

pub unsafe fn bpf_map_push_elem(m: *mut c_void, value: *const c_void, flags: u64) -> i64 {
    count_call();
    with(|s| {
        let st = map_state(s, m);
        if flags > crate::maps::BPF_EXIST {
            return -EINVAL;
        }
        let v = bytes(value, st.value_size).to_vec();
        if st.fifo.len() >= st.max as usize {
            if flags != crate::maps::BPF_EXIST || st.fifo.is_empty() {
                return -E2BIG;
            }
            st.fifo.pop_front();
        }
        st.fifo.push_back(v);
        0
    })
}

unsafe fn take(m: *mut c_void, out: *mut c_void, pop: bool) -> i64 {
    count_call();
    with(|s| {
        let st = map_state(s, m);
        let v = if st.ty == QUEUE {
            if pop {
                st.fifo.pop_front()
            } else {
                st.fifo.front().cloned()
            }
        } else if pop {
            st.fifo.pop_back()
        } else {
            st.fifo.back().cloned()
        };
        match v {
            Some(v) => {
                // SAFETY: out has room for one value.
                unsafe { core::ptr::copy_nonoverlapping(v.as_ptr(), out as *mut u8, v.len()) };
                0
            }
            None => -ENOENT,
        }
    })
}

pub unsafe fn bpf_map_pop_elem(m: *mut c_void, value: *mut c_void) -> i64 {
    // SAFETY: as the caller's contract.
    unsafe { take(m, value, true) }
}

pub unsafe fn bpf_map_peek_elem(m: *mut c_void, value: *mut c_void) -> i64 {
    // SAFETY: as the caller's contract.
    unsafe { take(m, value, false) }
}

fn ring_reserve(s: &mut State, m: *mut c_void, size: u64) -> *mut c_void {
    let id = s.next_ring_id;
    s.next_ring_id += 1;
    let st = map_state(s, m);
    if st.ty != RINGBUF {
        return core::ptr::null_mut();
    }
    let rec = (size as usize + 8).div_ceil(8) * 8;
    if st.ring_used + rec > st.max as usize {
        return core::ptr::null_mut();
    }
    st.ring_used += rec;
    let mut b = std::vec![0u64; (size as usize).div_ceil(8).max(1)].into_boxed_slice();
    let p = b.as_mut_ptr() as *mut c_void;
    st.ring.push_back((id, b, size as usize, 0));
    p
}

fn ring_finish(data: *mut c_void, state: u8) {
    with(|s| {
        for st in s.maps.values_mut() {
            for r in st.ring.iter_mut() {
                if r.1.as_ptr() as *mut c_void == data && r.3 == 0 {
                    r.3 = state;
                    return;
                }
            }
        }
        std::panic!("iu: ring buffer record submitted or discarded twice");
    })
}

pub unsafe fn bpf_ringbuf_output(m: *mut c_void, data: *const c_void, size: u64, _f: u64) -> i64 {
    count_call();
    let p = with(|s| ring_reserve(s, m, size));
    if p.is_null() {
        return -EAGAIN;
    }
    // SAFETY: p has room for size bytes; data is live for size bytes.
    unsafe { core::ptr::copy_nonoverlapping(data as *const u8, p as *mut u8, size as usize) };
    ring_finish(p, 1);
    0
}

pub unsafe fn bpf_ringbuf_reserve(m: *mut c_void, size: u64, _flags: u64) -> *mut c_void {
    count_call();
    with(|s| ring_reserve(s, m, size))
}

pub unsafe fn bpf_ringbuf_submit(data: *mut c_void, _flags: u64) {
    count_call();
    ring_finish(data, 1)
}

pub unsafe fn bpf_ringbuf_discard(data: *mut c_void, _flags: u64) {
    count_call();
    ring_finish(data, 2)
}

pub unsafe fn bpf_perf_event_output(
    _ctx: *const c_void,
    m: *mut c_void,
    flags: u64,
    data: *const c_void,
    size: u64,
) -> i64 {
    count_call();
    with(|s| {
        let cpu = s.cpu;
        let st = map_state(s, m);
        let i = (flags & 0xffff_ffff) as u32;
        let i = if i == 0xffff_ffff { cpu } else { i };
        if i >= st.max {
            return -E2BIG;
        }
        st.perf.push((i, bytes(data, size as usize).to_vec()));
        0
    })
}

pub unsafe fn bpf_get_stackid(_ctx: *const c_void, _m: *mut c_void, _flags: u64) -> i64 {
    count_call();
    with(|s| s.stack_id.unwrap_or(-EFAULT))
}

pub unsafe fn bpf_redirect_map(m: *mut c_void, key: u64, flags: u64) -> i64 {
    count_call();
    with(|s| {
        let st = map_state(s, m);
        let target = st.slots.get(&(key as u32)).map(|b| b[0] as u32);
        match target {
            Some(ifindex) if key <= u32::MAX as u64 => {
                s.redirects.push(Redirect { ifindex, flags: 0 });
                4
            }
            _ => (flags & 3) as i64,
        }
    })
}

pub unsafe fn bpf_redirect(ifindex: u32, flags: u64) -> i64 {
    count_call();
    with(|s| {
        if s.xdp {
            if flags != 0 {
                return 0;
            }
            s.redirects.push(Redirect { ifindex, flags });
            4
        } else {
            if flags & !1 != 0 {
                return 2;
            }
            s.redirects.push(Redirect { ifindex, flags });
            7
        }
    })
}

fn trace_line(line: String) -> i64 {
    let n = line.len() as i64;
    with(|s| {
        s.trace
            .push(String::from(line.strip_suffix('\n').unwrap_or(&line)))
    });
    n
}

pub unsafe fn bpf_trace_printk(fmt: *const u8, size: u32, a1: u64, a2: u64, a3: u64) -> i64 {
    count_call();
    trace_line(format_printk(
        bytes(fmt as *const c_void, size as usize),
        &[a1, a2, a3],
    ))
}

pub unsafe fn bpf_trace_vprintk(
    fmt: *const u8,
    size: u32,
    data: *const c_void,
    data_len: u32,
) -> i64 {
    count_call();
    if !data_len.is_multiple_of(8) || data_len > 96 {
        return -EINVAL;
    }
    let raw = bytes(data, data_len as usize);
    let args: Vec<u64> = raw
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    trace_line(format_printk(
        bytes(fmt as *const c_void, size as usize),
        &args,
    ))
}

pub unsafe fn bpf_get_attach_cookie(_ctx: *const c_void) -> u64 {
    count_call();
    0
}
pub unsafe fn bpf_get_current_pid_tgid() -> u64 {
    count_call();
    with(|s| s.pid_tgid)
}
pub unsafe fn bpf_ktime_get_ns() -> u64 {
    count_call();
    with(|s| s.time_ns)
}
pub unsafe fn bpf_ktime_get_boot_ns() -> u64 {
    count_call();
    with(|s| s.time_ns)
}
pub unsafe fn bpf_ktime_get_coarse_ns() -> u64 {
    count_call();
    with(|s| s.time_ns)
}
pub unsafe fn bpf_get_smp_processor_id() -> u32 {
    count_call();
    with(|s| s.cpu)
}
pub unsafe fn bpf_get_current_uid_gid() -> u64 {
    count_call();
    with(|s| s.uid_gid)
}
pub unsafe fn bpf_get_current_task() -> u64 {
    count_call();
    with(|s| s.task)
}
pub unsafe fn bpf_get_prandom_u32() -> u32 {
    count_call();
    with(|s| {
        if s.random_pos < s.random.len() {
            s.random_pos += 1;
            return s.random[s.random_pos - 1];
        }
        s.rng ^= s.rng << 13;
        s.rng ^= s.rng >> 7;
        s.rng ^= s.rng << 17;
        (s.rng >> 32) as u32
    })
}
pub unsafe fn bpf_get_current_comm(buf: *mut c_void, size: u32) -> i64 {
    count_call();
    let comm = with(|s| s.comm);
    let n = (size as usize).min(16);
    // SAFETY: buf has room for size bytes.
    unsafe { core::ptr::copy_nonoverlapping(comm.as_ptr(), buf as *mut u8, n) };
    if n > 0 {
        // SAFETY: as above; always NUL-terminated like the kernel's strscpy_pad.
        unsafe { *(buf as *mut u8).add(n - 1) = 0 };
    }
    0
}
pub unsafe fn bpf_send_signal(sig: u32) -> i64 {
    count_call();
    if sig == 0 || sig > 64 {
        return -EINVAL;
    }
    with(|s| s.signals.push(sig));
    0
}
pub unsafe fn bpf_override_return(_regs: *const c_void, rc: u64) -> i64 {
    count_call();
    with(|s| s.overrides.push(rc));
    0
}

unsafe fn probe_read(dst: *mut c_void, size: u32, src: *const c_void, user: bool) -> i64 {
    count_call();
    let d = dst as *mut u8;
    with(|s| match s.read_mem(src as u64, size as usize, user) {
        Some(b) => {
            // SAFETY: dst has room for size bytes.
            unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), d, b.len()) };
            0
        }
        None => {
            // SAFETY: as above; the kernel zeroes the destination on a fault.
            unsafe { core::ptr::write_bytes(d, 0, size as usize) };
            -EFAULT
        }
    })
}

pub unsafe fn bpf_probe_read_kernel(dst: *mut c_void, size: u32, src: *const c_void) -> i64 {
    // SAFETY: the caller's contract.
    unsafe { probe_read(dst, size, src, false) }
}
pub unsafe fn bpf_probe_read_user(dst: *mut c_void, size: u32, src: *const c_void) -> i64 {
    // SAFETY: the caller's contract.
    unsafe { probe_read(dst, size, src, true) }
}

unsafe fn probe_read_str(dst: *mut c_void, size: u32, src: *const c_void, user: bool) -> i64 {
    count_call();
    let d = dst as *mut u8;
    let size = size as usize;
    with(|s| {
        let Some(rest) = s.read_rest(src as u64, user) else {
            // SAFETY: dst has room for size bytes.
            unsafe { core::ptr::write_bytes(d, 0, size) };
            return -EFAULT;
        };
        let limit = size - 1;
        let n = rest.iter().take(limit).position(|&c| c == 0);
        let n = match n {
            Some(n) => n,
            None if rest.len() >= limit => limit,
            None => {
                // SAFETY: as above.
                unsafe { core::ptr::write_bytes(d, 0, size) };
                return -EFAULT;
            }
        };
        // SAFETY: n + 1 <= size bytes written.
        unsafe {
            core::ptr::copy_nonoverlapping(rest.as_ptr(), d, n);
            *d.add(n) = 0;
        }
        n as i64 + 1
    })
}

pub unsafe fn bpf_probe_read_kernel_str(dst: *mut c_void, size: u32, src: *const c_void) -> i64 {
    // SAFETY: the caller's contract.
    unsafe { probe_read_str(dst, size, src, false) }
}
pub unsafe fn bpf_probe_read_user_str(dst: *mut c_void, size: u32, src: *const c_void) -> i64 {
    // SAFETY: the caller's contract.
    unsafe { probe_read_str(dst, size, src, true) }
}

pub unsafe fn bpf_spin_lock(lock: *mut c_void) -> i64 {
    count_call();
    // As the kernel runtime: one spin lock at a time, a second one is a panic (on the
    // same lock it would otherwise spin forever).
    let held = with(|s| s.spin_held.is_some() || s.spin_held.replace(lock as usize).is_some());
    if held {
        std::panic!("bpf_spin_lock while a spin lock is held");
    }
    0
}
pub unsafe fn bpf_spin_unlock(lock: *mut c_void) -> i64 {
    count_call();
    let held = with(|s| s.spin_held.take());
    if held != Some(lock as usize) {
        std::panic!("bpf_spin_unlock of a spin lock that is not held");
    }
    0
}

pub unsafe fn bpf_csum_diff(
    from: *const u32,
    from_size: u32,
    to: *const u32,
    to_size: u32,
    seed: u32,
) -> i64 {
    count_call();
    let f = bytes(from as *const c_void, from_size as usize);
    let t = bytes(to as *const c_void, to_size as usize);
    let mut sum = seed as u64;
    for c in f.chunks_exact(4) {
        sum += !u32::from_ne_bytes([c[0], c[1], c[2], c[3]]) as u64;
    }
    for c in t.chunks_exact(4) {
        sum += u32::from_ne_bytes([c[0], c[1], c[2], c[3]]) as u64;
    }
    while sum >> 32 != 0 {
        sum = (sum & 0xffff_ffff) + (sum >> 32);
    }
    sum as i64
}

pub unsafe fn bpf_xdp_adjust_head(xdp: *const c_void, delta: i32) -> i64 {
    count_call();
    super::ctx::xdp_adjust(xdp, delta, true)
}
pub unsafe fn bpf_xdp_adjust_tail(xdp: *const c_void, delta: i32) -> i64 {
    count_call();
    super::ctx::xdp_adjust(xdp, delta, false)
}

pub unsafe fn iu_skb_data(skb: *const c_void, data_end: *mut u64) -> u64 {
    let (p, n) = super::ctx::skb_bytes(skb);
    // SAFETY: data_end is a live u64 of the caller.
    unsafe { *data_end = p as u64 + n as u64 };
    p as u64
}
pub unsafe fn iu_htab_lookup(m: *mut c_void, key: *const c_void) -> *mut c_void {
    // the record's value_off stays 0 here: the value itself
    // SAFETY: the caller's contract is bpf_map_lookup_elem's.
    unsafe { bpf_map_lookup_elem(m, key) }
}
pub unsafe fn iu_skb_len(skb: *const c_void) -> u32 {
    super::ctx::skb_bytes(skb).1 as u32
}

pub unsafe fn bpf_skb_load_bytes(skb: *const c_void, off: u32, to: *mut c_void, len: u32) -> i64 {
    count_call();
    let (p, n) = super::ctx::skb_bytes(skb);
    if off as usize + len as usize > n {
        // SAFETY: to has room for len bytes.
        unsafe { core::ptr::write_bytes(to as *mut u8, 0, len as usize) };
        return -EFAULT;
    }
    // SAFETY: in bounds (checked above).
    unsafe { core::ptr::copy_nonoverlapping(p.add(off as usize), to as *mut u8, len as usize) };
    0
}

pub unsafe fn bpf_skb_store_bytes(
    skb: *const c_void,
    off: u32,
    from: *const c_void,
    len: u32,
    flags: u64,
) -> i64 {
    count_call();
    let (p, n) = super::ctx::skb_bytes(skb);
    if flags & !3 != 0 || off as usize + len as usize > n {
        return -EFAULT;
    }
    // SAFETY: in bounds; from is live for len bytes.
    unsafe { core::ptr::copy_nonoverlapping(from as *const u8, p.add(off as usize), len as usize) };
    0
}

fn csum_add(a: u32, b: u32) -> u32 {
    let r = a.wrapping_add(b);
    r.wrapping_add((r < b) as u32)
}
fn csum_fold(c: u32) -> u16 {
    let mut s = (c & 0xffff) + (c >> 16);
    s = (s & 0xffff) + (s >> 16);
    !(s as u16)
}
fn csum16_add(c: u16, a: u16) -> u16 {
    let r = c.wrapping_add(a);
    r.wrapping_add((r < a) as u16)
}

fn csum_at(skb: *const c_void, off: u32) -> Option<*mut u16> {
    let (p, n) = super::ctx::skb_bytes(skb);
    if off as usize + 2 > n {
        return None;
    }
    // SAFETY: in bounds (checked above); accessed unaligned below.
    Some(unsafe { p.add(off as usize) } as *mut u16)
}

fn replace4(sum: u16, from: u32, to: u32) -> u16 {
    csum_fold(csum_add(csum_add(!(sum as u32), !from), to))
}

pub unsafe fn bpf_l3_csum_replace(
    skb: *const c_void,
    off: u32,
    from: u64,
    to: u64,
    size: u64,
) -> i64 {
    count_call();
    let Some(p) = csum_at(skb, off) else {
        return -EFAULT;
    };
    // SAFETY: p is in the packet (csum_at).
    let sum = unsafe { p.read_unaligned() };
    let new = match size & 0xf {
        0 if from != 0 => return -EINVAL,
        0 => csum_fold(csum_add(!(sum as u32), to as u32)),
        2 => !csum16_add(csum16_add(!sum, !(from as u16)), to as u16),
        4 => replace4(sum, from as u32, to as u32),
        _ => return -EINVAL,
    };
    // SAFETY: as above.
    unsafe { p.write_unaligned(new) };
    0
}

pub unsafe fn bpf_l4_csum_replace(
    skb: *const c_void,
    off: u32,
    from: u64,
    to: u64,
    flags: u64,
) -> i64 {
    count_call();
    let Some(p) = csum_at(skb, off) else {
        return -EFAULT;
    };
    // SAFETY: p is in the packet (csum_at).
    let sum = unsafe { p.read_unaligned() };
    let mmzero = flags & 0x20 != 0;
    if mmzero && sum == 0 {
        return 0;
    }
    let mut new = match flags & 0xf {
        0 if from != 0 => return -EINVAL,
        0 => csum_fold(csum_add(!(sum as u32), to as u32)),
        2 => replace4(sum, from as u16 as u32, to as u16 as u32),
        4 => replace4(sum, from as u32, to as u32),
        _ => return -EINVAL,
    };
    if mmzero && new == 0 {
        new = 0xffff;
    }
    // SAFETY: as above.
    unsafe { p.write_unaligned(new) };
    0
}

pub unsafe fn iu_panic(
    msg: *const u8,
    msg_len: u64,
    file: *const u8,
    file_len: u64,
    line: u32,
    col: u32,
) -> ! {
    let m = String::from_utf8_lossy(bytes(msg as *const c_void, msg_len as usize)).into_owned();
    let f = String::from_utf8_lossy(bytes(file as *const c_void, file_len as usize)).into_owned();
    std::panic!("{m} (reported at {f}:{line}:{col})")
}
