// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: hooks native programs may not attach to.
 *
 * The watchdog stops a program from a timer interrupt on another CPU
 * through an NMI. A program that runs on the way to that timer callback
 * or inside the NMI (tracepoints of the timer, NMI and interrupt-vector
 * paths, kprobes on the hrtimer interrupt path) would run before or
 * inside the code meant to stop it, on every CPU at once: refused. The
 * runtime's own functions are NOKPROBE_SYMBOL(), and no native program
 * starts while the stop machinery runs on a CPU (iu_level, blocked), so
 * what that machinery calls is covered too.
 */
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/kallsyms.h>
#include <linux/perf_event.h>
#include <linux/string.h>
#include <linux/trace_events.h>
#include "iu.h"

static const char * const iu_denied_systems[] = {
	"timer", "nmi", "irq_vectors",
};

/* Raw tracepoints have no system: the names of those systems' events. */
static const char * const iu_denied_tp_prefixes[] = {
	"timer_", "hrtimer_", "itimer_", "tick_", "nmi_", "local_timer_",
	"spurious_apic_", "error_apic_", "x86_platform_ipi_", "irq_work_",
	"reschedule_", "call_function_", "threshold_apic_",
	"deferred_error_apic_", "thermal_apic_", "vector_",
};

/* From the timer interrupt to the watchdog's hrtimer callback. */
static const char * const iu_denied_funcs[] = {
	"__sysvec_apic_timer_interrupt", "local_apic_timer_interrupt",
	"hrtimer_interrupt", "__hrtimer_run_queues", "__run_hrtimer",
	"hrtimer_run_queues", "hrtimer_update_next_event",
	"__hrtimer_next_event_base", "ktime_get_update_offsets_now",
	"__remove_hrtimer", "enqueue_hrtimer", "timerqueue_add",
	"timerqueue_del", "tick_program_event", "clockevents_program_event",
	"lapic_next_deadline", "lapic_next_event", "irq_enter_rcu",
	"irq_exit_rcu", "_raw_spin_lock", "_raw_spin_unlock",
	"_raw_spin_lock_irqsave", "_raw_spin_unlock_irqrestore",
	"__apic_send_IPI", "default_send_IPI_single_phys",
	"x2apic_send_IPI", "native_apic_msr_write", "native_apic_mem_write",
};

static bool iu_name_in(const char *name, const char * const *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

/*
 * Functions no fentry/fexit may trace: the verifier's btf_id_deny (what the
 * trampoline itself calls) and noreturn_deny (fexit would never run), which
 * it keeps as BTF id sets private to verifier.c, here by name.
 */
static const char * const iu_trace_deny[] = {
	"migrate_disable", "migrate_enable", "rcu_read_unlock_strict",
	"preempt_count_add", "preempt_count_sub", "__rcu_read_lock",
	"__rcu_read_unlock",
};

static const char * const iu_noreturn_deny[] = {
	"__ia32_sys_exit", "__ia32_sys_exit_group", "__kunit_abort",
	"kunit_try_catch_throw", "__module_put_and_kthread_exit",
	"__x64_sys_exit", "__x64_sys_exit_group", "do_exit", "do_group_exit",
	"kthread_complete_and_exit", "kthread_exit", "make_task_dead",
};

/* The fentry/fexit target @name, checked at load (the target is fixed then). */
int iu_btf_target_check(const struct bpf_prog *prog, const char *name,
			struct bpf_verifier_log *log)
{
	if (iu_name_in(name, iu_trace_deny, ARRAY_SIZE(iu_trace_deny)) ||
	    (prog->expected_attach_type == BPF_TRACE_FEXIT &&
	     iu_name_in(name, iu_noreturn_deny, ARRAY_SIZE(iu_noreturn_deny)))) {
		bpf_log(log, "iu: %s cannot be traced by %s\n", name,
			prog->expected_attach_type == BPF_TRACE_FEXIT ? "fexit" : "fentry");
		return -EINVAL;
	}
	if (iu_name_in(name, iu_denied_funcs, ARRAY_SIZE(iu_denied_funcs))) {
		bpf_log(log, "iu: %s runs inside the watchdog's own path: refused\n", name);
		return -EPERM;
	}
	return 0;
}

int bpf_iu_raw_tp_attach_check(const struct bpf_prog *prog, const char *name)
{
	unsigned int i;

	if (!bpf_iu_prog(prog))
		return 0;
	for (i = 0; i < ARRAY_SIZE(iu_denied_tp_prefixes); i++) {
		if (!strncmp(name, iu_denied_tp_prefixes[i],
			     strlen(iu_denied_tp_prefixes[i]))) {
			pr_info_ratelimited("iu: program %s: raw tracepoint %s runs inside the watchdog's own path: refused\n",
					    prog->aux->name, name);
			return -EPERM;
		}
	}
	return 0;
}

#ifdef CONFIG_KPROBE_EVENTS
static int iu_kprobe_check(const struct perf_event *event, const struct bpf_prog *prog)
{
	char fn[KSYM_NAME_LEN];
	const char *symbol = NULL;
	u64 offset = 0, addr = 0;
	unsigned long missed;
	u32 fd_type;
	int err;

	err = bpf_get_kprobe_info(event, &fd_type, &symbol, &offset, &addr, &missed,
				  event->attr.type == PERF_TYPE_TRACEPOINT);
	if (err)
		return 0;
	if (symbol && symbol[0])
		addr = kallsyms_lookup_name(symbol) + offset;
	if (!addr || lookup_symbol_name(addr, fn))
		return 0;
	if (iu_name_in(fn, iu_denied_funcs, ARRAY_SIZE(iu_denied_funcs))) {
		pr_info_ratelimited("iu: program %s: kprobe on %s runs inside the watchdog's own path: refused\n",
				    prog->aux->name, fn);
		return -EPERM;
	}
	return 0;
}
#else
static int iu_kprobe_check(const struct perf_event *event, const struct bpf_prog *prog)
{
	return 0;
}
#endif

int bpf_iu_perf_attach_check(const struct perf_event *event, const struct bpf_prog *prog)
{
	const struct trace_event_call *call = event->tp_event;

	if (!bpf_iu_prog(prog) || !call)
		return 0;
	/* uprobes only disable migration, and the runtime's levels are per CPU */
	if (IS_ENABLED(CONFIG_PREEMPTION) && call->flags & TRACE_EVENT_FL_UPROBE) {
		pr_info_ratelimited("iu: program %s: uprobes run preemptible on this kernel (CONFIG_PREEMPTION): refused\n",
				    prog->aux->name);
		return -EOPNOTSUPP;
	}
	if (call->flags & TRACE_EVENT_FL_KPROBE)
		return iu_kprobe_check(event, prog);
	if (call->class && call->class->system &&
	    iu_name_in(call->class->system, iu_denied_systems,
		       ARRAY_SIZE(iu_denied_systems))) {
		pr_info_ratelimited("iu: program %s: tracepoint %s/%s runs inside the watchdog's own path: refused\n",
				    prog->aux->name, call->class->system,
				    trace_event_name((struct trace_event_call *)call));
		return -EPERM;
	}
	return 0;
}
