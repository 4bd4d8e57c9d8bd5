//! A context type of the program's own (a raw pointer it controls) handed to the internal
//! program macro: only the SDK's contexts implement ProgramContext (sealed).
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

pub struct Mine {
    pub p: *const u64,
}

fn evil(_c: Mine) -> u32 {
    0
}

iu::__iu_program!(evil, "sys_enter", Mine, |c| { evil(c) });
