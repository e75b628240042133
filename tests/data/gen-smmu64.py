#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write smmu64.dts: a synthetic host with 64 SMMUv3 instances whose masters
reuse the same physical stream IDs (as on large servers with 50+ SMMUs).

SMMU i (0..63) at 0x4000000000 + i * 0x100000 has nine platform masters:
eight with stream IDs 0..7 (repeated on every SMMU) and one with the unique
stream ID 0x1000 + i.  A PCIe host bridge maps RIDs 0..0xff to IDs 0..0xff
of SMMU 0.  Usage: gen-smmu64.py > smmu64.dts
"""
import sys

NSMMU, SHARED = 64, 8
out = [
    "/dts-v1/;",
    "/ {",
    '\tcompatible = "libdtgen,smmu64";',
    "\t#address-cells = <2>;",
    "\t#size-cells = <2>;",
    "\tinterrupt-parent = <&gic>;",
    "\tgic: interrupt-controller@2f000000 {",
    '\t\tcompatible = "arm,gic-v3";',
    "\t\t#interrupt-cells = <3>;",
    "\t\tinterrupt-controller;",
    "\t\t#address-cells = <0>;",
    "\t\treg = <0x0 0x2f000000 0x0 0x10000>, <0x0 0x2f100000 0x0 0x200000>;",
    "\t};",
    "\tsoc {",
    '\t\tcompatible = "simple-bus";',
    "\t\t#address-cells = <2>;",
    "\t\t#size-cells = <2>;",
    "\t\tranges;",
]
for i in range(NSMMU):
    base = 0x4000000000 + i * 0x100000
    out += [
        "\t\tsmmu%d: iommu@%x {" % (i, base),
        '\t\t\tcompatible = "arm,smmu-v3";',
        "\t\t\treg = <0x%x 0x%x 0x0 0x20000>;" % (base >> 32, base & 0xffffffff),
        "\t\t\tinterrupts = <0 %d 1>;" % (100 + i),
        '\t\t\tinterrupt-names = "combined";',
        "\t\t\t#iommu-cells = <1>;",
        "\t\t};",
    ]
for i in range(NSMMU):
    for k in range(SHARED + 1):
        base = 0x5000000000 + (i * (SHARED + 1) + k) * 0x10000
        sid = k if k < SHARED else 0x1000 + i
        out += [
            "\t\tdma@%x {" % base,
            '\t\t\tcompatible = "libdtgen,test-dma";',
            "\t\t\treg = <0x%x 0x%x 0x0 0x1000>;" % (base >> 32, base & 0xffffffff),
            "\t\t\tinterrupts = <0 %d 4>;" % (200 + (i * (SHARED + 1) + k) % 700),
            "\t\t\tiommus = <&smmu%d 0x%x>;" % (i, sid),
            "\t\t};",
        ]
out += [
    "\t\tpcie@6000000000 {",
    '\t\t\tcompatible = "pci-host-ecam-generic";',
    '\t\t\tdevice_type = "pci";',
    "\t\t\t#address-cells = <3>;",
    "\t\t\t#size-cells = <2>;",
    "\t\t\treg = <0x60 0x0 0x0 0x10000000>;",
    "\t\t\tbus-range = <0 0>;",
    "\t\t\tranges = <0x02000000 0x0 0x70000000 0x60 0x70000000 0x0 0x10000000>;",
    "\t\t\tiommu-map = <0x0 &smmu0 0x0 0x100>;",
    "\t\t};",
    "\t};",
    "};",
]
sys.stdout.write("\n".join(out) + "\n")
