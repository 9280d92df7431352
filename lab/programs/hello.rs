// Rust hello: the gnu target links glibc dynamically (and needs libgcc_s.so.1);
// the musl target links musl statically.
fn main() {
    println!("hello from Rust");
}
