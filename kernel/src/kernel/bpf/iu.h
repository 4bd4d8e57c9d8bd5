/* SPDX-License-Identifier: GPL-2.0 */
/* Inner Unikernels: private declarations shared by kernel/bpf/iu_*.c. */
#ifndef _KERNEL_BPF_IU_H
#define _KERNEL_BPF_IU_H

#include <linux/bpf-iu.h>
#include <linux/bpf_verifier.h>
#include <linux/elf.h>
#include <crypto/hash.h>

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
		  s32 keyring_id, u8 digest[HASH_MAX_DIGESTSIZE], u32 *digest_len,
		  struct bpf_verifier_log *log);
int iu_elf_parse(struct iu_elf *e, const u8 *data, size_t len,
		 struct bpf_verifier_log *log);
int iu_elf_seg_of(const struct iu_elf *e, u64 addr, u64 size, bool file);
const char *iu_elf_sec_name(const struct iu_elf *e, const Elf64_Shdr *sh);

/*
 * Every CPU has one stack per nesting level (task, softirq, hardirq, NMI),
 * IU_STACK_SIZE bytes aligned to their size, with an unmapped page below.
 * Program code keeps out of the lowest IU_STACK_RESERVE bytes: by a bound
 * the toolchain proved and signed (.iu.prov stack), or, for code without
 * one, by iu_mcount's check at every function entry. Helpers and
 * interrupts that arrive while a program runs use them.
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
	IU_RES_RINGBUF,
};

/* A record an invocation holds and the runtime discards if the program does not. */
struct iu_res {
	void *ptr;
	enum iu_res_kind kind;
};

/*
 * One nesting level of one CPU. sp and stack_top are used by iu_entry.S at
 * offsets 0 and 8, and by the entry stub at level 0. seq numbers the
 * invocations of levels 1 and up (level 0's is in iu_level); the watchdog
 * stops invocation stop_seq. prog is set by the slow path only: a level 0
 * invocation the stub started is known by the stub page it returns to.
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
 * lock: the bpf_spin_lock the innermost invocation on this CPU holds, or 0
 * (the slow path keeps an outer invocation's aside while a nested one
 * runs); with IU_LOCK_IRQSAVE if it was taken with interrupts disabled
 * and lock_flags saved. The helper stubs read it (arch/x86/net/iu_arch.c).
 * irqoff: invocations and locks that keep interrupts off on this CPU.
 */
struct iu_cpu {
	u8 nmi_pending;
	u8 irqoff;
	u32 gates;		/* disabled programs whose stubs are not patched yet */
	unsigned long lock;
	unsigned long lock_flags;
	struct iu_frame frame[IU_MAX_NEST];
};

#define IU_LOCK_IRQSAVE		1UL

/*
 * The callee-saved registers of a level 0 invocation the entry stub
 * started, as the hook had them. The stub saves only the ones the image
 * uses; the runtime's C code on the way to a stop or panic changes the
 * others, so every way from the program into that code saves them here
 * first (iu_save_regs) and iu_unwind_to() puts them back. @seq: the
 * sequence of iu_level when saved, to check they are this invocation's.
 */
struct iu_regs {
	unsigned long reg[6];	/* rbx, rbp, r12-r15 */
	u64 seq;
};

DECLARE_PER_CPU(struct iu_regs, iu_regs0);

/*
 * iu_level, per CPU: how many native invocations run on the CPU, whether
 * the stop machinery runs there, and the sequence number of level 0, in
 * one word, so that the entry stub takes level 0 with one "addw $1" (low
 * 16 bits from 0xffff to 0: no other invocation, nothing blocked) and
 * leaves it with one "addq $IU_LEVEL_EXIT0" (low 16 bits back to 0xffff,
 * sequence + 1). Of low + 1, bits 0-5 are the depth, bit 6 sends every
 * stub of the CPU to the slow path (a program was disabled here and its
 * stub is not patched yet; bit 7 takes the carry of a second, transient
 * one), and bits 8-15 count the stop machinery (watchdog timer, NMI
 * handler, fault and stop paths) running on the CPU: no native invocation
 * starts meanwhile.
 */
union iu_level {
	u64 word;
	u16 low;
};

#define IU_LEVEL_INIT		0x1ffffULL
#define IU_LEVEL_EXIT0		0x1ffff
#define IU_LEVEL_SLOW		0x40
#define IU_LEVEL_BLOCKED	0x100

DECLARE_PER_CPU(struct iu_cpu, iu_cpu);
DECLARE_PER_CPU(union iu_level, iu_level);
DECLARE_PER_CPU(u8, iu_stop_pending);

static inline unsigned int iu_level_depth(u64 w)
{
	return (u16)(w + 1) & (IU_LEVEL_SLOW - 1);
}

static inline bool iu_level_blocked(u64 w)
{
	return (u16)(w + 1) >> 8;
}

static inline unsigned int iu_depth(void)
{
	return iu_level_depth(this_cpu_read(iu_level.word));
}

static inline void iu_block(void)
{
	this_cpu_add(iu_level.low, IU_LEVEL_BLOCKED);
}

static inline void iu_unblock(void)
{
	this_cpu_sub(iu_level.low, IU_LEVEL_BLOCKED);
}

/* The sequence number of the invocation at level @l, from iu_level @w. */
static inline unsigned long iu_frame_seq(const struct iu_cpu *c, u64 w, unsigned int l)
{
	return l ? READ_ONCE(c->frame[l].seq) : w >> 16;
}

/*
 * Where the stub page keeps its program (arch/x86/net/iu_arch.c): the
 * page a level 0 invocation returns to names it.
 */
#define IU_STUB_PROG		248

/* The program whose stub page starts at @page. */
static inline const struct bpf_prog *iu_stub_prog(const void *page)
{
	return *(const struct bpf_prog * const *)(page + IU_STUB_PROG);
}

/* The stub page a level 0 invocation the stub started returns to. */
static inline const void *iu_frame_stub_page(const struct iu_frame *f)
{
	return (const void *)(*(const unsigned long *)(f->stack_top - 8) & PAGE_MASK);
}

/* The program of a live frame @f whose program has been called. */
static inline const struct bpf_prog *iu_frame_prog(const struct iu_frame *f)
{
	const struct bpf_prog *prog = READ_ONCE(f->prog);

	return prog ?: iu_stub_prog(iu_frame_stub_page(f));
}

/* Does the watchdog want the invocation at level @l of CPU @c stopped? */
static inline bool iu_frame_stop_wanted(const struct iu_cpu *c, u64 w, unsigned int l)
{
	return l < iu_level_depth(w) &&
	       READ_ONCE(c->frame[l].stop_seq) == iu_frame_seq(c, w, l);
}

/* ... or any invocation of CPU @c below depth @d? */
static inline bool iu_stop_wanted(const struct iu_cpu *c, u64 w, unsigned int d)
{
	unsigned int i;

	for (i = 0; i < d && i < IU_MAX_NEST; i++)
		if (iu_frame_stop_wanted(c, w, i))
			return true;
	return false;
}

void *iu_runtime_lookup(const char *name);
void *iu_runtime_denied_helper(void);
void *iu_runtime_tracked_helper(enum bpf_func_id id);
u32 iu_hook_default(enum bpf_prog_type type);
unsigned int iu_dispatch_slow(const void *ctx, const struct bpf_prog *prog);
unsigned int iu_dispatch_refused(const void *ctx, const struct bpf_prog *prog);
unsigned int iu_dispatch_disabled(const void *ctx, const struct bpf_prog *prog);
void iu_release_fast(void);
void __noreturn iu_fault(enum iu_fault_kind why);
u64 iu_helper_returned(u64 ret);
void __noreturn iu_helper_under_lock(void);
u64 iu_spin_lock(struct bpf_spin_lock *lock);
u64 iu_spin_unlock(struct bpf_spin_lock *lock);
void iu_panic(const u8 *msg, u64 msg_len, const u8 *file, u64 file_len, u32 line, u32 col);
u64 iu_denied_helper(void);
u64 iu_ringbuf_submit(void *sample, u64 flags);
u64 iu_ringbuf_discard(void *sample, u64 flags);

bool iu_runtime_ready(void);
void iu_runtime_image_init(struct bpf_iu_image *img);

/* iu_watchdog.c */
extern unsigned int iu_time_budget_ms;
extern unsigned int iu_fault_limit;
extern unsigned int iu_min_policy;
void iu_watchdog_get(void);
void iu_watchdog_put(void);

/* iu_attach.c */
int iu_btf_target_check(const struct bpf_prog *prog, const char *name,
			struct bpf_verifier_log *log);

bool iu_in_program(const struct iu_frame *f, struct pt_regs *regs);

/* How the loader applies a relocation type of the architecture. */
enum iu_reloc {
	IU_RELOC_UNSUPPORTED,
	IU_RELOC_RELATIVE,	/* base + addend */
	IU_RELOC_ABS,		/* the symbol's address */
	IU_RELOC_ABS_ADDEND,	/* the symbol's address + addend */
};

/* arch/x86/net/iu_arch.c */
#define IU_ARCH_HELPER_STUB	64
#define IU_ARCH_LOCK_STUB	(2 * IU_ARCH_HELPER_STUB)
#define IU_ARCH_STUBS		256	/* helper stubs start here */
bool iu_arch_branch_target(const void *p, size_t avail);
int iu_arch_emit_helper_stub(u8 *p, const void *fn);
int iu_arch_emit_lock_stub(u8 *p, const struct bpf_iu_image *img);
int iu_arch_emit_unlock_stub(u8 *p);
int iu_arch_emit_entry(struct bpf_iu_image *img, const struct bpf_prog *prog, u32 clobbers);
void iu_arch_gate_entry(struct bpf_iu_image *img);
enum iu_reloc iu_arch_reloc(u32 type);
u64 iu_arch_cpu_off(void);
void iu_arch_return_to_fault(struct pt_regs *regs, const struct iu_frame *f,
			     enum iu_fault_kind why);
void iu_arch_nmi_return_to_stop(struct pt_regs *regs, const struct iu_frame *f);

/* arch/x86/net/iu_entry.S */
unsigned int iu_call(const void *ctx, void *entry, struct iu_frame *f);
/* Does not return; not __noreturn so that callers end in BUG() for objtool. */
void iu_unwind(const unsigned long *save_sp, unsigned int ret);
void iu_unwind_to(unsigned long sp, unsigned int ret, const void *ip);
void iu_mcount(void);
void iu_fault_entry(void);
/* The same functions of the runtime, called after iu_save_regs */
void iu_panic_saving(void);
u64 iu_denied_helper_saving(void);
u64 iu_helper_returned_saving(u64 ret);
void iu_helper_under_lock_saving(void);
u64 iu_spin_lock_saving(struct bpf_spin_lock *lock);
u64 iu_spin_unlock_saving(struct bpf_spin_lock *lock);
u64 iu_ringbuf_submit_saving(void *sample, u64 flags);
u64 iu_ringbuf_discard_saving(void *sample, u64 flags);

#endif /* _KERNEL_BPF_IU_H */
