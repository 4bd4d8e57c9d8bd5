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
#include <linux/string.h>
#include <linux/unaligned.h>
#include <asm/special_insns.h>
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

/* "endbr64; movabs $fn, %rax; jmp @call" in IU_ARCH_HELPER_STUB bytes */
int iu_arch_emit_helper_stub(u8 *p, const void *fn, unsigned long call)
{
	u8 *end;

	BUILD_BUG_ON(4 + 10 + 6 > IU_ARCH_HELPER_STUB);
	memset(p, 0xcc, IU_ARCH_HELPER_STUB);
	end = iu_emit_jmp(iu_emit_movabs(iu_emit_endbr(p), 0, (unsigned long)fn), call);
	return end ? 0 : -ERANGE;
}

/*
 *   bpf_func: endbr64; movabs $prog, %rsi; jmp @dispatch
 *   thunk:    endbr64; jmp @entry
 * All are reached by indirect calls (IBT needs the endbr64); the program
 * itself is only ever reached by the direct jmp in the thunk.
 */
int iu_arch_emit_entry(u8 *p, const struct bpf_prog *prog, unsigned long dispatch,
		       const void *entry, void **thunk)
{
	p = iu_emit_jmp(iu_emit_movabs(iu_emit_endbr(p), 6, (unsigned long)prog), dispatch);
	if (!p)
		return -ERANGE;
	p = PTR_ALIGN(p, 16);
	*thunk = p;
	return iu_emit_jmp(iu_emit_endbr(p), (unsigned long)entry) ? 0 : -ERANGE;
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
	regs->sp = f->stack_top;
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
	unsigned int d = READ_ONCE(c->depth);
	unsigned long addr = read_cr2(), base;
	const struct bpf_prog *prog;
	struct iu_frame *f;

	if (!d || d > IU_MAX_NEST)
		return false;
	f = &c->frame[d - 1];
	prog = READ_ONCE(f->prog);
	base = f->stack_top - IU_STACK_SIZE;
	/* A push or stack probe of program code into the page below its stack. */
	if (!prog || addr < base - PAGE_SIZE || addr >= base ||
	    regs->sp > base + PAGE_SIZE || !iu_in_program(f, prog, regs))
		return false;
	iu_arch_return_to_fault(regs, f, IU_FAULT_OVERFLOW);
	return true;
}
NOKPROBE_SYMBOL(bpf_iu_fixup_double_fault);
