/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/dom0less-system.c - what a dom0less system has besides its guests:
 * a dom0 (hybrid systems), xen,enhanced, static shared memory, static
 * event channels, boot-time cpupools, and the LLC coloring switch.  The
 * checks are Xen's own (4.17 domain_build.c/bootfdt.c, 4.22
 * common/device-tree/, common/sched/boot-cpupool.c): what Xen would
 * refuse or panic on is refused here with the domain and key named.
 */
#include <stdio.h>
#include <libfdt.h>

#include "dom0less-internal.h"
#include "finalize-internal.h"

#define SHM_ID_MAX 16          /* Xen's MAX_SHM_ID_LENGTH, NUL included */
#define EVTCHN_2L_PORTS 4096   /* ports of the 2-level ABI */
#define XEN_PAGE 0x1000ULL

const char *dtg_dom0less_dom_name(const struct dtg_dom0less *b, size_t dom)
{
	if (dom == DTG_DOM0LESS_DOM0)
		return "dom0";
	return dom < b->nguest ? b->guest[dom].name : "?";
}

static int check_dom(struct dtg_dom0less *b, size_t dom, bool dom0_ok)
{
	if (b->finalized)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: builder already finalized");
	/*
	 * dom0's shared memory and event channels need a dom0: without one
	 * its shm node would be dropped and a guest's evtchn would name an
	 * end that does not exist (Xen's alloc_static_evtchn panics).
	 */
	if (dom == DTG_DOM0LESS_DOM0 && dom0_ok && !b->dom0.present)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: dom0: not set (call "
				 "dtg_dom0less_set_dom0 first)");
	if (dom == DTG_DOM0LESS_DOM0 ? !dom0_ok : dom >= b->nguest)
		return dtg_error(b->ctx, DTG_ENOTFOUND,
				 "dom0less: no guest %zu", dom);
	return 0;
}

int dtg_dom0less_set_dom0(dtg_dom0less *b, const struct dtg_dom0less_dom0 *d0)
{
	struct dtg_dom0_state *s = &b->dom0;

	if (b->finalized)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: builder already finalized");
	if (!d0 || !d0->kernel || !*d0->kernel)
		return dtg_error(b->ctx, DTG_EINVAL, "dom0less: dom0: kernel: not set");
	if (s->present)
		return dtg_error(b->ctx, DTG_EDUPLICATE, "dom0less: dom0 given twice");
	if (!d0->kernel_size)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: dom0: kernel: %s is empty", d0->kernel);
	if (d0->ramdisk && !d0->ramdisk_size)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: dom0: ramdisk: %s is empty", d0->ramdisk);
	if (d0->cmdline && strpbrk(d0->cmdline, "\n\r"))
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: dom0: cmdline: contains a newline");
	s->kernel = dtg_strdup(b->ctx, d0->kernel);
	s->ramdisk = d0->ramdisk ? dtg_strdup(b->ctx, d0->ramdisk) : NULL;
	s->cmdline = d0->cmdline ? dtg_strdup(b->ctx, d0->cmdline) : NULL;
	if (!s->kernel || (d0->ramdisk && !s->ramdisk) ||
	    (d0->cmdline && !s->cmdline)) {
		dtg_free(b->ctx, s->kernel);
		dtg_free(b->ctx, s->ramdisk);
		dtg_free(b->ctx, s->cmdline);
		memset(s, 0, sizeof(*s));
		return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
	}
	s->kernel_size = d0->kernel_size;
	s->ramdisk_size = d0->ramdisk ? d0->ramdisk_size : 0;
	s->memory_mib = d0->memory_mib;
	s->vcpus = d0->vcpus;
	s->present = true;
	return 0;
}

int dtg_dom0less_set_enhanced(dtg_dom0less *b, size_t guest,
			      enum dtg_xen_enhanced e)
{
	int r = check_dom(b, guest, false);

	if (r)
		return r;
	if ((int)e < 0 || e > DTG_ENHANCED_LEGACY)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: guest '%s': xen,enhanced: bad value %d",
				 b->guest[guest].name, (int)e);
	b->guest[guest].enhanced = e;
	return 0;
}

int dtg_dom0less_add_shm(dtg_dom0less *b, size_t dom,
			 const struct dtg_dom0less_shm *shm)
{
	struct dtg_shm_ref *ref;
	int r = check_dom(b, dom, true);

	if (r)
		return r;
	if (!shm || !shm->id || shm->role > DTG_SHM_ROLE_BORROWER ||
	    (int)shm->role < 0)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: %s: shared memory: no id or a bad role",
				 dtg_dom0less_dom_name(b, dom));
	r = dtg_grow(b->ctx, (void **)&b->shm, &b->capshm, b->nshm + 1,
		     sizeof(*b->shm));
	if (r)
		return r;
	ref = &b->shm[b->nshm];
	*ref = (struct dtg_shm_ref){ dom, dtg_strdup(b->ctx, shm->id),
		shm->has_host, shm->has_host ? shm->host : 0, shm->guest,
		shm->size, shm->role };
	if (!ref->id)
		return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
	b->nshm++;
	return 0;
}

int dtg_dom0less_add_evtchn(dtg_dom0less *b, size_t dom,
			    const struct dtg_dom0less_evtchn *ev)
{
	struct dtg_evtchn_end *e;
	int r = check_dom(b, dom, true);

	if (r)
		return r;
	if (!ev || !ev->peer)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: %s: static event channel: no peer",
				 dtg_dom0less_dom_name(b, dom));
	r = dtg_grow(b->ctx, (void **)&b->evtchn, &b->capevtchn,
		     b->nevtchn + 1, sizeof(*b->evtchn));
	if (r)
		return r;
	e = &b->evtchn[b->nevtchn];
	*e = (struct dtg_evtchn_end){ .dom = dom, .port = ev->port,
		.peer_name = dtg_strdup(b->ctx, ev->peer),
		.peer_port = ev->peer_port };
	if (!e->peer_name)
		return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
	b->nevtchn++;
	return 0;
}

/* A node name under /chosen: DT node-name characters only. */
static bool valid_node_name(const char *s)
{
	if (!*s || strlen(s) > 31)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(",._+-", *s)))
			return false;
	return true;
}

int dtg_dom0less_add_cpupool(dtg_dom0less *b,
			     const struct dtg_dom0less_cpupool *pool)
{
	struct dtg_cpupool_def *p;
	int r;

	if (b->finalized)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: builder already finalized");
	if (!pool || !pool->name || !valid_node_name(pool->name))
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: cpupool '%s': not a valid node name",
				 pool && pool->name ? pool->name : "");
	if (!pool->ncpus)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: cpupool '%s': cpupool-cpus: no CPU "
				 "(Xen's btcpupools_dtb_parse panics on an empty "
				 "pool)", pool->name);
	for (size_t i = 0; i < b->npool; i++)
		if (!strcmp(b->pool[i].name, pool->name))
			return dtg_error(b->ctx, DTG_EDUPLICATE,
					 "dom0less: two cpupools are named '%s'",
					 pool->name);
	r = dtg_grow(b->ctx, (void **)&b->pool, &b->cappool, b->npool + 1,
		     sizeof(*b->pool));
	if (r)
		return r;
	p = &b->pool[b->npool];
	memset(p, 0, sizeof(*p));
	p->name = dtg_strdup(b->ctx, pool->name);
	p->sched = pool->sched ? dtg_strdup(b->ctx, pool->sched) : NULL;
	p->cpus = dtg_zalloc(b->ctx, pool->ncpus * sizeof(*p->cpus));
	b->npool++;   /* freed with the builder from here on */
	if (!p->name || (pool->sched && !p->sched) || !p->cpus)
		return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
	for (size_t i = 0; i < pool->ncpus; i++) {
		const char *c = pool->cpus[i];
		size_t n = strlen(c) + 7;

		p->cpus[i] = dtg_alloc(b->ctx, n);
		if (!p->cpus[i])
			return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
		p->ncpus++;
		/* "cpu@1" is /cpus/cpu@1; a path is used as it is */
		snprintf(p->cpus[i], n, "%s%s", c[0] == '/' ? "" : "/cpus/", c);
	}
	return 0;
}

int dtg_dom0less_set_cpupool(dtg_dom0less *b, size_t guest, const char *pool)
{
	int r = check_dom(b, guest, false);

	if (r)
		return r;
	dtg_free(b->ctx, b->guest[guest].cpupool);
	b->guest[guest].cpupool = pool ? dtg_strdup(b->ctx, pool) : NULL;
	if (pool && !b->guest[guest].cpupool)
		return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
	return 0;
}

void dtg_dom0less_system_free(struct dtg_dom0less *b)
{
	dtg_free(b->ctx, b->dom0.kernel);
	dtg_free(b->ctx, b->dom0.ramdisk);
	dtg_free(b->ctx, b->dom0.cmdline);
	for (size_t i = 0; i < b->nshm; i++)
		dtg_free(b->ctx, b->shm[i].id);
	dtg_free(b->ctx, b->shm);
	for (size_t i = 0; i < b->nevtchn; i++)
		dtg_free(b->ctx, b->evtchn[i].peer_name);
	dtg_free(b->ctx, b->evtchn);
	for (size_t i = 0; i < b->npool; i++) {
		for (size_t k = 0; k < b->pool[i].ncpus; k++)
			dtg_free(b->ctx, b->pool[i].cpus[k]);
		dtg_free(b->ctx, b->pool[i].cpus);
		dtg_free(b->ctx, b->pool[i].name);
		dtg_free(b->ctx, b->pool[i].sched);
	}
	dtg_free(b->ctx, b->pool);
	for (size_t i = 0; i < b->nguest; i++)
		dtg_free(b->ctx, b->guest[i].cpupool);
	dtg_free(b->ctx, b->final_bootargs);
}

/* ---- checks ---- */

static const char *hname(const struct dtg_dom0less *b)
{
	return dtg_host_name(b->host);
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t c, uint64_t cs)
{
	return a < c + cs && c < a + as;
}

/* Whether [base, base+size) lies in one host RAM bank. */
static bool in_ram(const struct dtg_dom0less *b, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < b->nbank; i++)
		if (base >= b->bank[i].base &&
		    base - b->bank[i].base <= b->bank[i].size &&
		    size <= b->bank[i].size - (base - b->bank[i].base))
			return true;
	return false;
}

static bool direct_mapped(const struct dtg_dom0less *b, size_t dom)
{
	struct dtg_domain_info info;

	if (dom == DTG_DOM0LESS_DOM0)
		return true;   /* Xen maps dom0's RAM 1:1 */
	dtg_domain_get_info(b->guest[dom].g.domain, &info);
	return info.direct_map;
}

/* The guest address of a region must not hit anything Xen or the guest's
 * devices put there (its RAM, GIC, vpl011, passthrough ranges ...). */
static int check_shm_guest(struct dtg_dom0less *b, const struct dtg_shm_ref *s)
{
	const dtg_domain *d;
	struct dtg_guest_region map[DTG_GUEST_MAP_MAX];
	const struct dtg_guest_region *hit;
	struct dtg_domain_info info;
	size_t n;

	if (s->dom == DTG_DOM0LESS_DOM0 || direct_mapped(b, s->dom))
		return 0;   /* guest == host address, checked against host RAM */
	d = b->guest[s->dom].g.domain;
	dtg_domain_get_info(d, &info);
	n = dtg_guest_map(d, info.gic_version, map);
	hit = dtg_guest_map_overlap(map, n, s->guest, s->size);
	if (hit)
		return dtg_error(b->ctx, DTG_EOVERLAP,
				 "%s: guest '%s': shared_mem: '%s' at guest "
				 "0x%llx+0x%llx overlaps %s", hname(b),
				 b->guest[s->dom].name, s->id,
				 (unsigned long long)s->guest,
				 (unsigned long long)s->size, hit->name);
	for (size_t i = 0; i < dtg_domain_pt_count(d); i++) {
		struct dtg_pt_info pt;

		dtg_domain_pt_info(d, i, &pt);
		for (size_t k = 0; k < pt.nrange; k++)
			if (overlaps(s->guest, s->size, pt.range[k].map_guest,
				     pt.range[k].map_size))
				return dtg_error(b->ctx, DTG_EOVERLAP,
						 "%s: guest '%s': shared_mem: '%s' at "
						 "guest 0x%llx+0x%llx overlaps %s",
						 hname(b), b->guest[s->dom].name,
						 s->id, (unsigned long long)s->guest,
						 (unsigned long long)s->size,
						 pt.guest_path);
	}
	return 0;
}

/* One region's references, all checked; borrowers made explicit. */
static int check_shm_region(struct dtg_dom0less *b, size_t first,
			    size_t *cap)
{
	struct dtg_shm_ref *s0 = &b->shm[first];
	size_t owners = 0, roles = 0;

	for (size_t i = first; i < b->nshm; i++) {
		struct dtg_shm_ref *s = &b->shm[i];
		const char *who = dtg_dom0less_dom_name(b, s->dom);

		if (strcmp(s->id, s0->id))
			continue;
		if (s->has_host != s0->has_host ||
		    (s->has_host && s->host != s0->host) || s->size != s0->size)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: %s: shared_mem: '%s' has another host "
					 "address or size than in %s (Xen's "
					 "process_shm_node: \"different shared memory "
					 "region could not share the same shm ID\")",
					 hname(b), who, s->id,
					 dtg_dom0less_dom_name(b, s0->dom));
		for (size_t k = first; k < i; k++)
			if (!strcmp(b->shm[k].id, s->id) && b->shm[k].dom == s->dom)
				return dtg_error(b->ctx, DTG_EDUPLICATE,
						 "%s: %s: shared_mem: '%s' given twice",
						 hname(b), who, s->id);
		if (s->role != DTG_SHM_ROLE_NONE)
			roles++;
		if (s->role == DTG_SHM_ROLE_OWNER)
			owners++;
		if (direct_mapped(b, s->dom) && (!s->has_host || s->guest != s->host))
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: %s: shared_mem: '%s': %s is direct-mapped: "
					 "its guest address must be the host address "
					 "(Xen 4.22's process_shm refuses it)",
					 hname(b), who, s->id, who);
		int r = check_shm_guest(b, s);
		if (r)
			return r;
	}
	/*
	 * Xen's process_shm: without role the owner is DOMID_IO and every
	 * domain borrows; an "owner" takes the region, the others must say
	 * "borrower" (a domain without role would make DOMID_IO take it too).
	 */
	if (owners > 1)
		return dtg_error(b->ctx, DTG_EDUPLICATE,
				 "%s: shared_mem: '%s' has %zu owners (at most one)",
				 hname(b), s0->id, owners);
	if (!owners && roles)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "%s: shared_mem: '%s' has borrowers and no owner "
				 "(leave role out everywhere for a DOMID_IO-owned "
				 "region)", hname(b), s0->id);
	if (owners)
		for (size_t i = first; i < b->nshm; i++)
			if (!strcmp(b->shm[i].id, s0->id) &&
			    b->shm[i].role == DTG_SHM_ROLE_NONE)
				b->shm[i].role = DTG_SHM_ROLE_BORROWER;
	if (!s0->has_host)
		return 0;
	/* the host region: in RAM, clear of every reserved range; then it is
	 * one (Xen reserves it: bootinfo.reserved_mem) */
	if (!in_ram(b, s0->host, s0->size))
		return dtg_error(b->ctx, DTG_ERANGE,
				 "%s: /memory: shared_mem: '%s': host 0x%llx+0x%llx "
				 "is not inside one RAM bank (Xen's process_shm: "
				 "\"invalid physical address\")", hname(b), s0->id,
				 (unsigned long long)s0->host,
				 (unsigned long long)s0->size);
	for (size_t i = 0; i < b->nreserved; i++)
		if (overlaps(s0->host, s0->size, b->reserved[i].base,
			     b->reserved[i].size))
			return dtg_error(b->ctx, DTG_EOVERLAP,
					 "%s: %s: shared_mem: '%s': host 0x%llx+0x%llx "
					 "overlaps 0x%llx+0x%llx", hname(b),
					 b->reserved[i].what, s0->id,
					 (unsigned long long)s0->host,
					 (unsigned long long)s0->size,
					 (unsigned long long)b->reserved[i].base,
					 (unsigned long long)b->reserved[i].size);
	int r = dtg_grow(b->ctx, (void **)&b->reserved, cap, b->nreserved + 1,
			 sizeof(*b->reserved));
	if (r)
		return r;
	b->reserved[b->nreserved++] = (struct dtg_region){ s0->host, s0->size,
							    "shared_mem" };
	return 0;
}

static int check_shm(struct dtg_dom0less *b)
{
	size_t cap = b->nreserved;

	for (size_t i = 0; i < b->nshm; i++) {
		const struct dtg_shm_ref *s = &b->shm[i];
		const char *who = dtg_dom0less_dom_name(b, s->dom);
		size_t len = strlen(s->id);
		bool seen = false;

		if (!len || len >= SHM_ID_MAX)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: %s: shared_mem: id '%s': 1 to %d "
					 "characters (Xen's MAX_SHM_ID_LENGTH)",
					 hname(b), who, s->id, SHM_ID_MAX - 1);
		if (!s->size || (s->size | s->guest | s->host) & (XEN_PAGE - 1))
			return dtg_error(b->ctx, DTG_ERANGE,
					 "%s: %s: shared_mem: '%s': addresses and "
					 "size must be non-zero multiples of 4 KiB",
					 hname(b), who, s->id);
		if (s->guest + s->size < s->guest ||
		    (s->has_host && s->host + s->size < s->host))
			return dtg_error(b->ctx, DTG_ERANGE,
					 "%s: %s: shared_mem: '%s' wraps around",
					 hname(b), who, s->id);
		if (!s->has_host && b->xen_release < DTG_XEN_RELEASE(4, 22))
			return dtg_error(b->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: shared_mem: '%s': Xen %u.%u needs the "
					 "host address (Xen 4.22 chooses one itself)",
					 hname(b), who, s->id, b->xen_release >> 8,
					 b->xen_release & 0xff);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(b->shm[k].id, s->id))
				seen = true;
		if (seen)
			continue;
		/* a region with another id must not overlap this one */
		for (size_t k = 0; k < i; k++)
			if (s->has_host && b->shm[k].has_host &&
			    overlaps(s->host, s->size, b->shm[k].host,
				     b->shm[k].size))
				return dtg_error(b->ctx, DTG_EOVERLAP,
						 "%s: %s: shared_mem: '%s' overlaps "
						 "'%s' in host memory", hname(b), who,
						 s->id, b->shm[k].id);
		int r = check_shm_region(b, i, &cap);
		if (r)
			return r;
	}
	/* guest side: two regions of one domain must not overlap */
	for (size_t i = 0; i < b->nshm; i++)
		for (size_t k = 0; k < i; k++)
			if (b->shm[i].dom == b->shm[k].dom &&
			    overlaps(b->shm[i].guest, b->shm[i].size,
				     b->shm[k].guest, b->shm[k].size))
				return dtg_error(b->ctx, DTG_EOVERLAP,
						 "%s: %s: shared_mem: '%s' and '%s' "
						 "overlap at guest 0x%llx", hname(b),
						 dtg_dom0less_dom_name(b, b->shm[i].dom),
						 b->shm[k].id, b->shm[i].id,
						 (unsigned long long)b->shm[i].guest);
	if (b->nshm)
		dtg_log(b->ctx, DTG_LOG_NOTICE,
			"%s: static shared memory needs a Xen built with "
			"CONFIG_STATIC_SHM (UNSUPPORTED)", hname(b));
	return 0;
}

/* The domain called name ("dom0" included) into *dom; false if none. */
static bool find_dom(const struct dtg_dom0less *b, const char *name,
		     size_t *dom)
{
	if (!strcmp(name, "dom0")) {
		*dom = DTG_DOM0LESS_DOM0;
		return b->dom0.present;
	}
	for (size_t i = 0; i < b->nguest; i++)
		if (!strcmp(b->guest[i].name, name)) {
			*dom = i;
			return true;
		}
	return false;
}

/* Index of the end (dom, port) in b->evtchn, or SIZE_MAX. */
static size_t find_end(const struct dtg_dom0less *b, size_t dom, uint32_t port,
		       size_t skip)
{
	for (size_t k = 0; k < b->nevtchn; k++)
		if (k != skip && b->evtchn[k].dom == dom && b->evtchn[k].port == port)
			return k;
	return SIZE_MAX;
}

/*
 * Pair the ends: a link given from one side gets its other end made
 * here; given from both, the two must agree.  Xen's alloc_domain_evtchn
 * panics unless each end's xen,evtchn names the other end's phandle.
 */
static int check_evtchn(struct dtg_dom0less *b)
{
	size_t given = b->nevtchn;

	for (size_t i = 0; i < given; i++) {
		struct dtg_evtchn_end *e = &b->evtchn[i];
		const char *who = dtg_dom0less_dom_name(b, e->dom);
		size_t peer;

		if (!e->port || e->port >= EVTCHN_2L_PORTS || !e->peer_port ||
		    e->peer_port >= EVTCHN_2L_PORTS)
			return dtg_error(b->ctx, DTG_ERANGE,
					 "%s: %s: static_evtchn: ports %u and %u: "
					 "1 to %d (a guest starts with the 2-level "
					 "event channel ABI)", hname(b), who, e->port,
					 e->peer_port, EVTCHN_2L_PORTS - 1);
		if (!find_dom(b, e->peer_name, &peer))
			return dtg_error(b->ctx, DTG_ENOTFOUND,
					 "%s: %s: static_evtchn: peer '%s' is no "
					 "domain of the system", hname(b), who,
					 e->peer_name);
		if (peer == e->dom)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: %s: static_evtchn: port %u: the peer is "
					 "the domain itself", hname(b), who, e->port);
		e->peer_dom = peer;
		e->peer = SIZE_MAX;
		if (find_end(b, e->dom, e->port, i) < i)
			return dtg_error(b->ctx, DTG_EDUPLICATE,
					 "%s: %s: static_evtchn: port %u is used "
					 "twice", hname(b), who, e->port);
	}
	for (size_t i = 0; i < given; i++) {
		struct dtg_evtchn_end *e = &b->evtchn[i];
		size_t k;

		if (e->peer != SIZE_MAX)
			continue;   /* paired as another end's peer */
		k = find_end(b, e->peer_dom, e->peer_port, i);
		if (k == SIZE_MAX) {
			/* the other end, made here */
			int r = dtg_grow(b->ctx, (void **)&b->evtchn,
					 &b->capevtchn, b->nevtchn + 1,
					 sizeof(*b->evtchn));
			if (r)
				return r;
			e = &b->evtchn[i];
			k = b->nevtchn++;
			b->evtchn[k] = (struct dtg_evtchn_end){
				.dom = e->peer_dom, .port = e->peer_port,
				.peer_dom = e->dom, .peer_port = e->port,
				.peer = SIZE_MAX };
		}
		if (b->evtchn[k].peer_dom != e->dom ||
		    b->evtchn[k].peer_port != e->port || b->evtchn[k].peer != SIZE_MAX)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: %s: static_evtchn: port %u links to "
					 "%s port %u, which links to %s port %u",
					 hname(b), dtg_dom0less_dom_name(b, e->dom),
					 e->port, dtg_dom0less_dom_name(b, e->peer_dom),
					 e->peer_port,
					 dtg_dom0less_dom_name(b, b->evtchn[k].peer_dom),
					 b->evtchn[k].peer_port);
		e->peer = k;
		b->evtchn[k].peer = i;
	}
	/* a domU with event channels needs PV interfaces (booting.txt) */
	for (size_t i = 0; i < b->nevtchn; i++) {
		size_t dom = b->evtchn[i].dom;

		if (dom != DTG_DOM0LESS_DOM0 &&
		    (b->guest[dom].enhanced == DTG_ENHANCED_ABSENT ||
		     b->guest[dom].enhanced == DTG_ENHANCED_DISABLED))
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: guest '%s': static_evtchn: port %u: the "
					 "guest has no Xen PV interfaces; set "
					 "xen_enhanced = \"no-xenstore\" (or "
					 "\"enabled\" with a dom0)", hname(b),
					 b->guest[dom].name, b->evtchn[i].port);
	}
	return 0;
}

static int check_enhanced(struct dtg_dom0less *b)
{
	for (size_t i = 0; i < b->nguest; i++) {
		enum dtg_xen_enhanced e = b->guest[i].enhanced;

		if (e == DTG_ENHANCED_LEGACY &&
		    b->xen_release < DTG_XEN_RELEASE(4, 22))
			return dtg_error(b->ctx, DTG_EUNSUPPORTED,
					 "%s: guest '%s': xen_enhanced: \"legacy\" is "
					 "Xen 4.22's (%u.%u ignores it: PV interfaces "
					 "stay off)", hname(b), b->guest[i].name,
					 b->xen_release >> 8, b->xen_release & 0xff);
		if ((e == DTG_ENHANCED_ENABLED || e == DTG_ENHANCED_LEGACY) &&
		    !b->dom0.present)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: guest '%s': xen_enhanced: \"%s\" needs "
					 "xenstore, which needs a dom0 (Xen panics: "
					 "\"Xenstore support requires dom0 to be "
					 "present\"); give a dom0 or use "
					 "\"no-xenstore\"", hname(b), b->guest[i].name,
					 e == DTG_ENHANCED_LEGACY ? "legacy" : "enabled");
	}
	return 0;
}

static const char *const xen_scheds[] = {
	"credit", "credit2", "rtds", "arinc653", "null",
};

static int check_cpupools(struct dtg_dom0less *b)
{
	const void *fdt = dtg_host_fdt(b->host);

	for (size_t i = 0; i < b->npool; i++) {
		const struct dtg_cpupool_def *p = &b->pool[i];
		bool known = !p->sched;

		for (size_t k = 0; !known && k < DTG_ARRAY_SIZE(xen_scheds); k++)
			known = !strcmp(p->sched, xen_scheds[k]);
		if (!known)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "dom0less: cpupool '%s': cpupool-sched: '%s' "
					 "is not a Xen scheduler (credit, credit2, "
					 "rtds, arinc653, null)", p->name, p->sched);
		size_t other;

		if (find_dom(b, p->name, &other))
			return dtg_error(b->ctx, DTG_EDUPLICATE,
					 "dom0less: cpupool '%s': a guest has that "
					 "name too", p->name);
		for (size_t c = 0; c < p->ncpus; c++) {
			int node = fdt_path_offset(fdt, p->cpus[c]);
			const char *type;

			if (node < 0)
				return dtg_error(b->ctx, DTG_ENOTFOUND,
						 "%s: %s: cpupool '%s': no such CPU "
						 "node", hname(b), p->cpus[c], p->name);
			type = fdt_getprop(fdt, node, "device_type", NULL);
			if (!type || strcmp(type, "cpu") ||
			    !fdt_getprop(fdt, node, "reg", NULL))
				return dtg_error(b->ctx, DTG_EINVAL,
						 "%s: %s: cpupool '%s': not a CPU node "
						 "with reg (btcpupools_dtb_parse panics)",
						 hname(b), p->cpus[c], p->name);
			/* no check of status: Xen's dt_smp_init_cpus (4.17,
			 * 4.22) brings up every CPU node with a reg */
			/* one pool per CPU, a CPU once */
			for (size_t j = 0; j <= i; j++)
				for (size_t d = 0; d < (j == i ? c : b->pool[j].ncpus); d++)
					if (fdt_path_offset(fdt, b->pool[j].cpus[d]) == node)
						return dtg_error(b->ctx, DTG_EDUPLICATE,
							"%s: %s: cpupool '%s': the CPU is "
							"in cpupool '%s' already (Xen panics: "
							"\"already added to a cpupool\")",
							hname(b), p->cpus[c], p->name,
							b->pool[j].name);
		}
	}
	for (size_t g = 0; g < b->nguest; g++) {
		const char *want = b->guest[g].cpupool;
		bool found = !want;

		for (size_t i = 0; !found && i < b->npool; i++)
			found = !strcmp(b->pool[i].name, want);
		if (!found)
			return dtg_error(b->ctx, DTG_ENOTFOUND,
					 "dom0less: guest '%s': cpupool: no cpupool "
					 "'%s' in the system", b->guest[g].name, want);
	}
	if (b->npool)
		dtg_log(b->ctx, DTG_LOG_NOTICE,
			"%s: boot-time cpupools need a Xen built with "
			"CONFIG_BOOT_TIME_CPUPOOLS", hname(b));
	return 0;
}

/* Whether the command line sets option (a "NAME=" or "NAME" word). */
static const char *find_option(const char *args, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = args; p && *p;) {
		p += strspn(p, " ");
		if (!strncmp(p, name, n) && (p[n] == '=' || p[n] == ' ' || !p[n]))
			return p;
		p += strcspn(p, " ");
	}
	return NULL;
}

/* Xen's parse_bool (common/kernel.c): 1, 0, or -1 for another word. */
static int parse_bool(const char *s, size_t n)
{
	static const char *const on[] = { "1", "on", "yes", "true", "enable" };
	static const char *const off[] = { "0", "no", "off", "false", "disable" };

	for (size_t i = 0; i < DTG_ARRAY_SIZE(on); i++) {
		if (strlen(on[i]) == n && !strncmp(s, on[i], n))
			return 1;
		if (strlen(off[i]) == n && !strncmp(s, off[i], n))
			return 0;
	}
	return -1;
}

/*
 * The value of boolean option name on the command line as Xen's
 * cmdline_parse leaves it (OPT_BOOL): "name" or "name=BOOL", inverted by
 * a "no-" prefix, the last one winning; -1 when absent.  A value that is
 * no boolean is refused (Xen ignores it with an "invalid value" error).
 */
static int bool_option(struct dtg_dom0less *b, const char *args,
		       const char *name, int *state)
{
	size_t n = strlen(name);

	*state = -1;
	for (const char *p = args; *p;) {
		size_t len, klen;
		bool neg;
		int v;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		klen = strcspn(p, "= ");
		neg = klen > 3 && !strncmp(p, "no-", 3);
		if (klen == n + (neg ? 3 : 0) && !strncmp(p + (neg ? 3 : 0), name, n)) {
			/* "name" and "name=" are on (*optval ? parse_bool : 1) */
			v = len <= klen + 1 ? 1 :
				parse_bool(p + klen + 1, len - klen - 1);
			if (v < 0)
				return dtg_error(b->ctx, DTG_EINVAL,
						 "%s: xen,xen-bootargs: %.*s: not a "
						 "boolean (Xen's parse_bool takes on, "
						 "yes, true, enable, 1, off, no, false, "
						 "disable, 0)", hname(b), (int)len, p);
			*state = neg ? !v : v;
		}
		p += len;
	}
	return 0;
}

/*
 * LLC colors: Xen 4.22 panics on "llc-colors" unless llc-coloring is on
 * (dom0less-bindings.c), and with it on refuses static memory in every
 * domain ("LLC coloring and static memory are incompatible").
 */
static int check_llc(struct dtg_dom0less *b, const char *args, bool *need_on)
{
	const char *colored = NULL;
	int on, r;

	*need_on = false;
	for (size_t i = 0; i < b->nguest; i++) {
		struct dtg_domain_info info;

		dtg_domain_get_info(b->guest[i].g.domain, &info);
		if (info.llc_colors)
			colored = b->guest[i].name;
	}
	if (!colored)
		return 0;
	if (b->xen_release < DTG_XEN_RELEASE(4, 22))
		return dtg_error(b->ctx, DTG_EUNSUPPORTED,
				 "%s: guest '%s': llc_colors: Xen %u.%u has no LLC "
				 "coloring (4.22 has)", hname(b), colored,
				 b->xen_release >> 8, b->xen_release & 0xff);
	for (size_t i = 0; i < b->nguest; i++) {
		struct dtg_domain_info info;

		dtg_domain_get_info(b->guest[i].g.domain, &info);
		if (info.nstatic_mem)
			return dtg_error(b->ctx, DTG_EINVAL,
					 "%s: guest '%s': static_mem: Xen refuses "
					 "static memory when LLC coloring is on "
					 "(guest '%s' has llc_colors; Xen panics: "
					 "\"LLC coloring and static memory are "
					 "incompatible\")", hname(b), b->guest[i].name,
					 colored);
	}
	/* llc-coloring.c: boolean_param("llc-coloring", opt_llc_coloring) */
	r = bool_option(b, args, "llc-coloring", &on);
	if (r)
		return r;
	if (!on)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "%s: xen,xen-bootargs: llc-coloring is off but "
				 "guest '%s' has llc_colors (Xen panics: "
				 "\"'llc-colors' found, but LLC coloring is "
				 "disabled\")", hname(b), colored);
	*need_on = on < 0;
	return 0;
}

/* xen,xen-bootargs: the user's (or the console) plus what the system needs. */
static int make_bootargs(struct dtg_dom0less *b, const char *args)
{
	struct dtg_buf buf;
	bool llc_on;
	int r = check_llc(b, args, &llc_on);

	if (r)
		return r;
	if (b->dom0.present && b->dom0.memory_mib && find_option(args, "dom0_mem"))
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: dom0: memory: xen,xen-bootargs has a "
				 "dom0_mem= already");
	if (b->dom0.present && b->dom0.vcpus && find_option(args, "dom0_max_vcpus"))
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: dom0: vcpus: xen,xen-bootargs has a "
				 "dom0_max_vcpus= already");
	dtg_buf_init(&buf, b->ctx);
	dtg_buf_printf(&buf, "%s", args);
	if (b->dom0.present && b->dom0.memory_mib)
		dtg_buf_printf(&buf, " dom0_mem=%lluM",
			       (unsigned long long)b->dom0.memory_mib);
	if (b->dom0.present && b->dom0.vcpus)
		dtg_buf_printf(&buf, " dom0_max_vcpus=%u", b->dom0.vcpus);
	if (llc_on)
		dtg_buf_printf(&buf, " llc-coloring=on");
	dtg_buf_put(&buf, "", 1);
	if (buf.err) {
		r = buf.err;
		dtg_buf_release(&buf);
		return r;
	}
	b->final_bootargs = buf.data;
	return 0;
}

int dtg_dom0less_check_system(struct dtg_dom0less *b, const char *args)
{
	int r = check_enhanced(b);

	/* "dom0" names dom0 in static_evtchn peers */
	for (size_t i = 0; !r && b->dom0.present && i < b->nguest; i++)
		if (!strcmp(b->guest[i].name, "dom0"))
			r = dtg_error(b->ctx, DTG_EDUPLICATE,
				      "dom0less: a guest is named 'dom0' in a "
				      "system with a dom0");

	r = r ? r : check_cpupools(b);
	r = r ? r : check_evtchn(b);
	r = r ? r : check_shm(b);
	r = r ? r : make_bootargs(b, args);
	return r;
}
