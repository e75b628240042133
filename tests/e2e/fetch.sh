#!/bin/bash
# tests/e2e/fetch.sh: fetch (without installing) the arm64 Debian packages the
# end-to-end boot needs, extract the files, and cache them outside the tree.
#
#   xen-hypervisor-4.17-arm64  -> xen       (plain arm64 Image, QEMU -kernel)
#   linux-image-<abi>-arm64    -> Image     (uncompressed arm64 Image, guest kernel)
#   busybox-static (arm64)     -> busybox   (static arm64 binary for the initramfs)
#
# With --dom0, also (into $CACHE/dom0/root, a tree of extracted packages):
#   the dom0 userland for `xl create` (xen-utils-4.17, xenstore-utils, their
#   libraries), the dom0 kernel's Xen modules, and libfdt-dev/libxen-dev
#   (arm64): the sysroot the aarch64 cross build of dtgen links against.
#
# Cache: ${DTGEN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dtgen-e2e}.
# A later run finds the files there and does no network access.
# Prints the cache directory on stdout (last line); progress goes to stderr.
# Uses a private apt state and a private sources.list naming only Debian's
# own repositories (bookworm, bookworm-updates, bookworm-security).
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail

CACHE=${DTGEN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dtgen-e2e}
MIRROR=${DTGEN_E2E_MIRROR:-http://deb.debian.org/debian}
SECMIRROR=${DTGEN_E2E_SECMIRROR:-http://deb.debian.org/debian-security}
SUITE=${DTGEN_E2E_SUITE:-bookworm}
XENPKG=xen-hypervisor-4.17-arm64

log() { echo "fetch.sh: $*" >&2; }
DOM0=no
[ "${1:-}" != --dom0 ] || DOM0=yes
base_cached() {
    [ -s "$CACHE/xen" ] && [ -s "$CACHE/Image" ] && [ -s "$CACHE/busybox" ] \
        && [ -s "$CACHE/VERSIONS" ]
}
dom0_cached() { [ "$DOM0" = no ] || [ -e "$CACHE/dom0/COMPLETE" ]; }

if base_cached && dom0_cached; then
    log "cached in $CACHE"
    echo "$CACHE"
    exit 0
fi

for t in apt-get dpkg-deb; do
    command -v "$t" >/dev/null || { log "needs $t (Debian/Ubuntu host)"; exit 1; }
done

mkdir -p "$CACHE"
APT=$(mktemp -d "$CACHE/apt.XXXXXX")
trap 'rm -rf "$APT"' EXIT
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/dl" "$APT/x" \
    "$APT/etc/preferences.d" "$APT/etc/sources.list.d"
: > "$APT/status"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""
[ -r "$KEYRING" ] && signed=" [signed-by=$KEYRING]"
cat > "$APT/etc/sources.list" <<EOF
deb$signed $MIRROR $SUITE main
deb$signed $MIRROR $SUITE-updates main
deb$signed $SECMIRROR $SUITE-security main
EOF
# apt drops privileges to _apt for downloads: let it write there.
chmod 755 "$APT"
chmod -R a+rwX "$APT/lists" "$APT/cache" "$APT/dl"

APTOPTS=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64
    -oDir::State::Lists="$APT/lists" -oDir::Cache="$APT/cache"
    -oDir::State::status="$APT/status"
    -oDir::Etc::SourceList="$APT/etc/sources.list"
    -oDir::Etc::SourceParts="$APT/etc/sources.list.d"
    -oDir::Etc::PreferencesParts="$APT/etc/preferences.d"
    -oDebug::NoLocking=1)
# As root, apt downloads as _apt, which may not reach a cache under a private
# home (/root is 0700): download as root then.
[ "$(id -u)" != 0 ] || APTOPTS+=(-oAPT::Sandbox::User=root)
aptc() { apt-get -q "${APTOPTS[@]}" "$@"; }
aptcache() { apt-cache "${APTOPTS[@]}" "$@"; }

log "apt update (arm64, private state in $APT)"
aptc update >&2

# --dom0: the packages E2E.md's "With a Linux dom0 and xl create" names (the
# xl binaries, xenstored, their shared-library closure incl. libgcc-s1, which
# glibc dlopens), the -dev packages of the cross build, and the kernel
# package of the cached Image for its Xen modules.
DOM0_PKGS="xen-utils-4.17 xenstore-utils libxenmisc4.17 libxencall1 libxenevtchn1
 libxenforeignmemory1 libxengnttab1 libxendevicemodel1 libxenstore4 libxentoolcore1
 libxentoollog1 libxenhypfs1 libyajl2 libc6 libfdt1 libuuid1 zlib1g libgcc-s1
 libfdt-dev libxen-dev"
fetch_dom0() {
    local kpkg kver d="$CACHE/dom0.tmp"
    kpkg=$(sed -n 's/^Package: \(linux-image-[^ ]*\) Version: \(.*\)$/\1=\2/p' "$CACHE/VERSIONS")
    [ -n "$kpkg" ] || { log "no kernel package in $CACHE/VERSIONS"; exit 1; }
    rm -rf "$d" && mkdir -p "$d/root" "$APT/dl0"
    chmod a+rwX "$APT/dl0"
    log "dom0 packages: $(echo $DOM0_PKGS) $kpkg"
    # shellcheck disable=SC2086
    (cd "$APT/dl0" && aptc download $DOM0_PKGS "$kpkg" >&2)
    for deb in "$APT"/dl0/*.deb; do
        case "$(basename "$deb")" in
        linux-image-*)  # only the Xen modules dom0 loads
            dpkg-deb -x "$deb" "$APT/k"
            kver=$(ls "$APT/k/lib/modules")
            mkdir -p "$d/root/lib/modules/$kver"
            (cd "$APT/k/lib/modules/$kver" && find kernel/drivers/xen -name '*.ko*' \
                | while read -r m; do mkdir -p "$d/root/lib/modules/$kver/$(dirname "$m")"
                      cp "$m" "$d/root/lib/modules/$kver/$m"; done)
            rm -rf "$APT/k" ;;
        *) dpkg-deb -x "$deb" "$d/root" ;;
        esac
        dpkg-deb -f "$deb" Package Version | paste -sd' ' >> "$d/VERSIONS"
    done
    rm -rf "$CACHE/dom0" && mv "$d" "$CACHE/dom0"
    : > "$CACHE/dom0/COMPLETE"
    log "dom0 tree cached in $CACHE/dom0/root"
}
if [ "$DOM0" = yes ] && ! dom0_cached; then
    base_cached || { log "fetching the base packages first"; /bin/bash "$0" >/dev/null; }
    fetch_dom0
fi
if base_cached; then
    echo "$CACHE"
    exit 0
fi

# The linux-image-arm64 metapackage depends on the current ABI's image package.
KPKG=$(aptcache show linux-image-arm64 2>/dev/null \
       | sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*-arm64\).*/\1/p' | head -n1)
[ -n "$KPKG" ] || { log "cannot resolve linux-image-arm64's image package"; exit 1; }
log "kernel package: $KPKG"

(cd "$APT/dl" && aptc download "$XENPKG" "$KPKG" busybox-static >&2)

for deb in "$APT"/dl/*.deb; do
    log "extract $(basename "$deb")"
    dpkg-deb -x "$deb" "$APT/x"
done

xen=$(ls "$APT"/x/boot/xen-4.17-arm64* 2>/dev/null | head -n1)
img=$(ls "$APT"/x/boot/vmlinuz-* 2>/dev/null | head -n1)
bb="$APT/x/bin/busybox"
[ -s "$xen" ] && [ -s "$img" ] && [ -s "$bb" ] || {
    log "missing files after extraction (xen='$xen' kernel='$img')"; exit 1; }

# Install into the cache atomically enough: copy to temp names, then rename.
cp "$xen" "$CACHE/xen.tmp" && mv "$CACHE/xen.tmp" "$CACHE/xen"
cp "$img" "$CACHE/Image.tmp" && mv "$CACHE/Image.tmp" "$CACHE/Image"
cp "$bb" "$CACHE/busybox.tmp" && mv "$CACHE/busybox.tmp" "$CACHE/busybox"
chmod 755 "$CACHE/busybox"
{
    for deb in "$APT"/dl/*.deb; do
        dpkg-deb -f "$deb" Package Version | paste -sd' '
    done
    echo "xen: $(basename "$xen")"
    echo "kernel: $(basename "$img")"
} > "$CACHE/VERSIONS.tmp"
mv "$CACHE/VERSIONS.tmp" "$CACHE/VERSIONS"
log "cached in $CACHE:"
sed 's/^/  /' "$CACHE/VERSIONS" >&2
echo "$CACHE"
