/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/cli-util.c - file I/O and error reporting for the dtgen CLI. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* Write all of data to fd; -1 with errno on failure. */
static int write_all(int fd, const void *data, size_t size)
{
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, (const char *)data + off, size - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

/*
 * The file path names after following symbolic links (as a shell's ">"
 * would), also when the last link dangles: the result is malloc'ed.
 * Directories on the way are left as written (rename works through them).
 */
static char *follow_links(const char *path)
{
	char *cur = strdup(path);

	for (int depth = 0; cur && depth < 40; depth++) {
		char target[PATH_MAX], *next;
		struct stat st;
		ssize_t n;

		if (lstat(cur, &st) || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n < 0)
			return cur;
		target[n] = '\0';
		if (target[0] == '/' || !strchr(cur, '/')) {
			next = strdup(target);
		} else {    /* relative to the link's own folder */
			size_t dlen = (size_t)(strrchr(cur, '/') - cur) + 1;

			next = malloc(dlen + (size_t)n + 1);
			if (next) {
				memcpy(next, cur, dlen);
				memcpy(next + dlen, target, (size_t)n + 1);
			}
		}
		free(cur);
		cur = next;
	}
	return cur;     /* a loop: let open() report ELOOP */
}

/* A device, FIFO or other non-regular file is written in place: replacing
 * it by a regular file would break it (and /dev/full must report ENOSPC). */
static int write_in_place(const char *path, const char *real, const void *data,
			  size_t size)
{
	int fd = open(real, O_WRONLY | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "dtgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (write_all(fd, data, size) ||
	    (fsync(fd) && errno != EINVAL && errno != EROFS && errno != ENOTSUP)) {
		fprintf(stderr, "dtgen: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd)) {
		fprintf(stderr, "dtgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int cli_write_file(const char *path, const void *data, size_t size)
{
	char *real, *tmp = NULL, *dir;
	const char *slash;
	struct stat st;
	bool exists;
	mode_t mode, mask;
	int fd = -1, saved;

	if (!strcmp(path, "-")) {
		if (fwrite(data, 1, size, stdout) != size || fflush(stdout)) {
			fprintf(stderr, "dtgen: stdout: %s\n", strerror(errno));
			return -1;
		}
		return 0;
	}
	/* Ask the kernel first: /dev/stdout, /dev/fd/N and >(cmd) are links
	 * only it can follow (to "pipe:[N]"), and a device stays a device. */
	if (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return write_in_place(path, path, data, size);
	real = follow_links(path);
	if (!real) {
		fprintf(stderr, "dtgen: %s: out of memory\n", path);
		return -1;
	}
	exists = stat(real, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "dtgen: %s: %s\n", path, strerror(EISDIR));
		free(real);
		return -1;
	}
	/* A regular file (or none yet): write a temporary next to it, then
	 * rename it over the file, so that readers see the old or the new
	 * content, never a part. */
	slash = strrchr(real, '/');
	dir = slash ? strndup(real, (size_t)(slash - real) + (slash == real)) : strdup(".");
	tmp = malloc(strlen(real) + 16);
	if (!dir || !tmp) {
		fprintf(stderr, "dtgen: %s: out of memory\n", path);
		goto out;
	}
	snprintf(tmp, strlen(real) + 16, "%s.tmpXXXXXX", real);
	fd = mkstemp(tmp);
	if (fd < 0) {
		/* name the file asked for and the folder that refused */
		fprintf(stderr, "dtgen: %s: cannot create a file in %s: %s\n",
			path, dir, strerror(errno));
		goto out;
	}
	if (exists) {
		/* the file keeps its mode (and, for root, its owner) */
		mode = st.st_mode & 07777;
		if (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid))
			goto fail;
	} else {
		mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (write_all(fd, data, size) || fchmod(fd, mode) || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, real))
		goto fail;
	/* make the rename itself durable */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(tmp);
	free(dir);
	free(real);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	fprintf(stderr, "dtgen: %s: %s\n", path, strerror(saved));
out:
	free(tmp);
	free(dir);
	free(real);
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
