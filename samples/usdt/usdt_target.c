// SPDX-License-Identifier: GPL-2.0
/*
 * The user binary samples/usdt probes, with sys/sdt.h probes of its own (Debian's libc
 * has none): `usdt_target N` waits for a line (or EOF) on stdin, then for i = 0..N-1
 * fires usdt_target:jump(&env, i - 1, &main), the arguments of libc's setjmp probe that
 * libbpf-bootstrap's usdt example traces, and, when a tracer enabled it through its
 * semaphore, usdt_target:tick(i * 1000, (short)-i, 'a' + i, 42, 7 * i), whose last two
 * arguments are a constant and a value in memory (a volatile local). It prints how many
 * ticks fired and the two addresses the jump probe passes.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

/* with _SDT_HAS_SEMAPHORES every probe has one; only tick's is tested before firing */
unsigned short usdt_target_jump_semaphore __attribute__((section(".probes")));
unsigned short usdt_target_tick_semaphore __attribute__((section(".probes")));

struct env {
	long regs[8];
};

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	struct env env = { { 0 } };
	char line[16];
	int ticks = 0;

	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	for (int i = 0; i < n; i++) {
		DTRACE_PROBE3(usdt_target, jump, &env, i - 1, (void *)&main);
		if (usdt_target_tick_semaphore) {
			long big = i * 1000L;
			short neg = -i;
			unsigned char c = 'a' + i;
			volatile int mem = 7 * i;

			DTRACE_PROBE5(usdt_target, tick, big, neg, c, 42, mem);
			ticks++;
		}
		env.regs[i % 8] = i;
	}
	printf("%d ticks\n%lx %lx\n", ticks, (unsigned long)&env, (unsigned long)&main);
	return 0;
}
