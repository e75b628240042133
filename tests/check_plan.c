/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_plan.c - the domctl plan of real domains: order, 64-page
 * batching, IRQ de-duplication, the executor stopping at the first
 * failure, the struct xen_domctl byte layout, text/JSON and xl.cfg.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>
#include <xendtgen/viommu.h>
#include <libfdt.h>
#include "testutil.h"

/*
 * A host with a 1 MiB device (256 pages: 4 full batches) plus a range of
 * 65 pages (64 + 1), one IRQ listed twice, behind a simple-bus whose
 * ranges are not the identity.
 */
static const char big_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <2>; #size-cells = <2>;\n"
	"  compatible = \"test,plan\"; model = \"plan test\";\n"
	"  interrupt-parent = <&gic>;\n"
	"  gic: interrupt-controller@8000000 {\n"
	"    compatible = \"arm,gic-400\"; #interrupt-cells = <3>;\n"
	"    #address-cells = <0>; interrupt-controller;\n"
	"    reg = <0 0x8000000 0 0x1000>, <0 0x8010000 0 0x2000>;\n"
	"  };\n"
	"  clk: clock {\n"
	"    compatible = \"fixed-clock\"; #clock-cells = <0>;\n"
	"    clock-frequency = <100000000>;\n"
	"  };\n"
	"  soc@c000000 {\n"
	"    compatible = \"simple-bus\"; #address-cells = <1>; #size-cells = <1>;\n"
	"    ranges = <0x0 0x0 0xc000000 0x2000000>;\n"
	"    big@100000 {\n"
	"      compatible = \"test,big\";\n"
	"      reg = <0x100000 0x100000>, <0x300000 0x41000>;\n"
	"      interrupts = <0 40 4>, <0 41 1>, <0 40 4>;\n"
	"      clocks = <&clk>; clock-names = \"core\";\n"
	"    };\n"
	"    small@400000 {\n"
	"      compatible = \"test,small\";\n"
	"      reg = <0x400000 0x1000>;\n"
	"      interrupts = <0 42 4>;\n"
	"    };\n"
	"  };\n"
	"};\n";

#define BIG_PATH "/soc@c000000/big@100000"
#define SMALL_PATH "/soc@c000000/small@400000"

struct fixture {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d;
};

static void fx_free(struct fixture *fx)
{
	dtg_domain_free(fx->d);
	dtg_host_free(fx->host);
	tu_ctx_free(fx->ctx);
}

static int add_dev(struct fixture *fx, const char *path, enum dtg_iommu_mode m)
{
	int dev = dtg_domain_add_passthrough(fx->d, path);

	ck_assert_msg(dev >= 0, "%s: %s", path, dtg_last_error(fx->ctx));
	ck_assert_int_eq(dtg_pt_set_iommu(fx->d, dev, m), 0);
	return dev;
}

static void finalize(struct fixture *fx)
{
	int r = dtg_domain_finalize(fx->d);

	ck_assert_msg(r == 0, "finalize: %s", dtg_last_error(fx->ctx));
}

/* QEMU virt: /pl031@9010000 forced without IOMMU. */
static void virt_pl031(struct fixture *fx)
{
	fx->ctx = tu_ctx_new();
	fx->host = tu_load_host(fx->ctx, "virt.dtb");
	ck_assert_int_eq(dtg_domain_new(fx->ctx, fx->host, &fx->d), 0);
	add_dev(fx, "/pl031@9010000", DTG_IOMMU_MODE_OFF);
	finalize(fx);
}

/*
 * ZCU102: the GEM behind the MMU-500 (enabled, as in the DTs Xen boots
 * with: with it disabled, Xen would not protect the GEM and
 * iommu_assign_dt_device() would refuse assign_device), with clock rates
 * given.
 */
static void zcu102_gem(struct fixture *fx)
{
	static const char *const clocks[] = {
		"pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk"
	};
	int dev;

	fx->ctx = tu_ctx_new();
	fx->host = tu_load_host_enabled(fx->ctx, "zynqmp-zcu102-rev1.0.dtb",
					"/axi/iommu@fd800000");
	ck_assert_int_eq(dtg_domain_new(fx->ctx, fx->host, &fx->d), 0);
	dev = add_dev(fx, "/axi/ethernet@ff0e0000", DTG_IOMMU_MODE_ON);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(fx->d, dev, clocks[i],
						       125000000), 0);
	finalize(fx);
}

/* The synthetic host: big (range 0 placed at a fixed guest address). */
static void big_host(struct fixture *fx)
{
	int dev;

	fx->ctx = tu_ctx_new();
	fx->host = tu_load_host_dts(fx->ctx, big_dts);
	ck_assert_int_eq(dtg_domain_new(fx->ctx, fx->host, &fx->d), 0);
	dev = add_dev(fx, BIG_PATH, DTG_IOMMU_MODE_OFF);
	ck_assert_int_eq(dtg_pt_set_placement(fx->d, dev, 0, DTG_PLACE_FIXED,
					      0x0a000000), 0);
	add_dev(fx, SMALL_PATH, DTG_IOMMU_MODE_OFF);
	finalize(fx);
}

static struct dtg_op *plan_of(const dtg_domain *d, size_t *n)
{
	struct dtg_op *ops;
	size_t cap = 0;

	ck_assert_int_eq(dtg_plan_ops(d, NULL, 0, &cap), cap ? -DTG_ENOSPACE : 0);
	ops = calloc(cap + 1, sizeof(*ops));
	ck_assert_ptr_nonnull(ops);
	ck_assert_int_eq(dtg_plan_ops(d, ops, cap, n), 0);
	ck_assert_uint_eq(*n, cap);
	return ops;
}

/*
 * The plan must follow the finalized decisions exactly: per device, per
 * range iomem_permission over the mapped pages then memory_mapping
 * batches of <= 64 pages covering them contiguously; per distinct IRQ
 * irq_permission then bind_pt_irq (virtual == physical); assign_device
 * last when IOMMU-protected.  Checked against dtg_domain_pt_info().
 */
static void check_plan_matches_domain(const dtg_domain *d,
				      const struct dtg_op *ops, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < dtg_domain_pt_count(d); i++) {
		struct dtg_pt_info pi;

		ck_assert_int_eq(dtg_domain_pt_info(d, i, &pi), 0);
		for (size_t r = 0; r < pi.nrange; r++) {
			uint64_t pages = pi.range[r].map_size >> 12, done = 0;

			ck_assert_uint_lt(k, n);
			ck_assert_int_eq(ops[k].kind, DTG_OP_IOMEM_PERMISSION);
			ck_assert_int_eq(ops[k].device, (int)i);
			ck_assert_uint_eq(ops[k].u.iomem.first_mfn,
					  pi.range[r].map_host >> 12);
			ck_assert_uint_eq(ops[k].u.iomem.nr_mfns, pages);
			ck_assert(ops[k].u.iomem.allow);
			k++;
			while (done < pages) {
				ck_assert_uint_lt(k, n);
				ck_assert_int_eq(ops[k].kind, DTG_OP_MEMORY_MAPPING);
				ck_assert_uint_eq(ops[k].u.mapping.first_mfn,
						  (pi.range[r].map_host >> 12) + done);
				ck_assert_uint_eq(ops[k].u.mapping.first_gfn,
						  (pi.range[r].map_guest >> 12) + done);
				ck_assert_uint_gt(ops[k].u.mapping.nr_mfns, 0);
				ck_assert_uint_le(ops[k].u.mapping.nr_mfns,
						  DTG_MEMORY_MAPPING_BATCH);
				/* only the last batch may be short */
				if (done + ops[k].u.mapping.nr_mfns < pages)
					ck_assert_uint_eq(ops[k].u.mapping.nr_mfns,
							  DTG_MEMORY_MAPPING_BATCH);
				ck_assert(ops[k].u.mapping.add);
				done += ops[k].u.mapping.nr_mfns;
				k++;
			}
			ck_assert_uint_eq(done, pages);
		}
		for (size_t j = 0; j < pi.nirq; j++) {
			bool dup = false;

			for (size_t m = 0; m < j; m++)
				dup |= pi.irq[m].intid == pi.irq[j].intid;
			if (dup)
				continue;
			ck_assert_uint_lt(k + 1, n);
			ck_assert_int_eq(ops[k].kind, DTG_OP_IRQ_PERMISSION);
			ck_assert_uint_eq(ops[k].u.irq.pirq, pi.irq[j].intid);
			ck_assert(ops[k].u.irq.allow);
			k++;
			ck_assert_int_eq(ops[k].kind, DTG_OP_BIND_PT_IRQ);
			/*
			 * Xen's Arm XEN_DOMCTL_bind_pt_irq (arch/arm/domctl.c)
			 * reads machine_irq as the guest's virq and u.spi.spi
			 * as the host irq, and refuses them unequal.
			 */
			ck_assert_uint_eq(ops[k].u.bind.machine_irq, pi.irq[j].virq);
			ck_assert_uint_eq(ops[k].u.bind.spi, pi.irq[j].intid);
			ck_assert_uint_eq(ops[k].u.bind.spi, ops[k].u.bind.machine_irq);
			k++;
		}
		if (pi.iommu) {
			ck_assert_uint_lt(k, n);
			ck_assert_int_eq(ops[k].kind, DTG_OP_ASSIGN_DEVICE);
			ck_assert_str_eq(ops[k].u.assign.path, pi.host_path);
			k++;
		}
	}
	ck_assert_uint_eq(k, n);
}

START_TEST(test_virt_pl031)
{
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n;

	virt_pl031(&fx);
	ops = plan_of(fx.d, &n);
	check_plan_matches_domain(fx.d, ops, n);
	/* Facts of QEMU virt: pl031 at 0x9010000 (one page), SPI 2. */
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(ops[0].u.iomem.first_mfn, 0x9010);
	ck_assert_uint_eq(ops[0].u.iomem.nr_mfns, 1);
	ck_assert_uint_eq(ops[1].u.mapping.first_gfn, 0x9010);
	ck_assert_uint_eq(ops[2].u.irq.pirq, 34);
	ck_assert_uint_eq(ops[3].u.bind.spi, 34);
	free(ops);
	fx_free(&fx);
}
END_TEST

START_TEST(test_zcu102_gem)
{
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n, nirq = 0;

	zcu102_gem(&fx);
	ops = plan_of(fx.d, &n);
	check_plan_matches_domain(fx.d, ops, n);
	/* The GEM lists SPI 63 twice: one irq_permission, one bind. */
	for (size_t i = 0; i < n; i++)
		nirq += ops[i].kind == DTG_OP_BIND_PT_IRQ;
	ck_assert_uint_eq(nirq, 1);
	ck_assert_int_eq(ops[n - 1].kind, DTG_OP_ASSIGN_DEVICE);
	ck_assert_str_eq(ops[n - 1].u.assign.path, "/axi/ethernet@ff0e0000");
	ck_assert_uint_eq(ops[0].u.iomem.first_mfn, 0xff0e0);
	free(ops);
	fx_free(&fx);
}
END_TEST

START_TEST(test_batching)
{
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n, maps = 0;

	big_host(&fx);
	ops = plan_of(fx.d, &n);
	check_plan_matches_domain(fx.d, ops, n);
	/* 256 pages -> 4 batches, 65 pages -> 64 + 1, 1 page -> 1 */
	for (size_t i = 0; i < n; i++)
		maps += ops[i].kind == DTG_OP_MEMORY_MAPPING;
	ck_assert_uint_eq(maps, 4 + 2 + 1);
	ck_assert_int_eq(ops[0].kind, DTG_OP_IOMEM_PERMISSION);
	ck_assert_uint_eq(ops[0].u.iomem.first_mfn, 0xc100);
	ck_assert_uint_eq(ops[0].u.iomem.nr_mfns, 256);
	ck_assert_uint_eq(ops[1].u.mapping.first_gfn, 0xa000);
	ck_assert_uint_eq(ops[4].u.mapping.first_gfn, 0xa000 + 192);
	ck_assert_uint_eq(ops[4].u.mapping.first_mfn, 0xc100 + 192);
	ck_assert_uint_eq(ops[7].u.mapping.nr_mfns, 1);
	free(ops);
	fx_free(&fx);
}
END_TEST

START_TEST(test_dra7_dsp)
{
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n, maps = 0;
	int dev;

	fx.ctx = tu_ctx_new();
	fx.host = tu_load_host(fx.ctx, "dra7-evm.dtb");
	ck_assert_int_eq(dtg_domain_new(fx.ctx, fx.host, &fx.d), 0);
	dev = add_dev(&fx, "/ocp/dsp@40800000", DTG_IOMMU_MODE_OFF);
	ck_assert_int_eq(dtg_pt_set_placement(fx.d, dev, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(fx.d, dev, "0", 600000000), 0);
	finalize(&fx);
	ops = plan_of(fx.d, &n);
	check_plan_matches_domain(fx.d, ops, n);
	/* l2ram is 0x48000 = 72 pages (64 + 8); l1pram, l1dram 8 each */
	for (size_t i = 0; i < n; i++)
		maps += ops[i].kind == DTG_OP_MEMORY_MAPPING;
	ck_assert_uint_eq(maps, 2 + 1 + 1);
	ck_assert_uint_eq(ops[0].u.iomem.nr_mfns, 72);
	free(ops);
	fx_free(&fx);
}
END_TEST

START_TEST(test_enospace_and_state)
{
	struct fixture fx = { 0 };
	struct dtg_op one;
	size_t n = 0, need = 0;
	uint8_t small[DTG_DOMCTL_SIZE];
	dtg_domain *raw;

	virt_pl031(&fx);
	ck_assert_int_eq(dtg_plan_ops(fx.d, &one, 1, &n), -DTG_ENOSPACE);
	ck_assert_uint_eq(n, 4);
	/* the ops that fit are filled */
	ck_assert_int_eq(one.kind, DTG_OP_IOMEM_PERMISSION);
	ck_assert_int_eq(dtg_plan_encode(fx.d, DTG_XEN_4_17_DOMCTL_VERSION, 1,
					 NULL, NULL, small, sizeof(small), &need),
			 -DTG_ENOSPACE);
	ck_assert_uint_eq(need, 4 * DTG_DOMCTL_SIZE);
	ck_assert_int_lt(dtg_plan_encode(fx.d, 0x14, 1, NULL, NULL, NULL, 0,
					 &need), 0);

	/* a domain that is not finalized has no plan */
	ck_assert_int_eq(dtg_domain_new(fx.ctx, fx.host, &raw), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(raw, "/pl031@9010000"), 0);
	ck_assert_int_eq(dtg_plan_ops(raw, NULL, 0, &n), -DTG_ESTATE);
	ck_assert_int_eq(dtg_plan_encode(raw, DTG_XEN_4_22_DOMCTL_VERSION, 1,
					 NULL, NULL, NULL, 0, &need), -DTG_ESTATE);
	dtg_domain_free(raw);
	fx_free(&fx);
}
END_TEST

/* ---- executor ---- */

struct recorder {
	struct dtg_op ops[64];
	size_t n;
	size_t fail_at;   /* index of the call that fails (SIZE_MAX: none) */
	uint32_t domid;
	bool inverse[64]; /* call i was unbind_pt_spi_irq/deassign_dt_device */
	size_t fail_at2;  /* a second failing call (0: none) */
};

static int rec(struct recorder *r, const struct dtg_op *op, uint32_t domid)
{
	ck_assert_uint_lt(r->n, 64);
	ck_assert_uint_eq(domid, r->domid);
	r->ops[r->n] = *op;
	if (r->fail_at2 && r->n == r->fail_at2) {
		r->n++;
		return -2;
	}
	return r->n++ == r->fail_at ? -1 : 0;
}

static int rec_iomem(void *o, uint32_t domid, uint64_t mfn, uint64_t nr,
		     uint8_t allow)
{
	struct dtg_op op = { .kind = DTG_OP_IOMEM_PERMISSION };

	op.u.iomem.first_mfn = mfn;
	op.u.iomem.nr_mfns = nr;
	op.u.iomem.allow = allow;
	return rec(o, &op, domid);
}

static int rec_map(void *o, uint32_t domid, uint64_t gfn, uint64_t mfn,
		   uint64_t nr, uint32_t add)
{
	struct dtg_op op = { .kind = DTG_OP_MEMORY_MAPPING };

	op.u.mapping.first_gfn = gfn;
	op.u.mapping.first_mfn = mfn;
	op.u.mapping.nr_mfns = nr;
	op.u.mapping.add = add;
	return rec(o, &op, domid);
}

static int rec_irq(void *o, uint32_t domid, uint32_t pirq, bool allow)
{
	struct dtg_op op = { .kind = DTG_OP_IRQ_PERMISSION };

	op.u.irq.pirq = pirq;
	op.u.irq.allow = allow;
	return rec(o, &op, domid);
}

static int rec_bind(void *o, uint32_t domid, uint32_t vspi, uint16_t spi)
{
	struct dtg_op op = { .kind = DTG_OP_BIND_PT_IRQ };

	op.u.bind.machine_irq = vspi;
	op.u.bind.spi = spi;
	return rec(o, &op, domid);
}

static int rec_assign(void *o, uint32_t domid, const char *path)
{
	struct dtg_op op = { .kind = DTG_OP_ASSIGN_DEVICE };

	op.u.assign.path = path;
	return rec(o, &op, domid);
}

static const struct dtg_xc_ops rec_ops = {
	.iomem_permission = rec_iomem,
	.memory_mapping = rec_map,
	.irq_permission = rec_irq,
	.bind_pt_spi_irq = rec_bind,
	.assign_dt_device = rec_assign,
};

static int rec_unbind(void *o, uint32_t domid, uint32_t vspi, uint16_t spi)
{
	struct recorder *r = o;

	r->inverse[r->n] = true;
	return rec_bind(o, domid, vspi, spi);
}

static int rec_deassign(void *o, uint32_t domid, const char *path)
{
	struct recorder *r = o;

	r->inverse[r->n] = true;
	return rec_assign(o, domid, path);
}

/* With the inverses: a failed plan is undone. */
static const struct dtg_xc_ops undo_ops = {
	.iomem_permission = rec_iomem,
	.memory_mapping = rec_map,
	.irq_permission = rec_irq,
	.bind_pt_spi_irq = rec_bind,
	.assign_dt_device = rec_assign,
	.deassign_dt_device = rec_deassign,
	.unbind_pt_spi_irq = rec_unbind,
};

static bool same_op(const struct dtg_op *a, const struct dtg_op *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		return a->u.iomem.first_mfn == b->u.iomem.first_mfn &&
		       a->u.iomem.nr_mfns == b->u.iomem.nr_mfns &&
		       a->u.iomem.allow == b->u.iomem.allow;
	case DTG_OP_MEMORY_MAPPING:
		return a->u.mapping.first_gfn == b->u.mapping.first_gfn &&
		       a->u.mapping.first_mfn == b->u.mapping.first_mfn &&
		       a->u.mapping.nr_mfns == b->u.mapping.nr_mfns &&
		       a->u.mapping.add == b->u.mapping.add;
	case DTG_OP_IRQ_PERMISSION:
		return a->u.irq.pirq == b->u.irq.pirq &&
		       a->u.irq.allow == b->u.irq.allow;
	case DTG_OP_BIND_PT_IRQ:
		return a->u.bind.machine_irq == b->u.bind.machine_irq &&
		       a->u.bind.spi == b->u.bind.spi;
	case DTG_OP_ASSIGN_DEVICE:
		return !strcmp(a->u.assign.path, b->u.assign.path);
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		return a->u.vsid.first_psid == b->u.vsid.first_psid &&
		       a->u.vsid.nr_sids == b->u.vsid.nr_sids;
	}
	return false;
}

START_TEST(test_execute_all)
{
	struct fixture fx = { 0 };
	struct recorder r = { .fail_at = SIZE_MAX, .domid = 7 };
	struct dtg_op *ops;
	size_t n, failed = 99;

	zcu102_gem(&fx);
	ops = plan_of(fx.d, &n);
	ck_assert_int_eq(dtg_plan_execute(fx.d, 7, &rec_ops, &r, &failed), 0);
	ck_assert_uint_eq(failed, 99);   /* untouched on success */
	ck_assert_uint_eq(r.n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(same_op(&r.ops[i], &ops[i]), "op %zu differs", i);
	free(ops);
	fx_free(&fx);
}
END_TEST

START_TEST(test_execute_stops)
{
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n;

	big_host(&fx);
	ops = plan_of(fx.d, &n);
	for (size_t at = 0; at < n; at++) {
		struct recorder r = { .fail_at = at, .domid = 3 };
		size_t failed = SIZE_MAX;

		ck_assert_int_eq(dtg_plan_execute(fx.d, 3, &rec_ops, &r, &failed),
				 -DTG_ECALLBACK);
		ck_assert_uint_eq(failed, at);
		ck_assert_uint_eq(r.n, at + 1);   /* nothing after the failure */
		ck_assert_ptr_nonnull(strstr(dtg_last_error(fx.ctx),
					     dtg_op_name(ops[at].kind)));
		ck_assert_ptr_nonnull(strstr(dtg_last_error(fx.ctx),
					     ops[at].device == 0 ? BIG_PATH : SMALL_PATH));
	}
	/* every callback is required */
	struct dtg_xc_ops partial = rec_ops;
	partial.bind_pt_spi_irq = NULL;
	ck_assert_int_eq(dtg_plan_execute(fx.d, 3, &partial, NULL, NULL),
			 -DTG_EINVAL);
	free(ops);
	fx_free(&fx);
}
END_TEST

/* Call c of r is the inverse of plan op p. */
static void assert_inverse(const struct recorder *r, size_t c,
			   const struct dtg_op *p)
{
	struct dtg_op want = *p;
	bool by_inverse_callback = false;

	switch (p->kind) {
	case DTG_OP_IOMEM_PERMISSION: want.u.iomem.allow = false; break;
	case DTG_OP_MEMORY_MAPPING: want.u.mapping.add = false; break;
	case DTG_OP_IRQ_PERMISSION: want.u.irq.allow = false; break;
	case DTG_OP_BIND_PT_IRQ:
	case DTG_OP_ASSIGN_DEVICE: by_inverse_callback = true; break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE: break; /* not in these plans */
	}
	ck_assert_msg(same_op(&r->ops[c], &want), "call %zu is not the inverse of %s",
		      c, dtg_op_name(p->kind));
	ck_assert_int_eq(r->inverse[c], by_inverse_callback);
}

/*
 * libxl's own failure path (libxl__arch_domain_create failing after some
 * xc calls) leaves the domain to be destroyed; a toolstack that keeps the
 * domain needs each done op undone, last first: unbind before the IRQ
 * permission goes, unmap before the iomem permission goes.
 */
START_TEST(test_execute_undoes)
{
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n;

	big_host(&fx);
	ops = plan_of(fx.d, &n);
	for (size_t at = 0; at < n; at++) {
		struct recorder r = { .fail_at = at, .domid = 3 };
		size_t failed = SIZE_MAX;

		ck_assert_int_eq(dtg_plan_execute(fx.d, 3, &undo_ops, &r, &failed),
				 -DTG_ECALLBACK);
		ck_assert_uint_eq(failed, at);
		ck_assert_uint_eq(r.n, 2 * at + 1);
		for (size_t j = 0; j < at; j++)
			assert_inverse(&r, at + 1 + j, &ops[at - 1 - j]);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(fx.ctx), "were undone"));
		ck_assert_ptr_nonnull(strstr(dtg_last_error(fx.ctx),
					     dtg_op_name(ops[at].kind)));
	}
	/* an undo that fails: the others still run, the message names it */
	struct recorder r = { .fail_at = n - 1, .fail_at2 = n + 1, .domid = 3 };
	ck_assert_int_eq(dtg_plan_execute(fx.d, 3, &undo_ops, &r, NULL),
			 -DTG_ECALLBACK);
	ck_assert_uint_eq(r.n, 2 * n - 1);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(fx.ctx), "failed too: -2"));

	/* dtg_plan_undo of the whole plan: every op's inverse, last first */
	struct recorder u = { .fail_at = SIZE_MAX, .domid = 3 };
	ck_assert_int_eq(dtg_plan_undo(fx.d, 3, &undo_ops, &u, n), 0);
	ck_assert_uint_eq(u.n, n);
	for (size_t j = 0; j < n; j++)
		assert_inverse(&u, j, &ops[n - 1 - j]);
	ck_assert_int_eq(dtg_plan_undo(fx.d, 3, &undo_ops, &u, n + 1), -DTG_EINVAL);
	ck_assert_int_eq(dtg_plan_undo(fx.d, 3, &rec_ops, &u, n), -DTG_EINVAL);
	free(ops);
	fx_free(&fx);
}
END_TEST

/* ---- encoding ---- */

static uint64_t le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t fake_handle(void *opaque, const char *path)
{
	(void)opaque;
	return 0x1122334455667700ULL | (uint64_t)strlen(path);
}

/* Bytes [from, to) of a record are zero. */
static void zero_between(const uint8_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		ck_assert_msg(p[i] == 0, "byte %zu is %#x", i, p[i]);
}

static void check_record(const uint8_t *p, const struct dtg_op *op,
			 uint32_t version, uint16_t domid)
{
	const uint8_t *u = p + 16;

	ck_assert_uint_eq(le(p + 4, 4), version);
	ck_assert_uint_eq(le(p + 8, 2), domid);
	zero_between(p, 10, 16);
	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		ck_assert_uint_eq(le(p, 4), 20);
		ck_assert_uint_eq(le(u, 8), op->u.iomem.first_mfn);
		ck_assert_uint_eq(le(u + 8, 8), op->u.iomem.nr_mfns);
		ck_assert_uint_eq(u[16], 1);
		zero_between(u, 17, 128);
		break;
	case DTG_OP_MEMORY_MAPPING:
		ck_assert_uint_eq(le(p, 4), 39);
		ck_assert_uint_eq(le(u, 8), op->u.mapping.first_gfn);
		ck_assert_uint_eq(le(u + 8, 8), op->u.mapping.first_mfn);
		ck_assert_uint_eq(le(u + 16, 8), op->u.mapping.nr_mfns);
		ck_assert_uint_eq(le(u + 24, 4), 1);
		zero_between(u, 28, 128);
		break;
	case DTG_OP_IRQ_PERMISSION:
		ck_assert_uint_eq(le(p, 4), 19);
		ck_assert_uint_eq(le(u, 4), op->u.irq.pirq);
		ck_assert_uint_eq(u[4], 1);
		zero_between(u, 5, 128);
		break;
	case DTG_OP_BIND_PT_IRQ:
		ck_assert_uint_eq(le(p, 4), 38);
		ck_assert_uint_eq(le(u, 4), op->u.bind.machine_irq);
		ck_assert_uint_eq(le(u + 4, 4), 4);   /* PT_IRQ_TYPE_SPI */
		ck_assert_uint_eq(le(u + 8, 2), op->u.bind.spi);
		zero_between(u, 10, 128);
		break;
	case DTG_OP_ASSIGN_DEVICE:
		ck_assert_uint_eq(le(p, 4), 37);
		ck_assert_uint_eq(le(u, 4), 1);       /* XEN_DOMCTL_DEV_DT */
		ck_assert_uint_eq(le(u + 4, 4), 0);
		ck_assert_uint_eq(le(u + 8, 4), strlen(op->u.assign.path));
		zero_between(u, 12, 16);
		ck_assert_uint_eq(le(u + 16, 8), fake_handle(NULL, op->u.assign.path));
		zero_between(u, 24, 128);
		break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		/* the vSMMUv3 series' domctl 91 (tests/check_vsmmu_series.c) */
		ck_assert_uint_eq(le(p, 4), 91);
		ck_assert_uint_eq(le(u, 4), op->u.vsid.first_psid);
		ck_assert_uint_eq(le(u + 4, 2), op->u.vsid.nr_sids);
		zero_between(u, 6, 128);
		break;
	}
}

START_TEST(test_encode_layout)
{
	struct fixture fx[2] = { { 0 }, { 0 } };

	zcu102_gem(&fx[0]);
	big_host(&fx[1]);
	for (int f = 0; f < 2; f++) {
		struct dtg_op *ops;
		size_t n, need = 0;
		uint8_t *a, *b;

		ops = plan_of(fx[f].d, &n);
		ck_assert_int_eq(dtg_plan_encode(fx[f].d, DTG_XEN_4_17_DOMCTL_VERSION,
						 5, fake_handle, NULL, NULL, 0,
						 &need), -DTG_ENOSPACE);
		ck_assert_uint_eq(need, n * DTG_DOMCTL_SIZE);
		a = malloc(need);
		b = malloc(need);
		memset(a, 0xa5, need);  /* every byte must be written */
		memset(b, 0x5a, need);
		ck_assert_int_eq(dtg_plan_encode(fx[f].d, DTG_XEN_4_17_DOMCTL_VERSION,
						 5, fake_handle, NULL, a, need,
						 &need), 0);
		ck_assert_int_eq(dtg_plan_encode(fx[f].d, DTG_XEN_4_22_DOMCTL_VERSION,
						 0x7fef, fake_handle, NULL, b, need,
						 &need), 0);
		for (size_t i = 0; i < n; i++) {
			check_record(a + i * DTG_DOMCTL_SIZE, &ops[i], 0x15, 5);
			check_record(b + i * DTG_DOMCTL_SIZE, &ops[i], 0x18, 0x7fef);
		}
		free(a);
		free(b);
		free(ops);
		fx_free(&fx[f]);
	}
}
END_TEST

START_TEST(test_encode_null_handle)
{
	struct fixture fx = { 0 };
	size_t need = 0;
	uint8_t *buf;

	zcu102_gem(&fx);
	dtg_plan_encode(fx.d, DTG_XEN_4_22_DOMCTL_VERSION, 1, NULL, NULL,
			NULL, 0, &need);
	buf = malloc(need);
	ck_assert_int_eq(dtg_plan_encode(fx.d, DTG_XEN_4_22_DOMCTL_VERSION, 1,
					 NULL, NULL, buf, need, &need), 0);
	/* the last record is assign_device, its handle 0 */
	ck_assert_uint_eq(le(buf + need - DTG_DOMCTL_SIZE, 4), 37);
	ck_assert_uint_eq(le(buf + need - DTG_DOMCTL_SIZE + 32, 8), 0);
	free(buf);
	fx_free(&fx);
}
END_TEST

/* ---- text and JSON ---- */

START_TEST(test_text_json)
{
	struct fixture fx = { 0 };
	char *text, *json, *path, cmd[512], *res;
	size_t tlen, jlen, lines = 0, n;
	int st;

	big_host(&fx);
	ck_assert_int_eq(dtg_plan_ops(fx.d, NULL, 0, &n), -DTG_ENOSPACE);
	ck_assert_int_eq(dtg_plan_text_alloc(fx.d, &text, &tlen), 0);
	ck_assert_uint_eq(strlen(text), tlen);
	for (size_t i = 0; i < tlen; i++)
		lines += text[i] == '\n';
	ck_assert_uint_eq(lines, n);
	ck_assert_ptr_nonnull(strstr(text, "iomem_permission " BIG_PATH
				     " first_mfn=0xc100 nr_mfns=0x100 allow=1\n"));
	ck_assert_ptr_nonnull(strstr(text, "bind_pt_irq      " SMALL_PATH
				     " machine_irq=74 spi=74\n"));
	dtg_free(fx.ctx, text);

	ck_assert_int_eq(dtg_plan_json_alloc(fx.d, &json, &jlen), 0);
	ck_assert_ptr_nonnull(strstr(json, "{\"op\": \"iomem_permission\", "
				     "\"device\": \"" BIG_PATH "\", "
				     "\"first_mfn\": \"0xc100\""));
	/* a real JSON parser reads it, with one object per op */
	path = tu_write_temp(json, jlen, ".json");
	snprintf(cmd, sizeof(cmd),
		 "%s -c 'import json,sys; a=json.load(open(sys.argv[1])); "
		 "print(len(a), a[1][\"op\"], a[1][\"first_gfn\"])' %s",
		 getenv("PYTHON3") ? getenv("PYTHON3") : "python3", path);
	res = tu_run(cmd, &st);
	ck_assert_int_eq(st, 0);
	snprintf(cmd, sizeof(cmd), "%zu memory_mapping 0xa000\n", n);
	ck_assert_str_eq(res, cmd);
	free(res);
	unlink(path);
	free(path);
	dtg_free(fx.ctx, json);
	fx_free(&fx);
}
END_TEST

/* ---- xl.cfg ---- */

START_TEST(test_xlcfg_pl031)
{
	struct fixture fx = { 0 };
	struct dtg_domain_info info;
	dtg_config *cfg;
	char *out, want[64];
	size_t len;
	int64_t v;

	virt_pl031(&fx);
	ck_assert_int_eq(dtg_xlcfg_alloc(fx.d, NULL, &out, &len), 0);
	ck_assert_uint_eq(strlen(out), len);
	ck_assert_ptr_nonnull(strstr(out, "\niomem = [ \"9010,1@9010\" ]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nirqs = [ 34 ]\n"));
	ck_assert_ptr_null(strstr(out, "dtdev"));        /* forced, no IOMMU */
	ck_assert_ptr_null(strstr(out, "device_tree"));  /* none given */
	ck_assert_int_eq(dtg_domain_get_info(fx.d, &info), 0);
	snprintf(want, sizeof(want), "\nnr_spis = %u\n", info.nr_spis);
	ck_assert_ptr_nonnull(strstr(out, want));

	/* the project's xl.cfg reader takes it back */
	ck_assert_int_eq(dtg_config_parse(fx.ctx, out, len, "out.cfg", &cfg), 0);
	ck_assert_uint_eq(dtg_config_list_len(cfg, "iomem"), 1);
	ck_assert_str_eq(dtg_config_list_item(cfg, "iomem", 0), "9010,1@9010");
	ck_assert_int_eq(dtg_config_number(cfg, "nr_spis", &v), 0);
	ck_assert_int_eq(v, info.nr_spis);
	dtg_config_free(cfg);
	dtg_free(fx.ctx, out);
	fx_free(&fx);
}
END_TEST

START_TEST(test_xlcfg_zcu102)
{
	struct fixture fx = { 0 };
	dtg_config *cfg;
	char *out;
	size_t len;

	zcu102_gem(&fx);
	ck_assert_int_eq(dtg_xlcfg_alloc(fx.d, "/etc/xen/gem \"a\".dtb", &out,
					 &len), 0);
	ck_assert_ptr_nonnull(strstr(out, "\niomem = [ \"ff0e0,1@ff0e0\" ]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nirqs = [ 95 ]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\ndtdev = [ \"/axi/ethernet@ff0e0000\" ]\n"));
	ck_assert_ptr_nonnull(strstr(out, "\ndevice_tree = \"/etc/xen/gem \\\"a\\\".dtb\"\n"));
	ck_assert_int_eq(dtg_config_parse(fx.ctx, out, len, "out.cfg", &cfg), 0);
	ck_assert_str_eq(dtg_config_string(cfg, "device_tree"),
			 "/etc/xen/gem \"a\".dtb");
	ck_assert_str_eq(dtg_config_list_item(cfg, "dtdev", 0),
			 "/axi/ethernet@ff0e0000");
	dtg_config_free(cfg);
	dtg_free(fx.ctx, out);
	fx_free(&fx);
}
END_TEST

/*
 * The ZCU102's own DT disables the MMU-500 the GEM sits behind.  Xen's
 * iommu_add_dt_device() (xen/drivers/passthrough/device_tree.c, 4.17)
 * breaks at iommus entry 0's unavailable IOMMU with rc 1: the GEM is not
 * protected, and XEN_DOMCTL_assign_device's iommu_assign_dt_device()
 * returns -EINVAL for it, failing xl create.  So: assigned without IOMMU
 * everywhere (partial DT force, no dtdev, no assign_device, no vSMMU
 * master), and iommu=yes is refused naming file, node and property.
 */
START_TEST(test_zcu102_smmu_disabled)
{
	static const char *const clocks[] = {
		"pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk"
	};
	struct dtg_viommu_config vcfg = { .type = DTG_VIOMMU_SMMUV3 };
	struct fixture fx = { 0 };
	struct dtg_op *ops;
	size_t n, size;
	char *out;
	void *p;
	int dev, off;

	fx.ctx = tu_ctx_new();
	fx.host = tu_load_host(fx.ctx, "zynqmp-zcu102-rev1.0.dtb");
	ck_assert_int_eq(dtg_domain_new(fx.ctx, fx.host, &fx.d), 0);
	dev = add_dev(&fx, "/axi/ethernet@ff0e0000", DTG_IOMMU_MODE_DEFAULT);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(fx.d, dev, clocks[i],
						       125000000), 0);
	ck_assert_int_eq(dtg_domain_set_viommu(fx.d, &vcfg), 0);
	finalize(&fx);

	/* handle_passthrough_prop (dom0less) / libxl: force, not assign */
	ck_assert_int_eq(dtg_fdt_partial_alloc(fx.d, &p, &size), 0);
	ck_assert_int_eq(fdt_check_full(p, size), 0);
	off = fdt_path_offset(p, "/passthrough/ethernet@ff0e0000");
	ck_assert_int_ge(off, 0);
	ck_assert_ptr_nonnull(fdt_getprop(p, off, "xen,force-assign-without-iommu", NULL));
	ck_assert_ptr_null(fdt_getprop(p, off, "iommus", NULL));
	dtg_free(fx.ctx, p);

	/* xl: dtdev makes libxl issue assign_device */
	ck_assert_int_eq(dtg_xlcfg_alloc(fx.d, "gem.dtb", &out, &size), 0);
	ck_assert_ptr_null(strstr(out, "dtdev"));
	ck_assert_ptr_nonnull(strstr(out, "\niomem = [ \"ff0e0,1@ff0e0\" ]\n"));
	dtg_free(fx.ctx, out);

	ops = plan_of(fx.d, &n);
	check_plan_matches_domain(fx.d, ops, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_ne(ops[i].kind, DTG_OP_ASSIGN_DEVICE);
	free(ops);
	/* bind_masters: an unprotected device is no vSMMU master */
	ck_assert_uint_eq(dtg_domain_vid_count(fx.d), 0);
	fx_free(&fx);

	/* iommu=yes asks for what Xen cannot give */
	fx.ctx = tu_ctx_new();
	fx.host = tu_load_host(fx.ctx, "zynqmp-zcu102-rev1.0.dtb");
	ck_assert_int_eq(dtg_domain_new(fx.ctx, fx.host, &fx.d), 0);
	dev = add_dev(&fx, "/axi/ethernet@ff0e0000", DTG_IOMMU_MODE_ON);
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(fx.d, dev, clocks[i],
						       125000000), 0);
	ck_assert_int_eq(dtg_domain_finalize(fx.d), -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(fx.ctx),
		"zynqmp-zcu102-rev1.0.dtb: /axi/ethernet@ff0e0000: iommus: iommu=yes but the IOMMU /axi/iommu@fd800000 is status \"disabled\""));
	fx_free(&fx);
}
END_TEST

START_TEST(test_xlcfg_big)
{
	struct fixture fx = { 0 };
	char *out;
	size_t len;

	big_host(&fx);
	ck_assert_int_eq(dtg_xlcfg_alloc(fx.d, "guest.dtb", &out, &len), 0);
	/* one entry per range (xl batches memory_mapping itself) */
	ck_assert_ptr_nonnull(strstr(out, "\niomem = [ \"c100,100@a000\", "
				     "\"c300,41@"));
	ck_assert_ptr_nonnull(strstr(out, "\nirqs = [ 72, 73, 74 ]\n"));
	dtg_free(fx.ctx, out);
	fx_free(&fx);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_virt_pl031);
	tcase_add_test(tc, test_zcu102_gem);
	tcase_add_test(tc, test_batching);
	tcase_add_test(tc, test_dra7_dsp);
	tcase_add_test(tc, test_enospace_and_state);
	tcase_add_test(tc, test_execute_all);
	tcase_add_test(tc, test_execute_stops);
	tcase_add_test(tc, test_execute_undoes);
	tcase_add_test(tc, test_encode_layout);
	tcase_add_test(tc, test_encode_null_handle);
	tcase_add_test(tc, test_text_json);
	tcase_add_test(tc, test_xlcfg_pl031);
	tcase_add_test(tc, test_xlcfg_zcu102);
	tcase_add_test(tc, test_zcu102_smmu_disabled);
	tcase_add_test(tc, test_xlcfg_big);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(plan_suite());
}
