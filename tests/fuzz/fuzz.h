/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/fuzz.h - what the libFuzzer harnesses share: the entry point,
 * fixed real hosts from tests/data, and a check that every blob the library
 * writes is one its reader (libfdt's fdt_check_full) accepts.
 */
#ifndef DTG_FUZZ_H
#define DTG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <xendtgen/dtgen.h>
#include <xendtgen/host.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A real host DTB of tests/data, loaded once per process (never freed). */
const dtg_host *fuzz_host(const char *file);

/* A context without log output (messages still reach dtg_last_error). */
dtg_ctx *fuzz_ctx(void);

/* Abort (a finding) unless blob is a valid DTB of exactly size bytes. */
void fuzz_check_dtb(const void *blob, size_t size, const char *what);

/* A malloc'd copy of data (exact size, 8-byte aligned), NUL-terminated. */
char *fuzz_copy(const uint8_t *data, size_t size);

#endif
