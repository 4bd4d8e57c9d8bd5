// SPDX-License-Identifier: GPL-2.0
/*
 * The user binary samples/uprobe probes (libbpf-bootstrap's uprobe.c, without the
 * loader): `uprobed N` waits for a line (or EOF) on stdin, then calls uprobed_add(i, i+1)
 * and uprobed_sub(i*i, i) for i = 0..N-1. The functions are kept out of line so each
 * call is a probe hit.
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int uprobed_add(int a, int b)
{
	asm volatile ("");
	return a + b;
}

__attribute__((noinline)) int uprobed_sub(int a, int b)
{
	asm volatile ("");
	return a - b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	char line[16];
	int sum = 0;

	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	for (int i = 0; i < n; i++)
		sum += uprobed_add(i, i + 1) + uprobed_sub(i * i, i);
	printf("%d\n", sum);
	return 0;
}
