/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/dom0less-text.c - the dom0less builder's text outputs: the load
 * list, QEMU loader arguments and a U-Boot script.
 */
#include "dom0less-internal.h"

static int text_out(struct dtg_buf *buf, char **out, size_t *len)
{
	if (buf->err) {
		int r = buf->err;
		dtg_buf_release(buf);
		return r;
	}
	if (!buf->data)
		dtg_buf_put(buf, "", 0);
	*out = buf->data;
	if (len)
		*len = buf->len;
	return buf->err;
}

static int check_args(const dtg_dom0less *b, const char *const *paths)
{
	if (!b->finalized)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: builder not finalized");
	for (size_t i = 0; i < b->nmodule; i++)
		if (!paths || !paths[i] || strpbrk(paths[i], "\n\r"))
			return dtg_error(b->ctx, DTG_EINVAL,
					 "dom0less: module %zu: path missing or "
					 "contains a newline", i);
	return 0;
}

int dtg_dom0less_load_txt_alloc(const dtg_dom0less *b,
				const char *const *module_paths,
				char **out, size_t *len)
{
	struct dtg_buf buf;
	int r = check_args(b, module_paths);

	if (r)
		return r;
	dtg_buf_init(&buf, b->ctx);
	for (size_t i = 0; i < b->nmodule; i++)
		if (!b->module[i].shared)
			dtg_buf_printf(&buf, "0x%llx 0x%llx %s\n",
				       (unsigned long long)b->module[i].addr,
				       (unsigned long long)b->module[i].size,
				       module_paths[i]);
	return text_out(&buf, out, len);
}

int dtg_dom0less_qemu_args_alloc(const dtg_dom0less *b,
				 const char *const *module_paths,
				 char **out, size_t *len)
{
	struct dtg_buf buf;
	int r = check_args(b, module_paths);

	if (r)
		return r;
	for (size_t i = 0; i < b->nmodule; i++)
		if (strchr(module_paths[i], ',') || strchr(module_paths[i], ' '))
			return dtg_error(b->ctx, DTG_EINVAL,
					 "dom0less: %s: QEMU's loader cannot take a "
					 "path with ',' or ' '", module_paths[i]);
	dtg_buf_init(&buf, b->ctx);
	for (size_t i = 0; i < b->nmodule; i++)
		if (!b->module[i].shared)
			dtg_buf_printf(&buf,
				       "-device loader,file=%s,addr=0x%llx,force-raw=on\n",
				       module_paths[i],
				       (unsigned long long)b->module[i].addr);
	return text_out(&buf, out, len);
}

int dtg_dom0less_boot_cmd_alloc(const dtg_dom0less *b,
				const char *const *module_paths,
				const char *xen_path, const char *dtb_path,
				char **out, size_t *len)
{
	struct dtg_buf buf;
	int r = check_args(b, module_paths);

	if (r)
		return r;
	if (!xen_path || !dtb_path)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: boot.cmd needs the Xen and DTB paths");
	dtg_buf_init(&buf, b->ctx);
	/* ImageBuilder's shape: one load per file, then booti. */
	dtg_buf_printf(&buf,
		"# U-Boot script written by dtgen (libdtgen %s) for %s.\n"
		"# Compile with: mkimage -A arm64 -T script -C none -d boot.cmd boot.scr\n"
		"# Set dtgen_load to your load command (default: tftpb), e.g.\n"
		"#   setenv dtgen_load 'load mmc 0:1'\n"
		"if test -z \"${dtgen_load}\"; then setenv dtgen_load tftpb; fi\n"
		"setenv fdt_high 0xffffffffffffffff\n"
		"setenv initrd_high 0xffffffffffffffff\n",
		dtg_version(), dtg_host_name(b->host));
	dtg_buf_printf(&buf, "${dtgen_load} 0x%llx %s\n",
		       (unsigned long long)b->xen_addr, xen_path);
	dtg_buf_printf(&buf, "${dtgen_load} 0x%llx %s\n",
		       (unsigned long long)b->dtb_addr, dtb_path);
	for (size_t i = 0; i < b->nmodule; i++)
		if (!b->module[i].shared)
			dtg_buf_printf(&buf, "${dtgen_load} 0x%llx %s\n",
				       (unsigned long long)b->module[i].addr,
				       module_paths[i]);
	dtg_buf_printf(&buf, "booti 0x%llx - 0x%llx\n",
		       (unsigned long long)b->xen_addr,
		       (unsigned long long)b->dtb_addr);
	return text_out(&buf, out, len);
}
