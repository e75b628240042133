/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/cli-util.c - file I/O and error reporting for the dtgen CLI. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_read_file(const char *path, void **data, size_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 1 << 16, len = 0, n;
	char *buf;

	if (!f) {
		fprintf(stderr, "dtgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "dtgen: %s: %s\n", path,
			buf ? "read error" : "out of memory");
		free(buf);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

int cli_write_file(const char *path, const void *data, size_t size)
{
	size_t plen = strlen(path);
	char *tmp;
	int fd;

	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, size, stdout) != size || fflush(stdout)) {
			fprintf(stderr, "dtgen: stdout: write error\n");
			return -1;
		}
		return 0;
	}
	tmp = malloc(plen + 16);
	if (!tmp)
		return -1;
	snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "dtgen: %s: %s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, (const char *)data + off, size - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0644) || fsync(fd) || close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path))
		goto fail_closed;
	free(tmp);
	return 0;
fail:
	close(fd);
fail_closed:
	fprintf(stderr, "dtgen: %s: %s\n", path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return -1;
}

void cli_report(dtg_ctx *ctx, int err)
{
	const char *msg = dtg_last_error(ctx);

	fprintf(stderr, "dtgen: %s\n", msg && *msg ? msg : dtg_strerror(err));
}

static void log_stderr(void *opaque, enum dtg_log_level level, const char *msg)
{
	(void)opaque;
	if (level == DTG_LOG_ERROR)
		return; /* errors are printed once, by cli_report() */
	fprintf(stderr, "dtgen: %s: %s\n",
		level == DTG_LOG_WARN ? "warning" :
		level == DTG_LOG_NOTICE ? "notice" : "debug", msg);
}

dtg_ctx *cli_ctx_new(void)
{
	dtg_ctx *ctx;

	if (dtg_ctx_new(&ctx, NULL)) {
		fprintf(stderr, "dtgen: out of memory\n");
		return NULL;
	}
	dtg_ctx_set_log(ctx, log_stderr, NULL,
			getenv("DTGEN_DEBUG") ? DTG_LOG_DEBUG : DTG_LOG_NOTICE);
	return ctx;
}

const char *cli_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

dtg_host *cli_load_host(dtg_ctx *ctx, const char *path)
{
	dtg_host *host = NULL;
	void *blob;
	size_t size;
	int r;

	if (cli_read_file(path, &blob, &size))
		return NULL;
	r = dtg_host_load(ctx, blob, size, cli_basename(path), &host);
	free(blob);
	if (r) {
		cli_report(ctx, r);
		return NULL;
	}
	return host;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts,
	      const char **pos, int maxpos)
{
	bool options = true;
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;

		if (options && (!strcmp(a, "-h") || !strcmp(a, "--help")))
			return CLI_HELP;
		if (options && !strcmp(a, "--")) {
			options = false;
			continue;
		}
		if (options && a[0] == '-' && a[1]) {  /* "-" alone is stdin */
			for (o = opts; o->name; o++)
				if (!strcmp(a, o->name) ||
				    (o->alias && !strcmp(a, o->alias)))
					break;
			if (!o->name) {
				fprintf(stderr, "dtgen: %s: unknown option '%s'\n",
					argv[0], a);
				return -1;
			}
			if (!o->value) {
				*o->flag = true;
			} else if (i + 1 < argc) {
				*o->value = argv[++i];
			} else {
				fprintf(stderr, "dtgen: %s: option '%s' needs a "
					"value\n", argv[0], a);
				return -1;
			}
			continue;
		}
		if (npos >= maxpos) {
			fprintf(stderr, "dtgen: %s: unexpected argument '%s'\n",
				argv[0], a);
			return -1;
		}
		pos[npos++] = a;
	}
	return npos;
}
