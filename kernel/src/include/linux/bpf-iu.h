/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inner Unikernels: signed native programs loaded through bpf(BPF_PROG_LOAD).
 *
 * The image format is described in docs/IMAGE-FORMAT.md of the project and in
 * Documentation-free form here: an ELF64 shared object, a detached PKCS#7
 * signature, a struct module_signature and the IU_SIG_MARKER string.
 */
#ifndef _LINUX_BPF_IU_H
#define _LINUX_BPF_IU_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/bpfptr.h>

#define IU_NAME_LEN		64
#define IU_ATTACH_LEN		128
#define IU_MAP_NAME_LEN		32
#define IU_SIG_MARKER		"~IU native image signature~\n"
#define IU_MAX_IMAGE		(64U << 20)
#define IU_MAX_SPAN		(64U << 20)
#define IU_MAX_SEGS		8
#define IU_MAX_MAPS		64
#define IU_MAX_NEST		4

struct iu_prog_def {
	__u64 entry;
	__u32 prog_type;
	__u32 attach_type;
	char name[IU_NAME_LEN];
	char attach[IU_ATTACH_LEN];
	__u8 reserved[48];
};

struct iu_map_def {
	__u64 kptr;
	__u32 map_type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 iu_flags;		/* IU_MAP_F_* */
	char name[IU_MAP_NAME_LEN];
};

/* The value begins with a struct bpf_spin_lock the program takes. */
#define IU_MAP_F_SPIN_LOCK	(1U << 0)
#define IU_MAP_F_ALL		IU_MAP_F_SPIN_LOCK

/*
 * .iu.prov: who built the image. The kernel refuses images whose policy
 * is older than kernel.iu_min_policy; images without the record count
 * as policy 0.
 */
#define IU_PROV_MAGIC		0x56505549	/* "IUPV" */
#define IU_POLICY_VERSION	2
#define IU_PROV_STR_LEN		32

struct iu_prov {
	__u32 magic;
	__u32 policy;
	char toolchain[IU_PROV_STR_LEN];
	char sdk[IU_PROV_STR_LEN];
	char rustc[IU_PROV_STR_LEN];
};

/* One loaded copy of an image; owned by exactly one bpf_prog. */
struct bpf_iu_image {
	void *alloc;		/* bpf_jit_alloc_exec(): stub page + span */
	unsigned long alloc_size;
	void *base;		/* address of image vaddr 0 */
	unsigned long span;
	void *entry;		/* program entry inside the text segment */
	void *thunk;		/* endbr64; jmp entry (indirect call target) */
	unsigned long text_start, text_end;
	u32 hook_default;	/* returned after a panic */
	u32 disabled;		/* by kernel.iu_fault_limit */
	bool watched;		/* counted in the watchdog's users */
	u64 __percpu *runs;	/* invocations */
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

void bpf_iu_show_fdinfo(const struct bpf_prog *prog, struct seq_file *m);
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

static inline void bpf_iu_show_fdinfo(const struct bpf_prog *prog, struct seq_file *m)
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

#endif /* _LINUX_BPF_IU_H */
