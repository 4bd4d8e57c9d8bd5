// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for samples/tracex5: installs an allow-everything seccomp filter (so the
 * kernel runs __seccomp_filter for each later system call), then makes a known sequence
 * of calls. Built with the host's cc by the test.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = f };
	char buf[4];
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 1;
	write(1, "tracex5\n", 8);
	syscall(SYS_getpid);
	fd = open("/dev/null", O_RDONLY);
	read(fd, buf, sizeof(buf));
	close(fd);
	syscall(SYS_exit_group, 7);
	return 0;
}
