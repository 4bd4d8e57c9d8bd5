//! tracex5: decodes the system calls of seccomp-filtered processes, from a kprobe on
//! `__seccomp_filter(int this_syscall, const struct seccomp_data *sd, bool)`, which the
//! kernel calls for every system call of a task with a seccomp filter. Since 5.x the
//! syscall path passes `sd == NULL`, so the arguments are read from the task's saved user
//! registers at the top of its kernel stack (`task_struct.stack`, offset from the kernel's
//! BTF through `iu gen btf`, in `kernel.rs`). One trace_pipe line per call. Where the
//! kernel's sample tail-calls one program per syscall, this one matches on the number
//! (native programs cannot be tail-call targets).
#![no_std]

use iu::prelude::*;

mod kernel;
use kernel::TaskStruct;

/// x86-64 `THREAD_SIZE` (16 KiB, no KASAN) and `sizeof(struct pt_regs)`.
const THREAD_SIZE: u64 = 16384;
const PT_REGS_SIZE: u64 = 21 * 8;

/// The syscall arguments (rdi, rsi, rdx, r10, r8, r9) of the current task.
fn user_args() -> Option<[u64; 6]> {
    let stack = TaskStruct {
        addr: current_task(),
    }
    .stack()?;
    let r = probe_read_kernel::<[u64; 21]>(stack + THREAD_SIZE - PT_REGS_SIZE)?;
    // struct pt_regs: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di ...
    Some([r[14], r[13], r[12], r[7], r[9], r[8]])
}

fn seccomp(ctx: &KprobeContext) -> u32 {
    let nr = ctx.arg(0).unwrap_or(u64::MAX) as i32;
    let a = user_args().unwrap_or([0; 6]);
    match nr {
        0 => iu::trace_printk!("tracex5: read(fd=%d, count=%d)\n", a[0] as i32, a[2]),
        1 => iu::trace_printk!("tracex5: write(fd=%d, count=%d)\n", a[0] as i32, a[2]),
        3 => iu::trace_printk!("tracex5: close(fd=%d)\n", a[0] as i32),
        9 => iu::trace_printk!(
            "tracex5: mmap(len=%d, prot=%d, flags=%x)\n",
            a[1],
            a[2],
            a[3]
        ),
        39 => iu::trace_printk!("tracex5: getpid()\n"),
        257 => iu::trace_printk!(
            "tracex5: openat(dfd=%d, flags=%x, mode=%x)\n",
            a[0] as i32,
            a[2],
            a[3]
        ),
        231 => iu::trace_printk!("tracex5: exit_group(status=%d)\n", a[0] as i32),
        _ => iu::trace_printk!("tracex5: syscall %d\n", nr),
    };
    0
}

iu::kprobe!(seccomp, "__seccomp_filter");

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use iu::host::Kprobe;

    /// A task whose kernel stack ends with the user registers of a write(1, buf, 12).
    fn fake_task() {
        let (task, stack) = (0xffff_8880_0000_1000u64, 0xffff_c900_0000_0000u64);
        iu::host::set_current_task(task);
        iu::host::kernel_memory(task + 32, &stack.to_le_bytes());
        let mut regs = [0u64; 21];
        (regs[14], regs[13], regs[12]) = (1, 0x1000, 12);
        let bytes: std::vec::Vec<u8> = regs.iter().flat_map(|r| r.to_le_bytes()).collect();
        iu::host::kernel_memory(stack + THREAD_SIZE - PT_REGS_SIZE, &bytes);
    }

    #[test]
    fn prints_the_syscall_with_its_user_arguments() {
        fake_task();
        Kprobe::new(&[1]).run(seccomp);
        Kprobe::new(&[39]).run(seccomp);
        Kprobe::new(&[500]).run(seccomp);
        assert_eq!(
            iu::host::trace_lines(),
            [
                "tracex5: write(fd=1, count=12)",
                "tracex5: getpid()",
                "tracex5: syscall 500"
            ]
        );
    }

    #[test]
    fn unreadable_task_gives_zero_arguments() {
        Kprobe::new(&[0]).run(seccomp);
        assert_eq!(iu::host::trace_lines(), ["tracex5: read(fd=0, count=0)"]);
    }
}
