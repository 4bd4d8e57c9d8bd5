// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: runtime of native programs.
 *
 * - iu_dispatch(): every invocation of a native program goes through it
 *   (bpf_func is a per-program stub "endbr64; movabs $prog, %rsi;
 *   jmp iu_dispatch"). It takes a per-CPU save slot for the nesting level
 *   (task, softirq, hardirq, NMI), refuses recursion of a program on one
 *   CPU, and calls the program through iu_call() (arch/x86/net/iu_entry.S).
 * - iu_panic(): called by the program's panic handler; logs rate-limited
 *   and unwinds to the dispatcher, which returns the hook's default.
 * - The fixed table of runtime symbols an image may import ("iu_*").
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/percpu.h>
#include <linux/pkt_cls.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <uapi/linux/bpf.h>
#include "iu.h"

struct iu_frame {
	unsigned long sp;
	const struct bpf_prog *prog;
};

struct iu_cpu {
	unsigned int depth;
	struct iu_frame frame[IU_MAX_NEST];
};

static DEFINE_PER_CPU(struct iu_cpu, iu_cpu);
static DEFINE_RATELIMIT_STATE(iu_panic_rs, 5 * HZ, 10);

u32 iu_hook_default(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_XDP:
		return XDP_ABORTED;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return TC_ACT_SHOT;
	default:
		return 0;
	}
}

unsigned int iu_dispatch(const void *ctx, const struct bpf_prog *prog)
{
	const struct bpf_iu_image *img = prog->aux->iu_image;
	struct iu_cpu *c;
	struct iu_frame *f;
	unsigned int d, i, ret;

	preempt_disable();
	c = this_cpu_ptr(&iu_cpu);
	/* One instruction on x86: safe against interrupts and NMIs. */
	d = this_cpu_inc_return(iu_cpu.depth);
	if (unlikely(d > IU_MAX_NEST))
		goto miss;
	for (i = 0; i < d - 1; i++)
		if (unlikely(c->frame[i].prog == prog))
			goto miss;
	f = &c->frame[d - 1];
	f->prog = prog;
	ret = iu_call(ctx, img->thunk, &f->sp);
	f->prog = NULL;
	this_cpu_dec(iu_cpu.depth);
	preempt_enable();
	return ret;
miss:
	this_cpu_dec(iu_cpu.depth);
	preempt_enable();
	bpf_prog_inc_misses_counter((struct bpf_prog *)prog);
	return img->hook_default;
}

/* The innermost native program running on this CPU, or NULL. */
static struct iu_frame *iu_current(void)
{
	struct iu_cpu *c = this_cpu_ptr(&iu_cpu);
	unsigned int d = READ_ONCE(c->depth);

	if (WARN_ONCE(!d || d > IU_MAX_NEST, "iu: runtime call outside a native program"))
		return NULL;
	return &c->frame[d - 1];
}

static void iu_panic(const u8 *msg, u64 msg_len, const u8 *file, u64 file_len,
		     u32 line, u32 col)
{
	struct iu_frame *f = iu_current();
	const struct bpf_prog *prog;
	struct bpf_iu_image *img;

	if (!f)
		return;
	prog = f->prog;
	img = prog->aux->iu_image;
	atomic64_inc(&img->panics);
	if (__ratelimit(&iu_panic_rs))
		pr_err("iu: program %s (id %u) panicked at %.*s:%u:%u: %.*s\n",
		       prog->aux->name, prog->aux->id,
		       (int)min_t(u64, file_len, 256), file ? (const char *)file : "",
		       line, col,
		       (int)min_t(u64, msg_len, 256), msg ? (const char *)msg : "");
	iu_unwind(&f->sp, img->hook_default);
}

/*
 * Bound to a helper import that another program type of the image may use
 * but the running program's type may not: stop the program like a panic.
 */
static u64 iu_denied_helper(void)
{
	struct iu_frame *f = iu_current();
	const struct bpf_prog *prog;
	struct bpf_iu_image *img;

	if (!f)
		return 0;
	prog = f->prog;
	img = prog->aux->iu_image;
	atomic64_inc(&img->panics);
	if (__ratelimit(&iu_panic_rs))
		pr_err("iu: program %s (id %u) called a helper its type may not use\n",
		       prog->aux->name, prog->aux->id);
	iu_unwind(&f->sp, img->hook_default);
}

void *iu_runtime_denied_helper(void)
{
	return iu_denied_helper;
}

static u64 iu_skb_data(const struct sk_buff *skb, u64 *data_end)
{
	*data_end = (u64)(unsigned long)(skb->data + skb_headlen(skb));
	return (u64)(unsigned long)skb->data;
}

static u32 iu_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

static const struct {
	const char *name;
	void *addr;
} iu_runtime_syms[] = {
	{ "iu_panic", iu_panic },
	{ "iu_skb_data", iu_skb_data },
	{ "iu_skb_len", iu_skb_len },
};

void *iu_runtime_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iu_runtime_syms); i++)
		if (!strcmp(iu_runtime_syms[i].name, name))
			return iu_runtime_syms[i].addr;
	return NULL;
}
