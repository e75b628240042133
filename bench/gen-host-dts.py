#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write a synthetic host device tree (dts) with N passthrough-able devices.

usage: gen-host-dts.py N > host.dts

Shape (for bench/passthrough-bench):
- GICv3 host, 4 fixed clocks, simple-buses of
  100 devices each (`bus@<base>`, dtc's parser cannot take 10,000
  siblings) whose `ranges` are not the identity (child 0 -> the bus's CPU
  base), so every reg is translated.
- Device k is `/bus@B/dev@<(k % 100)*0x4000>` with 1-3 page-aligned MMIO ranges
  (k % 3 + 1; the third is 2 pages), a clock (k % 4) with clock-names.
  All ranges sit in the hole of the Xen guest memory map between the
  proposed vSMMUv3 window and vPCI ECAM (0x04100000-0x10000000), so any
  subset can be passed through 1:1.  Up to 11,904 devices fit.
- Interrupts: every 25th device (k % 25 == 0) has 2, the others none, so
  the work per device is the same for 1,000 and 10,000 devices.  Lines are
  unique over the whole tree, as passthrough needs, and are SPIs only: the
  976 Xen's guest can take 1:1 (INTIDs 44..1019: 32 is vpl011's, 33..43
  virtio's); 800 lines for 10,000 devices.  GICv3.1 extended SPIs are not
  used: Xen's gic_irq_xlate routes them as PPIs, so libdtgen refuses them.
  Beyond 976 lines the generator refuses.
"""
import sys

SPI_FIRST = 12          # SPI 12 = INTID 44
SPI_LAST = 987          # SPI 987 = INTID 1019
STRIDE = 0x4000
PER_BUS = 100
BUS_BASE = 0x04100000
BUS_SIZE = 0x10000000 - BUS_BASE


def irq_cells(line):
    """GIC cells for interrupt line number `line` (0-based, unique)."""
    nspi = SPI_LAST - SPI_FIRST + 1
    if line < nspi:
        return "0 %d 4" % (SPI_FIRST + line)
    raise SystemExit("gen-host-dts.py: out of unique interrupt lines")


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        raise SystemExit("usage: gen-host-dts.py N")
    n = int(sys.argv[1])
    if n * STRIDE > BUS_SIZE:
        raise SystemExit("gen-host-dts.py: at most %d devices" % (BUS_SIZE // STRIDE))
    out = []
    w = out.append
    w("/dts-v1/;\n\n/ {\n")
    w("\t#address-cells = <2>;\n\t#size-cells = <2>;\n")
    w('\tcompatible = "libdtgen,bench";\n\tmodel = "libdtgen synthetic host, %d devices";\n' % n)
    w("\tinterrupt-parent = <&gic>;\n\n")
    w("\tgic: interrupt-controller@2f000000 {\n"
      '\t\tcompatible = "arm,gic-v3";\n'
      "\t\t#interrupt-cells = <3>;\n\t\t#address-cells = <0>;\n"
      "\t\tinterrupt-controller;\n"
      "\t\treg = <0 0x2f000000 0 0x10000>, <0 0x2f100000 0 0x200000>;\n"
      "\t\tinterrupts = <1 9 4>;\n\t};\n\n")
    for c in range(4):
        w("\tclk%d: clock-%d {\n\t\tcompatible = \"fixed-clock\";\n"
          "\t\t#clock-cells = <0>;\n\t\tclock-frequency = <%d>;\n\t};\n\n"
          % (c, c, 25000000 * (c + 1)))
    line = 0
    for k in range(n):
        if k % PER_BUS == 0:
            if k:
                w("\t};\n\n")
            bus = BUS_BASE + k * STRIDE
            w("\tbus@%x {\n\t\tcompatible = \"simple-bus\";\n"
              "\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n"
              "\t\tranges = <0x0 0x0 0x%x 0x%x>;\n\n"
              % (bus, bus, PER_BUS * STRIDE))
        base = (k % PER_BUS) * STRIDE
        nr = k % 3 + 1
        regs = ["0x%x 0x1000" % base]
        if nr >= 2:
            regs.append("0x%x 0x1000" % (base + 0x1000))
        if nr >= 3:
            regs.append("0x%x 0x2000" % (base + 0x2000))
        w("\t\tdev@%x {\n\t\t\tcompatible = \"libdtgen,bench-dev\";\n" % base)
        w("\t\t\treg = <%s>;\n" % ">, <".join(regs))
        if k % 25 == 0:
            cells = [irq_cells(line), irq_cells(line + 1)]
            line += 2
            w("\t\t\tinterrupts = <%s>;\n" % ">, <".join(cells))
        w("\t\t\tclocks = <&clk%d>;\n\t\t\tclock-names = \"core\";\n" % (k % 4))
        w("\t\t};\n")
    if n:
        w("\t};\n")
    w("};\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
