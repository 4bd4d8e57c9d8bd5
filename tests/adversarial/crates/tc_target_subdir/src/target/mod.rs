pub fn peek() -> u32 {
    unsafe { core::ptr::read_volatile(0x1000 as *const u32) }
}
