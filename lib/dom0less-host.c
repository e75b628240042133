/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/dom0less-host.c - the edited host DTB of a dom0less system, as
 * Xen's docs/misc/arm/device-tree/booting.txt describes it: /chosen cells
 * and xen,xen-bootargs, a "xen,domain" node per guest with its modules,
 * and xen,passthrough on every host node a guest gets.
 */
#include <stdio.h>
#include <libfdt.h>

#include "dom0less-internal.h"
#include "copro-internal.h"

static int fdt_fail(struct dtg_dom0less *b, int err, const char *node,
		    const char *prop)
{
	return dtg_error(b->ctx, DTG_EBADDTB, "%s: %s: %s: %s",
			 dtg_host_name(b->host), node, prop, fdt_strerror(err));
}

static int setprop_u32(void *fdt, int node, const char *name, uint32_t v)
{
	return fdt_setprop_u32(fdt, node, name, v);
}

/* reg = <addr size> in 2/2 cells. */
static int setprop_reg64(void *fdt, int node, uint64_t addr, uint64_t size)
{
	fdt64_t v[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

	return fdt_setprop(fdt, node, "reg", v, sizeof(v));
}

/*
 * The default Xen command line: the console is the host's stdout-path
 * (without its ":options" part), which Xen's dtuart accepts as path or
 * alias.
 */
void dtg_dom0less_default_bootargs(const struct dtg_dom0less *b, char *buf,
				   size_t size)
{
	const void *fdt = dtg_host_fdt(b->host);
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *sp = chosen >= 0 ?
		fdt_getprop(fdt, chosen, "stdout-path", NULL) : NULL;

	if (!sp)
		sp = chosen >= 0 ?
			fdt_getprop(fdt, chosen, "linux,stdout-path", NULL) : NULL;
	if (sp && *sp) {
		size_t n = strcspn(sp, ":");
		snprintf(buf, size, "console=dtuart dtuart=%.*s", (int)n, sp);
	} else {
		snprintf(buf, size, "console=dtuart");
	}
}

static int add_module(struct dtg_dom0less *b, void *fdt, int dom,
		      const struct dtg_dom0less_module *m, const char *bootargs)
{
	static const char kernel[] = "multiboot,kernel\0multiboot,module";
	static const char ramdisk[] = "multiboot,ramdisk\0multiboot,module";
	static const char devtree[] = "multiboot,device-tree\0multiboot,module";
	char name[32];
	int node, r;

	snprintf(name, sizeof(name), "module@%llx", (unsigned long long)m->addr);
	node = fdt_add_subnode(fdt, dom, name);
	if (node < 0)
		return node;
	switch (m->kind) {
	case DTG_MODULE_KERNEL:
		r = fdt_setprop(fdt, node, "compatible", kernel, sizeof(kernel));
		break;
	case DTG_MODULE_RAMDISK:
		r = fdt_setprop(fdt, node, "compatible", ramdisk, sizeof(ramdisk));
		break;
	default:
		r = fdt_setprop(fdt, node, "compatible", devtree, sizeof(devtree));
		break;
	}
	if (!r)
		r = setprop_reg64(fdt, node, m->addr, m->size);
	if (!r && m->kind == DTG_MODULE_KERNEL && bootargs)
		r = fdt_setprop_string(fdt, node, "bootargs", bootargs);
	return r;
}

/* reg-like cells of 2/2: the domain nodes' and /chosen's cells */
static int append_u64(void *fdt, int node, const char *name, uint64_t v)
{
	fdt64_t c = cpu_to_fdt64(v);

	return fdt_appendprop(fdt, node, name, &c, sizeof(c));
}

/*
 * A domain's shared memory and event channel nodes under parent (its
 * xen,domain node, or /chosen for dom0), as Xen's process_shm and
 * alloc_static_evtchn read them.
 */
static int write_domain_system(struct dtg_dom0less *b, void *fdt, int parent,
			       size_t dom)
{
	const char *pre = dom == DTG_DOM0LESS_DOM0 ? "dom0-" : "";
	char name[64];
	size_t nshm = 0;
	int r = 0;

	for (size_t i = b->nshm; !r && i-- > 0;) {
		const struct dtg_shm_ref *s = &b->shm[i];
		int node;

		if (s->dom != dom)
			continue;
		for (size_t k = 0; k < i; k++)
			nshm += b->shm[k].dom == dom;
		snprintf(name, sizeof(name), "%sshared-mem-%zu", pre, nshm);
		nshm = 0;
		node = fdt_add_subnode(fdt, parent, name);
		if (node < 0)
			return node;
		r = fdt_setprop_string(fdt, node, "compatible",
				       "xen,domain-shared-memory-v1");
		if (!r && s->role != DTG_SHM_ROLE_NONE)
			r = fdt_setprop_string(fdt, node, "role",
					       s->role == DTG_SHM_ROLE_OWNER ?
					       "owner" : "borrower");
		r = r ? r : fdt_setprop_string(fdt, node, "xen,shm-id", s->id);
		/* <[host] guest size> in the parent's 2/2 cells */
		if (!r && s->has_host)
			r = append_u64(fdt, node, "xen,shared-mem", s->host);
		r = r ? r : append_u64(fdt, node, "xen,shared-mem", s->guest);
		r = r ? r : append_u64(fdt, node, "xen,shared-mem", s->size);
	}
	for (size_t i = b->nevtchn; !r && i-- > 0;) {
		const struct dtg_evtchn_end *e = &b->evtchn[i];
		fdt32_t v[2];
		int node;

		if (e->dom != dom)
			continue;
		snprintf(name, sizeof(name), "%sevtchn-%u", pre, e->port);
		node = fdt_add_subnode(fdt, parent, name);
		if (node < 0)
			return node;
		v[0] = cpu_to_fdt32(e->port);
		v[1] = cpu_to_fdt32(b->evtchn[e->peer].phandle);
		r = fdt_setprop_string(fdt, node, "compatible", "xen,evtchn-v1");
		r = r ? r : fdt_setprop(fdt, node, "xen,evtchn", v, sizeof(v));
		r = r ? r : setprop_u32(fdt, node, "phandle", e->phandle);
	}
	return r;
}

/*
 * Phandles for what the new nodes point at: cpupools, event channel
 * ends, and CPU nodes that have none; above every phandle of the host.
 */
static int assign_phandles(struct dtg_dom0less *b, void *fdt)
{
	uint32_t next;
	int r = fdt_find_max_phandle(fdt, &next);

	if (r)
		return r;
	next++;
	for (size_t i = 0; i < b->npool; i++) {
		for (size_t c = 0; c < b->pool[i].ncpus; c++) {
			int node = fdt_path_offset(fdt, b->pool[i].cpus[c]);

			if (node < 0)
				return node;
			if (!fdt_get_phandle(fdt, node)) {
				r = setprop_u32(fdt, node, "phandle", next++);
				if (r)
					return r;
			}
		}
		b->pool[i].phandle = next++;
	}
	for (size_t i = 0; i < b->nevtchn; i++)
		b->evtchn[i].phandle = next++;
	return 0;
}

/* Boot-time cpupools under /chosen (cpupools.txt), in the order given. */
static int add_cpupools(struct dtg_dom0less *b, void *fdt, int chosen)
{
	for (size_t i = b->npool; i-- > 0;) {
		const struct dtg_cpupool_def *p = &b->pool[i];
		int node = fdt_add_subnode(fdt, chosen, p->name), r;

		if (node < 0)
			return node;
		r = fdt_setprop_string(fdt, node, "compatible", "xen,cpupool");
		for (size_t c = 0; !r && c < p->ncpus; c++) {
			int cpu = fdt_path_offset(fdt, p->cpus[c]);

			if (cpu < 0)
				return cpu;
			node = fdt_path_offset(fdt, "/chosen");
			node = fdt_subnode_offset(fdt, node, p->name);
			r = fdt_appendprop_u32(fdt, node, "cpupool-cpus",
					       fdt_get_phandle(fdt, cpu));
		}
		if (!r && p->sched)
			r = fdt_setprop_string(fdt, node, "cpupool-sched", p->sched);
		r = r ? r : setprop_u32(fdt, node, "phandle", p->phandle);
		if (r)
			return r;
		chosen = fdt_path_offset(fdt, "/chosen");
	}
	return 0;
}

/* Dom0 (booting.txt): modules and shared memory/event channels under /chosen. */
static int add_dom0(struct dtg_dom0less *b, void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), r = 0;

	if (!b->dom0.present)
		return 0;
	if (b->dom0.cmdline)
		r = fdt_setprop_string(fdt, chosen, "xen,dom0-bootargs",
				       b->dom0.cmdline);
	for (size_t i = b->nmodule; !r && i-- > 0;)
		if (b->module[i].guest == DTG_DOM0LESS_DOM0) {
			chosen = fdt_path_offset(fdt, "/chosen");
			r = add_module(b, fdt, chosen, &b->module[i], NULL);
			r = r < 0 ? r : 0;
		}
	chosen = fdt_path_offset(fdt, "/chosen");
	return r ? r : write_domain_system(b, fdt, chosen, DTG_DOM0LESS_DOM0);
}

static int add_domain(struct dtg_dom0less *b, void *fdt, int chosen, size_t gi)
{
	const struct dtg_dom0less_gstate *gs = &b->guest[gi];
	struct dtg_domain_info info;
	int dom, r;

	dtg_domain_get_info(gs->g.domain, &info);
	dom = fdt_add_subnode(fdt, chosen, gs->name);
	if (dom < 0)
		return dom;
	r = fdt_setprop_string(fdt, dom, "compatible", "xen,domain");
	r = r ? r : setprop_u32(fdt, dom, "#address-cells", 2);
	r = r ? r : setprop_u32(fdt, dom, "#size-cells", 2);
	/* memory is in KiB, as a 64-bit number */
	r = r ? r : fdt_setprop_u64(fdt, dom, "memory", info.memory_mib * 1024);
	r = r ? r : setprop_u32(fdt, dom, "cpus", info.vcpus);
	if (!r && info.vpl011)
		r = fdt_setprop_empty(fdt, dom, "vpl011");
	if (!r && gs->iommu)
		r = fdt_setprop_string(fdt, dom, "passthrough", "enabled");
	if (!r && dtg_domain_pt_count(gs->g.domain) && info.nr_spis)
		r = setprop_u32(fdt, dom, "nr_spis", info.nr_spis);
	if (!r && info.direct_map)
		r = fdt_setprop_empty(fdt, dom, "direct-map");
	if (!r && info.nstatic_mem) {
		r = setprop_u32(fdt, dom, "#xen,static-mem-address-cells", 2);
		r = r ? r : setprop_u32(fdt, dom, "#xen,static-mem-size-cells", 2);
		for (size_t i = 0; !r && i < info.nstatic_mem; i++) {
			fdt64_t v[2] = { cpu_to_fdt64(info.static_mem[i][0]),
					 cpu_to_fdt64(info.static_mem[i][1]) };
			r = fdt_appendprop(fdt, dom, "xen,static-mem", v,
					   sizeof(v));
		}
	}
	if (!r && info.llc_colors)
		r = fdt_setprop_string(fdt, dom, "llc-colors", info.llc_colors);
	if (!r && gs->enhanced != DTG_ENHANCED_ABSENT) {
		static const char *const val[] = { NULL, "enabled", "no-xenstore",
						   "disabled", "legacy" };
		r = fdt_setprop_string(fdt, dom, "xen,enhanced", val[gs->enhanced]);
	}
	for (size_t i = 0; !r && gs->cpupool && i < b->npool; i++)
		if (!strcmp(b->pool[i].name, gs->cpupool))
			r = setprop_u32(fdt, dom, "domain-cpupool", b->pool[i].phandle);
	/* last to first, for the same reason as the guests */
	for (size_t i = b->nmodule; !r && i-- > 0;)
		if (b->module[i].guest == gi)
			r = add_module(b, fdt, dom, &b->module[i], info.cmdline);
	return r ? r : write_domain_system(b, fdt, dom, gi);
}

/* Every error below is a libfdt code; the caller turns it into a message. */
static int mark_passthrough(struct dtg_dom0less *b, void *fdt)
{
	for (size_t gi = 0; gi < b->nguest; gi++) {
		const dtg_domain *d = b->guest[gi].g.domain;

		for (size_t i = 0; i < dtg_domain_pt_count(d); i++) {
			struct dtg_pt_info pt;
			int node, r;

			dtg_domain_pt_info(d, i, &pt);
			node = fdt_path_offset(fdt, pt.host_path);
			if (node < 0)
				return node;
			r = fdt_setprop_empty(fdt, node, "xen,passthrough");
			if (r)
				return r;
		}
	}
	return 0;
}

/* One attempt at the edit in a buffer of `size` bytes. */
static int edit_into(struct dtg_dom0less *b, void *fdt, size_t size)
{
	const void *host = dtg_host_fdt(b->host);
	int chosen, r;

	r = fdt_open_into(host, fdt, (int)size);
	r = r ? r : assign_phandles(b, fdt);
	if (r)
		return r;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return chosen;
	r = setprop_u32(fdt, chosen, "#address-cells", 2);
	r = r ? r : setprop_u32(fdt, chosen, "#size-cells", 2);
	r = r ? r : fdt_setprop_string(fdt, chosen, "xen,xen-bootargs",
				       b->final_bootargs);
	/*
	 * fdt_add_subnode() puts a new node first among its siblings: add the
	 * guests last to first so that /chosen lists them in the order given
	 * (Xen creates the domains, and numbers them, in that order).
	 */
	for (size_t gi = b->nguest; !r && gi-- > 0;) {
		r = add_domain(b, fdt, chosen, gi);
		/* add_domain's offsets shift /chosen's: look it up again */
		chosen = fdt_path_offset(fdt, "/chosen");
	}
	r = r ? r : add_dom0(b, fdt);
	chosen = fdt_path_offset(fdt, "/chosen");
	r = r ? r : add_cpupools(b, fdt, chosen);
	r = r ? r : mark_passthrough(b, fdt);
	r = r ? r : dtg_copro_write_marks(fdt, &b->marks);
	return r ? r : fdt_pack(fdt);
}

/*
 * The nodes this builder adds directly under /chosen (a guest's, a
 * cpupool's) must not replace one the host has; and a host DT that
 * carries boot modules already would give Xen two dom0 kernels
 * (process_multiboot_node takes both).
 */
int dtg_dom0less_check_chosen(const struct dtg_dom0less *b)
{
	const void *fdt = dtg_host_fdt(b->host);
	int chosen = fdt_path_offset(fdt, "/chosen"), node;

	if (chosen < 0)
		return 0;
	for (size_t i = 0; i < b->nguest + b->npool; i++) {
		const char *name = i < b->nguest ? b->guest[i].name :
			b->pool[i - b->nguest].name;

		if (fdt_subnode_offset(fdt, chosen, name) >= 0)
			return dtg_error(b->ctx, DTG_EDUPLICATE,
					 "%s: /chosen/%s: the host DT already has "
					 "a node of that name",
					 dtg_host_name(b->host), name);
	}
	fdt_for_each_subnode(node, fdt, chosen)
		if (!fdt_node_check_compatible(fdt, node, "multiboot,module") ||
		    !fdt_node_check_compatible(fdt, node, "xen,multiboot-module"))
			return dtg_error(b->ctx, DTG_EDUPLICATE,
					 "%s: /chosen/%s: the host DT has a boot "
					 "module already; give the host DT without it",
					 dtg_host_name(b->host),
					 fdt_get_name(fdt, node, NULL));
	return 0;
}

int dtg_dom0less_edit_host(struct dtg_dom0less *b)
{
	size_t size = dtg_host_fdt_size(b->host) + 4096;
	int r;

	size += 64 * b->marks.n;   /* xen,shared-coprocessor marks */
	size += strlen(b->final_bootargs) + 1024 + 160 * (b->nshm + b->nevtchn) +
		(b->dom0.cmdline ? strlen(b->dom0.cmdline) : 0);
	for (size_t i = 0; i < b->npool; i++)
		size += 128 + 24 * b->pool[i].ncpus;

	for (size_t i = 0; i < b->nguest; i++) {
		struct dtg_domain_info info;

		dtg_domain_get_info(b->guest[i].g.domain, &info);
		size += 1024 + (info.cmdline ? strlen(info.cmdline) : 0) +
			64 * dtg_domain_pt_count(b->guest[i].g.domain);
	}
	for (;;) {
		void *fdt = dtg_alloc(b->ctx, size);

		if (!fdt)
			return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
		r = edit_into(b, fdt, size);
		if (r == -FDT_ERR_NOSPACE) {
			dtg_free(b->ctx, fdt);
			size *= 2;
			continue;
		}
		if (r) {
			dtg_free(b->ctx, fdt);
			return fdt_fail(b, r, "/chosen", "xen,domain");
		}
		b->host_dtb = fdt;
		b->host_dtb_size = fdt_totalsize(fdt);
		return 0;
	}
}
