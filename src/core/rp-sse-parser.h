/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A sensible cap for buffered events: a completed 4K image as base64 is about 30 MB. */
#define RP_SSE_DEFAULT_MAX_EVENT_BYTES ((gsize) 64 * 1024 * 1024)

/**
 * RpSseEvent:
 * @event: the event type; `message` when the stream named none
 * @data: (nullable): the data lines joined with `\n`, NUL-terminated and valid UTF-8;
 *   %NULL when a #RpSseDataFunc received the data instead
 * @data_len: the length of @data in bytes
 * @id: (nullable): the last event id the stream set, or %NULL
 * @done: %TRUE for the `data: [DONE]` sentinel that ends OpenAI streams
 *
 * One dispatched server-sent event. Everything in it is borrowed for the duration of
 * the #RpSseEventFunc call only.
 */
typedef struct
{
  const char *event;
  const char *data;
  gsize       data_len;
  const char *id;
  gboolean    done;
} RpSseEvent;

/**
 * RpSseEventFunc:
 * @event: the event
 * @user_data: the data given to rp_sse_parser_new()
 * @error: return location for an error
 *
 * Returns: %TRUE to go on; %FALSE to stop parsing, with @error set to fail the feed
 */
typedef gboolean (*RpSseEventFunc) (const RpSseEvent  *event,
                                    gpointer           user_data,
                                    GError           **error);

/**
 * RpSseDataFunc:
 * @data: (array length=len): the next piece of the current event's data; the `\n`
 *   joining data lines is included, the sentinel `[DONE]` never is
 * @len: its length
 * @user_data: the data given to rp_sse_parser_new()
 * @error: return location for an error
 *
 * Receives event data as it arrives, so an event of any size passes through without
 * being held in memory. Bytes are raw: a piece may end inside a UTF-8 sequence.
 *
 * Returns: %TRUE to go on; %FALSE with @error set to fail the feed
 */
typedef gboolean (*RpSseDataFunc)  (const char        *data,
                                    gsize              len,
                                    gpointer           user_data,
                                    GError           **error);

typedef struct _RpSseParser RpSseParser;

RpSseParser *rp_sse_parser_new           (gsize           max_event_bytes,
                                          RpSseEventFunc  event_func,
                                          gpointer        user_data);
void         rp_sse_parser_set_data_func (RpSseParser    *self,
                                          RpSseDataFunc   data_func);
gboolean     rp_sse_parser_feed          (RpSseParser    *self,
                                          const char     *data,
                                          gsize           len,
                                          GError        **error);
gboolean     rp_sse_parser_finish        (RpSseParser    *self,
                                          GError        **error);
gboolean     rp_sse_parser_is_done       (RpSseParser    *self);
gint64       rp_sse_parser_get_retry_ms  (RpSseParser    *self);
const char  *rp_sse_parser_get_event_type (RpSseParser   *self);
void         rp_sse_parser_free          (RpSseParser    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpSseParser, rp_sse_parser_free)

G_END_DECLS
