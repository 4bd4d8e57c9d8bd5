//! lsm: a BPF LSM program on `bprm_check_security` that refuses to run any binary whose
//! path ends in `/iu-denied` (EACCES, as the kernel selftests' `lsm` example refuses an
//! operation), and lets every other exec through. The path is `bprm->filename`, the name
//! exec was given, read through the `iu gen btf` accessor in `kernel.rs`.
#![no_std]

mod kernel;

use iu::prelude::*;
use kernel::LinuxBinprm;

const DENIED: &[u8] = b"/iu-denied";

fn deny_exec(ctx: &LsmContext) -> LsmAction {
    let bprm = LinuxBinprm {
        addr: ctx.arg_or_zero(0),
    };
    let Some(name) = bprm.filename() else {
        return LsmAction::Allow;
    };
    let mut buf = [0u8; 256];
    let n = probe_read_kernel_str(&mut buf, name).unwrap_or(0);
    if buf[..n].ends_with(DENIED) {
        iu::trace_printk!("lsm: refused exec of %s", KernelStr(name));
        return LsmAction::Deny(Errno::EACCES);
    }
    LsmAction::Allow
}

iu::lsm!(deny_exec, "bprm_check_security");

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Trampoline;

    /// An exec of `path`, with its binprm at kernel address `at` and the name after it.
    fn exec(at: u64, path: &[u8]) -> LsmAction {
        let mut name = path.to_vec();
        name.push(0);
        let mut bprm = [0u8; LinuxBinprm::SIZE];
        bprm[96..104].copy_from_slice(&(at + 0x1000).to_le_bytes());
        iu::host::kernel_memory(at, &bprm);
        iu::host::kernel_memory(at + 0x1000, &name);
        Trampoline::new(&[at]).run_lsm(|c| deny_exec(c))
    }

    #[test]
    fn refuses_only_the_denied_binary() {
        assert_eq!(
            exec(0xffff_8880_0001_0000, b"/tmp/iu-denied"),
            LsmAction::Deny(Errno::EACCES)
        );
        assert_eq!(
            exec(0xffff_8880_0002_0000, b"/tmp/iu-allowed"),
            LsmAction::Allow
        );
        assert_eq!(
            exec(0xffff_8880_0003_0000, b"/tmp/iu-denied.sh"),
            LsmAction::Allow
        );
        assert_eq!(
            iu::host::trace_lines(),
            ["lsm: refused exec of /tmp/iu-denied"]
        );
    }
}
