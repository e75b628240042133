#!/usr/bin/python3
"""Hand-made stand-in for `dtgen dom0less`, written from ../shared/E2E.md.

    handmade.py HOST.dtb GUEST.cfg... -o DIR [--xen-bootargs STR]
                [--load-base ADDR] [--share-modules]

Writes the same files `dtgen dom0less` is specified to write (DIR/host.dtb,
DIR/NAME-partial.dtb, DIR/load.txt, DIR/boot.cmd, DIR/qemu.args), so the boot
test can run, and be proven, before dtgen implements the command. It is also
the executable statement of the shapes that booted Xen 4.17:

host DTB:
  /chosen: #address-cells = <2>; #size-cells = <2>;
           xen,xen-bootargs = "console=dtuart dtuart=<stdout-path> loglvl=all
                               guest_loglvl=all bootscrub=0";
    NAME { compatible = "xen,domain"; #address-cells = <1>; #size-cells = <1>;
           memory = <0 KiB>; cpus = <N>; vpl011;
      module@K { compatible = "multiboot,kernel", "multiboot,module";
                 reg = <K size>; bootargs = "..."; };
      module@R { compatible = "multiboot,ramdisk", "multiboot,module"; reg; };
      module@P { compatible = "multiboot,device-tree", "multiboot,module"; reg; };
    };
  every passed-through host node: xen,passthrough;
partial DT (per guest with dt_passthrough):
  / { #address-cells = <2>; #size-cells = <2>;
    passthrough { compatible = "simple-bus"; ranges; #address-cells = <2>;
                  #size-cells = <2>;
      <clock>  { fixed-clock copied from the host clock the device uses };
      <device> { host props (compatible, reg, interrupts, ...);
                 interrupt-parent = <0xfde8>; clocks = <&clock>;
                 clock-names = <host's>; xen,reg = <phys size guest>...;
                 xen,path = "<host path>"; [xen,force-assign-without-iommu;] };
  }; };

GUEST.cfg (xl.cfg syntax): name, memory (MiB), vcpus, vpl011, kernel,
ramdisk, cmdline/extra, dt_passthrough = ["path=/x,iommu=no", ...], and,
as an extension for the negative tests, device_tree = "PARTIAL.dtb" (used as
the guest's partial DT verbatim; its dt_passthrough entries still mark the
host nodes).  --share-modules loads a file used by several guests once.
"""
import argparse
import ast
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdt  # noqa: E402

GUEST_PHANDLE_GIC = 0xFDE8
ALIGN = 2 << 20
# Properties that hold host phandles or are host-only: not copied verbatim.
DROP = {"phandle", "linux,phandle", "clocks", "clock-names", "interrupt-parent",
        "interrupts-extended", "pinctrl-0", "pinctrl-names", "power-domains",
        "resets", "reset-names", "dmas", "dma-names", "iommus", "status"}


def parse_cfg(path):
    cfg = {}
    text = open(path).read()
    # xl.cfg is close enough to Python literals for the keys used here.
    buf = ""
    for line in text.splitlines():
        s = line.split("#", 1)[0] if '"' not in line else line
        buf += s.strip() + " "
        if buf.count("[") > buf.count("]"):
            continue
        buf = buf.strip()
        if buf:
            k, _, v = buf.partition("=")
            cfg[k.strip()] = ast.literal_eval(v.strip())
        buf = ""
    return cfg


def kv(entry):
    out = {}
    for part in entry.split(","):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip()
    return out


def partial_for(host, devices):
    ph = host.phandles()
    t = fdt.Tree()
    t.root.set_cells("#address-cells", 2)
    t.root.set_cells("#size-cells", 2)
    pt = t.root.add("passthrough")
    pt.set_str("compatible", "simple-bus")
    pt.set_empty("ranges")
    pt.set_cells("#address-cells", 2)
    pt.set_cells("#size-cells", 2)
    clocks = {}
    next_ph = 1
    for d in devices:
        path = d["path"]
        hn = host.find(path)
        if hn is None:
            sys.exit("handmade.py: host has no node %s" % path)
        gn = fdt.Node(hn.name)
        for k, v in hn.props.items():
            if k not in DROP:
                gn.props[k] = v
        if "interrupts" in hn.props:
            gn.set_cells("interrupt-parent", GUEST_PHANDLE_GIC)
        if "clocks" in hn.props:
            refs = []
            for c in hn.cells("clocks"):
                if c not in clocks:
                    hc = host.find(ph[c])
                    cn = pt.add(hc.name)
                    for k in ("compatible", "#clock-cells", "clock-frequency",
                              "clock-output-names"):
                        if k in hc.props:
                            cn.props[k] = hc.props[k]
                    cn.set_cells("phandle", next_ph)
                    clocks[c] = next_ph
                    next_ph += 1
                refs.append(clocks[c])
            gn.set_cells("clocks", *refs)
            if "clock-names" in hn.props:
                gn.props["clock-names"] = hn.props["clock-names"]
        reg = hn.cells("reg") or []
        xreg = []
        for i in range(0, len(reg), 4):
            xreg += reg[i:i + 4] + reg[i:i + 2]       # 1:1 guest address
        gn.set_cells("xen,reg", *xreg)
        gn.set_str("xen,path", path)
        if d.get("iommu", "no") == "no":
            gn.set_empty("xen,force-assign-without-iommu")
        pt.children.append(gn)
    return t


def guest_dt(argv):
    """handmade.py guest-dt HOST.dtb GUEST.cfg -o OUT.dtb: a model of the DT
    Xen 4.17 builds for a dom0less domU (prepare_dtb_domU), written from the
    DT Xen was seen to build here. linux,initrd-* are left out: Xen's domain
    builder chooses the ramdisk address at load time."""
    ap = argparse.ArgumentParser(prog="handmade.py guest-dt")
    ap.add_argument("host")
    ap.add_argument("cfg")
    ap.add_argument("-o", required=True)
    a = ap.parse_args(argv)
    host = fdt.load(a.host)
    c = parse_cfg(a.cfg)
    t = fdt.Tree()
    r = t.root
    r.set_cells("#address-cells", 2)
    r.set_cells("#size-cells", 2)
    r.add("chosen").set_str("bootargs", c.get("cmdline", c.get("extra", "")))
    psci = r.add("psci")
    psci.set_str("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci")
    psci.set_str("method", "hvc")
    psci.set_cells("cpu_off", 1)
    psci.set_cells("cpu_on", 2)
    cpus = r.add("cpus")
    cpus.set_cells("#address-cells", 1)
    cpus.set_cells("#size-cells", 0)
    hcpu = [n for n in host.find("/cpus").children if n.name.startswith("cpu@")][0]
    for i in range(int(c.get("vcpus", 1))):
        cpu = cpus.add("cpu@%x" % i)
        cpu.props["compatible"] = hcpu.props["compatible"]
        cpu.set_str("device_type", "cpu")
        cpu.set_cells("reg", i)
        cpu.set_str("enable-method", "psci")
    mem = int(c.get("memory", 128)) << 20
    m = r.add("memory@40000000")
    m.set_str("device_type", "memory")
    m.set_cells("reg", 0, 0x40000000, mem >> 32, mem & 0xFFFFFFFF)
    devs = [kv(e) for e in c.get("dt_passthrough", [])]
    if devs:
        pt = partial_for(host, devs).find("/passthrough")
        for _, n in pt.walk():
            for k in [k for k in n.props if k.startswith("xen,")]:
                del n.props[k]
        r.children.append(pt)
    gic = r.add("interrupt-controller@3001000")
    gic.set_cells("#address-cells", 0)
    gic.set_cells("#interrupt-cells", 3)
    gic.set_empty("interrupt-controller")
    gic.set_str("compatible", "arm,gic-v3")
    gic.set_cells("reg", 0, 0x3001000, 0, 0x10000, 0, 0x3020000, 0, 0x1000000)
    gic.set_cells("linux,phandle", GUEST_PHANDLE_GIC)
    gic.set_cells("phandle", GUEST_PHANDLE_GIC)
    tm = r.add("timer")
    tm.set_str("compatible", "arm,armv8-timer")
    tm.set_cells("interrupts", 1, 13, 0xF08, 1, 14, 0xF08, 1, 11, 0xF08)
    tm.set_cells("interrupt-parent", GUEST_PHANDLE_GIC)
    if int(c.get("vpl011", 0)):
        u = r.add("sbsa-uart@22000000")
        u.set_str("compatible", "arm,sbsa-uart")
        u.set_cells("reg", 0, 0x22000000, 0, 0x1000)
        u.set_cells("interrupts", 0, 0, 0xF04)
        u.set_cells("interrupt-parent", GUEST_PHANDLE_GIC)
        u.set_cells("current-speed", 115200)
    fdt.save(t, a.o)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "guest-dt":
        return guest_dt(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("cfgs", nargs="+")
    ap.add_argument("-o", required=True)
    ap.add_argument("--xen-bootargs")
    ap.add_argument("--load-base", default="0x50000000")
    ap.add_argument("--share-modules", action="store_true")
    a = ap.parse_args()
    host = fdt.load(a.host)
    os.makedirs(a.o, exist_ok=True)
    chosen = host.root.add("chosen")
    chosen.set_cells("#address-cells", 2)
    chosen.set_cells("#size-cells", 2)
    boot = a.xen_bootargs
    if boot is None:
        so = (chosen.strings("stdout-path") or ["/pl011@9000000"])[0].split(":")[0]
        boot = ("console=dtuart dtuart=%s loglvl=all guest_loglvl=all "
                "bootscrub=0" % so)
    chosen.set_str("xen,xen-bootargs", boot)

    addr = int(a.load_base, 0)
    placed = {}
    loads = []

    def place(path):
        nonlocal addr
        path = os.path.abspath(path)
        if a.share_modules and path in placed:
            return placed[path]
        size = os.path.getsize(path)
        at = addr
        addr = (addr + size + ALIGN - 1) // ALIGN * ALIGN
        placed[path] = (at, size)
        loads.append((at, size, path))
        return at, size

    for cpath in a.cfgs:
        c = parse_cfg(cpath)
        name = c["name"]
        dom = chosen.add(name)
        dom.set_str("compatible", "xen,domain")
        dom.set_cells("#address-cells", 1)
        dom.set_cells("#size-cells", 1)
        dom.set_cells("memory", 0, int(c.get("memory", 128)) * 1024)
        dom.set_cells("cpus", int(c.get("vcpus", 1)))
        if int(c.get("vpl011", 0)):
            dom.set_empty("vpl011")
        devs = [kv(e) for e in c.get("dt_passthrough", [])]
        mods = [("kernel", c["kernel"])]
        if c.get("ramdisk"):
            mods.append(("ramdisk", c["ramdisk"]))
        ptdt = c.get("device_tree")
        if devs and not ptdt:
            ptdt = os.path.join(a.o, "%s-partial.dtb" % name)
            fdt.save(partial_for(host, devs), ptdt)
        elif ptdt:
            import shutil
            dst = os.path.join(a.o, "%s-partial.dtb" % name)
            shutil.copyfile(ptdt, dst)
            ptdt = dst
        if ptdt:
            mods.append(("device-tree", ptdt))
        for kind, path in mods:
            at, size = place(path)
            m = dom.add("module@%x" % at)
            m.set_str("compatible", "multiboot," + kind, "multiboot,module")
            m.set_cells("reg", at, size)
            if kind == "kernel":
                m.set_str("bootargs", c.get("cmdline", c.get("extra", "")))
        for d in devs:
            hn = host.find(d["path"])
            if hn is not None:
                hn.set_empty("xen,passthrough")
    fdt.save(host, os.path.join(a.o, "host.dtb"))
    with open(os.path.join(a.o, "load.txt"), "w") as f:
        for at, size, path in loads:
            f.write("0x%x 0x%x %s\n" % (at, size, path))
    with open(os.path.join(a.o, "qemu.args"), "w") as f:
        for at, size, path in loads:
            f.write("-device loader,file=%s,addr=0x%x,force-raw=on\n" % (path, at))
    with open(os.path.join(a.o, "boot.cmd"), "w") as f:
        for at, size, path in loads:
            f.write("load ${devtype} ${devnum}:${distro_bootpart} 0x%x %s\n"
                    % (at, os.path.basename(path)))
        f.write("load ${devtype} ${devnum}:${distro_bootpart} 0x%x host.dtb\n" % addr)
        f.write("fdt addr 0x%x\nfdt resize 1024\n" % addr)
        xen_at = (addr + (1 << 20) + ALIGN - 1) // ALIGN * ALIGN
        f.write("load ${devtype} ${devnum}:${distro_bootpart} 0x%x xen\n" % xen_at)
        f.write("booti 0x%x - 0x%x\n" % (xen_at, addr))


if __name__ == "__main__":
    main()
