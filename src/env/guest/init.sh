#!/bin/sh
# PID 1 of the development VM. The root file system is the host's /, read-only over 9p.
# Mounts the kernel file systems and the shares, runs the command the host wrote into
# /run/iu/cmd on the virtio console, stores its exit status and powers the VM off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 npm_config_cache=/tmp/.npm npm_config_update_notifier=false

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /run/iu
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 iushare /run/iu
. /run/iu/env
if [ -n "$IU_CWD" ] && [ "$IU_CWD" != / ]; then
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 iucwd "$IU_CWD"
fi
ip link set lo up 2>/dev/null
hostname iu-vm 2>/dev/null
cd "${IU_CWD:-/}" || cd /

if [ "$IU_INTERACTIVE" = 1 ]; then
	setsid -c /bin/bash -l </dev/hvc0 >/dev/hvc0 2>&1
	echo $? >/run/iu/status
else
	stty -F /dev/hvc0 raw -echo 2>/dev/null
	/bin/sh /run/iu/cmd </dev/null >/dev/hvc0 2>&1
	echo $? >/run/iu/status
fi
sync
echo b >/proc/sysrq-trigger
sleep 5
