#!/usr/bin/python3
"""Write the end-to-end test's guest initramfs: a newc cpio, gzipped.

Usage: mkinitramfs.py BUSYBOX OUT.cpio.gz

The archive holds a static arm64 busybox and an /init shell script. No cpio
binary is needed: the newc format is written here. The init's role comes from
the guest kernel command line (`e2e=rtc`, `e2e=gpio`, `e2e=probe-*`: the RTC
checks without the alarm) so one
archive serves every guest. It prints markers the test greps from the serial
log (Xen mirrors a dom0less guest's vpl011 console as `(XEN) DOMn: ...`):

  E2E-BOOTED role=R
  E2E-IRQ-BEFORE: <rtc-pl031 line of /proc/interrupts>   (rtc)
  E2E-IRQ-AFTER: <same line, after a +2 s wakealarm>     (rtc)
  ("none" when the line is absent: the device has no IRQ)
  E2E-RTC: ...   E2E-GPIO: ...   E2E-PLAT: ...
  E2E-FDT-BEGIN / base64 of /sys/firmware/fdt / E2E-FDT-END
  E2E-DONE role=R
then `poweroff -f` (role hybrid-dom0, a hybrid system's dom0: only E2E-DOM0: rtc0
present|absent pl031 present|absent, E2E-DONE, then it sleeps: its poweroff
would stop Xen).
"""
import gzip
import os
import sys

INIT = r"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /tmp /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
role=none
for w in $(cat /proc/cmdline); do
    case "$w" in e2e=*) role="${w#e2e=}" ;; esac
done
# Quiet the kernel so its messages do not split our lines.
echo 1 > /proc/sys/kernel/printk
echo "E2E-BOOTED role=$role"
if [ "$role" = hybrid-dom0 ]; then
    # A hybrid system's dom0: a few lines only (they share the serial line
    # with the guests'), then it stays: its poweroff would stop Xen.
    echo "E2E-DOM0: rtc0 $([ -e /sys/class/rtc/rtc0 ] && echo present || echo absent) pl031 $([ -e /sys/bus/platform/devices/9010000.pl031 ] && echo present || echo absent)"
    echo "E2E-DONE role=$role"
    exec sleep 100000
fi
for d in /sys/bus/platform/devices/*; do
    [ -e "$d" ] || continue
    drv=none
    [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
    echo "E2E-PLAT: $(basename "$d") driver=$drv"
done
irqline() { l=$(grep "$1" /proc/interrupts | tr -s ' '); echo "${l:-none}"; }
case "$role" in
rtc|both|probe*)
    echo "E2E-IRQ-BEFORE: $(irqline rtc-pl031)"
    if [ -e /sys/class/rtc/rtc0 ]; then
        echo "E2E-RTC: rtc0 name=$(cat /sys/class/rtc/rtc0/name) time=$(cat /sys/class/rtc/rtc0/time 2>/dev/null)"
        if [ "$role" = rtc ] || [ "$role" = both ]; then
            echo 0 > /sys/class/rtc/rtc0/wakealarm 2>/dev/null
            if echo +2 > /sys/class/rtc/rtc0/wakealarm; then
                echo "E2E-RTC: alarm set $(cat /sys/class/rtc/rtc0/wakealarm)"
            else
                echo "E2E-RTC: alarm FAILED"
            fi
            sleep 4
            echo "E2E-IRQ-AFTER: $(irqline rtc-pl031)"
        fi
    else
        echo "E2E-RTC: no rtc0"
    fi
    ;;
esac
case "$role" in
gpio|both)
    echo "E2E-GPIO: ls /sys/class/gpio: $(ls /sys/class/gpio | tr '\n' ' ')"
    for c in /sys/class/gpio/gpiochip*; do
        [ -e "$c" ] || continue
        echo "E2E-GPIO: $(basename "$c") label=$(cat "$c/label") base=$(cat "$c/base") ngpio=$(cat "$c/ngpio")"
    done
    echo "E2E-GPIO-IRQ: $(irqline pl061)"
    ;;
esac
echo "E2E-FDT-BEGIN"
base64 /sys/firmware/fdt
echo "E2E-FDT-END"
echo "E2E-DONE role=$role"
sync
poweroff -f
"""


def entry(ino, name, mode, data=b"", nlink=1, rdev=(0, 0)):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1],
        len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    busybox, dest = sys.argv[1], sys.argv[2]
    with open(busybox, "rb") as f:
        bb = f.read()
    items = [
        ("bin", 0o040755, b""), ("dev", 0o040755, b""), ("proc", 0o040755, b""),
        ("sys", 0o040755, b""), ("tmp", 0o041777, b""), ("sbin", 0o040755, b""),
        ("usr", 0o040755, b""), ("usr/bin", 0o040755, b""),
        ("usr/sbin", 0o040755, b""),
        ("bin/busybox", 0o100755, bb),
        ("bin/sh", 0o120777, b"busybox"),
        ("init", 0o100755, INIT.encode()),
    ]
    blob = b""
    ino = 1
    for name, mode, data in items:
        blob += entry(ino, name, mode, data, nlink=2 if mode & 0o040000 else 1)
        ino += 1
    # The kernel opens /dev/console before it runs /init.
    blob += entry(ino, "dev/console", 0o020600, rdev=(5, 1))
    blob += entry(0, "TRAILER!!!", 0)
    blob += b"\0" * (-len(blob) % 512)
    tmp = dest + ".tmp"
    with open(tmp, "wb") as f:
        f.write(gzip.compress(blob, compresslevel=9, mtime=0))
    os.replace(tmp, dest)


if __name__ == "__main__":
    main()
