/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Sends the edit request itself: one HTTP/1.1 exchange on a fresh connection whose large
 * body is written in pieces of RP_HTTP_SEND_CHUNK_BYTES. libsoup writes request bodies
 * 8 KiB per main-loop turn (GIO's splice), which held uploads to a third of what the
 * connection carries; every other request (model lists, result downloads, task polls)
 * still goes through libsoup.
 *
 * @msg carries the method, the URI and the request headers, and receives the response
 * headers; the reply's status comes back from rp_http_send_finish(). The returned stream
 * is the reply body with its framing (Content-Length, chunked or close-delimited)
 * removed. A connection that ends inside a chunk is an error; one that ends before
 * Content-Length bytes just ends the stream, which the reader checks against the length
 * (as with libsoup). */

#define RP_HTTP_SEND_CHUNK_BYTES (256 * 1024)

typedef struct
{
  void (*connected)       (gpointer data);
  void (*wrote_body_data) (gsize    n,
                           gpointer data);
  void (*wrote_body)      (gpointer data);
} RpHttpSendEvents;

void          rp_http_send_async  (GSocketClient           *client,
                                   SoupMessage             *msg,
                                   const char              *user_agent,
                                   GInputStream            *body,
                                   goffset                  body_length,
                                   const RpHttpSendEvents  *events,
                                   gpointer                 events_data,
                                   GCancellable            *cancellable,
                                   GAsyncReadyCallback      callback,
                                   gpointer                 user_data);
GInputStream *rp_http_send_finish (GAsyncResult            *result,
                                   guint                   *status,
                                   GError                 **error);

G_END_DECLS
