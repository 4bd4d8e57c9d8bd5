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
