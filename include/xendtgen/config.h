/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/config.h - domain descriptions in xl.cfg syntax, both ways.
 *
 * Reading: text is parsed as xl reads it (`key = value`, "strings",
 * [ lists ], numbers, `#` comments), then the keys libdtgen knows
 * describe a dtg_domain: name, memory, vcpus, gic_version, nr_spis,
 * vpl011, kernel, ramdisk, cmdline/extra, dtdev, iomem, irqs, device_tree
 * and dt_passthrough.  Unknown keys are kept and ignored with a notice,
 * so a user's real xl.cfg works.  Errors name the file and line.
 *
 * Writing: the xl.cfg lines a finalized domain needs (iomem, irqs, dtdev,
 * device_tree, nr_spis).
 */
#ifndef XENDTGEN_CONFIG_H
#define XENDTGEN_CONFIG_H

#include <xendtgen/domain.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtg_config dtg_config;

enum dtg_cfg_type { DTG_CFG_STRING, DTG_CFG_NUMBER, DTG_CFG_LIST };

/* Parse xl.cfg text (name is used in messages: "guest.cfg:12: ..."). */
int dtg_config_parse(dtg_ctx *ctx, const char *text, size_t len,
		     const char *name, dtg_config **out);

/* Free a parsed config. */
void dtg_config_free(dtg_config *cfg);

/* Type of key, or -DTG_ENOTFOUND. */
int dtg_config_type(const dtg_config *cfg, const char *key);

/* Value of a string key (NULL if absent or not a string). */
const char *dtg_config_string(const dtg_config *cfg, const char *key);

/* Value of a number key; -DTG_ENOTFOUND or -DTG_EINVAL (not a number). */
int dtg_config_number(const dtg_config *cfg, const char *key, int64_t *val);

/* Number of string items of a list key (0 if absent), and item i. */
size_t dtg_config_list_len(const dtg_config *cfg, const char *key);
const char *dtg_config_list_item(const dtg_config *cfg, const char *key,
				 size_t i);

/* Line number where key was set (0 if absent), for messages. */
unsigned dtg_config_line(const dtg_config *cfg, const char *key);

/*
 * Describe domain d (not yet finalized) from cfg: apply every known key,
 * add every device of dtdev and dt_passthrough.  device_tree= is recorded
 * as the partial DT the output refers to.
 */
int dtg_domain_apply_config(dtg_domain *d, const dtg_config *cfg);

/* xl.cfg lines for a finalized domain; *out is allocated. */
int dtg_xlcfg_alloc(const dtg_domain *d, const char *partial_dtb_path,
		    char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_CONFIG_H */
