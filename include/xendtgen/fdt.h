/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/fdt.h - guest device-tree output from a finalized domain.
 *
 * Every writer here is a pure function of a finalized dtg_domain: calling
 * it twice gives the same bytes, so libxl's build loop, which reruns its
 * FDT writers whenever its buffer grows (-FDT_ERR_NOSPACE), can call it
 * again safely.  Buffer-filling functions take the caller's buffer and
 * size; -DTG_ENOSPACE means it was too small and *needed says how big it
 * must be.  "_alloc" variants allocate (free with dtg_free()).
 */
#ifndef XENDTGEN_FDT_H
#define XENDTGEN_FDT_H

#include <xendtgen/domain.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The Xen partial device tree: /passthrough (simple-bus, ranges, 2/2
 * cells) with one node per device carrying xen,reg and xen,path (or
 * xen,force-assign-without-iommu), plus the generated fixed clocks.  Valid
 * for xl.cfg device_tree= and for a dom0less multiboot,device-tree module.
 */
int dtg_fdt_partial(const dtg_domain *d, void *buf, size_t size,
		    size_t *needed);
int dtg_fdt_partial_alloc(const dtg_domain *d, void **out, size_t *size);

/*
 * Write the domain's guest nodes (clocks and devices, no xen,* property)
 * into the caller's libfdt sequential-write tree, at the current
 * position (between fdt_begin_node and fdt_end_node of the caller's
 * parent node, typically "/passthrough" or the root).  Returns 0 or a
 * negative DTG_E* code; -DTG_ENOSPACE when libfdt ran out of room.
 */
int dtg_fdt_write_nodes(const dtg_domain *d, void *sw_fdt);

/*
 * A complete guest DT as libxl builds it on Arm: root, chosen, cpus,
 * psci, memory, GIC (phandle 65000), timer, hypervisor node, vpl011 when
 * enabled, and the passthrough devices under /passthrough.  For guests
 * whose DT is built ahead of time (Zephyr) and for checking with dtc.
 */
int dtg_fdt_guest(const dtg_domain *d, void *buf, size_t size,
		  size_t *needed);
int dtg_fdt_guest_alloc(const dtg_domain *d, void **out, size_t *size);

/*
 * The guest nodes (clocks and devices under /passthrough, no xen,*) as a
 * DT overlay for a guest DT built elsewhere: one fragment targeting "/",
 * and __local_fixups__ so that fdtoverlay renumbers the library's
 * phandles clear of the base tree's.  The base must define Xen's GIC
 * phandle (65000), as every Xen guest DT does.
 */
int dtg_fdt_overlay(const dtg_domain *d, void *buf, size_t size,
		    size_t *needed);
int dtg_fdt_overlay_alloc(const dtg_domain *d, void **out, size_t *size);

/* Who builds the guest's DT: they differ in a few nodes and properties. */
enum dtg_guest_builder {
	DTG_GUEST_BUILDER_LIBXL = 0,     /* xl/libxl at run time */
	/*
	 * Xen's dom0less builder at boot (checked against Xen 4.17 booted
	 * under QEMU): no compatible, model or interrupt-parent on the root,
	 * and no hypervisor node unless the guest is "xen,enhanced".
	 */
	DTG_GUEST_BUILDER_DOM0LESS,
	DTG_GUEST_BUILDER_DOM0LESS_ENHANCED,
};

/* The complete guest DT as `builder` makes it (dtg_fdt_guest: libxl). */
int dtg_fdt_guest_by(const dtg_domain *d, enum dtg_guest_builder builder,
		     void *buf, size_t size, size_t *needed);
int dtg_fdt_guest_by_alloc(const dtg_domain *d, enum dtg_guest_builder builder,
			   void **out, size_t *size);

/*
 * What a consumer of the partial DT does with a defect, read from its
 * code (lib/partial-check.c names the functions): Xen's dom0less builder
 * (handle_prop_pfdt() and its callers, 4.17 and 4.22) and libxl
 * (libxl__prepare_dtb(), copy_partial_fdt(), 4.17 to 4.22).
 */
enum dtg_partial_effect {
	DTG_PARTIAL_OK = 0,   /* not affected (it does not read that part) */
	DTG_PARTIAL_GUEST,    /* accepted as it is: the guest sees the defect */
	DTG_PARTIAL_LOGGED,   /* logged; that device is left half set up */
	DTG_PARTIAL_FAILS,    /* no domain: dom0less panics, xl create fails */
};

/* One rule violation found by dtg_partial_check(). */
struct dtg_partial_issue {
	const char *node;      /* node path in the partial DT */
	const char *property;  /* property at fault, or NULL */
	/*
	 * "entry 0: ... not page aligned ...: Xen 4.17 dom0less: ...; 4.22
	 * dom0less: ...; xl: ..." - the defect, then what each consumer does.
	 */
	const char *message;
	enum dtg_partial_effect xen417;   /* Xen 4.17 dom0less builder */
	enum dtg_partial_effect xen422;   /* Xen 4.22 dom0less builder */
	enum dtg_partial_effect xl;       /* xl/libxl 4.17-4.22 (device_tree=) */
};

/* Called once per violation; a non-zero return stops the check. */
typedef int (*dtg_partial_issue_fn)(void *opaque,
				    const struct dtg_partial_issue *issue);

/*
 * Check a partial DT (generated or hand-written; name is used in
 * messages) against Xen's rules (its dom0less builder and libxl) and against the host: the
 * /passthrough node's shape, xen,reg triplets and their alignment,
 * xen,path existence, interrupt-parent, IRQ collisions, host IOMMUs the
 * host DT disables.  Calls fn for each violation (fn may be NULL), with
 * what Xen 4.17's and 4.22's dom0less builders and xl do with it.  Returns the number of violations
 * (0 = valid) or a negative DTG_E* code when the blob itself is invalid.
 */
int dtg_partial_check(dtg_ctx *ctx, const dtg_host *host,
		      const void *partial, size_t size, const char *name,
		      dtg_partial_issue_fn fn, void *opaque);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_FDT_H */
