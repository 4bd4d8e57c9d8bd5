//! BPF map declarations. A map is a `static` holding its `struct iu_map_def` record
//! (docs/IMAGE-FORMAT.md) in the image's `.iu.maps` section; the loader creates (or
//! reuses) a map matching the record and the kernel stores its `struct bpf_map *` in
//! `kptr` before the program can run. Declare maps with [`map!`](crate::map).

use crate::Pod;
use crate::helpers::sys;
use core::ffi::c_void;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering};

/// `enum bpf_map_type` values used by the SDK.
pub mod map_type {
    /// BPF_MAP_TYPE_HASH
    pub const HASH: u32 = 1;
    /// BPF_MAP_TYPE_ARRAY
    pub const ARRAY: u32 = 2;
    /// BPF_MAP_TYPE_PERCPU_ARRAY
    pub const PERCPU_ARRAY: u32 = 6;
}

/// Flags for `update`: `BPF_ANY` (create or replace).
pub const BPF_ANY: u64 = 0;
/// Flags for `update`: `BPF_NOEXIST` (create only).
pub const BPF_NOEXIST: u64 = 1;
/// Flags for `update`: `BPF_EXIST` (replace only).
pub const BPF_EXIST: u64 = 2;

/// `struct iu_map_def`, 64 bytes, exactly as in docs/IMAGE-FORMAT.md.
#[repr(C, align(8))]
#[doc(hidden)]
pub struct MapDef {
    kptr: AtomicU64,
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    reserved: u32,
    name: [u8; 32],
}

const _: () = assert!(core::mem::size_of::<MapDef>() == 64);

/// Copies `s` into a NUL-terminated fixed buffer; fails to compile if it does not fit.
#[doc(hidden)]
pub const fn fixed_name<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    assert!(b.len() < N, "name too long for its fixed-size field");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < b.len() {
        assert!(b[i] != 0, "name contains a NUL byte");
        out[i] = b[i];
        i += 1;
    }
    out
}

impl MapDef {
    const fn new(
        name: &str,
        map_type: u32,
        key: usize,
        value: usize,
        max: u32,
        flags: u32,
    ) -> Self {
        MapDef {
            kptr: AtomicU64::new(0),
            map_type,
            key_size: key as u32,
            value_size: value as u32,
            max_entries: max,
            map_flags: flags,
            reserved: 0,
            name: fixed_name::<32>(name),
        }
    }

    /// The kernel's `struct bpf_map *`, written at load time before any run.
    fn ptr(&self) -> *mut c_void {
        self.kptr.load(Ordering::Relaxed) as *mut c_void
    }

    fn lookup(&self, key: *const c_void) -> *mut c_void {
        let m = self.ptr();
        if m.is_null() {
            return core::ptr::null_mut();
        }
        // SAFETY: m is the map the kernel bound to this record (its key size is the size
        // of the key type, checked at load time), key points to a live key of that size.
        unsafe { sys::bpf_map_lookup_elem(m, key) }
    }

    fn update(&self, key: *const c_void, value: *const c_void, flags: u64) -> Result<(), i64> {
        let m = self.ptr();
        if m.is_null() {
            return Err(-22);
        }
        // SAFETY: as in lookup; value points to a live value of the map's value size.
        let rc = unsafe { sys::bpf_map_update_elem(m, key, value, flags) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    fn delete(&self, key: *const c_void) -> Result<(), i64> {
        let m = self.ptr();
        if m.is_null() {
            return Err(-22);
        }
        // SAFETY: as in lookup.
        let rc = unsafe { sys::bpf_map_delete_elem(m, key) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }
}

fn get<V: Pod>(p: *mut c_void) -> Option<V> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null lookup result points to a value of the map's value size (== size
    // of V, checked at load), 8-byte aligned, valid during the run; V is Pod. Other CPUs
    // may write concurrently (as in eBPF), so the read is volatile and copies.
    Some(unsafe { core::ptr::read_volatile(p as *const V) })
}

fn put<V: Pod>(p: *mut c_void, v: V) -> bool {
    if p.is_null() {
        return false;
    }
    // SAFETY: as in get; the element is writable map memory.
    unsafe { core::ptr::write_volatile(p as *mut V, v) };
    true
}

macro_rules! common {
    ($name:ident, $ty:expr, $key4:expr) => {
        impl<K: Pod, V: Pod> $name<K, V> {
            #[doc(hidden)]
            pub const fn new(name: &str, max_entries: u32, flags: u32) -> Self {
                assert!(
                    !$key4 || core::mem::size_of::<K>() == 4,
                    "array maps are indexed by a 4-byte key: use u32"
                );
                $name {
                    def: MapDef::new(
                        name,
                        $ty,
                        core::mem::size_of::<K>(),
                        core::mem::size_of::<V>(),
                        max_entries,
                        flags,
                    ),
                    _t: PhantomData,
                }
            }

            /// Copy of the value for `key` (for per-CPU maps: this CPU's copy).
            pub fn get(&self, key: &K) -> Option<V> {
                get(self.def.lookup(key as *const K as *const c_void))
            }

            /// Overwrites the existing value for `key` in place; false if there is none.
            pub fn set(&self, key: &K, value: V) -> bool {
                put(self.def.lookup(key as *const K as *const c_void), value)
            }

            /// `bpf_map_update_elem(key, value, flags)` ([`BPF_ANY`], ...); Err(-errno).
            pub fn update(&self, key: &K, value: &V, flags: u64) -> Result<(), i64> {
                self.def.update(
                    key as *const K as *const c_void,
                    value as *const V as *const c_void,
                    flags,
                )
            }
        }
    };
}

/// `BPF_MAP_TYPE_HASH` with key `K`, value `V`.
#[repr(transparent)]
pub struct Hash<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(Hash, map_type::HASH, false);

impl<K: Pod, V: Pod> Hash<K, V> {
    /// `bpf_map_delete_elem(key)`; Err(-errno), e.g. -2 (ENOENT) if absent.
    pub fn delete(&self, key: &K) -> Result<(), i64> {
        self.def.delete(key as *const K as *const c_void)
    }
}

/// `BPF_MAP_TYPE_ARRAY` indexed by `K` (must be 4 bytes: use `u32`), value `V`.
#[repr(transparent)]
pub struct Array<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(Array, map_type::ARRAY, true);

/// `BPF_MAP_TYPE_PERCPU_ARRAY` indexed by `K` (use `u32`), one `V` per CPU.
#[repr(transparent)]
pub struct PerCpuArray<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(PerCpuArray, map_type::PERCPU_ARRAY, true);
