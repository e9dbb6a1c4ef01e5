/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-http"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-http-send-private.h"

/* Bytes read from the connection at a time, for the reply's head and its framing. */
#define READ_BYTES (64 * 1024)
/* A status line and headers longer than this are not a reply Repaint can use. */
#define MAX_HEAD_BYTES (256 * 1024)
/* The longest chunk-size or trailer line accepted in a chunked reply. */
#define MAX_LINE_BYTES 4096

static void
set_cut_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                       _("The connection closed before the whole answer arrived."));
}

static void
set_framing_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The answer is not valid HTTP."));
}

/* ---- The reply body ------------------------------------------------------------------- */

typedef enum {
  FRAME_LENGTH,   /* Content-Length bytes */
  FRAME_CHUNKED,
  FRAME_CLOSE,    /* until the server closes the connection */
} FrameMode;

typedef enum {
  CHUNK_SIZE,     /* expecting a chunk-size line */
  CHUNK_DATA,
  CHUNK_DATA_END, /* the CRLF after a chunk's data */
  CHUNK_TRAILER,  /* trailer lines up to an empty one */
  CHUNK_DONE,
} ChunkState;

#define RP_TYPE_HTTP_REPLY_STREAM (rp_http_reply_stream_get_type ())
G_DECLARE_FINAL_TYPE (RpHttpReplyStream, rp_http_reply_stream, RP, HTTP_REPLY_STREAM, GInputStream)

struct _RpHttpReplyStream
{
  GInputStream  parent_instance;

  GIOStream    *conn;
  GInputStream *base;
  /* Bytes read from the connection and not handed out yet. */
  GByteArray   *pending;
  gsize         pending_pos;
  FrameMode     mode;
  ChunkState    chunk;
  guint64       remaining;   /* of the body (FRAME_LENGTH) or of the chunk (CHUNK_DATA) */
};

static void reply_pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RpHttpReplyStream, rp_http_reply_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      reply_pollable_iface_init))

static gsize
pending_len (RpHttpReplyStream *self)
{
  return self->pending->len - self->pending_pos;
}

static gboolean
at_end (RpHttpReplyStream *self)
{
  return (self->mode == FRAME_LENGTH && self->remaining == 0) ||
         (self->mode == FRAME_CHUNKED && self->chunk == CHUNK_DONE);
}

/* Reads more of the connection into the pending bytes: > 0, 0 at its end, -1 on error
 * (G_IO_ERROR_WOULD_BLOCK when not @blocking and nothing is there yet). */
static gssize
fill (RpHttpReplyStream  *self,
      gboolean            blocking,
      GCancellable       *cancellable,
      GError            **error)
{
  gsize old;
  gssize n;

  if (self->pending_pos == self->pending->len)
    {
      g_byte_array_set_size (self->pending, 0);
      self->pending_pos = 0;
    }
  old = self->pending->len;
  g_byte_array_set_size (self->pending, old + READ_BYTES);
  n = g_pollable_stream_read (self->base, self->pending->data + old, READ_BYTES, blocking,
                              cancellable, error);
  g_byte_array_set_size (self->pending, old + MAX (n, 0));
  return n;
}

/* Up to @count body bytes, from what is pending first, then straight from the connection. */
static gssize
read_raw (RpHttpReplyStream  *self,
          guint8             *buffer,
          gsize               count,
          gboolean            blocking,
          GCancellable       *cancellable,
          GError            **error)
{
  gsize have = pending_len (self);

  if (have > 0)
    {
      gsize n = MIN (have, count);

      memcpy (buffer, self->pending->data + self->pending_pos, n);
      self->pending_pos += n;
      return n;
    }
  return g_pollable_stream_read (self->base, buffer, count, blocking, cancellable, error);
}

/* Takes one line (without its CRLF) from the pending bytes, reading more as needed. */
static gboolean
read_line (RpHttpReplyStream  *self,
           char              **line,
           gboolean            blocking,
           GCancellable       *cancellable,
           GError            **error)
{
  for (;;)
    {
      const guint8 *start = self->pending->data + self->pending_pos;
      const guint8 *eol = memchr (start, '\n', pending_len (self));
      gssize n;

      if (eol != NULL)
        {
          gsize len = eol - start;

          if (len > 0 && start[len - 1] == '\r')
            len--;
          *line = g_strndup ((const char *) start, len);
          self->pending_pos += eol - start + 1;
          return TRUE;
        }
      if (pending_len (self) > MAX_LINE_BYTES)
        {
          set_framing_error (error);
          return FALSE;
        }
      /* Keep the partial line at the start so that fill() appends to it. */
      if (self->pending_pos > 0)
        {
          g_byte_array_remove_range (self->pending, 0, self->pending_pos);
          self->pending_pos = 0;
        }
      n = fill (self, blocking, cancellable, error);
      if (n == 0)
        set_cut_error (error);
      if (n <= 0)
        return FALSE;
    }
}

/* Steps through chunk-size lines, chunk ends and trailers until body bytes or the end. */
static gboolean
advance_chunks (RpHttpReplyStream  *self,
                gboolean            blocking,
                GCancellable       *cancellable,
                GError            **error)
{
  while (self->chunk != CHUNK_DATA && self->chunk != CHUNK_DONE)
    {
      g_autofree char *line = NULL;

      if (!read_line (self, &line, blocking, cancellable, error))
        return FALSE;
      switch (self->chunk)
        {
        case CHUNK_SIZE:
          {
            char *end = NULL;
            guint64 size;

            if (!g_ascii_isxdigit (line[0]))
              {
                set_framing_error (error);
                return FALSE;
              }
            size = g_ascii_strtoull (line, &end, 16);
            /* Chunk extensions (";name=value") are allowed and ignored. */
            if (size == G_MAXUINT64 || (*end != '\0' && *end != ';' && *end != ' ' && *end != '\t'))
              {
                set_framing_error (error);
                return FALSE;
              }
            self->remaining = size;
            self->chunk = size > 0 ? CHUNK_DATA : CHUNK_TRAILER;
          }
          break;
        case CHUNK_DATA_END:
          if (*line != '\0')
            {
              set_framing_error (error);
              return FALSE;
            }
          self->chunk = CHUNK_SIZE;
          break;
        case CHUNK_TRAILER:
          if (*line == '\0')
            self->chunk = CHUNK_DONE;
          break;
        case CHUNK_DATA:
        case CHUNK_DONE:
        default:
          g_assert_not_reached ();
        }
    }
  return TRUE;
}

static gssize
reply_read (RpHttpReplyStream  *self,
            void               *buffer,
            gsize               count,
            gboolean            blocking,
            GCancellable       *cancellable,
            GError            **error)
{
  gssize n;

  if (count == 0)
    return 0;
  switch (self->mode)
    {
    case FRAME_CLOSE:
      return read_raw (self, buffer, count, blocking, cancellable, error);

    case FRAME_LENGTH:
      /* A connection that ends early ends the body, as libsoup has it: the reader compares
       * what arrived with Content-Length and calls the reply cut short. */
      if (self->remaining == 0)
        return 0;
      n = read_raw (self, buffer, MIN (count, self->remaining), blocking, cancellable, error);
      if (n > 0)
        self->remaining -= n;
      return n;

    case FRAME_CHUNKED:
      if (!advance_chunks (self, blocking, cancellable, error))
        return -1;
      if (self->chunk == CHUNK_DONE)
        return 0;
      n = read_raw (self, buffer, MIN (count, self->remaining), blocking, cancellable, error);
      if (n == 0)
        set_cut_error (error);
      if (n <= 0)
        return -1;
      self->remaining -= n;
      if (self->remaining == 0)
        self->chunk = CHUNK_DATA_END;
      return n;

    default:
      g_assert_not_reached ();
    }
}

static gssize
rp_http_reply_stream_read (GInputStream  *stream,
                           void          *buffer,
                           gsize          count,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return reply_read (RP_HTTP_REPLY_STREAM (stream), buffer, count, TRUE, cancellable, error);
}

static gboolean
rp_http_reply_stream_close (GInputStream  *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  RpHttpReplyStream *self = RP_HTTP_REPLY_STREAM (stream);

  /* Nothing more is sent on this connection: a close error changes nothing for the reply. */
  g_io_stream_close (self->conn, cancellable, NULL);
  return TRUE;
}

static gboolean
reply_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
reply_is_readable (GPollableInputStream *stream)
{
  RpHttpReplyStream *self = RP_HTTP_REPLY_STREAM (stream);

  return pending_len (self) > 0 || at_end (self) ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
reply_create_source (GPollableInputStream *stream,
                     GCancellable         *cancellable)
{
  RpHttpReplyStream *self = RP_HTTP_REPLY_STREAM (stream);
  g_autoptr(GSource) inner = NULL;

  if (pending_len (self) > 0 || at_end (self))
    inner = g_timeout_source_new (0);
  else
    inner = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);
  return g_pollable_source_new_full (stream, inner, cancellable);
}

static gssize
reply_read_nonblocking (GPollableInputStream  *stream,
                        void                  *buffer,
                        gsize                  count,
                        GError               **error)
{
  return reply_read (RP_HTTP_REPLY_STREAM (stream), buffer, count, FALSE, NULL, error);
}

static void
reply_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = reply_can_poll;
  iface->is_readable = reply_is_readable;
  iface->create_source = reply_create_source;
  iface->read_nonblocking = reply_read_nonblocking;
}

static void
rp_http_reply_stream_finalize (GObject *object)
{
  RpHttpReplyStream *self = RP_HTTP_REPLY_STREAM (object);

  g_clear_object (&self->conn);
  g_clear_pointer (&self->pending, g_byte_array_unref);

  G_OBJECT_CLASS (rp_http_reply_stream_parent_class)->finalize (object);
}

static void
rp_http_reply_stream_class_init (RpHttpReplyStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = rp_http_reply_stream_finalize;
  stream_class->read_fn = rp_http_reply_stream_read;
  stream_class->close_fn = rp_http_reply_stream_close;
}

static void
rp_http_reply_stream_init (RpHttpReplyStream *self)
{
}

/* @rest: what was read past the head; the stream takes it. */
static GInputStream *
reply_stream_new (GIOStream  *conn,
                  GByteArray *rest,
                  gsize       rest_pos,
                  FrameMode   mode,
                  guint64     length)
{
  RpHttpReplyStream *self = g_object_new (RP_TYPE_HTTP_REPLY_STREAM, NULL);

  self->conn = g_object_ref (conn);
  self->base = g_io_stream_get_input_stream (conn);
  self->pending = rest;
  self->pending_pos = rest_pos;
  self->mode = mode;
  self->chunk = CHUNK_SIZE;
  self->remaining = length;
  return G_INPUT_STREAM (self);
}

/* ---- The request ------------------------------------------------------------------------ */

typedef struct
{
  SoupMessage            *msg;
  GIOStream              *conn;
  GInputStream           *body;
  goffset                 body_length;
  goffset                 body_sent;
  char                   *user_agent;
  const RpHttpSendEvents *events;
  gpointer                events_data;
  guint8                 *buffer;
  gsize                   buffer_len;   /* read from the body into it */
  gsize                   buffer_pos;   /* of that, written */
  char                   *request_head;
  GByteArray             *reply;   /* the reply as read so far: its head, then what follows */
  guint                   status;
} SendOp;

static void
send_op_free (SendOp *op)
{
  g_clear_object (&op->msg);
  g_clear_object (&op->conn);
  g_clear_object (&op->body);
  g_free (op->user_agent);
  g_free (op->buffer);
  if (op->request_head != NULL)
    {
      /* It holds the Authorization header. */
      memset (op->request_head, 0, strlen (op->request_head));
      g_free (op->request_head);
    }
  g_clear_pointer (&op->reply, g_byte_array_unref);
  g_free (op);
}

/* Events go out only while the request is wanted: a cancelled one says nothing more. */
static gboolean
wanted (GTask *task)
{
  return !g_task_return_error_if_cancelled (task);
}

/* SoupMessageHeaders holds no line breaks in names or values (it refuses them), so each
 * header is one line here. */
static char *
build_head (SendOp *op)
{
  GUri *uri = soup_message_get_uri (op->msg);
  SoupMessageHeaders *headers = soup_message_get_request_headers (op->msg);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  gboolean tls = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
  GString *head = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (head, "%s %s%s%s HTTP/1.1\r\n", soup_message_get_method (op->msg),
                          *path != '\0' ? path : "/", query != NULL ? "?" : "", query != NULL ? query : "");
  g_string_append_printf (head, strchr (host, ':') != NULL ? "Host: [%s]" : "Host: %s", host);
  if (port > 0 && port != (tls ? 443 : 80))
    g_string_append_printf (head, ":%d", port);
  g_string_append (head, "\r\n");
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Host") == 0 || g_ascii_strcasecmp (name, "Content-Length") == 0 ||
          g_ascii_strcasecmp (name, "Connection") == 0 || g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        continue;
      g_string_append_printf (head, "%s: %s\r\n", name, value);
    }
  if (soup_message_headers_get_one (headers, "User-Agent") == NULL && op->user_agent != NULL)
    g_string_append_printf (head, "User-Agent: %s\r\n", op->user_agent);
  /* One exchange per connection: the reply may end with the connection. */
  g_string_append_printf (head, "Content-Length: %" G_GINT64_FORMAT "\r\nConnection: close\r\n\r\n",
                          (gint64) op->body_length);
  return g_string_free (head, FALSE);
}

static void write_body (GTask *task);
static void read_reply_head (GTask *task);

/* Progress counts what the connection took, which on a slow link is less than a piece. */
static void
on_body_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize written = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);

  if (written < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!wanted (task))
    return;
  op->buffer_pos += written;
  op->body_sent += written;
  op->events->wrote_body_data (written, op->events_data);
  write_body (g_steal_pointer (&task));
}

/* Writes the rest of the piece in hand, or reads the next one. The body is local files
 * (the journal) or memory: reading it does not wait on the network. Takes the caller's
 * reference on @task. */
static void
write_body (GTask *task)
{
  SendOp *op = g_task_get_task_data (task);
  GOutputStream *out = g_io_stream_get_output_stream (op->conn);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (op->buffer_pos == op->buffer_len)
    {
      gsize got = 0;

      op->buffer_pos = op->buffer_len = 0;
      if (op->body_sent < op->body_length &&
          !g_input_stream_read_all (op->body, op->buffer,
                                    MIN (RP_HTTP_SEND_CHUNK_BYTES, op->body_length - op->body_sent),
                                    &got, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      if (got == 0)
        {
          if (op->body_sent < op->body_length)
            {
              g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                       "The request body ended after %" G_GINT64_FORMAT " of %"
                                       G_GINT64_FORMAT " bytes",
                                       (gint64) op->body_sent, (gint64) op->body_length);
              g_object_unref (task);
              return;
            }
          op->events->wrote_body (op->events_data);
          read_reply_head (task);
          return;
        }
      op->buffer_len = got;
    }
  g_output_stream_write_async (out, op->buffer + op->buffer_pos, op->buffer_len - op->buffer_pos,
                               G_PRIORITY_DEFAULT, cancellable, on_body_written, task);
}

static void
on_head_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!wanted (task))
    return;
  memset (op->request_head, 0, strlen (op->request_head));
  g_clear_pointer (&op->request_head, g_free);
  op->events->connected (op->events_data);
  op->buffer = g_malloc (RP_HTTP_SEND_CHUNK_BYTES);
  write_body (g_steal_pointer (&task));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  GSocketConnection *conn;

  conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (conn == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  op->conn = G_IO_STREAM (conn);
  if (!wanted (task))
    return;
  op->events->connected (op->events_data);
  cancellable = g_task_get_cancellable (task);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (op->conn), op->request_head,
                                   strlen (op->request_head), G_PRIORITY_DEFAULT, cancellable,
                                   on_head_written, g_steal_pointer (&task));
}

/* Where the head ends in @data: the offset of the body, or 0 while incomplete; *head_len
 * is the head without its final blank line, as soup_headers_parse_response() wants it. */
static gsize
find_head_end (const guint8 *data,
               gsize         len,
               gsize        *head_len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != '\n')
        continue;
      if (i + 1 < len && data[i + 1] == '\n')
        {
          *head_len = i + 1;
          return i + 2;
        }
      if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
        {
          *head_len = i + 1;
          return i + 3;
        }
    }
  return 0;
}

/* The head is complete: parse it, skip interim (1xx) replies, and hand the body over. */
static gboolean
take_head (GTask  *task,
           gsize   body_start,
           gsize   head_len)
{
  SendOp *op = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (op->msg);
  g_autoptr(GError) error = NULL;
  GByteArray *rest;
  guint status = 0;
  FrameMode mode;
  guint64 length = 0;

  soup_message_headers_clear (headers);
  if (!soup_headers_parse_response ((const char *) op->reply->data, head_len, headers, NULL, &status,
                                    NULL))
    {
      set_framing_error (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return TRUE;
    }
  if (status >= 100 && status < 200)
    {
      g_byte_array_remove_range (op->reply, 0, body_start);
      return FALSE;
    }
  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      mode = FRAME_LENGTH;
      length = soup_message_headers_get_content_length (headers);
      break;
    case SOUP_ENCODING_CHUNKED:
      mode = FRAME_CHUNKED;
      break;
    case SOUP_ENCODING_NONE:
      mode = FRAME_LENGTH;
      break;
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_BYTERANGES:
    case SOUP_ENCODING_UNRECOGNIZED:
    default:
      mode = FRAME_CLOSE;
      break;
    }
  if (status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    {
      mode = FRAME_LENGTH;
      length = 0;
    }
  op->status = status;
  rest = g_steal_pointer (&op->reply);
  g_task_return_pointer (task, reply_stream_new (op->conn, rest, body_start, mode, length),
                         g_object_unref);
  return TRUE;
}

static void
on_reply_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  gsize old = op->reply->len - READ_BYTES;

  g_byte_array_set_size (op->reply, old + MAX (n, 0));
  if (n < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (n == 0)
    {
      set_cut_error (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!wanted (task))
    return;
  read_reply_head (g_steal_pointer (&task));
}

/* Reads until the reply's head is complete. Takes the caller's reference on @task. */
static void
read_reply_head (GTask *task)
{
  SendOp *op = g_task_get_task_data (task);
  gsize head_len = 0, body_start;
  gsize old;

  if (op->reply == NULL)
    op->reply = g_byte_array_new ();
  while ((body_start = find_head_end (op->reply->data, op->reply->len, &head_len)) > 0)
    {
      if (take_head (task, body_start, head_len))
        {
          g_object_unref (task);
          return;
        }
    }
  if (op->reply->len > MAX_HEAD_BYTES)
    {
      g_autoptr(GError) error = NULL;

      set_framing_error (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  old = op->reply->len;
  g_byte_array_set_size (op->reply, old + READ_BYTES);
  g_input_stream_read_async (g_io_stream_get_input_stream (op->conn), op->reply->data + old, READ_BYTES,
                             G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_reply_read, task);
}

/**
 * rp_http_send_async:
 * @client: connects to the URI's host (with TLS for https)
 * @msg: method, URI and request headers (Content-Type included); gets the reply's headers
 * @body: the request body, exactly @body_length bytes
 * @events: told when the connection is up, as the body goes out, and when it is all sent
 *
 * Sends @msg with @body over a new connection and reads the reply's head.
 */
void
rp_http_send_async (GSocketClient           *client,
                    SoupMessage             *msg,
                    const char              *user_agent,
                    GInputStream            *body,
                    goffset                  body_length,
                    const RpHttpSendEvents  *events,
                    gpointer                 events_data,
                    GCancellable            *cancellable,
                    GAsyncReadyCallback      callback,
                    gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GUri *uri = soup_message_get_uri (msg);
  gboolean tls = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0;
  g_autofree char *address = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GError) error = NULL;
  SendOp *op = g_new0 (SendOp, 1);

  g_task_set_source_tag (task, rp_http_send_async);
  g_task_set_task_data (task, op, (GDestroyNotify) send_op_free);
  op->msg = g_object_ref (msg);
  op->body = g_object_ref (body);
  op->body_length = body_length;
  op->user_agent = g_strdup (user_agent);
  op->events = events;
  op->events_data = events_data;
  op->request_head = build_head (op);
  /* Scheme, host and port only: the path and query (which may hold a key) stay out of it.
   * The scheme lets the proxy settings for http or https apply. */
  address = g_uri_join (G_URI_FLAGS_NONE, tls ? "https" : "http", NULL, g_uri_get_host (uri),
                        g_uri_get_port (uri), "", NULL, NULL);
  connectable = g_network_address_parse_uri (address, tls ? 443 : 80, &error);
  if (connectable == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_socket_client_connect_async (client, connectable, cancellable, on_connected, g_steal_pointer (&task));
}

/**
 * rp_http_send_finish:
 * @status: (out): the reply's status
 *
 * Returns: (transfer full): the reply's body, or %NULL with @error set
 */
GInputStream *
rp_http_send_finish (GAsyncResult  *result,
                     guint         *status,
                     GError       **error)
{
  GTask *task = G_TASK (result);
  SendOp *op = g_task_get_task_data (task);
  GInputStream *stream = g_task_propagate_pointer (task, error);

  *status = stream != NULL ? op->status : 0;
  return stream;
}
