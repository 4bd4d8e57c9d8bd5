//! A tracepoint program taking a spin lock: the verifier refuses spin locks in tracing programs
//! (they nest, e.g. at bpf_trace_printk under an XDP program holding the lock). The lock
//! methods take an XDP or tc context.
#![no_std]
#![allow(dead_code, unused_imports)]

use iu::prelude::*;

iu::map!(L: Array<u32, SpinLocked<u64>>, max_entries = 1);

fn tp(ctx: &TracepointContext) -> u32 {
    L.with_lock(ctx, &0, |v| *v += 1);
    0
}

iu::tracepoint!(tp, "bpf_trace/bpf_trace_printk");
