#!/usr/bin/env python3
"""Make the hostile DTBs of this directory from scratch (no dtc needed).

Each blob is a small, otherwise valid version-17 tree (what dtc writes)
with one field changed; README.md says what each one does to libfdt 1.6.1.
Run: python3 gen.py [DIR]  (writes the .dtb files into DIR, default here).
"""
import os
import struct
import sys

FDT_MAGIC = 0xd00dfeed
BEGIN, END_NODE, PROP, END = 1, 2, 3, 9


def align4(b):
    return b + b"\0" * (-len(b) % 4)


def tree(prop_len=None, version=17, last_comp=16):
    """/ { compatible = "dtgen,hostile"; dev@1000 { reg = <0x1000 0x100>; }; };

    prop_len, if given, replaces the length word of dev@1000's reg."""
    strings = b"compatible\0reg\0#address-cells\0#size-cells\0"
    off = {n: strings.index(n.encode() + b"\0")
           for n in ("compatible", "reg", "#address-cells", "#size-cells")}
    s = b""

    def prop(name, value, length=None):
        n = len(value) if length is None else length
        return struct.pack(">III", PROP, n, off[name]) + align4(value)

    s += struct.pack(">I", BEGIN) + align4(b"\0")
    s += prop("#address-cells", struct.pack(">I", 1))
    s += prop("#size-cells", struct.pack(">I", 1))
    s += prop("compatible", b"dtgen,hostile\0")
    s += struct.pack(">I", BEGIN) + align4(b"dev@1000\0")
    s += prop("reg", struct.pack(">II", 0x1000, 0x100), prop_len)
    s += struct.pack(">I", END_NODE)
    s += struct.pack(">II", END_NODE, END)
    rsv = struct.pack(">QQ", 0, 0)
    off_rsv = 40
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(s)
    total = off_strings + len(strings)
    header = struct.pack(">10I", FDT_MAGIC, total, off_struct, off_strings,
                         off_rsv, version, last_comp, 0, len(strings), len(s))
    return header + rsv + s + strings


BLOBS = {
    # version 15 (last_comp_version 2): fdt_check_full segfaults
    "old-version.dtb": tree(version=15, last_comp=2),
    # reg's length 0xfffffff4 (-12): fdt_next_tag's next offset wraps back
    # onto the same FDT_PROP tag, so fdt_check_full loops forever
    "prop-len-wrap.dtb": tree(prop_len=0xfffffff4),
    # the same tree unmodified, so the tests show the generator is sound
    "control.dtb": tree(),
}

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, blob in BLOBS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
