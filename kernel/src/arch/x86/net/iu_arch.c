// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: the x86-64 parts of the native program loader and
 * runtime. The loader writes the stubs below and applies the image's
 * relocations; the watchdog and the double-fault handler send a program
 * to iu_fault_entry by rewriting the exception frame.
 */
#include <linux/bpf.h>
#include <linux/elf.h>
#include <linux/kprobes.h>
#include <linux/memory.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/nospec-branch.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/text-patching.h>
#include "../../../kernel/bpf/iu.h"

static const u8 iu_endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };

/* Does @p, with @avail bytes after it, start with endbr64 (IBT)? */
bool iu_arch_branch_target(const void *p, size_t avail)
{
	return avail >= sizeof(iu_endbr) && !memcmp(p, iu_endbr, sizeof(iu_endbr));
}

static u8 *iu_emit_endbr(u8 *p)
{
	memcpy(p, iu_endbr, sizeof(iu_endbr));
	return p + sizeof(iu_endbr);
}

/* movabs $imm, %reg (reg: 0 rax, 6 rsi) */
static u8 *iu_emit_movabs(u8 *p, unsigned int reg, u64 imm)
{
	*p++ = 0x48;
	*p++ = 0xb8 + reg;
	put_unaligned(imm, (u64 *)p);
	return p + 8;
}

/* jmp rel32 to @target; NULL if it is out of range */
static u8 *iu_emit_jmp(u8 *p, unsigned long target)
{
	s64 rel = (s64)target - (s64)(unsigned long)(p + 5);

	if (rel != (s32)rel)
		return NULL;
	*p++ = 0xe9;
	put_unaligned((s32)rel, (s32 *)p);
	p += 4;
	*p++ = 0xcc;
	return p;
}

/* jcc/jmp/call rel32 at @p to @target; NULL if it is out of range */
static u8 *iu_emit_rel32(u8 *p, const u8 *op, unsigned int oplen, unsigned long target)
{
	s64 rel = (s64)target - (s64)(unsigned long)(p + oplen + 4);

	if (rel != (s32)rel)
		return NULL;
	memcpy(p, op, oplen);
	put_unaligned((s32)rel, (s32 *)(p + oplen));
	return p + oplen + 4;
}

/* @op with a %gs:@addr memory operand (ModRM mod 00, SIB "disp32, no base") */
static u8 *iu_emit_gs(u8 *p, const u8 *op, unsigned int oplen, u8 reg, unsigned long addr)
{
	*p++ = 0x65;
	memcpy(p, op, oplen);
	p += oplen;
	*p++ = (reg << 3) | 4;
	*p++ = 0x25;
	put_unaligned((s32)addr, (s32 *)p);
	return p + 4;
}

static u8 *iu_emit_ret(u8 *p)
{
	if (cpu_feature_enabled(X86_FEATURE_RETHUNK))
		return iu_emit_rel32(p, (const u8 []){ 0xe9 }, 1,
				     (unsigned long)x86_return_thunk);
	*p++ = 0xc3;
	*p++ = 0xcc;
	return p;
}

/*
 * Does @v fit a sign-extended 32-bit field: a %gs displacement, or an
 * imm32 naming an address in the kernel's top 2 GB?
 */
static bool iu_s32(unsigned long v)
{
	return (long)v == (s32)v;
}

/* jcc rel8 with opcode @op, its target set later by iu_land_jcc8() */
static u8 *iu_emit_jcc8(u8 *p, u8 op)
{
	p[0] = op;
	p[1] = 0;
	return p + 2;
}

/* The jcc rel8 at @j goes to @target, a short forward jump. */
static void iu_land_jcc8(u8 *j, const u8 *target)
{
	j[1] = target - (j + 2);
}

#define IU_JNE8	0x75
#define IU_JZ8	0x74

/* The stub tail after a call: ret, or iu_helper_returned() if a stop is pending. */
static u8 *iu_emit_call_tail(u8 *p, unsigned long fn)
{
	unsigned long pending = (unsigned long)&iu_stop_pending;
	unsigned long returned = (unsigned long)iu_helper_returned_saving;
	u8 *jstop;

	OPTIMIZER_HIDE_VAR(returned);
	p = iu_emit_rel32(p, (const u8 []){ 0xe8 }, 1, fn);
	if (!p)
		return NULL;
	p = iu_emit_gs(p, (const u8 []){ 0x80 }, 1, 7, pending);
	*p++ = 0;
	jstop = p;
	p = iu_emit_ret(iu_emit_jcc8(p, IU_JNE8));
	iu_land_jcc8(jstop, p);
	memcpy(p, (const u8 []){ 0x48, 0x89, 0xc7 }, 3);	/* movq %rax, %rdi */
	return iu_emit_rel32(p + 3, (const u8 []){ 0xe9 }, 1, returned);
}

static unsigned long iu_lock_addr(void)
{
	return (unsigned long)&iu_cpu + offsetof(struct iu_cpu, lock);
}

/* cmpq $0, %gs:iu_cpu.lock */
static u8 *iu_emit_lock_held(u8 *p)
{
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x83 }, 2, 7, iu_lock_addr());
	*p++ = 0;
	return p;
}

static bool iu_stub_data_reachable(void)
{
	return iu_s32(iu_lock_addr()) &&
	       iu_s32((unsigned long)&iu_stop_pending) &&
	       iu_s32((unsigned long)&pcpu_hot.preempt_count);
}

/*
 * The stub every call of helper @fn goes through, in IU_ARCH_HELPER_STUB bytes:
 *
 *	endbr64
 *	cmpq	$0, %gs:iu_cpu.lock
 *	jne	iu_helper_under_lock	as the verifier has it, no helper while
 *					a spin lock is held (the unlock has its own stub)
 *	call	fn
 *	cmpb	$0, %gs:iu_stop_pending	the watchdog wants a program stopped
 *	jne	stop
 *	ret
 * stop: movq %rax, %rdi; jmp iu_helper_returned
 */
int iu_arch_emit_helper_stub(u8 *p, const void *fn)
{
	unsigned long under = (unsigned long)iu_helper_under_lock_saving;
	u8 *start = p;

	OPTIMIZER_HIDE_VAR(under);
	if (!iu_stub_data_reachable())
		return -EFAULT;
	memset(p, 0xcc, IU_ARCH_HELPER_STUB);
	p = iu_emit_endbr(p);
	p = iu_emit_lock_held(p);
	p = iu_emit_rel32(p, (const u8 []){ 0x0f, 0x85 }, 2, under);
	if (p)
		p = iu_emit_call_tail(p, (unsigned long)fn);
	if (!p)
		return -ERANGE;
	return p - start <= IU_ARCH_HELPER_STUB ? 0 : -E2BIG;
}

/*
 * bpf_spin_lock of program @img, in the stub: the common case is a lock
 * that is free, taken where softirqs cannot run (XDP and tc run in softirq
 * or with BH disabled). There it keeps interrupts on: no program that may
 * lock runs in hardirq or NMI context with interrupts on (tracing programs
 * take no locks), so waiting cannot deadlock, and the watchdog's timer
 * still runs on this CPU. A level 0 invocation the entry stub started
 * returns through the stub's release path from now on.
 *
 *	endbr64
 *	cmpq	$0, %gs:iu_cpu.lock		one lock at a time
 *	jne	slow
 *	testl	$(SOFTIRQ_MASK | HARDIRQ_MASK), %gs:preempt_count
 *	jz	slow
 *	movq	%gs:frame[0].stack_top, %rax
 *	cmpq	$fast_ret, -8(%rax)
 *	jne	1f
 *	movq	$fast_release, -8(%rax)
 * 1:	xorl	%eax, %eax
 *	movl	$1, %ecx
 *	lock cmpxchgl %ecx, (%rdi)		arch_spin_trylock()
 *	jne	slow
 *	movq	%rdi, %gs:iu_cpu.lock
 *	ret
 * slow: call iu_spin_lock, then the helper stub's tail
 *
 * The slot compared is the level 0 return address: it holds this
 * program's fast_ret only while the entry stub runs this program at
 * level 0 (no program runs nested in itself), so a nested or slow path
 * invocation is left to iu_dispatch_slow(), which releases after it.
 */
int iu_arch_emit_lock_stub(u8 *p, const struct bpf_iu_image *img)
{
	unsigned long top0 = (unsigned long)&iu_cpu +
			     offsetof(struct iu_cpu, frame[0].stack_top);
	unsigned long ret = (unsigned long)img->fast_ret;
	unsigned long rel = (unsigned long)img->fast_release;
	unsigned long pc = (unsigned long)&pcpu_hot.preempt_count;
	u8 *start = p, *j[3];
	unsigned int i;

	if (!iu_stub_data_reachable() || !iu_s32(top0))
		return -EFAULT;
	if (!iu_s32(ret) || !iu_s32(rel))
		return -ERANGE;
	memset(p, 0xcc, IU_ARCH_LOCK_STUB);
	p = iu_emit_endbr(p);
	p = iu_emit_lock_held(p);
	j[0] = p;
	p = iu_emit_jcc8(p, IU_JNE8);
	p = iu_emit_gs(p, (const u8 []){ 0xf7 }, 1, 0, pc);
	put_unaligned((u32)(SOFTIRQ_MASK | HARDIRQ_MASK), (u32 *)p);
	p += 4;
	j[1] = p;
	p = iu_emit_jcc8(p, IU_JZ8);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x8b }, 2, 0, top0);
	memcpy(p, (const u8 []){ 0x48, 0x81, 0x78, 0xf8 }, 4);	/* cmpq $ret, -8(%rax) */
	put_unaligned((s32)ret, (s32 *)(p + 4));
	memcpy(p + 8, (const u8 []){ 0x75, 0x08 }, 2);		/* jne 1f */
	memcpy(p + 10, (const u8 []){ 0x48, 0xc7, 0x40, 0xf8 }, 4);
	put_unaligned((s32)rel, (s32 *)(p + 14));		/* movq $rel, -8(%rax) */
	p += 18;
	memcpy(p, (const u8 []){ 0x31, 0xc0,			/* xorl %eax, %eax */
				 0xb9, 0x01, 0x00, 0x00, 0x00,	/* movl $1, %ecx */
				 0xf0, 0x0f, 0xb1, 0x0f }, 11);	/* lock cmpxchgl */
	p += 11;
	j[2] = p;
	p = iu_emit_jcc8(p, IU_JNE8);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x89 }, 2, 7, iu_lock_addr());
	p = iu_emit_ret(p);
	for (i = 0; i < ARRAY_SIZE(j); i++)
		iu_land_jcc8(j[i], p);
	p = iu_emit_call_tail(p, (unsigned long)iu_spin_lock_saving);
	if (!p)
		return -ERANGE;
	return p - start <= IU_ARCH_LOCK_STUB ? 0 : -E2BIG;
}

/*
 * bpf_spin_unlock, in the stub when the lock is the one the stub took:
 *
 *	endbr64
 *	cmpq	%rdi, %gs:iu_cpu.lock
 *	jne	slow				not held, or taken with irqsave
 *	testq	%rdi, %rdi
 *	jz	slow
 *	movq	$0, %gs:iu_cpu.lock		forget it, then let it go
 *	movb	$0, (%rdi)			arch_spin_unlock()
 *	xorl	%eax, %eax
 *	ret
 * slow: call iu_spin_unlock, then the helper stub's tail
 */
int iu_arch_emit_unlock_stub(u8 *p)
{
	u8 *start = p, *j[2];
	unsigned int i;

	if (!iu_stub_data_reachable())
		return -EFAULT;
	memset(p, 0xcc, IU_ARCH_LOCK_STUB);
	p = iu_emit_endbr(p);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x39 }, 2, 7, iu_lock_addr());
	j[0] = p;
	p = iu_emit_jcc8(p, IU_JNE8);
	memcpy(p, (const u8 []){ 0x48, 0x85, 0xff }, 3);	/* testq %rdi, %rdi */
	p += 3;
	j[1] = p;
	p = iu_emit_jcc8(p, IU_JZ8);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0xc7 }, 2, 0, iu_lock_addr());
	put_unaligned(0, (u32 *)p);
	p += 4;
	memcpy(p, (const u8 []){ 0xc6, 0x07, 0x00,		/* movb $0, (%rdi) */
				 0x31, 0xc0 }, 5);		/* xorl %eax, %eax */
	p += 5;
	p = iu_emit_ret(p);
	for (i = 0; i < ARRAY_SIZE(j); i++)
		iu_land_jcc8(j[i], p);
	p = iu_emit_call_tail(p, (unsigned long)iu_spin_unlock_saving);
	if (!p)
		return -ERANGE;
	return p - start <= IU_ARCH_LOCK_STUB ? 0 : -E2BIG;
}

enum { IU_L_SLOW, IU_L_IRQOFF, IU_L_RET, IU_REL_LABELS };

/*
 * bpf_func, the entry stub of one program. The common case, the only
 * native invocation on the CPU with interrupts on, runs straight through:
 *
 *	endbr64
 *	addw	$1, %gs:iu_level		take level 0 (ZF: it was free)
 *	jnz	slow
 *	pushfq
 *	testb	$X86_EFLAGS_IF >> 8, 1(%rsp)
 *	jz	irqoff
 *	pushq	(the callee-saved registers in @clobbers)
 *	movq	%rsp, %gs:frame[0].sp
 *	movq	%gs:frame[0].stack_top, %rsp
 *	call	entry + 4			(past its endbr64)
 * ret:	movq	%gs:frame[0].sp, %rsp
 * resume:
 *	popq	(the same, in reverse)
 *	addq	$IU_LEVEL_EXIT0, %gs:iu_level	leave level 0, next sequence
 *	popq	%rcx
 *	ret
 *
 * Everything else (nesting, recursion, interrupts off, blocked, disabled
 * on this CPU) goes to iu_dispatch_slow() with level taken. The stub does
 * not count: BPF stats do, when they are on. Disabling the program patches
 * the addw into a jmp to "gated", which refuses it. Before the stack switch the
 * stub pushes the callee-saved registers the image's code uses (@clobbers,
 * found by the toolchain, signed), and pops them after "resume": a stop
 * or panic at level 0 resumes there with %rsp from frame[0].sp.
 * The tracked helpers point the return address at "release" once the
 * invocation holds something. The thunk, at IU_ARCH_THUNK, is the slow
 * path's indirect call target.
 */
#define IU_ARCH_THUNK	224

/* push/pop of the IU_REG_* registers: rbx, rbp, r12-r15 */
static const u8 iu_reg_num[] = { 3, 5, 12, 13, 14, 15 };

static u8 *iu_emit_push_pop(u8 *p, u32 clobbers, bool pop)
{
	unsigned int n = ARRAY_SIZE(iu_reg_num), i, k, r;

	for (i = 0; i < n; i++) {
		k = pop ? n - 1 - i : i;
		if (!(clobbers & BIT(k)))
			continue;
		r = iu_reg_num[k];
		if (r >= 8)
			*p++ = 0x41;
		*p++ = (pop ? 0x58 : 0x50) + (r & 7);
	}
	return p;
}

int iu_arch_emit_entry(struct bpf_iu_image *img, const struct bpf_prog *prog, u32 clobbers)
{
	unsigned long level = (unsigned long)&iu_level;
	unsigned long sp0 = (unsigned long)&iu_cpu + offsetof(struct iu_cpu, frame[0].sp);
	unsigned long top0 = (unsigned long)&iu_cpu +
			     offsetof(struct iu_cpu, frame[0].stack_top);
	unsigned long slow = (unsigned long)iu_dispatch_slow;
	unsigned long disabled = (unsigned long)iu_dispatch_disabled;
	unsigned long release = (unsigned long)iu_release_fast;
	unsigned long nres0 = (unsigned long)&iu_cpu + offsetof(struct iu_cpu, frame[0].nres);
	u8 *start = img->alloc, *p = start, *fix[IU_REL_LABELS] = {}, *at[IU_REL_LABELS];
	u8 *jheld[2];
	const void *resume;
	unsigned int i;

	BUILD_BUG_ON(IU_ARCH_THUNK + 16 > IU_STUB_PROG);
	BUILD_BUG_ON(IU_STUB_PROG + 8 > IU_ARCH_STUBS);
	/* objtool: plain addresses, no folded "sym - N" */
	OPTIMIZER_HIDE_VAR(slow);
	OPTIMIZER_HIDE_VAR(disabled);
	OPTIMIZER_HIDE_VAR(release);
	if (!iu_s32(level) || !iu_s32(top0) || !iu_s32(nres0) ||
	    !iu_stub_data_reachable())
		return -EFAULT;

	p = iu_emit_endbr(p);
	p = iu_emit_gs(p, (const u8 []){ 0x66, 0x83 }, 2, 0, level);
	*p++ = 1;
	fix[IU_L_SLOW] = p;
	p = iu_emit_rel32(p, (const u8 []){ 0x0f, 0x85 }, 2, (unsigned long)p);
	*p++ = 0x9c;						/* pushfq */
	memcpy(p, (const u8 []){ 0xf6, 0x44, 0x24, 0x01, X86_EFLAGS_IF >> 8 }, 5);
	p += 5;
	fix[IU_L_IRQOFF] = p;
	p = iu_emit_rel32(p, (const u8 []){ 0x0f, 0x84 }, 2, (unsigned long)p);
	p = iu_emit_push_pop(p, clobbers, false);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x89 }, 2, 4, sp0);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x8b }, 2, 4, top0);
	p = iu_emit_rel32(p, (const u8 []){ 0xe8 }, 1, (unsigned long)img->entry + 4);
	if (!p)
		return -ERANGE;
	img->fast_ret = p;
	at[IU_L_RET] = p;
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x8b }, 2, 4, sp0);
	resume = p;
	p = iu_emit_push_pop(p, clobbers, true);
	p = iu_emit_gs(p, (const u8 []){ 0x48, 0x81 }, 2, 0, level);
	put_unaligned((s32)IU_LEVEL_EXIT0, (s32 *)p);
	p += 4;
	*p++ = 0x59;						/* popq %rcx */
	p = iu_emit_ret(p);

	at[IU_L_IRQOFF] = p;
	*p++ = 0x59;
	at[IU_L_SLOW] = p;
	p = iu_emit_movabs(p, 6, (unsigned long)prog);
	p = iu_emit_jmp(p, slow);
	if (!p)
		return -ERANGE;

	img->gated = p;
	p = iu_emit_movabs(p, 6, (unsigned long)prog);
	p = iu_emit_jmp(p, disabled);
	if (!p)
		return -ERANGE;

	/*
	 * release: nothing left (the program gave it all back), or call
	 * iu_release_fast; %rsp is at the stack top, keep the return
	 * address above it
	 */
	img->fast_release = p;
	p = iu_emit_lock_held(p);
	jheld[0] = p;
	p = iu_emit_gs(iu_emit_jcc8(p, IU_JNE8), (const u8 []){ 0x83 }, 1, 7, nres0);
	*p++ = 0;
	jheld[1] = p;
	p = iu_emit_rel32(iu_emit_jcc8(p, IU_JNE8), (const u8 []){ 0xe9 }, 1,
			  (unsigned long)at[IU_L_RET]);
	if (!p)
		return -ERANGE;
	iu_land_jcc8(jheld[0], p);
	iu_land_jcc8(jheld[1], p);
	memcpy(p, (const u8 []){ 0x48, 0x83, 0xec, 0x20,	/* subq $32, %rsp */
				 0x48, 0x89, 0x04, 0x24 }, 8);	/* movq %rax, (%rsp) */
	p += 8;
	p = iu_emit_rel32(p, (const u8 []){ 0xe8 }, 1, release);
	if (!p)
		return -ERANGE;
	memcpy(p, (const u8 []){ 0x48, 0x8b, 0x04, 0x24 }, 4);	/* movq (%rsp), %rax */
	p += 4;
	p = iu_emit_rel32(p, (const u8 []){ 0xe9 }, 1, (unsigned long)at[IU_L_RET]);

	/* iu_unwind_to() jumps here, an indirect branch */
	img->fast_unwind = p;
	p = iu_emit_endbr(p);
	p = iu_emit_rel32(p, (const u8 []){ 0xe9 }, 1, (unsigned long)resume);
	if (!p || p > start + IU_ARCH_THUNK)
		return -E2BIG;

	/* the forward jcc: their rel32 follows two opcode bytes */
	for (i = 0; i < IU_REL_LABELS; i++)
		if (fix[i])
			put_unaligned((s32)(at[i] - (fix[i] + 6)), (s32 *)(fix[i] + 2));

	p = start + IU_ARCH_THUNK;
	img->thunk = p;
	if (!iu_emit_jmp(iu_emit_endbr(p), (unsigned long)img->entry))
		return -ERANGE;
	put_unaligned((unsigned long)prog, (unsigned long *)(start + IU_STUB_PROG));
	return 0;
}

/*
 * Refuse a disabled program in its stub: the addw after endbr64 becomes a
 * jmp to "gated" (the addw's last bytes are never reached again). Other
 * CPUs may run the stub meanwhile: text_poke_bp() patches it through int3.
 */
void iu_arch_gate_entry(struct bpf_iu_image *img)
{
	u8 *at = (u8 *)img->alloc + sizeof(iu_endbr), jmp[JMP32_INSN_SIZE];

	jmp[0] = JMP32_INSN_OPCODE;
	put_unaligned((s32)((u8 *)img->gated - (at + JMP32_INSN_SIZE)), (s32 *)(jmp + 1));
	mutex_lock(&text_mutex);
	text_poke_bp(at, jmp, JMP32_INSN_SIZE, NULL);
	mutex_unlock(&text_mutex);
}

/* For per-CPU array elements: a %gs read here gives this CPU's offset. */
u64 iu_arch_cpu_off(void)
{
	return (unsigned long)&this_cpu_off;
}

enum iu_reloc iu_arch_reloc(u32 type)
{
	switch (type) {
	case R_X86_64_RELATIVE:
		return IU_RELOC_RELATIVE;
	case R_X86_64_64:
		return IU_RELOC_ABS_ADDEND;
	case R_X86_64_GLOB_DAT:
	case R_X86_64_JUMP_SLOT:
		return IU_RELOC_ABS;
	default:
		return IU_RELOC_UNSUPPORTED;
	}
}

/* Return from the exception to iu_fault_entry(@why), at the top of the stack. */
notrace void iu_arch_return_to_fault(struct pt_regs *regs, const struct iu_frame *f,
				     enum iu_fault_kind why)
{
	regs->ip = (unsigned long)iu_fault_entry;
	/* the program's return address at the top names a level 0 program */
	regs->sp = f->stack_top - 16;
	regs->di = why;
}
NOKPROBE_SYMBOL(iu_arch_return_to_fault);

/*
 * Without FRED the NMI does not return through the frame in pt_regs
 * ("outermost") but through a copy of it right above pt_regs (the "iret"
 * frame, see asm_exc_nmi in arch/x86/entry/entry_64.S): set both, so that
 * a repeated NMI, which copies the first to the second, agrees.
 */
notrace void iu_arch_nmi_return_to_stop(struct pt_regs *regs, const struct iu_frame *f)
{
	unsigned long *iret = (unsigned long *)(regs + 1);

	iu_arch_return_to_fault(regs, f, IU_FAULT_STOP);
	if (!cpu_feature_enabled(X86_FEATURE_FRED)) {
		iret[0] = regs->ip;
		iret[3] = regs->sp;
	}
}
NOKPROBE_SYMBOL(iu_arch_nmi_return_to_stop);

/*
 * A frame larger than the stack reserve goes into the unmapped page below
 * the stack; the CPU cannot push the page-fault frame there and raises a
 * double fault. Return from it into iu_fault_entry on a fresh stack.
 */
notrace bool bpf_iu_fixup_double_fault(struct pt_regs *regs)
{
	struct iu_cpu *c = this_cpu_ptr(&iu_cpu);
	unsigned int d = iu_depth();
	unsigned long addr = read_cr2(), base;
	struct iu_frame *f;

	if (!d || d > IU_MAX_NEST)
		return false;
	f = &c->frame[d - 1];
	base = f->stack_top - IU_STACK_SIZE;
	/* A push or stack probe of program code into the page below its stack. */
	if (addr < base - PAGE_SIZE || addr >= base ||
	    regs->sp > base + PAGE_SIZE || !iu_in_program(f, regs))
		return false;
	iu_arch_return_to_fault(regs, f, IU_FAULT_OVERFLOW);
	return true;
}
NOKPROBE_SYMBOL(bpf_iu_fixup_double_fault);
