//! `iu test` runs a program's tests natively: they run in the sandbox, where the signing
//! key, the home directory, /etc and the network do not exist and nothing is writable but
//! a private /tmp. Each test passes only if the sandbox holds (the test substitutes the
//! real key path for the root default below).
#![no_std]

use iu::prelude::*;

fn prog(_ctx: &TracepointContext) -> u32 {
    0
}

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");

#[cfg(test)]
mod tests {
    extern crate std;
    use std::fs;
    use std::net::{TcpStream, UdpSocket};

    const KEY: &str = "/root/.config/iu/keys/signing-key.pem";

    #[test]
    fn the_signing_key_is_not_there() {
        assert!(fs::read(KEY).is_err());
        let dir = std::path::Path::new(KEY).parent().unwrap();
        assert!(fs::read_dir(dir).is_err());
    }

    #[test]
    fn no_home_no_etc() {
        // Only the build cache (~/.cache/iu/rust) is bound below the home directory.
        let config = std::path::Path::new(KEY).ancestors().nth(3).unwrap();
        assert!(
            fs::metadata(config).is_err(),
            "{} is visible",
            config.display()
        );
        if let Ok(entries) = fs::read_dir("/root") {
            for e in entries {
                assert_eq!(e.unwrap().file_name(), ".cache");
            }
        }
        assert!(fs::read_dir("/home").is_err());
        assert!(fs::read("/etc/passwd").is_err());
        assert!(fs::read("/etc/shadow").is_err());
    }

    #[test]
    fn no_network() {
        assert!(TcpStream::connect("1.1.1.1:53").is_err());
        let s = UdpSocket::bind("0.0.0.0:0").unwrap();
        assert!(s.send_to(b"x", "1.1.1.1:53").is_err());
    }

    #[test]
    fn nothing_outside_tmp_is_writable() {
        let here = env!("CARGO_MANIFEST_DIR");
        assert!(fs::write(std::format!("{here}/planted"), b"x").is_err());
        let exe = std::env::current_exe().unwrap();
        assert!(fs::write(exe.with_extension("planted"), b"x").is_err());
        assert!(fs::write("/usr/planted", b"x").is_err());
        assert!(fs::write("/tmp/ok", b"x").is_ok());
    }
}
