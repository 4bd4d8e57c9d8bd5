/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inner Unikernels: entry trampoline for native programs.
 *
 * iu_call() saves the callee-saved registers on the current stack, stores
 * the stack pointer in *save_sp and calls the program. iu_unwind() is the
 * longjmp: it restores the stack pointer saved by the innermost iu_call(),
 * so that iu_call() returns @ret to its caller as if the program had
 * returned it. Everything the program pushed below save_sp is discarded.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>

	.text

/* unsigned int iu_call(const void *ctx, void *entry, unsigned long *save_sp) */
SYM_FUNC_START(iu_call)
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx			/* keeps %rsp 16-byte aligned at the call */
	movq	%rsp, (%rdx)
	movq	%rsi, %rax
	xorl	%esi, %esi
	CALL_NOSPEC rax
	popq	%rdx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_FUNC_END(iu_call)

/* void iu_unwind(const unsigned long *save_sp, unsigned int ret), no return */
SYM_FUNC_START(iu_unwind)
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
SYM_FUNC_END(iu_unwind)
