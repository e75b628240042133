/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-bind.c - binding masters to a vIOMMU: physical IDs (stream
 * IDs of host iommus entries, PCI iommu-map ranges) to virtual IDs unique
 * on the vIOMMU.
 *
 * Why allocate: on systems with many SMMUs the same stream ID appears on
 * several of them, while a vIOMMU has one ID space.  Keeping vID == pID
 * where that is unambiguous keeps guest logs readable and matches what a
 * user who copied the host's iommus expects; everything else is packed
 * from 0 upward.  The result depends only on the rows and their order.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xendtgen/viommu.h>

#include "viommu-internal.h"

struct vrow {
	const char *master;
	const char *piommu;
	uint32_t pid, count, mask;
	uint32_t vid;
	int64_t uvid;         /* user's vID, or DTG_VID_AUTO */
	bool pci;
	size_t seq;           /* insertion order */
	struct vrow *canon;   /* the row whose vID this row shares */
};

struct dtg_vbind {
	dtg_ctx *ctx;
	const char *name;
	unsigned id_bits;
	size_t n, cap;
	struct vrow *row;
	bool allocated;
	struct vrow **by_master;  /* sorted (master, piommu, pid), for lookup */
};

/* A used vID interval [lo, hi] (inclusive; 64-bit so hi+1 never wraps). */
struct vspan {
	uint64_t lo, hi;
	const struct vrow *owner;
};

int dtg_vbind_new(dtg_ctx *ctx, const char *name, unsigned id_bits,
		  dtg_vbind **out)
{
	dtg_vbind *b;

	if (!out || id_bits < 1 || id_bits > 32)
		return dtg_error(ctx, DTG_EINVAL,
				 "%s: vIOMMU ID width %u is not 1..32 bits",
				 name ? name : "viommu", id_bits);
	b = dtg_zalloc(ctx, sizeof(*b));
	if (!b)
		return -DTG_ENOMEM;
	b->ctx = ctx;
	b->name = name ? name : "viommu";
	b->id_bits = id_bits;
	*out = b;
	return 0;
}

void dtg_vbind_free(dtg_vbind *b)
{
	if (!b)
		return;
	dtg_free(b->ctx, b->by_master);
	dtg_free(b->ctx, b->row);
	dtg_free(b->ctx, b);
}

static uint64_t max_id(const dtg_vbind *b)
{
	return (1ULL << b->id_bits) - 1;
}

int dtg_vbind_add(dtg_vbind *b, const char *master, const char *piommu,
		  uint32_t pid, uint32_t count, uint32_t mask, int64_t vid)
{
	struct vrow *r;

	if (!b || !master || !piommu || count == 0)
		return -DTG_EINVAL;
	if ((uint64_t)pid + count - 1 > 0xffffffffULL)
		return dtg_error(b->ctx, DTG_ERANGE,
				 "%s: %s: iommu-map: IDs 0x%x + %u overflow 32 bits",
				 b->name, master, pid, count);
	if (vid != DTG_VID_AUTO && (vid < 0 || vid > 0xffffffffLL))
		return dtg_error(b->ctx, DTG_ERANGE,
				 "%s: %s: iommus: vID %lld is not a 32-bit ID",
				 b->name, master, (long long)vid);
	if (dtg_grow(b->ctx, (void **)&b->row, &b->cap, b->n + 1, sizeof(*r)))
		return -DTG_ENOMEM;
	r = &b->row[b->n];
	memset(r, 0, sizeof(*r));
	r->master = master;
	r->piommu = piommu;
	r->pid = pid;
	r->count = count;
	r->mask = mask;
	r->uvid = vid;
	r->seq = b->n;
	b->allocated = false;
	return (int)b->n++;
}

int dtg_vbind_add_device(dtg_vbind *b, const struct dtg_device *dev,
			 const int64_t *vids, size_t nvid)
{
	size_t k = 0;
	int added = 0, err;

	if (!b || !dev)
		return -DTG_EINVAL;
	if (dev->niommu == 0 && dev->niommu_map == 0)
		return dtg_error(b->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: iommus: not behind an IOMMU on the host, so it cannot be bound to a vIOMMU",
				 b->name, dev->path);
	for (size_t i = 0; i < dev->niommu; i++) {
		const struct dtg_iommu_ref *ref = &dev->iommu[i];

		if (ref->ncells == 0)
			return dtg_error(b->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: iommus: %s has #iommu-cells = <0>: no master ID to translate",
					 b->name, dev->path, ref->iommu);
		err = dtg_vbind_add(b, dev->path, ref->iommu, ref->ids[0], 1,
				    ref->ncells >= 2 ? ref->ids[1] : 0,
				    k < nvid && vids ? vids[k] : DTG_VID_AUTO);
		if (err < 0)
			return err;
		k++;
		added++;
	}
	for (size_t i = 0; i < dev->niommu_map; i++) {
		const struct dtg_iommu_map *m = &dev->iommu_map[i];

		if (m->length == 0)
			continue;
		err = dtg_vbind_add(b, dev->path, m->iommu, m->iommu_base,
				    m->length, 0,
				    k < nvid && vids ? vids[k] : DTG_VID_AUTO);
		if (err < 0)
			return err;
		b->row[err].pci = true;
		k++;
		added++;
	}
	if (nvid > k)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "%s: %s: iommus: %zu vIDs given for %zu master IDs",
				 b->name, dev->path, nvid, k);
	return added;
}

/* Physical identity: piommu path, then pid, then count. */
static int cmp_phys(const void *pa, const void *pb)
{
	const struct vrow *a = *(const struct vrow *const *)pa;
	const struct vrow *b = *(const struct vrow *const *)pb;
	int c = strcmp(a->piommu, b->piommu);

	if (c)
		return c;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* pID value only (across IOMMUs), then seq. */
static int cmp_pid(const void *pa, const void *pb)
{
	const struct vrow *a = *(const struct vrow *const *)pa;
	const struct vrow *b = *(const struct vrow *const *)pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_span(const void *pa, const void *pb)
{
	const struct vspan *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->owner->seq < b->owner->seq ? -1 :
	       a->owner->seq > b->owner->seq;
}

static int cmp_master(const void *pa, const void *pb)
{
	const struct vrow *a = *(const struct vrow *const *)pa;
	const struct vrow *b = *(const struct vrow *const *)pb;
	int c = strcmp(a->master, b->master);

	if (c)
		return c;
	c = strcmp(a->piommu, b->piommu);
	if (c)
		return c;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* True if [lo, hi] meets a span of the sorted, non-overlapping list. */
static bool spans_hit(const struct vspan *s, size_t n, uint64_t lo, uint64_t hi)
{
	size_t a = 0, z = n;

	/* first span whose hi >= lo */
	while (a < z) {
		size_t m = a + (z - a) / 2;
		if (s[m].hi < lo)
			a = m + 1;
		else
			z = m;
	}
	return a < n && s[a].lo <= hi;
}

/* Group identical physical ranges: each row's canon is its group's first row. */
static int group_rows(dtg_vbind *b, struct vrow **idx)
{
	for (size_t i = 0; i < b->n; i++)
		idx[i] = &b->row[i];
	qsort(idx, b->n, sizeof(*idx), cmp_phys);
	for (size_t i = 0; i < b->n; ) {
		size_t j = i;
		struct vrow *c = idx[i];
		int64_t uvid = DTG_VID_AUTO;
		const struct vrow *uvid_row = NULL;

		while (j < b->n && !strcmp(idx[j]->piommu, c->piommu) &&
		       idx[j]->pid == c->pid && idx[j]->count == c->count)
			j++;
		for (size_t k = i; k < j; k++) {
			idx[k]->canon = c;
			if (idx[k]->uvid == DTG_VID_AUTO)
				continue;
			if (uvid != DTG_VID_AUTO && uvid != idx[k]->uvid)
				return dtg_error(b->ctx, DTG_EDUPLICATE,
						 "%s: %s: iommus: vID 0x%llx for %s ID 0x%x conflicts with vID 0x%llx that %s gives the same ID",
						 b->name, idx[k]->master,
						 (unsigned long long)idx[k]->uvid,
						 c->piommu, c->pid,
						 (unsigned long long)uvid,
						 uvid_row->master);
			uvid = idx[k]->uvid;
			uvid_row = idx[k];
		}
		c->uvid = uvid;
		i = j;
	}
	return 0;
}

int dtg_vbind_allocate(dtg_vbind *b)
{
	struct vrow **idx = NULL, **canon = NULL;
	struct vspan *used = NULL;
	size_t ncanon = 0, nused = 0, nuser;
	uint64_t maxid, cursor = 0;
	int err = 0;

	if (!b)
		return -DTG_EINVAL;
	maxid = max_id(b);
	dtg_free(b->ctx, b->by_master);
	b->by_master = NULL;
	b->allocated = false;
	if (b->n == 0) {
		b->allocated = true;
		return 0;
	}
	idx = dtg_alloc(b->ctx, b->n * sizeof(*idx));
	canon = dtg_alloc(b->ctx, b->n * sizeof(*canon));
	used = dtg_alloc(b->ctx, b->n * sizeof(*used));
	if (!idx || !canon || !used) {
		err = -DTG_ENOMEM;
		goto out;
	}
	err = group_rows(b, idx);
	if (err)
		goto out;
	for (size_t i = 0; i < b->n; i++)
		if (b->row[i].canon == &b->row[i])
			canon[ncanon++] = &b->row[i];

	/* 1. The user's vIDs: within the width and pairwise disjoint. */
	for (size_t i = 0; i < ncanon; i++) {
		struct vrow *r = canon[i];
		uint64_t hi;

		if (r->uvid == DTG_VID_AUTO)
			continue;
		hi = (uint64_t)r->uvid + r->count - 1;
		if (hi > maxid) {
			err = dtg_error(b->ctx, DTG_ERANGE,
					"%s: %s: iommus: vID 0x%llx%s is wider than the vIOMMU's %u-bit IDs (max 0x%llx)",
					b->name, r->master,
					(unsigned long long)r->uvid,
					r->count > 1 ? " (range)" : "",
					b->id_bits, (unsigned long long)maxid);
			goto out;
		}
		used[nused].lo = (uint64_t)r->uvid;
		used[nused].hi = hi;
		used[nused].owner = r;
		nused++;
	}
	qsort(used, nused, sizeof(*used), cmp_span);
	for (size_t i = 1; i < nused; i++)
		if (used[i].lo <= used[i - 1].hi) {
			err = dtg_error(b->ctx, DTG_EDUPLICATE,
					"%s: %s: iommus: vID 0x%llx is already used by %s on this vIOMMU",
					b->name, used[i].owner->master,
					(unsigned long long)used[i].lo,
					used[i - 1].owner->master);
			goto out;
		}
	for (size_t i = 0; i < nused; i++)
		((struct vrow *)used[i].owner)->vid = (uint32_t)used[i].lo;
	nuser = nused;

	/*
	 * 2. Identity where the pIDs are unambiguous: sorted by pid, a range
	 * is alone if no earlier range reaches it and the next starts after it.
	 */
	memcpy(idx, canon, ncanon * sizeof(*idx));
	qsort(idx, ncanon, sizeof(*idx), cmp_pid);
	{
		uint64_t reach = 0;   /* max end+1 of ranges before i */
		bool any = false;

		for (size_t i = 0; i < ncanon; i++) {
			struct vrow *r = idx[i];
			uint64_t lo = r->pid, hi = lo + r->count - 1;
			bool alone = !(any && reach > lo) &&
				     !(i + 1 < ncanon && idx[i + 1]->pid <= hi);

			if (!any || hi + 1 > reach)
				reach = hi + 1;
			any = true;
			if (r->uvid != DTG_VID_AUTO || !alone || hi > maxid ||
			    spans_hit(used, nuser, lo, hi))
				continue;
			r->vid = r->pid;
			r->uvid = -2;   /* marks "identity" until step 4 */
			used[nused].lo = lo;
			used[nused].hi = hi;
			used[nused].owner = r;
			nused++;
		}
	}
	qsort(used, nused, sizeof(*used), cmp_span);

	/* 3. The rest, in insertion order, at the next free IDs. */
	{
		size_t k = 0;

		for (size_t i = 0; i < ncanon; i++) {
			struct vrow *r = canon[i];

			if (r->uvid != DTG_VID_AUTO)
				continue;
			for (;;) {
				while (k < nused && used[k].hi < cursor)
					k++;
				if (k < nused && used[k].lo <= cursor + r->count - 1) {
					cursor = used[k].hi + 1;
					continue;
				}
				break;
			}
			if (cursor + r->count - 1 > maxid) {
				err = dtg_error(b->ctx, DTG_ERANGE,
						"%s: %s: iommus: no free vID range of %u left in the vIOMMU's %u-bit ID space",
						b->name, r->master, r->count,
						b->id_bits);
				goto out;
			}
			r->vid = (uint32_t)cursor;
			cursor += r->count;
		}
	}

	/* 4. Shared rows take their group's vID; restore the user marks. */
	for (size_t i = 0; i < ncanon; i++)
		if (canon[i]->uvid == -2)
			canon[i]->uvid = DTG_VID_AUTO;
	for (size_t i = 0; i < b->n; i++)
		b->row[i].vid = b->row[i].canon->vid;

	for (size_t i = 0; i < b->n; i++)
		idx[i] = &b->row[i];
	qsort(idx, b->n, sizeof(*idx), cmp_master);
	b->by_master = idx;
	idx = NULL;
	b->allocated = true;
out:
	dtg_free(b->ctx, idx);
	dtg_free(b->ctx, canon);
	dtg_free(b->ctx, used);
	return err;
}

size_t dtg_vbind_count(const dtg_vbind *b)
{
	return b ? b->n : 0;
}

int dtg_vbind_get(const dtg_vbind *b, size_t i, struct dtg_vid_map *out)
{
	const struct vrow *r;

	if (!b || !out || i >= b->n)
		return -DTG_EINVAL;
	if (!b->allocated)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "%s: vIDs are not allocated yet (dtg_vbind_allocate)",
				 b->name);
	r = &b->row[i];
	out->master = r->master;
	out->piommu = r->piommu;
	out->pid = r->pid;
	out->count = r->count;
	out->mask = r->mask;
	out->vid = r->vid;
	out->user = r->canon->uvid != DTG_VID_AUTO;
	out->pci = r->pci;
	return 0;
}

int64_t dtg_vbind_lookup(const dtg_vbind *b, const char *master,
			 const char *piommu, uint32_t pid)
{
	size_t a = 0, z;

	if (!b || !b->allocated || !master || !piommu)
		return -DTG_ESTATE;
	z = b->n;
	/* last row <= (master, piommu, pid) */
	while (a < z) {
		size_t m = a + (z - a) / 2;
		const struct vrow *r = b->by_master[m];
		int c = strcmp(r->master, master);

		if (!c)
			c = strcmp(r->piommu, piommu);
		if (!c)
			c = r->pid <= pid ? -1 : 1;
		if (c < 0)
			a = m + 1;
		else
			z = m;
	}
	if (a == 0)
		return -DTG_ENOTFOUND;
	for (size_t i = a; i-- > 0; ) {
		const struct vrow *r = b->by_master[i];

		if (strcmp(r->master, master) || strcmp(r->piommu, piommu))
			break;
		if (pid >= r->pid && (uint64_t)pid < (uint64_t)r->pid + r->count)
			return (int64_t)r->vid + (pid - r->pid);
	}
	return -DTG_ENOTFOUND;
}

int dtg_vbind_text_alloc(const dtg_vbind *b, char **out, size_t *len)
{
	struct dtg_buf buf;

	if (!b || !out)
		return -DTG_EINVAL;
	if (!b->allocated)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "%s: vIDs are not allocated yet (dtg_vbind_allocate)",
				 b->name);
	dtg_buf_init(&buf, b->ctx);
	for (size_t i = 0; i < b->n; i++) {
		const struct vrow *r = &b->row[i];

		dtg_buf_printf(&buf, "vid 0x%x pid 0x%x count %u%s %s %s\n",
			       r->vid, r->pid, r->count,
			       r->canon->uvid != DTG_VID_AUTO ? " user" : "",
			       r->piommu, r->master);
	}
	dtg_buf_put(&buf, "", 1);
	if (buf.err) {
		dtg_buf_release(&buf);
		return buf.err;
	}
	*out = buf.data;
	if (len)
		*len = buf.len - 1;
	return 0;
}

bool dtg_vbind_row_is_first(const dtg_vbind *b, size_t i)
{
	return b && b->allocated && i < b->n && b->row[i].canon == &b->row[i];
}
