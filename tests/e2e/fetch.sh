#!/bin/bash
# tests/e2e/fetch.sh: fetch (without installing) the arm64 Debian packages the
# end-to-end boot needs, extract the files, and cache them outside the tree.
#
#   xen-hypervisor-4.17-arm64  -> xen       (plain arm64 Image, QEMU -kernel)
#   linux-image-<abi>-arm64    -> Image     (uncompressed arm64 Image, guest kernel)
#   busybox-static (arm64)     -> busybox   (static arm64 binary for the initramfs)
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

if [ -s "$CACHE/xen" ] && [ -s "$CACHE/Image" ] && [ -s "$CACHE/busybox" ] \
   && [ -s "$CACHE/VERSIONS" ]; then
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
