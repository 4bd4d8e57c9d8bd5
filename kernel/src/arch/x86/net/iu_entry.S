/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inner Unikernels: entry and exit paths of native programs.
 *
 * iu_call() saves the callee-saved registers on the hook's stack, stores
 * that stack pointer in the frame, switches to the frame's own stack and
 * calls the program. iu_unwind() is the longjmp: it goes back to the stack
 * pointer iu_call() saved, so that iu_call() returns @ret to the dispatcher
 * as if the program had returned it. What the program left on its own
 * stack is simply abandoned.
 *
 * iu_mcount() is called at every function entry of the program (rustc
 * -Zinstrument-mcount): the program's stacks are aligned to their size,
 * so the offset of %rsp in its stack says how much is left.
 *
 * iu_fault_entry() is where the NMI and double-fault handlers send a
 * program that has to stop, with %rsp 16 bytes below the top of its stack
 * (above it, the program's return address) and the reason in %edi.
 *
 * None of them may be probed: a program there would run inside the path
 * that is meant to stop programs.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>

#define IU_STACK_SIZE		(32 * 1024)
#define IU_STACK_RESERVE	(8 * 1024)
#define IU_FAULT_OVERFLOW	2
#define IU_FRAME_SP		0
#define IU_FRAME_STACK_TOP	8
/* checked against iu.h by BUILD_BUG_ON in iu_dispatch_slow() */
#define IU_LEVEL_DEPTH		0x3f
#define IU_REGS_SEQ		48

	.text

/* unsigned int iu_call(const void *ctx, void *entry, struct iu_frame *f) */
SYM_FUNC_START(iu_call)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx			/* keeps %rsp 16-byte aligned */
	movq	%rsp, IU_FRAME_SP(%rdx)
	movq	IU_FRAME_STACK_TOP(%rdx), %rsp
	movq	%rsi, %rax
	xorl	%esi, %esi
	CALL_NOSPEC rax
	leaq	-48(%rbp), %rsp
	popq	%rdx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_FUNC_END(iu_call)
_ASM_NOKPROBE(iu_call)

/*
 * void iu_unwind(const unsigned long *save_sp, unsigned int ret), no return.
 * Not a function for objtool: it returns from iu_call()'s frame.
 */
SYM_CODE_START(iu_unwind)
	UNWIND_HINT_UNDEFINED
	ANNOTATE_NOENDBR
	movq	(%rdi), %rsp
	movl	%esi, %eax
	popq	%rdx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_CODE_END(iu_unwind)
_ASM_NOKPROBE(iu_unwind)

/*
 * void iu_unwind_to(unsigned long sp, unsigned int ret, const void *ip), no
 * return: the same for a level 0 invocation the entry stub started; @ip is
 * where the stub resumes with %rsp as it saved it. The stub restores the
 * callee-saved registers the image uses; the others come from iu_regs0.
 */
SYM_CODE_START(iu_unwind_to)
	UNWIND_HINT_UNDEFINED
	ANNOTATE_NOENDBR
	movq	%rdi, %rsp
	movl	%esi, %eax
	movq	PER_CPU_VAR(iu_regs0 + 0), %rbx
	movq	PER_CPU_VAR(iu_regs0 + 8), %rbp
	movq	PER_CPU_VAR(iu_regs0 + 16), %r12
	movq	PER_CPU_VAR(iu_regs0 + 24), %r13
	movq	PER_CPU_VAR(iu_regs0 + 32), %r14
	movq	PER_CPU_VAR(iu_regs0 + 40), %r15
	JMP_NOSPEC rdx
SYM_CODE_END(iu_unwind_to)
_ASM_NOKPROBE(iu_unwind_to)

/*
 * Save the callee-saved registers in iu_regs0 if a level 0 invocation
 * runs: its program called the runtime, or was sent to iu_fault_entry,
 * and has not changed them except those the entry stub saved. Only %r11
 * changes, so that the arguments pass through.
 */
SYM_FUNC_START_LOCAL(iu_save_regs)
	movzwl	PER_CPU_VAR(iu_level), %r11d
	incl	%r11d
	andl	$IU_LEVEL_DEPTH, %r11d
	cmpl	$1, %r11d
	jne	1f
	movq	%rbx, PER_CPU_VAR(iu_regs0 + 0)
	movq	%rbp, PER_CPU_VAR(iu_regs0 + 8)
	movq	%r12, PER_CPU_VAR(iu_regs0 + 16)
	movq	%r13, PER_CPU_VAR(iu_regs0 + 24)
	movq	%r14, PER_CPU_VAR(iu_regs0 + 32)
	movq	%r15, PER_CPU_VAR(iu_regs0 + 40)
	movq	PER_CPU_VAR(iu_level), %r11
	movq	%r11, PER_CPU_VAR(iu_regs0 + IU_REGS_SEQ)
1:	RET
SYM_FUNC_END(iu_save_regs)
_ASM_NOKPROBE(iu_save_regs)

/* The runtime's functions that may stop the program, entered from it. */
.macro IU_SAVING fn
SYM_FUNC_START(\fn\()_saving)
	call	iu_save_regs
	jmp	\fn
SYM_FUNC_END(\fn\()_saving)
_ASM_NOKPROBE(\fn\()_saving)
.endm

IU_SAVING iu_panic
IU_SAVING iu_denied_helper
IU_SAVING iu_helper_returned
IU_SAVING iu_helper_under_lock
IU_SAVING iu_spin_lock
IU_SAVING iu_spin_unlock
IU_SAVING iu_ringbuf_submit
IU_SAVING iu_ringbuf_discard

/*
 * Called at every function entry of a program: stop it before it reaches
 * the reserve, or when the watchdog wants it stopped.
 */
SYM_FUNC_START(iu_mcount)
	movl	%esp, %r11d
	andl	$(IU_STACK_SIZE - 1), %r11d
	cmpl	$IU_STACK_RESERVE, %r11d
	jb	.Lout_of_stack
	cmpb	$0, PER_CPU_VAR(iu_stop_pending)
	jne	.Lmcount_stop_pending
	RET
.Lmcount_stop_pending:
	xorl	%edi, %edi
	jmp	iu_helper_returned_saving
.Lout_of_stack:
	movl	$IU_FAULT_OVERFLOW, %edi
	jmp	iu_fault_on_stack_top
SYM_FUNC_END(iu_mcount)
_ASM_NOKPROBE(iu_mcount)

/*
 * The program is abandoned: run iu_fault(%edi) from the top of the stack
 * the program runs on, not from the little that is left below it.
 */
SYM_CODE_START_LOCAL(iu_fault_on_stack_top)
	UNWIND_HINT_UNDEFINED
	call	iu_save_regs
	movq	%rsp, %rax
	orq	$(IU_STACK_SIZE - 1), %rax
	leaq	-15(%rax), %rsp		/* top - 16: keep the return address */
	call	iu_fault
	int3
SYM_CODE_END(iu_fault_on_stack_top)
_ASM_NOKPROBE(iu_fault_on_stack_top)

/*
 * Reached by the iret of the NMI or double-fault handler, which set %rsp
 * near the top of the program's stack and %edi to the reason.
 */
SYM_CODE_START(iu_fault_entry)
	UNWIND_HINT_UNDEFINED
	ANNOTATE_NOENDBR
	call	iu_save_regs
	call	iu_fault
	int3
SYM_CODE_END(iu_fault_entry)
_ASM_NOKPROBE(iu_fault_entry)
