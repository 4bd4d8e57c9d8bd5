/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inner Unikernels: signed native programs loaded through bpf(BPF_PROG_LOAD).
 * The image records and the load fields are in uapi/linux/bpf_iu.h.
 */
#ifndef _LINUX_BPF_IU_PROG_H
#define _LINUX_BPF_IU_PROG_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/bpfptr.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <uapi/linux/bpf_iu.h>

#define IU_MAX_IMAGE		(64U << 20)
#define IU_MAX_SIG		(64U << 10)
#define IU_MAX_SPAN		(64U << 20)
#define IU_MAX_SEGS		8
#define IU_MAX_MAPS		64
#define IU_MAX_NEST		4
#define IU_MAP_F_ALL		IU_MAP_F_SPIN_LOCK

/* One loaded copy of an image; owned by exactly one bpf_prog. */
struct bpf_iu_image {
	void *alloc;		/* bpf_jit_alloc_exec(): stub page + span */
	unsigned long alloc_size;
	void *base;		/* address of image vaddr 0 */
	unsigned long span;
	void *entry;		/* program entry inside the text segment */
	void *thunk;		/* endbr64; jmp entry (indirect call target) */
	const void *fast_ret;	/* where the stub's call of the entry returns */
	const void *fast_release; /* ... once the invocation holds something */
	const void *fast_unwind; /* where a stopped level 0 invocation resumes */
	unsigned long text_start, text_end;
	u32 hook_default;	/* returned after a panic */
	const void *gated;	/* a disabled program's stub jumps here */
	u32 disabled;		/* by kernel.iu_fault_limit */
	bool watched;		/* counted in the watchdog's users */
	int gate_cpu;		/* takes the slow path until the stub is patched */
	struct irq_work gate_irq_work; /* patches the stub of a disabled program */
	struct work_struct gate_work;
	atomic64_t refused;	/* runs the runtime refused, while BPF stats are on */
	atomic64_t panics;	/* panics and stack overflows */
	atomic64_t stops;	/* stopped by the watchdog */
	atomic64_t faults;	/* panics + stops, for the limit */
};

struct perf_event;
struct pt_regs;
struct seq_file;
struct stack_info;

#ifdef CONFIG_BPF_IU
#define BPF_IU_PROG_FLAGS	BPF_F_IU_NATIVE
int bpf_iu_prog_load(struct bpf_prog *prog, union bpf_attr *attr,
		     bpfptr_t uattr, u32 uattr_size);
void bpf_iu_prog_free(struct bpf_prog_aux *aux);
static inline bool bpf_iu_prog(const struct bpf_prog *prog)
{
	return prog->aux->iu_image;
}

void bpf_iu_show_fdinfo(const struct bpf_prog *prog, u64 run_cnt, struct seq_file *m);
bool bpf_iu_fixup_double_fault(struct pt_regs *regs);
bool bpf_iu_stack_info(unsigned long *stack, struct stack_info *info);
int bpf_iu_perf_attach_check(const struct perf_event *event, const struct bpf_prog *prog);
int bpf_iu_raw_tp_attach_check(const struct bpf_prog *prog, const char *name);
#else
#define BPF_IU_PROG_FLAGS	0
static inline int bpf_iu_prog_load(struct bpf_prog *prog, union bpf_attr *attr,
				   bpfptr_t uattr, u32 uattr_size)
{
	return -EINVAL;
}

static inline void bpf_iu_prog_free(struct bpf_prog_aux *aux)
{
}

static inline bool bpf_iu_prog(const struct bpf_prog *prog)
{
	return false;
}

static inline void bpf_iu_show_fdinfo(const struct bpf_prog *prog, u64 run_cnt,
				      struct seq_file *m)
{
}

static inline bool bpf_iu_fixup_double_fault(struct pt_regs *regs)
{
	return false;
}

static inline bool bpf_iu_stack_info(unsigned long *stack, struct stack_info *info)
{
	return false;
}

static inline int bpf_iu_perf_attach_check(const struct perf_event *event,
					   const struct bpf_prog *prog)
{
	return 0;
}

static inline int bpf_iu_raw_tp_attach_check(const struct bpf_prog *prog, const char *name)
{
	return 0;
}
#endif

/*
 * Upstream's fd_array_cnt and signed eBPF are not implemented for eBPF
 * programs here: only native loads use those fields, and attr->iu.
 */
static inline bool bpf_iu_attr_unsupported(const union bpf_attr *attr)
{
	if (attr->prog_flags & BPF_IU_PROG_FLAGS)
		return false;
	return attr->fd_array_cnt || attr->signature || attr->signature_size ||
	       attr->keyring_id || attr->iu.image || attr->iu.image_size ||
	       attr->iu.pad || attr->iu.entry;
}

#endif /* _LINUX_BPF_IU_PROG_H */
