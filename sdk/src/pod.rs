//! Plain-old-data: types for which every bit pattern is a valid value, so that map keys and
//! values and trace-record fields can be copied from kernel memory without checks.

/// A type that is valid for any bit pattern and has no padding-dependent invariants.
///
/// # Safety
/// Implement only for types where every byte pattern of `size_of::<Self>()` bytes is a
/// valid value. User crates cannot implement it (they may not write `unsafe impl`); the
/// SDK implements it for the integer types and arrays of them.
pub unsafe trait Pod: Copy + Send + Sync + 'static {}

macro_rules! pod {
    ($($t:ty),*) => { $(
        // SAFETY: every bit pattern is a valid integer.
        unsafe impl Pod for $t {}
    )* };
}
pod!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

// SAFETY: an array of plain data is plain data.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

/// An all-zero value of a [`Pod`] type (valid because every bit pattern is).
#[inline]
pub fn zeroed<T: Pod>() -> T {
    // SAFETY: T is Pod, so the all-zero bit pattern is a valid T.
    unsafe { core::mem::zeroed() }
}

/// Declares `#[repr(C)]` structs usable as map keys/values, event records and probe-read
/// targets, and implements [`Pod`] for them:
///
/// ```ignore
/// iu::pod_struct! {
///     /// One exec event.
///     pub struct Event { pub pid: u32, pub uid: u32, pub comm: [u8; 16] }
/// }
/// ```
///
/// Every field must itself be `Pod` (integers, arrays, other `pod_struct!` types), so
/// pointers and references are refused at compile time; the struct must have no padding
/// (its size must equal the sum of its fields' sizes, also checked at compile time), so
/// no uninitialised byte ever reaches a map or user space. The struct derives `Clone`,
/// `Copy` and `Debug`-free `Default` (all zeroes).
#[macro_export]
#[allow_internal_unsafe]
macro_rules! pod_struct {
    ($(
        $(#[$m:meta])*
        $vis:vis struct $name:ident { $( $(#[$fm:meta])* $fvis:vis $field:ident : $fty:ty ),* $(,)? }
    )*) => { $(
        $(#[$m])*
        #[repr(C)]
        #[derive(Clone, Copy)]
        $vis struct $name { $( $(#[$fm])* $fvis $field: $fty ),* }

        const _: () = {
            const fn is_pod<T: $crate::pod::Pod>() -> usize { ::core::mem::size_of::<T>() }
            let sum = 0 $( + is_pod::<$fty>() )*;
            assert!(
                sum == ::core::mem::size_of::<$name>(),
                "pod_struct!: the struct has padding; add explicit padding fields"
            );
        };

        // SAFETY: repr(C), every field is Pod (checked above by `is_pod`), and there is no
        // padding (size == sum of field sizes, checked above): every bit pattern is valid.
        unsafe impl $crate::pod::Pod for $name {}

        impl ::core::default::Default for $name {
            fn default() -> Self { $crate::pod::zeroed() }
        }
    )* };
}
