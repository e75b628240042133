/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/dom0less.h - a dom0less system from a host DTB and several
 * finalized domains.
 *
 * The builder edits the host DTB the way Xen's
 * docs/misc/arm/device-tree/booting.txt describes: /chosen gets its cells
 * and xen,xen-bootargs, one "xen,domain" node per guest with its boot
 * modules (kernel with bootargs, ramdisk, partial DT), and every host node
 * passed through gets xen,passthrough.  It also chooses where the boot
 * loader puts each module: 2 MiB aligned, inside host RAM (/memory),
 * clear of /reserved-memory, of /memreserve/ entries, of each other and of
 * the area the boot loader uses for Xen and the DTB.
 *
 * A kernel or ramdisk file that several guests name is loaded once and
 * each guest's module node points at that one copy: Xen's
 * add_boot_module() merges modules of one kind at one address.
 *
 * The library never opens files: the caller gives each module's size and
 * writes the outputs (see `dtgen dom0less`).
 */
#ifndef XENDTGEN_DOM0LESS_H
#define XENDTGEN_DOM0LESS_H

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>      /* DTG_XEN_RELEASE() */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtg_dom0less dtg_dom0less;

/* Alignment of every module's load address. */
#define DTG_DOM0LESS_ALIGN 0x200000ULL

/*
 * Without a load base, modules start this far above the first RAM bank's
 * base: boot loaders put Xen and the DTB below it (QEMU puts its DTB at
 * RAM + 128 MiB when loading a kernel with -kernel; U-Boot's
 * kernel_addr_r/fdt_addr_r sit in the first 128 MiB on common boards).
 */
#define DTG_DOM0LESS_DEFAULT_OFFSET 0x10000000ULL

struct dtg_dom0less_opts {
	const char *xen_bootargs;  /* NULL: console from /chosen stdout-path */
	uint64_t load_base;        /* 0: first RAM bank + DEFAULT_OFFSET */
	/*
	 * The Xen release the system is for, DTG_XEN_RELEASE(4, 17) ..
	 * DTG_XEN_RELEASE(4, 22) as for dtg_domain_set_xen_release (give
	 * the guests' domains the same one); 0: DTG_XEN_RELEASE_LAST.  What
	 * a release lacks is refused: shared memory without a host address,
	 * "legacy" xen,enhanced and LLC colors before 4.22 ... (see below).
	 * -DTG_EUNSUPPORTED from dtg_dom0less_new for another release.
	 */
	unsigned xen_release;
};

/*
 * What a guest brings besides its dtg_domain: the sizes of its files and,
 * optionally, a partial DT of its own.  Static memory, direct-map and LLC
 * colors are part of the domain (dtg_domain_add_static_mem() ...).
 */
struct dtg_dom0less_guest {
	const dtg_domain *domain;  /* finalized; name, kernel, ... from it */
	uint64_t kernel_size;      /* bytes of the kernel file (required) */
	uint64_t ramdisk_size;     /* 0 when the domain has no ramdisk */
	/*
	 * The guest's own partial DT (xl.cfg device_tree=), loaded in place
	 * of the one generated from its passthrough devices; NULL for the
	 * generated one.  It is checked with dtg_partial_check() and each
	 * violation is logged as a warning, not refused: the user may mean
	 * it.  The guest's passthrough devices are still claimed and marked.
	 */
	const void *partial_dtb;
	size_t partial_dtb_size;
	/* The partial DT's file name, for messages (NULL: "guest 'NAME'
	 * device_tree").  The blob is checked when the guest is added. */
	const char *partial_dtb_name;
};

/*
 * Dom0 of a hybrid system (booting.txt "Dom0 kernel and ramdisk modules",
 * "Command lines"): its kernel and ramdisk are modules directly under
 * /chosen, its command line is /chosen's xen,dom0-bootargs and its
 * memory and vCPUs are Xen options (dom0_mem=, dom0_max_vcpus=) added
 * to xen,xen-bootargs.  Dom0 gets every host device no guest is given.
 */
struct dtg_dom0less_dom0 {
	const char *kernel;        /* path (required) */
	uint64_t kernel_size;
	const char *ramdisk;       /* NULL: none */
	uint64_t ramdisk_size;
	const char *cmdline;       /* xen,dom0-bootargs; NULL: none */
	uint64_t memory_mib;       /* dom0_mem=; 0: Xen's default (512M) */
	unsigned vcpus;            /* dom0_max_vcpus=; 0: all pCPUs */
};

/*
 * The "guest" index of dom0's modules, shared memory and event channels;
 * dtg_dom0less_add_shm/add_evtchn take it once dtg_dom0less_set_dom0 was
 * called (-DTG_ESTATE before).
 */
#define DTG_DOM0LESS_DOM0 ((size_t)-1)

/*
 * Give the system a dom0 (at most once).  Its module paths are copied.
 * -DTG_EINVAL for a missing kernel or an empty file.
 */
int dtg_dom0less_set_dom0(dtg_dom0less *b, const struct dtg_dom0less_dom0 *d0);

/*
 * xen,enhanced of a guest (booting.txt): Xen PV interfaces.  ENABLED and
 * LEGACY need xenstore, hence a dom0 (Xen 4.17's construct_domU panics
 * "Xenstore support requires dom0 to be present", 4.22's create_domUs
 * "xenstore requested, but xenstore domain not present"); LEGACY is 4.22.
 */
enum dtg_xen_enhanced {
	DTG_ENHANCED_ABSENT,       /* no property: PV interfaces off */
	DTG_ENHANCED_ENABLED,
	DTG_ENHANCED_NO_XENSTORE,
	DTG_ENHANCED_DISABLED,
	DTG_ENHANCED_LEGACY,
};
int dtg_dom0less_set_enhanced(dtg_dom0less *b, size_t guest,
			      enum dtg_xen_enhanced e);

/*
 * A static shared memory region as one domain sees it: a
 * "xen,domain-shared-memory-v1" node (booting.txt "Static Shared
 * Memory"; Xen's process_shm_node/process_shm).  Every domain naming an
 * id must agree on host address and size; ids are 1..15 characters;
 * role is absent in every domain of a region (owner DOMID_IO) or
 * "owner" in exactly one (the others then get "borrower").  Without a
 * host address Xen 4.22 allocates the region (4.17 refuses it).
 */
enum dtg_shm_role { DTG_SHM_ROLE_NONE, DTG_SHM_ROLE_OWNER,
		    DTG_SHM_ROLE_BORROWER };
struct dtg_dom0less_shm {
	const char *id;
	bool has_host;             /* false: Xen chooses (4.22) */
	uint64_t host, guest, size;
	enum dtg_shm_role role;
};
int dtg_dom0less_add_shm(dtg_dom0less *b, size_t dom,
			 const struct dtg_dom0less_shm *shm);

/*
 * A static event channel (booting.txt "Static Event Channel"; Xen's
 * alloc_static_evtchn): local port of dom connected to peer_port of the
 * domain named peer ("dom0" for dom0).  A link may be given from one end
 * or from both (then they must agree); each end becomes a
 * "xen,evtchn-v1" node whose xen,evtchn names the other end's phandle.
 * Ports are 1..4095 (the 2-level ABI a guest starts with), each used
 * once per domain.  A guest with event channels needs xen,enhanced.
 */
struct dtg_dom0less_evtchn {
	uint32_t port;
	const char *peer;
	uint32_t peer_port;
};
int dtg_dom0less_add_evtchn(dtg_dom0less *b, size_t dom,
			    const struct dtg_dom0less_evtchn *ev);

/*
 * A boot-time cpupool (docs/misc/arm/device-tree/cpupools.txt; Xen's
 * btcpupools_dtb_parse, needs CONFIG_BOOT_TIME_CPUPOOLS): a "xen,cpupool"
 * node under /chosen whose cpupool-cpus are phandles of host CPU nodes
 * (names under /cpus such as "cpu@1", or paths; a CPU without a phandle
 * gets one).  sched is NULL or one of Xen's schedulers.
 */
struct dtg_dom0less_cpupool {
	const char *name;          /* node name under /chosen */
	const char *const *cpus;
	size_t ncpus;
	const char *sched;
};
int dtg_dom0less_add_cpupool(dtg_dom0less *b,
			     const struct dtg_dom0less_cpupool *pool);
/* Start guest in pool (domain-cpupool = <&pool>). */
int dtg_dom0less_set_cpupool(dtg_dom0less *b, size_t guest, const char *pool);

/*
 * Read a domain's dom0less-only keys from its xl.cfg-syntax config:
 *   xen_enhanced = "enabled"|"no-xenstore"|"disabled"|"legacy"  (guests)
 *   cpupool = "NAME"                                              (guests)
 *   shared_mem = [ "id=ID,host=ADDR,guest=ADDR,size=SIZE[,role=owner|borrower]" ]
 *   static_evtchn = [ "port=N,peer=NAME,peer_port=M" ]
 * (host= may be left out for 4.22).  dom is a guest index or
 * DTG_DOM0LESS_DOM0.  Errors name the file, line and key.
 */
int dtg_dom0less_apply_config(dtg_dom0less *b, size_t dom,
			      const dtg_config *cfg);

enum dtg_module_kind {
	DTG_MODULE_KERNEL,
	DTG_MODULE_RAMDISK,
	DTG_MODULE_DEVICE_TREE,    /* the guest's partial DT */
};

/* One boot module and where it is loaded. */
struct dtg_dom0less_module {
	size_t guest;              /* index of the guest it belongs to,
				      or DTG_DOM0LESS_DOM0 */
	enum dtg_module_kind kind;
	const char *path;          /* kernel/ramdisk path from the domain;
				      NULL for the partial DT */
	uint64_t addr, size;
	bool shared;               /* loaded by an earlier module (same kind
				      and path): write no load line for it */
};

/* Start a builder for host.  opts may be NULL. */
int dtg_dom0less_new(dtg_ctx *ctx, const dtg_host *host,
		     const struct dtg_dom0less_opts *opts, dtg_dom0less **out);

/* Free a builder. */
void dtg_dom0less_free(dtg_dom0less *b);

/*
 * Add a guest.  Its partial_dtb is copied; the domain must stay valid
 * while the builder lives.  Returns its index,
 * -DTG_ESTATE if the domain is not finalized, -DTG_EINVAL if it has no
 * kernel or no name, -DTG_EDUPLICATE for a name already used.
 */
int dtg_dom0less_add_guest(dtg_dom0less *b,
			   const struct dtg_dom0less_guest *guest);

/*
 * Decide everything: partial DTs, module placement, the edited host DTB.
 * Fails on two guests claiming one device, a module or guest memory that
 * does not fit host RAM, a load base inside reserved memory, static
 * memory outside host RAM, in reserved memory or claimed twice; on shared
 * memory, event channels, cpupools or xen,enhanced Xen would refuse; on
 * static memory in a system with LLC colors (Xen 4.22's
 * dom0less-bindings.c panics "LLC coloring and static memory are
 * incompatible").  Colors add llc-coloring=on to xen,xen-bootargs.
 * Once it failed (past the "no guest" check), the builder can only be
 * freed: a second call returns -DTG_ESTATE.
 */
int dtg_dom0less_finalize(dtg_dom0less *b);

/* Modules in load order (finalized builder). */
size_t dtg_dom0less_module_count(const dtg_dom0less *b);
int dtg_dom0less_module(const dtg_dom0less *b, size_t i,
			struct dtg_dom0less_module *m);

/* The edited host DTB (points into the builder). */
int dtg_dom0less_host_dtb(const dtg_dom0less *b, const void **dtb,
			  size_t *size);

/* Guest i's partial DT, or *dtb = NULL when it passes nothing through. */
int dtg_dom0less_partial_dtb(const dtg_dom0less *b, size_t guest,
			     const void **dtb, size_t *size);

/* Guest i's name. */
const char *dtg_dom0less_guest_name(const dtg_dom0less *b, size_t guest);

/*
 * Text outputs; module_paths[i] is the file the caller will store module
 * i in (for partial DTs, the path the caller writes them to).  Shared
 * modules get no line of their own.
 *  - load.txt: "0xADDR 0xSIZE PATH" per loaded module;
 *  - qemu.args: "-device loader,file=PATH,addr=0xADDR,force-raw=on" per
 *    loaded module;
 *  - boot.cmd: a U-Boot script in ImageBuilder's style: load Xen, the
 *    host DTB and each module, then booti Xen with the DTB.
 */
int dtg_dom0less_load_txt_alloc(const dtg_dom0less *b,
				const char *const *module_paths,
				char **out, size_t *len);
int dtg_dom0less_qemu_args_alloc(const dtg_dom0less *b,
				 const char *const *module_paths,
				 char **out, size_t *len);
int dtg_dom0less_boot_cmd_alloc(const dtg_dom0less *b,
				const char *const *module_paths,
				const char *xen_path, const char *dtb_path,
				char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_DOM0LESS_H */
