/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* The two functions libFuzzer looks for; replay.c calls them the same way, so an input
 * behaves identically in a fuzzing build and in the normal test suite. */
int   LLVMFuzzerInitialize   (int            *argc,
                              char         ***argv);
int   LLVMFuzzerTestOneInput (const uint8_t  *data,
                              size_t          size);

/* Fails the run loudly: a broken invariant is a finding just like a crash. */
#define rp_fuzz_assert(expr)                                                            \
  G_STMT_START {                                                                        \
    if (G_UNLIKELY (!(expr)))                                                           \
      rp_fuzz_fail (__FILE__, __LINE__, #expr);                                         \
  } G_STMT_END

G_NORETURN void rp_fuzz_fail       (const char    *file,
                                    int            line,
                                    const char    *expr);

/* A private folder for targets that read files, created on first use, removed at exit. */
GFile          *rp_fuzz_tmpdir     (void);
void            rp_fuzz_write_file (GFile         *file,
                                    const guint8  *data,
                                    gsize          len);
/* Takes the chunk size for incremental feeding from the first byte: 1…255, or everything
 * at once for 0. Inputs of length 0 feed byte by byte. */
gsize           rp_fuzz_chunk_size (const guint8 **data,
                                    gsize         *len);
gboolean        rp_fuzz_bytes_equal (const guint8 *a,
                                     gsize         a_len,
                                     const guint8 *b,
                                     gsize         b_len);

G_END_DECLS
