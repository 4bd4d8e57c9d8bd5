fn main() {
    println!("cargo:rustc-link-lib=static=evil");
    println!("cargo:rustc-link-search=native=/tmp");
}
