//! An errno outside 1..=4095 would make the hook return a value outside its range: Errno
//! is only made by its constants or Errno::new, which refuses such a number.
#![no_std]

use iu::prelude::*;

fn evil(_ctx: &LsmContext) -> LsmAction {
    LsmAction::Deny(Errno(0))
}

iu::lsm!(evil, "file_open");
