/* SPDX-License-Identifier: GPL-2.0 */
/* Inner Unikernels: private declarations shared by kernel/bpf/iu_*.c. */
#ifndef _KERNEL_BPF_IU_H
#define _KERNEL_BPF_IU_H

#include <linux/bpf-iu.h>
#include <linux/bpf_verifier.h>
#include <linux/elf.h>

/* A PT_LOAD segment, already checked against the file and the span. */
struct iu_seg {
	u64 vaddr;
	u64 memsz;
	u64 offset;
	u64 filesz;
	u32 flags;
};

/* The checked view of the (signed, verified) ELF bytes. */
struct iu_elf {
	const u8 *data;
	size_t len;
	const Elf64_Ehdr *ehdr;
	const Elf64_Shdr *shdrs;
	unsigned int shnum;
	const char *shstr;
	size_t shstr_len;
	struct iu_seg seg[IU_MAX_SEGS];
	unsigned int nseg;
	unsigned int xseg;		/* index of the executable segment */
	u64 span;
	const Elf64_Shdr *progs;	/* .iu.progs */
	const Elf64_Shdr *maps;		/* .iu.maps or NULL */
	const Elf64_Shdr *rela[2];	/* .rela.dyn, .rela.plt or NULL */
	const struct iu_prov *prov;	/* .iu.prov or NULL */
};

#define iu_log(log, fmt, ...) bpf_log(log, "iu: " fmt "\n", ##__VA_ARGS__)

/* iu_sig.c */
struct ctl_table;
int iu_keyring_sysctl(const struct ctl_table *table, int write, void *buffer,
		      size_t *lenp, loff_t *ppos);
int iu_sig_verify(const u8 *img, size_t len, const u8 *sig, size_t sig_len,
		  s32 keyring_id, struct bpf_verifier_log *log);
int iu_elf_parse(struct iu_elf *e, const u8 *data, size_t len,
		 struct bpf_verifier_log *log);
int iu_elf_seg_of(const struct iu_elf *e, u64 addr, u64 size, bool file);
const char *iu_elf_sec_name(const struct iu_elf *e, const Elf64_Shdr *sh);

/*
 * Every CPU has one stack per nesting level (task, softirq, hardirq, NMI),
 * IU_STACK_SIZE bytes aligned to their size, with an unmapped page below.
 * Program code keeps out of the lowest IU_STACK_RESERVE bytes (iu_mcount
 * checks at every function entry): helpers and interrupts that arrive
 * while a program runs use them.
 */
#define IU_STACK_SIZE		(32 * 1024)
#define IU_STACK_RESERVE	(8 * 1024)
#define IU_MAX_RES		8

/* Why a program did not return by itself (iu_fault()). */
enum iu_fault_kind {
	IU_FAULT_STOP = 1,	/* over its time budget */
	IU_FAULT_OVERFLOW,	/* out of stack */
};

enum iu_res_kind {
	IU_RES_NONE,
	IU_RES_SPIN_LOCK,
	IU_RES_RINGBUF,
};

/* What an invocation holds and the runtime releases if the program does not. */
struct iu_res {
	void *ptr;
	enum iu_res_kind kind;
	unsigned long irq_flags;	/* IU_RES_SPIN_LOCK: saved at lock */
};

/*
 * One nesting level of one CPU. sp and stack_top are used by iu_entry.S at
 * offsets 0 and 8. seq numbers the invocations of the level; the watchdog
 * stops invocation stop_seq.
 */
struct iu_frame {
	unsigned long sp;
	unsigned long stack_top;
	const struct bpf_prog *prog;
	unsigned long seq;
	unsigned long stop_seq;
	unsigned int nres;
	struct iu_res res[IU_MAX_RES];
};

/*
 * blocked: the stop machinery (watchdog timer, NMI handler, fault and
 * stop paths) runs on this CPU; no native invocation starts meanwhile.
 * locks: bpf_spin_locks held by native programs on this CPU (0 or 1).
 * irqoff: invocations and locks that keep interrupts off on this CPU.
 */
struct iu_cpu {
	unsigned int depth;
	u8 nmi_pending;
	u8 blocked;
	u8 locks;
	u8 irqoff;
	struct iu_frame frame[IU_MAX_NEST];
};

DECLARE_PER_CPU(struct iu_cpu, iu_cpu);
DECLARE_PER_CPU(u8, iu_stop_pending);

/* Does the watchdog want the invocation in @f stopped? */
static inline bool iu_frame_stop_wanted(const struct iu_frame *f)
{
	return READ_ONCE(f->prog) && READ_ONCE(f->stop_seq) == READ_ONCE(f->seq);
}

/* ... or any invocation of CPU @c below depth @d? */
static inline bool iu_stop_wanted(const struct iu_cpu *c, unsigned int d)
{
	unsigned int i;

	for (i = 0; i < d && i < IU_MAX_NEST; i++)
		if (iu_frame_stop_wanted(&c->frame[i]))
			return true;
	return false;
}

void *iu_runtime_lookup(const char *name);
void *iu_runtime_denied_helper(void);
void *iu_runtime_tracked_helper(enum bpf_func_id id);
u32 iu_hook_default(enum bpf_prog_type type);
unsigned int iu_dispatch(const void *ctx, const struct bpf_prog *prog);
void __noreturn iu_fault(enum iu_fault_kind why);
u64 iu_helper_returned(u64 ret);
void __noreturn iu_helper_under_lock(void);

bool iu_runtime_ready(void);

/* iu_watchdog.c */
extern unsigned int iu_time_budget_ms;
extern unsigned int iu_fault_limit;
extern unsigned int iu_min_policy;
void iu_watchdog_get(void);
void iu_watchdog_put(void);

bool iu_in_program(const struct iu_frame *f, const struct bpf_prog *prog,
		   struct pt_regs *regs);

/* How the loader applies a relocation type of the architecture. */
enum iu_reloc {
	IU_RELOC_UNSUPPORTED,
	IU_RELOC_RELATIVE,	/* base + addend */
	IU_RELOC_ABS,		/* the symbol's address */
	IU_RELOC_ABS_ADDEND,	/* the symbol's address + addend */
};

/* arch/x86/net/iu_arch.c */
#define IU_ARCH_HELPER_STUB	24
bool iu_arch_branch_target(const void *p, size_t avail);
int iu_arch_emit_helper_stub(u8 *p, const void *fn, unsigned long call);
int iu_arch_emit_entry(u8 *p, const struct bpf_prog *prog, unsigned long dispatch,
		       const void *entry, void **thunk);
enum iu_reloc iu_arch_reloc(u32 type);
void iu_arch_return_to_fault(struct pt_regs *regs, const struct iu_frame *f,
			     enum iu_fault_kind why);
void iu_arch_nmi_return_to_stop(struct pt_regs *regs, const struct iu_frame *f);

/* arch/x86/net/iu_entry.S */
unsigned int iu_call(const void *ctx, void *entry, struct iu_frame *f);
/* Does not return; not __noreturn so that callers end in BUG() for objtool. */
void iu_unwind(const unsigned long *save_sp, unsigned int ret);
void iu_mcount(void);
void iu_helper_call(void);
void iu_helper_call_locked(void);
void iu_fault_entry(void);

#endif /* _KERNEL_BPF_IU_H */
