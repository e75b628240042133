#!/usr/bin/python3
"""Write the xl test's dom0 initramfs: an uncompressed newc cpio (TCG would
spend seconds decompressing it).

Usage: mkdom0initramfs.py OUT.cpio ROOT BUSYBOX INIT [SRC=DEST ...]

ROOT is `fetch.sh --dom0`'s tree of extracted arm64 packages. The archive
holds busybox (and /bin/sh), INIT as /init, the Xen tools dom0 runs (xl,
xenstored, xenconsoled, xen-init-dom0, xenstore-read), the five kernel
modules they need (E2E.md: xen-evtchn, xen-privcmd, xenfs, xen-gntdev,
xen-gntalloc), the shared libraries all of these and each ELF among the
SRC=DEST files need (their NEEDED closure, read with readelf, plus
libgcc_s.so.1, which glibc dlopens), and the SRC=DEST files themselves.
Fails naming any library the closure needs that ROOT lacks.
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mkinitramfs import entry  # noqa: E402

TOOLS = ["usr/lib/xen-4.17/bin/xl", "usr/lib/xen-4.17/bin/xenstored",
         "usr/lib/xen-4.17/bin/xenconsoled", "usr/lib/xen-4.17/bin/xen-init-dom0",
         "usr/bin/xenstore-read"]
MODULES = ["xen-evtchn.ko", "xen-privcmd.ko", "xenfs/xenfs.ko", "xen-gntdev.ko",
           "xen-gntalloc.ko"]
LIBDIRS = ["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu"]
DIRS = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp",
        "run", "var", "var/lib", "var/lib/xen", "var/log", "var/log/xen",
        "var/log/xen/console", "var/run", "etc", "etc/xen", "lib", "e2e"]


def needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True,
                         text=True, check=True).stdout
    return [ln.split("[", 1)[1].split("]", 1)[0]
            for ln in out.splitlines() if "(NEEDED)" in ln]


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    out, root, busybox, init = sys.argv[1:5]
    files = {}   # dest -> source file
    links = {}   # dest -> symlink target
    for t in TOOLS:
        files[t] = os.path.join(root, t)
    kver = os.listdir(os.path.join(root, "lib/modules"))[0]
    for m in MODULES:
        rel = "lib/modules/%s/kernel/drivers/xen/%s" % (kver, m)
        files["lib/modules/" + os.path.basename(m)] = os.path.join(root, rel)
    for arg in sys.argv[5:]:
        src, dest = arg.split("=", 1)
        files[dest.lstrip("/")] = src
    # The shared-library closure, plus what glibc dlopens.
    todo = [s for s in files.values() if is_elf(s)] + ["libgcc_s.so.1"]
    seen = set()
    while todo:
        item = todo.pop()
        names = [item] if "/" not in item else needed(item)
        for n in names:
            if n in seen:
                continue
            seen.add(n)
            for d in LIBDIRS:
                p = os.path.join(root, d, n)
                if os.path.exists(p):
                    real = os.path.realpath(p)
                    files[os.path.join(d, os.path.basename(real))] = real
                    if os.path.basename(real) != n:
                        links[os.path.join(d, n)] = os.path.basename(real)
                    todo.append(real)
                    break
            else:
                sys.exit("mkdom0initramfs: %s needs %s, not in %s" % (item, n, root))
    links["lib/ld-linux-aarch64.so.1"] = "aarch64-linux-gnu/ld-linux-aarch64.so.1"
    links["bin/sh"] = "busybox"
    files["bin/busybox"] = busybox
    files["init"] = init
    dirs = set(DIRS)
    for dest in list(files) + list(links):
        d = os.path.dirname(dest)
        while d:
            dirs.add(d)
            d = os.path.dirname(d)
    ino = 1
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        n = 0
        for d in sorted(dirs):
            f.write(entry(ino, d, 0o041777 if d == "tmp" else 0o040755, nlink=2))
            ino += 1
        for dest in sorted(links):
            f.write(entry(ino, dest, 0o120777, links[dest].encode()))
            ino += 1
        for dest in sorted(files):
            with open(files[dest], "rb") as s:
                data = s.read()
            mode = 0o100755 if (is_elf(files[dest]) or dest == "init"
                                or dest.endswith(".sh")) else 0o100644
            f.write(entry(ino, dest, mode, data))
            n += len(data)
            ino += 1
        f.write(entry(ino, "dev/console", 0o020600, rdev=(5, 1)))
        f.write(entry(0, "TRAILER!!!", 0))
        pad = -f.tell() % 512
        f.write(b"\0" * pad)
    os.replace(tmp, out)
    print("mkdom0initramfs: %d files (%d MiB), %d libraries" %
          (len(files), n >> 20, len(seen)))


if __name__ == "__main__":
    main()
