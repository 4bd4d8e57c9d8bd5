//! BPF map declarations. A map is a `static` holding its `struct iu_map_def` record
//! (docs/IMAGE-FORMAT.md) in the image's `.iu.maps` section; the loader creates (or
//! reuses) a map matching the record and the kernel stores its `struct bpf_map *` in
//! `kptr` before the program can run. Declare maps with [`map!`](crate::map); only the
//! types here ([`MapKind`]) can be declared.
//!
//! Compile-time refusals: keys and values of zero size, of a size that does not fit the
//! record's u32, or values needing more than 8-byte alignment; `BPF_F_RDONLY_PROG` and
//! `BPF_F_WRONLY_PROG` in `flags` for every kind whose API writes or reads the map (all
//! but [`DevMap`], which is read-only to programs anyway): the verifier folds values of
//! frozen read-only maps into eBPF programs as constants, so a native write would break
//! every eBPF program sharing the map.

use crate::Pod;
use crate::helpers::sys;
use core::ffi::c_void;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// `enum bpf_map_type` values used by the SDK.
pub mod map_type {
    /// BPF_MAP_TYPE_HASH
    pub const HASH: u32 = 1;
    /// BPF_MAP_TYPE_ARRAY
    pub const ARRAY: u32 = 2;
    /// BPF_MAP_TYPE_PROG_ARRAY is refused by the kernel for native programs.
    /// BPF_MAP_TYPE_PERF_EVENT_ARRAY
    pub const PERF_EVENT_ARRAY: u32 = 4;
    /// BPF_MAP_TYPE_PERCPU_HASH
    pub const PERCPU_HASH: u32 = 5;
    /// BPF_MAP_TYPE_PERCPU_ARRAY
    pub const PERCPU_ARRAY: u32 = 6;
    /// BPF_MAP_TYPE_STACK_TRACE
    pub const STACK_TRACE: u32 = 7;
    /// BPF_MAP_TYPE_LRU_HASH
    pub const LRU_HASH: u32 = 9;
    /// BPF_MAP_TYPE_LRU_PERCPU_HASH
    pub const LRU_PERCPU_HASH: u32 = 10;
    /// BPF_MAP_TYPE_DEVMAP
    pub const DEVMAP: u32 = 14;
    /// BPF_MAP_TYPE_QUEUE
    pub const QUEUE: u32 = 22;
    /// BPF_MAP_TYPE_STACK
    pub const STACK: u32 = 23;
    /// BPF_MAP_TYPE_RINGBUF
    pub const RINGBUF: u32 = 27;
}

#[cfg(not(target_os = "none"))]
#[path = "host/maps_view.rs"]
pub(crate) mod host_view;

/// Flags for `update`: `BPF_ANY` (create or replace).
pub const BPF_ANY: u64 = 0;
/// Flags for `update`: `BPF_NOEXIST` (create only).
pub const BPF_NOEXIST: u64 = 1;
/// Flags for `update`: `BPF_EXIST` (replace only).
pub const BPF_EXIST: u64 = 2;

/// `BPF_F_ZERO_SEED`: the hash maps' hash seed is 0, not random, so that element placement
/// repeats from run to run (for tests and benchmarks; creating such a map needs root).
pub const BPF_F_ZERO_SEED: u32 = 0x40;
/// `BPF_F_RDONLY_PROG`: programs may not write the map (set by the kernel on devmaps).
pub const BPF_F_RDONLY_PROG: u32 = 0x80;
/// `BPF_F_WRONLY_PROG`: programs may not read the map.
pub const BPF_F_WRONLY_PROG: u32 = 0x100;

/// `iu_map_def.iu_flags` bit: the value begins with a `struct bpf_spin_lock` at offset 0
/// (the map's value type is [`SpinLocked`]). The loader creates such maps with BTF that
/// declares the lock, so the kernel's value copies skip the lock word.
pub const IU_MAP_F_SPIN_LOCK: u32 = 1;

/// `struct iu_map_def` of uapi/linux/bpf_iu.h (docs/IMAGE-FORMAT.md). Only the SDK's map
/// kinds hold one (the kernel writes `kptr`, and for arrays `elems` and `cpu_off`), and no
/// API hands out a reference to it.
#[repr(C, align(8))]
pub(crate) struct MapDef {
    kptr: AtomicU64,
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    iu_flags: u32,
    name: [u8; 32],
    elems: AtomicU64,
    cpu_off: AtomicU64,
    elem_size: u32,
    index_mask: u32,
    value_off: AtomicU32,
    reserved: u32,
}

// The layout of uapi/linux/bpf_iu.h, generated from the kernel's BTF.
const _: () = {
    use crate::abi::map_def as c;
    use core::mem::{offset_of, size_of};
    assert!(size_of::<MapDef>() == c::SIZE);
    assert!(offset_of!(MapDef, kptr) == c::KPTR);
    assert!(offset_of!(MapDef, map_type) == c::MAP_TYPE);
    assert!(offset_of!(MapDef, key_size) == c::KEY_SIZE);
    assert!(offset_of!(MapDef, value_size) == c::VALUE_SIZE);
    assert!(offset_of!(MapDef, max_entries) == c::MAX_ENTRIES);
    assert!(offset_of!(MapDef, map_flags) == c::MAP_FLAGS);
    assert!(offset_of!(MapDef, iu_flags) == c::IU_FLAGS);
    assert!(offset_of!(MapDef, name) == c::NAME);
    assert!(offset_of!(MapDef, elems) == c::ELEMS);
    assert!(offset_of!(MapDef, cpu_off) == c::CPU_OFF);
    assert!(offset_of!(MapDef, elem_size) == c::ELEM_SIZE);
    assert!(offset_of!(MapDef, index_mask) == c::INDEX_MASK);
    assert!(offset_of!(MapDef, value_off) == c::VALUE_OFF);
    assert!(offset_of!(MapDef, reserved) == c::RESERVED);
};

/// The element layout of the kernel's array maps (kernel/bpf/arraymap.c), which lookups
/// compute addresses with: values `round_up(value_size, 8)` apart, and the index masked with
/// `roundup_pow_of_two(max_entries) - 1` after the bounds check. The kernel checks both
/// against the map at load and refuses the image if either differs.
const fn array_layout(map_type: u32, value: usize, max: u32) -> (u32, u32) {
    if map_type != map_type::ARRAY && map_type != map_type::PERCPU_ARRAY {
        return (0, 0);
    }
    let elem = (value as u32).div_ceil(8) * 8;
    let mask = if max <= 1 {
        0
    } else {
        u32::MAX >> (max - 1).leading_zeros()
    };
    (elem, mask)
}

/// Copies `s` into a NUL-terminated fixed buffer; fails to compile if it does not fit.
pub(crate) const fn fixed_name<const N: usize>(s: &str) -> [u8; N] {
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

/// The map kinds whose API reads and writes values refuse `BPF_F_RDONLY_PROG` and
/// `BPF_F_WRONLY_PROG` (evaluated at compile time: the flags are part of the static).
const fn program_reads_and_writes(flags: u32) -> u32 {
    assert!(
        flags & BPF_F_RDONLY_PROG == 0,
        "map flags: BPF_F_RDONLY_PROG is refused: the verifier folds values of frozen read-only maps into eBPF programs as constants, and this map kind's API writes the map, which would break every eBPF program sharing it"
    );
    assert!(
        flags & BPF_F_WRONLY_PROG == 0,
        "map flags: BPF_F_WRONLY_PROG is refused: this map kind's API reads the map, which programs may not do on a write-only map"
    );
    flags
}

/// A key's size for the record: more than 0 bytes and exactly representable in the u32
/// the kernel compares with the map's (a truncated size would let a value or key type be
/// larger than the element the kernel hands out).
const fn key_size<K>() -> usize {
    let n = core::mem::size_of::<K>();
    assert!(n > 0, "map keys may not be zero-sized");
    assert!(n <= u32::MAX as usize, "map key type too large");
    n
}

/// A value's size for the record, as [`key_size`]; values also need an alignment the
/// kernel's elements have (8 bytes), since `get`/`set`/guards access them in place.
const fn value_size<V>() -> usize {
    let n = core::mem::size_of::<V>();
    assert!(n > 0, "map values may not be zero-sized");
    assert!(n <= u32::MAX as usize, "map value type too large");
    assert!(
        core::mem::align_of::<V>() <= 8,
        "map values may not need more than 8-byte alignment (the kernel's elements are 8-byte aligned)"
    );
    n
}

/// This CPU's per-CPU offset: a `%gs` read of the kernel's `this_cpu_off` at `cpu_off`.
/// A program runs on one CPU from start to end (the runtime keeps it there), so the
/// address it gives stays this CPU's element for the run.
#[cfg(target_os = "none")]
#[inline(always)]
fn this_cpu_offset(cpu_off: u64) -> u64 {
    let off: u64;
    // SAFETY: cpu_off is the %gs offset of a u64 per-CPU variable (the kernel wrote it);
    // the read has no other effect.
    unsafe {
        core::arch::asm!(
            "mov {off}, qword ptr gs:[{at}]",
            at = in(reg) cpu_off,
            off = lateout(reg) off,
            options(nostack, readonly, preserves_flags),
        );
    }
    off
}

/// On the host (`iu test`) the kernel never publishes elements, so this is not reached.
#[cfg(not(target_os = "none"))]
fn this_cpu_offset(_cpu_off: u64) -> u64 {
    unreachable!("per-CPU elements are only published by the kernel")
}

impl MapDef {
    const fn new(
        name: &str,
        map_type: u32,
        key: usize,
        value: usize,
        max: u32,
        flags: u32,
        iu_flags: u32,
    ) -> Self {
        let (elem_size, index_mask) = array_layout(map_type, value, max);
        MapDef {
            kptr: AtomicU64::new(0),
            map_type,
            key_size: key as u32,
            value_size: value as u32,
            max_entries: max,
            map_flags: flags,
            iu_flags,
            name: fixed_name::<32>(name),
            elems: AtomicU64::new(0),
            cpu_off: AtomicU64::new(0),
            elem_size,
            index_mask,
            value_off: AtomicU32::new(0),
            reserved: 0,
        }
    }

    /// The kernel's `struct bpf_map *`, written at load time before any run.
    #[inline(always)]
    fn ptr(&self) -> *mut c_void {
        #[cfg(not(target_os = "none"))]
        host_view::bind(self);
        self.kptr.load(Ordering::Relaxed) as *mut c_void
    }

    /// The element for `key` of a map of type `map_type` (a constant at every call site):
    /// for arrays computed in place, as the verifier's inlined lookup does, once the kernel
    /// has published where the elements are; otherwise `bpf_map_lookup_elem`.
    /// `V` is the map's value type: its size gives the element size as a constant (the
    /// record's `elem_size`, which the kernel checked, is the same number).
    #[inline(always)]
    fn lookup_as<V>(&self, map_type: u32, key: *const c_void) -> *mut c_void {
        if map_type == map_type::ARRAY || map_type == map_type::PERCPU_ARRAY {
            let elems = self.elems.load(Ordering::Relaxed);
            // In the kernel, elems is published for every array record before any run;
            // under `iu test` it stays 0 and the helper answers.
            if cfg!(target_os = "none") || elems != 0 {
                // SAFETY: array keys are 4 bytes (checked at compile time); key points to one.
                let index = unsafe { core::ptr::read_unaligned(key as *const u32) };
                let elem = array_layout(map_type, core::mem::size_of::<V>(), 1).0;
                return self.array_elem(map_type, elems, elem, index);
            }
        }
        if map_type == map_type::HASH {
            return self.htab_lookup(key);
        }
        self.lookup(key)
    }

    /// A HASH lookup as the verifier inlines it: the map type's lookup function called
    /// directly (no helper, no `map->ops`), the value at the offset the kernel published.
    #[inline(always)]
    fn htab_lookup(&self, key: *const c_void) -> *mut c_void {
        let m = self.ptr();
        // in the kernel every record's map is bound before any run
        if !cfg!(target_os = "none") && m.is_null() {
            return core::ptr::null_mut();
        }
        // SAFETY: m is the HASH map the kernel bound to this record (type and key size
        // checked at load time), key points to a live key of that size.
        let e = unsafe { sys::iu_htab_lookup(m, key) };
        if e.is_null() {
            return e;
        }
        // SAFETY: the value lies at value_off inside the element the kernel returned.
        unsafe { e.byte_add(self.value_off.load(Ordering::Relaxed) as usize) }
    }

    /// `elems` is the kernel's: for ARRAY the first of `max_entries` values `elem` bytes
    /// apart, for PERCPU_ARRAY as many per-CPU pointers (both checked at load).
    #[inline(always)]
    fn array_elem(&self, map_type: u32, elems: u64, elem: u32, index: u32) -> *mut c_void {
        if index >= self.max_entries {
            return core::ptr::null_mut();
        }
        let i = (index & self.index_mask) as u64;
        if map_type == map_type::ARRAY {
            return (elems + i * elem as u64) as *mut c_void;
        }
        // SAFETY: i < max_entries, so the pointer read is inside the kernel's pptrs array.
        let pcpu = unsafe { core::ptr::read((elems as *const u64).add(i as usize)) };
        (pcpu.wrapping_add(this_cpu_offset(self.cpu_off.load(Ordering::Relaxed)))) as *mut c_void
    }

    #[inline]
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

/// The SDK's map types: the only types `map!` places in `.iu.maps` (sealed). Each is a
/// `#[repr(transparent)]` wrapper of the record.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not one of the SDK's map types",
    label = "only iu::maps types (Hash, Array, RingBuf, ...) may be declared with map!"
)]
pub trait MapKind: crate::sealed::MapKind + Sync + 'static {}

/// True if `T` has the record's size and alignment (every [`MapKind`] wraps one record).
pub(crate) const fn is_record_layout<T>() -> bool {
    core::mem::size_of::<T>() == core::mem::size_of::<MapDef>()
        && core::mem::align_of::<T>() == core::mem::align_of::<MapDef>()
}

/// What a `Hash` or `Array` map may hold: any [`Pod`] (read and written by value), or a
/// [`SpinLocked`] value (only through its lock). Sealed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a map value",
    label = "map values are Pod types (integers, arrays, iu::pod_struct! structs) or SpinLocked<T>"
)]
pub trait MapValue: crate::sealed::MapValue + Sync + 'static {
    /// The record's `iu_flags` for a map of this value type.
    #[doc(hidden)]
    const IU_FLAGS: u32;
}

impl<T: Pod> crate::sealed::MapValue for T {}
impl<T: Pod> MapValue for T {
    const IU_FLAGS: u32 = 0;
}

fn get<V: Pod>(p: *mut c_void) -> Option<V> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null lookup result points to a value of the map's value size (== size
    // of V, checked at load), 8-byte aligned (V needs at most 8, checked at compile time),
    // valid during the run; V is Pod. Other CPUs may write concurrently (as in eBPF), so
    // the read is volatile and copies.
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

/// Integer map values that can be updated atomically in place: `u32`, `i32`, `u64`, `i64`
/// (sealed). The eBPF counterpart is `__sync_fetch_and_add` and friends on a looked-up
/// value (`BPF_ATOMIC` instructions).
pub trait AtomicValue: Pod + crate::sealed::AtomicValue {
    /// # Safety
    /// `p` points to a live map element of this type's size, aligned for it.
    #[doc(hidden)]
    unsafe fn __iu_rmw(p: *mut c_void, op: AtomicOp, v: Self) -> Self;
    /// # Safety
    /// As for `__iu_rmw`.
    #[doc(hidden)]
    unsafe fn __iu_cmpxchg(p: *mut c_void, current: Self, new: Self) -> Result<Self, Self>;
}

#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum AtomicOp {
    Add,
    And,
    Or,
    Xor,
    Swap,
}

macro_rules! atomic_values {
    ($($t:ty => $a:ty),*) => { $(
        impl crate::sealed::AtomicValue for $t {}
        impl AtomicValue for $t {
            unsafe fn __iu_rmw(p: *mut c_void, op: AtomicOp, v: $t) -> $t {
                // SAFETY: the caller's contract.
                let a = unsafe { <$a>::from_ptr(p as *mut $t) };
                match op {
                    AtomicOp::Add => a.fetch_add(v, Ordering::SeqCst),
                    AtomicOp::And => a.fetch_and(v, Ordering::SeqCst),
                    AtomicOp::Or => a.fetch_or(v, Ordering::SeqCst),
                    AtomicOp::Xor => a.fetch_xor(v, Ordering::SeqCst),
                    AtomicOp::Swap => a.swap(v, Ordering::SeqCst),
                }
            }
            unsafe fn __iu_cmpxchg(p: *mut c_void, current: $t, new: $t) -> Result<$t, $t> {
                // SAFETY: the caller's contract.
                let a = unsafe { <$a>::from_ptr(p as *mut $t) };
                a.compare_exchange(current, new, Ordering::SeqCst, Ordering::SeqCst)
            }
        }
    )* };
}

atomic_values!(
    u32 => core::sync::atomic::AtomicU32,
    i32 => core::sync::atomic::AtomicI32,
    u64 => AtomicU64,
    i64 => core::sync::atomic::AtomicI64
);

fn rmw<V: AtomicValue>(p: *mut c_void, op: AtomicOp, v: V) -> Option<V> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a non-null lookup result points to a value of the map's value size (== size
    // of V, checked at load), 8-byte aligned (the kernel's elements are), valid during the
    // run. Other CPUs and user space may access it at the same time, as in eBPF; this
    // access is one atomic instruction.
    Some(unsafe { V::__iu_rmw(p, op, v) })
}

fn cmpxchg<V: AtomicValue>(p: *mut c_void, current: V, new: V) -> Option<Result<V, V>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: as in rmw.
    Some(unsafe { V::__iu_cmpxchg(p, current, new) })
}

macro_rules! map_kinds {
    ($($name:ident<$($p:ident: $b:path),*>),*) => { $(
        impl<$($p: $b),*> crate::sealed::MapKind for $name<$($p),*> {}
        impl<$($p: $b),*> MapKind for $name<$($p),*> {}
    )* };
}

macro_rules! common {
    ($name:ident, $vb:path, $ty:expr, $key4:expr) => {
        impl<K: Pod, V: $vb> $name<K, V> {
            #[doc(hidden)]
            pub const fn __iu_new(name: &str, max_entries: u32, flags: u32) -> Self {
                assert!(
                    !$key4 || core::mem::size_of::<K>() == 4,
                    "array maps are indexed by a 4-byte key: use u32"
                );
                $name {
                    def: MapDef::new(
                        name,
                        $ty,
                        key_size::<K>(),
                        value_size::<V>(),
                        max_entries,
                        program_reads_and_writes(flags),
                        V::IU_FLAGS,
                    ),
                    _t: PhantomData,
                }
            }
        }

        impl<K: Pod, V: Pod> $name<K, V> {
            /// Copy of the value for `key` (for per-CPU maps: this CPU's copy).
            pub fn get(&self, key: &K) -> Option<V> {
                get(self
                    .def
                    .lookup_as::<V>($ty, key as *const K as *const c_void))
            }

            /// Overwrites the existing value for `key` in place; false if there is none.
            pub fn set(&self, key: &K, value: V) -> bool {
                put(
                    self.def
                        .lookup_as::<V>($ty, key as *const K as *const c_void),
                    value,
                )
            }

            /// Replaces the value for `key` with `f(value)` in place, with one lookup; false
            /// if there is none. As `*v = f(*v)` on a looked-up pointer in eBPF, it is not
            /// atomic: for a value other CPUs update, use [`fetch_add`](Self::fetch_add) and
            /// the other atomics.
            pub fn modify(&self, key: &K, f: impl FnOnce(V) -> V) -> bool {
                let p = self
                    .def
                    .lookup_as::<V>($ty, key as *const K as *const c_void);
                match get::<V>(p) {
                    Some(v) => put(p, f(v)),
                    None => false,
                }
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

        /// Atomic updates in place of an integer value, for counters shared between CPUs
        /// (for per-CPU maps: this CPU's copy). Each returns the value before, or None if
        /// there is no value for `key`.
        impl<K: Pod, V: AtomicValue> $name<K, V> {
            fn rmw(&self, key: &K, op: AtomicOp, v: V) -> Option<V> {
                rmw(
                    self.def
                        .lookup_as::<V>($ty, key as *const K as *const c_void),
                    op,
                    v,
                )
            }

            /// Adds `delta` (wrapping), as `__sync_fetch_and_add`: no update is lost when
            /// CPUs race.
            pub fn fetch_add(&self, key: &K, delta: V) -> Option<V> {
                self.rmw(key, AtomicOp::Add, delta)
            }

            /// Bitwise and with `v`, as `__sync_fetch_and_and`.
            pub fn fetch_and(&self, key: &K, v: V) -> Option<V> {
                self.rmw(key, AtomicOp::And, v)
            }

            /// Bitwise or with `v`, as `__sync_fetch_and_or`.
            pub fn fetch_or(&self, key: &K, v: V) -> Option<V> {
                self.rmw(key, AtomicOp::Or, v)
            }

            /// Bitwise xor with `v`, as `__sync_fetch_and_xor`.
            pub fn fetch_xor(&self, key: &K, v: V) -> Option<V> {
                self.rmw(key, AtomicOp::Xor, v)
            }

            /// Stores `v`, as `__sync_lock_test_and_set` (`xchg`).
            pub fn swap(&self, key: &K, v: V) -> Option<V> {
                self.rmw(key, AtomicOp::Swap, v)
            }

            /// Stores `new` if the value is `current`, as `__sync_val_compare_and_swap`:
            /// `Ok(current)` if it did, `Err(actual)` if not; None if there is no value.
            pub fn compare_exchange(&self, key: &K, current: V, new: V) -> Option<Result<V, V>> {
                cmpxchg(
                    self.def
                        .lookup_as::<V>($ty, key as *const K as *const c_void),
                    current,
                    new,
                )
            }
        }
    };
}

/// `BPF_MAP_TYPE_HASH` with key `K`, value `V` (a [`Pod`] or a [`SpinLocked`]).
#[repr(transparent)]
pub struct Hash<K: Pod, V: MapValue> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(Hash, MapValue, map_type::HASH, false);

impl<K: Pod, V: MapValue> Hash<K, V> {
    /// `bpf_map_delete_elem(key)`; Err(-errno), e.g. -2 (ENOENT) if absent.
    pub fn delete(&self, key: &K) -> Result<(), i64> {
        self.def.delete(key as *const K as *const c_void)
    }
}

/// `BPF_MAP_TYPE_ARRAY` indexed by `K` (must be 4 bytes: use `u32`), value `V` (a [`Pod`]
/// or a [`SpinLocked`]).
#[repr(transparent)]
pub struct Array<K: Pod, V: MapValue> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(Array, MapValue, map_type::ARRAY, true);

/// `BPF_MAP_TYPE_PERCPU_ARRAY` indexed by `K` (use `u32`), one `V` per CPU.
#[repr(transparent)]
pub struct PerCpuArray<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(PerCpuArray, Pod, map_type::PERCPU_ARRAY, true);

/// `BPF_MAP_TYPE_PERCPU_HASH`: one `V` per CPU for each key; `get`/`set` see this CPU's copy.
#[repr(transparent)]
pub struct PerCpuHash<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(PerCpuHash, Pod, map_type::PERCPU_HASH, false);

/// `BPF_MAP_TYPE_LRU_HASH`: a hash map that evicts the least recently used element when full.
#[repr(transparent)]
pub struct LruHash<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(LruHash, Pod, map_type::LRU_HASH, false);

/// `BPF_MAP_TYPE_LRU_PERCPU_HASH`.
#[repr(transparent)]
pub struct LruPerCpuHash<K: Pod, V: Pod> {
    def: MapDef,
    _t: PhantomData<(K, V)>,
}
common!(LruPerCpuHash, Pod, map_type::LRU_PERCPU_HASH, false);

map_kinds!(
    Hash<K: Pod, V: MapValue>, Array<K: Pod, V: MapValue>, PerCpuArray<K: Pod, V: Pod>,
    PerCpuHash<K: Pod, V: Pod>, LruHash<K: Pod, V: Pod>, LruPerCpuHash<K: Pod, V: Pod>,
    Queue<V: Pod>, Stack<V: Pod>, RingBuf<>, PerfEventArray<>, DevMap<>
);
impl<const DEPTH: usize> crate::sealed::MapKind for StackTrace<DEPTH> {}
impl<const DEPTH: usize> MapKind for StackTrace<DEPTH> {}

macro_rules! deletable {
    ($($name:ident),*) => { $(
        impl<K: Pod, V: Pod> $name<K, V> {
            /// `bpf_map_delete_elem(key)`; Err(-errno), e.g. -2 (ENOENT) if absent.
            pub fn delete(&self, key: &K) -> Result<(), i64> {
                self.def.delete(key as *const K as *const c_void)
            }
        }
    )* };
}
deletable!(PerCpuHash, LruHash, LruPerCpuHash);

/// A value of a hash or array map that carries a `struct bpf_spin_lock` in front of the
/// data: declare the map as `Hash<K, SpinLocked<T>>` or `Array<u32, SpinLocked<T>>` and
/// use its `lock` / `with_lock` (and for hash maps `insert` / `delete`).
///
/// The lock word belongs to the kernel, as in eBPF: a `SpinLocked` is never read,
/// copied or written by value (it is neither `Pod` nor `Copy`, and no value of it can be
/// made outside the SDK), the record declares the lock (`IU_MAP_F_SPIN_LOCK`) so that the
/// map is created with BTF saying where it is and every kernel copy of the value skips
/// it, and the data is reached only through a [`SpinGuard`] holding the lock.
#[repr(C, align(8))]
pub struct SpinLocked<T: Pod> {
    /// `struct bpf_spin_lock` (4 bytes), then padding up to the data.
    lock: u32,
    pad: u32,
    value: T,
}

impl<T: Pod> SpinLocked<T> {
    /// T's size must be a multiple of 8 (no trailing padding, which `insert` would copy
    /// uninitialised into the map) and T must need at most 8-byte alignment (the data is
    /// at offset 8 of an 8-byte aligned element).
    const CHECK: () = {
        assert!(
            core::mem::size_of::<T>().is_multiple_of(8),
            "SpinLocked<T>: the size of T must be a multiple of 8 (no padding)"
        );
        assert!(
            core::mem::align_of::<T>() <= 8,
            "SpinLocked<T>: T may not need more than 8-byte alignment"
        );
    };
}

impl<T: Pod> crate::sealed::MapValue for SpinLocked<T> {}
impl<T: Pod> MapValue for SpinLocked<T> {
    const IU_FLAGS: u32 = {
        #[allow(clippy::let_unit_value)]
        let () = Self::CHECK;
        IU_MAP_F_SPIN_LOCK
    };
}

const _: () = assert!(core::mem::offset_of!(SpinLocked<u64>, value) == 8);

/// The element of a `Hash<K, SpinLocked<T>>` or `Array<u32, SpinLocked<T>>` with its
/// `bpf_spin_lock` held: derefs to the `T`, unlocks when dropped.
///
/// Holding one guard at a time is the rule: taking a second spin lock while one is held is
/// a panic in the kernel runtime (so two guards never alias the same element). Forgetting
/// a guard (`core::mem::forget`, `ManuallyDrop`) is safe: the kernel runtime releases every
/// lock an invocation still holds when the invocation ends (return, panic, watchdog stop),
/// so the lock is held until the end of the invocation at most. A guard cannot leave the
/// invocation (it is neither `Send` nor `Sync`, so no static can hold it).
pub struct SpinGuard<'a, T: Pod> {
    e: *mut SpinLocked<T>,
    _l: PhantomData<&'a mut T>,
}

fn lock<'a, T: Pod>(p: *mut c_void) -> Option<SpinGuard<'a, T>> {
    if p.is_null() {
        return None;
    }
    let e = p as *mut SpinLocked<T>;
    // SAFETY: p is a live element of the map (value size == size of SpinLocked<T>, whose
    // lock word is the first field, where the map's BTF declares the bpf_spin_lock).
    // bpf_spin_lock disables interrupts and spins; the guard unlocks on drop, the runtime
    // at the end of the invocation if the guard is forgotten.
    unsafe { sys::bpf_spin_lock(core::ptr::addr_of_mut!((*e).lock) as *mut c_void) };
    Some(SpinGuard { e, _l: PhantomData })
}

impl<T: Pod> core::ops::Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: e is a live map element (elements outlive the invocation) whose lock we
        // hold, so no other program holding the lock touches `value` meanwhile; the lock
        // word is not part of the reference.
        unsafe { &(*self.e).value }
    }
}

impl<T: Pod> core::ops::DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; &mut self makes this the only reference through the guard,
        // and a second guard for the same lock cannot exist (a second lock panics).
        unsafe { &mut (*self.e).value }
    }
}

impl<T: Pod> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the lock taken in `lock` and not released since (only drop releases it).
        unsafe { sys::bpf_spin_unlock(core::ptr::addr_of_mut!((*self.e).lock) as *mut c_void) };
    }
}

macro_rules! lockable {
    ($($name:ident: $ty:expr),*) => { $(
        impl<K: Pod, T: Pod> $name<K, SpinLocked<T>> {
            /// Takes the `bpf_spin_lock` of the element for `key` (`None` if there is no
            /// element) and returns a guard that derefs to the `T` and unlocks when
            /// dropped. `ctx` is the program's own context: only XDP and tc programs may
            /// lock ([`LockContext`](crate::ctx::LockContext)). Hold one lock at a time:
            /// a second one is a panic.
            pub fn lock<C: crate::ctx::LockContext>(
                &self,
                ctx: &C,
                key: &K,
            ) -> Option<SpinGuard<'_, T>> {
                let _ = ctx;
                lock(self.def.lookup_as::<SpinLocked<T>>($ty, key as *const K as *const c_void))
            }

            /// Runs `f` on the element for `key` with its `bpf_spin_lock` held
            /// (`None` if there is no element); [`lock`](Self::lock) in a closure.
            pub fn with_lock<C: crate::ctx::LockContext, R>(
                &self,
                ctx: &C,
                key: &K,
                f: impl FnOnce(&mut T) -> R,
            ) -> Option<R> {
                self.lock(ctx, key).map(|mut g| f(&mut g))
            }
        }
    )* };
}
lockable!(Hash: map_type::HASH, Array: map_type::ARRAY);

impl<K: Pod, T: Pod> Hash<K, SpinLocked<T>> {
    /// Creates or replaces the element for `key` with `value` (`bpf_map_update_elem` of a
    /// value whose lock word is 0; the kernel skips the lock word when it copies). `flags`:
    /// [`BPF_ANY`], [`BPF_NOEXIST`], [`BPF_EXIST`]; anything else is -EINVAL (`BPF_F_LOCK`
    /// would make the kernel take the element's lock itself, which spins forever if this
    /// program holds it).
    pub fn insert(&self, key: &K, value: T, flags: u64) -> Result<(), i64> {
        if flags > BPF_EXIST {
            return Err(-22);
        }
        let v = SpinLocked {
            lock: 0,
            pad: 0,
            value,
        };
        self.def.update(
            key as *const K as *const c_void,
            &v as *const SpinLocked<T> as *const c_void,
            flags,
        )
    }
}

/// `BPF_MAP_TYPE_QUEUE` (FIFO) of `V`: `iu::map!(Q: Queue<u64>, max_entries = 64);`.
#[repr(transparent)]
pub struct Queue<V: Pod> {
    def: MapDef,
    _t: PhantomData<V>,
}

/// `BPF_MAP_TYPE_STACK` (LIFO) of `V`.
#[repr(transparent)]
pub struct Stack<V: Pod> {
    def: MapDef,
    _t: PhantomData<V>,
}

macro_rules! queue_like {
    ($name:ident, $ty:expr) => {
        impl<V: Pod> $name<V> {
            #[doc(hidden)]
            pub const fn __iu_new(name: &str, max_entries: u32, flags: u32) -> Self {
                $name {
                    def: MapDef::new(
                        name,
                        $ty,
                        0,
                        value_size::<V>(),
                        max_entries,
                        program_reads_and_writes(flags),
                        0,
                    ),
                    _t: PhantomData,
                }
            }

            /// `bpf_map_push_elem`: flags 0, or `BPF_EXIST` to drop the oldest when full.
            pub fn push(&self, value: &V, flags: u64) -> Result<(), i64> {
                let m = self.def.ptr();
                if m.is_null() {
                    return Err(-22);
                }
                let v = value as *const V as *const c_void;
                // SAFETY: m is a queue/stack map of value size size_of::<V>(); value is live.
                let rc = unsafe { sys::bpf_map_push_elem(m, v, flags) };
                if rc == 0 { Ok(()) } else { Err(rc) }
            }

            /// `bpf_map_pop_elem`: removes and returns the next element.
            pub fn pop(&self) -> Option<V> {
                self.take(false)
            }

            /// `bpf_map_peek_elem`: the next element, left in place.
            pub fn peek(&self) -> Option<V> {
                self.take(true)
            }

            fn take(&self, peek: bool) -> Option<V> {
                let m = self.def.ptr();
                if m.is_null() {
                    return None;
                }
                let mut out = core::mem::MaybeUninit::<V>::uninit();
                let p = out.as_mut_ptr() as *mut c_void;
                // SAFETY: the helper writes exactly value_size (== size_of::<V>()) bytes
                // into `out` on success.
                let rc = unsafe {
                    if peek {
                        sys::bpf_map_peek_elem(m, p)
                    } else {
                        sys::bpf_map_pop_elem(m, p)
                    }
                };
                if rc != 0 {
                    return None;
                }
                // SAFETY: rc == 0: fully written; V is Pod.
                Some(unsafe { out.assume_init() })
            }
        }
    };
}
queue_like!(Queue, map_type::QUEUE);
queue_like!(Stack, map_type::STACK);

/// Flags for ring-buffer submit/discard/output: no wakeup of the consumer.
pub const BPF_RB_NO_WAKEUP: u64 = 1;
/// Flags for ring-buffer submit/discard/output: force a wakeup.
pub const BPF_RB_FORCE_WAKEUP: u64 = 2;

/// `BPF_MAP_TYPE_RINGBUF`: `iu::map!(EVENTS: RingBuf, max_entries = 4096 * 16);` (size in
/// bytes, a power of two multiple of the page size).
#[repr(transparent)]
pub struct RingBuf {
    def: MapDef,
}

impl RingBuf {
    #[doc(hidden)]
    pub const fn __iu_new(name: &str, max_entries: u32, flags: u32) -> Self {
        RingBuf {
            def: MapDef::new(
                name,
                map_type::RINGBUF,
                0,
                0,
                max_entries,
                program_reads_and_writes(flags),
                0,
            ),
        }
    }

    /// `bpf_ringbuf_output`: copies `value` into the ring buffer as one record.
    pub fn output<T: Pod>(&self, value: &T, flags: u64) -> Result<(), i64> {
        let m = self.def.ptr();
        if m.is_null() {
            return Err(-22);
        }
        // SAFETY: m is a ring buffer; value is live for size_of::<T>() bytes.
        let rc = unsafe {
            sys::bpf_ringbuf_output(
                m,
                value as *const T as *const c_void,
                core::mem::size_of::<T>() as u64,
                flags,
            )
        };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }

    /// `bpf_ringbuf_reserve`: space for one `T` (zeroed), as a guard that derefs to the
    /// `T`. `submit()` or `discard()` it; dropping it discards.
    pub fn reserve<T: Pod>(&self) -> Option<RingBufEntry<'_, T>> {
        const {
            assert!(
                core::mem::align_of::<T>() <= 8,
                "ring-buffer records are 8-byte aligned: T may not need more"
            );
        }
        let m = self.def.ptr();
        if m.is_null() {
            return None;
        }
        // SAFETY: m is a ring buffer; the helper returns NULL or a record of exactly the
        // requested size, 8-byte aligned (T needs at most 8, checked above), owned by us
        // until submit/discard.
        let p = unsafe { sys::bpf_ringbuf_reserve(m, core::mem::size_of::<T>() as u64, 0) };
        if p.is_null() {
            return None;
        }
        let p = p as *mut T;
        // SAFETY: p is valid for writes of one T (see above); zeroing makes it initialised.
        unsafe { core::ptr::write(p, crate::pod::zeroed()) };
        Some(RingBufEntry { p, _l: PhantomData })
    }
}

/// A reserved ring-buffer record (see [`RingBuf::reserve`]). Deref to write the record.
///
/// Forgetting it (`core::mem::forget`, `ManuallyDrop`) is safe: the kernel runtime
/// discards every reservation an invocation still holds when the invocation ends (return,
/// panic, watchdog stop), so the consumer never stalls at it.
pub struct RingBufEntry<'a, T: Pod> {
    p: *mut T,
    _l: PhantomData<&'a mut T>,
}

impl<T: Pod> core::ops::Deref for RingBufEntry<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: p is our reserved, initialised record until submit/discard consumes self.
        unsafe { &*self.p }
    }
}

impl<T: Pod> core::ops::DerefMut for RingBufEntry<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; &mut self makes this the only reference.
        unsafe { &mut *self.p }
    }
}

impl<T: Pod> RingBufEntry<'_, T> {
    /// Publishes the record to the consumer (`bpf_ringbuf_submit`).
    pub fn submit(self, flags: u64) {
        let p = self.p;
        core::mem::forget(self);
        // SAFETY: p is a reservation not yet submitted or discarded (self is consumed).
        unsafe { sys::bpf_ringbuf_submit(p as *mut c_void, flags) };
    }

    /// Drops the record (`bpf_ringbuf_discard`).
    pub fn discard(self, flags: u64) {
        let p = self.p;
        core::mem::forget(self);
        // SAFETY: as in submit.
        unsafe { sys::bpf_ringbuf_discard(p as *mut c_void, flags) };
    }
}

impl<T: Pod> Drop for RingBufEntry<'_, T> {
    fn drop(&mut self) {
        // SAFETY: still reserved (submit/discard forget self before releasing).
        unsafe { sys::bpf_ringbuf_discard(self.p as *mut c_void, 0) };
    }
}

/// `BPF_F_CURRENT_CPU`: perf event output to the current CPU's ring.
pub const BPF_F_CURRENT_CPU: u64 = 0xffff_ffff;

/// `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: per-CPU perf rings the program writes samples to.
/// Use at least as many entries as CPUs; user space stores one perf event fd per CPU.
#[repr(transparent)]
pub struct PerfEventArray {
    def: MapDef,
}

impl PerfEventArray {
    #[doc(hidden)]
    pub const fn __iu_new(name: &str, max_entries: u32, flags: u32) -> Self {
        PerfEventArray {
            def: MapDef::new(
                name,
                map_type::PERF_EVENT_ARRAY,
                4,
                4,
                max_entries,
                program_reads_and_writes(flags),
                0,
            ),
        }
    }

    /// `bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, value, size)`.
    pub fn output<C: crate::ctx::Context, T: Pod>(&self, ctx: &C, value: &T) -> Result<(), i64> {
        self.output_to(ctx, value, BPF_F_CURRENT_CPU)
    }

    /// As [`output`](Self::output) to the ring at `index` (or `BPF_F_CURRENT_CPU`).
    pub fn output_to<C: crate::ctx::Context, T: Pod>(
        &self,
        ctx: &C,
        value: &T,
        index: u64,
    ) -> Result<(), i64> {
        let m = self.def.ptr();
        if m.is_null() {
            return Err(-22);
        }
        // Only the index bits: the upper bits (BPF_F_CTXLEN_MASK) would make tc's variant
        // copy packet bytes from the skb.
        let flags = index & BPF_F_CURRENT_CPU;
        // SAFETY: ctx is the program's own context (Context is only implemented by the
        // SDK's contexts); m is a perf event array; value is live for its size.
        let rc = unsafe {
            sys::bpf_perf_event_output(
                ctx.as_ptr(),
                m,
                flags,
                value as *const T as *const c_void,
                core::mem::size_of::<T>() as u64,
            )
        };
        if rc == 0 { Ok(()) } else { Err(rc) }
    }
}

/// `bpf_get_stackid` flag: take the user-space stack.
pub const BPF_F_USER_STACK: u64 = 1 << 8;
/// `bpf_get_stackid` flag: compare full stacks, not only hashes.
pub const BPF_F_FAST_STACK_CMP: u64 = 1 << 9;
/// `bpf_get_stackid` flag: replace an existing stack with the same hash.
pub const BPF_F_REUSE_STACKID: u64 = 1 << 10;

/// `BPF_MAP_TYPE_STACK_TRACE` with `DEPTH` frames per stack (value size `8 * DEPTH`):
/// `iu::map!(STACKS: StackTrace<127>, max_entries = 1024);`. Programs only get ids;
/// user space reads the frames by id.
#[repr(transparent)]
pub struct StackTrace<const DEPTH: usize> {
    def: MapDef,
}

impl<const DEPTH: usize> StackTrace<DEPTH> {
    #[doc(hidden)]
    pub const fn __iu_new(name: &str, max_entries: u32, flags: u32) -> Self {
        assert!(DEPTH > 0 && DEPTH <= 127, "stack depth must be 1..=127");
        StackTrace {
            def: MapDef::new(
                name,
                map_type::STACK_TRACE,
                4,
                8 * DEPTH,
                max_entries,
                program_reads_and_writes(flags),
                0,
            ),
        }
    }

    /// `bpf_get_stackid(ctx, map, flags)`: the id of the current kernel stack (or the user
    /// stack with [`BPF_F_USER_STACK`]); Err(-errno), e.g. -14 (EFAULT) with no user stack.
    pub fn get_stackid<C: crate::ctx::Context>(&self, ctx: &C, flags: u64) -> Result<u32, i64> {
        let m = self.def.ptr();
        if m.is_null() {
            return Err(-22);
        }
        // Only the skip count (low 8 bits) and the three flags above.
        let flags = flags & (0xff | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID);
        // SAFETY: ctx is the program's own context; m is a stack trace map.
        let rc = unsafe { sys::bpf_get_stackid(ctx.as_ptr(), m, flags) };
        if rc >= 0 { Ok(rc as u32) } else { Err(rc) }
    }
}

/// `BPF_MAP_TYPE_DEVMAP` (key u32, value the target ifindex u32) for XDP redirects; user
/// space fills it. Use with [`DevMap::redirect`].
#[repr(transparent)]
pub struct DevMap {
    def: MapDef,
}

impl DevMap {
    #[doc(hidden)]
    pub const fn __iu_new(name: &str, max_entries: u32, flags: u32) -> Self {
        assert!(
            flags & BPF_F_WRONLY_PROG == 0,
            "map flags: BPF_F_WRONLY_PROG is refused: DevMap::redirect reads the map"
        );
        DevMap {
            // The kernel adds BPF_F_RDONLY_PROG to every devmap (programs only redirect
            // through it); the declaration states the flags the map ends up with, and the
            // loader leaves that bit out at creation.
            def: MapDef::new(
                name,
                map_type::DEVMAP,
                4,
                4,
                max_entries,
                flags | BPF_F_RDONLY_PROG,
                0,
            ),
        }
    }

    /// `bpf_redirect_map(map, key, fallback)`: [`XdpAction::Redirect`](crate::XdpAction)
    /// if `key` holds a device, else `fallback` (e.g. `XdpAction::Pass`).
    pub fn redirect(
        &self,
        _ctx: &mut crate::ctx::XdpContext,
        key: u32,
        fallback: crate::ctx::XdpAction,
    ) -> crate::ctx::XdpAction {
        let m = self.def.ptr();
        if m.is_null() {
            return fallback;
        }
        // SAFETY: m is a devmap; the flags are an XDP action (< 8), as the helper expects.
        let rc = unsafe { sys::bpf_redirect_map(m, key as u64, fallback as u64) };
        crate::ctx::XdpAction::from_raw(rc as u32)
    }
}
