//! Plain-old-data: types for which every bit pattern is a valid value, so that map keys and
//! values and trace-record fields can be copied from kernel memory without checks.

use crate::__iu_private::PodSealed;

/// A type that is valid for any bit pattern and has no padding-dependent invariants.
///
/// # Safety
/// Implement only for types where every byte pattern of `size_of::<Self>()` bytes is a
/// valid value and that have no padding. User crates cannot implement it (they may not
/// write `unsafe impl`, and its seal lives in the SDK's hidden module); the SDK implements
/// it for the integer types, arrays of them, and `pod_struct!` types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not plain data (Pod)",
    label = "use integers, arrays of them, or structs declared with iu::pod_struct!"
)]
pub unsafe trait Pod: Copy + Send + Sync + 'static + PodSealed {}

macro_rules! pod {
    ($($t:ty),*) => { $(
        impl PodSealed for $t {}
        // SAFETY: every bit pattern is a valid integer.
        unsafe impl Pod for $t {}
    )* };
}
pod!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

impl<T: Pod, const N: usize> PodSealed for [T; N] {}
// SAFETY: an array of plain data is plain data (arrays have no padding between elements).
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
/// pointers and references are refused at compile time; the struct must have no padding,
/// so no uninitialised byte ever reaches a map or user space: each field's offset must be
/// the sum of the sizes of the fields before it, and the struct's size the sum of all
/// (checked at compile time with `offset_of!`, so a field that an attribute such as
/// `#[cfg]` removed does not compile, and `#[repr(align)]` padding is refused). The
/// struct derives `Clone`, `Copy` and `Debug`-free `Default` (all zeroes).
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

        // Only paths into the SDK here, no items of its own: the field types must resolve
        // here exactly as in the struct.
        const _: () = {
            #[allow(unused_mut)]
            let mut off = 0usize;
            $(
                assert!(
                    ::core::mem::offset_of!($name, $field) == off,
                    concat!(
                        "pod_struct!: padding before field `", stringify!($field), "` of `",
                        stringify!($name), "`; add explicit padding fields"
                    )
                );
                off += $crate::__iu_private::pod_size::<$fty>();
            )*
            assert!(
                off == ::core::mem::size_of::<$name>(),
                concat!(
                    "pod_struct!: `", stringify!($name),
                    "` has padding at its end; add explicit padding fields"
                )
            );
        };

        impl $crate::__iu_private::PodSealed for $name {}

        // SAFETY: every field is Pod (checked above by `pod_size`), and the fields tile the
        // struct without gaps (each at the running sum of the sizes before it, the total
        // equal to the size, checked above): every bit pattern is a valid value and there
        // is no padding.
        unsafe impl $crate::pod::Pod for $name {}

        impl ::core::default::Default for $name {
            fn default() -> Self { $crate::pod::zeroed() }
        }
    )* };
}
