// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: runtime of native programs.
 *
 * - Every invocation of a native program enters at its entry stub
 *   (bpf_func, arch/x86/net/iu_arch.c), which runs the common case itself:
 *   the first native invocation on the CPU, with interrupts on, on the
 *   level 0 stack. The rest comes to iu_dispatch_slow(), which takes the
 *   nesting level (task, softirq, hardirq, NMI), refuses recursion of a
 *   program on one CPU, and calls the program on the level's own stack
 *   through iu_call() (arch/x86/net/iu_entry.S). After the program, what
 *   the invocation still holds is released.
 * - iu_panic() and iu_fault(): a panic, a stop by the watchdog and a
 *   stack overflow are logged rate-limited, counted, and unwound to the
 *   dispatcher, which returns the hook's default.
 * - Wrappers of the helpers that take something the program must give
 *   back (spin locks, ring-buffer records): they record it per invocation.
 * - The fixed table of runtime symbols an image may import ("iu_*").
 */
#include <linux/bpf.h>
#include <linux/cpu.h>
#include <linux/filter.h>
#include <linux/irq_work.h>
#include <linux/kasan.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/pkt_cls.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/vmalloc.h>
#include <uapi/linux/bpf.h>
#include <asm/stacktrace.h>
#include "iu.h"

DEFINE_PER_CPU(struct iu_cpu, iu_cpu);
DEFINE_PER_CPU(union iu_level, iu_level) = { .word = IU_LEVEL_INIT };
DEFINE_PER_CPU(u8, iu_stop_pending);
DEFINE_PER_CPU(struct iu_regs, iu_regs0);
static DEFINE_RATELIMIT_STATE(iu_fault_rs, 5 * HZ, 10);
static bool iu_stacks_ready;

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

/*
 * The watchdog runs from timer interrupts: a CPU that still takes them stops
 * the others. So, on a machine with more than one CPU, native programs may
 * run with interrupts off (in hardirq or NMI context, or holding a spin
 * lock) on all CPUs but one at a time; an invocation that would be the last
 * is refused. iu_cpu.irqoff counts why this CPU is one of them.
 */
static atomic_t iu_irqoff_cpus;

static notrace bool iu_irqoff_get(void)
{
	unsigned int n = num_online_cpus();

	if (this_cpu_inc_return(iu_cpu.irqoff) > 1)
		return true;
	if (atomic_inc_return(&iu_irqoff_cpus) < n || n == 1)
		return true;
	atomic_dec(&iu_irqoff_cpus);
	this_cpu_dec(iu_cpu.irqoff);
	return false;
}
NOKPROBE_SYMBOL(iu_irqoff_get);

/*
 * Nothing stops a loop without calls in NMI context (NMIs do not nest): only
 * perf_event programs, whose hook is the NMI, run there.
 */
static notrace bool iu_irqoff_admit(const struct bpf_prog *prog)
{
	if (in_nmi() && prog->type != BPF_PROG_TYPE_PERF_EVENT)
		return false;
	return iu_irqoff_get();
}
NOKPROBE_SYMBOL(iu_irqoff_admit);

static notrace void iu_irqoff_put(void)
{
	if (!this_cpu_dec_return(iu_cpu.irqoff))
		atomic_dec(&iu_irqoff_cpus);
}
NOKPROBE_SYMBOL(iu_irqoff_put);

/* Let go of the lock the innermost invocation holds. */
static notrace void iu_unlock(void)
{
	unsigned long l = this_cpu_read(iu_cpu.lock);
	unsigned long flags = this_cpu_read(iu_cpu.lock_flags);

	/* forgotten first: nothing may release it twice */
	this_cpu_write(iu_cpu.lock, 0);
	arch_spin_unlock((arch_spinlock_t *)(l & ~IU_LOCK_IRQSAVE));
	if (l & IU_LOCK_IRQSAVE) {
		local_irq_restore(flags);
		iu_irqoff_put();
	}
}
NOKPROBE_SYMBOL(iu_unlock);

/* Does the innermost invocation, at @f, hold something? */
static inline bool iu_holds(const struct iu_frame *f)
{
	return f->nres || this_cpu_read(iu_cpu.lock);
}

static notrace void iu_release(struct iu_frame *f)
{
	unsigned int i;

	if (this_cpu_read(iu_cpu.lock))
		iu_unlock();
	for (i = f->nres; i-- > 0;) {
		void *p = f->res[i].ptr;

		switch (f->res[i].kind) {
		case IU_RES_RINGBUF:
			bpf_ringbuf_discard_proto.func((unsigned long)p, 0, 0, 0, 0);
			break;
		default:
			break;
		}
	}
	f->nres = 0;
}
NOKPROBE_SYMBOL(iu_release);

/* Leave level @d, taken by the entry stub. */
static notrace void iu_level_put(unsigned int d)
{
	if (d == 1)
		this_cpu_add(iu_level.word, IU_LEVEL_EXIT0);
	else
		this_cpu_dec(iu_level.low);
}
NOKPROBE_SYMBOL(iu_level_put);

/*
 * A run that did not run the program: a miss, and while BPF stats are on
 * (they count every run) one the invocation count leaves out.
 */
notrace unsigned int iu_dispatch_disabled(const void *ctx, const struct bpf_prog *prog)
{
	struct bpf_iu_image *img = prog->aux->iu_image;

	bpf_prog_inc_misses_counter((struct bpf_prog *)prog);
	if (static_branch_unlikely(&bpf_stats_enabled_key))
		atomic64_inc(&img->refused);
	return img->hook_default;
}
NOKPROBE_SYMBOL(iu_dispatch_disabled);

/* Refused by the slow path: leave the level too. */
notrace unsigned int iu_dispatch_refused(const void *ctx, const struct bpf_prog *prog)
{
	this_cpu_dec(iu_level.low);
	return iu_dispatch_disabled(ctx, prog);
}
NOKPROBE_SYMBOL(iu_dispatch_refused);

/*
 * Is @prog running in a frame below level @d of CPU @c? A level 0 program
 * the stub called is known by the stub page it returns to (compared, not
 * read: the slot may still name an earlier invocation's page).
 */
static notrace bool iu_recursion(const struct iu_cpu *c, unsigned int d,
				 const struct bpf_prog *prog)
{
	unsigned int i;

	for (i = 0; i < d; i++)
		if (READ_ONCE(c->frame[i].prog) == prog)
			return true;
	return d && !READ_ONCE(c->frame[0].prog) &&
	       iu_frame_stub_page(&c->frame[0]) == prog->aux->iu_image->alloc;
}
NOKPROBE_SYMBOL(iu_recursion);

/* From the entry stub, which has taken the level in iu_level. */
notrace unsigned int iu_dispatch_slow(const void *ctx, const struct bpf_prog *prog)
{
	struct bpf_iu_image *img = prog->aux->iu_image;
	u64 w = this_cpu_read(iu_level.word);
	unsigned int d = iu_level_depth(w), ret;
	bool irqoff = irqs_disabled();
	unsigned long lock, lock_flags;
	struct iu_cpu *c;
	struct iu_frame *f;

	BUILD_BUG_ON(offsetof(struct iu_frame, sp) != 0);
	BUILD_BUG_ON(offsetof(struct iu_frame, stack_top) != 8);
	/* iu_entry.S: IU_LEVEL_DEPTH, IU_REGS_SEQ */
	BUILD_BUG_ON(IU_LEVEL_SLOW - 1 != 0x3f);
	BUILD_BUG_ON(offsetof(struct iu_regs, seq) != 48);

	preempt_disable();
	if (unlikely(d > IU_MAX_NEST || iu_level_blocked(w) || READ_ONCE(img->disabled)))
		goto miss;
	c = this_cpu_ptr(&iu_cpu);
	if (unlikely(iu_recursion(c, d - 1, prog)))
		goto miss;
	if (unlikely(irqoff) && !iu_irqoff_admit(prog))
		goto miss;
	f = &c->frame[d - 1];
	if (d > 1)
		WRITE_ONCE(f->seq, f->seq + 1);
	WRITE_ONCE(f->prog, prog);
	/* an outer invocation's lock is not this one's to give back */
	lock = this_cpu_read(iu_cpu.lock);
	lock_flags = this_cpu_read(iu_cpu.lock_flags);
	this_cpu_write(iu_cpu.lock, 0);
	ret = iu_call(ctx, img->thunk, f);
	if (unlikely(iu_holds(f)))
		iu_release(f);
	this_cpu_write(iu_cpu.lock_flags, lock_flags);
	this_cpu_write(iu_cpu.lock, lock);
	WRITE_ONCE(f->prog, NULL);
	if (unlikely(irqoff))
		iu_irqoff_put();
	iu_level_put(d);
	preempt_enable();
	return ret;
miss:
	ret = iu_dispatch_refused(ctx, prog);
	preempt_enable();
	return ret;
}
NOKPROBE_SYMBOL(iu_dispatch_slow);

/* From the stub's release path: the level 0 invocation held something. */
notrace void iu_release_fast(void)
{
	struct iu_frame *f = this_cpu_ptr(&iu_cpu.frame[0]);

	if (iu_holds(f))
		iu_release(f);
}
NOKPROBE_SYMBOL(iu_release_fast);

/*
 * A tracked helper recorded something in @f: a level 0 invocation the
 * stub started returns through the stub's release path from now on.
 */
static notrace void iu_arm_release(struct iu_frame *f)
{
	const struct bpf_iu_image *img;
	unsigned long *slot;

	if (f != this_cpu_ptr(&iu_cpu.frame[0]) || READ_ONCE(f->prog))
		return;
	img = iu_frame_prog(f)->aux->iu_image;
	slot = (unsigned long *)(f->stack_top - 8);
	if (*slot == (unsigned long)img->fast_ret)
		*slot = (unsigned long)img->fast_release;
}
NOKPROBE_SYMBOL(iu_arm_release);

/* The innermost native program running on this CPU, or NULL. */
static notrace struct iu_frame *iu_current(void)
{
	struct iu_cpu *c = this_cpu_ptr(&iu_cpu);
	unsigned int d = iu_depth();

	if (WARN_ONCE(!d || d > IU_MAX_NEST, "iu: runtime call outside a native program"))
		return NULL;
	return &c->frame[d - 1];
}
NOKPROBE_SYMBOL(iu_current);

/*
 * A disabled program's entry stub is patched to refuse it. Until then the
 * CPU that disabled it sends every stub to the slow path, which tests
 * disabled; the other CPUs may run it a little longer.
 */
static notrace void iu_slow_get(void)
{
	if (this_cpu_inc_return(iu_cpu.gates) == 1)
		this_cpu_add(iu_level.low, IU_LEVEL_SLOW);
}
NOKPROBE_SYMBOL(iu_slow_get);

static notrace void iu_slow_put(void *unused)
{
	if (!this_cpu_dec_return(iu_cpu.gates))
		this_cpu_sub(iu_level.low, IU_LEVEL_SLOW);
}
NOKPROBE_SYMBOL(iu_slow_put);

static void iu_gate_work(struct work_struct *work)
{
	struct bpf_iu_image *img = container_of(work, struct bpf_iu_image, gate_work);

	iu_arch_gate_entry(img);
	cpus_read_lock();
	if (cpu_online(img->gate_cpu)) {
		smp_call_function_single(img->gate_cpu, iu_slow_put, NULL, 1);
	} else if (!--per_cpu(iu_cpu.gates, img->gate_cpu)) {
		/* nothing runs there until it is back online */
		per_cpu(iu_level.low, img->gate_cpu) -= IU_LEVEL_SLOW;
	}
	cpus_read_unlock();
	bpf_prog_put((struct bpf_prog *)iu_stub_prog(img->alloc));
}

static void iu_gate_irq_work(struct irq_work *work)
{
	schedule_work(&container_of(work, struct bpf_iu_image, gate_irq_work)->gate_work);
}

static notrace void iu_gate(struct bpf_iu_image *img)
{
	/* The work holds a reference; a program already going away needs none. */
	if (IS_ERR(bpf_prog_inc_not_zero((struct bpf_prog *)iu_stub_prog(img->alloc))))
		return;
	img->gate_cpu = smp_processor_id();
	iu_slow_get();
	irq_work_queue(&img->gate_irq_work);
}
NOKPROBE_SYMBOL(iu_gate);

void iu_runtime_image_init(struct bpf_iu_image *img)
{
	init_irq_work(&img->gate_irq_work, iu_gate_irq_work);
	INIT_WORK(&img->gate_work, iu_gate_work);
}

/*
 * Leave the program: count the fault against the repeat-offender limit
 * and go back to the dispatcher with the hook's default.
 */
static notrace void __noreturn iu_leave(struct iu_frame *f)
{
	const struct bpf_prog *prog = iu_frame_prog(f);
	struct bpf_iu_image *img = prog->aux->iu_image;
	u64 faults = atomic64_inc_return(&img->faults);
	unsigned int limit = READ_ONCE(iu_fault_limit);

	if (limit && faults >= limit && !xchg(&img->disabled, 1)) {
		pr_err("iu: program %s (id %u) disabled after %llu faults\n",
		       prog->aux->name, prog->aux->id, faults);
		iu_gate(img);
	}
	WRITE_ONCE(f->stop_seq, 0);
	if (iu_holds(f))
		iu_release(f);
	/* Instrumented helpers may have left poisoned frames behind. */
	kasan_unpoison_range((void *)(f->stack_top - IU_STACK_SIZE), IU_STACK_SIZE);
	iu_unblock();
	if (!READ_ONCE(f->prog)) {
		/* every way here from a level 0 program saved them */
		WARN_ON_ONCE(this_cpu_read(iu_regs0.seq) >> 16 !=
			     this_cpu_read(iu_level.word) >> 16);
		iu_unwind_to(f->sp, img->hook_default, img->fast_unwind);
	} else {
		iu_unwind(&f->sp, img->hook_default);
	}
	BUG();
}
NOKPROBE_SYMBOL(iu_leave);

notrace void __noreturn iu_fault(enum iu_fault_kind why)
{
	struct iu_frame *f = iu_current();
	const struct bpf_prog *prog;
	struct bpf_iu_image *img;

	if (!f)
		BUG();
	/* Nothing the log lines below call may start a native program. */
	iu_block();
	prog = iu_frame_prog(f);
	img = prog->aux->iu_image;
	if (why == IU_FAULT_STOP) {
		atomic64_inc(&img->stops);
		if (__ratelimit(&iu_fault_rs))
			pr_err("iu: program %s (id %u) stopped: ran longer than the time budget of %u ms\n",
			       prog->aux->name, prog->aux->id, READ_ONCE(iu_time_budget_ms));
	} else {
		atomic64_inc(&img->panics);
		if (__ratelimit(&iu_fault_rs))
			pr_err("iu: program %s (id %u) overflowed its stack\n",
			       prog->aux->name, prog->aux->id);
	}
	iu_leave(f);
}
NOKPROBE_SYMBOL(iu_fault);

static notrace void __noreturn iu_panic_msg(struct iu_frame *f, const char *fmt, ...)
{
	const struct bpf_prog *prog = iu_frame_prog(f);
	struct va_format vaf;
	va_list args;

	iu_block();
	atomic64_inc(&prog->aux->iu_image->panics);
	if (__ratelimit(&iu_fault_rs)) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_err("iu: program %s (id %u) %pV\n", prog->aux->name, prog->aux->id, &vaf);
		va_end(args);
	}
	iu_leave(f);
}
NOKPROBE_SYMBOL(iu_panic_msg);

/* The program's panic handler. */
notrace void iu_panic(const u8 *msg, u64 msg_len, const u8 *file, u64 file_len,
		      u32 line, u32 col)
{
	struct iu_frame *f = iu_current();

	if (!f)
		return;
	iu_panic_msg(f, "panicked at %.*s:%u:%u: %.*s",
		     (int)min_t(u64, file_len, 256), file ? (const char *)file : "",
		     line, col,
		     (int)min_t(u64, msg_len, 256), msg ? (const char *)msg : "");
}
NOKPROBE_SYMBOL(iu_panic);

/*
 * Bound to a helper import that another program type of the image may use
 * but the running program's type may not: stop the program like a panic.
 */
notrace u64 iu_denied_helper(void)
{
	struct iu_frame *f = iu_current();

	if (f)
		iu_panic_msg(f, "called a helper its type may not use");
	return 0;
}
NOKPROBE_SYMBOL(iu_denied_helper);

void *iu_runtime_denied_helper(void)
{
	return iu_denied_helper_saving;
}

/* A helper returned while the watchdog wants some program on this CPU stopped. */
notrace u64 iu_helper_returned(u64 ret)
{
	struct iu_cpu *c = this_cpu_ptr(&iu_cpu);
	u64 w = this_cpu_read(iu_level.word);
	unsigned int d = iu_level_depth(w);

	if (!d || d > IU_MAX_NEST)
		return ret;
	if (iu_frame_stop_wanted(c, w, d - 1))
		iu_fault(IU_FAULT_STOP);
	/* For a level below, the NMI handler does it once it runs again. */
	if (!iu_stop_wanted(c, w, d))
		this_cpu_write(iu_stop_pending, 0);
	return ret;
}
NOKPROBE_SYMBOL(iu_helper_returned);

/* From a helper stub: a helper other than bpf_spin_unlock while a lock is held. */
notrace void __noreturn iu_helper_under_lock(void)
{
	struct iu_frame *f = iu_current();

	if (!f)
		BUG();
	iu_panic_msg(f, "called a helper while holding a bpf_spin_lock");
}
NOKPROBE_SYMBOL(iu_helper_under_lock);

/* Tracked helpers: what they take is given back when the invocation ends. */

static notrace struct iu_res *iu_res_find(struct iu_frame *f, enum iu_res_kind kind, void *p)
{
	unsigned int i;

	for (i = 0; i < f->nres; i++)
		if (f->res[i].kind == kind && (!p || f->res[i].ptr == p))
			return &f->res[i];
	return NULL;
}

static notrace void iu_res_drop(struct iu_frame *f, struct iu_res *r)
{
	*r = f->res[--f->nres];
}
NOKPROBE_SYMBOL(iu_res_find);
NOKPROBE_SYMBOL(iu_res_drop);

/*
 * bpf_spin_lock as the verifier has it: one lock per invocation at a time,
 * none in NMI context, and a wait that stops when the watchdog wants the
 * program stopped. The lock word is the one eBPF programs take with
 * bpf_spin_lock(): a qspinlock. The stub takes a free lock where softirqs
 * cannot run (arch/x86/net/iu_arch.c); this is the rest: a lock that is
 * held, and a lock where softirqs could run, which is taken as
 * bpf_spin_lock() does, with interrupts disabled.
 */
notrace u64 iu_spin_lock(struct bpf_spin_lock *lock)
{
	arch_spinlock_t *l = (arch_spinlock_t *)lock;
	struct iu_frame *f = iu_current();
	bool irqsave = !(preempt_count() & (SOFTIRQ_MASK | HARDIRQ_MASK));
	unsigned long flags = 0;

	BUILD_BUG_ON(sizeof(*l) != sizeof(*lock));
	if (!f)
		return 0;
	if (in_nmi())
		iu_panic_msg(f, "took a spin lock in NMI context");
	if (this_cpu_read(iu_cpu.lock))
		iu_panic_msg(f, "took a second spin lock while holding one");
	if (irqsave) {
		if (!iu_irqoff_get())
			iu_panic_msg(f, "took a spin lock while every other CPU runs a native program with interrupts off");
		local_irq_save(flags);
	}
	while (!arch_spin_trylock(l)) {
		if (iu_frame_stop_wanted(this_cpu_ptr(&iu_cpu), this_cpu_read(iu_level.word),
					 f - this_cpu_ptr(&iu_cpu.frame[0]))) {
			if (irqsave) {
				local_irq_restore(flags);
				iu_irqoff_put();
			}
			iu_fault(IU_FAULT_STOP);
		}
		cpu_relax();
	}
	this_cpu_write(iu_cpu.lock_flags, flags);
	this_cpu_write(iu_cpu.lock, (unsigned long)lock | (irqsave ? IU_LOCK_IRQSAVE : 0));
	iu_arm_release(f);
	return 0;
}
NOKPROBE_SYMBOL(iu_spin_lock);

/* The stub unlocks a lock it took; this, one taken with irqsave, and a mismatch. */
notrace u64 iu_spin_unlock(struct bpf_spin_lock *lock)
{
	struct iu_frame *f = iu_current();

	if (!f)
		return 0;
	if (!lock || (this_cpu_read(iu_cpu.lock) & ~IU_LOCK_IRQSAVE) != (unsigned long)lock)
		iu_panic_msg(f, "released a spin lock it does not hold");
	iu_unlock();
	return 0;
}
NOKPROBE_SYMBOL(iu_spin_unlock);

static notrace u64 iu_ringbuf_reserve(struct bpf_map *map, u64 size, u64 flags)
{
	struct iu_frame *f = iu_current();
	u64 p;

	if (!f || f->nres == IU_MAX_RES)
		return 0;
	p = bpf_ringbuf_reserve_proto.func((unsigned long)map, size, flags, 0, 0);
	if (p) {
		f->res[f->nres++] = (struct iu_res){
			.ptr = (void *)(unsigned long)p, .kind = IU_RES_RINGBUF };
		iu_arm_release(f);
	}
	return p;
}

static notrace struct iu_frame *iu_ringbuf_take(void *sample)
{
	struct iu_frame *f = iu_current();
	struct iu_res *r;

	if (!f)
		return NULL;
	r = iu_res_find(f, IU_RES_RINGBUF, sample);
	if (!r)
		iu_panic_msg(f, "gave back a ring buffer record it did not reserve");
	iu_res_drop(f, r);
	return f;
}

notrace u64 iu_ringbuf_submit(void *sample, u64 flags)
{
	if (iu_ringbuf_take(sample))
		bpf_ringbuf_submit_proto.func((unsigned long)sample, flags, 0, 0, 0);
	return 0;
}

notrace u64 iu_ringbuf_discard(void *sample, u64 flags)
{
	if (iu_ringbuf_take(sample))
		bpf_ringbuf_discard_proto.func((unsigned long)sample, flags, 0, 0, 0);
	return 0;
}
NOKPROBE_SYMBOL(iu_ringbuf_reserve);
NOKPROBE_SYMBOL(iu_ringbuf_take);
NOKPROBE_SYMBOL(iu_ringbuf_submit);
NOKPROBE_SYMBOL(iu_ringbuf_discard);

/* The wrapper bound in place of helper @id, or NULL if @id is not tracked. */
void *iu_runtime_tracked_helper(enum bpf_func_id id)
{
	switch (id) {
	case BPF_FUNC_spin_lock:
		return iu_spin_lock_saving;
	case BPF_FUNC_spin_unlock:
		return iu_spin_unlock_saving;
	case BPF_FUNC_ringbuf_reserve:
		return iu_ringbuf_reserve;
	case BPF_FUNC_ringbuf_submit:
		return iu_ringbuf_submit_saving;
	case BPF_FUNC_ringbuf_discard:
		return iu_ringbuf_discard_saving;
	default:
		return NULL;
	}
}

static notrace u64 iu_skb_data(const struct sk_buff *skb, u64 *data_end)
{
	*data_end = (u64)(unsigned long)(skb->data + skb_headlen(skb));
	return (u64)(unsigned long)skb->data;
}

static notrace u32 iu_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}
NOKPROBE_SYMBOL(iu_skb_data);
NOKPROBE_SYMBOL(iu_skb_len);

static const struct {
	const char *name;
	void *addr;
} iu_runtime_syms[] = {
	{ "iu_panic", iu_panic_saving },
	{ "iu_skb_data", iu_skb_data },
	{ "iu_skb_len", iu_skb_len },
	/* rustc -Zinstrument-mcount: the stack check at every function entry */
	{ "mcount", iu_mcount },
};

void *iu_runtime_lookup(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iu_runtime_syms); i++)
		if (!strcmp(iu_runtime_syms[i].name, name))
			return iu_runtime_syms[i].addr;
	return NULL;
}

/* Invocations are the BPF stats' runs less the refused ones: counted while stats are on. */
void bpf_iu_show_fdinfo(const struct bpf_prog *prog, u64 run_cnt, struct seq_file *m)
{
	const struct bpf_iu_image *img = prog->aux->iu_image;
	u64 runs;

	if (!img)
		return;
	runs = run_cnt - min_t(u64, run_cnt, atomic64_read(&img->refused));
	seq_printf(m,
		   "iu_invocations:\t%llu\n"
		   "iu_panics:\t%llu\n"
		   "iu_stops:\t%llu\n"
		   "iu_disabled:\t%u\n",
		   runs, (u64)atomic64_read(&img->panics),
		   (u64)atomic64_read(&img->stops), READ_ONCE(img->disabled));
}

/*
 * For the unwinder (get_stack_info()): is @stack on a program stack of this
 * CPU? The stack before it is the one its iu_call() ran on.
 */
notrace bool bpf_iu_stack_info(unsigned long *stack, struct stack_info *info)
{
	struct iu_cpu *c = raw_cpu_ptr(&iu_cpu);
	unsigned int d = min_t(unsigned int, iu_level_depth(raw_cpu_read(iu_level.word)),
			       IU_MAX_NEST), l;

	BUILD_BUG_ON(STACK_TYPE_BPF_IU_LAST - STACK_TYPE_BPF_IU + 1 != IU_MAX_NEST);
	for (l = 0; l < d; l++) {
		const struct iu_frame *f = &c->frame[l];
		unsigned long top = f->stack_top;

		if ((unsigned long)stack >= top - IU_STACK_SIZE && (unsigned long)stack < top) {
			info->type = STACK_TYPE_BPF_IU + l;
			info->begin = (unsigned long *)(top - IU_STACK_SIZE);
			info->end = (unsigned long *)top;
			info->next_sp = (unsigned long *)f->sp;
			return true;
		}
	}
	return false;
}
NOKPROBE_SYMBOL(bpf_iu_stack_info);

/* One stack per CPU and nesting level, vmalloc'd: an unmapped page below. */
static int __init iu_stacks_init(void)
{
	unsigned int cpu, l;
	void *s;

	for_each_possible_cpu(cpu) {
		struct iu_cpu *c = per_cpu_ptr(&iu_cpu, cpu);

		for (l = 0; l < IU_MAX_NEST; l++) {
			s = __vmalloc_node(IU_STACK_SIZE, IU_STACK_SIZE,
					   GFP_KERNEL | __GFP_ZERO, cpu_to_node(cpu),
					   __builtin_return_address(0));
			if (!s)
				return -ENOMEM;
			c->frame[l].stack_top = (unsigned long)s + IU_STACK_SIZE;
		}
	}
	iu_stacks_ready = true;
	return 0;
}
late_initcall(iu_stacks_init);

bool iu_runtime_ready(void)
{
	return READ_ONCE(iu_stacks_ready);
}
