#![no_std]
// No `unsafe` token anywhere: the handler is an unsafe function from core, renamed.
// The SDK calls handlers outside its own unsafe block, so this must not compile.

use core::mem::transmute as prog;

iu::tracepoint!(prog, "syscalls/sys_enter_getpid");
