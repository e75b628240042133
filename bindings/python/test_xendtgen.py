# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of the Python bindings against real host DTBs (tests/data)."""
import os
import struct

import pytest

import xendtgen

DATA = os.path.join(os.environ.get("top_srcdir", "."), "tests", "data")


def host(name):
    return xendtgen.Host.load(os.path.join(DATA, name))


def fdt_magic_ok(blob):
    magic, total = struct.unpack(">II", blob[:8])
    return magic == 0xD00DFEED and total == len(blob)


def test_version():
    assert xendtgen.version().count(".") == 2


def test_inspect_pl031():
    devs = host("virt.dtb").inspect(["/pl031@9010000"])
    assert len(devs) == 1
    d = devs[0]
    assert d["mmio"] == [{"addr": "0x9010000", "size": "0x1000"}]
    assert d["irqs"][0]["intid"] == 34 and d["irqs"][0]["type"] == "spi"


def test_inspect_unknown_path_raises_with_message():
    with pytest.raises(xendtgen.DtgenError) as e:
        host("virt.dtb").inspect(["/nope@0"])
    assert "/nope@0" in str(e.value)


def test_bad_dtb_raises():
    with pytest.raises(xendtgen.DtgenError) as e:
        xendtgen.Host(b"\xd0\x0d\xfe\xed" + b"\0" * 12, "broken.dtb")
    assert "broken.dtb" in str(e.value)


def test_domain_from_config_outputs_agree():
    h = host("virt.dtb")
    d = h.domain_from_config(
        'name = "rtc"\nmemory = 128\n'
        'dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]\n', "rtc.cfg")
    partial = d.partial_dtb()
    assert fdt_magic_ok(partial)
    assert xendtgen.check_partial(h, partial) == []
    assert fdt_magic_ok(d.guest_dtb())
    assert b"__local_fixups__" in d.overlay_dtb()
    ops = [op["op"] for op in d.plan()]
    assert ops[:2] == ["iomem_permission", "memory_mapping"]
    assert "irq_permission" in ops and "bind_pt_irq" in ops
    assert "assign_device" not in ops          # forced, no IOMMU
    cfg = d.xlcfg("rtc-partial.dtb")
    assert 'device_tree = "rtc-partial.dtb"' in cfg
    assert "9010,1@9010" in cfg


def test_api_description_same_as_config():
    h = host("virt.dtb")
    a = h.domain(name="rtc", memory_mib=128)
    a.add_passthrough("/pl031@9010000", iommu=False)
    a.finalize()
    b = h.domain_from_config(
        'name = "rtc"\nmemory = 128\n'
        'dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]\n')
    assert a.partial_dtb() == b.partial_dtb()
    assert a.plan() == b.plan()


def test_bad_description_raises():
    h = host("virt.dtb")
    with pytest.raises(xendtgen.DtgenError) as e:
        h.domain_from_config('dt_passthrough = [ "path=/nope@0" ]\n', "bad.cfg")
    assert "/nope@0" in str(e.value)


def test_check_partial_reports_defects():
    h = host("virt.dtb")
    d = h.domain_from_config(
        'dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]\n')
    good = d.partial_dtb()
    # the same bytes with the host path pointing nowhere
    bad = good.replace(b"/pl031@9010000", b"/pl031@9999000")
    issues = xendtgen.check_partial(h, bad)
    assert any(prop == "xen,path" for _, prop, _ in issues)


GEM_SEED = """/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	passthrough {
		compatible = "simple-bus";
		ranges;
		#address-cells = <2>;
		#size-cells = <2>;
		ethernet@ff0e0000 {
			compatible = "cdns,zynqmp-gem", "cdns,gem";
			interrupt-parent = <0xfde8>;
			interrupts = <0x0 0x3f 0x4 0x0 0x3f 0x4>;
			reg = <0x0 0xff0e0000 0x0 0x1000>;
			iommus = <0x0 0x877>;
		};
	};
};
"""


def dtc(args, data):
    import subprocess
    return subprocess.run([os.environ.get("DTC", "dtc")] + args, input=data,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=True).stdout


def test_complete_partial_seed_workflow():
    """A Lopper-style hand-written partial DT for the ZCU102 GEM with
    iommus = <0 0x877> comes back complete and valid for Xen.  The pSID
    stays: the vSMMUv3 series' libxl viommu_get_stream and Xen dom0less
    modify_pfdt_node read it as the physical stream ID and allocate the
    vSID themselves, and they add the vSMMUv3 node (make_vsmmuv3_node)."""
    h = host("zynqmp-zcu102-rev1.0.dtb")
    seed = dtc(["-q", "-I", "dts", "-O", "dtb"], GEM_SEED.encode())
    out = xendtgen.complete_partial(h, seed, "gem.dtb")
    assert fdt_magic_ok(out)
    # No vSMMU node (libxl's make_vsmmuv3_node adds it), so no reserved
    # phandle for Xen 4.22's dom0less builder to refuse.
    assert xendtgen.check_partial(h, out) == []
    dts = dtc(["-I", "dtb", "-O", "dts"], out).decode()
    assert 'xen,path = "/axi/ethernet@ff0e0000";' in dts
    assert "iommus = <0x00 0x877>;" in dts
    assert 'compatible = "arm,smmu-v3";' not in dts


def test_complete_partial_unknown_node_raises():
    h = host("zynqmp-zcu102-rev1.0.dtb")
    bad = GEM_SEED.replace("0xff0e0000 0x0 0x1000", "0xaa000000 0x0 0x1000")
    seed = dtc(["-q", "-I", "dts", "-O", "dtb"], bad.encode())
    with pytest.raises(xendtgen.DtgenError) as e:
        xendtgen.complete_partial(h, seed, "gem.dtb")
    assert "ethernet@ff0e0000" in str(e.value)


def test_dom0less_two_guests():
    h = host("virt-el2-gicv3.dtb")
    guests = []
    for name, dev in (("rtc", "/pl031@9010000"), ("gpio", "/pl061@9030000")):
        guests.append(h.domain_from_config(
            'name = "%s"\nmemory = 64\nvpl011 = 1\nkernel = "/boot/Image"\n'
            'dt_passthrough = [ "path=%s,iommu=no" ]\n' % (name, dev)))
    sys = xendtgen.Dom0less(h, xen_bootargs="console=dtuart")
    for g in guests:
        sys.add_guest(g, kernel_size=30 << 20)
    sys.finalize()
    mods = sys.modules()
    assert [m["kind"] for m in mods] == ["kernel", "device-tree"] * 2
    assert mods[2]["shared"] and mods[2]["addr"] == mods[0]["addr"]
    assert all(m["addr"] % (2 << 20) == 0 for m in mods)
    dtb = sys.host_dtb()
    assert fdt_magic_ok(dtb)
    dts = dtc(["-I", "dtb", "-O", "dts"], dtb).decode()
    assert 'compatible = "xen,domain";' in dts and "xen,passthrough;" in dts
    assert fdt_magic_ok(sys.partial_dtb(0))


def test_dom0less_two_guests_one_device_raises():
    h = host("virt-el2-gicv3.dtb")
    cfg = ('name = "%s"\nkernel = "/boot/Image"\n'
           'dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]\n')
    sys = xendtgen.Dom0less(h)
    for name in ("a", "b"):
        sys.add_guest(h.domain_from_config(cfg % name), kernel_size=1 << 20)
    with pytest.raises(xendtgen.DtgenError) as e:
        sys.finalize()
    assert "both claim" in str(e.value)


def test_dom0less_hybrid_system():
    # read back as Xen's alloc_static_evtchn and btcpupools_dtb_parse do
    h = host("virt-el2-gicv3.dtb")
    g = h.domain_from_config('name = "rt"\nmemory = 64\nkernel = "/boot/Image"\n',
                             xen_release="4.17")
    sys = xendtgen.Dom0less(h, xen_bootargs="console=dtuart", xen_release="4.17")
    sys.set_dom0("/boot/Image", 30 << 20, cmdline="console=hvc0",
                 memory_mib=512, vcpus=1)
    i = sys.add_guest(g, kernel_size=30 << 20)
    sys.set_enhanced(i, "no-xenstore")
    sys.add_evtchn(i, 10, "dom0", 11)
    sys.add_shm(sys.DOM0, "ring", 0x7e000000, 0x200000, host=0x7e000000,
                role="owner")
    sys.add_shm(i, "ring", 0x3a000000, 0x200000, host=0x7e000000)
    sys.add_cpupool("rtpool", ["cpu@0"], sched="null")
    sys.set_cpupool(i, "rtpool")
    sys.finalize()
    assert sys.modules()[0]["guest"] == sys.DOM0
    dts = dtc(["-I", "dtb", "-O", "dts", "-E", "phandle_references"],
              sys.host_dtb()).decode()
    assert 'xen,xen-bootargs = "console=dtuart dom0_mem=512M dom0_max_vcpus=1";' in dts
    assert 'xen,dom0-bootargs = "console=hvc0";' in dts
    assert 'role = "borrower";' in dts and 'compatible = "xen,cpupool";' in dts
    assert dts.count('compatible = "xen,evtchn-v1";') == 2


def test_dom0less_xen_release():
    # one release for the builder and the domains (DTG_XEN_RELEASE());
    # "legacy" xen,enhanced is 4.22's (4.17's construct_domU ignores it)
    h = host("virt-el2-gicv3.dtb")
    cfg = 'name = "pv"\nmemory = 64\nkernel = "/boot/Image"\n'
    for bad in ("4.9", "4.23", "17"):
        with pytest.raises(xendtgen.DtgenError) as e:
            xendtgen.Dom0less(h, xen_release=bad)
        assert "'%s'" % bad in str(e.value)
    with pytest.raises(xendtgen.DtgenError) as e:
        xendtgen.Dom0less(h, xen_release=0x0410)   # 4.16, encoded
    assert "Xen 4.16 is not supported" in str(e.value)
    sys = xendtgen.Dom0less(h, xen_release="4.17.2")
    sys.set_dom0("/boot/Image", 30 << 20)
    i = sys.add_guest(h.domain_from_config(cfg, xen_release="4.17.2"),
                      kernel_size=1 << 20)
    sys.set_enhanced(i, "legacy")
    with pytest.raises(xendtgen.DtgenError) as e:
        sys.finalize()
    assert "(4.17 ignores it" in str(e.value)


def test_dom0less_enhanced_without_dom0_raises():
    h = host("virt-el2-gicv3.dtb")
    g = h.domain_from_config('name = "pv"\nmemory = 64\nkernel = "/boot/Image"\n')
    sys = xendtgen.Dom0less(h)
    sys.set_enhanced(sys.add_guest(g, kernel_size=1 << 20), "enabled")
    with pytest.raises(xendtgen.DtgenError) as e:
        sys.finalize()
    assert "needs xenstore" in str(e.value)


def test_dom0less_own_partial_named_in_errors():
    # dtg_dom0less_add_guest checks the guest's own partial DT at once
    # (lib/blob-check.c) and names it by struct dtg_dom0less_guest's
    # partial_dtb_name: the ctypes struct must carry that field
    h = host("virt-el2-gicv3.dtb")
    g = h.domain_from_config('name = "own"\nmemory = 64\nkernel = "/boot/Image"\n')
    sys = xendtgen.Dom0less(h)
    junk = b"not a device tree".ljust(64, b"\0")
    with pytest.raises(xendtgen.DtgenError) as e:
        sys.add_guest(g, kernel_size=1 << 20, partial_dtb=junk,
                      partial_name="own-partial.dtb")
    assert "own-partial.dtb: header: magic" in str(e.value)
    with pytest.raises(xendtgen.DtgenError) as e:
        sys.add_guest(g, kernel_size=1 << 20, partial_dtb=junk)
    assert "guest 'own' device_tree: header: magic" in str(e.value)


JUNO_VSMMU = """name = "juno"
viommu = "smmuv3"
dt_passthrough = [ "path=/hdlcd@7ff50000,clock-rate=pxlclk:148500000", "path=/hdlcd@7ff60000,clock-rate=pxlclk:148500000" ]
"""


def test_vsmmu_series_vsids():
    """A vSMMUv3 guest as the xen-devel series builds it: the plan ends with
    alloc_vsid_range (first_psid = the host's stream ID, as libxl's
    viommu_get_stream calls it), the partial DT keeps <0 pSID>, and the
    guest DT takes the vSIDs Xen returned."""
    h = host("juno-r2.dtb")
    d = h.domain_from_config(JUNO_VSMMU, "juno.cfg")
    ops = [op for op in d.plan() if op["op"] == "alloc_vsid_range"]
    assert [(op["device"], op["first_psid"], op["nr_sids"], op["first_vsid"])
            for op in ops] == [("/hdlcd@7ff50000", "0x0", 1, 0),
                               ("/hdlcd@7ff60000", "0x0", 1, 1)]
    partial = dtc(["-I", "dtb", "-O", "dts"], d.partial_dtb()).decode()
    assert partial.count("iommus = <0x00 0x00>;") == 2
    guest = dtc(["-I", "dtb", "-O", "dts"], d.guest_dtb()).decode()
    assert "iommus = <0xfdea 0x01>;" in guest
    guest = dtc(["-I", "dtb", "-O", "dts"], d.guest_dtb(vsids=[7, 9])).decode()
    assert "iommus = <0xfdea 0x07>;" in guest
    assert "iommus = <0xfdea 0x09>;" in guest
    over = dtc(["-I", "dtb", "-O", "dts"], d.overlay_dtb(vsids=[7, 9])).decode()
    assert "iommus = <0xfdea 0x09>;" in over
    with pytest.raises(xendtgen.DtgenError):
        d.guest_dtb(vsids=[7])
