// SPDX-License-Identifier: GPL-2.0
/*
 * The user side samples/sockfilter filters (libbpf-bootstrap's sockfilter.c without the
 * loader): opens a packet socket on lo and prints "PID FD", so a filter can be attached
 * to it from outside (`socket:PID:FD`); on a line on stdin, sends 3 UDP datagrams to
 * 127.0.0.1:7777 and 2 to [::1]:7777 (where it listens, so no ICMP error follows them),
 * then prints how many IPv4 and other packets the
 * socket received within 300 ms of quiet.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A UDP socket bound to port 7777 of @addr. */
static int listen_udp(int family, const char *addr)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(7777) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(7777) };
	int s = socket(family, SOCK_DGRAM, 0);

	if (family == AF_INET) {
		inet_pton(AF_INET, addr, &a4.sin_addr);
		return bind(s, (struct sockaddr *)&a4, sizeof(a4)) ? -1 : s;
	}
	inet_pton(AF_INET6, addr, &a6.sin6_addr);
	return bind(s, (struct sockaddr *)&a6, sizeof(a6)) ? -1 : s;
}

static void send_udp(int family, const char *addr, int n)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(7777) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(7777) };
	int s = socket(family, SOCK_DGRAM, 0);

	if (family == AF_INET)
		inet_pton(AF_INET, addr, &a4.sin_addr);
	else
		inet_pton(AF_INET6, addr, &a6.sin6_addr);
	for (int i = 0; i < n; i++) {
		if (family == AF_INET)
			sendto(s, "ping", 4, 0, (struct sockaddr *)&a4, sizeof(a4));
		else
			sendto(s, "ping", 4, 0, (struct sockaddr *)&a6, sizeof(a6));
	}
	close(s);
}

int main(void)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex("lo"),
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	unsigned char buf[2048];
	char line[16];
	int v4 = 0, other = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("packet socket on lo");
		return 1;
	}
	if (listen_udp(AF_INET, "127.0.0.1") < 0 || listen_udp(AF_INET6, "::1") < 0) {
		perror("UDP port 7777");
		return 1;
	}
	printf("%d %d\n", getpid(), fd);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	/* what arrived before the filter was attached */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	send_udp(AF_INET, "127.0.0.1", 3);
	send_udp(AF_INET6, "::1", 2);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 300) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 14)
			continue;
		if (buf[12] == 0x08 && buf[13] == 0x00)
			v4++;
		else
			other++;
	}
	printf("%d %d\n", v4, other);
	return 0;
}
