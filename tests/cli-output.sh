#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/cli-output.sh - where `dtgen ... -o FILE` writes, as a user expects
# of a command that writes a file (tools/cli-util.c, cli_write_file):
#  - a regular file is replaced atomically (temporary in its folder, then
#    rename) and keeps its mode;
#  - a symbolic link is followed: its target is replaced, the link stays;
#  - a device, FIFO or pipe (/dev/stdout) is written in place, never
#    replaced by a regular file, and a write error (ENOSPC on /dev/full)
#    fails the command;
#  - a folder that refuses the file is reported with the file's name and
#    the real reason, and no temporary is left behind.
# Run as root (as CI is), the devices are made with mknod in the test's own
# folder (the same devices as /dev/full and /dev/null), and the refused
# folder is tried as user nobody (root writes anywhere).
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

cat > "$T/pl031.cfg" <<'CFG'
name = "rtc"
memory = 128
dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]
CFG
gen() { "$DTGEN" partial "$DATA/virt.dtb" "$T/pl031.cfg" -o "$1"; }

# the reference output, to stdout
"$DTGEN" partial "$DATA/virt.dtb" "$T/pl031.cfg" -o - > "$T/ref.dtb" ||
	{ echo "FAIL: reference output"; exit 1; }
[ -s "$T/ref.dtb" ] || { echo "FAIL: empty reference output"; exit 1; }

# 1. a full device: the error is reported, the device stays a device
full="$T/full"
mknod "$full" c 1 7 2>/dev/null || full=/dev/full
if gen "$full" 2> "$T/err"; then
	fail "-o $full exits 0"
elif ! grep -q "$full: No space left on device" "$T/err"; then
	fail "-o $full: no ENOSPC message naming it: $(cat "$T/err")"
else
	ok "-o $full fails with: $(cat "$T/err")"
fi
[ -c "$full" ] && ok "$full is still a character device" ||
	fail "$full was replaced: $(ls -l "$full")"
ls "$T" | grep -q tmp && fail "a temporary was left: $(ls "$T")"

# 2. /dev/null: written, exit 0, still a device
null="$T/null"
mknod "$null" c 1 3 2>/dev/null || null=/dev/null
if gen "$null" && [ -c "$null" ]; then
	ok "-o $null written in place"
else
	fail "-o $null: $(ls -l "$null")"
fi

# 3. a FIFO: written through to its reader, still a FIFO
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/fifo.out" &
reader=$!
if gen "$T/fifo" && [ -p "$T/fifo" ]; then
	wait "$reader"
	if cmp -s "$T/fifo.out" "$T/ref.dtb"; then
		ok "-o FIFO: the reader got the DTB, the FIFO stays"
	else
		fail "-o FIFO: the reader got $(wc -c < "$T/fifo.out") bytes"
	fi
else
	kill "$reader" 2>/dev/null   # it waits on a FIFO nobody writes
	fail "-o FIFO failed or replaced it: $(ls -l "$T/fifo")"
fi

# 4. a symbolic link (relative, as ln -s makes them) is followed
echo old > "$T/real.dtb"
ln -s real.dtb "$T/link.dtb"
if gen "$T/link.dtb" && [ -L "$T/link.dtb" ] && cmp -s "$T/real.dtb" "$T/ref.dtb"; then
	ok "-o symlink: the link stays, its target is replaced"
else
	fail "-o symlink: $(ls -l "$T/link.dtb" "$T/real.dtb")"
fi
# a dangling link: its target is created, as a shell's '>' would
mkdir "$T/sub"
ln -s ../sub/new.dtb "$T/sub/dangling.dtb"
if gen "$T/sub/dangling.dtb" && [ -L "$T/sub/dangling.dtb" ] &&
   cmp -s "$T/sub/new.dtb" "$T/ref.dtb"; then
	ok "-o dangling symlink: the target is created"
else
	fail "-o dangling symlink: $(ls -l "$T/sub")"
fi

# 5. an existing file keeps its mode; a new one gets 0666 less the umask
echo old > "$T/mode.dtb"
chmod 640 "$T/mode.dtb"
if gen "$T/mode.dtb" && [ "$(stat -c %a "$T/mode.dtb")" = 640 ] &&
   cmp -s "$T/mode.dtb" "$T/ref.dtb"; then
	ok "-o existing file: replaced, mode 640 kept"
else
	fail "-o existing file: $(ls -l "$T/mode.dtb")"
fi
if (umask 027 && gen "$T/new.dtb") && [ "$(stat -c %a "$T/new.dtb")" = 640 ]; then
	ok "-o new file: mode 0666 & ~umask"
else
	fail "-o new file: $(ls -l "$T/new.dtb")"
fi

# 6. a folder that refuses the file: named, with the real reason
mkdir "$T/ro"
chmod 555 "$T/ro"
asuser=""
if [ "$(id -u)" = 0 ]; then
	command -v setpriv > /dev/null &&
		asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ "$(id -u)" = 0 ] && [ -z "$asuser" ]; then
	echo "skip: no setpriv to run as a user root's permissions do not bypass"
elif $asuser "$DTGEN" partial "$DATA/virt.dtb" "$T/pl031.cfg" -o "$T/ro/out.dtb" 2> "$T/err"; then
	fail "-o into a read-only folder exits 0"
elif grep -q "$T/ro/out.dtb: .*Permission denied" "$T/err" &&
     ! grep -q "tmp[A-Za-z0-9]\{6\}" "$T/err" && [ -z "$(ls "$T/ro")" ]; then
	ok "-o read-only folder: $(cat "$T/err")"
else
	fail "-o read-only folder: $(cat "$T/err"); left: $(ls "$T/ro")"
fi
if gen "$T/nodir/out.dtb" 2> "$T/err"; then
	fail "-o into a missing folder exits 0"
elif grep -q "$T/nodir/out.dtb: .*No such file or directory" "$T/err"; then
	ok "-o missing folder: $(cat "$T/err")"
else
	fail "-o missing folder: $(cat "$T/err")"
fi
if gen "$T/sub" 2> "$T/err"; then
	fail "-o a folder exits 0"
elif [ -d "$T/sub" ] && grep -q "$T/sub: Is a directory" "$T/err"; then
	ok "-o folder: $(cat "$T/err")"
else
	fail "-o folder: $(cat "$T/err")"
fi

# 2. /dev/stdout into a pipe: a link only the kernel can follow (to
#    "pipe:[N]"), written in place
if gen /dev/stdout 2> "$T/err" | cat > "$T/pipe.out" && cmp -s "$T/pipe.out" "$T/ref.dtb"; then
	ok "-o /dev/stdout into a pipe"
else
	fail "-o /dev/stdout into a pipe: $(cat "$T/err")"
fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
