/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-irq.c - interrupts: the interrupt parent (of_irq_find_parent),
 * interrupts-extended, interrupt-map/interrupt-map-mask nexus nodes
 * (of_irq_parse_raw) and the decoding of GIC specifiers into INTIDs.
 */
#include <stdio.h>

#include "host-internal.h"

#define MAX_MATCH (DTG_HOST_MAX_ADDR_CELLS + DTG_MAX_CELLS)

static const char *const gic_compat[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", "arm,gic-v2", "arm,gic-v3", "arm,gic-v1",
	"arm,pl390", "arm,arm11mp-gic", "arm,eb11mp-gic", "arm,tc11mp-gic",
	"arm,arm1176jzf-devchip-gic", "arm,realview-gic", "qcom,msm-8660-qgic",
	"qcom,msm-qgic2", "brcm,brahma-b15-gic", "nvidia,tegra210-agic",
	"arm,gic-v3-its" /* never an interrupt parent; harmless */,
};

bool dtg_host_compat_is_gic(const dtg_host *host, int offset)
{
	for (size_t i = 0; i < DTG_ARRAY_SIZE(gic_compat); i++)
		if (dtg_host_is_compatible(host, offset, gic_compat[i]))
			return true;
	return false;
}

int dtg_host_irq_parent(const dtg_host *host, int offset, char *why,
			size_t whylen)
{
	char path[512];
	int cur = offset;

	for (size_t hops = 0; hops <= host->nnodes; hops++) {
		const void *p;
		int len, next;

		p = fdt_getprop(host->fdt, cur, "interrupt-parent", &len);
		if (p) {
			uint32_t ph;
			if (len != 4) {
				snprintf(why, whylen, "interrupt-parent of %s: %d bytes, expected 4",
					 dtg_host_path(host, cur, path, sizeof(path)), len);
				return -DTG_ECELLS;
			}
			ph = dtg_be32(p);
			next = dtg_host_phandle_offset(host, ph);
			if (next < 0) {
				snprintf(why, whylen, "interrupt-parent of %s: no node with phandle 0x%x",
					 dtg_host_path(host, cur, path, sizeof(path)), ph);
				return -DTG_ENOTFOUND;
			}
		} else {
			next = dtg_host_parent_offset(host, cur);
			if (next < 0) {
				snprintf(why, whylen, "no interrupt parent");
				return -DTG_ENOTFOUND;
			}
		}
		if (dtg_host_has_irq_cells(host, next))
			return next;
		cur = next;
	}
	snprintf(why, whylen, "cycle through %s without #interrupt-cells",
		 dtg_host_path(host, cur, path, sizeof(path)));
	return -DTG_ELOOP;
}

static int get_cells(const dtg_host *h, int off, const char *prop,
		     uint32_t *v, char *why, size_t whylen)
{
	char path[512];
	int r = dtg_host_get_u32(h, off, prop, v);

	if (r == -DTG_ENOTFOUND)
		snprintf(why, whylen, "%s has no %s",
			 dtg_host_path(h, off, path, sizeof(path)), prop);
	else if (r)
		snprintf(why, whylen, "%s of %s: not one cell", prop,
			 dtg_host_path(h, off, path, sizeof(path)));
	return r;
}

/*
 * A GIC specifier <type number flags>, as Xen's gic_irq_xlate
 * (xen/arch/arm/gic.c, 4.17 and 4.22) reads it: fewer than 3 cells is
 * -EINVAL, type 0 is an SPI (INTID 32 + n) and any other type a PPI
 * (16 + n).  So only types 0 and 1 mean what the host DT says; an ESPI
 * (2) or EPPI (3) on a GICv3, which Linux's irq-gic-v3.c accepts, would
 * be routed by Xen to PPI n: an error for that interrupt, as is any
 * other type.  A PPI's flags cell is kept whole: bits [15:8] are its
 * CPU mask (GICv2 binding).
 */
static int gic_decode(const dtg_host *host, int gic, struct dtg_irq *out,
		      char *why, size_t whylen)
{
	char path[512];
	bool v3 = dtg_host_is_compatible(host, gic, "arm,gic-v3");
	uint32_t n;

	if (out->ncells < 3) {
		snprintf(why, whylen, "%u cells at the GIC %s, which needs <type number flags>",
			 out->ncells, dtg_host_path(host, gic, path, sizeof(path)));
		return -DTG_ECELLS;
	}
	n = out->cells[1];
	switch (out->cells[0]) {
	case 0: out->kind = DTG_IRQ_SPI;  out->intid = 32 + n; break;
	case 1: out->kind = DTG_IRQ_PPI;  out->intid = 16 + n; break;
	default: goto bad_type;
	}
	out->flags = out->kind == DTG_IRQ_PPI ? out->cells[2] : out->cells[2] & 0xf;
	return 0;
bad_type:
	if (v3 && (out->cells[0] == 2 || out->cells[0] == 3))
		snprintf(why, whylen, "GIC interrupt type %u (%s) at %s: Xen's gic_irq_xlate "
			 "knows only SPI (0) and PPI (1) and would route it as PPI %u",
			 out->cells[0], out->cells[0] == 2 ? "ESPI" : "EPPI",
			 dtg_host_path(host, gic, path, sizeof(path)), n);
	else
		snprintf(why, whylen, "GIC interrupt type %u at %s is neither SPI (0) nor PPI (1)%s",
			 out->cells[0], dtg_host_path(host, gic, path, sizeof(path)),
			 v3 ? "" : " (a GICv2 has no ESPI or EPPI)");
	out->kind = DTG_IRQ_OTHER;
	return -DTG_EINVAL;
}

int dtg_host_irq_resolve(const dtg_host *host, int ipar, const uint32_t *spec,
			 uint32_t n, const uint32_t *addr, uint32_t naddr,
			 struct dtg_irq *out, int *ctrl, char *why,
			 size_t whylen)
{
	uint32_t match[MAX_MATCH];
	uint32_t addrsize, intsize;
	char path[512];
	int r;

	/* The nexus sizes the child unit address: #address-cells of ipar or
	 * its nearest ancestor, 2 by default (of_irq_parse_raw). */
	{
		int o = ipar;
		addrsize = 2;
		while (o >= 0) {
			uint32_t v;
			if (!dtg_host_get_u32(host, o, "#address-cells", &v)) {
				addrsize = v;
				break;
			}
			o = dtg_host_parent_offset(host, o);
		}
	}
	r = get_cells(host, ipar, "#interrupt-cells", &intsize, why, whylen);
	if (r)
		return r;
	if (intsize != n) {
		snprintf(why, whylen, "%u cells but #interrupt-cells of %s is %u",
			 n, dtg_host_path(host, ipar, path, sizeof(path)), intsize);
		return -DTG_ECELLS;
	}
	if (intsize > DTG_MAX_CELLS || addrsize > DTG_HOST_MAX_ADDR_CELLS) {
		snprintf(why, whylen, "%s: specifier too long (%u + %u cells)",
			 dtg_host_path(host, ipar, path, sizeof(path)), addrsize, intsize);
		return -DTG_ECELLS;
	}
	for (uint32_t i = 0; i < addrsize; i++)
		match[i] = i < naddr ? addr[i] : 0;
	memcpy(match + addrsize, spec, intsize * 4);

	for (int hops = 0; hops < DTG_HOST_MAX_HOPS; hops++) {
		const uint8_t *imap, *imask, *end;
		uint32_t mask[MAX_MATCH];
		int maplen, masklen, newpar = -1;
		uint32_t newaddr = 0, newint = 0;

		unsigned flags = dtg_host_node_flags(host, ipar);

		imap = !(flags & DTG_HOST_NODE_IMAP) ? NULL :
			fdt_getprop(host->fdt, ipar, "interrupt-map", &maplen);
		if (!imap && (flags & DTG_HOST_NODE_ICTRL)) {
			memset(out, 0, sizeof(*out));
			out->ncells = intsize;
			memcpy(out->cells, match + addrsize, intsize * 4);
			out->kind = DTG_IRQ_OTHER;
			*ctrl = ipar;
			return dtg_host_is_gic(host, ipar) ?
			       gic_decode(host, ipar, out, why, whylen) : 0;
		}
		if (!imap) {
			/* neither controller nor nexus: go on to its parent */
			newpar = dtg_host_irq_parent(host, ipar, why, whylen);
			if (newpar < 0)
				return newpar;
			if (dtg_host_get_u32(host, newpar, "#address-cells", &newaddr))
				newaddr = 0;
			r = get_cells(host, newpar, "#interrupt-cells", &newint, why, whylen);
			if (r)
				return r;
			if (newint != intsize) {
				snprintf(why, whylen, "%s passes %u cells to %s (#interrupt-cells %u)",
					 dtg_host_path(host, ipar, path, sizeof(path)),
					 intsize, dtg_host_path(host, newpar, path, sizeof(path)), newint);
				return -DTG_ECELLS;
			}
			memmove(match, match + addrsize, intsize * 4);
			/* unit address of the next level: zero */
			memmove(match + newaddr, match, intsize * 4);
			memset(match, 0, newaddr * 4);
			addrsize = newaddr;
			ipar = newpar;
			continue;
		}
		/* interrupt-map nexus */
		for (uint32_t i = 0; i < addrsize + intsize; i++)
			mask[i] = 0xffffffffu;
		imask = fdt_getprop(host->fdt, ipar, "interrupt-map-mask", &masklen);
		if (imask) {
			if ((uint32_t)masklen != (addrsize + intsize) * 4) {
				snprintf(why, whylen, "interrupt-map-mask of %s: %d bytes, expected %u",
					 dtg_host_path(host, ipar, path, sizeof(path)),
					 masklen, (addrsize + intsize) * 4);
				return -DTG_ECELLS;
			}
			for (uint32_t i = 0; i < addrsize + intsize; i++)
				mask[i] = dtg_be32(imask + 4 * i);
		}
		end = imap + maplen;
		while (imap < end) {
			bool ok = true;
			uint32_t ph;

			if ((size_t)(end - imap) < (addrsize + intsize + 1) * 4)
				goto short_map;
			for (uint32_t i = 0; i < addrsize + intsize; i++)
				if ((match[i] ^ dtg_be32(imap + 4 * i)) & mask[i])
					ok = false;
			imap += (addrsize + intsize) * 4;
			ph = dtg_be32(imap);
			imap += 4;
			newpar = dtg_host_phandle_offset(host, ph);
			if (newpar < 0) {
				snprintf(why, whylen, "interrupt-map of %s: no node with phandle 0x%x",
					 dtg_host_path(host, ipar, path, sizeof(path)), ph);
				return -DTG_ENOTFOUND;
			}
			if (dtg_host_get_u32(host, newpar, "#address-cells", &newaddr))
				newaddr = 0;
			r = get_cells(host, newpar, "#interrupt-cells", &newint, why, whylen);
			if (r)
				return r;
			if (newaddr > DTG_HOST_MAX_ADDR_CELLS || newint > DTG_MAX_CELLS) {
				snprintf(why, whylen, "%s: specifier too long (%u + %u cells)",
					 dtg_host_path(host, newpar, path, sizeof(path)),
					 newaddr, newint);
				return -DTG_ECELLS;
			}
			if ((size_t)(end - imap) < (newaddr + newint) * 4)
				goto short_map;
			if (ok) {
				for (uint32_t i = 0; i < newaddr + newint; i++)
					match[i] = dtg_be32(imap + 4 * i);
				break;
			}
			imap += (newaddr + newint) * 4;
			newpar = -1;
		}
		if (newpar < 0) {
			snprintf(why, whylen, "no match in interrupt-map of %s",
				 dtg_host_path(host, ipar, path, sizeof(path)));
			return -DTG_ENOTFOUND;
		}
		addrsize = newaddr;
		intsize = newint;
		ipar = newpar;
	}
	snprintf(why, whylen, "interrupt-map loop (more than %d levels)",
		 DTG_HOST_MAX_HOPS);
	return -DTG_ELOOP;
short_map:
	snprintf(why, whylen, "interrupt-map of %s: truncated entry",
		 dtg_host_path(host, ipar, path, sizeof(path)));
	return -DTG_ECELLS;
}

/* The device's unit address: its first reg entry's address cells. */
static uint32_t unit_address(const dtg_host *h, int off, uint32_t *addr)
{
	int parent = dtg_host_parent_offset(h, off), len;
	const uint8_t *reg = fdt_getprop(h->fdt, off, "reg", &len);
	uint32_t na;

	if (parent < 0 || !reg)
		return 0;
	na = dtg_host_addr_cells(h, parent);
	if (na > DTG_HOST_MAX_ADDR_CELLS || (size_t)len < na * 4)
		return 0;
	for (uint32_t i = 0; i < na; i++)
		addr[i] = dtg_be32(reg + 4 * i);
	return na;
}

static void add_irq(struct dtg_host_devb *b, const char *prop, int ipar,
		    const uint8_t *p, uint32_t n, int index, const uint32_t *addr,
		    uint32_t naddr)
{
	uint32_t spec[DTG_MAX_CELLS];
	struct dtg_irq irq;
	char why[1200];
	int ctrl = -1;

	if (n > DTG_MAX_CELLS) {
		dtg_host_devb_error(b, "%s: entry %d: %u cells is more than %d",
				    prop, index, n, DTG_MAX_CELLS);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		spec[i] = dtg_be32(p + 4 * i);
	if (dtg_host_irq_resolve(b->h, ipar, spec, n, addr, naddr, &irq, &ctrl,
				 why, sizeof(why))) {
		dtg_host_devb_error(b, "%s: entry %d: %s", prop, index, why);
		return;
	}
	irq.index = index;
	irq.name = dtg_host_devb_string(b, "interrupt-names", index);
	dtg_host_devb_irq(b, &irq, ctrl);
}

void dtg_host_resolve_irqs(struct dtg_host_devb *b)
{
	const dtg_host *h = b->h;
	uint32_t addr[DTG_HOST_MAX_ADDR_CELLS], naddr;
	const uint8_t *p;
	char why[600], path[512];
	int len;

	naddr = unit_address(h, b->offset, addr);
	p = dtg_host_devb_getprop(b, "interrupts-extended", &len);
	if (p) {
		const uint8_t *end = p + (len > 0 ? len : 0);
		int index = 0;

		if (len % 4) {
			dtg_host_devb_error(b, "interrupts-extended: %d bytes is not a whole number of cells", len);
			return;
		}
		while (p < end) {
			uint32_t ph = dtg_be32(p), n;
			int ctl = dtg_host_phandle_offset(h, ph);

			p += 4;
			if (ctl < 0) {
				dtg_host_devb_error(b, "interrupts-extended: entry %d: no node with phandle 0x%x",
						    index, ph);
				return;
			}
			if (dtg_host_get_u32(h, ctl, "#interrupt-cells", &n)) {
				dtg_host_devb_error(b, "interrupts-extended: entry %d: %s has no #interrupt-cells",
						    index, dtg_host_path(h, ctl, path, sizeof(path)));
				return;
			}
			if ((size_t)(end - p) < (size_t)n * 4) {
				dtg_host_devb_error(b, "interrupts-extended: entry %d: %zu cells left, %s needs %u",
						    index, (size_t)(end - p) / 4,
						    dtg_host_path(h, ctl, path, sizeof(path)), n);
				return;
			}
			add_irq(b, "interrupts-extended", ctl, p, n, index, addr, naddr);
			p += (size_t)n * 4;
			index++;
		}
		return;
	}
	p = dtg_host_devb_getprop(b, "interrupts", &len);
	if (p && len > 0) {
		uint32_t n;
		int ipar = dtg_host_irq_parent(h, b->offset, why, sizeof(why));

		if (ipar < 0) {
			dtg_host_devb_error(b, "interrupts: %s", why);
			return;
		}
		if (dtg_host_get_u32(h, ipar, "#interrupt-cells", &n) || n == 0) {
			dtg_host_devb_error(b, "interrupts: bad #interrupt-cells in %s",
					    dtg_host_path(h, ipar, path, sizeof(path)));
			return;
		}
		if (len % (n * 4))
			dtg_host_devb_error(b, "interrupts: %d cells is not a multiple of #interrupt-cells (%u) of %s",
					    len / 4, n, dtg_host_path(h, ipar, path, sizeof(path)));
		for (int i = 0; (size_t)(i + 1) * n * 4 <= (size_t)len; i++)
			add_irq(b, "interrupts", ipar, p + (size_t)i * n * 4, n, i,
				addr, naddr);
	}
}
