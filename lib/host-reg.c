/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-reg.c - reg entries and their translation through every
 * ancestor's ranges to CPU physical addresses (Linux of_translate_address),
 * with PCI buses matched by address space.
 */
#include <stdio.h>

#include "host-internal.h"

/* PCI phys.hi: n (non-relocatable) bit and ss (space) field. */
#define PCI_HI_N      0x80000000u
#define PCI_SS(hi)    (((hi) >> 24) & 3)   /* 0 cfg, 1 I/O, 2 mem32, 3 mem64 */

/* Low 64 bits of n cells (Linux of_read_number). */
static uint64_t low64(const uint32_t *c, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = (v << 32) | c[i];
	return v;
}

static void be_cells(uint32_t *dst, const void *src, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		dst[i] = dtg_be32((const uint8_t *)src + 4 * i);
}

/* PCI spaces match as Linux of_bus_pci_map: I/O with I/O, memory with memory. */
static int pci_space(uint32_t hi)
{
	switch (PCI_SS(hi)) {
	case 1: return 1;
	case 2: case 3: return 2;
	default: return 0;
	}
}

int dtg_host_translate(const dtg_host *host, int bus, const uint32_t *addr,
		       uint32_t na, uint64_t *out, char *why, size_t whylen)
{
	uint32_t cur[DTG_HOST_MAX_ADDR_CELLS] = { 0 };
	char path[512];

	if (na > DTG_HOST_MAX_ADDR_CELLS) {
		snprintf(why, whylen, "%u address cells", na);
		return -DTG_ECELLS;
	}
	memcpy(cur, addr, na * 4);
	for (int hops = 0; hops <= DTG_HOST_MAX_DEPTH; hops++) {
		int gp = dtg_host_parent_offset(host, bus);
		const uint8_t *ranges;
		uint32_t pna, ns, ent;
		int len;

		if (gp < 0) {
			/* bus is the root: cur is a CPU physical address */
			for (uint32_t i = 0; i + 2 < na; i++)
				if (cur[i]) {
					snprintf(why, whylen, "address above 64 bits");
					return -DTG_ERANGE;
				}
			*out = low64(cur, na);
			return 0;
		}
		ranges = fdt_getprop(host->fdt, bus, "ranges", &len);
		if (!ranges) {
			/* Under a bus-local device (an EEPROM on I2C, a codec
			 * on SLIMbus) the address is bus-local too. */
			for (int o = bus, po; (po = dtg_host_parent_offset(host, o)) >= 0; o = po)
				if (dtg_host_size_cells(host, po) == 0) {
					snprintf(why, whylen, "bus-local under %s",
						 dtg_host_path(host, o, path, sizeof(path)));
					return -DTG_EUNSUPPORTED;
				}
			snprintf(why, whylen, "no ranges on %s",
				 dtg_host_path(host, bus, path, sizeof(path)));
			return -DTG_ENOTFOUND;
		}
		pna = dtg_host_addr_cells(host, gp);
		if (len == 0) {
			/* identity: the low cells carry over */
			uint64_t v = low64(cur, na);
			memset(cur, 0, sizeof(cur));
			if (pna >= 2) {
				cur[pna - 2] = (uint32_t)(v >> 32);
				cur[pna - 1] = (uint32_t)v;
			} else if (pna == 1) {
				if (v >> 32) {
					snprintf(why, whylen, "0x%llx does not fit the 1-cell bus %s",
						 (unsigned long long)v,
						 dtg_host_path(host, gp, path, sizeof(path)));
					return -DTG_ERANGE;
				}
				cur[0] = (uint32_t)v;
			}
			na = pna;
			bus = gp;
			continue;
		}
		ns = dtg_host_size_cells(host, bus);
		ent = na + pna + ns;
		if (!ns || !na || (uint32_t)len % (ent * 4)) {
			snprintf(why, whylen,
				 "ranges of %s: %d bytes is not a multiple of %u (#address-cells %u + parent #address-cells %u + #size-cells %u)",
				 dtg_host_path(host, bus, path, sizeof(path)), len,
				 ent * 4, na, pna, ns);
			return -DTG_ECELLS;
		}
		bool pci = na == 3 && dtg_host_is_pci_bus(host, bus);
		uint64_t da = pci ? low64(cur + 1, 2) : low64(cur, na);
		bool found = false;
		for (const uint8_t *r = ranges; r < ranges + len; r += ent * 4) {
			uint32_t c[DTG_HOST_MAX_ADDR_CELLS], p[DTG_HOST_MAX_ADDR_CELLS];
			uint64_t cp, sz;

			be_cells(c, r, na);
			sz = dtg_read_cells(r + 4 * (na + pna), (int)ns);
			if (pci) {
				if (pci_space(c[0]) != pci_space(cur[0]))
					continue;
				cp = low64(c + 1, 2);
			} else {
				cp = low64(c, na);
			}
			if (da < cp || da - cp >= sz)
				continue;
			be_cells(p, r + 4 * na, pna);
			uint64_t v = (pna >= 2 ? low64(p + pna - 2, 2) : low64(p, pna)) +
				     (da - cp);
			memcpy(cur, p, pna * 4);
			if (pna >= 2) {
				cur[pna - 2] = (uint32_t)(v >> 32);
				cur[pna - 1] = (uint32_t)v;
			} else if (pna == 1) {
				cur[0] = (uint32_t)v;
			}
			found = true;
			break;
		}
		if (!found) {
			snprintf(why, whylen, "0x%llx is outside the ranges of %s",
				 (unsigned long long)da,
				 dtg_host_path(host, bus, path, sizeof(path)));
			return -DTG_ENOTFOUND;
		}
		na = pna;
		bus = gp;
	}
	snprintf(why, whylen, "translation deeper than %d levels",
		 DTG_HOST_MAX_DEPTH);
	return -DTG_ELOOP;
}

void dtg_host_resolve_mmio(struct dtg_host_devb *b)
{
	const dtg_host *h = b->h;
	int parent = dtg_host_parent_offset(h, b->offset);
	const uint8_t *reg;
	uint32_t na, ns;
	bool pci;
	int len;

	if (parent < 0)
		return;
	reg = dtg_host_devb_getprop(b, "reg", &len);
	if (!reg || len <= 0)
		return;
	na = dtg_host_addr_cells(h, parent);
	ns = dtg_host_size_cells(h, parent);
	/* Load checked the parent's cells; the length is this node's own
	 * defect: Linux's of_address_to_resource fails only this node. */
	if (na + ns == 0 || (uint32_t)len % ((na + ns) * 4)) {
		dtg_host_devb_error(b, "reg: %d bytes is not a multiple of %u (#address-cells %u + #size-cells %u)",
				    len, (na + ns) * 4, na, ns);
		return;
	}
	if (ns == 0)
		return; /* bus-local addresses (i2c, spi, mdio, cpus) */
	pci = na == 3 && dtg_host_is_pci_bus(h, parent);
	for (int i = 0; (size_t)(i + 1) * (na + ns) * 4 <= (size_t)len; i++) {
		const uint8_t *e = reg + (size_t)i * (na + ns) * 4;
		uint32_t a[DTG_HOST_MAX_ADDR_CELLS];
		struct dtg_mmio m;
		char why[600];

		be_cells(a, e, na);
		if (pci && (PCI_SS(a[0]) == 0 || !(a[0] & PCI_HI_N)))
			continue; /* config space or a relocatable BAR */
		memset(&m, 0, sizeof(m));
		m.index = i;
		m.size = dtg_read_cells(e + 4 * na, (int)ns);
		m.name = dtg_host_devb_string(b, "reg-names", i);
		switch (dtg_host_translate(h, parent, a, na, &m.addr, why, sizeof(why))) {
		case 0:
			break;
		case -DTG_EUNSUPPORTED:
			continue; /* bus-local: not MMIO, not an error */
		default:
			dtg_host_devb_error(b, "reg: entry %d: %s", i, why);
			continue;
		}
		dtg_host_devb_mmio(b, &m);
	}
}
