/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_domctl_xen.c - dtg_plan_encode() byte for byte against
 * records built with Xen's own public headers (Debian's libxen-dev, as
 * libxenctrl builds them: zeroed struct xen_domctl, fields set, guest
 * handle set with set_xen_guest_handle), for real domains.  Compiled only
 * when <xen/domctl.h> is installed (configure's HAVE_XEN_HEADERS).
 */
#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/domctl.h>

#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include "testutil.h"

/* The library's constants are Xen's. */
_Static_assert(sizeof(struct xen_domctl) == DTG_DOMCTL_SIZE, "xen_domctl size");
_Static_assert(XEN_DOMCTL_iomem_permission == DTG_DOMCTL_IOMEM_PERMISSION, "cmd");
_Static_assert(XEN_DOMCTL_memory_mapping == DTG_DOMCTL_MEMORY_MAPPING, "cmd");
_Static_assert(XEN_DOMCTL_irq_permission == DTG_DOMCTL_IRQ_PERMISSION, "cmd");
_Static_assert(XEN_DOMCTL_bind_pt_irq == DTG_DOMCTL_BIND_PT_IRQ, "cmd");
_Static_assert(XEN_DOMCTL_assign_device == DTG_DOMCTL_ASSIGN_DEVICE, "cmd");
/* Any release's libxen-dev from 4.17 to 4.22 (Debian 12's is 4.17): the
 * five payloads compared here have the same layout in all of them. */
_Static_assert(XEN_DOMCTL_INTERFACE_VERSION >= DTG_XEN_4_17_DOMCTL_VERSION &&
	       XEN_DOMCTL_INTERFACE_VERSION <= DTG_XEN_4_22_DOMCTL_VERSION,
	       "libxen-dev 4.17 .. 4.22 interface version");

/* The toolstack's handle for a path: its address, as libxenctrl passes. */
static uint64_t path_address(void *opaque, const char *path)
{
	(void)opaque;
	return (uint64_t)(uintptr_t)path;
}

/* One op as libxenctrl's xc_* wrappers fill struct xen_domctl. */
static void xen_record(const struct dtg_op *op, uint32_t version,
		       uint16_t domid, struct xen_domctl *x)
{
	memset(x, 0, sizeof(*x));
	x->interface_version = version;
	x->domain = domid;
	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		x->cmd = XEN_DOMCTL_iomem_permission;
		x->u.iomem_permission.first_mfn = op->u.iomem.first_mfn;
		x->u.iomem_permission.nr_mfns = op->u.iomem.nr_mfns;
		x->u.iomem_permission.allow_access = op->u.iomem.allow;
		break;
	case DTG_OP_MEMORY_MAPPING:
		x->cmd = XEN_DOMCTL_memory_mapping;
		x->u.memory_mapping.first_gfn = op->u.mapping.first_gfn;
		x->u.memory_mapping.first_mfn = op->u.mapping.first_mfn;
		x->u.memory_mapping.nr_mfns = op->u.mapping.nr_mfns;
		x->u.memory_mapping.add_mapping =
			op->u.mapping.add ? DPCI_ADD_MAPPING : DPCI_REMOVE_MAPPING;
		break;
	case DTG_OP_IRQ_PERMISSION:
		x->cmd = XEN_DOMCTL_irq_permission;
		x->u.irq_permission.pirq = op->u.irq.pirq;
		x->u.irq_permission.allow_access = op->u.irq.allow;
		break;
	case DTG_OP_BIND_PT_IRQ:
		x->cmd = XEN_DOMCTL_bind_pt_irq;
		x->u.bind_pt_irq.machine_irq = op->u.bind.machine_irq;
		x->u.bind_pt_irq.irq_type = PT_IRQ_TYPE_SPI;
		x->u.bind_pt_irq.u.spi.spi = op->u.bind.spi;
		break;
	case DTG_OP_ASSIGN_DEVICE:
		x->cmd = XEN_DOMCTL_assign_device;
		x->u.assign_device.dev = XEN_DOMCTL_DEV_DT;
		x->u.assign_device.flags = 0;
		x->u.assign_device.u.dt.size = (uint32_t)strlen(op->u.assign.path);
		set_xen_guest_handle(x->u.assign_device.u.dt.path,
				     (char *)op->u.assign.path);
		break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		/* a proposal: no release's domctl.h has it to compare with */
		ck_abort_msg("alloc_vsid_range in a plan compared with Xen's headers");
		break;
	}
}

static void compare_domain(const dtg_domain *d, const char *what)
{
	/*
	 * Every release 4.17 .. 4.22: their domctl.h (at the RELEASE-4.x.0
	 * tags) have these five payloads and struct xen_domctl as 4.17's, so
	 * Debian's 4.17 structs with each release's version are the records.
	 */
	static const uint32_t versions[] = {
		DTG_XEN_4_17_DOMCTL_VERSION, DTG_XEN_4_18_DOMCTL_VERSION,
		DTG_XEN_4_19_DOMCTL_VERSION, DTG_XEN_4_20_DOMCTL_VERSION,
		DTG_XEN_4_21_DOMCTL_VERSION, DTG_XEN_4_22_DOMCTL_VERSION
	};
	struct dtg_op *ops;
	size_t n = 0, need = 0;

	ck_assert_int_eq(dtg_plan_ops(d, NULL, 0, &n), -DTG_ENOSPACE);
	ops = calloc(n, sizeof(*ops));
	ck_assert_int_eq(dtg_plan_ops(d, ops, n, &n), 0);
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		uint8_t *buf;

		ck_assert_int_eq(dtg_plan_encode(d, versions[v], 17, path_address,
						 NULL, NULL, 0, &need),
				 -DTG_ENOSPACE);
		ck_assert_uint_eq(need, n * sizeof(struct xen_domctl));
		buf = malloc(need);
		ck_assert_int_eq(dtg_plan_encode(d, versions[v], 17, path_address,
						 NULL, buf, need, &need), 0);
		for (size_t i = 0; i < n; i++) {
			struct xen_domctl x;
			const uint8_t *got = buf + i * sizeof(x);

			xen_record(&ops[i], versions[v], 17, &x);
			for (size_t b = 0; b < sizeof(x); b++)
				ck_assert_msg(got[b] == ((const uint8_t *)&x)[b],
					      "%s: op %zu (%s), version %#x: byte %zu is %#x, Xen's struct has %#x",
					      what, i, dtg_op_name(ops[i].kind),
					      versions[v], b, got[b],
					      ((const uint8_t *)&x)[b]);
		}
		free(buf);
	}
	printf("%s: %zu ops identical to Xen's structs (libxen-dev interface %#x)\n",
	       what, n, XEN_DOMCTL_INTERFACE_VERSION);
	free(ops);
}

struct fixture {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d;
};

static int start(struct fixture *fx, dtg_host *host, const char *path,
		 enum dtg_iommu_mode mode)
{
	int dev;

	fx->host = host;
	ck_assert_int_eq(dtg_domain_new(fx->ctx, fx->host, &fx->d), 0);
	dev = dtg_domain_add_passthrough(fx->d, path);
	ck_assert_msg(dev >= 0, "%s: %s", path, dtg_last_error(fx->ctx));
	ck_assert_int_eq(dtg_pt_set_iommu(fx->d, dev, mode), 0);
	return dev;
}

static void done(struct fixture *fx, const char *what)
{
	ck_assert_msg(dtg_domain_finalize(fx->d) == 0, "%s: %s", what,
		      dtg_last_error(fx->ctx));
	compare_domain(fx->d, what);
	dtg_domain_free(fx->d);
	dtg_host_free(fx->host);
	tu_ctx_free(fx->ctx);
}

START_TEST(test_virt_pl031)
{
	struct fixture fx = { tu_ctx_new(), NULL, NULL };

	start(&fx, tu_load_host(fx.ctx, "virt.dtb"), "/pl031@9010000",
	      DTG_IOMMU_MODE_OFF);
	done(&fx, "virt /pl031@9010000");
}
END_TEST

START_TEST(test_zcu102_gem)
{
	static const char *const clocks[] = {
		"pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk"
	};
	struct fixture fx = { tu_ctx_new(), NULL, NULL };
	int dev;

	/* the MMU-500 enabled: disabled, Xen refuses assign_device */
	dev = start(&fx, tu_load_host_enabled(fx.ctx, "zynqmp-zcu102-rev1.0.dtb",
					      "/axi/iommu@fd800000"),
		    "/axi/ethernet@ff0e0000", DTG_IOMMU_MODE_ON);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(fx.d, dev, clocks[i],
						       125000000), 0);
	done(&fx, "zcu102 /axi/ethernet@ff0e0000");
}
END_TEST

/* DRA7 DSP1: l2ram is 72 pages, so memory_mapping is batched. */
START_TEST(test_dra7_dsp)
{
	struct fixture fx = { tu_ctx_new(), NULL, NULL };
	int dev;

	dev = start(&fx, tu_load_host(fx.ctx, "dra7-evm.dtb"),
		    "/ocp/dsp@40800000", DTG_IOMMU_MODE_OFF);
	ck_assert_int_eq(dtg_pt_set_placement(fx.d, dev, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(fx.d, dev, "0", 600000000), 0);
	done(&fx, "dra7 /ocp/dsp@40800000");
}
END_TEST

/* A 1 MiB device with IRQs behind a translated bus, IOMMU-protected. */
START_TEST(test_one_mib)
{
	static const char dts[] =
		"/dts-v1/;\n"
		"/ {\n"
		"  #address-cells = <2>; #size-cells = <2>;\n"
		"  interrupt-parent = <&gic>;\n"
		"  gic: interrupt-controller@8000000 {\n"
		"    compatible = \"arm,gic-400\"; #interrupt-cells = <3>;\n"
		"    #address-cells = <0>; interrupt-controller;\n"
		"    reg = <0 0x8000000 0 0x1000>, <0 0x8010000 0 0x2000>;\n"
		"  };\n"
		"  smmu: iommu@9000000 {\n"
		"    compatible = \"arm,mmu-500\"; reg = <0 0x9000000 0 0x10000>;\n"
		"    #iommu-cells = <1>; #global-interrupts = <1>;\n"
		"    interrupts = <0 60 4>, <0 61 4>;\n"
		"  };\n"
		"  soc@c000000 {\n"
		"    compatible = \"simple-bus\"; #address-cells = <1>; #size-cells = <1>;\n"
		"    ranges = <0x0 0x0 0xc000000 0x2000000>;\n"
		"    big@100000 {\n"
		"      compatible = \"test,big\"; reg = <0x100000 0x100000>;\n"
		"      interrupts = <0 40 4>, <0 41 1>;\n"
		"      iommus = <&smmu 0x12>;\n"
		"    };\n"
		"  };\n"
		"};\n";
	struct fixture fx = { tu_ctx_new(), NULL, NULL };

	start(&fx, tu_load_host_dts(fx.ctx, dts), "/soc@c000000/big@100000",
	      DTG_IOMMU_MODE_ON);
	done(&fx, "1 MiB /soc@c000000/big@100000");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("domctl_xen");
	TCase *tc = tcase_create("xen-headers");

	tcase_add_test(tc, test_virt_pl031);
	tcase_add_test(tc, test_zcu102_gem);
	tcase_add_test(tc, test_dra7_dsp);
	tcase_add_test(tc, test_one_mib);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
