//! Host builds only: what tests see of maps beyond the program's own API (every CPU's
//! copy, all entries, ring-buffer and perf records, devmap contents). A child module of
//! `maps` so that it can read the declarations.

use super::*;
use crate::host::sys::map_state;
use crate::host::with;
use std::prelude::rust_2024::*;

/// (map type, key size, value size, max entries, iu_flags) of the declaration at `m`.
pub(crate) fn def_info(m: *const c_void) -> (u32, usize, usize, u32, u32) {
    // SAFETY: on the host, MapDef::ptr returns the address of the MapDef itself.
    let d = unsafe { &*(m as *const MapDef) };
    (
        d.map_type,
        d.key_size as usize,
        d.value_size as usize,
        d.max_entries,
        d.iu_flags,
    )
}

/// The host's stand-in for the kernel map pointer: the declaration's own address.
pub(crate) fn host_ptr(d: &MapDef) -> *mut c_void {
    d as *const MapDef as *mut c_void
}

/// Binds the declaration to the host backend (what the loader does in the kernel).
pub(crate) fn bind(d: &MapDef) {
    d.kptr.store(host_ptr(d) as u64, Ordering::Relaxed);
}

fn read<T: Pod>(b: &[u8]) -> T {
    let mut v: T = crate::pod::zeroed();
    // SAFETY: T is Pod; b holds at least size_of::<T>() bytes (the map's sizes).
    unsafe {
        core::ptr::copy_nonoverlapping(b.as_ptr(), &mut v as *mut T as *mut u8, size_of::<T>())
    };
    v
}

fn words_bytes(w: &[u64]) -> &[u8] {
    // SAFETY: a u64 slice viewed as bytes.
    unsafe { core::slice::from_raw_parts(w.as_ptr() as *const u8, w.len() * 8) }
}

fn all_cpus<V: Pod>(def: &MapDef, key: &[u8]) -> Vec<V> {
    let m = host_ptr(def);
    with(|s| {
        let n = s.nr_cpus as usize;
        let st = map_state(s, m);
        let w = st.words();
        let b = if st.ty == map_type::PERCPU_ARRAY {
            let i = u32::from_ne_bytes([key[0], key[1], key[2], key[3]]);
            if i >= st.max {
                return Vec::new();
            }
            match st.slots.get(&i) {
                Some(b) => b,
                None => return std::vec![crate::pod::zeroed(); n],
            }
        } else {
            match st.entries.iter().find(|(k, _)| k == key) {
                Some((_, b)) => b,
                None => return Vec::new(),
            }
        };
        (0..n).map(|c| read(words_bytes(&b[c * w..]))).collect()
    })
}

fn entries<K: Pod, V: Pod>(def: &MapDef) -> Vec<(K, V)> {
    let m = host_ptr(def);
    with(|s| {
        let cpu = s.cpu as usize;
        let st = map_state(s, m);
        let w = st.words();
        let pc = matches!(st.ty, map_type::PERCPU_HASH | map_type::LRU_PERCPU_HASH);
        let off = if pc { cpu * w } else { 0 };
        st.entries
            .iter()
            .map(|(k, b)| (read(k), read(words_bytes(&b[off..]))))
            .collect()
    })
}

fn key_bytes<K: Pod>(k: &K) -> &[u8] {
    // SAFETY: K is Pod: all bytes initialised.
    unsafe { core::slice::from_raw_parts(k as *const K as *const u8, size_of::<K>()) }
}

macro_rules! percpu_view {
    ($($name:ident),*) => { $(
        impl<K: Pod, V: Pod> $name<K, V> {
            /// Host tests: every CPU's copy of the value for `key` (empty if absent).
            pub fn host_values(&self, key: &K) -> Vec<V> {
                all_cpus(&self.def, key_bytes(key))
            }
        }
    )* };
}
percpu_view!(PerCpuArray, PerCpuHash, LruPerCpuHash);

macro_rules! hash_view {
    ($($name:ident),*) => { $(
        impl<K: Pod, V: Pod> $name<K, V> {
            /// Host tests: every (key, value) in the map, least recently used first for
            /// LRU maps, insertion order otherwise (per-CPU maps: this CPU's copy).
            pub fn host_entries(&self) -> Vec<(K, V)> {
                entries(&self.def)
            }
        }
    )* };
}
hash_view!(Hash, PerCpuHash, LruHash, LruPerCpuHash);

/// The bytes of the value for `key` as user space's lookup would see them (arrays: zeroed
/// until written; `None` if absent or out of range).
fn user_lookup(def: &MapDef, key: &[u8]) -> Option<Vec<u8>> {
    let m = host_ptr(def);
    with(|s| {
        let st = map_state(s, m);
        let n = st.value_size;
        if st.ty == map_type::ARRAY {
            let i = u32::from_ne_bytes([key[0], key[1], key[2], key[3]]);
            if i >= st.max {
                return None;
            }
            return Some(match st.slots.get(&i) {
                Some(b) => words_bytes(b)[..n].to_vec(),
                None => std::vec![0u8; n],
            });
        }
        st.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, b)| words_bytes(b)[..n].to_vec())
    })
}

macro_rules! locked_view {
    ($($name:ident),*) => { $(
        impl<K: Pod, T: Pod> $name<K, SpinLocked<T>> {
            /// Host tests: the data of the element for `key`, read without the lock, as
            /// user space's lookup would (`None` if there is no element).
            pub fn host_value(&self, key: &K) -> Option<T> {
                let b = user_lookup(&self.def, key_bytes(key))?;
                Some(read(&b[core::mem::offset_of!(SpinLocked<T>, value)..]))
            }
        }
    )* };
}
locked_view!(Hash, Array);

impl RingBuf {
    /// Host tests: consumes the submitted records in order, as a user-space reader would
    /// (stops at the first record still reserved; discarded ones are skipped).
    pub fn host_drain(&self) -> Vec<Vec<u8>> {
        let m = host_ptr(&self.def);
        with(|s| {
            let st = map_state(s, m);
            let mut out = Vec::new();
            while let Some((_, _, _, state)) = st.ring.front() {
                if *state == 0 {
                    break;
                }
                let (_, b, n, state) = st.ring.pop_front().unwrap_or_default();
                st.ring_used -= (n + 8).div_ceil(8) * 8;
                if state == 1 {
                    out.push(words_bytes(&b)[..n].to_vec());
                }
            }
            out
        })
    }

    /// Host tests: [`host_drain`](Self::host_drain) with each record read as a `T`.
    pub fn host_drain_as<T: Pod>(&self) -> Vec<T> {
        self.host_drain()
            .iter()
            .map(|b| {
                let mut v = std::vec![0u8; size_of::<T>().max(b.len())];
                v[..b.len()].copy_from_slice(b);
                read(&v)
            })
            .collect()
    }
}

impl PerfEventArray {
    /// Host tests: consumes the samples written so far, as (CPU ring, bytes).
    pub fn host_drain(&self) -> Vec<(u32, Vec<u8>)> {
        let m = host_ptr(&self.def);
        with(|s| core::mem::take(&mut map_state(s, m).perf))
    }
}

impl DevMap {
    /// Host tests: what user space would store: device `ifindex` at `key`.
    pub fn host_set(&self, key: u32, ifindex: u32) {
        let m = host_ptr(&self.def);
        with(|s| {
            let st = map_state(s, m);
            if key < st.max {
                st.slots
                    .insert(key, std::vec![ifindex as u64].into_boxed_slice());
            }
        });
    }
}
