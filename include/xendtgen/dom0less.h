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

#include <xendtgen/domain.h>

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

enum dtg_module_kind {
	DTG_MODULE_KERNEL,
	DTG_MODULE_RAMDISK,
	DTG_MODULE_DEVICE_TREE,    /* the guest's partial DT */
};

/* One boot module and where it is loaded. */
struct dtg_dom0less_module {
	size_t guest;              /* index of the guest it belongs to */
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
 * memory outside host RAM, in reserved memory or claimed twice.
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
