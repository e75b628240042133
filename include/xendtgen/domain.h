/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/domain.h - a guest domain: what it gets from the host.
 *
 * A dtg_domain is described (settings, passthrough devices, ...) while
 * mutable, then dtg_domain_finalize() makes every decision - guest
 * addresses, SPIs, clocks, which host properties the guest sees - and
 * checks every Xen rule.  A finalized domain is immutable: every emitter
 * (xendtgen/fdt.h, xendtgen/domctl.h, xendtgen/config.h) is a pure
 * function of it, so one description yields a partial DT and a domctl plan
 * that cannot disagree.
 *
 * Devices are referred to by the index dtg_domain_add_passthrough()
 * returned, in the libfdt manner (integers, not handles).
 */
#ifndef XENDTGEN_DOMAIN_H
#define XENDTGEN_DOMAIN_H

#include <xendtgen/dtgen.h>
#include <xendtgen/host.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtg_domain dtg_domain;

enum dtg_arch {
	DTG_ARCH_ARM64 = 0,
	DTG_ARCH_ARM32,
	DTG_ARCH_X86,    /* vIOMMU descriptions only: no guest DT */
};

/* Where a device's MMIO range appears in the guest. */
enum dtg_placement {
	DTG_PLACE_IDENTITY = 0,  /* guest address == host address (default) */
	DTG_PLACE_AUTO,          /* allocated clear of the guest map */
	DTG_PLACE_FIXED,         /* the address the caller gives */
};

/* How a passthrough device is protected. */
enum dtg_iommu_mode {
	DTG_IOMMU_MODE_DEFAULT = 0, /* IOMMU if the host DT has one for it */
	DTG_IOMMU_MODE_ON,          /* assign through the IOMMU (dtdev) */
	DTG_IOMMU_MODE_OFF,         /* xen,force-assign-without-iommu */
};

/*
 * Create an empty domain for a host (arm64, GIC as the host's, 1 vCPU,
 * 128 MiB, no vpl011).  The host and ctx must outlive the domain.
 */
int dtg_domain_new(dtg_ctx *ctx, const dtg_host *host, dtg_domain **out);

/* Free a domain (finalized or not). */
void dtg_domain_free(dtg_domain *d);

/* The context and host the domain was created with. */
dtg_ctx *dtg_domain_ctx(const dtg_domain *d);
const dtg_host *dtg_domain_host(const dtg_domain *d);

/* Settings; each fails with -DTG_ESTATE once finalized. */
int dtg_domain_set_name(dtg_domain *d, const char *name);
int dtg_domain_set_arch(dtg_domain *d, enum dtg_arch arch);
/* 2 or 3; 0 means the host's GIC version. */
int dtg_domain_set_gic_version(dtg_domain *d, unsigned version);
int dtg_domain_set_vcpus(dtg_domain *d, unsigned vcpus);
/* Guest RAM in MiB (xl's `memory`). */
int dtg_domain_set_memory_mib(dtg_domain *d, uint64_t mib);
int dtg_domain_set_vpl011(dtg_domain *d, bool enable);
/* SPIs the guest's vGIC offers; 0 = just enough for its devices. */
int dtg_domain_set_nr_spis(dtg_domain *d, unsigned nr_spis);
/*
 * The Xen release whose libxl/xl the outputs follow (DTG_XEN_RELEASE(4, 17)
 * .. (4, 22), see xendtgen/domctl.h; 0 = the newest, plus libdtgen's
 * proposed interfaces): the virtio-mmio nodes libxl writes, the xl.cfg
 * keys that release's xl knows.
 */
int dtg_domain_set_xen_release(dtg_domain *d, unsigned release);
/* Boot modules (dom0less); paths are recorded, never opened. */
int dtg_domain_set_kernel(dtg_domain *d, const char *path,
			  const char *cmdline);
int dtg_domain_set_ramdisk(dtg_domain *d, const char *path);

/*
 * Dom0less memory (Xen's booting.txt): banks of host RAM the guest gets
 * as they are ("xen,static-mem"; their total must equal the guest's
 * memory), mapped at the same guest addresses with direct_map
 * ("direct-map", which needs static memory), and LLC colors ("llc-colors",
 * Xen 4.20 and later, e.g. "0-3").
 */
int dtg_domain_add_static_mem(dtg_domain *d, uint64_t base, uint64_t size);
int dtg_domain_set_direct_map(dtg_domain *d, bool enable);
int dtg_domain_set_llc_colors(dtg_domain *d, const char *colors);

/*
 * The domain is dom0 (the hardware domain).  Xen gives dom0 the host's
 * address map 1:1 (its RAM is host RAM, a device is at its host address,
 * interrupts are routed 1:1 - Xen's handle_device / map_irq_to_domain),
 * so its coprocessor instances sit at their host addresses and IRQs,
 * whatever the placement (auto and 1:1 alike; a fixed address other than
 * the host's is an error), instead of in a domU's guest map.
 */
int dtg_domain_set_dom0(dtg_domain *d, bool dom0);

/*
 * Pass the host node at host_path through.  Returns the device index
 * (>= 0), -DTG_ENOTFOUND for an unknown path, -DTG_EDUPLICATE if the same
 * node is already passed through.
 */
int dtg_domain_add_passthrough(dtg_domain *d, const char *host_path);

/*
 * Place MMIO range `range` of device `dev` (-1: every range) in the
 * guest.  addr is used with DTG_PLACE_FIXED only.
 */
int dtg_pt_set_placement(dtg_domain *d, int dev, int range,
			 enum dtg_placement how, uint64_t addr);

/* Choose IOMMU protection of device dev. */
int dtg_pt_set_iommu(dtg_domain *d, int dev, enum dtg_iommu_mode mode);

/*
 * Give the rate of one of dev's clocks: clock is a clock-names entry or
 * a decimal index into clocks.
 */
int dtg_pt_set_clock_rate(dtg_domain *d, int dev, const char *clock,
			  uint64_t hz);

/* Keep a host property the guest would otherwise not get. */
int dtg_pt_keep_property(dtg_domain *d, int dev, const char *prop);

/*
 * Make every decision and check every rule Xen and libxl apply to what
 * the emitters write (the code names their functions where each rule is
 * checked).  On success the domain is immutable.  On failure the domain
 * stays mutable and the context names the device, node and property at
 * fault.
 */
int dtg_domain_finalize(dtg_domain *d);

/* True once dtg_domain_finalize() has succeeded. */
bool dtg_domain_is_finalized(const dtg_domain *d);

/* ---- Reading a finalized domain's decisions ---- */

/* One MMIO range as the guest gets it (all map_* page-aligned). */
struct dtg_pt_range {
	uint64_t host_addr;   /* the device's reg entry (CPU physical) */
	uint64_t guest_addr;  /* where the guest's reg says it is */
	uint64_t size;        /* the reg entry's size */
	uint64_t map_host;    /* page-aligned region mapped ... */
	uint64_t map_guest;   /* ... at this guest address ... */
	uint64_t map_size;    /* ... for this many bytes */
};

/* One interrupt routed to the guest (Arm: virtual == physical SPI). */
struct dtg_pt_irq {
	uint32_t intid;       /* physical GIC INTID (32 + SPI) */
	uint32_t virq;        /* guest INTID */
	uint32_t flags;       /* trigger flags (IRQ_TYPE_*) */
};

/* A passthrough device as finalized. */
struct dtg_pt_info {
	const char *host_path;
	const char *guest_path;      /* e.g. "/passthrough/pl031@9010000" */
	bool iommu;                  /* true: assign_device; false: forced */
	size_t nrange;
	const struct dtg_pt_range *range;
	size_t nirq;
	const struct dtg_pt_irq *irq;
};

struct dtg_domain_info {
	const char *name;
	enum dtg_arch arch;
	unsigned gic_version;
	unsigned vcpus;
	uint64_t memory_mib;
	bool vpl011;
	unsigned nr_spis;            /* as finalized (given, or computed) */
	const char *kernel, *cmdline, *ramdisk;  /* NULL when not set */
	size_t nstatic_mem;          /* xen,static-mem banks ... */
	const uint64_t (*static_mem)[2];  /* ... {base, size} each */
	bool direct_map;
	const char *llc_colors;      /* NULL when not set */
};

/* Domain-wide settings (valid on any domain; nr_spis final once finalized). */
int dtg_domain_get_info(const dtg_domain *d, struct dtg_domain_info *info);

/* Number of passthrough devices. */
size_t dtg_domain_pt_count(const dtg_domain *d);

/* Decisions for device i of a finalized domain (-DTG_ESTATE otherwise). */
int dtg_domain_pt_info(const dtg_domain *d, size_t i,
		       struct dtg_pt_info *info);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_DOMAIN_H */
