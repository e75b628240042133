#!/usr/bin/python3
"""Compare the guest DT Xen built with the one libdtgen predicts.

    compare_guest_dt.py extract SERIAL.log ROLE OUT.dtb
        Decode the base64 /sys/firmware/fdt a guest printed between
        E2E-FDT-BEGIN/END; the guest is the DOMn whose init printed
        "E2E-BOOTED role=ROLE". Prints the domain (e.g. DOM1).
    compare_guest_dt.py compare XEN.dtb EXPECTED.dtb
        Node-by-node, property-by-property comparison. Every difference is
        printed. Differences in KNOWN below are printed as "accepted" with
        their reason; any other difference makes the exit status 1.

Node and property order are not compared (the guest does not depend on them).
Phandle numbers are not compared either: a property that refers to a node
(interrupt-parent, clocks, ...) is compared by the path of the node it refers
to, and `phandle` values only where they are fixed by Xen's ABI (65000 for
the GIC, 65001 for grant DMA).
"""
import base64
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdt  # noqa: E402

ABI_PHANDLES = {0xFDE8, 0xFDE9, 0xFDEA}

# (path regex, property regex or None for a whole node, kind, reason)
# kind: "value" = the values may differ; "missing" = may be absent from the
# expected (libdtgen) DT; "extra" = may be absent from Xen's DT.
KNOWN = [
    (r"^/chosen$", r"^linux,initrd-(start|end)$", "value",
     "ramdisk address is chosen by Xen's domain builder at load time"),
    (r"^/chosen$", r"^linux,initrd-(start|end)$", "missing",
     "ramdisk address is chosen by Xen's domain builder at load time"),
    (r".*", r"^linux,phandle$", "missing",
     "legacy duplicate of `phandle` Xen 4.17 still emits; Linux uses `phandle`"),
    (r"^/$", r"^(model|compatible)$", "extra",
     "root model/compatible are informational on arm64: no driver binds to "
     "them, Linux only prints the model"),
    (r"^/cpus/cpu@[0-9a-f]+$", r"^compatible$", "value",
     "arm64 Linux identifies CPUs by MIDR, not by the cpu node's compatible"),
    (r"^/passthrough/", r"^xen,(reg|path|force-assign-without-iommu)$", "missing",
     "libxl's copy_partial_fdt copies the partial DT's device nodes verbatim, "
     "xen,* included (Xen's dom0less builder drops them); no guest driver "
     "reads them, dtgen guest-dt writes the guest's view without them"),
]


def known(path, prop, kind):
    for pre, prre, k, why in KNOWN:
        if k != kind or not re.search(pre, path):
            continue
        if prop is None and prre is None:
            return why
        if prop is not None and prre is not None and re.search(prre, prop):
            return why
    return None


def extract(log, role, out):
    lines = open(log, errors="replace").read().splitlines()
    dom = None
    for ln in lines:
        m = re.match(r"^\(XEN\) (DOM\d+): E2E-BOOTED role=(\S+)", ln)
        if m and m.group(2) == role:
            dom = m.group(1)
    if dom is None:
        sys.exit("compare_guest_dt: no guest with role %s in %s" % (role, log))
    pre = "(XEN) %s: " % dom
    body, inside = [], False
    for ln in lines:
        if not ln.startswith(pre):
            continue
        s = ln[len(pre):].strip()
        if s == "E2E-FDT-BEGIN":
            inside, body = True, []
        elif s == "E2E-FDT-END":
            inside = False
        elif inside:
            body.append(s)
    if not body:
        sys.exit("compare_guest_dt: %s printed no FDT" % dom)
    blob = base64.b64decode("".join(body))
    fdt.parse(blob)  # validate
    with open(out, "wb") as f:
        f.write(blob)
    print(dom)


# Properties holding phandle references, and how to walk them.
def ref_spec(tree, node, prop):
    """Return a list of (is_phandle) flags per cell, or None if not a ref prop."""
    v = node.cells(prop)
    if v is None:
        return None
    if prop in ("interrupt-parent",):
        return [True] * len(v)
    cellsname = {"clocks": "#clock-cells", "gpios": "#gpio-cells",
                 "resets": "#reset-cells", "iommus": "#iommu-cells",
                 "power-domains": "#power-domain-cells",
                 "dmas": "#dma-cells"}.get(prop)
    if cellsname is None:
        return None
    ph = tree.phandles()
    flags, i = [], 0
    while i < len(v):
        tgt = tree.find(ph.get(v[i], "")) if v[i] in ph else None
        n = (tgt.cells(cellsname) or [0])[0] if tgt is not None else 0
        flags += [True] + [False] * n
        i += 1 + n
    return flags[:len(v)]


def render(tree, node, prop):
    v = node.props[prop]
    if prop in ("phandle", "linux,phandle"):
        c = struct.unpack(">I", v)[0] if len(v) == 4 else None
        return "<%#x>" % c if c in ABI_PHANDLES else "<phandle>"
    flags = ref_spec(tree, node, prop)
    if flags:
        ph = tree.phandles()
        cells = node.cells(prop)
        out = []
        for c, isref in zip(cells, flags):
            out.append("&{%s}" % ph.get(c, "?%#x" % c) if isref else "%#x" % c)
        return "<%s>" % " ".join(out)
    return fdt.fmt_prop(v)


def compare(xen_path, exp_path):
    xt, et = fdt.load(xen_path), fdt.load(exp_path)
    xn = dict(xt.root.walk())
    en = dict(et.root.walk())
    bad, ok = [], []

    def note(path, prop, kind, msg):
        why = known(path, prop, kind)
        (ok if why else bad).append(
            "%s %s: %s%s" % (path, prop or "", msg, " (accepted: %s)" % why if why else ""))

    for p in sorted(set(xn) | set(en)):
        if p not in en:
            note(p, None, "missing", "node Xen built is missing from libdtgen's DT")
            continue
        if p not in xn:
            note(p, None, "extra", "node in libdtgen's DT that Xen did not build")
            continue
        a, b = xn[p], en[p]
        for k in sorted(set(a.props) | set(b.props)):
            if k not in b.props:
                note(p, k, "missing", "Xen has %s, libdtgen has none" % render(xt, a, k))
            elif k not in a.props:
                note(p, k, "extra", "libdtgen has %s, Xen has none" % render(et, b, k))
            else:
                ra, rb = render(xt, a, k), render(et, b, k)
                if ra != rb:
                    note(p, k, "value", "Xen %s != libdtgen %s" % (ra, rb))
    print("compare_guest_dt: %s vs %s: %d nodes in Xen's DT, %d in libdtgen's"
          % (os.path.basename(xen_path), os.path.basename(exp_path), len(xn), len(en)))
    for s in ok:
        print("  same-enough " + s)
    for s in bad:
        print("  DIFFERENT  " + s)
    print("compare_guest_dt: %d accepted difference(s), %d unexplained"
          % (len(ok), len(bad)))
    return 1 if bad else 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "extract":
        extract(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
