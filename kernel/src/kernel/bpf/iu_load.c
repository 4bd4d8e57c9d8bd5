// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: load a signed native image as a bpf_prog.
 *
 * Called from bpf_prog_load() for BPF_F_IU_NATIVE after the capability
 * checks, instead of bpf_check() and bpf_prog_select_runtime(). Sequence:
 * copy the image, verify its signature, check the ELF, find the entry,
 * take the maps, allocate and fill the image memory, relocate, write the
 * map pointers, emit the entry stub, seal the memory, fill in the bpf_prog.
 * Everything is released by the normal bpf_prog free path
 * (bpf_free_used_maps() and bpf_iu_prog_free()).
 */
#include <crypto/sha2.h>
#include <linux/bpf.h>
#include <linux/bpf_lsm.h>
#include <linux/bpf_verifier.h>
#include <linux/ctype.h>
#include <linux/filter.h>
#include <linux/overflow.h>
#include <linux/perf_event.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include "iu.h"

/* Helper names in enum bpf_func_id order: the mapper lists ids 0, 1, ... */
#define IU_HELPER_NAME(x) "bpf_" #x
static const char * const iu_helper_names[] = {
	__BPF_FUNC_MAPPER(IU_HELPER_NAME)
};

struct iu_load {
	struct bpf_prog *prog;
	union bpf_attr *attr;
	struct bpf_verifier_log *log;
	u8 *img;			/* ELF bytes */
	u8 *sig;			/* their PKCS#7 signature */
	u8 digest[HASH_MAX_DIGESTSIZE];	/* of what the signature covers */
	u32 digest_len;
	struct iu_elf elf;
	unsigned int def_idx;
	struct iu_prog_def def;
	struct bpf_iu_image *iu;
	char entry_name[IU_NAME_LEN];
	unsigned int nstubs;		/* IU_ARCH_HELPER_STUB slots taken */
	u32 clobbers;			/* IU_REG_*: saved by the entry stub */
	u32 stack;			/* proven stack bound, or 0 */
	bool mcount;			/* imports the stack check */
	u16 helper_stub[__BPF_FUNC_MAX_ID];	/* 1 + first slot of the helper's stub */
	u16 htab_stub;			/* ... of iu_htab_lookup's */
};

/*
 * The verifier's ops of the supported types: their get_func_proto() is
 * eBPF's per-type helper allow-list.
 */
static const struct bpf_verifier_ops *iu_verifier_ops(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_XDP:
		return &xdp_verifier_ops;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return &tc_cls_act_verifier_ops;
	case BPF_PROG_TYPE_KPROBE:
		return &kprobe_verifier_ops;
	case BPF_PROG_TYPE_TRACEPOINT:
		return &tracepoint_verifier_ops;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return &raw_tracepoint_verifier_ops;
	case BPF_PROG_TYPE_PERF_EVENT:
		return &perf_event_verifier_ops;
	case BPF_PROG_TYPE_TRACING:
		return &tracing_verifier_ops;
#ifdef CONFIG_BPF_LSM
	case BPF_PROG_TYPE_LSM:
		return &lsm_verifier_ops;
#endif
	case BPF_PROG_TYPE_CGROUP_SKB:
		return &cg_skb_verifier_ops;
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return &cg_sock_verifier_ops;
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return &sk_filter_verifier_ops;
	default:
		return NULL;
	}
}

/*
 * fentry/fexit and LSM on a vmlinux function only: fmod_ret, raw
 * tracepoints, iterators, freplace and cgroup LSM are not supported, and
 * nor are targets in modules or in other programs.
 */
static int iu_check_tracing_attr(struct iu_load *l)
{
	union bpf_attr *attr = l->attr;

	if (attr->prog_type == BPF_PROG_TYPE_LSM &&
	    attr->expected_attach_type != BPF_LSM_MAC) {
		iu_log(l->log, "LSM attach type %u not supported for native programs (only lsm, not lsm_cgroup)",
		       attr->expected_attach_type);
		return -EINVAL;
	}
	if (attr->prog_type == BPF_PROG_TYPE_TRACING &&
	    attr->expected_attach_type != BPF_TRACE_FENTRY &&
	    attr->expected_attach_type != BPF_TRACE_FEXIT) {
		iu_log(l->log, "tracing attach type %u not supported for native programs (only fentry and fexit)",
		       attr->expected_attach_type);
		return -EINVAL;
	}
	if (!attr->attach_btf_id || attr->attach_btf_obj_fd ||
	    l->prog->aux->attach_btf != bpf_get_btf_vmlinux()) {
		iu_log(l->log, "native fentry, fexit and LSM need the BTF id of a vmlinux function (no modules)");
		return -EINVAL;
	}
	return 0;
}

/*
 * Trampolines and cgroup hooks only disable migration, and the runtime's
 * levels are per CPU: on a preemptible kernel another task could run a
 * native program on the same CPU in the middle of this one.
 */
static bool iu_runs_preemptible(u32 prog_type)
{
	if (!IS_ENABLED(CONFIG_PREEMPTION))
		return false;
	switch (prog_type) {
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return true;
	default:
		return false;
	}
}

/*
 * The attach types a native program of a type without BTF attach may be
 * loaded for: the ones whose context and return range the SDK declares.
 * Others (kprobe-multi, uprobe-multi and session links skip the hook
 * checks; cgroup sock release and bind hooks) are refused.
 */
static bool iu_attach_type_ok(u32 prog_type, u32 attach_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_CGROUP_SKB:
		return attach_type == BPF_CGROUP_INET_INGRESS ||
		       attach_type == BPF_CGROUP_INET_EGRESS;
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return attach_type == BPF_CGROUP_INET_SOCK_CREATE;
	default:
		return !attach_type;
	}
}

static int iu_check_attr(struct iu_load *l, bpfptr_t uattr)
{
	union bpf_attr *attr = l->attr;
	struct bpf_prog *prog = l->prog;
	int ret;

	if (uattr.is_kernel || attr->insn_cnt || attr->insns) {
		iu_log(l->log, "native load needs insns == 0 and a user attr");
		return -EINVAL;
	}
	/* An older loader put the image fields where upstream's now are. */
	if (!attr->iu.image || !attr->iu.entry) {
		iu_log(l->log,
		       "no image in attr->iu (offset %u, after keyring_id): the loader predates this load ABI",
		       BPF_IU_LOAD_ATTR_OFFSET);
		return -EINVAL;
	}
	if (!iu_verifier_ops(attr->prog_type)) {
		iu_log(l->log, "program type %u not supported for native images",
		       attr->prog_type);
		return -EINVAL;
	}
	if (attr->prog_flags & BPF_F_SLEEPABLE) {
		iu_log(l->log, "sleepable native programs are not supported: the runtime's per-CPU stacks need the program to run without sleeping");
		return -EINVAL;
	}
	if (attr->prog_flags & BPF_F_XDP_DEV_BOUND_ONLY ||
	    attr->prog_ifindex || attr->attach_prog_fd ||
	    attr->func_info_cnt || attr->line_info_cnt || attr->iu.pad) {
		iu_log(l->log, "unsupported attribute for a native program");
		return -EINVAL;
	}
	if (iu_runs_preemptible(attr->prog_type)) {
		iu_log(l->log, "programs of type %u run preemptible on this kernel (CONFIG_PREEMPTION): not supported for native programs",
		       attr->prog_type);
		return -EOPNOTSUPP;
	}
	if (attr->prog_type == BPF_PROG_TYPE_TRACING ||
	    attr->prog_type == BPF_PROG_TYPE_LSM) {
		ret = iu_check_tracing_attr(l);
		if (ret)
			return ret;
	} else if (attr->attach_btf_id) {
		iu_log(l->log, "attach_btf_id is only for native fentry, fexit and LSM programs");
		return -EINVAL;
	} else if (!iu_attach_type_ok(attr->prog_type, attr->expected_attach_type)) {
		iu_log(l->log, "attach type %u not supported for native programs of type %u",
		       attr->expected_attach_type, attr->prog_type);
		return -EINVAL;
	}
	/* native code is not hardened against speculation as the verifier does */
	if (!perfmon_capable()) {
		iu_log(l->log, "native programs need CAP_PERFMON");
		return -EPERM;
	}
	if (!prog->gpl_compatible) {
		iu_log(l->log, "native programs need a GPL-compatible license");
		return -EINVAL;
	}
	if (!attr->iu.image_size) {
		iu_log(l->log, "empty image");
		return -E2BIG;
	}
	if (attr->iu.image_size > IU_MAX_IMAGE) {
		iu_log(l->log, "image larger than %u bytes", IU_MAX_IMAGE);
		return -E2BIG;
	}
	if (!attr->signature || !attr->signature_size) {
		iu_log(l->log, "image is not signed (no signature)");
		return -ENODATA;
	}
	if (attr->signature_size > IU_MAX_SIG) {
		iu_log(l->log, "signature larger than %u bytes", IU_MAX_SIG);
		return -E2BIG;
	}
	return 0;
}

/* Refuse images of a toolchain policy older than kernel.iu_min_policy. */
static int iu_check_prov(struct iu_load *l)
{
	const struct iu_prov *p = l->elf.prov;
	unsigned int min = READ_ONCE(iu_min_policy);
	u32 policy = 0;

	if (p) {
		if (p->magic != IU_PROV_MAGIC ||
		    !memchr(p->toolchain, 0, IU_PROV_STR_LEN) ||
		    !memchr(p->sdk, 0, IU_PROV_STR_LEN) ||
		    !memchr(p->rustc, 0, IU_PROV_STR_LEN) ||
		    (p->clobbers & ~IU_REG_ALL) || p->stack > IU_STACK_SIZE - IU_STACK_RESERVE) {
			iu_log(l->log, ".iu.prov record malformed");
			return -ENOEXEC;
		}
		policy = p->policy;
	}
	l->clobbers = p ? p->clobbers : IU_REG_ALL;
	l->stack = p ? p->stack : 0;
	if (policy < min) {
		iu_log(l->log,
		       "image built under toolchain policy %u (%s), kernel.iu_min_policy is %u: rebuild it with iu build",
		       policy, p ? p->toolchain : "no .iu.prov record", min);
		return -EKEYREJECTED;
	}
	return 0;
}

/* Is image address @addr in the text segment? */
static bool iu_in_text(const struct iu_load *l, u64 addr)
{
	const struct iu_seg *x = &l->elf.seg[l->elf.xseg];

	return addr >= x->vaddr && addr < x->vaddr + x->memsz;
}

/*
 * Code pointers held in data are indirect-call targets: with IBT they must
 * land on endbr64 (the toolchain builds with -Zcf-protection=branch).
 */
static int iu_check_endbr(const struct iu_load *l, u64 addr, const char *what)
{
	const struct iu_seg *x = &l->elf.seg[l->elf.xseg];

	if (!iu_in_text(l, addr))
		return 0;
	if (addr >= x->vaddr + x->filesz ||
	    !iu_arch_branch_target(l->iu->base + addr, x->vaddr + x->filesz - addr)) {
		iu_log(l->log, "%s at %#llx does not start with endbr64 (IBT)", what, addr);
		return -ENOEXEC;
	}
	return 0;
}

static int iu_find_entry(struct iu_load *l)
{
	const struct iu_elf *e = &l->elf;
	const struct iu_prog_def *defs = (const void *)(e->data + e->progs->sh_offset);
	unsigned int n = e->progs->sh_size / sizeof(*defs);
	unsigned int i, j, k;
	long len;

	len = strncpy_from_user(l->entry_name, u64_to_user_ptr(l->attr->iu.entry),
				sizeof(l->entry_name));
	if (len < 0) {
		iu_log(l->log, "cannot read the entry name");
		return -EFAULT;
	}
	if (len == 0 || len == sizeof(l->entry_name)) {
		iu_log(l->log, "entry name empty or longer than %u bytes", IU_NAME_LEN - 1);
		return -ENOENT;
	}

	for (i = 0; i < n; i++) {
		if (!memchr(defs[i].name, 0, IU_NAME_LEN) || !defs[i].name[0] ||
		    !memchr(defs[i].attach, 0, IU_ATTACH_LEN) ||
		    memchr_inv(defs[i].reserved, 0, sizeof(defs[i].reserved))) {
			iu_log(l->log, ".iu.progs record %u malformed", i);
			return -ENOEXEC;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(defs[i].name, defs[j].name)) {
				iu_log(l->log, "program name %s not unique", defs[i].name);
				return -ENOEXEC;
			}
		}
	}
	k = n;
	for (i = 0; i < n; i++)
		if (!strcmp(defs[i].name, l->entry_name))
			k = i;
	if (k == n) {
		iu_log(l->log, "no program named %s in the image", l->entry_name);
		return -ENOENT;
	}
	l->def_idx = k;
	l->def = defs[k];
	if (l->def.prog_type != l->attr->prog_type ||
	    l->def.attach_type != l->attr->expected_attach_type) {
		iu_log(l->log, "program %s is type %u attach %u, load asked %u/%u",
		       l->entry_name, l->def.prog_type, l->def.attach_type,
		       l->attr->prog_type, l->attr->expected_attach_type);
		return -EINVAL;
	}
	return 0;
}

/*
 * The hooks BPF may attach to, as for eBPF. The verifier bounds an LSM
 * program's return to the hook's range; the SDK's LSM programs return 0
 * or -errno, so hooks whose range is 0 or 1 are refused.
 */
static int iu_check_lsm_hook(struct iu_load *l)
{
	struct bpf_retval_range range;
	int ret;

	ret = bpf_lsm_verify_prog(l->log, l->prog);
	if (ret)
		return ret;
	if (!bpf_lsm_get_retval_range(l->prog, &range) && range.maxval > 0) {
		iu_log(l->log, "LSM hook %s returns 0 or 1: native LSM programs return 0 or -errno",
		       l->def.attach);
		return -EINVAL;
	}
	return 0;
}

/*
 * What check_attach_btf_id() does for fentry/fexit and LSM, and on top: the
 * BTF id user space passed must name the function the signed record does
 * (an LSM record names the hook, the function is its bpf_lsm_ stub), and a
 * traced function must not be on the watchdog's path. The trampoline is
 * made at attach time, as for a program that was attached and detached.
 */
static int iu_check_btf_target(struct iu_load *l)
{
	struct bpf_prog *prog = l->prog;
	struct bpf_attach_target_info tgt = {};
	bool lsm = prog->type == BPF_PROG_TYPE_LSM;
	const char *name;
	int ret;

	if (prog->type != BPF_PROG_TYPE_TRACING && !lsm)
		return 0;
	ret = bpf_check_attach_target(l->log, prog, NULL, prog->aux->attach_btf_id, &tgt);
	if (ret)
		return ret;
	name = tgt.tgt_name;
	if (lsm && !strncmp(name, "bpf_lsm_", 8))
		name += 8;
	else if (lsm)
		name = "";
	if (strcmp(name, l->def.attach)) {
		iu_log(l->log, "program %s is signed for %s, the BTF id names %s",
		       l->entry_name, l->def.attach, tgt.tgt_name);
		return -EINVAL;
	}
	if (!lsm) {
		ret = iu_btf_target_check(prog, tgt.tgt_name, l->log);
		if (ret)
			return ret;
	}
	prog->aux->attach_func_proto = tgt.tgt_type;
	prog->aux->attach_func_name = tgt.tgt_name;
	return lsm ? iu_check_lsm_hook(l) : 0;
}

/*
 * The map types the SDK has a safe API for. Everything else (program and
 * map arrays, socket maps whose lookups take references, local storage,
 * arenas, struct_ops, user ring buffers with their callbacks) is refused.
 */
static bool iu_map_type_ok(enum bpf_map_type type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF:
		return true;
	default:
		return false;
	}
}

/*
 * The verifier's is_tracing_prog_type(): no spin locks there. fentry/fexit
 * and LSM too, unlike eBPF: they run from trampolines, and an fentry may
 * trace a function the lock's own slow path calls, with the lock held.
 */
static bool iu_tracing_type(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
		return true;
	default:
		return false;
	}
}

static const char *iu_field_name(const struct btf_record *rec)
{
	u32 mask = rec->field_mask & ~BPF_SPIN_LOCK;

	if (mask & BPF_TIMER)
		return "bpf_timer";
	if (mask & BPF_WORKQUEUE)
		return "bpf_wq";
	if (mask & BPF_KPTR)
		return "kptr";
	if (mask & BPF_LIST_HEAD)
		return "bpf_list_head";
	if (mask & BPF_RB_ROOT)
		return "bpf_rb_root";
	if (mask & BPF_REFCOUNT)
		return "bpf_refcount";
	if (mask & (BPF_LIST_NODE | BPF_RB_NODE))
		return "a list or rb-tree node";
	return "a special field";
}

/*
 * What the verifier keeps for eBPF programs sharing the map, checked
 * against the signed declaration: the kernel owns the special fields in
 * values (the SDK only manages a bpf_spin_lock at offset 0, declared by
 * IU_MAP_F_SPIN_LOCK), frozen read-only maps are constants to eBPF
 * programs, and tracing programs take no spin locks.
 */
static bool iu_array_type(u32 type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* The element layout an image computes array addresses with is the map's. */
static int iu_map_elems_ok(struct iu_load *l, const struct iu_map_def *d,
			   struct bpf_map *map)
{
	const struct bpf_array *a = container_of(map, struct bpf_array, map);

	if (!d->elem_size && !d->index_mask)
		return 0;
	if (!iu_array_type(map->map_type) || d->elem_size != a->elem_size ||
	    d->index_mask != a->index_mask) {
		iu_log(l->log, "map %s: element size %u and index mask %#x are not the map's",
		       d->name, d->elem_size, d->index_mask);
		return -EMEDIUMTYPE;
	}
	return 0;
}

static int iu_map_compatible(struct iu_load *l, const struct iu_map_def *d,
			     struct bpf_map *map)
{
	const struct btf_record *rec = IS_ERR_OR_NULL(map->record) ? NULL : map->record;
	bool lock = d->iu_flags & IU_MAP_F_SPIN_LOCK;

	if (!iu_map_type_ok(map->map_type) || bpf_map_is_offloaded(map)) {
		iu_log(l->log, "map %s: type %u not usable by native programs",
		       d->name, map->map_type);
		return -EMEDIUMTYPE;
	}
	if (map->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG) &&
	    map->map_type != BPF_MAP_TYPE_DEVMAP) {
		iu_log(l->log,
		       "map %s: flag %s refused: native code is not checked for which maps it writes or reads",
		       d->name, map->map_flags & BPF_F_RDONLY_PROG ?
		       "BPF_F_RDONLY_PROG" : "BPF_F_WRONLY_PROG");
		return -EACCES;
	}
	if (rec && rec->field_mask & ~BPF_SPIN_LOCK) {
		iu_log(l->log, "map %s: its value holds %s the kernel owns: refused",
		       d->name, iu_field_name(rec));
		return -EACCES;
	}
	if (lock && (!rec || rec->spin_lock_off != 0)) {
		iu_log(l->log,
		       "map %s: declared with a bpf_spin_lock at offset 0, but the map's BTF has none there",
		       d->name);
		return -EACCES;
	}
	if (!lock && rec) {
		iu_log(l->log,
		       "map %s: its value holds a bpf_spin_lock at offset %d: declare it SpinLocked<T>",
		       d->name, rec->spin_lock_off);
		return -EACCES;
	}
	if (lock && (map->map_type != BPF_MAP_TYPE_HASH &&
		     map->map_type != BPF_MAP_TYPE_ARRAY)) {
		iu_log(l->log, "map %s: spin locks only in hash and array maps", d->name);
		return -EACCES;
	}
	return iu_map_elems_ok(l, d, map);
}

/* Is there a program in the image whose type may take spin locks? */
static bool iu_image_locks_elsewhere(struct iu_load *l)
{
	const struct iu_elf *e = &l->elf;
	const struct iu_prog_def *defs = (const void *)(e->data + e->progs->sh_offset);
	unsigned int i, n = e->progs->sh_size / sizeof(*defs);

	for (i = 0; i < n; i++)
		if (!iu_tracing_type(defs[i].prog_type))
			return true;
	return false;
}

static int iu_get_maps(struct iu_load *l)
{
	const struct iu_elf *e = &l->elf;
	struct bpf_prog_aux *aux = l->prog->aux;
	const struct iu_map_def *defs;
	unsigned int n = 0, i;
	u32 *fds;
	int ret = 0;

	if (e->maps)
		n = e->maps->sh_size / sizeof(*defs);
	if (l->attr->fd_array_cnt != n) {
		iu_log(l->log, "image declares %u maps, %u map fds given", n,
		       l->attr->fd_array_cnt);
		return -EBADSLT;
	}
	if (!n)
		return 0;
	if (n > IU_MAX_MAPS) {
		iu_log(l->log, "more than %u maps", IU_MAX_MAPS);
		return -E2BIG;
	}
	defs = (const void *)(e->data + e->maps->sh_offset);
	fds = kvmalloc_array(n, sizeof(*fds), GFP_KERNEL);
	aux->used_maps = kcalloc(n, sizeof(*aux->used_maps), GFP_KERNEL);
	if (!fds || !aux->used_maps) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(fds, u64_to_user_ptr(l->attr->fd_array),
			   n * sizeof(*fds))) {
		iu_log(l->log, "cannot read the map fds");
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct iu_map_def *d = &defs[i];
		struct bpf_map *map;

		if (d->kptr || d->iu_flags & ~IU_MAP_F_ALL || d->elems || d->cpu_off ||
		    d->value_off || d->reserved ||
		    !memchr(d->name, 0, IU_MAP_NAME_LEN)) {
			iu_log(l->log, ".iu.maps record %u malformed", i);
			ret = -ENOEXEC;
			goto out;
		}
		map = bpf_map_get(fds[i]);
		if (IS_ERR(map)) {
			iu_log(l->log, "map %s: fd %d is not a BPF map", d->name, fds[i]);
			ret = -EBADF;
			goto out;
		}
		aux->used_maps[aux->used_map_cnt++] = map;
		if (map->map_type != d->map_type || map->key_size != d->key_size ||
		    map->value_size != d->value_size ||
		    map->max_entries != d->max_entries ||
		    map->map_flags != d->map_flags) {
			iu_log(l->log,
			       "map %s: fd %d is type %u key %u value %u max %u flags %#x, image wants %u/%u/%u/%u/%#x",
			       d->name, fds[i], map->map_type, map->key_size,
			       map->value_size, map->max_entries, map->map_flags,
			       d->map_type, d->key_size, d->value_size,
			       d->max_entries, d->map_flags);
			ret = -EMEDIUMTYPE;
			goto out;
		}
		ret = iu_map_compatible(l, d, map);
		if (ret)
			goto out;
	}
out:
	kvfree(fds);
	return ret;
}

static int iu_alloc_image(struct iu_load *l)
{
	struct bpf_iu_image *iu;
	unsigned int i;

	iu = kzalloc(sizeof(*iu), GFP_KERNEL);
	if (!iu)
		return -ENOMEM;
	iu->span = l->elf.span;
	iu->alloc_size = PAGE_SIZE + iu->span;
	iu->alloc = bpf_jit_alloc_exec(iu->alloc_size);
	if (!iu->alloc) {
		kfree(iu);
		iu_log(l->log, "cannot allocate %lu bytes of image memory",
		       (unsigned long)(PAGE_SIZE + l->elf.span));
		return -ENOMEM;
	}
	set_vm_flush_reset_perms(iu->alloc);
	/* From here on the bpf_prog free path releases the image. */
	l->prog->aux->iu_image = iu;
	l->iu = iu;
	iu_runtime_image_init(iu);
	memset(iu->alloc, 0, iu->alloc_size);
	iu->base = iu->alloc + PAGE_SIZE;
	for (i = 0; i < l->elf.nseg; i++) {
		const struct iu_seg *s = &l->elf.seg[i];

		memcpy(iu->base + s->vaddr, l->elf.data + s->offset, s->filesz);
	}
	iu->text_start = (unsigned long)iu->base + l->elf.seg[l->elf.xseg].vaddr;
	iu->text_end = iu->text_start + l->elf.seg[l->elf.xseg].memsz;
	iu->hook_default = iu_hook_default(l->prog->type);
	return 0;
}

/*
 * What the verifier records about a program when it sees a call of the
 * helper, and the run and attach paths rely on.
 */
static int iu_helper_effects(struct iu_load *l, enum bpf_func_id id)
{
	struct bpf_prog *prog = l->prog;

	switch (id) {
	case BPF_FUNC_get_route_realm:
		prog->dst_needed = 1;
		break;
	case BPF_FUNC_get_prandom_u32:
		bpf_user_rnd_init_once();
		break;
	case BPF_FUNC_override_return:
		/* attach then requires an error-injectable function */
		prog->kprobe_override = 1;
		break;
	case BPF_FUNC_get_stack:
	case BPF_FUNC_get_task_stack:
#ifdef CONFIG_PERF_EVENTS
		if (!prog->has_callchain_buf) {
			int err = get_callchain_buffers(sysctl_perf_event_max_stack);

			if (err) {
				iu_log(l->log, "cannot get callchain buffers (%d)", err);
				return err;
			}
			prog->has_callchain_buf = true;
		}
#endif
		if (id == BPF_FUNC_get_stack)
			prog->call_get_stack = true;
		break;
	case BPF_FUNC_get_stackid:
		prog->call_get_stack = true;
		break;
	case BPF_FUNC_get_func_ip:
		prog->call_get_func_ip = true;
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Helpers the runtime cannot make safe: a callback (it would run program
 * code inside the helper) or a reference the runtime does not give back
 * when the program stops.
 */
static int iu_helper_unsupported(struct iu_load *l, enum bpf_func_id id,
				 const struct bpf_func_proto *fn)
{
	const enum bpf_arg_type args[] = {
		fn->arg1_type, fn->arg2_type, fn->arg3_type, fn->arg4_type, fn->arg5_type,
	};
	unsigned int i;

	switch (id) {
	case BPF_FUNC_sk_lookup_tcp:
	case BPF_FUNC_sk_lookup_udp:
	case BPF_FUNC_skc_lookup_tcp:
	case BPF_FUNC_kptr_xchg:
		goto ref;
	default:
		break;
	}
	for (i = 0; i < ARRAY_SIZE(args); i++) {
		if (base_type(args[i]) == ARG_PTR_TO_FUNC) {
			iu_log(l->log,
			       "helper %s takes a callback: not supported for native programs, call the code directly",
			       iu_helper_names[id]);
			return -EOPNOTSUPP;
		}
		if ((args[i] & OBJ_RELEASE) || base_type(args[i]) == ARG_PTR_TO_DYNPTR)
			goto ref;
	}
	return 0;
ref:
	iu_log(l->log,
	       "helper %s takes or gives back a reference the native runtime does not track: not supported",
	       iu_helper_names[id]);
	return -EOPNOTSUPP;
}

/*
 * Every helper is called through a stub in the stub page, one per helper
 * id. The spin lock stubs inline the common case and take two slots; they
 * are written with the entry stub, whose return addresses they use.
 */
#define IU_HELPER_STUBS		IU_ARCH_STUBS

static bool iu_lock_helper(enum bpf_func_id id)
{
	return id == BPF_FUNC_spin_lock || id == BPF_FUNC_spin_unlock;
}

static u8 *iu_stub_at(struct iu_load *l, u16 slot)
{
	return l->iu->alloc + IU_HELPER_STUBS + (slot - 1) * IU_ARCH_HELPER_STUB;
}

static u8 *iu_stub_slot(struct iu_load *l, enum bpf_func_id id)
{
	return iu_stub_at(l, l->helper_stub[id]);
}

/* The stub in *@slot (1 + its first slot), taking @slots slots; @fn: write a helper stub. */
static int iu_stub_get(struct iu_load *l, u16 *slot, unsigned int slots, void *fn, u64 *val)
{
	int ret = 0;

	if (!*slot) {
		if (IU_HELPER_STUBS + (l->nstubs + slots) * IU_ARCH_HELPER_STUB > PAGE_SIZE) {
			iu_log(l->log, "image calls too many different helpers: their stubs take more than %lu slots",
			       (PAGE_SIZE - IU_HELPER_STUBS) / IU_ARCH_HELPER_STUB);
			return -E2BIG;
		}
		*slot = l->nstubs + 1;
		l->nstubs += slots;
		if (fn)
			ret = iu_arch_emit_helper_stub(iu_stub_at(l, *slot), fn);
		if (ret) {
			iu_log(l->log, "helper stub out of reach of the kernel (%d)", ret);
			return ret;
		}
	}
	*val = (u64)(unsigned long)iu_stub_at(l, *slot);
	return 0;
}

static int iu_helper_stub(struct iu_load *l, enum bpf_func_id id, void *fn, u64 *val)
{
	if (iu_lock_helper(id))
		return iu_stub_get(l, &l->helper_stub[id],
				   IU_ARCH_LOCK_STUB / IU_ARCH_HELPER_STUB, NULL, val);
	return iu_stub_get(l, &l->helper_stub[id], 1, fn, val);
}

/*
 * The direct lookup of HASH map @map, the verifier's inlined one: what
 * htab_map_gen_lookup() emits is a call of the map's lookup function and
 * the offset of the value in the element it returns. Returns the offset
 * and the function in @fn. Anything else it emits: the map's
 * map_lookup_elem, which returns the value.
 */
static u32 iu_htab_direct(struct bpf_map *map, void **fn)
{
	struct bpf_insn insn[8];
	int n = -1;

	if (map->ops->map_gen_lookup)
		n = map->ops->map_gen_lookup(map, insn);
	if (n == 3 && insn[0].code == (BPF_JMP | BPF_CALL) && !insn[0].src_reg &&
	    insn[1].code == (BPF_JMP | BPF_JEQ | BPF_K) && insn[1].dst_reg == BPF_REG_0 &&
	    !insn[1].imm && insn[1].off == 1 &&
	    insn[2].code == (BPF_ALU64 | BPF_ADD | BPF_K) && insn[2].dst_reg == BPF_REG_0 &&
	    insn[2].imm > 0) {
		if (fn)
			*fn = (void *)__bpf_call_base + insn[0].imm;
		return insn[2].imm;
	}
	if (fn)
		*fn = map->ops->map_lookup_elem;
	return 0;
}

/* iu_htab_lookup, the SDK's lookup of HASH maps: a helper stub calling it directly. */
static int iu_htab_stub(struct iu_load *l, u64 *val)
{
	struct bpf_prog_aux *aux = l->prog->aux;
	void *fn = NULL;
	unsigned int i;

	for (i = 0; i < aux->used_map_cnt && !fn; i++)
		if (aux->used_maps[i]->map_type == BPF_MAP_TYPE_HASH)
			iu_htab_direct(aux->used_maps[i], &fn);
	if (!fn) {
		/* the SDK calls it with the image's HASH maps only */
		*val = (u64)(unsigned long)iu_runtime_denied_helper();
		return 0;
	}
	return iu_stub_get(l, &l->htab_stub, 1, fn, val);
}

/* Does another program type declared in the image allow helper @id? */
static bool iu_helper_elsewhere(struct iu_load *l, enum bpf_func_id id)
{
	const struct iu_elf *e = &l->elf;
	const struct iu_prog_def *defs = (const void *)(e->data + e->progs->sh_offset);
	unsigned int i, n = e->progs->sh_size / sizeof(*defs);
	const struct bpf_verifier_ops *ops;

	for (i = 0; i < n; i++) {
		if (defs[i].prog_type == l->prog->type)
			continue;
		ops = iu_verifier_ops(defs[i].prog_type);
		if (ops && ops->get_func_proto(id, l->prog))
			return true;
	}
	return false;
}

static int iu_resolve(struct iu_load *l, const char *name, u64 *val)
{
	struct bpf_prog *prog = l->prog;
	const struct bpf_func_proto *fn;
	unsigned int id;
	void *addr;
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(iu_helper_names) != __BPF_FUNC_MAX_ID);
	if (!strncmp(name, "bpf_", 4)) {
		for (id = 1; id < __BPF_FUNC_MAX_ID; id++)
			if (!strcmp(iu_helper_names[id], name))
				break;
		if (id == __BPF_FUNC_MAX_ID) {
			iu_log(l->log, "unknown helper %s", name);
			return -EACCES;
		}
		fn = iu_verifier_ops(prog->type)->get_func_proto(id, prog);
		if (!fn && iu_helper_elsewhere(l, id)) {
			/*
			 * Allowed for another program of the image, not for
			 * this one: bind a trap that stops the program.
			 */
			*val = (u64)(unsigned long)iu_runtime_denied_helper();
			return 0;
		}
		if (!fn) {
			iu_log(l->log, "helper %s not allowed for any program type of the image",
			       name);
			return -EACCES;
		}
		if (!fn->func || (fn->allowed && !fn->allowed(prog)) ||
		    (fn->gpl_only && !prog->gpl_compatible)) {
			iu_log(l->log, "helper %s is not callable from native code", name);
			return -EACCES;
		}
		if ((id == BPF_FUNC_spin_lock || id == BPF_FUNC_spin_unlock) &&
		    iu_tracing_type(prog->type)) {
			/* another program of the image may lock: trap here */
			if (iu_image_locks_elsewhere(l)) {
				*val = (u64)(unsigned long)iu_runtime_denied_helper();
				return 0;
			}
			iu_log(l->log, "helper %s: tracing programs cannot use bpf_spin_lock (as for eBPF)",
			       name);
			return -EACCES;
		}
		addr = iu_runtime_tracked_helper(id);
		if (!addr) {
			ret = iu_helper_unsupported(l, id, fn);
			if (ret)
				return ret;
			addr = fn->func;
		}
		ret = iu_helper_stub(l, id, addr, val);
		if (ret)
			return ret;
		return iu_helper_effects(l, id);
	}
	if (!strcmp(name, "iu_htab_lookup"))
		return iu_htab_stub(l, val);
	if (!strncmp(name, "iu_", 3) || !strcmp(name, "mcount")) {
		addr = iu_runtime_lookup(name);
		if (addr) {
			l->mcount |= !strcmp(name, "mcount");
			*val = (u64)(unsigned long)addr;
			return 0;
		}
	}
	iu_log(l->log, "symbol %s is not in the allow-list", name);
	return -EACCES;
}

static int iu_relocate_one(struct iu_load *l, const Elf64_Rela *r,
			   const Elf64_Sym *syms, unsigned int nsyms,
			   const char *str, size_t str_len)
{
	u32 type = ELF64_R_TYPE(r->r_info);
	enum iu_reloc kind = iu_arch_reloc(type);
	u32 symi = ELF64_R_SYM(r->r_info);
	const struct iu_elf *e = &l->elf;
	const Elf64_Sym *sym;
	const char *name;
	u64 val, off;
	int ret;

	if (iu_elf_seg_of(e, r->r_offset, 8, false) < 0) {
		iu_log(l->log, "relocation at %#llx outside the image", r->r_offset);
		return -ERANGE;
	}
	switch (kind) {
	case IU_RELOC_RELATIVE:
		if (symi || r->r_addend < 0 || r->r_addend > e->span) {
			iu_log(l->log, "relative relocation at %#llx points outside the image",
			       r->r_offset);
			return -ERANGE;
		}
		ret = iu_check_endbr(l, r->r_addend, "code pointer");
		if (ret)
			return ret;
		val = (u64)(unsigned long)l->iu->base + r->r_addend;
		break;
	case IU_RELOC_ABS:
	case IU_RELOC_ABS_ADDEND:
		if (!symi || symi >= nsyms) {
			iu_log(l->log, "relocation at %#llx has bad symbol %u",
			       r->r_offset, symi);
			return -ERANGE;
		}
		sym = &syms[symi];
		if (sym->st_name >= str_len) {
			iu_log(l->log, "symbol %u name outside .dynstr", symi);
			return -ENOEXEC;
		}
		name = str + sym->st_name;
		if (sym->st_shndx == SHN_UNDEF) {
			if (kind == IU_RELOC_ABS_ADDEND && r->r_addend) {
				iu_log(l->log, "addend on imported symbol %s", name);
				return -ERANGE;
			}
			ret = iu_resolve(l, name, &val);
			if (ret)
				return ret;
			break;
		}
		off = sym->st_value;
		if (kind == IU_RELOC_ABS_ADDEND)
			off += r->r_addend;
		if (sym->st_shndx >= SHN_LORESERVE || off > e->span) {
			iu_log(l->log, "relocation at %#llx: symbol %s outside the image",
			       r->r_offset, name);
			return -ERANGE;
		}
		ret = iu_check_endbr(l, off, "code pointer");
		if (ret)
			return ret;
		val = (u64)(unsigned long)l->iu->base + off;
		break;
	default:
		iu_log(l->log, "relocation type %u at %#llx not supported", type,
		       r->r_offset);
		return -EOPNOTSUPP;
	}
	put_unaligned(val, (u64 *)(l->iu->base + r->r_offset));
	return 0;
}

static int iu_relocate(struct iu_load *l)
{
	const struct iu_elf *e = &l->elf;
	unsigned int i, j;
	int ret;

	for (i = 0; i < ARRAY_SIZE(e->rela); i++) {
		const Elf64_Shdr *rs = e->rela[i], *ss, *st;
		const Elf64_Rela *rela;
		const Elf64_Sym *syms;

		if (!rs)
			continue;
		ss = &e->shdrs[rs->sh_link];
		st = &e->shdrs[ss->sh_link];
		rela = (const void *)(e->data + rs->sh_offset);
		syms = (const void *)(e->data + ss->sh_offset);
		for (j = 0; j < rs->sh_size / sizeof(*rela); j++) {
			ret = iu_relocate_one(l, &rela[j], syms,
					      ss->sh_size / sizeof(*syms),
					      (const char *)e->data + st->sh_offset,
					      st->sh_size);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void iu_write_maps(struct iu_load *l)
{
	const struct iu_elf *e = &l->elf;
	struct bpf_prog_aux *aux = l->prog->aux;
	struct iu_map_def *defs;
	unsigned int i;

	if (!aux->used_map_cnt)
		return;
	defs = l->iu->base + e->maps->sh_addr;
	for (i = 0; i < aux->used_map_cnt; i++) {
		struct bpf_map *map = aux->used_maps[i];
		struct bpf_array *a = container_of(map, struct bpf_array, map);

		defs[i].kptr = (u64)(unsigned long)map;
		if (map->map_type == BPF_MAP_TYPE_HASH)
			defs[i].value_off = iu_htab_direct(map, NULL);
		if (!defs[i].elem_size)
			continue;
		if (map->map_type == BPF_MAP_TYPE_ARRAY) {
			defs[i].elems = (u64)(unsigned long)a->value;
		} else {
			defs[i].elems = (u64)(unsigned long)a->pptrs;
			defs[i].cpu_off = iu_arch_cpu_off();
		}
	}
}

/*
 * The stub page holds bpf_func, the entry stub, and the slow path's
 * thunk, which jumps to the entry; from IU_HELPER_STUBS on the helper stubs.
 */
static int iu_emit_stubs(struct iu_load *l)
{
	int ret = iu_arch_emit_entry(l->iu, l->prog, l->clobbers);

	if (!ret && l->helper_stub[BPF_FUNC_spin_lock])
		ret = iu_arch_emit_lock_stub(iu_stub_slot(l, BPF_FUNC_spin_lock), l->iu);
	if (!ret && l->helper_stub[BPF_FUNC_spin_unlock])
		ret = iu_arch_emit_unlock_stub(iu_stub_slot(l, BPF_FUNC_spin_unlock));
	if (ret == -EFAULT)
		iu_log(l->log, "per-CPU data out of reach of a %%gs displacement");
	else if (ret)
		iu_log(l->log, "image memory out of rel32 range of the kernel");
	return ret;
}

static int iu_entry_and_stubs(struct iu_load *l)
{
	const struct iu_prog_def *def;
	struct bpf_iu_image *iu = l->iu;
	u64 entry;

	def = iu->base + l->elf.progs->sh_addr + l->def_idx * sizeof(*def);
	entry = def->entry;
	if (entry < iu->text_start || entry >= iu->text_end) {
		iu_log(l->log, "entry of %s at %#llx not in the text segment",
		       l->entry_name, entry - (u64)(unsigned long)iu->base);
		return -ERANGE;
	}
	if (!iu_arch_branch_target((void *)(unsigned long)entry, iu->text_end - entry)) {
		iu_log(l->log, "entry of %s does not start with endbr64 (IBT)", l->entry_name);
		return -ENOEXEC;
	}
	iu->entry = (void *)(unsigned long)entry;
	return iu_emit_stubs(l);
}

static int iu_seal(struct iu_load *l)
{
	struct bpf_iu_image *iu = l->iu;
	unsigned int i;
	int ret;

	ret = set_memory_rox((unsigned long)iu->alloc, 1);
	for (i = 0; !ret && i < l->elf.nseg; i++) {
		const struct iu_seg *s = &l->elf.seg[i];
		unsigned long start = (unsigned long)iu->base + s->vaddr;
		int pages = DIV_ROUND_UP(s->memsz, PAGE_SIZE);

		if (s->flags & PF_X)
			ret = set_memory_rox(start, pages);
		else if (!(s->flags & PF_W))
			ret = set_memory_ro(start, pages);
	}
	if (ret)
		iu_log(l->log, "cannot set image memory permissions (%d)", ret);
	return ret;
}

static void iu_fill_prog(struct iu_load *l)
{
	struct bpf_prog *prog = l->prog;
	struct sha256_state sctx;
	u8 digest[SHA256_DIGEST_SIZE];
	unsigned int i, j = 0;

	sha256_init(&sctx);
	sha256_update(&sctx, l->digest, l->digest_len);
	sha256_update(&sctx, l->entry_name, strlen(l->entry_name));
	sha256_final(&sctx, digest);
	memcpy(prog->tag, digest, sizeof(prog->tag));

	if (!prog->aux->name[0]) {
		for (i = 0; l->entry_name[i] && j < BPF_OBJ_NAME_LEN - 1; i++)
			if (isalnum(l->entry_name[i]) || l->entry_name[i] == '_' ||
			    l->entry_name[i] == '.')
				prog->aux->name[j++] = l->entry_name[i];
		prog->aux->name[j] = 0;
	}
	prog->bpf_func = l->iu->alloc;
	prog->jited = 1;
	prog->jited_len = l->iu->text_end - (unsigned long)l->iu->alloc;
}

static int iu_load_image(struct iu_load *l, bpfptr_t uattr)
{
	int ret;

	ret = iu_check_attr(l, uattr);
	if (ret)
		return ret;
	if (!iu_runtime_ready()) {
		iu_log(l->log, "the native runtime has no stacks (out of memory at boot)");
		return -ENOMEM;
	}
	l->img = kvmalloc(l->attr->iu.image_size, GFP_KERNEL_ACCOUNT);
	l->sig = kvmalloc(l->attr->signature_size, GFP_KERNEL_ACCOUNT);
	if (!l->img || !l->sig)
		return -ENOMEM;
	if (copy_from_user(l->img, u64_to_user_ptr(l->attr->iu.image),
			   l->attr->iu.image_size) ||
	    copy_from_user(l->sig, u64_to_user_ptr(l->attr->signature),
			   l->attr->signature_size)) {
		iu_log(l->log, "cannot read the image or its signature");
		return -EFAULT;
	}
	ret = iu_sig_verify(l->img, l->attr->iu.image_size, l->sig,
			    l->attr->signature_size, l->attr->keyring_id,
			    l->digest, &l->digest_len, l->log);
	if (ret)
		return ret;
	ret = iu_elf_parse(&l->elf, l->img, l->attr->iu.image_size, l->log);
	if (ret)
		return ret;
	ret = iu_check_prov(l);
	if (ret)
		return ret;
	ret = iu_find_entry(l);
	if (ret)
		return ret;
	ret = iu_check_btf_target(l);
	if (ret)
		return ret;
	ret = iu_get_maps(l);
	if (ret)
		return ret;
	ret = iu_alloc_image(l);
	if (ret)
		return ret;
	ret = iu_relocate(l);
	if (ret)
		return ret;
	/* Code without the check at every function entry needs a proven bound. */
	if (!l->mcount && !l->stack) {
		iu_log(l->log, "the image has no stack check (mcount) and no stack bound in .iu.prov");
		return -ENOEXEC;
	}
	iu_write_maps(l);
	ret = iu_entry_and_stubs(l);
	if (ret)
		return ret;
	ret = iu_seal(l);
	if (ret)
		return ret;
	iu_fill_prog(l);
	ret = bpf_prog_lock_ro(l->prog);
	if (ret)
		return ret;
	iu_watchdog_get();
	l->iu->watched = true;
	return 0;
}

int bpf_iu_prog_load(struct bpf_prog *prog, union bpf_attr *attr,
		     bpfptr_t uattr, u32 uattr_size)
{
	struct iu_load *l;
	u32 log_true_size;
	int ret, err;

	/* upstream's offsets (6.14, 6.18), then ours */
	BUILD_BUG_ON(offsetof(union bpf_attr, fd_array_cnt) != 148);
	BUILD_BUG_ON(offsetof(union bpf_attr, signature) != 152);
	BUILD_BUG_ON(offsetof(union bpf_attr, keyring_id) != 164);
	BUILD_BUG_ON(offsetof(union bpf_attr, iu) != BPF_IU_LOAD_ATTR_OFFSET);
	BUILD_BUG_ON(sizeof(struct bpf_iu_load_attr) != 24);
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->log = kzalloc(sizeof(*l->log), GFP_KERNEL);
	if (!l->log) {
		kfree(l);
		return -ENOMEM;
	}
	l->prog = prog;
	l->attr = attr;
	ret = bpf_vlog_init(l->log, attr->log_level,
			    u64_to_user_ptr(attr->log_buf), attr->log_size);
	if (ret)
		goto out;

	ret = iu_load_image(l, uattr);

	err = bpf_vlog_finalize(l->log, &log_true_size);
	if (err && !ret)
		ret = err;
	if (uattr_size >= offsetofend(union bpf_attr, log_true_size) &&
	    copy_to_bpfptr_offset(uattr, offsetof(union bpf_attr, log_true_size),
				  &log_true_size, sizeof(log_true_size)))
		ret = -EFAULT;
out:
	kvfree(l->img);
	kvfree(l->sig);
	kfree(l->log);
	kfree(l);
	return ret;
}

/* Called from bpf_prog_free_deferred(), after an RCU grace period. */
void bpf_iu_prog_free(struct bpf_prog_aux *aux)
{
	struct bpf_iu_image *iu = aux->iu_image;

	if (!iu)
		return;
	/*
	 * bpf_jit_free() must see an unjited program: the image memory is ours,
	 * not a JIT pack. VM_FLUSH_RESET_PERMS restores the permissions.
	 */
	aux->prog->jited = 0;
	aux->prog->bpf_func = NULL;
	if (iu->watched)
		iu_watchdog_put();
	bpf_jit_free_exec(iu->alloc);
	aux->iu_image = NULL;
	kfree(iu);
}
