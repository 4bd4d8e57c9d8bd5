//! USDT: [`UsdtContext`] (a uprobe on a `.note.stapsdt` probe site, with the probe's
//! arguments decoded), [`UsdtSpec`] and [`usdt!`](crate::usdt!).
//!
//! A USDT probe's arguments are wherever the compiler put them at the probe site: a
//! register, a constant, or memory at a register plus an offset, as the note's argument
//! string says (`-4@%edi 8@-16(%rbp) 4@$3`). As libbpf does, the loader decodes those
//! strings when it attaches, writes one [`UsdtSpec`] per probe site into the program's
//! spec map, and attaches the uprobe with the spec's index as the BPF cookie; the program
//! reads its spec back through `bpf_get_attach_cookie`. A spec only ever makes the program
//! read a register slot of its own `pt_regs` (bounds-checked) or user memory through the
//! non-faulting `bpf_probe_read_user`, so a spec user space rewrote cannot break safety.

use super::{PtRegs, reg};
use crate::Pod;
use crate::helpers::{probe_read_user, probe_read_user_str, sys};
use crate::maps::Array;
use core::ffi::c_void;

super::context!(UsdtContext<'_>, regs, KPROBE);

/// The most arguments a USDT probe has (`sys/sdt.h`: `STAP_PROBE12`).
pub const USDT_MAX_ARGS: usize = 12;
/// Probe sites one USDT program can be attached to at a time.
pub const USDT_MAX_SITES: u32 = 256;

/// How one argument is found: `kind` 0 = the constant `val`, 1 = register slot `reg`,
/// 2 = `size` bytes of user memory at register `reg` + `val`; then truncated to `size`
/// bytes and sign-extended when `signed` is 1.
#[doc(hidden)]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UsdtArg {
    val: u64,
    kind: u8,
    reg: u8,
    size: u8,
    signed: u8,
    _pad: u32,
}

/// One probe site's arguments, as the loader writes them into a USDT program's spec map.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UsdtSpec {
    args: [UsdtArg; USDT_MAX_ARGS],
    arg_count: u32,
    /// 1 in a slot the loader wrote.
    used: u32,
    pub(crate) cookie: u64,
}

impl crate::__iu_private::PodSealed for UsdtArg {}
// SAFETY: integers only, no padding (8 + 4 × 1 + 4); every bit pattern is valid.
unsafe impl Pod for UsdtArg {}
impl crate::__iu_private::PodSealed for UsdtSpec {}
// SAFETY: Pod fields, no padding (12 × 16 + 4 + 4 + 8); every bit pattern is valid.
unsafe impl Pod for UsdtSpec {}
const _: () = assert!(core::mem::size_of::<UsdtSpec>() == 12 * 16 + 16);

impl UsdtSpec {
    /// A probe site whose arguments are the constants `args` (the host double's).
    #[cfg(not(target_os = "none"))]
    pub(crate) fn constants(args: &[i64], cookie: u64) -> UsdtSpec {
        let mut s: UsdtSpec = crate::pod::zeroed();
        let n = args.len().min(USDT_MAX_ARGS);
        for (a, v) in s.args.iter_mut().zip(&args[..n]) {
            *a = UsdtArg {
                val: *v as u64,
                kind: KIND_CONST,
                reg: 0,
                size: 8,
                signed: 1,
                _pad: 0,
            };
        }
        s.arg_count = n as u32;
        s.used = 1;
        s.cookie = cookie;
        s
    }
}

const KIND_CONST: u8 = 0;
const KIND_REG: u8 = 1;
const KIND_REG_DEREF: u8 = 2;

/// The name of a USDT program's spec map: `iu_usdt_` and 7 hex digits of the FNV-1a hash
/// of the program's kernel name, its first 15 bytes (the loader computes the same).
#[doc(hidden)]
pub const fn usdt_map_name(prog: &str) -> [u8; 15] {
    let b = prog.as_bytes();
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < b.len() && i < 15 {
        h = (h ^ b[i] as u32).wrapping_mul(0x0100_0193);
        i += 1;
    }
    let mut out = *b"iu_usdt_0000000";
    let mut k = 0;
    while k < 7 {
        let d = ((h >> (4 * (6 - k))) & 0xf) as u8;
        out[8 + k] = if d < 10 { b'0' + d } else { b'a' + d - 10 };
        k += 1;
    }
    out
}

/// The context of a USDT program: the probe site's registers and its decoded arguments.
pub struct UsdtContext<'a> {
    regs: *const PtRegs,
    specs: Option<&'a Array<u32, UsdtSpec>>,
}

impl<'a> UsdtContext<'a> {
    /// # Safety
    /// `ctx` must be the `struct pt_regs *` the kernel passed to the entry point.
    pub(crate) unsafe fn from_raw(ctx: *const c_void) -> Self {
        UsdtContext {
            regs: ctx as *const PtRegs,
            specs: None,
        }
    }

    #[doc(hidden)]
    pub fn __iu_specs(self, specs: &'a Array<u32, UsdtSpec>) -> Self {
        UsdtContext {
            specs: Some(specs),
            ..self
        }
    }

    fn spec(&self) -> Option<UsdtSpec> {
        #[cfg(not(target_os = "none"))]
        if let Some(s) = crate::host::with(|s| s.usdt_spec) {
            return Some(s);
        }
        // SAFETY: regs is this run's context pointer, which the helper only identifies
        // the run by.
        let id = unsafe { sys::bpf_get_attach_cookie(self.regs as *const c_void) };
        self.specs?.get(&u32::try_from(id).ok()?)
    }

    /// The number of arguments the probe has (`bpf_usdt_arg_cnt`); `None` if the program
    /// was not attached by the loader's USDT attach (no spec).
    pub fn arg_count(&self) -> Option<usize> {
        Some(self.spec()?.arg_count as usize)
    }

    /// Argument `n` of the probe (`bpf_usdt_arg`), sign- or zero-extended as the probe
    /// declares it; `None` past the last, or if memory it is in could not be read.
    pub fn arg(&self, n: usize) -> Option<i64> {
        let s = self.spec()?;
        if n >= (s.arg_count as usize).min(USDT_MAX_ARGS) {
            return None;
        }
        let a = s.args[n];
        let raw = match a.kind {
            KIND_CONST => a.val,
            KIND_REG => self.reg(a.reg)?,
            KIND_REG_DEREF => {
                let addr = self.reg(a.reg)?.wrapping_add(a.val);
                match a.size {
                    1 => probe_read_user::<u8>(addr)? as u64,
                    2 => probe_read_user::<u16>(addr)? as u64,
                    4 => probe_read_user::<u32>(addr)? as u64,
                    _ => probe_read_user::<u64>(addr)?,
                }
            }
            _ => return None,
        };
        let shift = 64 - 8 * (a.size.clamp(1, 8) as u32);
        let v = raw << shift;
        Some(if a.signed != 0 {
            (v as i64) >> shift
        } else {
            (v >> shift) as i64
        })
    }

    /// The cookie given at attach time (`bpf_usdt_cookie`), 0 if none.
    pub fn cookie(&self) -> u64 {
        self.spec().map_or(0, |s| s.cookie)
    }

    fn reg(&self, slot: u8) -> Option<u64> {
        if (slot as usize) < 21 {
            Some(reg(self.regs, slot as usize))
        } else {
            None
        }
    }

    /// The probe site's address (`regs->ip`).
    pub fn ip(&self) -> u64 {
        reg(self.regs, super::REG_IP)
    }

    /// Reads a `T` from the traced process's memory at `addr` without faulting
    /// (`bpf_probe_read_user`).
    pub fn read_user<T: Pod>(&self, addr: u64) -> Option<T> {
        probe_read_user(addr)
    }

    /// Copies the NUL-terminated user string at `addr` into `buf`
    /// (`bpf_probe_read_user_str`); the string's length without the NUL.
    pub fn read_user_str(&self, buf: &mut [u8], addr: u64) -> Option<usize> {
        probe_read_user_str(buf, addr)
    }
}

/// Declares a USDT program: `iu::usdt!(handler, "/usr/bin/app:provider:name");` where
/// `fn handler(ctx: &UsdtContext) -> u32`; `iu::usdt!(handler)` leaves the probe to attach
/// time (`iu attach ID usdt:PATH:PROVIDER:NAME`). It also declares the program's spec map.
#[macro_export]
#[allow_internal_unsafe]
macro_rules! usdt {
    ($name:ident) => {
        $crate::usdt!(@decl $name, "");
    };
    ($name:ident, $attach:literal) => {
        $crate::usdt!(@decl $name, concat!("usdt:", $attach));
    };
    (@decl $name:ident, $attach:expr) => {
        const _: () = {
            const __IU_USDT_NAME: [u8; 15] = $crate::ctx::__iu_usdt_map_name(stringify!($name));
            #[used]
            #[unsafe(link_section = ".iu.maps")]
            static __IU_USDT_SPECS: $crate::maps::Array<u32, $crate::ctx::UsdtSpec> =
                <$crate::maps::Array<u32, $crate::ctx::UsdtSpec>>::__iu_new(
                    match ::core::str::from_utf8(&__IU_USDT_NAME) {
                        Ok(s) => s,
                        Err(_) => panic!(),
                    },
                    $crate::ctx::USDT_MAX_SITES,
                    0,
                );
            $crate::__iu_program!($name, $attach, $crate::ctx::UsdtContext<'_>, |c| {
                $name(&c.__iu_specs(&__IU_USDT_SPECS))
            });
        };
    };
}
