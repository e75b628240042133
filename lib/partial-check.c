/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/partial-check.c - apply Xen's partial-DT rules (Xen's
 * domain_handle_dtb_bootmodule()/handle_prop_pfdt()/handle_passthrough_prop()
 * and libxl's copy_partial_fdt()) to any partial DT, against the host.
 *
 * Each defect is reported with what Xen 4.17's and 4.22's dom0less
 * builders and xl do with it (struct effect below, from their code):
 * 4.17 logs most and boots, 4.22 panics on the same, xl ignores xen,*.
 * What is reported is exactly what Xen rejects or what leaves the guest
 * broken:
 *   - /passthrough missing, or its compatible/ranges/#*-cells wrong;
 *   - per node under /passthrough (Xen scans every depth): "xen,reg or
 *     xen,path missing" (Xen's own condition), xen,reg whose length is not
 *     whole triplets, values not page aligned, empty or wrapping ranges,
 *     host ranges that are not the host node's MMIO, guest ranges that
 *     overlap each other or the fixed guest map (GIC, vpl011, grant
 *     table, magic pages); xen,path naming no host node; a host node not
 *     behind an IOMMU without xen,force-assign-without-iommu; reg entries
 *     the guest would access but xen,reg does not map;
 *   - interrupts: no interrupt-parent on the node or an ancestor inside
 *     /passthrough (the dom0less guest root has none), a parent other
 *     than the guest GIC, specifiers not in 3-cell SPI form, trigger
 *     types a GIC SPI cannot have, SPIs the host node does not have
 *     (virtual == physical), SPIs used by two nodes or by the vpl011
 *     (SPI 32), interrupts on a node without xen,path (never routed);
 *   - a top-level /gic without a phandle, any phandle of 0xfde7 or more
 *     (Xen 4.22), interrupt-parent not the GIC each consumer makes, and passthrough
 *     properties in a top-level node other than /passthrough (ignored).
 * Other top-level nodes are not reported: Xen and libxl ignore them.
 * Guest RAM is not checked: the partial DT does not say how much the
 * guest has (dtg_domain_finalize checks it for generated partials).
 */
#include <stdarg.h>
#include <stdio.h>
#include <libfdt.h>

#include <xendtgen/fdt.h>

#include "domain-internal.h"
#include "blob-check.h"
#include "host-internal.h"

#define MAX_DEPTH 64
#define GIC_PHANDLE DTG_GUEST_PHANDLE_GIC
/* Xen's DT_ROOT_NODE_{ADDR,SIZE}_CELLS_DEFAULT, used when #*-cells is absent. */
#define XEN_DEFAULT_AC 2
#define XEN_DEFAULT_SC 1

struct grange {
	uint64_t base, end;   /* [base, end) */
	int node;
	uint64_t delta;       /* host - guest */
};

struct gspi {
	uint32_t intid;
	int node;
};

struct checker {
	dtg_ctx *ctx;
	const dtg_host *host;
	const void *fdt;
	const char *name;
	dtg_partial_issue_fn fn;
	void *opaque;
	int count;
	uint32_t gic_ph;       /* the guest GIC's phandle for dom0less: /gic's, else 0xfde8 */
	bool stop;
	int err;               /* fatal (allocation) error */
	struct grange *gr;
	size_t ngr, capgr;
	struct gspi *spi;
	size_t nspi, capspi;
};

static const struct {
	const char *what;
	uint64_t base, size;
} guest_map[] = {
	{ "GIC distributor", DTG_GUEST_GICD_BASE, DTG_GUEST_GICV3_DIST_SIZE },
	{ "GICv2 CPU interface", DTG_GUEST_GICC_BASE, DTG_GUEST_GICC_SIZE },
	{ "GICv3 redistributors", DTG_GUEST_GICR_BASE, DTG_GUEST_GICR_SIZE },
	{ "vpl011", DTG_GUEST_PL011_BASE, DTG_GUEST_PL011_SIZE },
	{ "grant table", DTG_GUEST_GNTTAB_BASE, DTG_GUEST_GNTTAB_SIZE },
	{ "magic pages", DTG_GUEST_MAGIC_BASE, DTG_GUEST_MAGIC_SIZE },
};

static void node_path(const struct checker *ck, int off, char *buf,
		      size_t size)
{
	if (fdt_get_path(ck->fdt, off, buf, (int)size) < 0)
		snprintf(buf, size, "<node at %d>", off);
}

/*
 * What each consumer does with a defect, from its code:
 *  - Xen 4.17 dom0less (xen/arch/arm/domain_build.c): handle_prop_pfdt()
 *    returns -EINVAL (or handle_passthrough_prop()'s error) for a device
 *    node, but scan_pfdt_node() ignores the result of its recursive calls,
 *    so for every node under /passthrough the error is only logged and
 *    the guest boots, with the steps done before the failure (MMIO
 *    mapped, IRQs routed) kept.  That is E2E.md's observed table.
 *  - Xen 4.22 dom0less (xen/common/device-tree/dom0less-build.c):
 *    scan_pfdt_node() returns the child's error, so
 *    domain_handle_dtb_boot_module() -> prepare_dtb_domU() ->
 *    construct_domU() fail and create_domUs() panics ("Could not set up
 *    domain").  It also panics when a phandle in the partial DT is
 *    0xfde7 or above (fdt_generate_phandle, "Phandle allocation overlaps
 *    Xen reserved range") and when xen,reg's cells are not 1 or 2.
 *  - xl (tools/libs/light/libxl_arm.c, the same in 4.17 and 4.22):
 *    libxl__prepare_dtb() runs check_partial_fdt() (header only), then
 *    copy_partial_fdt() copies /passthrough and /aliases verbatim, xen,*
 *    included, and fails the create only when /passthrough is missing;
 *    iomem=, irqs= and dtdev= do the mapping.  Its guest root has
 *    interrupt-parent <0xfde8> and it never copies /gic.
 * Both dom0less builders read only xen,reg, xen,path and
 * xen,force-assign-without-iommu (and /gic's phandle); every other
 * property goes to the guest as it is, where only the guest sees it.
 */
struct effect {
	enum dtg_partial_effect x417, x422, xl;
	const char *text;
};

#define OK_ DTG_PARTIAL_OK
#define GUEST_ DTG_PARTIAL_GUEST
#define LOGGED_ DTG_PARTIAL_LOGGED
#define FAILS_ DTG_PARTIAL_FAILS
static const struct effect
FX_NONE[1] = { { OK_, OK_, OK_, NULL } },
FX_NODE_FAILS[1] = { { LOGGED_, FAILS_, OK_,
	"Xen 4.17 dom0less: logged, the guest boots without this device's "
	"remaining steps (scan_pfdt_node ignores the error); 4.22 dom0less: "
	"panics (create_domUs); xl: ignored (libxl copies xen,* as they are)" } },
FX_DOM0LESS_GUEST[1] = { { GUEST_, GUEST_, OK_,
	"Xen 4.17 and 4.22 dom0less: accepted as it is (handle_passthrough_prop "
	"does not check it); xl: ignored (iomem= maps)" } },
FX_WRAP[1] = { { FAILS_, FAILS_, OK_,
	"Xen 4.17 and 4.22 dom0less: undefined (iomem_permit_access gets an "
	"end below its start; a debug build stops on rangeset_add_range's "
	"ASSERT); xl: ignored" } },
FX_GUEST_ALL[1] = { { GUEST_, GUEST_, GUEST_,
	"Xen 4.17/4.22 dom0less and xl: copied to the guest as it is (they do "
	"not read it)" } },
FX_SHARED[1] = { { GUEST_, GUEST_, GUEST_,
	"Xen 4.17/4.22 dom0less and xl: accepted (routing an SPI again to the "
	"same domain is allowed, map_irq_to_domain): right only if the devices "
	"really share the line" } },
FX_DOM0LESS_NOIRQ[1] = { { GUEST_, GUEST_, OK_,
	"Xen 4.17 and 4.22 dom0less: the device gets no IRQ (their guest root "
	"has no interrupt-parent); xl: fine (libxl's root has interrupt-parent "
	"<0xfde8>)" } },
FX_D0L_DANGLING[1] = { { GUEST_, GUEST_, OK_,
	"Xen 4.17 and 4.22 dom0less: dangles, the device gets no IRQ (the "
	"guest GIC takes /gic's phandle); xl: fine (libxl ignores /gic)" } },
FX_XL_DANGLING[1] = { { OK_, OK_, GUEST_,
	"Xen 4.17 and 4.22 dom0less: fine (the guest GIC takes /gic's "
	"phandle); xl: dangles, the device gets no IRQ (libxl does not copy "
	"/gic; its GIC is <0xfde8>)" } },
FX_NOT_ROUTED[1] = { { GUEST_, GUEST_, OK_,
	"Xen 4.17 and 4.22 dom0less: not routed (Xen routes the IRQs of the "
	"xen,path host node only); xl: routed if irqs= lists them" } },
FX_CELLS[1] = { { GUEST_, FAILS_, OK_,
	"Xen 4.17 dom0less: xen,reg misread (not checked); 4.22 dom0less: "
	"panics (handle_passthrough_prop: \"Invalid address_cells\"); xl: "
	"ignored" } },
FX_GIC_NOPH[1] = { { GUEST_, OK_, OK_,
	"Xen 4.17 dom0less: the guest's GIC gets phandle 0 (fdt_get_phandle "
	"of /gic), so no interrupt resolves; 4.22 dom0less: keeps 0xfde8 "
	"(init_intc_phandle); xl: ignored (libxl does not copy /gic)" } },
FX_PHANDLE_422[1] = { { OK_, FAILS_, OK_,
	"Xen 4.17 dom0less and xl: accepted; 4.22 dom0less: panics "
	"(domain_handle_dtb_boot_module: \"Phandle allocation overlaps Xen "
	"reserved range\"; create_domUs)" } },
FX_TOP_IGNORED[1] = { { GUEST_, GUEST_, GUEST_,
	"Xen 4.17/4.22 dom0less and xl: not passed through (they read only "
	"/passthrough, /aliases and /gic)" } },
FX_XL_FAILS[1] = { { GUEST_, GUEST_, FAILS_,
	"Xen 4.17 and 4.22 dom0less: the guest gets no device; xl: the create "
	"fails (copy_partial_fdt: \"Can't copy the node /passthrough\")" } };
#undef OK_
#undef GUEST_
#undef LOGGED_
#undef FAILS_

static void DTG_PRINTF(6, 7)
report(struct checker *ck, int off, const char *literal_node,
       const char *prop, const struct effect *fx, const char *fmt, ...)
{
	char path[512], msg[1024];
	struct dtg_partial_issue issue;
	va_list ap;
	int n;

	if (ck->stop)
		return;
	if (literal_node)
		snprintf(path, sizeof(path), "%s", literal_node);
	else
		node_path(ck, off, path, sizeof(path));
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fx->text && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", fx->text);
	issue.node = path;
	issue.property = prop;
	issue.message = msg;
	issue.xen417 = fx->x417;
	issue.xen422 = fx->x422;
	issue.xl = fx->xl;
	ck->count++;
	if (ck->fn && ck->fn(ck->opaque, &issue))
		ck->stop = true;
}

/* A u32 property: 1 if present and 4 bytes, 0 if absent, -1 if malformed. */
static int get_u32(const void *fdt, int off, const char *name, uint32_t *v)
{
	int len;
	const void *p = fdt_getprop(fdt, off, name, &len);

	if (!p)
		return 0;
	if (len != 4)
		return -1;
	*v = dtg_be32(p);
	return 1;
}

static bool cells_valid(uint32_t c)
{
	return c == 1 || c == 2;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

static bool page_aligned(uint64_t v)
{
	return !(v & DTG_PAGE_MASK);
}

/* Is [lo, hi) covered by the host device's MMIO widened to pages? */
static bool host_covers(const struct dtg_device *dev, uint64_t lo,
			uint64_t hi)
{
	uint64_t cur = lo;

	while (cur < hi) {
		bool found = false;

		for (size_t i = 0; i < dev->nmmio; i++) {
			uint64_t m0 = dev->mmio[i].addr & ~DTG_PAGE_MASK;
			uint64_t m1 = dev->mmio[i].addr + dev->mmio[i].size;

			if (m1 < dev->mmio[i].addr)
				m1 = UINT64_MAX;   /* wraps: up to the top */
			else if (m1 & DTG_PAGE_MASK)
				m1 = (m1 | DTG_PAGE_MASK) + 1;
			if (m0 <= cur && cur < m1) {
				cur = m1;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

static int add_grange(struct checker *ck, uint64_t base, uint64_t end,
		      int node, uint64_t delta)
{
	int r = dtg_grow(ck->ctx, (void **)&ck->gr, &ck->capgr, ck->ngr + 1,
			 sizeof(*ck->gr));

	if (r)
		return ck->err = r;
	ck->gr[ck->ngr++] = (struct grange){ base, end, node, delta };
	return 0;
}

static void check_xen_reg(struct checker *ck, int off, const void *reg,
			  int len, uint32_t ac, uint32_t sc,
			  const struct dtg_device *dev)
{
	int entry = (int)(2 * ac + sc) * 4;
	int n = len / entry;
	size_t first_own = ck->ngr;
	char other[512];

	if (len == 0) {
		/* Fine for an interrupt-only device: Xen routes and assigns. */
		if (dev && dev->nmmio)
			report(ck, off, NULL, "xen,reg", FX_DOM0LESS_GUEST,
			       "empty: the MMIO of host node %s is not mapped",
			       dev->path);
		return;
	}
	if (len % entry)
		report(ck, off, NULL, "xen,reg", FX_DOM0LESS_GUEST,
		       "length %d is not a multiple of %d bytes "
		       "(<host size guest> with the parent's #address-cells "
		       "%u and #size-cells %u)", len, entry, ac, sc);
	for (int i = 0; i < n && !ck->stop; i++) {
		const uint8_t *p = (const uint8_t *)reg + i * entry;
		uint64_t host = dtg_read_cells(p, (int)ac);
		uint64_t size = dtg_read_cells(p + 4 * ac, (int)sc);
		uint64_t guest = dtg_read_cells(p + 4 * (ac + sc), (int)ac);

		if (!page_aligned(host) || !page_aligned(size) ||
		    !page_aligned(guest)) {
			report(ck, off, NULL, "xen,reg", FX_NODE_FAILS,
			       "entry %d: host 0x%llx size 0x%llx guest 0x%llx: "
			       "not page aligned (Xen maps nothing: \"DomU "
			       "passthrough config has not page aligned "
			       "addresses/sizes\")", i,
			       (unsigned long long)host,
			       (unsigned long long)size,
			       (unsigned long long)guest);
			continue;
		}
		if (!size) {
			report(ck, off, NULL, "xen,reg", FX_DOM0LESS_GUEST, "entry %d: size 0", i);
			continue;
		}
		if (host + size < host || guest + size < guest) {
			report(ck, off, NULL, "xen,reg", FX_WRAP,
			       "entry %d: size 0x%llx wraps past the top of "
			       "the address space", i,
			       (unsigned long long)size);
			continue;
		}
		if (dev && !host_covers(dev, host, host + size))
			report(ck, off, NULL, "xen,reg", FX_DOM0LESS_GUEST,
			       "entry %d: host 0x%llx-0x%llx is not MMIO of "
			       "host node %s", i, (unsigned long long)host,
			       (unsigned long long)(host + size - 1), dev->path);
		for (size_t m = 0; m < DTG_ARRAY_SIZE(guest_map); m++) {
			uint64_t b = guest_map[m].base;
			uint64_t e = b + guest_map[m].size;

			if (overlaps(guest, guest + size, b, e))
				report(ck, off, NULL, "xen,reg", FX_DOM0LESS_GUEST,
				       "entry %d: guest 0x%llx-0x%llx overlaps "
				       "the guest's %s (0x%llx-0x%llx)", i,
				       (unsigned long long)guest,
				       (unsigned long long)(guest + size - 1),
				       guest_map[m].what, (unsigned long long)b,
				       (unsigned long long)(e - 1));
		}
		for (size_t g = 0; g < ck->ngr; g++) {
			if (!overlaps(guest, guest + size, ck->gr[g].base,
				      ck->gr[g].end))
				continue;
			/* The same host pages at the same guest pages (a
			 * ti,sysc target-module and its child): Xen's
			 * handle_passthrough_prop maps them again, to the
			 * same frames; nothing collides. */
			if (ck->gr[g].delta == host - guest)
				continue;
			if (g >= first_own)
				snprintf(other, sizeof(other),
					 "another entry of this xen,reg");
			else
				node_path(ck, ck->gr[g].node, other,
					  sizeof(other));
			report(ck, off, NULL, "xen,reg", FX_DOM0LESS_GUEST,
			       "entry %d: guest 0x%llx-0x%llx overlaps %s "
			       "(guest 0x%llx-0x%llx)", i,
			       (unsigned long long)guest,
			       (unsigned long long)(guest + size - 1), other,
			       (unsigned long long)ck->gr[g].base,
			       (unsigned long long)(ck->gr[g].end - 1));
		}
		if (add_grange(ck, guest, guest + size, off, host - guest))
			return;
	}
}

/*
 * The guest's reg of a node directly under /passthrough (identity
 * ranges): every entry must lie in a guest range xen,reg maps.
 */
static void check_reg_mapped(struct checker *ck, int off, const void *xreg,
			     int xlen, uint32_t ac, uint32_t sc)
{
	int len, entry = (int)(ac + sc) * 4, xentry = (int)(2 * ac + sc) * 4;
	const uint8_t *reg = fdt_getprop(ck->fdt, off, "reg", &len);

	if (!reg)
		return;
	if (len % entry) {
		report(ck, off, NULL, "reg", FX_GUEST_ALL,
		       "length %d is not a multiple of %d bytes (#address-cells "
		       "%u, #size-cells %u of /passthrough)", len, entry, ac, sc);
		return;
	}
	for (int i = 0; i < len / entry && !ck->stop; i++) {
		uint64_t a = dtg_read_cells(reg + i * entry, (int)ac);
		uint64_t s = dtg_read_cells(reg + i * entry + 4 * ac, (int)sc);
		bool mapped = false;

		for (int x = 0; x < xlen / xentry && !mapped; x++) {
			const uint8_t *p = (const uint8_t *)xreg + x * xentry;
			uint64_t xs = dtg_read_cells(p + 4 * ac, (int)sc);
			uint64_t xg = dtg_read_cells(p + 4 * (ac + sc), (int)ac);

			mapped = a >= xg && a - xg <= xs && s <= xs - (a - xg);
		}
		if (!mapped)
			report(ck, off, NULL, "reg", FX_DOM0LESS_GUEST,
			       "entry %d: 0x%llx size 0x%llx is not mapped by "
			       "any xen,reg guest range: the guest faults on it",
			       i, (unsigned long long)a, (unsigned long long)s);
	}
}

static bool host_has_spi(const struct dtg_device *dev, uint32_t intid)
{
	for (size_t i = 0; i < dev->nirq; i++)
		if (dev->irq[i].kind == DTG_IRQ_SPI && dev->irq[i].intid == intid)
			return true;
	return false;
}

static void check_spi_owner(struct checker *ck, int off, int i,
			    uint32_t intid)
{
	char other[512];
	int r;

	for (size_t s = 0; s < ck->nspi; s++) {
		if (ck->spi[s].intid != intid)
			continue;
		if (ck->spi[s].node == off)
			return;   /* listed twice by one node: one host IRQ */
		node_path(ck, ck->spi[s].node, other, sizeof(other));
		report(ck, off, NULL, "interrupts", FX_SHARED,
		       "entry %d: SPI %u (INTID %u) is also used by %s", i,
		       intid - 32, intid, other);
		return;
	}
	r = dtg_grow(ck->ctx, (void **)&ck->spi, &ck->capspi, ck->nspi + 1,
		     sizeof(*ck->spi));
	if (r) {
		ck->err = r;
		return;
	}
	ck->spi[ck->nspi++] = (struct gspi){ intid, off };
}

/*
 * True if the node is a shared coprocessor instance: a /xen-coprocessors
 * entry names it in xen,guest-path, and Xen injects its IRQs (virtual,
 * not routed from xen,path).  See docs/bindings/xen-coprocessor.md.
 */
static bool is_copro_instance(const void *fdt, int off)
{
	char path[512];
	int top = fdt_path_offset(fdt, "/xen-coprocessors"), inst;

	if (top < 0 || fdt_get_path(fdt, off, path, sizeof(path)) < 0)
		return false;
	fdt_for_each_subnode(inst, fdt, top) {
		int len;
		const char *g = fdt_getprop(fdt, inst, "xen,guest-path", &len);

		if (g && len > 0 && !g[len - 1] && !strcmp(g, path))
			return true;
	}
	return false;
}

static void check_interrupts(struct checker *ck, int off, bool has_iparent,
			     uint32_t iparent, bool has_path,
			     const struct dtg_device *dev)
{
	int len;
	const uint8_t *ints = fdt_getprop(ck->fdt, off, "interrupts", &len);

	if (fdt_getprop(ck->fdt, off, "interrupts-extended", NULL))
		report(ck, off, NULL, "interrupts-extended", FX_GUEST_ALL,
		       "not supported for passthrough: use interrupts with "
		       "interrupt-parent = <0xfde8>");
	if (!ints)
		return;
	if (!has_iparent)
		report(ck, off, NULL, "interrupt-parent", FX_DOM0LESS_NOIRQ,
		       "missing: must be <0xfde8>");
	else if (iparent == GIC_PHANDLE && ck->gic_ph != GIC_PHANDLE)
		report(ck, off, NULL, "interrupt-parent", FX_D0L_DANGLING,
		       "is <0xfde8>, but /gic has phandle <0x%x>", ck->gic_ph);
	else if (iparent != GIC_PHANDLE && iparent == ck->gic_ph)
		report(ck, off, NULL, "interrupt-parent", FX_XL_DANGLING,
		       "is /gic's phandle <0x%x>, not <0xfde8>", iparent);
	else if (iparent != GIC_PHANDLE)
		report(ck, off, NULL, "interrupt-parent", FX_GUEST_ALL,
		       "is <0x%x>, not the guest GIC <0xfde8>", iparent);
	if (!has_path)
		report(ck, off, NULL, "interrupts", FX_NOT_ROUTED,
		       "not routed: without xen,path Xen cannot find the host "
		       "IRQs to route");
	if (len == 0 || len % 12) {
		report(ck, off, NULL, "interrupts", FX_GUEST_ALL,
		       "length %d is not a multiple of 12 bytes (3-cell GIC "
		       "specifiers)", len);
		return;
	}
	for (int i = 0; i < len / 12 && !ck->stop; i++) {
		uint32_t type = dtg_be32(ints + 12 * i);
		uint32_t num = dtg_be32(ints + 12 * i + 4);
		uint32_t flags = dtg_be32(ints + 12 * i + 8) & 0xf;
		uint32_t intid = num + 32;

		if (type != 0) {
			report(ck, off, NULL, "interrupts", FX_GUEST_ALL,
			       "entry %d: type %u is not an SPI (0): only SPIs "
			       "can be passed through", i, type);
			continue;
		}
		if (num > 987) {
			report(ck, off, NULL, "interrupts", FX_GUEST_ALL,
			       "entry %d: SPI %u is beyond the GIC's 988 SPIs",
			       i, num);
			continue;
		}
		if (flags != 1 && flags != 4)
			report(ck, off, NULL, "interrupts", FX_GUEST_ALL,
			       "entry %d: trigger flags 0x%x: a GIC SPI is "
			       "edge-rising (1) or level-high (4)", i, flags);
		if (intid == DTG_GUEST_SPI_VPL011)
			report(ck, off, NULL, "interrupts", FX_GUEST_ALL,
			       "entry %d: SPI 0 (INTID 32) is the guest's "
			       "vpl011 interrupt", i);
		if (dev && !host_has_spi(dev, intid))
			report(ck, off, NULL, "interrupts", FX_GUEST_ALL,
			       "entry %d: SPI %u (INTID %u) is not an "
			       "interrupt of host node %s: Xen routes the host "
			       "node's SPIs 1:1", i, num, intid, dev->path);
		check_spi_owner(ck, off, i, intid);
	}
}

/* Resolve xen,path; *dev stays NULL when it names no host node. */
static int check_xen_path(struct checker *ck, int off, const char *path,
			  int len, struct dtg_device **dev)
{
	int r;

	*dev = NULL;
	if (len <= 1 || memchr(path, 0, (size_t)len) != path + len - 1) {
		report(ck, off, NULL, "xen,path", FX_NODE_FAILS,
		       "not a string naming a host node");
		return 0;
	}
	if (!ck->host)
		return 0;
	if (dtg_host_path_offset(ck->host, path) < 0) {
		report(ck, off, NULL, "xen,path", FX_NODE_FAILS,
		       "Couldn't find node %s in the host DT %s: Xen maps the "
		       "MMIO but routes no IRQ and assigns nothing", path,
		       dtg_host_name(ck->host));
		return 0;
	}
	r = dtg_host_resolve_device(ck->host, ck->ctx, path, dev);
	if (r == -DTG_ENOTFOUND) {
		report(ck, off, NULL, "xen,path", FX_NODE_FAILS,
		       "Couldn't find node %s in the host DT %s", path,
		       dtg_host_name(ck->host));
		return 0;
	}
	return r < 0 ? (ck->err = r) : 0;
}

static void check_node(struct checker *ck, int off, uint32_t ac,
		       uint32_t sc, bool cells_ok, bool under_pt_root,
		       bool has_iparent, uint32_t iparent, int depth)
{
	const void *xreg, *xpath;
	int rlen, plen, child;
	bool force;
	uint32_t v, cac = XEN_DEFAULT_AC, csc = XEN_DEFAULT_SC;
	bool ccells_ok = true;
	struct dtg_device *dev = NULL;

	if (ck->stop || ck->err)
		return;
	if (depth > MAX_DEPTH) {
		report(ck, off, NULL, NULL, FX_NONE, "nested deeper than %d levels: "
		       "not checked", MAX_DEPTH);
		return;
	}
	switch (get_u32(ck->fdt, off, "interrupt-parent", &v)) {
	case 1:
		has_iparent = true;
		iparent = v;
		break;
	case -1:
		report(ck, off, NULL, "interrupt-parent", FX_GUEST_ALL, "not one cell");
		break;
	}

	xreg = fdt_getprop(ck->fdt, off, "xen,reg", &rlen);
	xpath = fdt_getprop(ck->fdt, off, "xen,path", &plen);
	force = fdt_getprop(ck->fdt, off, "xen,force-assign-without-iommu",
			    NULL) != NULL;

	/* Xen's own test in handle_prop_pfdt(). */
	if (xpath && !xreg)
		report(ck, off, NULL, "xen,reg", FX_NODE_FAILS,
		       "missing (\"xen,reg or xen,path missing\"): Xen maps, "
		       "routes and assigns nothing; for a device without MMIO "
		       "(a bus slave, a partition) pass its bus controller "
		       "instead, for an interrupt-only device give an empty "
		       "xen,reg");
	else if (xreg && !xpath && !force)
		report(ck, off, NULL, "xen,path", FX_NODE_FAILS,
		       "missing, and no xen,force-assign-without-iommu (\"xen,reg "
		       "or xen,path missing\"): Xen maps and assigns nothing");
	if (xpath && check_xen_path(ck, off, xpath, plen, &dev))
		return;
	if (xreg && xpath && !force && dev && !dev->niommu)
		report(ck, off, NULL, "xen,force-assign-without-iommu", FX_NODE_FAILS,
		       "missing: host node %s is not behind an IOMMU, so Xen "
		       "fails to assign it", dev->path);
	else if (xreg && xpath && !force && dev &&
		 !dtg_host_iommu_usable(ck->host, dev))
		report(ck, off, NULL, "xen,force-assign-without-iommu", FX_NODE_FAILS,
		       "missing: the IOMMU %s of host node %s is disabled in "
		       "the host DT, so Xen does not protect the device "
		       "(iommu_add_dt_device stops at an unavailable IOMMU) "
		       "and fails to assign it", dev->iommu[0].iommu, dev->path);
	if (xreg) {
		if (cells_ok) {
			check_xen_reg(ck, off, xreg, rlen, ac, sc, dev);
			if (under_pt_root && rlen % ((2 * ac + sc) * 4) == 0)
				check_reg_mapped(ck, off, xreg, rlen, ac, sc);
		} else {
			report(ck, off, NULL, "xen,reg", FX_CELLS,
			       "not checked: the parent's #address-cells/"
			       "#size-cells (%u/%u) are not 1 or 2", ac, sc);
		}
	}
	if (!ck->err)
		check_interrupts(ck, off, has_iparent, iparent,
				 xpath != NULL || is_copro_instance(ck->fdt, off), dev);
	if (dev)
		dtg_device_free(ck->ctx, dev);

	if (get_u32(ck->fdt, off, "#address-cells", &v) == 1) {
		cac = v;
		ccells_ok = cells_valid(v);
	}
	if (get_u32(ck->fdt, off, "#size-cells", &v) == 1) {
		csc = v;
		ccells_ok = ccells_ok && cells_valid(v);
	}
	fdt_for_each_subnode(child, ck->fdt, off)
		check_node(ck, child, cac, csc, ccells_ok, false, has_iparent,
			   iparent, depth + 1);
}

/* Does the subtree at off hold any property Xen consumes? */
static bool has_xen_props(const void *fdt, int off)
{
	int depth = 0;

	do {
		if (fdt_getprop(fdt, off, "xen,reg", NULL) ||
		    fdt_getprop(fdt, off, "xen,path", NULL) ||
		    fdt_getprop(fdt, off, "xen,force-assign-without-iommu",
				NULL))
			return true;
		off = fdt_next_node(fdt, off, &depth);
	} while (off >= 0 && depth > 0);
	return false;
}

/* Returns the checked cell counts of /passthrough; false if unusable. */
static bool check_passthrough(struct checker *ck, int pt, uint32_t *ac,
			      uint32_t *sc)
{
	int len;
	const char *compat = fdt_getprop(ck->fdt, pt, "compatible", &len);
	const void *ranges;
	bool ok = true;
	const char *names[2] = { "#address-cells", "#size-cells" };
	uint32_t *vals[2] = { ac, sc };

	if (!compat)
		report(ck, pt, NULL, "compatible", FX_GUEST_ALL,
		       "missing: must be \"simple-bus\" (the guest kernel "
		       "does not probe the devices otherwise)");
	else if (fdt_stringlist_contains(compat, len, "simple-bus") != 1)
		report(ck, pt, NULL, "compatible", FX_GUEST_ALL,
		       "does not contain \"simple-bus\" (the guest kernel "
		       "does not probe the devices otherwise)");
	ranges = fdt_getprop(ck->fdt, pt, "ranges", &len);
	if (!ranges)
		report(ck, pt, NULL, "ranges", FX_GUEST_ALL,
		       "missing: the guest cannot translate the devices' reg");
	else if (len)
		report(ck, pt, NULL, "ranges", FX_GUEST_ALL,
		       "not empty: xen,reg guest addresses are root "
		       "addresses, so ranges must be the identity (empty)");
	*ac = XEN_DEFAULT_AC;
	*sc = XEN_DEFAULT_SC;
	for (int i = 0; i < 2; i++) {
		uint32_t v;

		switch (get_u32(ck->fdt, pt, names[i], &v)) {
		case 0:
			report(ck, pt, NULL, names[i], FX_GUEST_ALL, "missing: must be 1 or 2");
			break;
		case -1:
			report(ck, pt, NULL, names[i], FX_GUEST_ALL, "not one cell");
			ok = false;
			break;
		default:
			*vals[i] = v;
			if (!cells_valid(v)) {
				report(ck, pt, NULL, names[i], FX_CELLS,
				       "is %u: must be 1 or 2", v);
				ok = false;
			}
		}
	}
	return ok;
}

/*
 * Xen 4.22's domain_handle_dtb_boot_module() numbers the guest's own
 * nodes from one past the partial DT's highest phandle and fails below
 * 0xfde8 (GUEST_PHANDLE_GIC): a phandle of 0xfde7 or more panics, /gic's
 * 0xfde8 included.
 */
static void check_max_phandle(struct checker *ck)
{
	uint32_t max = 0;
	int off;

	if (fdt_find_max_phandle(ck->fdt, &max) || max + 1 < GIC_PHANDLE)
		return;
	off = fdt_node_offset_by_phandle(ck->fdt, max);
	report(ck, off < 0 ? 0 : off, NULL, "phandle", FX_PHANDLE_422,
	       "0x%x: the highest phandle must be below 0xfde7%s", max,
	       max == GIC_PHANDLE ? " (leave /gic out or without a phandle "
	       "for 0xfde8: the default of Xen and libxl)" : "");
}

int dtg_partial_check(dtg_ctx *ctx, const dtg_host *host,
		      const void *partial, size_t size, const char *name,
		      dtg_partial_issue_fn fn, void *opaque)
{
	struct checker ck = { .ctx = ctx, .host = host, .fdt = partial,
			      .name = name ? name : "partial DT",
			      .gic_ph = GIC_PHANDLE,
			      .fn = fn, .opaque = opaque };
	int off, pt = -1, r;
	uint32_t ac, sc, v = 0;
	bool cells_ok, has_ip = false;

	/*
	 * One balanced root, then fdt_check_full(): every walk below ends
	 * on -FDT_ERR_NOTFOUND and every node has a name.
	 */
	r = dtg_blob_check(ctx, partial, size, ck.name);
	if (r)
		return r;

	fdt_for_each_subnode(off, partial, 0) {
		const char *n = fdt_get_name(partial, off, NULL);

		if (!strcmp(n, "passthrough")) {
			pt = off;
		} else if (!strcmp(n, "gic")) {
			/* Xen's dom0less phandle_gic (init_intc_phandle in 4.22). */
			uint32_t ph = fdt_get_phandle(partial, off);

			if (!ph)
				report(&ck, off, NULL, "phandle", FX_GIC_NOPH,
				       "missing: leave /gic out (0xfde8 is the "
				       "default of Xen and libxl) or give it "
				       "the phandle its users refer to");
			else
				ck.gic_ph = ph;
		} else if (!strcmp(n, "xen-coprocessors")) {
			/* shared coprocessor instances, read by the SCF (docs/bindings/xen-coprocessor.md) */
		} else if (strcmp(n, "aliases") && has_xen_props(partial, off)) {
			report(&ck, off, NULL, NULL, FX_TOP_IGNORED,
			       "ignored: Xen and libxl pass through only the "
			       "nodes under /passthrough");
		}
	}
	check_max_phandle(&ck);
	if (pt < 0) {
		report(&ck, 0, "/passthrough", NULL, FX_XL_FAILS,
		       "missing: Xen and libxl take the guest's devices from "
		       "/passthrough only");
		return ck.count;
	}
	cells_ok = check_passthrough(&ck, pt, &ac, &sc);
	if (get_u32(partial, pt, "interrupt-parent", &v) == 1)
		has_ip = true;
	fdt_for_each_subnode(off, partial, pt)
		check_node(&ck, off, ac, sc, cells_ok, true, has_ip, v, 1);
	dtg_free(ctx, ck.gr);
	dtg_free(ctx, ck.spi);
	if (ck.err)
		return ck.err;
	return ck.count;
}
