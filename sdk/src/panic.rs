//! The panic handler: formats the message into a fixed stack buffer and hands it, with
//! the location, to the kernel runtime (`iu_panic`), which logs it, releases what the
//! program holds and returns the hook's default from the dispatcher. Never returns.

use crate::helpers::sys;
use core::fmt::Write;

struct Buf {
    b: [u8; 128],
    n: usize,
}

impl Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &c in s.as_bytes() {
            if self.n == self.b.len() {
                break;
            }
            self.b[self.n] = c;
            self.n += 1;
        }
        Ok(())
    }
}

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    report(info)
}

#[cfg_attr(not(target_os = "none"), allow(dead_code))]
fn report(info: &core::panic::PanicInfo) -> ! {
    let mut buf = Buf { b: [0; 128], n: 0 };
    let _ = write!(buf, "{}", info.message());
    let (file, line, col) = match info.location() {
        Some(l) => (l.file(), l.line(), l.column()),
        None => ("?", 0, 0),
    };
    // SAFETY: both pointers are valid for the lengths passed; iu_panic does not return.
    unsafe {
        sys::iu_panic(
            buf.b.as_ptr(),
            buf.n as u64,
            file.as_ptr(),
            file.len() as u64,
            line,
            col,
        )
    }
}
