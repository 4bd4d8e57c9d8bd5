/* SPDX-License-Identifier: GPL-2.0 */
/* Inner Unikernels: private declarations shared by kernel/bpf/iu_*.c. */
#ifndef _KERNEL_BPF_IU_H
#define _KERNEL_BPF_IU_H

#include <linux/bpf_iu.h>
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
};

#define iu_log(log, fmt, ...) bpf_log(log, "iu: " fmt "\n", ##__VA_ARGS__)

int iu_sig_verify(const u8 *img, size_t len, size_t *elf_len,
		  struct bpf_verifier_log *log);
int iu_elf_parse(struct iu_elf *e, const u8 *data, size_t len,
		 struct bpf_verifier_log *log);
int iu_elf_seg_of(const struct iu_elf *e, u64 addr, u64 size, bool file);
const char *iu_elf_sec_name(const struct iu_elf *e, const Elf64_Shdr *sh);

void *iu_runtime_lookup(const char *name);
void *iu_runtime_denied_helper(void);
u32 iu_hook_default(enum bpf_prog_type type);
unsigned int iu_dispatch(const void *ctx, const struct bpf_prog *prog);

/* arch/x86/net/iu_entry.S */
unsigned int iu_call(const void *ctx, void *entry, unsigned long *save_sp);
void __noreturn iu_unwind(const unsigned long *save_sp, unsigned int ret);

#endif /* _KERNEL_BPF_IU_H */
