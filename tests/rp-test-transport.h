/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

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

/* One request through the edit's HTTP sender (rp_http_send_async()), run to its end:
 * what its events said and the whole reply, read a few bytes at a time. */
typedef struct
{
  gboolean      finished;      /* the send itself ended */
  GError       *error;         /* of the send, or of reading the reply */
  guint         status;
  GInputStream *reply;
  GByteArray   *body;          /* the reply's body as read */
  goffset       wrote;         /* body bytes the progress events counted */
  guint         connected;     /* times the connection was said to be up */
  gboolean      wrote_all;
  GCancellable *cancel_after_first_write;
} RpTestSend;

void     rp_test_send_run           (RpTestSend   *send,
                                     GSocketClient *client,
                                     SoupMessage  *msg,
                                     GInputStream *body,
                                     goffset       length,
                                     GCancellable *cancellable);
void     rp_test_send_clear         (RpTestSend   *send);

G_END_DECLS
