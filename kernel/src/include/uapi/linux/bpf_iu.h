/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Inner Unikernels: the ABI of signed native programs.
 *
 * A native image is an ELF64 shared object whose .iu.progs, .iu.maps and
 * .iu.prov sections hold the records below. It is loaded with
 * bpf(BPF_PROG_LOAD) and BPF_F_IU_NATIVE in prog_flags: the ELF bytes and
 * the entry's name in attr->iu, the detached PKCS#7 signature of the ELF
 * bytes in upstream's signature, signature_size and keyring_id, and the fds
 * of the maps the image declares, in order, in fd_array and fd_array_cnt.
 */
#ifndef _UAPI_LINUX_BPF_IU_H
#define _UAPI_LINUX_BPF_IU_H

#include <linux/types.h>

/* prog_flags: bit 16 is BPF_F_TOKEN_FD, so the extension takes bit 30 */
#define BPF_F_IU_NATIVE		(1U << 30)

/* BPF_PROG_LOAD: right after upstream's keyring_id */
struct bpf_iu_load_attr {
	__aligned_u64	image;		/* ELF bytes */
	__u32		image_size;
	__u32		pad;		/* must be 0 */
	__aligned_u64	entry;		/* NUL-terminated name in .iu.progs */
};

#define BPF_IU_LOAD_ATTR_OFFSET	168

#define IU_NAME_LEN		64
#define IU_ATTACH_LEN		128
#define IU_MAP_NAME_LEN		32

/* .iu.progs: one record per program */
struct iu_prog_def {
	__u64	entry;			/* image address of the entry */
	__u32	prog_type;		/* enum bpf_prog_type */
	__u32	attach_type;		/* must be 0 */
	char	name[IU_NAME_LEN];
	char	attach[IU_ATTACH_LEN];	/* the hook's target, e.g. a tracepoint */
	__u8	reserved[48];		/* must be 0 */
};

/*
 * .iu.maps: one record per map; the kernel writes the map pointer in kptr.
 * An image that computes array element addresses itself, as the verifier's
 * inlined lookup does, gives an ARRAY or PERCPU_ARRAY map's elem_size and
 * index_mask (the kernel checks them against the map); the kernel then
 * writes elems (ARRAY: the first value; PERCPU_ARRAY: the per-CPU pointers)
 * and, on x86, cpu_off (the %gs offset of this CPU's per-CPU offset).
 * For a HASH map the kernel writes value_off: the offset of the value in
 * what the image's import iu_htab_lookup(map, key) returns (the element,
 * as the verifier's inlined lookup has it), or 0 if that is the value.
 */
struct iu_map_def {
	__u64	kptr;
	__u32	map_type;		/* enum bpf_map_type */
	__u32	key_size;
	__u32	value_size;
	__u32	max_entries;
	__u32	map_flags;
	__u32	iu_flags;		/* IU_MAP_F_* */
	char	name[IU_MAP_NAME_LEN];
	__u64	elems;			/* 0 in the file */
	__u64	cpu_off;		/* 0 in the file */
	__u32	elem_size;		/* or 0 */
	__u32	index_mask;		/* or 0 */
	__u32	value_off;		/* 0 in the file */
	__u32	reserved;		/* 0 */
};

/* The value begins with a struct bpf_spin_lock the program takes. */
#define IU_MAP_F_SPIN_LOCK	(1U << 0)

/*
 * .iu.prov: who built the image, and what the toolchain found in its code.
 * The kernel refuses images whose policy is older than
 * kernel.iu_min_policy; images without the record count as policy 0.
 * clobbers: the callee-saved registers the image's code uses (IU_REG_*),
 * which the entry stub saves so that a stopped program can be left.
 * stack: the most stack the code can use, proven by the toolchain for code
 * built without a stack check at every function entry (mcount); 0 if the
 * code has that check.
 */
#define IU_PROV_MAGIC		0x56505549	/* "IUPV" */
#define IU_POLICY_VERSION	3
#define IU_PROV_STR_LEN		32

#define IU_REG_RBX		(1U << 0)
#define IU_REG_RBP		(1U << 1)
#define IU_REG_R12		(1U << 2)
#define IU_REG_R13		(1U << 3)
#define IU_REG_R14		(1U << 4)
#define IU_REG_R15		(1U << 5)
#define IU_REG_ALL		0x3fU

struct iu_prov {
	__u32	magic;
	__u32	policy;
	char	toolchain[IU_PROV_STR_LEN];
	char	sdk[IU_PROV_STR_LEN];
	char	rustc[IU_PROV_STR_LEN];
	__u32	clobbers;		/* IU_REG_* */
	__u32	stack;		/* bytes; 0: checked at run time */
};

/*
 * An image file (*.iu) carries its signature at its end, as modules do:
 *   ELF bytes | PKCS#7 (DER) | struct iu_sig_info | IU_SIG_MARKER
 * The loader splits it into attr->iu.image and attr->signature.
 */
#define IU_SIG_MARKER		"~IU native image signature~\n"
#define IU_SIG_ID_PKCS7		2

struct iu_sig_info {
	__u8	algo;			/* 0 */
	__u8	hash;			/* 0 */
	__u8	id_type;		/* IU_SIG_ID_PKCS7 */
	__u8	signer_len;		/* 0 */
	__u8	key_id_len;		/* 0 */
	__u8	pad[3];			/* 0 */
	__be32	sig_len;		/* PKCS#7 length, big endian */
};

#endif /* _UAPI_LINUX_BPF_IU_H */
