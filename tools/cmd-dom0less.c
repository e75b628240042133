/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-dom0less.c - `dtgen dom0less HOST.dtb GUEST.cfg... -o DIR`:
 * build a dom0less system and write, all or nothing, DIR/host.dtb,
 * DIR/NAME-partial.dtb per guest with passthrough, DIR/load.txt,
 * DIR/boot.cmd and DIR/qemu.args.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include <xendtgen/dom0less.h>

#include "cli.h"

#define MAX_GUESTS 64
#define MAX_MODULES (3 * MAX_GUESTS + 2)   /* + dom0's kernel and ramdisk */

static const char usage[] =
	"usage: dtgen dom0less HOST.dtb GUEST.cfg... -o DIR "
	"[--xen-bootargs ARGS] [--load-base ADDR] [--xen XEN_IMAGE]\n"
	"       [--dom0 DOM0.cfg] [--cpupools 'NAME=CPU,...[:SCHED] ...'] "
	"[--xen-version 4.17..4.22]\n"
	"--xen is the Xen image boot.cmd loads; --xen-version the release the "
	"system\nand its guests are for (default 4.22).\n"
	"DOM0.cfg (xl.cfg syntax): kernel, ramdisk, cmdline (or extra), memory "
	"(MiB), vcpus,\nshared_mem, static_evtchn.  A guest .cfg may also set "
	"xen_enhanced, cpupool,\nshared_mem, static_evtchn, static_mem, "
	"direct_map, llc_colors.\n";

/* Size of a module file; names the guest config and key on failure. */
static int module_size(const char *cfg, const char *key, const char *path,
		       uint64_t *size)
{
	struct stat st;

	if (stat(path, &st)) {
		fprintf(stderr, "dtgen: %s: %s: %s: %s\n", cfg, key, path,
			strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "dtgen: %s: %s: %s: not a non-empty file\n",
			cfg, key, path);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Absolute form of path (the file need not exist, its folder must). */
static char *absolute(const char *path)
{
	char dir[PATH_MAX], *slash, *res;
	const char *base;

	if (path[0] == '/')
		return strdup(path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		base = path + (slash - dir) + 1;
	} else {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	}
	res = malloc(PATH_MAX * 2);
	if (!res || !realpath(dir, res)) {
		free(res);
		return NULL;
	}
	strcat(res, "/");
	strcat(res, base);
	return res;
}

/* dir + "/" + name into buf; -1 (with a message) if it does not fit. */
static int path_join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "dtgen: %s/%s: path too long\n", dir, name);
		return -1;
	}
	return 0;
}

static int write_in(const char *dir, const char *name, const void *data,
		    size_t size)
{
	char path[PATH_MAX];

	if (path_join(path, sizeof(path), dir, name))
		return -1;
	return cli_write_file(path, data, size);
}

/* Remove a folder of files this command wrote (no subfolders). */
static void remove_dir(const char *dir, char *const *names, size_t n)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (!path_join(path, sizeof(path), dir, names[i]))
			unlink(path);
	rmdir(dir);
}

/*
 * Replace out_dir by tmp_dir: an existing out_dir is moved aside first and
 * removed only once the new one is in place.
 */
static int commit_dir(const char *tmp_dir, const char *out_dir)
{
	char old[PATH_MAX];
	struct stat st;

	if (stat(out_dir, &st) == 0) {
		int n = snprintf(old, sizeof(old), "%s.old.%ld", out_dir,
				 (long)getpid());

		if (n < 0 || (size_t)n >= sizeof(old) || rename(out_dir, old)) {
			fprintf(stderr, "dtgen: %s: %s\n", out_dir, strerror(errno));
			return -1;
		}
		if (rename(tmp_dir, out_dir)) {
			fprintf(stderr, "dtgen: %s: %s\n", out_dir, strerror(errno));
			rename(old, out_dir);
			return -1;
		}
		/* the previous output: remove its files, then the folder */
		DIR *dh = opendir(old);
		struct dirent *de;

		while (dh && (de = readdir(dh))) {
			char p[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (!path_join(p, sizeof(p), old, de->d_name))
				unlink(p);
		}
		if (dh)
			closedir(dh);
		if (rmdir(old))
			fprintf(stderr, "dtgen: warning: %s: left behind (%s)\n",
				old, strerror(errno));
		return 0;
	}
	if (rename(tmp_dir, out_dir)) {
		fprintf(stderr, "dtgen: %s: %s\n", out_dir, strerror(errno));
		return -1;
	}
	return 0;
}

struct job {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *dom[MAX_GUESTS];
	size_t ndom;
	dtg_dom0less *b;
	char *paths[MAX_MODULES];   /* absolute module paths */
	char *files[MAX_GUESTS + 4];   /* names written in the folder */
	void *user_dt[MAX_GUESTS];     /* guests' own partial DTs */
	size_t nfiles;
};

static void job_free(struct job *j)
{
	dtg_dom0less_free(j->b);
	for (size_t i = 0; i < j->ndom; i++)
		dtg_domain_free(j->dom[i]);
	for (size_t i = 0; i < MAX_MODULES; i++)
		free(j->paths[i]);
	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i]);
	for (size_t i = 0; i < MAX_GUESTS; i++)
		free(j->user_dt[i]);
	dtg_host_free(j->host);
	if (j->ctx)
		dtg_ctx_free(j->ctx);
}

static int write_outputs(struct job *j, const char *out_dir,
			 const char *xen_image)
{
	char *abs_out = absolute(out_dir), tmp[PATH_MAX], name[PATH_MAX];
	size_t nmod = dtg_dom0less_module_count(j->b);
	char *text;
	size_t len;
	const void *blob;
	size_t size;
	int r = -1;

	if (!abs_out) {
		fprintf(stderr, "dtgen: %s: %s\n", out_dir, strerror(errno));
		return -1;
	}
	/* final module paths: kernel/ramdisk absolute, partials in out_dir */
	for (size_t i = 0; i < nmod; i++) {
		struct dtg_dom0less_module m;

		dtg_dom0less_module(j->b, i, &m);
		if (m.kind == DTG_MODULE_DEVICE_TREE) {
			char file[300];

			snprintf(file, sizeof(file), "%s-partial.dtb",
				 dtg_dom0less_guest_name(j->b, m.guest));
			if (path_join(name, sizeof(name), abs_out, file))
				goto out;
			j->paths[i] = strdup(name);
		} else {
			j->paths[i] = absolute(m.path);
		}
		if (!j->paths[i]) {
			fprintf(stderr, "dtgen: %s: %s\n", m.path ? m.path : name,
				strerror(errno));
			goto out;
		}
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", abs_out) >=
	    (int)sizeof(tmp) || !mkdtemp(tmp)) {
		fprintf(stderr, "dtgen: %s: %s\n", out_dir, strerror(errno));
		goto out;
	}
#define ADD_FILE(n) (j->files[j->nfiles++] = strdup(n))
	dtg_dom0less_host_dtb(j->b, &blob, &size);
	ADD_FILE("host.dtb");
	if (write_in(tmp, "host.dtb", blob, size))
		goto fail;
	for (size_t g = 0; g < j->ndom; g++) {
		if (dtg_dom0less_partial_dtb(j->b, g, &blob, &size) || !blob)
			continue;
		snprintf(name, sizeof(name), "%s-partial.dtb",
			 dtg_dom0less_guest_name(j->b, g));
		ADD_FILE(name);
		if (write_in(tmp, name, blob, size))
			goto fail;
	}
	const char *const *paths = (const char *const *)j->paths;
	static const char *const names[] = { "load.txt", "qemu.args", "boot.cmd" };
	for (int k = 0; k < 3; k++) {
		/* boot.cmd names files as the boot medium holds them */
		char *base[MAX_MODULES];

		if (k == 2)
			for (size_t i = 0; i < nmod; i++)
				base[i] = (char *)cli_basename(j->paths[i]);
		r = k == 0 ? dtg_dom0less_load_txt_alloc(j->b, paths, &text, &len) :
		    k == 1 ? dtg_dom0less_qemu_args_alloc(j->b, paths, &text, &len) :
			     dtg_dom0less_boot_cmd_alloc(j->b,
					(const char *const *)base, xen_image,
					"host.dtb", &text, &len);
		if (r) {
			cli_report(j->ctx, r);
			goto fail;
		}
		ADD_FILE(names[k]);
		r = write_in(tmp, names[k], text, len);
		dtg_free(j->ctx, text);
		if (r)
			goto fail;
	}
	r = commit_dir(tmp, abs_out);
	if (r)
		goto fail;
	goto out;
fail:
	remove_dir(tmp, j->files, j->nfiles);
	r = -1;
out:
	free(abs_out);
	return r;
}

/* dom0 from a config file in xl.cfg syntax (see usage). */
static int load_dom0(struct job *j, const char *path)
{
	struct dtg_dom0less_dom0 d0 = { 0 };
	dtg_config *cfg = NULL;
	int64_t n;
	size_t size;
	void *text;
	int r;

	if (cli_read_file(path, &text, &size))
		return -1;
	r = dtg_config_parse(j->ctx, text, size, path, &cfg);
	free(text);
	if (r) {
		cli_report(j->ctx, r);
		return -1;
	}
	d0.kernel = dtg_config_string(cfg, "kernel");
	d0.ramdisk = dtg_config_string(cfg, "ramdisk");
	d0.cmdline = dtg_config_string(cfg, "cmdline");
	if (!d0.cmdline)
		d0.cmdline = dtg_config_string(cfg, "extra");
	if (!d0.kernel) {
		fprintf(stderr, "dtgen: %s: kernel: not set\n", path);
		goto fail;
	}
	if (module_size(path, "kernel", d0.kernel, &d0.kernel_size) ||
	    (d0.ramdisk && module_size(path, "ramdisk", d0.ramdisk,
				       &d0.ramdisk_size)))
		goto fail;
	if (dtg_config_type(cfg, "memory") >= 0) {
		if (dtg_config_number(cfg, "memory", &n) || n <= 0) {
			fprintf(stderr, "dtgen: %s:%u: memory: expected MiB\n",
				path, dtg_config_line(cfg, "memory"));
			goto fail;
		}
		d0.memory_mib = (uint64_t)n;
	}
	if (dtg_config_type(cfg, "vcpus") >= 0) {
		if (dtg_config_number(cfg, "vcpus", &n) || n <= 0 || n > 4096) {
			fprintf(stderr, "dtgen: %s:%u: vcpus: expected a count\n",
				path, dtg_config_line(cfg, "vcpus"));
			goto fail;
		}
		d0.vcpus = (unsigned)n;
	}
	r = dtg_dom0less_set_dom0(j->b, &d0);
	if (!r)
		r = dtg_dom0less_apply_config(j->b, DTG_DOM0LESS_DOM0, cfg);
	if (r) {
		cli_report(j->ctx, r);
		goto fail;
	}
	dtg_config_free(cfg);
	return 0;
fail:
	dtg_config_free(cfg);
	return -1;
}

/* --cpupools 'NAME=CPU,CPU[:SCHED] ...' */
static int add_cpupools(struct job *j, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	int r = 0;

	if (!copy)
		return -1;
	for (char *p = strtok_r(copy, " ", &save); p && !r;
	     p = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(p, '='), *sched, *cs = NULL;
		const char *cpus[256];
		struct dtg_dom0less_cpupool pool = { 0 };

		if (!eq) {
			fprintf(stderr, "dtgen: --cpupools: '%s': expected "
				"NAME=CPU,...[:SCHED]\n", p);
			r = -1;
			break;
		}
		*eq = '\0';
		sched = strchr(eq + 1, ':');
		if (sched)
			*sched++ = '\0';
		pool.name = p;
		pool.sched = sched;
		pool.cpus = cpus;
		for (char *c = strtok_r(eq + 1, ",", &cs); c;
		     c = strtok_r(NULL, ",", &cs)) {
			if (pool.ncpus == 256) {
				fprintf(stderr, "dtgen: --cpupools: '%s': more "
					"than 256 CPUs\n", p);
				free(copy);
				return -1;
			}
			cpus[pool.ncpus++] = c;
		}
		r = dtg_dom0less_add_cpupool(j->b, &pool);
		if (r) {
			cli_report(j->ctx, r);
			r = -1;
		}
	}
	free(copy);
	return r;
}

int cmd_dom0less(int argc, char **argv)
{
	struct dtg_dom0less_opts d0l_opts = { 0 };
	const char *out_dir = NULL, *host_path = NULL, *xen_image = "xen";
	const char *opts_bootargs = NULL, *pos[MAX_GUESTS + 1], *load_base = NULL;
	const char *dom0_cfg = NULL, *cpupools = NULL, *xen_version = NULL;
	const char **cfgs = pos + 1;   /* the guests' xl.cfg files */
	unsigned release;
	size_t ncfg;
	struct job j = { 0 };
	int status = CLI_FAIL;
	const struct cli_opt opts[] = {
		{ "-o", "--output", &out_dir, NULL },
		{ "--xen-bootargs", NULL, &opts_bootargs, NULL },
		{ "--load-base", NULL, &load_base, NULL },
		{ "--xen", NULL, &xen_image, NULL },
		{ "--dom0", NULL, &dom0_cfg, NULL },
		{ "--cpupools", NULL, &cpupools, NULL },
		{ "--xen-version", NULL, &xen_version, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	int n = cli_parse(argc, argv, opts, pos, MAX_GUESTS + 1);

	if (n == CLI_HELP) {
		fputs(usage, stdout);
		return CLI_OK;
	}
	if (n < 2 || !out_dir) {
		fputs(usage, stderr);
		return CLI_USAGE;
	}
	host_path = pos[0];
	ncfg = (size_t)n - 1;
	d0l_opts.xen_bootargs = opts_bootargs;
	if (load_base) {
		char *end;

		errno = 0;
		d0l_opts.load_base = strtoull(load_base, &end, 0);
		if (errno || *end || !d0l_opts.load_base) {
			fprintf(stderr, "dtgen: --load-base: '%s' is not an "
				"address\n", load_base);
			return CLI_USAGE;
		}
	}
	/* the builder and every guest's domain follow one release */
	if (cli_parse_xen_release("--xen-version", xen_version, &release))
		return CLI_USAGE;
	d0l_opts.xen_release = release;
	j.ctx = cli_ctx_new();
	if (!j.ctx)
		return CLI_FAIL;
	j.host = cli_load_host(j.ctx, host_path);
	if (!j.host)
		goto out;
	int r = dtg_dom0less_new(j.ctx, j.host, &d0l_opts, &j.b);
	if (r) {
		cli_report(j.ctx, r);
		goto out;
	}
	if (dom0_cfg && load_dom0(&j, dom0_cfg))
		goto out;
	if (cpupools && add_cpupools(&j, cpupools))
		goto out;
	for (size_t i = 0; i < ncfg; i++) {
		struct dtg_dom0less_guest g = { 0 };
		struct dtg_domain_info info;
		dtg_config *cfg = NULL;
		const char *dt;
		char dt_name[1024] = "";  /* outlives cfg, for messages */

		j.dom[i] = cli_load_domain_release(j.ctx, j.host, cfgs[i],
						   release, &cfg);
		if (!j.dom[i])
			goto out;
		j.ndom++;
		/*
		 * xl's device_tree=: a hand-written partial DT, used as it is
		 * when the guest describes no device.  When it does, the
		 * partial DT is generated from the description and
		 * device_tree= only says where xl would read it.
		 */
		dt = dtg_config_string(cfg, "device_tree");
		if (dt && dtg_domain_pt_count(j.dom[i])) {
			fprintf(stderr, "dtgen: notice: %s:%u: device_tree: the "
				"partial DT is generated from the devices the "
				"guest describes; %s is not read\n", cfgs[i],
				dtg_config_line(cfg, "device_tree"), dt);
		} else if (dt) {
			void *blob;
			size_t size;

			if (cli_read_file(dt, &blob, &size)) {
				fprintf(stderr, "dtgen: %s:%u: device_tree: cannot "
					"read %s\n", cfgs[i],
					dtg_config_line(cfg, "device_tree"), dt);
				dtg_config_free(cfg);
				goto out;
			}
			j.user_dt[i] = blob;
			g.partial_dtb = blob;
			g.partial_dtb_size = size;
			snprintf(dt_name, sizeof(dt_name), "%s", dt);
			g.partial_dtb_name = dt_name;
		}
		dtg_domain_get_info(j.dom[i], &info);
		if (!info.kernel) {
			fprintf(stderr, "dtgen: %s: kernel: not set\n", cfgs[i]);
			dtg_config_free(cfg);
			goto out;
		}
		if (module_size(cfgs[i], "kernel", info.kernel, &g.kernel_size) ||
		    (info.ramdisk && module_size(cfgs[i], "ramdisk", info.ramdisk,
						 &g.ramdisk_size))) {
			dtg_config_free(cfg);
			goto out;
		}
		g.domain = j.dom[i];
		r = dtg_dom0less_add_guest(j.b, &g);
		if (r >= 0)
			r = dtg_dom0less_apply_config(j.b, (size_t)r, cfg);
		dtg_config_free(cfg);
		if (r < 0) {
			cli_report(j.ctx, r);
			goto out;
		}
	}
	r = dtg_dom0less_finalize(j.b);
	if (r) {
		cli_report(j.ctx, r);
		goto out;
	}
	if (write_outputs(&j, out_dir, xen_image))
		goto out;
	status = CLI_OK;
out:
	job_free(&j);
	return status;
}
