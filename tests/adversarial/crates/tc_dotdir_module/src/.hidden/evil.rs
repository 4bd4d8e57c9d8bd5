#[target_feature(enable = "avx2")]
fn simd() -> u32 {
    1
}

pub fn f() -> u32 {
    if false { 0 } else { 2 }
}
