// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: stopping native programs that run too long or
 * overflow their stack.
 *
 * Watchdog. While native programs are loaded, every CPU runs an hrtimer
 * every budget/4 that looks at the invocations running on the next online
 * CPU (its buddy). An invocation seen running for the whole budget
 * (kernel.iu_time_budget_ms) is marked in its frame and its CPU gets an
 * NMI, which interrupts also a CPU with interrupts disabled. The NMI
 * handler sends a program that is in its own text, or under an interrupt
 * handler that interrupted it, to iu_fault_entry; one
 * that is inside a helper stops when the helper returns, or at its next
 * function entry (the helper stubs and iu_mcount look at iu_stop_pending).
 * Until the invocation is gone the watchdog repeats the NMI every period.
 * The dispatcher keeps one CPU free of programs with interrupts off, so
 * a timer runs somewhere. Not covered: a program that itself runs in NMI
 * context and loops without a function call or helper call (NMIs do not
 * nest), and, on a machine with one CPU, a program running with
 * interrupts disabled.
 *
 * Stack overflow. iu_mcount stops a program whose stack pointer reaches
 * the reserve at the bottom of its stack. A frame larger than the reserve
 * goes past it into the unmapped page below the stack and raises a double
 * fault, which bpf_iu_fixup_double_fault() (arch/x86/net/iu_arch.c) turns
 * into a return to iu_fault_entry on a fresh stack.
 */
#include <linux/bpf.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/sysctl.h>
#include <asm/apic.h>
#include <asm/irq_regs.h>
#include <asm/nmi.h>
#include "iu.h"

unsigned int iu_time_budget_ms = 10;
unsigned int iu_fault_limit;
unsigned int iu_min_policy = IU_POLICY_VERSION;
static unsigned int iu_budget_max_ms = 100;

static int iu_budget_sysctl(const struct ctl_table *table, int write, void *buffer,
			    size_t *lenp, loff_t *ppos);

static struct ctl_table iu_sysctls[] = {
	{
		.procname	= "iu_time_budget_ms",
		.data		= &iu_time_budget_ms,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= iu_budget_sysctl,
		.extra1		= SYSCTL_ONE,
		.extra2		= &iu_budget_max_ms,
	},
	{
		.procname	= "iu_fault_limit",
		.data		= &iu_fault_limit,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		.procname	= "iu_min_policy",
		.data		= &iu_min_policy,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec,
	},
	{
		/* serial of a keyring that may sign images besides the trusted ones */
		.procname	= "iu_keyring",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= iu_keyring_sysctl,
	},
};

struct iu_watch {
	struct hrtimer timer;
	unsigned int buddy;
	unsigned long seq[IU_MAX_NEST];	/* invocation seen at each level */
	u64 since[IU_MAX_NEST];		/* when it was first seen */
};

static DEFINE_PER_CPU(struct iu_watch, iu_watch);
static atomic_t iu_watch_users;

/*
 * Was @regs taken in the text of the program of @f, on its stack? Below
 * the top only: the program has been called, its frame names it.
 */
notrace bool iu_in_program(const struct iu_frame *f, struct pt_regs *regs)
{
	const struct bpf_iu_image *img;

	if (!regs || user_mode(regs) ||
	    regs->sp < f->stack_top - IU_STACK_SIZE - PAGE_SIZE || regs->sp >= f->stack_top)
		return false;
	img = iu_frame_prog(f)->aux->iu_image;
	return regs->ip >= img->text_start && regs->ip < img->text_end;
}
NOKPROBE_SYMBOL(iu_in_program);

static notrace int __iu_nmi(struct pt_regs *regs)
{
	struct iu_cpu *c = this_cpu_ptr(&iu_cpu);
	struct pt_regs *irq_regs;
	struct iu_frame *f;
	unsigned int d;
	u64 w;

	if (!READ_ONCE(c->nmi_pending))
		return NMI_DONE;
	WRITE_ONCE(c->nmi_pending, 0);
	w = this_cpu_read(iu_level.word);
	d = iu_level_depth(w);
	if (!iu_stop_wanted(c, w, d)) {
		this_cpu_write(iu_stop_pending, 0);
		return NMI_HANDLED;
	}
	if (d > IU_MAX_NEST)
		return NMI_HANDLED;
	f = &c->frame[d - 1];
	if (!iu_frame_stop_wanted(c, w, d - 1))
		return NMI_HANDLED;
	if (iu_in_program(f, regs)) {
		iu_arch_nmi_return_to_stop(regs, f);
		return NMI_HANDLED;
	}
	/*
	 * An interrupt handler runs on top of the program, often the timer
	 * interrupt that sent this NMI (one CPU, or timers that expire
	 * together): that interrupt returns into the stop path instead.
	 */
	irq_regs = get_irq_regs();
	if (iu_in_program(f, irq_regs))
		iu_arch_return_to_fault(irq_regs, f, IU_FAULT_STOP);
	return NMI_HANDLED;
}
NOKPROBE_SYMBOL(__iu_nmi);

/* No native program starts while the stop machinery runs on this CPU. */
static notrace int iu_nmi(unsigned int type, struct pt_regs *regs)
{
	int ret;

	iu_block();
	ret = __iu_nmi(regs);
	iu_unblock();
	return ret;
}
NOKPROBE_SYMBOL(iu_nmi);

static notrace void iu_watch_cpu(struct iu_watch *w, unsigned int cpu, u64 now, u64 budget)
{
	u64 slack = min_t(u64, budget / 8, 100 * NSEC_PER_USEC);
	struct iu_cpu *c = per_cpu_ptr(&iu_cpu, cpu);
	u64 lw = READ_ONCE(per_cpu(iu_level, cpu).word);
	unsigned int d = iu_level_depth(lw), l;
	bool kick = false;

	if (w->buddy != cpu) {
		w->buddy = cpu;
		memset(w->seq, 0, sizeof(w->seq));
	}
	for (l = 0; l < IU_MAX_NEST; l++) {
		struct iu_frame *f = &c->frame[l];
		unsigned long seq = iu_frame_seq(c, lw, l);

		if (l >= d) {
			w->seq[l] = 0;
			continue;
		}
		if (seq != w->seq[l]) {
			w->seq[l] = seq;
			w->since[l] = now;
			continue;
		}
		/*
		 * Seen first up to one period after it started: stop it at
		 * the check that comes a whole budget later, after budget to
		 * budget + period. The slack lets a tick that comes a hair
		 * early still count, without stopping a program before its
		 * budget by more than the slack.
		 */
		if (now - w->since[l] + slack < budget)
			continue;
		WRITE_ONCE(f->stop_seq, seq);
		kick = true;
	}
	if (!kick)
		return;
	WRITE_ONCE(per_cpu(iu_stop_pending, cpu), 1);
	WRITE_ONCE(c->nmi_pending, 1);
	/* The flags are visible before the NMI that reads them arrives. */
	smp_mb();
	__apic_send_IPI(cpu, NMI_VECTOR);
}
NOKPROBE_SYMBOL(iu_watch_cpu);

/* Each CPU's watchdog timer ticks four times per budget. */
static notrace u64 iu_watch_period(void)
{
	return (u64)READ_ONCE(iu_time_budget_ms) * NSEC_PER_MSEC / 4;
}
NOKPROBE_SYMBOL(iu_watch_period);

static notrace enum hrtimer_restart iu_watch_fn(struct hrtimer *t)
{
	struct iu_watch *w = this_cpu_ptr(&iu_watch);
	unsigned int cpu = smp_processor_id(), buddy;
	u64 budget = (u64)READ_ONCE(iu_time_budget_ms) * NSEC_PER_MSEC;

	if (!atomic_read(&iu_watch_users))
		return HRTIMER_NORESTART;
	iu_block();
	buddy = cpumask_next(cpu, cpu_online_mask);
	if (buddy >= nr_cpu_ids)
		buddy = cpumask_first(cpu_online_mask);
	iu_watch_cpu(w, buddy, ktime_get_ns(), budget);
	hrtimer_forward_now(t, ns_to_ktime(iu_watch_period()));
	iu_unblock();
	return HRTIMER_RESTART;
}
NOKPROBE_SYMBOL(iu_watch_fn);

static void iu_watch_start_local(void *unused)
{
	struct iu_watch *w = this_cpu_ptr(&iu_watch);

	if (!hrtimer_active(&w->timer))
		hrtimer_start(&w->timer, ns_to_ktime(iu_watch_period()), HRTIMER_MODE_REL_PINNED_HARD);
}

/* The period follows the budget: a timer armed for the old one is re-armed now. */
static void iu_watch_rearm_local(void *unused)
{
	struct iu_watch *w = this_cpu_ptr(&iu_watch);

	if (atomic_read(&iu_watch_users) && hrtimer_active(&w->timer))
		hrtimer_start(&w->timer, ns_to_ktime(iu_watch_period()), HRTIMER_MODE_REL_PINNED_HARD);
}

static int iu_budget_sysctl(const struct ctl_table *table, int write, void *buffer,
			    size_t *lenp, loff_t *ppos)
{
	int ret = proc_douintvec_minmax(table, write, buffer, lenp, ppos);

	if (!ret && write)
		on_each_cpu(iu_watch_rearm_local, NULL, 1);
	return ret;
}

/* A native program was loaded: the timers run while there is one. */
void iu_watchdog_get(void)
{
	if (atomic_inc_return(&iu_watch_users) == 1)
		on_each_cpu(iu_watch_start_local, NULL, 1);
}

void iu_watchdog_put(void)
{
	atomic_dec(&iu_watch_users);
}

static int __init iu_watchdog_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct iu_watch *w = per_cpu_ptr(&iu_watch, cpu);

		hrtimer_init(&w->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		w->timer.function = iu_watch_fn;
		w->buddy = cpu;
	}
	register_sysctl_init("kernel", iu_sysctls);
	return register_nmi_handler(NMI_LOCAL, iu_nmi, 0, "iu_watchdog");
}
late_initcall(iu_watchdog_init);
