#!/bin/busybox sh
# PID 1 of the development VM. The root file system is the host's /, read-only over 9p.
# Mounts the kernel file systems and the shares, runs the command the host wrote into
# /run/iu/cmd on the virtio console, stores its exit status and powers the VM off.
# Uses the static busybox for its own steps: every exec of a dynamic binary costs 9p reads
# of its libraries, which dominated the boot time.
# The guest's own `iu` and `npx` (src/env/guest/bin) come first: they start the CLI without npm.
IU_GUEST_BIN=${0%/*}/bin
export PATH=$IU_GUEST_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 npm_config_cache=/tmp/.npm npm_config_update_notifier=false
bb=/bin/busybox
p9="trans=virtio,version=9p2000.L,msize=512000"

$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev 2>/dev/null
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs tmpfs /dev/shm
$bb mount -t tmpfs tmpfs /tmp
$bb mount -t tmpfs tmpfs /run
$bb mount -t bpf bpf /sys/fs/bpf
$bb mount -t tracefs tracefs /sys/kernel/tracing
$bb mount -t debugfs debugfs /sys/kernel/debug
$bb mount -t cgroup2 cgroup2 /sys/fs/cgroup
$bb mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
$bb mkdir -p /run/iu
$bb mount -t 9p -o "$p9" iushare /run/iu
. /run/iu/env
if [ -n "$IU_CWD" ] && [ "$IU_CWD" != / ]; then
	$bb mkdir -p "$IU_CWD" 2>/dev/null # a cwd under /tmp or /run is on the guest's tmpfs
	# Cache file data and metadata, checked against the host at each lookup (0x3: no
	# "loose"): node reads hundreds of files here, and edits on the host still show at once.
	$bb mount -t 9p -o "$p9,cache=0x3" iucwd "$IU_CWD"
fi
$bb ip link set lo up 2>/dev/null
$bb hostname iu-vm
cd "${IU_CWD:-/}" || cd /

# Debug kernels: forget leaks from boot, so that only the command's are reported.
leaks=/sys/kernel/debug/kmemleak
[ -w $leaks ] && echo clear >$leaks

if [ "$IU_INTERACTIVE" = 1 ]; then
	export IU_GUEST_BIN
	$bb setsid -c /bin/bash --rcfile "${0%/*}/bashrc" -i </dev/hvc0 >/dev/hvc0 2>&1
	echo $? >/run/iu/status
else
	# Hold the console open: hvc resets its termios on the last close.
	exec 3>/dev/hvc0
	$bb stty -F /dev/hvc0 raw -echo 2>/dev/null
	/bin/sh /run/iu/cmd </dev/null >&3 2>&3
	echo $? >/run/iu/status
fi
if [ -w $leaks ]; then
	# Objects must be unreferenced for a while before kmemleak reports them; the
	# report goes to the kernel console, where the host looks for it.
	echo scan >$leaks; $bb sleep 6; echo scan >$leaks
	cat $leaks >/dev/console
fi
$bb sync
# Reboot at once; QEMU runs with -no-reboot, so this ends the VM.
echo b >/proc/sysrq-trigger
$bb reboot -f
while :; do $bb sleep 60; done
