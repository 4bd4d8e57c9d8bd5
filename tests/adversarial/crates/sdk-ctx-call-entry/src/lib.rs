//! The internal program macro's call expression calls the generated entry point itself with
//! a forged context pointer: the caller's tokens are compiled outside the block that holds
//! the entry, so they cannot name it.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::__iu_program!(evil, "", iu::ctx::XdpContext, |c| {
    let _ = &c;
    __iu_entry(0xffff_8000_0000_0000usize as *const _, core::ptr::null())
});
