#!/bin/bash
# tests/e2e/boot.sh: boot Xen with a dom0less directory under QEMU.
#
#   boot.sh XEN DIR LOG [DONE-COUNT]
#
# DIR is what `dtgen dom0less` wrote: DIR/host.dtb and
# DIR/qemu.args (-device loader,... per module). The serial console goes to
# LOG. QEMU runs under `timeout` (E2E_TIMEOUT, default 300 s). Xen 4.17 does
# not stop the machine when its dom0less guests power off, so QEMU is stopped
# once DONE-COUNT guest lines "E2E-DONE" or "Kernel panic" are in LOG (or
# when the log has been quiet for E2E_QUIET seconds, default 90).
# LOG is left with CRs removed. Prints the wall time and QEMU's peak resident memory; writes them to
# LOG.stats too ("wall_s=N peak_kb=N").
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: boot.sh XEN DIR LOG [DONE-COUNT]" >&2; exit 2; }
XEN=$1 DIR=$2 LOG=$3 WANT=${4:-1}
QEMU=${QEMU:-qemu-system-aarch64}
TIMEOUT=${E2E_TIMEOUT:-300}
QUIET=${E2E_QUIET:-90}
# The options the host DTB was dumped with (the DTB depends on them).
. "$(dirname "$0")/machine.sh"

read -ra EXTRA <<<"$(tr '\n' ' ' < "$DIR/qemu.args")"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
: > "$LOG"
CMD=(timeout "$TIMEOUT" "$QEMU" "${MACHINE[@]}" -display none -monitor none
     -serial "file:$LOG" -pidfile "$WORK/qemu.pid"
     -dtb "$DIR/host.dtb" -kernel "$XEN" "${EXTRA[@]}")
echo "boot.sh: ${CMD[*]}" >&2
t0=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$WORK/time.txt" "${CMD[@]}" &
else
    "${CMD[@]}" &
fi
runner=$!

pid=""
peak=0
last_size=-1 last_change=$(date +%s)
done_count=0
while kill -0 "$runner" 2>/dev/null; do
    [ -n "$pid" ] || pid=$(cat "$WORK/qemu.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${hwm:-0}" -gt "$peak" ] && peak=$hwm
    fi
    done_count=$(grep -c -E 'E2E-DONE|Kernel panic' "$LOG" 2>/dev/null || true)
    if [ "${done_count:-0}" -ge "$WANT" ]; then
        sleep 1   # let the last lines reach the log
        break
    fi
    size=$(stat -c %s "$LOG")
    now=$(date +%s)
    if [ "$size" != "$last_size" ]; then
        last_size=$size last_change=$now
    elif [ $((now - last_change)) -ge "$QUIET" ]; then
        echo "boot.sh: serial log quiet for ${QUIET}s, stopping QEMU" >&2
        break
    fi
    sleep 0.5
done
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
fi
rc=0
wait "$runner" || rc=$?
t1=$(date +%s.%N)
# Guest consoles end lines with CR CR LF: keep plain LF for grep.
tr -d '\r' < "$LOG" > "$WORK/log" && cat "$WORK/log" > "$LOG"
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
if [ -s "$WORK/time.txt" ]; then
    tv=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time.txt")
    [ -n "$tv" ] && [ "$tv" -gt "$peak" ] && peak=$tv
fi
echo "wall_s=$wall peak_kb=$peak done=$done_count/$WANT qemu_rc=$rc" > "$LOG.stats"
echo "boot.sh: QEMU wall time ${wall} s, peak RSS $((peak / 1024)) MiB, guests done $done_count/$WANT (rc $rc)"
if [ "$rc" = 124 ]; then
    echo "boot.sh: QEMU hit the ${TIMEOUT}s timeout" >&2
fi
exit 0
