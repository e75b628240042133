/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/plan-format.c - the domctl plan as text (one op per line, for
 * people) and as JSON (an array of objects, for scripts).  Frame numbers
 * and counts are hex strings in JSON ("0x9010") so 64-bit values survive
 * any JSON reader; IRQ numbers are plain integers.
 */
#include <inttypes.h>
#include <stdio.h>

#include "plan-internal.h"

struct fmt {
	const dtg_domain *d;
	struct dtg_buf *b;
};

void dtg_plan_op_args(struct dtg_buf *b, const struct dtg_op *op)
{
	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		dtg_buf_printf(b, "first_mfn=0x%" PRIx64 " nr_mfns=0x%" PRIx64
			       " allow=%d", op->u.iomem.first_mfn,
			       op->u.iomem.nr_mfns, op->u.iomem.allow);
		break;
	case DTG_OP_MEMORY_MAPPING:
		dtg_buf_printf(b, "first_gfn=0x%" PRIx64 " first_mfn=0x%" PRIx64
			       " nr_mfns=0x%" PRIx64 " add=%d",
			       op->u.mapping.first_gfn, op->u.mapping.first_mfn,
			       op->u.mapping.nr_mfns, op->u.mapping.add);
		break;
	case DTG_OP_IRQ_PERMISSION:
		dtg_buf_printf(b, "pirq=%" PRIu32 " allow=%d",
			       op->u.irq.pirq, op->u.irq.allow);
		break;
	case DTG_OP_BIND_PT_IRQ:
		dtg_buf_printf(b, "machine_irq=%" PRIu32 " spi=%u",
			       op->u.bind.machine_irq, op->u.bind.spi);
		break;
	case DTG_OP_ASSIGN_DEVICE:
		dtg_buf_printf(b, "path=%s", op->u.assign.path);
		break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		dtg_buf_printf(b, "first_psid=0x%" PRIx32 " nr_sids=%u"
			       " first_vsid=%" PRIu32 " (proposed: vSMMUv3 series)",
			       op->u.vsid.first_psid, op->u.vsid.nr_sids,
			       op->u.vsid.first_vsid);
		break;
	}
}

static int text_op(void *opaque, size_t index, const struct dtg_op *op)
{
	struct fmt *f = opaque;

	(void)index;
	dtg_buf_printf(f->b, "%-16s %s ", dtg_op_name(op->kind),
		       dtg_plan_op_device(f->d, op));
	dtg_plan_op_args(f->b, op);
	dtg_buf_puts(f->b, "\n");
	return f->b->err;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(struct dtg_buf *b, const char *s)
{
	dtg_buf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			dtg_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			dtg_buf_printf(b, "\\u%04x", c);
		else
			dtg_buf_put(b, s, 1);
	}
	dtg_buf_puts(b, "\"");
}

static int json_op(void *opaque, size_t index, const struct dtg_op *op)
{
	struct fmt *f = opaque;
	struct dtg_buf *b = f->b;

	dtg_buf_puts(b, index ? ",\n  {\"op\": " : "\n  {\"op\": ");
	json_string(b, dtg_op_name(op->kind));
	dtg_buf_puts(b, ", \"device\": ");
	json_string(b, dtg_plan_op_device(f->d, op));
	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		dtg_buf_printf(b, ", \"first_mfn\": \"0x%" PRIx64
			       "\", \"nr_mfns\": \"0x%" PRIx64
			       "\", \"allow_access\": %s}",
			       op->u.iomem.first_mfn, op->u.iomem.nr_mfns,
			       op->u.iomem.allow ? "true" : "false");
		break;
	case DTG_OP_MEMORY_MAPPING:
		dtg_buf_printf(b, ", \"first_gfn\": \"0x%" PRIx64
			       "\", \"first_mfn\": \"0x%" PRIx64
			       "\", \"nr_mfns\": \"0x%" PRIx64
			       "\", \"add_mapping\": %s}",
			       op->u.mapping.first_gfn, op->u.mapping.first_mfn,
			       op->u.mapping.nr_mfns,
			       op->u.mapping.add ? "true" : "false");
		break;
	case DTG_OP_IRQ_PERMISSION:
		dtg_buf_printf(b, ", \"pirq\": %" PRIu32
			       ", \"allow_access\": %s}", op->u.irq.pirq,
			       op->u.irq.allow ? "true" : "false");
		break;
	case DTG_OP_BIND_PT_IRQ:
		dtg_buf_printf(b, ", \"machine_irq\": %" PRIu32
			       ", \"irq_type\": \"spi\", \"spi\": %u}",
			       op->u.bind.machine_irq, op->u.bind.spi);
		break;
	case DTG_OP_ASSIGN_DEVICE:
		dtg_buf_puts(b, ", \"path\": ");
		json_string(b, op->u.assign.path);
		dtg_buf_puts(b, "}");
		break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		/* first_vsid is Xen's output; this is the value it will return. */
		dtg_buf_printf(b, ", \"first_psid\": \"0x%" PRIx32
			       "\", \"nr_sids\": %u, \"first_vsid\": %" PRIu32
			       ", \"proposal\": \"vSMMUv3 series\"}",
			       op->u.vsid.first_psid, op->u.vsid.nr_sids,
			       op->u.vsid.first_vsid);
		break;
	}
	return b->err;
}

/* Hand a finished buffer to the caller as a NUL-terminated string. */
static int finish(struct dtg_buf *b, int err, char **out, size_t *len)
{
	if (err >= 0 && b->err)
		err = b->err;
	if (err >= 0) {
		dtg_buf_put(b, "", 0);  /* the buffer is NUL-terminated */
		err = b->err;
	}
	if (err < 0) {
		dtg_buf_release(b);
		return err;
	}
	*out = b->data;
	if (len)
		*len = b->len;
	return 0;
}

int dtg_plan_text_alloc(const dtg_domain *d, char **out, size_t *len)
{
	struct dtg_buf b;
	struct fmt f = { d, &b };
	int err;

	if (!d || !out)
		return -DTG_EINVAL;
	dtg_buf_init(&b, d->ctx);
	err = dtg_plan_walk(d, "dtg_plan_text_alloc", text_op, &f, NULL);
	return finish(&b, err, out, len);
}

int dtg_plan_json_alloc(const dtg_domain *d, char **out, size_t *len)
{
	struct dtg_buf b;
	struct fmt f = { d, &b };
	size_t n = 0;
	int err;

	if (!d || !out)
		return -DTG_EINVAL;
	dtg_buf_init(&b, d->ctx);
	dtg_buf_puts(&b, "[");
	err = dtg_plan_walk(d, "dtg_plan_json_alloc", json_op, &f, &n);
	dtg_buf_puts(&b, n ? "\n]\n" : "]\n");
	return finish(&b, err, out, len);
}
