//! LSM: [`LsmContext`] (the security hook's arguments), [`LsmAction`] and
//! [`lsm!`](crate::lsm!).
//!
//! A BPF LSM program runs from a trampoline on the hook's `bpf_lsm_HOOK` stub, as fentry
//! does, with the hook's arguments in u64 slots; the trampoline makes its return value the
//! hook's. The verifier bounds that value to the hook's range: 0 or a negative errno (the
//! kernel refuses native programs on the few hooks whose range is 0 or 1). [`LsmAction`]
//! can only be one of those.

use super::fentry::slot;
use crate::Pod;
use crate::decl::attach_type::LSM_MAC;
use crate::helpers::probe_read;
use core::ffi::c_void;

super::context!(LsmContext, args, LSM, LSM_MAC);

/// The context of an LSM program: the security hook's arguments.
pub struct LsmContext {
    args: *const u64,
}

super::fentry::args_impl!(LsmContext);

/// An errno an LSM program refuses an operation with: 1..=4095 (`MAX_ERRNO`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Errno(u16);

impl Errno {
    /// Operation not permitted.
    pub const EPERM: Errno = Errno(1);
    /// No such file or directory.
    pub const ENOENT: Errno = Errno(2);
    /// Permission denied.
    pub const EACCES: Errno = Errno(13);

    /// `n` as an errno, `None` outside 1..=4095.
    pub const fn new(n: u32) -> Option<Errno> {
        if n >= 1 && n <= 4095 {
            Some(Errno(n as u16))
        } else {
            None
        }
    }

    /// The errno's number.
    pub const fn get(self) -> u32 {
        self.0 as u32
    }
}

/// What an LSM program decides: the hook's return value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LsmAction {
    /// 0: no objection (the other LSMs still decide). Also what the hook gets when the
    /// program panics, is stopped or is not run (see docs/RUNTIME.md).
    Allow,
    /// `-errno`: the operation fails with it.
    Deny(Errno),
}

impl LsmAction {
    #[doc(hidden)]
    pub fn __iu_ret(self) -> u32 {
        match self {
            LsmAction::Allow => 0,
            LsmAction::Deny(e) => (e.get() as i32).wrapping_neg() as u32,
        }
    }
}

/// Declares an LSM program: `iu::lsm!(handler, "file_open");` where
/// `fn handler(ctx: &LsmContext) -> LsmAction`. The hook is a `security_HOOK` of
/// `include/linux/lsm_hook_defs.h`; its arguments are `ctx.arg(n)`, and for a hook with an
/// earlier BPF LSM program, `ctx.arg(arg_count - 1)` is that program's return value.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! lsm {
    ($name:ident, $attach:literal) => {
        $crate::__iu_program!($name, $attach, $crate::ctx::LsmContext, |c| {
            $crate::ctx::LsmAction::__iu_ret($name(&c))
        });
    };
}
