#!/bin/sh
# tests/e2e/xl-dom0-init.sh: /init of the xl test's dom0 (busybox sh).
# Starts the Xen tools in E2E.md's order, then runs the scenarios of
# tests/e2e/xl.sh one after the other, printing E2E-* markers:
#   xl path:        xl create /e2e/xlpath.cfg (iomem/irqs from dtgen xlcfg)
#   toolstack path: xl create -p /e2e/ts.cfg (no iomem/irqs/dtdev); the RTC's
#                   plan by the cross-built `dtgen apply`, the GPIO's by the
#                   example toolstack; xl unpause
#   negative:       xl create -p /e2e/neg.cfg; `dtgen apply` of both devices
#                   while the toolstack-path guest holds them: Xen refuses;
#                   Xen's 'q' dump of the domain before and after
# A guest's console (xenconsoled's log) is relayed as "E2E-G<domid>: ...".
/bin/busybox mkdir -p /proc /sys /dev /run /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mkdir -p /run/xen /run/xenstored /var/run/xen /var/lib/xen /var/log/xen/console
echo 1 > /proc/sys/kernel/printk
export PATH=/usr/lib/xen-4.17/bin:/usr/bin:/usr/sbin:/bin:/sbin
say() { echo "E2E-DOM0: $*"; }
finish() { echo "E2E-DONE role=dom0"; sync; poweroff -f; }
say "booted: $(uname -r)"
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
    insmod /lib/modules/$m.ko || say "insmod $m FAILED"
done
mount -t xenfs xenfs /proc/xen
xenstored --pid-file /run/xenstored.pid
i=0
until xenstore-read /local >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && { say "xenstored did not answer"; finish; }
    sleep 0.2
done
xen-init-dom0 || say "xen-init-dom0 FAILED"
xenconsoled --log=guest --log-dir=/var/log/xen/console
say "tools up"

# relay NAME: the guest's console lines, prefixed with its domid.
relay() {
    id=$(xl domid "$1")
    f=/var/log/xen/console/guest-$1.log
    while [ ! -e "$f" ]; do sleep 0.2; done
    tail -f "$f" | while IFS= read -r l; do echo "E2E-G$id: $l"; done &
}
# wait_done NAME SECONDS: until the guest printed E2E-DONE or panicked.
wait_done() {
    f=/var/log/xen/console/guest-$1.log
    i=0
    while [ $i -lt $(($2 * 2)) ]; do
        grep -q -E 'E2E-DONE|Kernel panic' "$f" 2>/dev/null && { sleep 1; return 0; }
        sleep 0.5; i=$((i + 1))
    done
    say "$1: no E2E-DONE within $2 s"
}
# qdump ID PHASE: Xen's rangesets and p2m counts of domain ID ('q' key).
qdump() {
    xl dmesg -c >/dev/null
    xl debug-keys q
    xl dmesg | sed -n -e "/Rangesets belonging to domain $1:/,+3p" \
        -e "/p2m mappings for domain $1 /,+3p" |
        while IFS= read -r l; do echo "E2E-Q-$2: $l"; done
}

# ---- xl path
say "xl create xlpath"
if xl create /e2e/xlpath.cfg; then
    say "xlpath is domain $(xl domid xlpath)"
    relay xlpath
    wait_done xlpath 300
else
    say "xl create xlpath FAILED"
fi
xl destroy xlpath 2>/dev/null

# ---- toolstack path
say "xl create -p ts"
if xl create -p /e2e/ts.cfg; then
    ts=$(xl domid ts)
    say "ts is domain $ts (paused)"
    /e2e/dtgen apply /e2e/host.dtb /e2e/rtc.dtgen.cfg --domid "$ts" -v 2>&1 |
        while IFS= read -r l; do echo "E2E-APPLY: $l"; done
    /e2e/toolstack /e2e/host.dtb "$ts" /tmp/ts-tree.dtb /pl061@9030000 2>&1 |
        while IFS= read -r l; do echo "E2E-TOOLSTACK: $l"; done
    qdump "$ts" TS
    if [ -s /tmp/ts-tree.dtb ]; then
        echo "E2E-TREE-BEGIN"; base64 /tmp/ts-tree.dtb; echo "E2E-TREE-END"
    fi
    # ---- negative, while ts holds the devices
    say "xl create -p neg"
    if xl create -p /e2e/neg.cfg; then
        neg=$(xl domid neg)
        say "neg is domain $neg (paused)"
        qdump "$neg" BEFORE
        /e2e/dtgen apply /e2e/host.dtb /e2e/both.dtgen.cfg --domid "$neg" -v > /tmp/neg.out 2>&1
        echo "E2E-NEG-RC: $?"
        while IFS= read -r l; do echo "E2E-NEG: $l"; done < /tmp/neg.out
        qdump "$neg" AFTER
        xl destroy neg
    else
        say "xl create -p neg FAILED"
    fi
    relay ts
    xl unpause ts
    say "ts unpaused"
    wait_done ts 300
    xl destroy ts 2>/dev/null
else
    say "xl create -p ts FAILED"
fi
finish
