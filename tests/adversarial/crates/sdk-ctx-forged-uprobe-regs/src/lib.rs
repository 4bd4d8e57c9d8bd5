//! Forging the registers a uprobe or ksyscall context reads (a kernel address of the
//! program's choice as pt_regs): the contexts' pointers are private.
#![no_std]

use iu::prelude::*;

fn evil(_ctx: &UprobeContext) -> u32 {
    let u = UprobeContext { regs: 0xffff_8880_0000_0000 as *const _ };
    let k = KsyscallContext { regs: 0xffff_8880_0000_0000 as *const _ };
    (u.ret() + k.ret()) as u32
}

iu::uprobe!(evil, "/usr/bin/true:main");
