/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fake-provider"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "fake-provider-private.h"

#define FAULT_KEY           "rp-fake-fault"
#define DEFAULT_COLOR       0xff00ffffu   /* magenta: easy to spot in a composite */
#define DEFAULT_RESET_BYTES ((gsize) 64 * 1024)
#define DEFAULT_DRIP_BYTES  ((gsize) 512)
#define DEFAULT_HUGE_LENGTH ((guint64) 2 * 1024 * 1024 * 1024)
#define DEFAULT_HUGE_BYTES  ((guint64) 100 * 1024 * 1024)
#define FILL_CHUNK_BYTES    (64 * 1024)
#define MAX_RESULT_EDGE_PX  8192
#define START_TIMEOUT_S     10

typedef struct
{
  char        *route;      /* path suffix; NULL matches every request */
  RpFakeFault  fault;
  char        *location;   /* owned copy of fault.location */
} FaultEntry;

typedef struct
{
  GBytes *data;
  char   *content_type;
} StoredFile;

typedef struct
{
  char    *id;
  char    *model;
  char    *result_json;  /* the ImagesResponse the task ends with */
  gboolean fail;
  guint    polls;
  gint64   created_at;
} Task;

struct _RpFakeProvider
{
  GObject          parent_instance;

  /* Set while starting, constant afterwards. */
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  guint16          port;
  char            *url;
  GError          *start_error;
  gboolean         started;

  /* Server thread only. */
  SoupServer      *server;
  GPtrArray       *held;          /* stalled connections (GIOStream) */

  /* Guarded by lock. */
  GMutex           lock;
  GCond            cond;
  GPtrArray       *requests;      /* RpFakeRequest */
  GQueue           faults;        /* FaultEntry, one request each */
  GPtrArray       *defaults;      /* FaultEntry, every matching request */
  GHashTable      *files;         /* name → StoredFile */
  GHashTable      *tasks;         /* id → Task */
  guint32          color;
  int              result_width;
  int              result_height;
  guint            sse_interval_ms;
  guint            queued_polls;
  guint            running_polls;
  guint            serial;
  gboolean         log;
  RpFakeRequestHook hook;
  gpointer         hook_data;
  RpFakeEventHook  event_hook;
  gpointer         event_hook_data;
  RpFakeProvider  *foreign;
};

G_DEFINE_FINAL_TYPE (RpFakeProvider, rp_fake_provider, G_TYPE_OBJECT)

static const char *behavior_names[] = {
  "ok", "url-results", "foreign-url-results", "not-image-url", "empty-data", "delay", "drip",
  "rate-limit", "rate-limit-ms", "quota-429", "server-error", "invalid-api-key",
  "insufficient-quota", "moderation", "payment-required", "content-flagged", "invalid-json",
  "truncated", "stall", "sse-cut", "sse-error", "reset-upload", "redirect", "async-fail",
  "async-task-id-only", "reset-reply", "sse-empty", "huge-length", "huge-body",
  "huge-error-message", "bad-utf8", "bad-surrogate", "sse-huge-line", "sse-linger",
};

G_STATIC_ASSERT (G_N_ELEMENTS (behavior_names) == RP_FAKE_SSE_LINGER + 1);

const char *
rp_fake_behavior_to_string (RpFakeBehavior behavior)
{
  g_return_val_if_fail ((guint) behavior < G_N_ELEMENTS (behavior_names), NULL);
  return behavior_names[behavior];
}

gboolean
rp_fake_behavior_from_string (const char     *name,
                              RpFakeBehavior *behavior)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (behavior_names); i++)
    if (g_strcmp0 (name, behavior_names[i]) == 0)
      {
        *behavior = i;
        return TRUE;
      }
  return FALSE;
}

static FaultEntry *
fault_entry_new (const char        *route,
                 const RpFakeFault *fault)
{
  FaultEntry *entry = g_new0 (FaultEntry, 1);

  entry->route = g_strdup (route);
  entry->fault = *fault;
  entry->location = g_strdup (fault->location);
  entry->fault.location = entry->location;
  return entry;
}

static FaultEntry *
fault_entry_copy (const FaultEntry *entry)
{
  return fault_entry_new (entry->route, &entry->fault);
}

static void
fault_entry_free (gpointer data)
{
  FaultEntry *entry = data;

  g_free (entry->route);
  g_free (entry->location);
  g_free (entry);
}

static void
stored_file_free (gpointer data)
{
  StoredFile *file = data;

  g_bytes_unref (file->data);
  g_free (file->content_type);
  g_free (file);
}

static void
task_free (gpointer data)
{
  Task *task = data;

  g_free (task->id);
  g_free (task->model);
  g_free (task->result_json);
  g_free (task);
}

/* A route matches the end of a path; one ending in '/' matches anywhere in it, for paths
 * that end in an id ("/async/tasks/"). */
static gboolean
route_matches (const char *route,
               const char *path)
{
  if (route != NULL && g_str_has_suffix (route, "/"))
    return strstr (path, route) != NULL;
  return route == NULL || g_str_has_suffix (path, route);
}

/* The fault for the next request on @path: a queued one first, else a default. */
static FaultEntry *
take_fault (RpFakeProvider *self,
            const char     *path)
{
  FaultEntry *found = NULL;
  GList *l;
  guint i;

  g_mutex_lock (&self->lock);
  for (l = self->faults.head; l != NULL; l = l->next)
    if (route_matches (((FaultEntry *) l->data)->route, path))
      {
        found = l->data;
        g_queue_delete_link (&self->faults, l);
        break;
      }
  for (i = 0; found == NULL && i < self->defaults->len; i++)
    if (route_matches (((FaultEntry *) g_ptr_array_index (self->defaults, i))->route, path))
      found = fault_entry_copy (g_ptr_array_index (self->defaults, i));
  g_mutex_unlock (&self->lock);

  if (found == NULL)
    {
      RpFakeFault ok = { RP_FAKE_OK, };

      found = fault_entry_new (NULL, &ok);
    }
  return found;
}

static char *
next_id (RpFakeProvider *self,
         const char     *prefix)
{
  guint serial;

  g_mutex_lock (&self->lock);
  serial = ++self->serial;
  g_mutex_unlock (&self->lock);
  return g_strdup_printf ("%s%06u", prefix, serial);
}

static void
publish (RpFakeProvider *self,
         RpFakeRequest  *request)
{
  if (self->log)
    g_printerr ("%s %s%s%s -> %u (%s)\n", request->method, request->path,
                request->query ? "?" : "", request->query ? request->query : "",
                request->reply_status, rp_fake_behavior_to_string (request->behavior));
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, rp_fake_request_ref (request));
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static RpFakeRequest *
record_message (SoupServerMessage *msg,
                GBytes            *body,
                gboolean           complete)
{
  GUri *uri = soup_server_message_get_uri (msg);

  return rp_fake_request_new (soup_server_message_get_method (msg), g_uri_get_path (uri),
                              g_uri_get_query (uri),
                              soup_server_message_get_request_headers (msg), body, complete);
}

static GSource *
add_timeout (RpFakeProvider *self,
             guint           ms,
             GSourceFunc     func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, self->context);
  g_source_unref (source);
  return source;
}

static void
emit_event (RpFakeProvider *self,
            RpFakeEvent     event,
            const char     *method,
            const char     *path,
            gsize           bytes)
{
  RpFakeEventHook hook;
  gpointer data;

  g_mutex_lock (&self->lock);
  hook = self->event_hook;
  data = self->event_hook_data;
  g_mutex_unlock (&self->lock);
  if (hook != NULL)
    hook (event, method, path, bytes, data);
}

static void
emit_message_event (RpFakeProvider    *self,
                    RpFakeEvent        event,
                    SoupServerMessage *msg,
                    gsize              bytes)
{
  emit_event (self, event, soup_server_message_get_method (msg),
              g_uri_get_path (soup_server_message_get_uri (msg)), bytes);
}

/* ---- Transport ---------------------------------------------------------------------- */

/* A reset (RST) rather than an orderly close: linger with a zero timeout, then close. */
static void
reset_socket (GSocket *socket)
{
  struct linger lg = { 1, 0 };

  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  g_socket_close (socket, NULL);
}

static void
apply_reply (SoupServerMessage *msg,
             RpFakeReply       *reply)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_iter_init (&iter, reply->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_replace (out, name, value);
  if (reply->body != NULL)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), reply->body);
  soup_message_body_complete (soup_server_message_get_response_body (msg));
}

typedef struct
{
  SoupServerMessage *msg;
  RpFakeReply       *reply;
} Delayed;

static void
delayed_free (gpointer data)
{
  Delayed *d = data;

  g_object_unref (d->msg);
  rp_fake_reply_free (d->reply);
  g_free (d);
}

static gboolean
on_delay_done (gpointer data)
{
  Delayed *d = data;

  apply_reply (d->msg, d->reply);
  soup_server_message_unpause (d->msg);
  return G_SOURCE_REMOVE;
}

/* Streams pieces of a body one at a time through libsoup, @interval_ms apart. */
typedef struct
{
  RpFakeProvider    *self;
  SoupServerMessage *msg;
  GPtrArray         *pieces;
  guint              next;
  guint              interval_ms;
  gsize              sent;
  gboolean           linger;     /* the body is never completed */
  gboolean           gone;
  gulong             finished_id;
} Pacer;

static void
pacer_free (gpointer data)
{
  Pacer *p = data;

  g_signal_handler_disconnect (p->msg, p->finished_id);
  g_object_unref (p->msg);
  g_ptr_array_unref (p->pieces);
  g_free (p);
}

static void
on_paced_finished (SoupServerMessage *msg,
                   Pacer             *p)
{
  p->gone = TRUE;
}

static gboolean
pacer_step (gpointer data)
{
  Pacer *p = data;
  SoupMessageBody *body = soup_server_message_get_response_body (p->msg);

  GBytes *piece;

  if (p->gone)
    return G_SOURCE_REMOVE;
  piece = g_ptr_array_index (p->pieces, p->next++);
  soup_message_body_append_bytes (body, piece);
  p->sent += g_bytes_get_size (piece);
  if (p->next == p->pieces->len && !p->linger)
    soup_message_body_complete (body);
  soup_server_message_unpause (p->msg);
  emit_message_event (p->self, RP_FAKE_EVENT_REPLY, p->msg, p->sent);
  return p->next < p->pieces->len ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
send_paced (RpFakeProvider    *self,
            SoupServerMessage *msg,
            RpFakeReply       *reply,
            GPtrArray         *pieces,
            gboolean           chunked,
            gboolean           linger,
            guint              interval_ms)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  Pacer *p;
  gsize total = 0;
  guint i;

  soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_iter_init (&iter, reply->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_replace (headers, name, value);
  for (i = 0; i < pieces->len; i++)
    total += g_bytes_get_size (g_ptr_array_index (pieces, i));
  if (chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  else
    soup_message_headers_set_content_length (headers, total);

  p = g_new0 (Pacer, 1);
  p->self = self;
  p->msg = g_object_ref (msg);
  p->pieces = g_ptr_array_ref (pieces);
  p->interval_ms = interval_ms;
  p->linger = linger;
  p->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_paced_finished), p);
  if (pieces->len == 0)
    {
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      pacer_free (p);
      return;
    }
  /* The first piece goes with the headers; libsoup pauses itself when it runs dry. */
  pacer_step (p);
  if (p->next < pieces->len)
    add_timeout (self, interval_ms, pacer_step, p, pacer_free);
  else
    pacer_free (p);
}

typedef struct
{
  GIOStream *stream;
  GBytes    *data;
  gboolean   reset;
} RawWrite;

static void
raw_write_free (RawWrite *w)
{
  g_object_unref (w->stream);
  g_bytes_unref (w->data);
  g_free (w);
}

static void
on_raw_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RawWrite *w = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  if (w->reset && G_IS_SOCKET_CONNECTION (w->stream))
    reset_socket (g_socket_connection_get_socket (G_SOCKET_CONNECTION (w->stream)));
  else
    g_io_stream_close (w->stream, NULL, NULL);
  raw_write_free (w);
}

/* A hand-made status line and headers: @reply's, then @content_length when given, then
 * "Connection: close". */
static GString *
raw_head (RpFakeReply *reply,
          const char  *content_length)
{
  GString *head = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", reply->status,
                          soup_status_get_phrase (reply->status));
  soup_message_headers_iter_init (&iter, reply->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (head, "%s: %s\r\n", name, value);
  if (content_length != NULL)
    g_string_append_printf (head, "Content-Length: %s\r\n", content_length);
  g_string_append (head, "Connection: close\r\n\r\n");
  return head;
}

/* Takes the connection from libsoup and writes a hand-made response: raw_head(), then
 * @body_bytes of @body — however many the headers promised — and closes, or resets when
 * @reset. */
static void
send_raw (SoupServerMessage *msg,
          RpFakeReply       *reply,
          GBytes            *body,
          gsize              body_bytes,
          const char        *content_length,
          gboolean           reset)
{
  g_autoptr(GString) head = raw_head (reply, content_length);
  RawWrite *w;

  g_string_append_len (head, g_bytes_get_data (body, NULL),
                       MIN (body_bytes, g_bytes_get_size (body)));

  w = g_new0 (RawWrite, 1);
  w->reset = reset;
  w->stream = soup_server_message_steal_connection (msg);
  w->data = g_string_free_to_bytes (g_steal_pointer (&head));
  g_output_stream_write_all_async (g_io_stream_get_output_stream (w->stream),
                                   g_bytes_get_data (w->data, NULL), g_bytes_get_size (w->data),
                                   G_PRIORITY_DEFAULT, NULL, on_raw_written, w);
}

/* A body made as it is sent: @head, @fill_bytes copies of @fill, then @tail, so that a
 * reply of any size costs the server one small buffer. */
typedef struct
{
  GIOStream *stream;
  GBytes    *head;
  GBytes    *tail;
  guint64    fill_left;
  gboolean   head_sent;
  gboolean   tail_sent;
  guint8     chunk[FILL_CHUNK_BYTES];
} Generated;

static void
generated_free (Generated *g)
{
  g_io_stream_close (g->stream, NULL, NULL);
  g_object_unref (g->stream);
  g_bytes_unref (g->head);
  g_clear_pointer (&g->tail, g_bytes_unref);
  g_free (g);
}

static void generated_next (Generated *g);

static void
on_generated_written (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Generated *g = user_data;

  /* The client hung up once it had read enough: that is the end. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      generated_free (g);
      return;
    }
  generated_next (g);
}

static void
generated_write (Generated    *g,
                 const guint8 *data,
                 gsize         len)
{
  g_output_stream_write_all_async (g_io_stream_get_output_stream (g->stream), data, len,
                                   G_PRIORITY_DEFAULT, NULL, on_generated_written, g);
}

static void
generated_next (Generated *g)
{
  if (!g->head_sent)
    {
      g->head_sent = TRUE;
      generated_write (g, g_bytes_get_data (g->head, NULL), g_bytes_get_size (g->head));
    }
  else if (g->fill_left > 0)
    {
      gsize len = (gsize) MIN (g->fill_left, sizeof g->chunk);

      g->fill_left -= len;
      generated_write (g, g->chunk, len);
    }
  else if (g->tail != NULL && !g->tail_sent)
    {
      g->tail_sent = TRUE;
      generated_write (g, g_bytes_get_data (g->tail, NULL), g_bytes_get_size (g->tail));
    }
  else
    generated_free (g);
}

/* Takes the connection and sends raw_head(), @head, @fill_bytes of @fill and @tail; with
 * @with_length the headers give the true total. */
static void
send_generated (SoupServerMessage *msg,
                RpFakeReply       *reply,
                GBytes            *head,
                char               fill,
                guint64            fill_bytes,
                GBytes            *tail,
                gboolean           with_length)
{
  Generated *g = g_new0 (Generated, 1);
  guint64 total = g_bytes_get_size (head) + fill_bytes + (tail ? g_bytes_get_size (tail) : 0);
  g_autofree char *length = with_length ? g_strdup_printf ("%" G_GUINT64_FORMAT, total) : NULL;
  g_autoptr(GString) start = raw_head (reply, length);

  g_string_append_len (start, g_bytes_get_data (head, NULL), g_bytes_get_size (head));
  memset (g->chunk, fill, sizeof g->chunk);
  g->head = g_string_free_to_bytes (g_steal_pointer (&start));
  g->fill_left = fill_bytes;
  g->tail = tail ? g_bytes_ref (tail) : NULL;
  g->stream = soup_server_message_steal_connection (msg);
  generated_next (g);
}

/* The start and end of an error whose message is @message_bytes of 'x'. */
static void
huge_error_parts (RpFakeDialect   dialect,
                  GBytes        **head,
                  GBytes        **tail)
{
  const char *h = dialect == RP_FAKE_DIALECT_VENICE ? "{\"error\": \"The image is too large"
                                                    : "{\"error\": {\"message\": \"The image is too large";
  const char *t = dialect == RP_FAKE_DIALECT_VENICE
                    ? "\", \"code\": \"IMAGE_TOO_LARGE\"}"
                    : "\", \"type\": \"invalid_request_error\", \"param\": null, \"code\": \"image_too_large\"}}";

  *head = g_bytes_new_static (h, strlen (h));
  *tail = g_bytes_new_static (t, strlen (t));
}

static GPtrArray *
split_pieces (GBytes *body,
              gsize   piece)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize len = g_bytes_get_size (body), at;

  for (at = 0; at < len; at += piece)
    g_ptr_array_add (pieces, g_bytes_new_from_bytes (body, at, MIN (piece, len - at)));
  return pieces;
}

static RpFakeDialect dialect_for (const char *path);

/* Sends @reply through the transport @fault asks for. Takes @reply. */
static void
send_reply (RpFakeProvider    *self,
            SoupServerMessage *msg,
            RpFakeReply       *reply,
            const RpFakeFault *fault)
{
  g_autoptr(GBytes) flat = NULL;
  g_autofree char *length = NULL;
  guint interval;

  switch (fault->behavior)
    {
    case RP_FAKE_STALL:
      /* Hold the connection, answer nothing: the client's timeout has to end it. */
      g_ptr_array_add (self->held, soup_server_message_steal_connection (msg));
      rp_fake_reply_free (reply);
      return;

    case RP_FAKE_TRUNCATED:
      flat = rp_fake_reply_flatten (reply);
      length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (flat));
      send_raw (msg, reply, flat, fault->bytes ? fault->bytes : g_bytes_get_size (flat) / 2,
                length, FALSE);
      rp_fake_reply_free (reply);
      return;

    case RP_FAKE_SSE_CUT:
    case RP_FAKE_SSE_EMPTY:
      flat = rp_fake_reply_flatten (reply);
      send_raw (msg, reply, flat, fault->behavior == RP_FAKE_SSE_CUT ? g_bytes_get_size (flat) : 0,
                NULL, FALSE);
      rp_fake_reply_free (reply);
      return;

    case RP_FAKE_RESET_REPLY:
      flat = rp_fake_reply_flatten (reply);
      length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (flat));
      send_raw (msg, reply, flat, fault->bytes ? fault->bytes : g_bytes_get_size (flat) / 2,
                length, TRUE);
      rp_fake_reply_free (reply);
      return;

    case RP_FAKE_HUGE_LENGTH:
      flat = rp_fake_reply_flatten (reply);
      length = g_strdup_printf ("%" G_GUINT64_FORMAT, fault->bytes ? (guint64) fault->bytes
                                                                   : DEFAULT_HUGE_LENGTH);
      send_raw (msg, reply, flat, g_bytes_get_size (flat), length, FALSE);
      rp_fake_reply_free (reply);
      return;

    case RP_FAKE_HUGE_BODY:
      {
        guint64 total = fault->bytes ? fault->bytes : DEFAULT_HUGE_BYTES;

        flat = rp_fake_reply_flatten (reply);
        send_generated (msg, reply, flat, ' ',
                        total - MIN (total, g_bytes_get_size (flat)), NULL, FALSE);
        rp_fake_reply_free (reply);
        return;
      }

    case RP_FAKE_SSE_HUGE_LINE:
      {
        g_autoptr(GBytes) first = g_bytes_ref (g_ptr_array_index (reply->chunks, 0));

        send_generated (msg, reply, first, ' ', fault->bytes ? fault->bytes : DEFAULT_HUGE_BYTES,
                        NULL, FALSE);
        rp_fake_reply_free (reply);
        return;
      }

    case RP_FAKE_HUGE_ERROR_MESSAGE:
      {
        RpFakeDialect dialect = dialect_for (g_uri_get_path (soup_server_message_get_uri (msg)));
        g_autoptr(GBytes) head = NULL;
        g_autoptr(GBytes) tail = NULL;

        huge_error_parts (dialect, &head, &tail);
        send_generated (msg, reply, head, 'x', fault->bytes ? fault->bytes : DEFAULT_HUGE_BYTES,
                        tail, TRUE);
        rp_fake_reply_free (reply);
        return;
      }

    case RP_FAKE_DELAY:
      {
        Delayed *d = g_new0 (Delayed, 1);

        d->msg = g_object_ref (msg);
        d->reply = reply;
        soup_server_message_pause (msg);
        add_timeout (self, fault->delay_ms, on_delay_done, d, delayed_free);
        return;
      }

    case RP_FAKE_DRIP:
      {
        g_autoptr(GPtrArray) pieces = NULL;

        flat = rp_fake_reply_flatten (reply);
        pieces = split_pieces (flat, fault->bytes ? fault->bytes : DEFAULT_DRIP_BYTES);
        send_paced (self, msg, reply, pieces, reply->chunks != NULL, FALSE, fault->delay_ms);
        rp_fake_reply_free (reply);
        return;
      }

    case RP_FAKE_OK:
    case RP_FAKE_URL_RESULTS:
    case RP_FAKE_FOREIGN_URL_RESULTS:
    case RP_FAKE_NOT_IMAGE_URL:
    case RP_FAKE_EMPTY_DATA:
    case RP_FAKE_RATE_LIMIT:
    case RP_FAKE_RATE_LIMIT_MS:
    case RP_FAKE_QUOTA_429:
    case RP_FAKE_SERVER_ERROR:
    case RP_FAKE_INVALID_API_KEY:
    case RP_FAKE_INSUFFICIENT_QUOTA:
    case RP_FAKE_MODERATION:
    case RP_FAKE_PAYMENT_REQUIRED:
    case RP_FAKE_CONTENT_FLAGGED:
    case RP_FAKE_INVALID_JSON:
    case RP_FAKE_SSE_ERROR:
    case RP_FAKE_RESET_UPLOAD:
    case RP_FAKE_REDIRECT:
    case RP_FAKE_ASYNC_FAIL:
    case RP_FAKE_ASYNC_TASK_ID_ONLY:
    case RP_FAKE_BAD_UTF8:
    case RP_FAKE_BAD_SURROGATE:
    case RP_FAKE_SSE_LINGER:
    default:
      break;
    }

  if (reply->chunks != NULL)
    {
      g_mutex_lock (&self->lock);
      interval = self->sse_interval_ms;
      g_mutex_unlock (&self->lock);
      send_paced (self, msg, reply, reply->chunks, TRUE, fault->behavior == RP_FAKE_SSE_LINGER,
                  interval);
    }
  else
    {
      apply_reply (msg, reply);
    }
  rp_fake_reply_free (reply);
}

/* ---- OpenAI dialect ---------------------------------------------------------------- */

typedef struct
{
  int         width;
  int         height;
  char       *size;         /* "WxH" as echoed back */
  int         n;
  const char *model;
  const char *quality;
  const char *format;
  guint32     color;
} ResultSpec;

static void
result_spec_clear (ResultSpec *spec)
{
  g_free (spec->size);
}

static const RpFakeImage *
first_input_image (RpFakeRequest *request)
{
  guint i;

  for (i = 0; i < request->images->len; i++)
    {
      const RpFakeImage *image = g_ptr_array_index (request->images, i);

      if (g_strcmp0 (image->field, "mask") != 0)
        return image;
    }
  return NULL;
}

static const RpFakeImage *
mask_image (RpFakeRequest *request)
{
  guint i;

  for (i = 0; i < request->images->len; i++)
    {
      const RpFakeImage *image = g_ptr_array_index (request->images, i);

      if (g_strcmp0 (image->field, "mask") == 0)
        return image;
    }
  return NULL;
}

static gboolean
parse_size (const char *text,
            int        *width,
            int        *height)
{
  g_auto(GStrv) parts = NULL;
  guint64 w, h;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, "x", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, MAX_RESULT_EDGE_PX, &w, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, MAX_RESULT_EDGE_PX, &h, NULL))
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

/* The result size: forced by the test, else the requested size, else the first image's. */
static void
result_spec_init (RpFakeProvider *self,
                  RpFakeRequest  *request,
                  ResultSpec     *spec)
{
  const RpFakeImage *first = first_input_image (request);
  const char *n = rp_fake_request_get_field (request, "n");
  guint64 count = 1;

  memset (spec, 0, sizeof *spec);
  g_mutex_lock (&self->lock);
  spec->width = self->result_width;
  spec->height = self->result_height;
  spec->color = self->color;
  g_mutex_unlock (&self->lock);

  if (spec->width <= 0 && !parse_size (rp_fake_request_get_field (request, "size"),
                                       &spec->width, &spec->height))
    {
      spec->width = first && first->width > 0 ? MIN (first->width, MAX_RESULT_EDGE_PX) : 1024;
      spec->height = first && first->height > 0 ? MIN (first->height, MAX_RESULT_EDGE_PX) : 1024;
    }
  spec->size = g_strdup_printf ("%dx%d", spec->width, spec->height);
  if (n != NULL)
    g_ascii_string_to_unsigned (n, 10, 1, 10, &count, NULL);
  spec->n = count;
  spec->model = rp_fake_request_get_field (request, "model");
  spec->quality = rp_fake_request_get_field (request, "quality");
  if (spec->quality == NULL || g_strcmp0 (spec->quality, "auto") == 0)
    spec->quality = "high";
  spec->format = rp_fake_request_get_field (request, "output_format");
  if (spec->format == NULL)
    spec->format = "png";
}

static const char *
format_mime (const char *format)
{
  if (g_strcmp0 (format, "jpeg") == 0 || g_strcmp0 (format, "jpg") == 0)
    return "image/jpeg";
  if (g_strcmp0 (format, "webp") == 0)
    return "image/webp";
  return "image/png";
}

/* Validates an OpenAI edit the way the real endpoint would; NULL when it is acceptable. */
static RpFakeReply *
validate_openai_edit (RpFakeRequest *request)
{
  const RpFakeImage *first = first_input_image (request);
  const RpFakeImage *mask = mask_image (request);
  const char *model = rp_fake_request_get_field (request, "model");
  GHashTableIter iter;
  gpointer key, value;
  int w, h;

  if (request->body_error != NULL)
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400, request->body_error,
                                "invalid_request_error", "invalid_body", NULL);
  if (request->parts->len == 0 && request->json == NULL)
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400,
                                "Expected multipart/form-data or application/json.",
                                "invalid_request_error", "invalid_content_type", NULL);
  g_hash_table_iter_init (&iter, request->fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(const char *) value == '\0')
      return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400,
                                  "Invalid value: ''. Expected a non-empty value.",
                                  "invalid_request_error", "invalid_value", key);
  if (rp_fake_request_get_field (request, "prompt") == NULL)
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400,
                                "Missing required parameter: 'prompt'.", "invalid_request_error",
                                "missing_required_parameter", "prompt");
  if (first == NULL)
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400,
                                "Missing required parameter: 'image'.", "invalid_request_error",
                                "missing_required_parameter", "image");
  if (model != NULL && g_str_has_prefix (model, "gpt-image") &&
      rp_fake_request_get_field (request, "response_format") != NULL)
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400, "Unknown parameter: 'response_format'.",
                                "invalid_request_error", "unknown_parameter", "response_format");
  if ((first->data != NULL && first->width < 0) || (mask && mask->data && mask->width < 0))
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400,
                                "Invalid image file or mode for image 1, please check your image "
                                "file.", "invalid_request_error", "invalid_image",
                                first->width < 0 ? "image" : "mask");
  if (mask != NULL && mask->width > 0 && first->width > 0 &&
      (mask->width != first->width || mask->height != first->height))
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400,
                                "Invalid mask image: the mask must have the same dimensions as the "
                                "image.", "invalid_request_error", "invalid_value", "mask");
  if (rp_fake_request_get_field (request, "size") != NULL &&
      g_strcmp0 (rp_fake_request_get_field (request, "size"), "auto") != 0 &&
      !parse_size (rp_fake_request_get_field (request, "size"), &w, &h))
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 400, "Invalid value for 'size'.",
                                "invalid_request_error", "invalid_value", "size");
  return NULL;
}

static void
add_usage (JsonBuilder   *b,
           RpFakeRequest *request,
           int            n)
{
  const char *prompt = rp_fake_request_get_field (request, "prompt");
  gint64 text = MAX ((gint64) (prompt ? strlen (prompt) : 0) / 4, 1);
  gint64 images = 65 * (gint64) request->images->len;
  gint64 output = 272 * (gint64) n;

  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "input_tokens");
  json_builder_add_int_value (b, text + images);
  json_builder_set_member_name (b, "input_tokens_details");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "image_tokens");
  json_builder_add_int_value (b, images);
  json_builder_set_member_name (b, "text_tokens");
  json_builder_add_int_value (b, text);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "output_tokens");
  json_builder_add_int_value (b, output);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, text + images + output);
  json_builder_end_object (b);
}

static void
add_string_member (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_meta (JsonBuilder      *b,
          const ResultSpec *spec)
{
  add_string_member (b, "background", "opaque");
  add_string_member (b, "output_format", spec->format);
  add_string_member (b, "quality", spec->quality);
  add_string_member (b, "size", spec->size);
}

/* One result image: its base64, or the URL where it can be downloaded. */
static void
add_image_ref (JsonBuilder *b,
               GBytes      *image,
               const char  *url)
{
  if (url != NULL)
    add_string_member (b, "url", url);
  else
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (image, NULL),
                                              g_bytes_get_size (image));

      add_string_member (b, "b64_json", b64);
    }
}

static char *
images_response (RpFakeRequest    *request,
                 const ResultSpec *spec,
                 GPtrArray        *images,
                 GPtrArray        *urls,
                 gboolean          empty)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (i = 0; !empty && i < images->len; i++)
    {
      json_builder_begin_object (b);
      add_image_ref (b, g_ptr_array_index (images, i), urls ? g_ptr_array_index (urls, i) : NULL);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_meta (b, spec);
  add_usage (b, request, spec->n);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static GBytes *
sse_frame (const char  *event,
           JsonBuilder *b)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *data = NULL;
  char *frame;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, NULL);
  frame = event ? g_strdup_printf ("event: %s\ndata: %s\n\n", event, data)
                : g_strdup_printf ("data: %s\n\n", data);
  return g_bytes_new_take (frame, strlen (frame));
}

static GBytes *
sse_image_event (RpFakeRequest    *request,
                 const ResultSpec *spec,
                 gboolean          partial,
                 int               index,
                 GBytes           *image,
                 const char       *url)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *type = partial ? "image_edit.partial_image" : "image_edit.completed";

  json_builder_begin_object (b);
  add_string_member (b, "type", type);
  add_image_ref (b, image, url);
  if (partial)
    {
      json_builder_set_member_name (b, "partial_image_index");
      json_builder_add_int_value (b, index);
    }
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  add_meta (b, spec);
  if (!partial)
    add_usage (b, request, spec->n);
  json_builder_end_object (b);
  return sse_frame (type, b);
}

static GBytes *
sse_error_event (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string_member (b, "type", "error");
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  add_string_member (b, "type", "image_generation_user_error");
  add_string_member (b, "code", "moderation_blocked");
  add_string_member (b, "message", "Your request was rejected as a result of our safety system. "
                                   "safety_violations=[violence].");
  json_builder_set_member_name (b, "param");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return sse_frame ("error", b);
}

/* Server-sent events: the partial images asked for, one completed event per image, then
 * [DONE]; or, for the stream faults, an error event or a cut in the middle of an event. */
static RpFakeReply *
sse_reply (RpFakeRequest     *request,
           const ResultSpec  *spec,
           GPtrArray         *images,
           GPtrArray         *urls,
           const RpFakeFault *fault)
{
  RpFakeReply *reply = rp_fake_reply_new (200, "text/event-stream");
  const char *partial_text = rp_fake_request_get_field (request, "partial_images");
  guint64 partials = 0;
  g_autoptr(GBytes) partial_image = NULL;
  guint i;

  if (partial_text != NULL)
    g_ascii_string_to_unsigned (partial_text, 10, 0, 3, &partials, NULL);
  if (fault->behavior == RP_FAKE_SSE_CUT || fault->behavior == RP_FAKE_SSE_ERROR ||
      fault->behavior == RP_FAKE_SSE_HUGE_LINE)
    partials = MAX (partials, 1);
  /* Partial images are darker shades of the result. */
  partial_image = rp_fake_solid_image (spec->width, spec->height,
                                       (spec->color >> 1 & 0x7f7f7f00) | (spec->color & 0xff),
                                       spec->format);

  reply->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  soup_message_headers_replace (reply->headers, "Cache-Control", "no-cache");
  for (i = 0; i < partials; i++)
    g_ptr_array_add (reply->chunks, sse_image_event (request, spec, TRUE, i, partial_image, NULL));

  if (fault->behavior == RP_FAKE_SSE_ERROR)
    {
      g_ptr_array_add (reply->chunks, sse_error_event ());
      return reply;
    }
  if (fault->behavior == RP_FAKE_SSE_CUT)
    {
      g_autoptr(GBytes) whole = sse_image_event (request, spec, FALSE, 0,
                                                 g_ptr_array_index (images, 0), NULL);

      g_ptr_array_add (reply->chunks, g_bytes_new_from_bytes (whole, 0, g_bytes_get_size (whole) / 2));
      return reply;
    }
  for (i = 0; i < images->len; i++)
    g_ptr_array_add (reply->chunks,
                     sse_image_event (request, spec, FALSE, i, g_ptr_array_index (images, i),
                                      urls ? g_ptr_array_index (urls, i) : NULL));
  g_ptr_array_add (reply->chunks, g_bytes_new_static ("data: [DONE]\n\n", 14));
  return reply;
}

static RpFakeReply *
async_submit_reply (RpFakeProvider    *self,
                    RpFakeRequest     *request,
                    const ResultSpec  *spec,
                    char              *result_json,
                    const RpFakeFault *fault)
{
  gboolean id_only = fault->behavior == RP_FAKE_ASYNC_TASK_ID_ONLY;
  Task *task = g_new0 (Task, 1);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  RpFakeReply *reply = rp_fake_reply_new (id_only ? 200 : 202, "application/json");
  g_autofree char *status_url = NULL;

  task->id = next_id (self, id_only ? "task_fake_" : "job_fake_");
  task->model = g_strdup (spec->model);
  task->result_json = result_json;
  task->fail = fault->behavior == RP_FAKE_ASYNC_FAIL;
  task->created_at = g_get_real_time () / G_USEC_PER_SEC;
  status_url = g_strdup_printf ("/v1/async/tasks/%s", task->id);

  json_builder_begin_object (b);
  if (id_only)
    add_string_member (b, "task_id", task->id);
  else
    {
      add_string_member (b, "id", task->id);
      add_string_member (b, "object", "async_media_job");
      add_string_member (b, "status", "queued");
      add_string_member (b, "model", spec->model ? spec->model : "");
      json_builder_set_member_name (b, "created_at");
      json_builder_add_int_value (b, task->created_at);
      add_string_member (b, "status_url", status_url);
    }
  json_builder_end_object (b);
  rp_fake_reply_set_json (reply, b);

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->tasks, g_strdup (task->id), task);
  g_mutex_unlock (&self->lock);
  return reply;
}

/* Stores @images where url results point and returns the URLs, or NULL for b64 results. */
static GPtrArray *
publish_urls (RpFakeProvider    *self,
              RpFakeRequest     *request,
              GPtrArray         *images,
              const ResultSpec  *spec,
              const RpFakeFault *fault)
{
  const char *response_format = rp_fake_request_get_field (request, "response_format");
  RpFakeProvider *target = self;
  GPtrArray *urls;
  guint i;

  if (fault->behavior == RP_FAKE_FOREIGN_URL_RESULTS)
    target = rp_fake_provider_get_foreign (self);
  else if (fault->behavior != RP_FAKE_URL_RESULTS && fault->behavior != RP_FAKE_NOT_IMAGE_URL &&
           g_strcmp0 (response_format, "url") != 0)
    return NULL;

  urls = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < images->len; i++)
    {
      g_autofree char *id = next_id (self, "img_");
      g_autofree char *name = g_strdup_printf ("%s.%s", id, spec->format);

      if (fault->behavior == RP_FAKE_NOT_IMAGE_URL)
        {
          g_autoptr(GBytes) page = g_bytes_new_static ("<html><body>Link expired</body></html>", 38);

          g_ptr_array_add (urls, rp_fake_provider_add_file (target, name, page,
                                                            "text/html; charset=utf-8"));
        }
      else
        {
          g_ptr_array_add (urls, rp_fake_provider_add_file (target, name,
                                                            g_ptr_array_index (images, i),
                                                            format_mime (spec->format)));
        }
    }
  return urls;
}

static RpFakeReply *
openai_edit (RpFakeProvider    *self,
             RpFakeRequest     *request,
             const RpFakeFault *fault)
{
  RpFakeReply *reply = validate_openai_edit (request);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GPtrArray) urls = NULL;
  gboolean stream;
  ResultSpec spec;
  int i;

  if (reply != NULL)
    return reply;

  result_spec_init (self, request, &spec);
  images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (i = 0; i < spec.n; i++)
    g_ptr_array_add (images, rp_fake_solid_image (spec.width, spec.height, spec.color, spec.format));

  if (g_strcmp0 (rp_fake_request_get_query_param (request, "async"), "true") == 0)
    reply = async_submit_reply (self, request, &spec,
                                images_response (request, &spec, images, NULL, FALSE), fault);
  else
    {
      urls = publish_urls (self, request, images, &spec, fault);
      stream = g_strcmp0 (rp_fake_request_get_field (request, "stream"), "true") == 0 ||
               fault->behavior == RP_FAKE_SSE_CUT || fault->behavior == RP_FAKE_SSE_ERROR ||
               fault->behavior == RP_FAKE_SSE_EMPTY || fault->behavior == RP_FAKE_SSE_HUGE_LINE ||
               fault->behavior == RP_FAKE_SSE_LINGER;
      if (stream)
        reply = sse_reply (request, &spec, images, urls, fault);
      else
        {
          char *json = images_response (request, &spec, images, urls,
                                        fault->behavior == RP_FAKE_EMPTY_DATA);

          reply = rp_fake_reply_new (200, "application/json");
          reply->body = g_bytes_new_take (json, strlen (json));
        }
    }
  result_spec_clear (&spec);
  return reply;
}

static const char *
task_state (const Task *task,
            guint       queued_polls,
            guint       running_polls)
{
  if (task->polls <= queued_polls)
    return "queued";
  if (task->polls <= queued_polls + running_polls)
    return "running";
  return task->fail ? "failed" : "succeeded";
}

static void
add_int_or_null (JsonBuilder *b,
                 const char  *name,
                 gboolean     set,
                 gint64       value)
{
  json_builder_set_member_name (b, name);
  if (set)
    json_builder_add_int_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* Async task status, contract A of PROVIDERS.md §2: queued, running, then succeeded with
 * the ImagesResponse embedded in `data`, or failed with an `error`. */
static RpFakeReply *
task_status (RpFakeProvider *self,
             const char     *id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  RpFakeReply *reply;
  const char *state;
  gboolean done, started;
  Task *task, copy;

  g_mutex_lock (&self->lock);
  task = g_hash_table_lookup (self->tasks, id);
  if (task != NULL)
    {
      task->polls++;
      copy = *task;
      copy.model = g_strdup (task->model);
      copy.result_json = g_strdup (task->result_json);
      state = task_state (task, self->queued_polls, self->running_polls);
    }
  g_mutex_unlock (&self->lock);

  if (task == NULL)
    return rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 404, "Job not found.",
                                "invalid_request_error", "job_not_found", NULL);

  done = g_str_equal (state, "succeeded") || g_str_equal (state, "failed");
  started = !g_str_equal (state, "queued");
  json_builder_begin_object (b);
  add_string_member (b, "id", id);
  add_string_member (b, "object", "async_media_job");
  add_string_member (b, "status", state);
  add_string_member (b, "model", copy.model ? copy.model : "");
  add_string_member (b, "billing_status", !done ? "pending" : copy.fail ? "refunded" : "billed");
  add_int_or_null (b, "http_status", done, copy.fail ? 500 : 200);
  add_int_or_null (b, "created_at", TRUE, copy.created_at);
  add_int_or_null (b, "started_at", started, copy.created_at + 1);
  add_int_or_null (b, "completed_at", done, copy.created_at + 2);
  add_int_or_null (b, "expires_at", done, copy.created_at + 900);
  json_builder_set_member_name (b, "error");
  if (done && copy.fail)
    {
      json_builder_begin_object (b);
      add_string_member (b, "message", "The upstream provider failed to produce an image.");
      add_string_member (b, "code", "upstream_error");
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "data");
  if (done && !copy.fail && json_parser_load_from_data (parser, copy.result_json, -1, NULL))
    json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  g_free (copy.model);
  g_free (copy.result_json);
  reply = rp_fake_reply_new (200, "application/json");
  rp_fake_reply_set_json (reply, b);
  return reply;
}

/* ---- Venice dialect ---------------------------------------------------------------- */

/* Venice's validation error (zod-style): which field, and why. */
static RpFakeReply *
venice_invalid (const char *field,
                const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  RpFakeReply *reply = rp_fake_reply_new (400, "application/json");

  json_builder_begin_object (b);
  add_string_member (b, "error", "Invalid request parameters");
  json_builder_set_member_name (b, "details");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "_errors");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, field);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "_errors");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, message);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "issues");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_string_member (b, "code", "custom");
  json_builder_set_member_name (b, "path");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, field);
  json_builder_end_array (b);
  add_string_member (b, "message", message);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  rp_fake_reply_set_json (reply, b);
  return reply;
}

/* The request's top-level keys: JSON members or multipart field names. */
static GPtrArray *
request_keys (RpFakeRequest *request)
{
  GPtrArray *keys = g_ptr_array_new ();
  guint i;

  if (request->json != NULL && JSON_NODE_HOLDS_OBJECT (request->json))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (request->json));
      GList *l;

      for (l = members; l != NULL; l = l->next)
        g_ptr_array_add (keys, l->data);
    }
  for (i = 0; i < request->parts->len; i++)
    g_ptr_array_add (keys, ((RpFakePart *) g_ptr_array_index (request->parts, i))->name);
  return keys;
}

static RpFakeReply *
validate_venice (RpFakeRequest *request,
                 gboolean       multi)
{
  /* Both schemas say additionalProperties: false. `quality` is documented for
   * gpt-image-2-edit on /image/edit though missing from its schema (PROVIDERS.md §5.2). */
  static const char *edit_keys[] = {
    "image", "prompt", "model", "modelId", "aspect_ratio", "resolution", "output_format",
    "safe_mode", "enhance_prompt", "disable_prompt_optimization_thinking", NULL,
  };
  static const char *multi_keys[] = {
    "images", "prompt", "modelId", "aspect_ratio", "resolution", "output_format", "quality",
    "safe_mode", "enhance_prompt", "disable_prompt_optimization_thinking", NULL,
  };
  g_autoptr(GPtrArray) keys = request_keys (request);
  const char *field = multi ? "images" : "image";
  guint i, n_images = 0;

  if (request->body_error != NULL)
    return venice_invalid ("body", request->body_error);
  for (i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (!g_strv_contains (multi ? multi_keys : edit_keys, key) &&
          !(g_str_equal (key, "quality") &&
            g_strcmp0 (rp_fake_request_get_field (request, "model"), "gpt-image-2-edit") == 0))
        return venice_invalid (key, "Unrecognized key");
    }
  if (rp_fake_request_get_field (request, "prompt") == NULL ||
      *rp_fake_request_get_field (request, "prompt") == '\0')
    return venice_invalid ("prompt", "Required");
  for (i = 0; i < request->images->len; i++)
    {
      const RpFakeImage *image = g_ptr_array_index (request->images, i);

      if (!g_str_equal (image->field, field))
        continue;
      if (image->data != NULL && image->width < 0)
        return rp_fake_error_reply (RP_FAKE_DIALECT_VENICE, 400, "The image is corrupted.",
                                    NULL, "CORRUPTED_IMAGE", NULL);
      if (image->width > 0 && (gint64) image->width * image->height < 65536)
        return rp_fake_error_reply (RP_FAKE_DIALECT_VENICE, 400,
                                    "The image must have at least 65536 pixels.", NULL,
                                    "IMAGE_TOO_SMALL", NULL);
      n_images++;
    }
  if (n_images == 0 || (!multi && n_images > 1) || n_images > 3)
    return venice_invalid (field, n_images == 0 ? "Required" : "Too many images");
  return NULL;
}

static RpFakeReply *
venice_edit (RpFakeProvider    *self,
             RpFakeRequest     *request,
             gboolean           multi,
             const RpFakeFault *fault)
{
  RpFakeReply *reply = validate_venice (request, multi);
  const char *model = rp_fake_request_get_field (request, multi ? "modelId" : "model");
  const char *format = rp_fake_request_get_field (request, "output_format");
  const char *resolution = rp_fake_request_get_field (request, "resolution");
  const char *prompt = rp_fake_request_get_field (request, "prompt");
  ResultSpec spec;

  if (reply != NULL)
    return reply;
  if (model == NULL)
    model = "firered-image-edit";
  /* Venice: PNG for 1K, JPEG for 2K and 4K unless output_format says otherwise. */
  if (format == NULL)
    format = g_strcmp0 (resolution, "2K") == 0 || g_strcmp0 (resolution, "4K") == 0 ? "jpeg" : "png";
  if (g_str_equal (format, "jpg"))
    format = "jpeg";

  result_spec_init (self, request, &spec);
  reply = rp_fake_reply_new (200, format_mime (format));
  reply->body = rp_fake_solid_image (spec.width, spec.height, spec.color, format);
  soup_message_headers_replace (reply->headers, "x-venice-is-content-violation",
                                fault->behavior == RP_FAKE_CONTENT_FLAGGED ? "true" : "false");
  soup_message_headers_replace (reply->headers, "x-venice-model-id", model);
  soup_message_headers_replace (reply->headers, "x-venice-model-name", model);
  soup_message_headers_replace (reply->headers, "x-ratelimit-limit-requests", "20");
  soup_message_headers_replace (reply->headers, "x-ratelimit-remaining-requests", "19");
  if (g_strcmp0 (rp_fake_request_get_field (request, "enhance_prompt"), "true") == 0)
    {
      g_autofree char *enhanced = g_strdup_printf ("%s, highly detailed", prompt);
      g_autofree char *escaped = g_uri_escape_string (enhanced, NULL, FALSE);

      soup_message_headers_replace (reply->headers, "x-venice-enhanced-prompt", escaped);
    }
  result_spec_clear (&spec);
  return reply;
}

static void
add_venice_model (JsonBuilder *b,
                  const char  *id,
                  const char  *name,
                  gboolean     combine,
                  int          max_images,
                  gboolean     qualities)
{
  json_builder_begin_object (b);
  add_string_member (b, "id", id);
  add_string_member (b, "type", "inpaint");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, 1774396800);
  json_builder_set_member_name (b, "model_spec");
  json_builder_begin_object (b);
  add_string_member (b, "name", name);
  add_string_member (b, "privacy", "anonymized");
  json_builder_set_member_name (b, "pricing");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "inpaint");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "usd");
  json_builder_add_double_value (b, 0.04);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "constraints");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "aspectRatios");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "auto");
  json_builder_add_string_value (b, "1:1");
  json_builder_add_string_value (b, "16:9");
  json_builder_add_string_value (b, "9:16");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "promptCharacterLimit");
  json_builder_add_int_value (b, 1500);
  json_builder_set_member_name (b, "combineImages");
  json_builder_add_boolean_value (b, combine);
  if (max_images > 0)
    {
      json_builder_set_member_name (b, "maxInputImages");
      json_builder_add_int_value (b, max_images);
    }
  json_builder_set_member_name (b, "singleImageAspectRatio");
  json_builder_add_boolean_value (b, !combine);
  add_string_member (b, "defaultResolution", "1K");
  json_builder_set_member_name (b, "resolutions");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "1K");
  json_builder_add_string_value (b, "2K");
  json_builder_end_array (b);
  if (qualities)
    {
      add_string_member (b, "defaultQuality", "high");
      json_builder_set_member_name (b, "qualities");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "low");
      json_builder_add_string_value (b, "medium");
      json_builder_add_string_value (b, "high");
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

/* GET /api/v1/models?type=inpaint, shaped as PROVIDERS.md §5.5. */
static RpFakeReply *
venice_models (RpFakeRequest *request)
{
  const char *type = rp_fake_request_get_query_param (request, "type");
  gboolean list = type == NULL || g_str_equal (type, "inpaint") || g_str_equal (type, "all");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  RpFakeReply *reply = rp_fake_reply_new (200, "application/json");

  json_builder_begin_object (b);
  add_string_member (b, "object", "list");
  add_string_member (b, "type", type ? type : "all");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  if (list)
    {
      add_venice_model (b, "gpt-image-2-edit", "GPT Image 2 Edit", TRUE, 14, TRUE);
      add_venice_model (b, "firered-image-edit", "FireRed Image Edit", TRUE, 0, FALSE);
      add_venice_model (b, "qwen-edit-uncensored", "Qwen Edit Uncensored", FALSE, 0, FALSE);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  rp_fake_reply_set_json (reply, b);
  return reply;
}

/* ---- Routing ------------------------------------------------------------------------ */

static RpFakeReply *
file_reply (RpFakeProvider *self,
            const char     *name)
{
  StoredFile *file;
  RpFakeReply *reply = NULL;

  g_mutex_lock (&self->lock);
  file = g_hash_table_lookup (self->files, name);
  if (file != NULL)
    {
      reply = rp_fake_reply_new (200, file->content_type);
      reply->body = g_bytes_ref (file->data);
    }
  g_mutex_unlock (&self->lock);
  return reply ? reply : rp_fake_error_reply (RP_FAKE_DIALECT_OPENAI, 404, "No such file.",
                                              "invalid_request_error", "not_found", NULL);
}

static const char *
task_id_in (const char *path)
{
  const char *p = strstr (path, "/async/tasks/");

  if (p != NULL)
    p += strlen ("/async/tasks/");
  else if ((p = strstr (path, "/images/tasks/")) != NULL)
    p += strlen ("/images/tasks/");
  return p != NULL && *p != '\0' && strchr (p, '/') == NULL ? p : NULL;
}

static RpFakeDialect
dialect_for (const char *path)
{
  return g_str_has_suffix (path, "/image/edit") || g_str_has_suffix (path, "/image/multi-edit") ||
         g_str_has_suffix (path, "/models") ? RP_FAKE_DIALECT_VENICE : RP_FAKE_DIALECT_OPENAI;
}

static RpFakeReply *
route (RpFakeProvider    *self,
       RpFakeRequest     *request,
       const RpFakeFault *fault)
{
  const char *path = request->path;
  gboolean post = g_str_equal (request->method, "POST");
  gboolean get = g_str_equal (request->method, "GET");
  g_autofree char *message = NULL;

  if (post && g_str_has_suffix (path, "/images/edits"))
    return openai_edit (self, request, fault);
  if (get && task_id_in (path) != NULL)
    return task_status (self, task_id_in (path));
  if (post && g_str_has_suffix (path, "/image/edit"))
    return venice_edit (self, request, FALSE, fault);
  if (post && g_str_has_suffix (path, "/image/multi-edit"))
    return venice_edit (self, request, TRUE, fault);
  if (get && g_str_has_suffix (path, "/models"))
    return venice_models (request);
  if (get && g_str_has_prefix (path, "/files/"))
    return file_reply (self, path + strlen ("/files/"));

  message = g_strdup_printf ("Invalid URL (%s %s)", request->method, path);
  return rp_fake_error_reply (dialect_for (path), 404, message, "invalid_request_error", NULL, NULL);
}

static RpFakeReply *
redirect_reply (RpFakeProvider    *self,
                RpFakeRequest     *request,
                const RpFakeFault *fault)
{
  RpFakeReply *reply = rp_fake_reply_new (fault->status ? fault->status : 307, NULL);
  g_autofree char *location = NULL;

  if (fault->location != NULL && strstr (fault->location, "://") != NULL)
    location = g_strdup (fault->location);
  else if (fault->location != NULL)
    location = g_strconcat (self->url, fault->location, NULL);
  else
    location = g_strdup_printf ("%s%s?%s%sredirected=1", self->url, request->path,
                                request->query ? request->query : "", request->query ? "&" : "");
  soup_message_headers_replace (reply->headers, "Location", location);
  return reply;
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  RpFakeProvider *self = user_data;
  FaultEntry *entry = g_object_get_data (G_OBJECT (msg), FAULT_KEY);
  RpFakeFault fault = entry ? entry->fault : (RpFakeFault) { RP_FAKE_OK, };
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(RpFakeRequest) request = record_message (msg, bytes, TRUE);
  RpFakeReply *reply;

  request->behavior = fault.behavior;
  request->request_id = next_id (self, "req_fake_");
  emit_message_event (self, RP_FAKE_EVENT_ANSWER, msg, g_bytes_get_size (bytes));

  if (fault.behavior == RP_FAKE_RESET_UPLOAD)
    {
      /* The body was shorter than the reset threshold: reset before answering. */
      publish (self, request);
      reset_socket (soup_server_message_get_socket (msg));
      return;
    }

  if (fault.behavior == RP_FAKE_REDIRECT)
    reply = redirect_reply (self, request, &fault);
  else if ((reply = rp_fake_fault_reply (dialect_for (path), &fault)) == NULL)
    reply = route (self, request, &fault);

  soup_message_headers_replace (reply->headers, "x-request-id", request->request_id);
  if (fault.behavior == RP_FAKE_INVALID_JSON && reply->status < 300)
    {
      soup_message_headers_replace (reply->headers, "Content-Type", "application/json");
      rp_fake_reply_set_text (reply, "{\"created\": 1713833628, \"data\": [{\"b64_json\": \"iVBOR");
    }
  request->reply_status = fault.behavior == RP_FAKE_STALL ? 0 : reply->status;
  publish (self, request);
  send_reply (self, msg, reply, &fault);
}

/* ---- Early handling: faults are chosen when the headers arrive ---------------------- */

typedef struct
{
  RpFakeProvider *self;
  GByteArray     *received;
  gsize           threshold;
  gboolean        done;
} UploadCut;

static void
upload_cut_free (gpointer data)
{
  UploadCut *cut = data;

  g_byte_array_unref (cut->received);
  g_free (cut);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              UploadCut         *cut)
{
  g_autoptr(GBytes) partial = NULL;
  g_autoptr(RpFakeRequest) request = NULL;

  if (cut->done)
    return;
  g_byte_array_append (cut->received, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (cut->received->len < cut->threshold)
    return;

  cut->done = TRUE;
  partial = g_bytes_new (cut->received->data, cut->received->len);
  request = record_message (msg, partial, FALSE);
  request->behavior = RP_FAKE_RESET_UPLOAD;
  publish (cut->self, request);
  reset_socket (soup_server_message_get_socket (msg));
}

static void
on_body_piece (SoupServerMessage *msg,
               GBytes            *chunk,
               RpFakeProvider    *self)
{
  gsize seen = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "rp-fake-body-bytes"));

  seen += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), "rp-fake-body-bytes", GSIZE_TO_POINTER (seen));
  emit_message_event (self, RP_FAKE_EVENT_BODY, msg, seen);
}

static void
on_early (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  RpFakeProvider *self = user_data;
  FaultEntry *entry = take_fault (self, path);
  RpFakeRequestHook hook;
  gpointer hook_data;

  g_mutex_lock (&self->lock);
  hook = self->hook;
  hook_data = self->hook_data;
  g_mutex_unlock (&self->lock);
  if (hook != NULL)
    hook (soup_server_message_get_method (msg), path, hook_data);
  emit_event (self, RP_FAKE_EVENT_HEADERS, soup_server_message_get_method (msg), path, 0);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_body_piece), self);

  g_object_set_data_full (G_OBJECT (msg), FAULT_KEY, entry, fault_entry_free);
  if (entry->fault.behavior == RP_FAKE_RESET_UPLOAD)
    {
      UploadCut *cut = g_new0 (UploadCut, 1);

      cut->self = self;
      cut->received = g_byte_array_new ();
      cut->threshold = entry->fault.bytes ? entry->fault.bytes : DEFAULT_RESET_BYTES;
      g_object_set_data_full (G_OBJECT (msg), "rp-fake-upload-cut", cut, upload_cut_free);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), cut);
    }
}

/* ---- Thread and object ------------------------------------------------------------- */

static gboolean
quit_loop (gpointer data)
{
  RpFakeProvider *self = data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
signal_started (RpFakeProvider *self)
{
  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
listen_loopback (RpFakeProvider  *self,
                 GError         **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, self->port);
  GSList *listeners;
  g_autoptr(GSocketAddress) local = NULL;

  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;
  listeners = soup_server_get_listeners (self->server);
  local = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (local == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  RpFakeProvider *self = data;
  GError *error = NULL;
  guint i;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("server-header", "repaint-fake-provider ", NULL);
  soup_server_add_early_handler (self->server, NULL, on_early, self, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);

  if (!listen_loopback (self, &error))
    self->start_error = error;
  signal_started (self);
  if (self->start_error == NULL)
    g_main_loop_run (self->loop);

  for (i = 0; i < self->held->len; i++)
    g_io_stream_close (g_ptr_array_index (self->held, i), NULL, NULL);
  g_ptr_array_set_size (self->held, 0);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static void
rp_fake_provider_dispose (GObject *object)
{
  RpFakeProvider *self = RP_FAKE_PROVIDER (object);

  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_loop, self);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  g_clear_object (&self->foreign);

  G_OBJECT_CLASS (rp_fake_provider_parent_class)->dispose (object);
}

static void
rp_fake_provider_finalize (GObject *object)
{
  RpFakeProvider *self = RP_FAKE_PROVIDER (object);

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_queue_clear_full (&self->faults, fault_entry_free);
  g_clear_pointer (&self->defaults, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->tasks, g_hash_table_unref);
  g_clear_error (&self->start_error);
  g_free (self->url);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (rp_fake_provider_parent_class)->finalize (object);
}

static void
rp_fake_provider_class_init (RpFakeProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_fake_provider_dispose;
  object_class->finalize = rp_fake_provider_finalize;
}

static void
rp_fake_provider_init (RpFakeProvider *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->faults);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_fake_request_unref);
  self->defaults = g_ptr_array_new_with_free_func (fault_entry_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stored_file_free);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, task_free);
  self->color = DEFAULT_COLOR;
  self->queued_polls = 1;
  self->running_polls = 1;
}

/**
 * rp_fake_provider_new_on_port:
 * @port: the loopback port to listen on; 0 picks a free one
 *
 * Starts a fake provider on 127.0.0.1 in a thread of its own.
 *
 * Returns: (transfer full) (nullable): the running server, or %NULL with @error set
 */
RpFakeProvider *
rp_fake_provider_new_on_port (guint16   port,
                              GError  **error)
{
  g_autoptr(RpFakeProvider) self = g_object_new (RP_TYPE_FAKE_PROVIDER, NULL);
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;

  self->port = port;
  self->thread = g_thread_new ("fake-provider", server_thread, self);
  g_mutex_lock (&self->lock);
  while (!self->started)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      g_error ("the fake provider thread did not start");
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * rp_fake_provider_new:
 *
 * Returns: (transfer full): a fake provider on a free loopback port
 */
RpFakeProvider *
rp_fake_provider_new (void)
{
  g_autoptr(GError) error = NULL;
  RpFakeProvider *self = rp_fake_provider_new_on_port (0, &error);

  if (self == NULL)
    g_error ("cannot start the fake provider: %s", error->message);
  return self;
}

/**
 * rp_fake_provider_get_url:
 *
 * Returns: the base URL, "http://127.0.0.1:PORT" (no trailing slash)
 */
const char *
rp_fake_provider_get_url (RpFakeProvider *self)
{
  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), NULL);
  return self->url;
}

/**
 * rp_fake_provider_url:
 * @path: an absolute path such as "/v1/images/edits"
 *
 * Returns: (transfer full): the full URL of @path on this server
 */
char *
rp_fake_provider_url (RpFakeProvider *self,
                      const char     *path)
{
  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), NULL);
  return g_strconcat (self->url, path, NULL);
}

guint16
rp_fake_provider_get_port (RpFakeProvider *self)
{
  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), 0);
  return self->port;
}

/**
 * rp_fake_provider_get_foreign:
 *
 * The "foreign host": a second fake server on another port, where
 * %RP_FAKE_FOREIGN_URL_RESULTS puts its result URLs, so that tests can check which
 * requests carried the API key. Created on first use.
 *
 * Returns: (transfer none): the foreign server
 */
RpFakeProvider *
rp_fake_provider_get_foreign (RpFakeProvider *self)
{
  RpFakeProvider *foreign;

  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->foreign == NULL)
    self->foreign = rp_fake_provider_new ();
  foreign = self->foreign;
  g_mutex_unlock (&self->lock);
  return foreign;
}

/**
 * rp_fake_provider_push_fault:
 * @route: (nullable): the end of the path it applies to ("/images/edits"), or with a final
 *   '/' a part of it ("/async/tasks/"); %NULL: any
 * @fault: what to do; copied
 *
 * Queues @fault for the next request whose path ends with @route. Queued faults are used
 * once each, in order; after them the route's default applies.
 */
void
rp_fake_provider_push_fault (RpFakeProvider    *self,
                             const char        *route,
                             const RpFakeFault *fault)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));
  g_return_if_fail (fault != NULL);

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->faults, fault_entry_new (route, fault));
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_push:
 *
 * rp_fake_provider_push_fault() with the behaviour's default parameters.
 */
void
rp_fake_provider_push (RpFakeProvider *self,
                       const char     *route,
                       RpFakeBehavior  behavior)
{
  RpFakeFault fault = { behavior, };

  rp_fake_provider_push_fault (self, route, &fault);
}

/**
 * rp_fake_provider_set_default:
 * @route: (nullable): the end of the path; %NULL: every request
 * @fault: (nullable): the behaviour for every matching request without a queued fault;
 *   %NULL removes the route's default
 */
void
rp_fake_provider_set_default (RpFakeProvider    *self,
                              const char        *route,
                              const RpFakeFault *fault)
{
  guint i;

  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->defaults->len; i++)
    if (g_strcmp0 (((FaultEntry *) g_ptr_array_index (self->defaults, i))->route, route) == 0)
      g_ptr_array_remove_index (self->defaults, i--);
  if (fault != NULL)
    g_ptr_array_insert (self->defaults, route ? 0 : -1, fault_entry_new (route, fault));
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_reset:
 *
 * Forgets queued faults, defaults, records, tasks and settings.
 */
void
rp_fake_provider_reset (RpFakeProvider *self)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  g_queue_clear_full (&self->faults, fault_entry_free);
  g_ptr_array_set_size (self->defaults, 0);
  g_ptr_array_set_size (self->requests, 0);
  g_hash_table_remove_all (self->tasks);
  self->color = DEFAULT_COLOR;
  self->result_width = self->result_height = 0;
  self->sse_interval_ms = 0;
  self->queued_polls = self->running_polls = 1;
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_set_result_color:
 * @rgba: 0xRRGGBBAA; alpha below 0xff gives RGBA results
 */
void
rp_fake_provider_set_result_color (RpFakeProvider *self,
                                   guint32         rgba)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  self->color = rgba;
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_set_result_size:
 * @width: @height: the size of every result; 0 × 0 (the default) answers with the
 *   requested `size`, else the first image's size, else 1024 × 1024
 */
void
rp_fake_provider_set_result_size (RpFakeProvider *self,
                                  int             width,
                                  int             height)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));
  g_return_if_fail (width >= 0 && width <= MAX_RESULT_EDGE_PX);
  g_return_if_fail (height >= 0 && height <= MAX_RESULT_EDGE_PX);

  g_mutex_lock (&self->lock);
  self->result_width = width > 0 && height > 0 ? width : 0;
  self->result_height = width > 0 && height > 0 ? height : 0;
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_set_sse_interval:
 * @interval_ms: pause between server-sent events (0: all at once)
 */
void
rp_fake_provider_set_sse_interval (RpFakeProvider *self,
                                   guint           interval_ms)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  self->sse_interval_ms = interval_ms;
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_set_async_polls:
 * @queued_polls: polls that answer "queued"
 * @running_polls: then polls that answer "running", before the final state
 */
void
rp_fake_provider_set_async_polls (RpFakeProvider *self,
                                  guint           queued_polls,
                                  guint           running_polls)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  self->queued_polls = queued_polls;
  self->running_polls = running_polls;
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_add_file:
 * @name: the file name under /files/
 *
 * Serves @data at /files/@name.
 *
 * Returns: (transfer full): its URL
 */
char *
rp_fake_provider_add_file (RpFakeProvider *self,
                           const char     *name,
                           GBytes         *data,
                           const char     *content_type)
{
  StoredFile *file;

  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), NULL);
  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL, NULL);

  file = g_new0 (StoredFile, 1);
  file->data = g_bytes_ref (data);
  file->content_type = g_strdup (content_type);
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->files, g_strdup (name), file);
  g_mutex_unlock (&self->lock);
  return g_strdup_printf ("%s/files/%s", self->url, name);
}

guint
rp_fake_provider_get_n_requests (RpFakeProvider *self)
{
  guint n;

  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), 0);

  g_mutex_lock (&self->lock);
  n = self->requests->len;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * rp_fake_provider_get_request:
 * @index: 0 for the first request received
 *
 * Returns: (transfer full) (nullable): the record, or %NULL if not that many arrived
 */
RpFakeRequest *
rp_fake_provider_get_request (RpFakeProvider *self,
                              guint           index)
{
  RpFakeRequest *request = NULL;

  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), NULL);

  g_mutex_lock (&self->lock);
  if (index < self->requests->len)
    request = rp_fake_request_ref (g_ptr_array_index (self->requests, index));
  g_mutex_unlock (&self->lock);
  return request;
}

/**
 * rp_fake_provider_wait_request:
 * @timeout_ms: how long to block at most
 *
 * Blocks until request @index has been recorded. Only for clients that do not need the
 * calling thread's main context to make progress.
 *
 * Returns: (transfer full) (nullable): the record, or %NULL on timeout
 */
RpFakeRequest *
rp_fake_provider_wait_request (RpFakeProvider *self,
                               guint           index,
                               guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  RpFakeRequest *request = NULL;

  g_return_val_if_fail (RP_IS_FAKE_PROVIDER (self), NULL);

  g_mutex_lock (&self->lock);
  while (self->requests->len <= index)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  if (index < self->requests->len)
    request = rp_fake_request_ref (g_ptr_array_index (self->requests, index));
  g_mutex_unlock (&self->lock);
  return request;
}

void
rp_fake_provider_clear_requests (RpFakeProvider *self)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->requests, 0);
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_set_log:
 * @log: print one line per request to stderr
 */
void
rp_fake_provider_set_log (RpFakeProvider *self,
                          gboolean        log)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));
  self->log = log;
}

/**
 * rp_fake_provider_set_event_hook:
 * @hook: (nullable): called at every #RpFakeEvent of every exchange, in the server's
 *   thread; %NULL removes it
 */
void
rp_fake_provider_set_event_hook (RpFakeProvider  *self,
                                 RpFakeEventHook  hook,
                                 gpointer         user_data)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  self->event_hook = hook;
  self->event_hook_data = user_data;
  g_mutex_unlock (&self->lock);
}

/**
 * rp_fake_provider_set_request_hook:
 * @hook: (nullable): called for every request when its headers arrive, in the server's
 *   thread; %NULL removes it
 */
void
rp_fake_provider_set_request_hook (RpFakeProvider    *self,
                                   RpFakeRequestHook  hook,
                                   gpointer           user_data)
{
  g_return_if_fail (RP_IS_FAKE_PROVIDER (self));

  g_mutex_lock (&self->lock);
  self->hook = hook;
  self->hook_data = user_data;
  g_mutex_unlock (&self->lock);
}
