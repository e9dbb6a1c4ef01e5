/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers for the transport tests: deterministic payloads and memory measurements. */

/* Bytes that neither compress nor repeat (xorshift64), continued across calls by @state. */
void     rp_test_pattern_fill       (guint64      *state,
                                     guint8       *buf,
                                     gsize         len);
char    *rp_test_write_file         (const char   *dir,
                                     const char   *name,
                                     const void   *data,
                                     gsize         len);
/* Writes @size pattern bytes seeded with @seed, in small chunks. */
char    *rp_test_write_pattern_file (const char   *dir,
                                     const char   *name,
                                     gsize         size,
                                     guint64       seed);
/* Reads @stream to its end, @chunk bytes at a time. */
GBytes  *rp_test_read_stream        (GInputStream *stream,
                                     gsize         chunk);
/* Compares two files in small chunks. */
gboolean rp_test_files_equal        (const char   *a,
                                     const char   *b);
/* Resets VmHWM to the current RSS; FALSE where it cannot be measured meaningfully
 * (the kernel does not allow it, or a sanitizer holds on to freed memory). */
gboolean rp_test_reset_peak_rss     (void);
gsize    rp_test_current_rss_kb     (void);

G_END_DECLS
