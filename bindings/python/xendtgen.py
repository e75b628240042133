# SPDX-License-Identifier: LGPL-2.1-or-later
"""xendtgen: Python access to libdtgen (for Lopper and build scripts).

A thin layer over the C API with ctypes: every call goes to libdtgen, and
every libdtgen error becomes a DtgenError carrying the library's message
(which names the input, the node and the property).

    import xendtgen
    host = xendtgen.Host.load("host.dtb")
    print(host.inspect())                      # list of dicts, like `dtgen inspect --json`
    dom = host.domain_from_config(open("guest.cfg").read(), "guest.cfg")
    open("partial.dtb", "wb").write(dom.partial_dtb())
    plan = dom.plan()                          # list of dicts

The library is found through $DTGEN_LIBRARY (a path to libdtgen.so), then
the system's linker path.
"""

import ctypes
import ctypes.util
import json
import os

__all__ = ["DtgenError", "Host", "Domain", "Dom0less", "check_partial",
           "complete_partial", "version"]

_c = ctypes
_vp = _c.c_void_p
_sz = _c.c_size_t


def _load_library():
    path = os.environ.get("DTGEN_LIBRARY") or ctypes.util.find_library("dtgen")
    if not path:
        raise OSError("libdtgen not found: set DTGEN_LIBRARY to libdtgen.so")
    return _c.CDLL(path)


_lib = _load_library()


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_ctx_new = _fn("dtg_ctx_new", _c.c_int, _c.POINTER(_vp), _vp)
_ctx_free = _fn("dtg_ctx_free", None, _vp)
_last_error = _fn("dtg_last_error", _c.c_char_p, _vp)
_strerror = _fn("dtg_strerror", _c.c_char_p, _c.c_int)
_free = _fn("dtg_free", None, _vp, _vp)
_version = _fn("dtg_version", _c.c_char_p)
_host_load = _fn("dtg_host_load", _c.c_int, _vp, _c.c_char_p, _sz, _c.c_char_p,
                 _c.POINTER(_vp))
_host_free = _fn("dtg_host_free", None, _vp)
_inspect_json = _fn("dtg_host_inspect_json", _c.c_int, _vp, _vp,
                    _c.POINTER(_c.c_char_p), _sz, _c.POINTER(_vp),
                    _c.POINTER(_sz))
_config_parse = _fn("dtg_config_parse", _c.c_int, _vp, _c.c_char_p, _sz,
                    _c.c_char_p, _c.POINTER(_vp))
_config_free = _fn("dtg_config_free", None, _vp)
_domain_new = _fn("dtg_domain_new", _c.c_int, _vp, _vp, _c.POINTER(_vp))
_domain_free = _fn("dtg_domain_free", None, _vp)
_apply_config = _fn("dtg_domain_apply_config", _c.c_int, _vp, _vp)
_finalize = _fn("dtg_domain_finalize", _c.c_int, _vp)
_set_name = _fn("dtg_domain_set_name", _c.c_int, _vp, _c.c_char_p)
_set_memory = _fn("dtg_domain_set_memory_mib", _c.c_int, _vp, _c.c_uint64)
_set_vcpus = _fn("dtg_domain_set_vcpus", _c.c_int, _vp, _c.c_uint)
_set_vpl011 = _fn("dtg_domain_set_vpl011", _c.c_int, _vp, _c.c_bool)
_set_release = _fn("dtg_domain_set_xen_release", _c.c_int, _vp, _c.c_uint)
_release_parse = _fn("dtg_xen_release_parse", _c.c_int, _c.c_char_p,
                     _c.POINTER(_c.c_uint))
_add_pt = _fn("dtg_domain_add_passthrough", _c.c_int, _vp, _c.c_char_p)
_pt_iommu = _fn("dtg_pt_set_iommu", _c.c_int, _vp, _c.c_int, _c.c_int)
_pt_place = _fn("dtg_pt_set_placement", _c.c_int, _vp, _c.c_int, _c.c_int,
                _c.c_int, _c.c_uint64)
_pt_rate = _fn("dtg_pt_set_clock_rate", _c.c_int, _vp, _c.c_int, _c.c_char_p,
               _c.c_uint64)
_pt_keep = _fn("dtg_pt_keep_property", _c.c_int, _vp, _c.c_int, _c.c_char_p)
_fdt_partial = _fn("dtg_fdt_partial_alloc", _c.c_int, _vp, _c.POINTER(_vp),
                   _c.POINTER(_sz))
_fdt_guest = _fn("dtg_fdt_guest_alloc", _c.c_int, _vp, _c.POINTER(_vp),
                 _c.POINTER(_sz))
_fdt_overlay = _fn("dtg_fdt_overlay_alloc", _c.c_int, _vp, _c.POINTER(_vp),
                   _c.POINTER(_sz))
_fdt_guest_vsids = _fn("dtg_fdt_guest_vsids_alloc", _c.c_int, _vp, _c.c_int,
                       _c.POINTER(_c.c_uint32), _sz, _c.POINTER(_vp),
                       _c.POINTER(_sz))
_fdt_overlay_vsids = _fn("dtg_fdt_overlay_vsids_alloc", _c.c_int, _vp,
                         _c.POINTER(_c.c_uint32), _sz, _c.POINTER(_vp),
                         _c.POINTER(_sz))
_plan_json = _fn("dtg_plan_json_alloc", _c.c_int, _vp, _c.POINTER(_vp),
                 _c.POINTER(_sz))
_xlcfg = _fn("dtg_xlcfg_alloc", _c.c_int, _vp, _c.c_char_p, _c.POINTER(_vp),
             _c.POINTER(_sz))


class _CompleteOpts(_c.Structure):
    _fields_ = [("viommu", _c.c_int), ("id_bits", _c.c_uint)]


_partial_complete = _fn("dtg_partial_complete", _c.c_int, _vp, _vp, _c.c_char_p,
                        _sz, _c.c_char_p, _c.POINTER(_CompleteOpts),
                        _c.POINTER(_vp), _c.POINTER(_sz))


class _D0lOpts(_c.Structure):
    _fields_ = [("xen_bootargs", _c.c_char_p), ("load_base", _c.c_uint64),
                ("xen_release", _c.c_uint)]


class _D0lDom0(_c.Structure):
    _fields_ = [("kernel", _c.c_char_p), ("kernel_size", _c.c_uint64),
                ("ramdisk", _c.c_char_p), ("ramdisk_size", _c.c_uint64),
                ("cmdline", _c.c_char_p), ("memory_mib", _c.c_uint64),
                ("vcpus", _c.c_uint)]


class _D0lShm(_c.Structure):
    _fields_ = [("id", _c.c_char_p), ("has_host", _c.c_bool),
                ("host", _c.c_uint64), ("guest", _c.c_uint64),
                ("size", _c.c_uint64), ("role", _c.c_int)]


class _D0lEvtchn(_c.Structure):
    _fields_ = [("port", _c.c_uint32), ("peer", _c.c_char_p),
                ("peer_port", _c.c_uint32)]


class _D0lPool(_c.Structure):
    _fields_ = [("name", _c.c_char_p), ("cpus", _c.POINTER(_c.c_char_p)),
                ("ncpus", _c.c_size_t), ("sched", _c.c_char_p)]


class _D0lGuest(_c.Structure):
    _fields_ = [("domain", _vp), ("kernel_size", _c.c_uint64),
                ("ramdisk_size", _c.c_uint64), ("partial_dtb", _vp),
                ("partial_dtb_size", _sz), ("partial_dtb_name", _c.c_char_p)]


class _D0lModule(_c.Structure):
    _fields_ = [("guest", _sz), ("kind", _c.c_int), ("path", _c.c_char_p),
                ("addr", _c.c_uint64), ("size", _c.c_uint64),
                ("shared", _c.c_bool)]


_d0l_new = _fn("dtg_dom0less_new", _c.c_int, _vp, _vp, _c.POINTER(_D0lOpts),
               _c.POINTER(_vp))
_d0l_free = _fn("dtg_dom0less_free", None, _vp)
_d0l_add = _fn("dtg_dom0less_add_guest", _c.c_int, _vp, _c.POINTER(_D0lGuest))
_d0l_dom0 = _fn("dtg_dom0less_set_dom0", _c.c_int, _vp, _c.POINTER(_D0lDom0))
_d0l_enh = _fn("dtg_dom0less_set_enhanced", _c.c_int, _vp, _sz, _c.c_int)
_d0l_shm = _fn("dtg_dom0less_add_shm", _c.c_int, _vp, _sz, _c.POINTER(_D0lShm))
_d0l_evt = _fn("dtg_dom0less_add_evtchn", _c.c_int, _vp, _sz,
               _c.POINTER(_D0lEvtchn))
_d0l_pool = _fn("dtg_dom0less_add_cpupool", _c.c_int, _vp, _c.POINTER(_D0lPool))
_d0l_inpool = _fn("dtg_dom0less_set_cpupool", _c.c_int, _vp, _sz, _c.c_char_p)
_d0l_finalize = _fn("dtg_dom0less_finalize", _c.c_int, _vp)
_d0l_nmod = _fn("dtg_dom0less_module_count", _sz, _vp)
_d0l_mod = _fn("dtg_dom0less_module", _c.c_int, _vp, _sz,
               _c.POINTER(_D0lModule))
_d0l_host = _fn("dtg_dom0less_host_dtb", _c.c_int, _vp, _c.POINTER(_vp),
                _c.POINTER(_sz))
_d0l_partial = _fn("dtg_dom0less_partial_dtb", _c.c_int, _vp, _sz,
                   _c.POINTER(_vp), _c.POINTER(_sz))


class _Issue(_c.Structure):
    _fields_ = [("node", _c.c_char_p), ("property", _c.c_char_p),
                ("message", _c.c_char_p)]


_ISSUE_FN = _c.CFUNCTYPE(_c.c_int, _vp, _c.POINTER(_Issue))
_partial_check = _fn("dtg_partial_check", _c.c_int, _vp, _vp, _c.c_char_p, _sz,
                     _c.c_char_p, _ISSUE_FN, _vp)

# enum dtg_iommu_mode and enum dtg_placement
IOMMU_DEFAULT, IOMMU_ON, IOMMU_OFF = 0, 1, 2
PLACE_IDENTITY, PLACE_AUTO, PLACE_FIXED = 0, 1, 2


class DtgenError(Exception):
    """A libdtgen call failed; .code is the negative DTG_E* code."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def version():
    """The version of the libdtgen actually loaded."""
    return _version().decode()


class _Context:
    """A dtg_ctx: one per Host, shared by its domains (not thread-safe)."""

    def __init__(self):
        self.ptr = _vp()
        r = _ctx_new(_c.byref(self.ptr), None)
        if r:
            raise DtgenError(r, _strerror(r).decode())

    def check(self, r):
        if r < 0:
            msg = _last_error(self.ptr).decode() or _strerror(r).decode()
            raise DtgenError(r, msg)
        return r

    def take(self, ptr, size, text=False):
        """Copy an allocated output and free it with dtg_free."""
        try:
            data = _c.string_at(ptr, size.value)
        finally:
            _free(self.ptr, ptr)
        return data.decode() if text else data

    def __del__(self):
        if getattr(self, "ptr", None):
            _ctx_free(self.ptr)
            self.ptr = None


def _b(s):
    return s.encode() if isinstance(s, str) else s


def _release(v):
    """A Xen release: "4.17" (point releases too) or DTG_XEN_RELEASE();
    None or 0: not chosen."""
    if not v:
        return 0
    if isinstance(v, int):
        return v
    out = _c.c_uint()
    r = _release_parse(_b(v), _c.byref(out))
    if r < 0:
        raise DtgenError(r, "unsupported Xen version '%s' (4.17 to 4.22)" % v)
    return out.value


class Host:
    """A host platform loaded from its DTB (immutable)."""

    def __init__(self, blob, name="host.dtb"):
        self._ctx = _Context()
        self.ptr = _vp()
        self.name = name
        self._ctx.check(_host_load(self._ctx.ptr, blob, len(blob), _b(name),
                                   _c.byref(self.ptr)))

    @classmethod
    def load(cls, path):
        """Load the host DTB at path."""
        with open(path, "rb") as f:
            return cls(f.read(), os.path.basename(path))

    def inspect(self, paths=None):
        """Devices as `dtgen inspect --json` describes them (list of dicts)."""
        paths = list(paths or [])
        arr = (_c.c_char_p * max(1, len(paths)))(*[_b(p) for p in paths])
        out, size = _vp(), _sz()
        self._ctx.check(_inspect_json(self.ptr, self._ctx.ptr,
                                      arr if paths else None, len(paths),
                                      _c.byref(out), _c.byref(size)))
        return json.loads(self._ctx.take(out, size, text=True))

    def domain(self, name=None, memory_mib=None, vcpus=None, vpl011=None):
        """A new, empty Domain on this host."""
        d = Domain(self)
        if name is not None:
            d._call(_set_name, _b(name))
        if memory_mib is not None:
            d._call(_set_memory, memory_mib)
        if vcpus is not None:
            d._call(_set_vcpus, vcpus)
        if vpl011 is not None:
            d._call(_set_vpl011, bool(vpl011))
        return d

    def domain_from_config(self, text, name="guest.cfg", finalize=True,
                           xen_release=None):
        """A Domain described by xl.cfg text, finalized by default;
        xen_release ("4.17" ...) is the release its outputs follow."""
        cfg = _vp()
        data = _b(text)
        release = _release(xen_release)
        self._ctx.check(_config_parse(self._ctx.ptr, data, len(data), _b(name),
                                      _c.byref(cfg)))
        try:
            d = Domain(self)
            d._call(_set_release, release)
            d._call(_apply_config, cfg)
        finally:
            _config_free(cfg)
        if finalize:
            d.finalize()
        return d

    def __del__(self):
        if getattr(self, "ptr", None):
            _host_free(self.ptr)
            self.ptr = None


class Domain:
    """A guest domain: describe it, finalize it, then render its outputs."""

    def __init__(self, host):
        self.host = host
        self._ctx = host._ctx
        self.ptr = _vp()
        self._ctx.check(_domain_new(self._ctx.ptr, host.ptr, _c.byref(self.ptr)))

    def _call(self, fn, *args):
        return self._ctx.check(fn(self.ptr, *args))

    def add_passthrough(self, path, iommu=None, guest=None, clock_rates=None,
                        keep=()):
        """Pass a host node through; returns its device index.

        iommu: True/False/None (host's choice); guest: None (1:1), "auto",
        or a list of addresses (one per MMIO range); clock_rates:
        {clock-name-or-index: hz}; keep: host properties to keep.
        """
        dev = self._call(_add_pt, _b(path))
        if iommu is not None:
            self._call(_pt_iommu, dev, IOMMU_ON if iommu else IOMMU_OFF)
        if guest == "auto":
            self._call(_pt_place, dev, -1, PLACE_AUTO, 0)
        elif guest is not None:
            for i, addr in enumerate(guest):
                self._call(_pt_place, dev, i, PLACE_FIXED, addr)
        for clock, hz in (clock_rates or {}).items():
            self._call(_pt_rate, dev, _b(str(clock)), hz)
        for prop in keep:
            self._call(_pt_keep, dev, _b(prop))
        return dev

    def finalize(self):
        """Make every decision and check every rule; then immutable."""
        self._call(_finalize)
        return self

    def _alloc(self, fn, *args, text=False):
        out, size = _vp(), _sz()
        self._call(fn, *args, _c.byref(out), _c.byref(size))
        return self._ctx.take(out, size, text=text)

    def partial_dtb(self):
        """The Xen partial DT (bytes)."""
        return self._alloc(_fdt_partial)

    def guest_dtb(self, vsids=None):
        """The complete guest DT as libxl would build it (bytes).

        vsids: for a vSMMUv3 guest, the vSIDs Xen returned for the plan's
        alloc_vsid_range calls, in plan order (default: the ones Xen's
        allocator will give a fresh domain).
        """
        if vsids is None:
            return self._alloc(_fdt_guest)
        arr = (_c.c_uint32 * max(len(vsids), 1))(*vsids)
        return self._alloc(_fdt_guest_vsids, 0, arr, len(vsids))

    def overlay_dtb(self, vsids=None):
        """The guest nodes as a DT overlay (bytes) for fdtoverlay; vsids as
        for guest_dtb()."""
        if vsids is None:
            return self._alloc(_fdt_overlay)
        arr = (_c.c_uint32 * max(len(vsids), 1))(*vsids)
        return self._alloc(_fdt_overlay_vsids, arr, len(vsids))

    def plan(self):
        """The domctl plan as a list of dicts."""
        return json.loads(self._alloc(_plan_json, text=True))

    def xlcfg(self, partial_path=None):
        """The xl.cfg lines the domain needs (text)."""
        return self._alloc(_xlcfg, _b(partial_path) if partial_path else None,
                           text=True)

    def __del__(self):
        if getattr(self, "ptr", None):
            _domain_free(self.ptr)
            self.ptr = None


def check_partial(host, blob, name="partial.dtb"):
    """Xen's rules applied to a partial DT: a list of (node, prop, message)."""
    issues = []

    def collect(_opaque, issue):
        i = issue.contents
        issues.append((i.node.decode() if i.node else None,
                       i.property.decode() if i.property else None,
                       i.message.decode() if i.message else ""))
        return 0

    cb = _ISSUE_FN(collect)
    host._ctx.check(_partial_check(host._ctx.ptr, host.ptr, blob, len(blob),
                                   _b(name), cb, None))
    return issues


def complete_partial(host, blob, name="partial.dtb", id_bits=0):
    """Complete a hand-written partial DT for a vSMMUv3 guest (bytes out).

    Nodes under /passthrough with `iommus = <0 pSID>` (or a host phandle),
    or with xen,path, get their host device looked up and xen,reg/xen,path
    filled in; `iommus` stays <0 pSID>, which the vSMMUv3 series' libxl
    (viommu_get_stream) and Xen (modify_pfdt_node) read as the physical
    stream ID before allocating the vSID and adding the vSMMUv3 node
    themselves; everything else is kept as written.  id_bits is unused.
    """
    opts = _CompleteOpts(1, id_bits)     # DTG_VIOMMU_SMMUV3
    out, size = _vp(), _sz()
    host._ctx.check(_partial_complete(host._ctx.ptr, host.ptr, blob, len(blob),
                                      _b(name), _c.byref(opts), _c.byref(out),
                                      _c.byref(size)))
    return host._ctx.take(out, size)


class Dom0less:
    """A dom0less system: the host DTB edited for several finalized guests.

        sys = xendtgen.Dom0less(host, xen_bootargs="console=dtuart ...")
        sys.add_guest(dom, kernel_size=os.path.getsize(kernel))
        sys.finalize()
        open("host.dtb", "wb").write(sys.host_dtb())
        for m in sys.modules(): print(hex(m["addr"]), m["kind"], m["path"])
    """

    _KINDS = ("kernel", "ramdisk", "device-tree")
    DOM0 = _sz(-1).value           # the "guest" index of dom0
    _ENHANCED = (None, "enabled", "no-xenstore", "disabled", "legacy")

    def __init__(self, host, xen_bootargs=None, load_base=0, xen_release=None):
        """xen_release: "4.17" .. "4.22" (None: 4.22); give the guests'
        domains the same one (Host.domain_from_config(xen_release=))."""
        self.host = host
        self._ctx = host._ctx
        self._guests = []          # keep the domains alive
        self.ptr = _vp()
        opts = _D0lOpts(_b(xen_bootargs) if xen_bootargs else None, load_base,
                        _release(xen_release))
        self._ctx.check(_d0l_new(self._ctx.ptr, host.ptr, _c.byref(opts),
                                 _c.byref(self.ptr)))

    def add_guest(self, domain, kernel_size, ramdisk_size=0, partial_dtb=None,
                  partial_name=None):
        """Add a finalized Domain (with kernel set); returns its index.

        partial_dtb is the guest's own partial DT (bytes), partial_name its
        file name for messages."""
        buf = _c.create_string_buffer(partial_dtb) if partial_dtb else None
        g = _D0lGuest(domain.ptr, kernel_size, ramdisk_size,
                      _c.cast(buf, _vp) if buf else None,
                      len(partial_dtb) if partial_dtb else 0,
                      _b(partial_name) if partial_name else None)
        i = self._ctx.check(_d0l_add(self.ptr, _c.byref(g)))
        self._guests.append(domain)
        return i

    def set_dom0(self, kernel, kernel_size, ramdisk=None, ramdisk_size=0,
                 cmdline=None, memory_mib=0, vcpus=0):
        """Make the system hybrid: a dom0 with modules under /chosen."""
        d = _D0lDom0(_b(kernel), kernel_size, _b(ramdisk) if ramdisk else None,
                     ramdisk_size, _b(cmdline) if cmdline else None,
                     memory_mib, vcpus)
        self._ctx.check(_d0l_dom0(self.ptr, _c.byref(d)))

    def set_enhanced(self, guest, value):
        """xen,enhanced of guest i: enabled, no-xenstore, disabled, legacy."""
        self._ctx.check(_d0l_enh(self.ptr, guest, self._ENHANCED.index(value)))

    def add_shm(self, dom, id, guest, size, host=None, role=None):
        """Static shared memory region id as domain dom (or DOM0) maps it."""
        r = {None: 0, "owner": 1, "borrower": 2}[role]
        s = _D0lShm(_b(id), host is not None, host or 0, guest, size, r)
        self._ctx.check(_d0l_shm(self.ptr, dom, _c.byref(s)))

    def add_evtchn(self, dom, port, peer, peer_port):
        """Static event channel: port of dom to peer_port of domain peer."""
        e = _D0lEvtchn(port, _b(peer), peer_port)
        self._ctx.check(_d0l_evt(self.ptr, dom, _c.byref(e)))

    def add_cpupool(self, name, cpus, sched=None):
        """Boot-time cpupool of host CPU nodes (names under /cpus or paths)."""
        arr = (_c.c_char_p * len(cpus))(*[_b(c) for c in cpus])
        p = _D0lPool(_b(name), arr, len(cpus), _b(sched) if sched else None)
        self._ctx.check(_d0l_pool(self.ptr, _c.byref(p)))

    def set_cpupool(self, guest, pool):
        """Start guest i in cpupool pool."""
        self._ctx.check(_d0l_inpool(self.ptr, guest, _b(pool)))

    def finalize(self):
        """Place the modules and edit the host DTB."""
        self._ctx.check(_d0l_finalize(self.ptr))
        return self

    def modules(self):
        """Boot modules in load order, as dicts (shared: loaded by another)."""
        out = []
        for i in range(_d0l_nmod(self.ptr)):
            m = _D0lModule()
            self._ctx.check(_d0l_mod(self.ptr, i, _c.byref(m)))
            out.append({"guest": m.guest, "kind": self._KINDS[m.kind],
                        "path": m.path.decode() if m.path else None,
                        "addr": m.addr, "size": m.size, "shared": m.shared})
        return out

    def host_dtb(self):
        """The edited host DTB (bytes)."""
        p, n = _vp(), _sz()
        self._ctx.check(_d0l_host(self.ptr, _c.byref(p), _c.byref(n)))
        return _c.string_at(p, n.value)

    def partial_dtb(self, guest):
        """Guest i's partial DT (bytes), or None when it has none."""
        p, n = _vp(), _sz()
        self._ctx.check(_d0l_partial(self.ptr, guest, _c.byref(p), _c.byref(n)))
        return _c.string_at(p, n.value) if p.value else None

    def __del__(self):
        if getattr(self, "ptr", None):
            _d0l_free(self.ptr)
            self.ptr = None
