/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-http"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-http-private.h"
#include "rp-json-util.h"

/* The HTTP engine, reply side. Replies are read in chunks on the main context and handed
 * on as they arrive: base64 images are decoded straight into .part files of the journal
 * entry, image bodies are written there, server-sent events become previews and results
 * one by one. Every result URL is downloaded at once (never with the key unless it is on
 * the provider's own address); async tasks are polled as their definition says. */

#define READ_CHUNK_BYTES      (64 * 1024)
/* Error replies and async submit replies are small; these caps are generous. */
#define ERROR_BODY_MAX_BYTES  (1024 * 1024)
#define SUBMIT_BODY_MAX_BYTES (1024 * 1024)
/* A stream's event names, ids and other fields; its data goes on to the images reader,
 * which has its own caps, so a line that never ends cannot fill memory. */
#define SSE_FIELDS_MAX_BYTES  (64 * 1024)
#define MAX_REDIRECTS         5
/* Consecutive failed status polls (network, 429, 5xx) before an async task is given up. */
#define POLL_MAX_FAILURES     5

enum {
  EVENT_OTHER,
  EVENT_PARTIAL,
  EVENT_FINAL,
  EVENT_ERROR,
};

static void drain (RpHttpRequest *req);
static void start_poll (RpHttpRequest *req);
static void send_poll (RpHttpRequest *req,
                       const char    *url);

/* Where the redirect just received points, resolved against the request; NULL if nowhere. */
static char *
redirect_target (RpHttpRequest *req)
{
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (req->ex.msg),
                                                       "Location");
  g_autoptr(GUri) target = NULL;

  if (location == NULL)
    return NULL;
  target = g_uri_parse_relative (soup_message_get_uri (req->ex.msg), location, SOUP_HTTP_URI_FLAGS, NULL);
  return target != NULL ? g_uri_to_string (target) : NULL;
}

void
rp_http_reading_clear (RpHttpRequest *req)
{
  RpHttpReading *rd = &req->rd;

  g_clear_pointer (&rd->buffer, g_byte_array_unref);
  g_clear_object (&rd->reader);
  g_clear_pointer (&rd->parts, g_ptr_array_unref);
  g_clear_pointer (&rd->sse, rp_sse_parser_free);
  if (rd->out != NULL)
    g_output_stream_close (rd->out, NULL, NULL);
  g_clear_object (&rd->out);
  g_clear_object (&rd->part);
  memset (rd, 0, sizeof *rd);
}

static GPtrArray *
new_parts (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_object_unref);
}

static GOutputStream *
create_part (RpHttpRequest  *req,
             const char     *prefix,
             GFile         **file,
             GError        **error)
{
  g_autofree char *name = g_strdup_printf ("%s-%u", prefix, req->part_serial++);

  return rp_history_entry_create_part (rp_edit_run_get_entry (req->run), name, file, error);
}

static void
fail_local (RpHttpRequest *req,
            const GError  *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      rp_http_exchange_fail_io (req, error, TRUE);
      return;
    }
  rp_http_request_fail_kind (req, RP_JOB_ERROR_LOCAL, NULL, 0, NULL, NULL,
                             _("The result could not be saved: %s"), error->message);
}

/* Why bytes of a reply could not be used. */
static void
fail_reply (RpHttpRequest *req,
            const GError  *error)
{
  if (g_cancellable_is_cancelled (req->cancellable) || req->ex.timed_out)
    {
      rp_http_exchange_fail_io (req, error, TRUE);
      return;
    }
  if (error->domain != RP_TRANSPORT_ERROR)
    {
      fail_local (req, error);
      return;
    }
  switch (error->code)
    {
    case RP_TRANSPORT_ERROR_TRUNCATED:
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, error->message, req->ex.status, NULL,
                                 NULL, _("The answer from %s was cut off."),
                                 rp_http_request_provider_name (req));
      break;
    case RP_TRANSPORT_ERROR_NOT_AN_IMAGE:
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, error->message, req->ex.status, NULL,
                                 NULL, _("%s sent something that is not an image."),
                                 rp_http_request_provider_name (req));
      break;
    case RP_TRANSPORT_ERROR_TOO_LARGE:
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, error->message, req->ex.status, NULL,
                                 NULL, _("The answer from %s is larger than Repaint accepts."),
                                 rp_http_request_provider_name (req));
      break;
    case RP_TRANSPORT_ERROR_MALFORMED:
    case RP_TRANSPORT_ERROR_INVALID_BASE64:
    case RP_TRANSPORT_ERROR_UNEXPECTED:
    case RP_TRANSPORT_ERROR_FILE_CHANGED:
    default:
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, error->message, req->ex.status, NULL,
                                 NULL, _("The answer from %s could not be read."),
                                 rp_http_request_provider_name (req));
      break;
    }
}

static gboolean
too_large (RpHttpRequest  *req,
           gint64          size,
           GError        **error)
{
  g_autofree char *limit = g_format_size (req->max_response_bytes);

  if (size <= req->max_response_bytes)
    return FALSE;
  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE,
               "The reply exceeds the limit of %s", limit);
  return TRUE;
}

/* ---- Handing results over ------------------------------------------------------------- */

static JsonObject *
image_meta (RpHttpRequest  *req,
            RpImagesReader *reader,
            guint           index)
{
  JsonObject *meta = json_object_new ();
  JsonObject *fields = rp_images_reader_get_image_fields (reader, index);
  const char *revised = rp_images_reader_get_revised_prompt (reader, index);
  GList *members, *l;

  if (fields != NULL)
    {
      members = json_object_get_members (fields);
      for (l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "b64_json") && !g_str_equal (l->data, "url"))
          json_object_set_member (meta, l->data, json_node_copy (json_object_get_member (fields, l->data)));
      g_list_free (members);
    }
  if (revised != NULL)
    json_object_set_string_member (meta, "revised_prompt", revised);
  if (req->reply_meta != NULL)
    {
      members = json_object_get_members (req->reply_meta);
      for (l = members; l != NULL; l = l->next)
        if (!json_object_has_member (meta, l->data))
          json_object_set_member (meta, l->data, json_node_copy (json_object_get_member (req->reply_meta, l->data)));
      g_list_free (members);
    }
  if (req->usage != NULL)
    json_object_set_member (meta, "usage", json_node_copy (req->usage));
  return meta;
}

/* The reply members the definition says are worth keeping, and the usage. */
static void
keep_reply_meta (RpHttpRequest  *req,
                 RpImagesReader *reader)
{
  JsonObject *fields = rp_images_reader_get_fields (reader);
  JsonNode *usage = rp_images_reader_get_usage (reader);

  if (req->reply_meta == NULL)
    req->reply_meta = json_object_new ();
  for (guint i = 0; req->response->meta != NULL && req->response->meta[i] != NULL; i++)
    {
      JsonNode *value = fields != NULL ? json_object_get_member (fields, req->response->meta[i]) : NULL;

      if (value != NULL)
        json_object_set_member (req->reply_meta, req->response->meta[i], json_node_copy (value));
    }
  if (usage != NULL)
    {
      g_clear_pointer (&req->usage, json_node_unref);
      req->usage = json_node_copy (usage);
      rp_edit_run_set_usage (req->run, usage);
    }
}

static void
push_item (RpHttpRequest *req,
           GFile         *part,
           const char    *url,
           JsonObject    *meta)
{
  RpOutItem *item = g_new0 (RpOutItem, 1);

  item->part = part != NULL ? g_object_ref (part) : NULL;
  item->url = g_strdup (url);
  item->meta = meta;
  if (rp_job_get_request_id (rp_edit_run_get_job (req->run)) != NULL)
    json_object_set_string_member (item->meta, "request_id",
                                   rp_job_get_request_id (rp_edit_run_get_job (req->run)));
  g_queue_push_tail (&req->outputs, item);
}

/* Queues the images a finished reader found, in reply order. */
static gboolean
queue_reader_images (RpHttpRequest   *req,
                     RpImagesReader  *reader,
                     GPtrArray       *parts,
                     GError         **error)
{
  guint n = rp_images_reader_get_n_images (reader);

  keep_reply_meta (req, reader);
  for (guint i = 0; i < n; i++)
    {
      const char *url = rp_images_reader_get_image_url (reader, i);
      GFile *part = parts != NULL && i < parts->len ? g_ptr_array_index (parts, i) : NULL;

      if (url != NULL)
        push_item (req, NULL, url, image_meta (req, reader, i));
      else if (part != NULL && rp_images_reader_get_image_size (reader, i) > 0)
        {
          if (rp_images_reader_get_image_format (reader, i) == RP_IMAGE_FORMAT_UNKNOWN)
            {
              g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE,
                                   "An image in the reply is in no known format");
              return FALSE;
            }
          push_item (req, part, NULL, image_meta (req, reader, i));
        }
    }
  return TRUE;
}

static GOutputStream *
sink_func (RpImagesReader  *reader,
           guint            index,
           gpointer         user_data,
           GError         **error)
{
  RpHttpRequest *req = user_data;
  g_autoptr(GFile) file = NULL;
  GOutputStream *out;
  const char *prefix = req->rd.event_kind == EVENT_PARTIAL ? "partial-recv" : "recv";

  out = create_part (req, prefix, &file, error);
  if (out == NULL)
    return NULL;
  if (req->rd.parts->len <= index)
    g_ptr_array_set_size (req->rd.parts, index + 1);
  g_clear_object (&g_ptr_array_index (req->rd.parts, index));
  g_ptr_array_index (req->rd.parts, index) = g_steal_pointer (&file);
  return out;
}

static RpImagesReader *
new_reader (RpHttpRequest *req,
            gboolean       keep_images)
{
  RpImagesReader *reader = rp_images_reader_new ();

  g_clear_pointer (&req->rd.parts, g_ptr_array_unref);
  req->rd.parts = new_parts ();
  if (keep_images)
    rp_images_reader_set_sink_func (reader, sink_func, req, NULL);
  return reader;
}

/* An error object in an otherwise successful reply (or an SSE error event). */
static void
fail_api_error (RpHttpRequest    *req,
                const RpApiError *api)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  if (api->message != NULL)
    {
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, api->message);
    }
  if (api->code != NULL)
    {
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, api->code);
    }
  if (api->type != NULL)
    {
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, api->type);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  rp_http_request_handle_error (req, req->ex.status, root, NULL, FALSE);
}

static void start_download (RpHttpRequest *req,
                            RpOutItem     *item);

/* Hands over finished results in order; a URL at the head is downloaded first. */
static void
drain (RpHttpRequest *req)
{
  RpOutItem *item;

  while (!rp_http_request_is_over (req) && (item = g_queue_peek_head (&req->outputs)) != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (item->part == NULL)
        {
          /* A stream still arriving keeps the connection: download after it. */
          if (req->stream_done && !req->downloading)
            start_download (req, item);
          return;
        }
      g_queue_pop_head (&req->outputs);
      if (!rp_edit_run_add_output (req->run, item->part, item->meta, &error))
        {
          g_clear_object (&item->part);
          g_free (item->url);
          g_clear_pointer (&item->meta, json_object_unref);
          g_free (item);
          fail_local (req, error);
          return;
        }
      g_clear_object (&item->part);
      g_clear_pointer (&item->meta, json_object_unref);
      g_free (item->url);
      g_free (item);
    }
  if (!rp_http_request_is_over (req) && req->stream_done && !req->downloading)
    rp_http_request_succeed (req);
}

static void
finish_stream (RpHttpRequest *req)
{
  rp_http_exchange_clear (req);
  req->stream_done = TRUE;
  drain (req);
}

/* ---- Reading ------------------------------------------------------------------------------- */

static void read_next (RpHttpRequest *req);

static gboolean
feed_buffer (RpHttpRequest  *req,
             const guint8   *data,
             gsize           len,
             GError        **error)
{
  RpHttpReading *rd = &req->rd;

  if (rd->buffer->len + len > rd->buffer_cap)
    {
      if (rd->mode == RP_READ_ERROR)
        {
          /* The start of an error page says enough: the rest is not read. */
          g_byte_array_append (rd->buffer, data, rd->buffer_cap - rd->buffer->len);
          return TRUE;
        }
      g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE,
                   "The reply is larger than expected");
      return FALSE;
    }
  g_byte_array_append (rd->buffer, data, len);
  return TRUE;
}

static gboolean
write_image_bytes (RpHttpRequest  *req,
                   const guint8   *data,
                   gsize           len,
                   const char     *content_type,
                   GError        **error)
{
  RpHttpReading *rd = &req->rd;

  if (!rd->sniffed)
    {
      gsize take = MIN (len, sizeof rd->head - rd->head_len);

      memcpy (rd->head + rd->head_len, data, take);
      rd->head_len += take;
      if (rd->head_len == sizeof rd->head || len == 0)
        {
          if (rp_transport_sniff_image (rd->head, rd->head_len, content_type, error) ==
              RP_IMAGE_FORMAT_UNKNOWN)
            return FALSE;
          rd->sniffed = TRUE;
        }
    }
  return len == 0 || g_output_stream_write_all (rd->out, data, len, NULL, req->ex.attempt_cancel, error);
}

static const char *
response_content_type (RpHttpRequest *req)
{
  return soup_message_headers_get_content_type (soup_message_get_response_headers (req->ex.msg), NULL);
}

static gboolean
sse_data (const char  *data,
          gsize        len,
          gpointer     user_data,
          GError     **error)
{
  RpHttpRequest *req = user_data;
  RpHttpReading *rd = &req->rd;

  if (rd->reader == NULL)
    {
      const char *type = rp_sse_parser_get_event_type (rd->sse);

      if (type == NULL)
        type = "message";
      if (g_strcmp0 (type, req->response->sse.partial_event) == 0)
        rd->event_kind = EVENT_PARTIAL;
      else if (g_strcmp0 (type, req->response->sse.final_event) == 0)
        rd->event_kind = EVENT_FINAL;
      else if (g_strcmp0 (type, req->response->sse.error_event) == 0)
        rd->event_kind = EVENT_ERROR;
      else
        rd->event_kind = EVENT_OTHER;
      rd->reader = new_reader (req, rd->event_kind == EVENT_PARTIAL || rd->event_kind == EVENT_FINAL);
    }
  return rp_images_reader_feed (rd->reader, data, len, req->ex.attempt_cancel, error);
}

static gboolean
sse_event (const RpSseEvent  *event,
           gpointer           user_data,
           GError           **error)
{
  RpHttpRequest *req = user_data;
  RpHttpReading *rd = &req->rd;
  g_autoptr(RpImagesReader) reader = g_steal_pointer (&rd->reader);
  g_autoptr(GPtrArray) parts = g_steal_pointer (&rd->parts);
  const RpApiError *api;

  if (event->done)
    {
      rd->sse_done = TRUE;
      return TRUE;
    }
  if (reader == NULL)
    return TRUE;
  if (!rp_images_reader_finish (reader, req->ex.attempt_cancel, error))
    return FALSE;
  api = rp_images_reader_get_api_error (reader);
  if (api != NULL && (api->message != NULL || api->code != NULL))
    {
      /* Failing clears the parser we are inside of: do it once the feed returns. */
      rd->event_kind = EVENT_ERROR;
      rd->reader = g_steal_pointer (&reader);
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_UNEXPECTED, "error event");
      return FALSE;
    }
  if (rd->event_kind == EVENT_PARTIAL && parts->len > 0 && g_ptr_array_index (parts, 0) != NULL &&
      rp_images_reader_get_image_size (reader, 0) > 0)
    {
      gint64 index = rp_images_reader_get_int (reader, req->response->sse.partial_index
                                                          ? req->response->sse.partial_index
                                                          : "partial_image_index",
                                               rd->n_partials);

      rd->n_partials++;
      if (rp_images_reader_get_image_format (reader, 0) == RP_IMAGE_FORMAT_UNKNOWN)
        {
          g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE,
                               "A preview in the stream is in no known format");
          return FALSE;
        }
      return rp_edit_run_add_partial (req->run, g_ptr_array_index (parts, 0), MAX (index, 0), error);
    }
  if (rd->event_kind == EVENT_FINAL)
    {
      if (!queue_reader_images (req, reader, parts, error))
        return FALSE;
      drain (req);
    }
  return TRUE;
}

static gboolean
feed (RpHttpRequest  *req,
      const guint8   *data,
      gsize           len,
      GError        **error)
{
  RpHttpReading *rd = &req->rd;

  switch (rd->mode)
    {
    case RP_READ_ERROR:
    case RP_READ_SUBMIT:
    case RP_READ_POLL:
      return feed_buffer (req, data, len, error);
    case RP_READ_JSON:
      return rp_images_reader_feed (rd->reader, (const char *) data, len, req->ex.attempt_cancel, error);
    case RP_READ_SSE:
      return rp_sse_parser_feed (rd->sse, (const char *) data, len, error);
    case RP_READ_RAW:
    case RP_READ_DOWNLOAD:
      return write_image_bytes (req, data, len, response_content_type (req), error);
    case RP_READ_NONE:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

static gboolean
results_mode (RpReadMode mode)
{
  return mode == RP_READ_JSON || mode == RP_READ_SSE || mode == RP_READ_RAW ||
         mode == RP_READ_DOWNLOAD || mode == RP_READ_POLL;
}

static void finish_reading (RpHttpRequest *req);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpHttpRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (rp_http_request_is_over (req) || G_INPUT_STREAM (source) != req->ex.stream)
    return;
  if (bytes == NULL)
    {
      gboolean broke = !g_cancellable_is_cancelled (req->cancellable) && !req->ex.timed_out;

      if (req->rd.mode == RP_READ_ERROR && broke)
        {
          finish_reading (req);
          return;
        }
      if (req->rd.sse != NULL && broke)
        {
          /* A connection cut inside an event is a cut stream, whatever the socket said. */
          g_autoptr(GError) cut = NULL;

          if (!rp_sse_parser_finish (req->rd.sse, &cut))
            {
              fail_reply (req, cut);
              return;
            }
        }
      rp_http_exchange_fail_io (req, error, TRUE);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      finish_reading (req);
      return;
    }
  req->ex.received += len;
  rp_http_exchange_progress (req);
  if (results_mode (req->rd.mode))
    rp_edit_run_add_bytes_received (req->run, len);
  if ((req->rd.mode != RP_READ_ERROR && too_large (req, req->ex.received, &error)) ||
      !feed (req, data, len, &error))
    {
      if (req->rd.mode == RP_READ_SSE && req->rd.event_kind == EVENT_ERROR && req->rd.reader != NULL)
        {
          g_autoptr(RpImagesReader) reader = g_steal_pointer (&req->rd.reader);

          fail_api_error (req, rp_images_reader_get_api_error (reader));
          return;
        }
      if (rp_http_request_is_over (req))
        return;
      fail_reply (req, error);
      return;
    }
  if (rp_http_request_is_over (req))
    return;
  if ((req->rd.mode == RP_READ_ERROR && req->rd.buffer->len >= req->rd.buffer_cap) ||
      (req->rd.mode == RP_READ_SSE && req->rd.sse_done))
    {
      /* Enough of an error page; or [DONE], which ends a stream even when the server
       * keeps the connection open. */
      finish_reading (req);
      return;
    }
  read_next (req);
}

static void
read_next (RpHttpRequest *req)
{
  g_input_stream_read_bytes_async (req->ex.stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   req->ex.attempt_cancel, on_read, g_object_ref (req->task));
}

/* ---- The end of a reply -------------------------------------------------------------------- */

static void
finish_error_reply (RpHttpRequest *req)
{
  GByteArray *buffer = req->rd.buffer;
  g_autoptr(JsonNode) body = rp_http_parse_json ((const char *) buffer->data, buffer->len);
  g_autofree char *text = NULL;

  if (body == NULL && buffer->len > 0)
    text = rp_http_text_excerpt ((const char *) buffer->data, buffer->len);
  rp_http_request_handle_error (req, req->ex.status, body, text, TRUE);
}

static void
finish_json (RpHttpRequest *req)
{
  g_autoptr(GError) error = NULL;
  const RpApiError *api;

  if (!rp_images_reader_finish (req->rd.reader, req->ex.attempt_cancel, &error))
    {
      fail_reply (req, error);
      return;
    }
  api = rp_images_reader_get_api_error (req->rd.reader);
  if (api != NULL && (api->message != NULL || api->code != NULL))
    {
      fail_api_error (req, api);
      return;
    }
  if (!queue_reader_images (req, req->rd.reader, req->rd.parts, &error))
    {
      fail_reply (req, error);
      return;
    }
  if (g_queue_is_empty (&req->outputs))
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                 _("%s answered without an image."),
                                 rp_http_request_provider_name (req));
      return;
    }
  finish_stream (req);
}

static JsonObject *
meta_headers (RpHttpRequest *req)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->ex.msg);
  JsonObject *meta = json_object_new ();

  for (guint i = 0; i < req->response->n_meta_headers; i++)
    {
      const RpMetaHeader *h = &req->response->meta_headers[i];
      const char *value = soup_message_headers_get_one (headers, h->header);
      g_autofree char *decoded = NULL;

      if (value == NULL)
        continue;
      if (h->url_decode)
        decoded = g_uri_unescape_string (value, NULL);
      if (decoded != NULL && !g_utf8_validate (decoded, -1, NULL))
        g_clear_pointer (&decoded, g_free);
      json_object_set_string_member (meta, h->key, decoded != NULL ? decoded : value);
    }
  return meta;
}

static void
finish_raw (RpHttpRequest *req)
{
  g_autoptr(GError) error = NULL;
  RpHttpReading *rd = &req->rd;

  if (!rd->sniffed && !write_image_bytes (req, NULL, 0, response_content_type (req), &error))
    {
      fail_reply (req, error);
      return;
    }
  if (!g_output_stream_close (rd->out, req->ex.attempt_cancel, &error))
    {
      fail_local (req, error);
      return;
    }
  g_clear_object (&rd->out);
  push_item (req, rd->part, NULL, meta_headers (req));
  finish_stream (req);
}

static void
finish_sse (RpHttpRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!rp_sse_parser_finish (req->rd.sse, &error))
    {
      fail_reply (req, error);
      return;
    }
  if (!req->rd.sse_done && g_queue_is_empty (&req->outputs))
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                 _("The stream from %s ended before the result."),
                                 rp_http_request_provider_name (req));
      return;
    }
  finish_stream (req);
}

/* Reads a whole embedded ImagesResponse (async results) through a fresh reader. */
static gboolean
read_embedded (RpHttpRequest  *req,
               JsonNode       *node,
               GError        **error)
{
  g_autoptr(JsonNode) wrapped = NULL;
  g_autoptr(RpImagesReader) reader = NULL;
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonObject *object = json_object_new ();

      json_object_set_member (object, "data", json_node_copy (node));
      wrapped = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      node = wrapped;
    }
  text = rp_json_to_text (node, FALSE);
  reader = new_reader (req, TRUE);
  if (!rp_images_reader_feed (reader, text, strlen (text), req->ex.attempt_cancel, error) ||
      !rp_images_reader_finish (reader, req->ex.attempt_cancel, error))
    return FALSE;
  return queue_reader_images (req, reader, req->rd.parts, error);
}

static gboolean
word_in (char       **words,
         const char  *word)
{
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    if (g_ascii_strcasecmp (words[i], word) == 0)
      return TRUE;
  return FALSE;
}

static char *
resolve_poll_url (RpHttpRequest *req,
                  const char    *target,
                  gboolean       root_relative)
{
  if (g_str_has_prefix (target, "https://") || g_str_has_prefix (target, "http://"))
    return g_strdup (target);
  if (target[0] != '/')
    return NULL;
  return g_strconcat (root_relative ? req->origin : req->base_url, target, NULL);
}

static char *
template_url (RpHttpRequest *req,
              guint          index)
{
  char **templates = req->response->async.poll_path_templates;
  g_autofree char *id = g_uri_escape_string (req->task_id, NULL, TRUE);
  g_auto(GStrv) pieces = NULL;
  g_autofree char *path = NULL;

  if (templates == NULL || index >= g_strv_length (templates))
    return NULL;
  pieces = g_strsplit (templates[index], "{id}", -1);
  path = g_strjoinv (id, pieces);
  return resolve_poll_url (req, path, req->response->async.poll_root_relative);
}

static void
schedule_poll (RpHttpRequest *req)
{
  if (g_get_monotonic_time () > req->poll_deadline_us)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_TIMEOUT, NULL, 0, NULL, NULL,
                                 _("%s did not finish the task in time."),
                                 rp_http_request_provider_name (req));
      return;
    }
  rp_edit_run_set_state (req->run, RP_JOB_STATE_WAITING);
  rp_http_request_wait (req, req->poll_interval_s, start_poll);
  req->poll_interval_s *= req->response->async.poll_backoff;
}

static void
finish_submit (RpHttpRequest *req)
{
  g_autoptr(JsonNode) root = rp_http_parse_json ((const char *) req->rd.buffer->data,
                                                 req->rd.buffer->len);
  g_autofree char *poll = NULL;
  g_autoptr(GError) error = NULL;

  if (root == NULL)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                 _("The answer from %s could not be read."),
                                 rp_http_request_provider_name (req));
      return;
    }
  req->task_id = rp_http_lookup_text (root, req->response->async.id_paths);
  if (req->task_id == NULL)
    {
      /* A relay that ignored the async switch answers with the images right away. */
      JsonNode *data = rp_json_lookup (root, "data");

      if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
        {
          if (!read_embedded (req, root, &error))
            fail_reply (req, error);
          else
            finish_stream (req);
          return;
        }
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                 _("%s started no task."), rp_http_request_provider_name (req));
      return;
    }
  poll = rp_http_lookup_text (root, req->response->async.poll_url_paths);
  req->poll_url = poll != NULL ? resolve_poll_url (req, poll, TRUE) : template_url (req, 0);
  if (req->poll_url == NULL || !rp_http_request_same_origin (req, req->poll_url))
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                 _("%s gave no usable address to ask for the result."),
                                 rp_http_request_provider_name (req));
      return;
    }
  g_debug ("%s: task %s, polling %s%s", rp_http_request_provider_name (req), req->task_id,
           req->poll_url, req->response->async.verified ? "" : " (inferred contract)");
  rp_edit_run_set_request_id (req->run, req->task_id);
  req->poll_interval_s = req->response->async.poll_interval_s;
  req->poll_deadline_us = g_get_monotonic_time () +
                          (gint64) (req->response->async.poll_timeout_s * G_USEC_PER_SEC);
  rp_http_exchange_clear (req);
  schedule_poll (req);
}

static void
finish_poll (RpHttpRequest *req)
{
  const RpResponseSpec *spec = req->response;
  g_autoptr(JsonNode) root = rp_http_parse_json ((const char *) req->rd.buffer->data,
                                                 req->rd.buffer->len);
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;

  if (root == NULL)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                 _("The answer from %s could not be read."),
                                 rp_http_request_provider_name (req));
      return;
    }
  req->poll_failures = 0;
  status = rp_http_lookup_text (root, spec->async.status_paths);
  if (status != NULL && word_in (spec->async.success, status))
    {
      for (guint i = 0; spec->async.result_embedded != NULL && spec->async.result_embedded[i] != NULL; i++)
        {
          JsonNode *node = rp_json_lookup (root, spec->async.result_embedded[i]);

          if (node == NULL || JSON_NODE_HOLDS_NULL (node))
            continue;
          if (!read_embedded (req, node, &error))
            {
              fail_reply (req, error);
              return;
            }
          if (!g_queue_is_empty (&req->outputs))
            break;
        }
      if (g_queue_is_empty (&req->outputs))
        {
          rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, req->ex.status, NULL, NULL,
                                     _("%s finished the task without an image."),
                                     rp_http_request_provider_name (req));
          return;
        }
      finish_stream (req);
      return;
    }
  if (status != NULL && word_in (spec->async.failure, status))
    {
      JsonNode *http_status = rp_json_lookup (root, "http_status");
      guint code = http_status != NULL && JSON_NODE_HOLDS_VALUE (http_status) &&
                   json_node_get_value_type (http_status) == G_TYPE_INT64
                     ? (guint) json_node_get_int (http_status) : 500;
      g_autofree char *message = rp_http_lookup_text (root, spec->async.error_paths);

      rp_http_request_handle_error (req, code >= 400 && code < 600 ? code : 500, root, message, FALSE);
      return;
    }
  if (status == NULL || !word_in (spec->async.pending, status))
    g_debug ("%s: unknown task status “%s”, still waiting", rp_http_request_provider_name (req),
             status ? status : "(none)");
  rp_http_exchange_clear (req);
  schedule_poll (req);
}

static void
finish_download (RpHttpRequest *req)
{
  g_autoptr(GError) error = NULL;
  RpHttpReading *rd = &req->rd;
  RpOutItem *item = g_queue_peek_head (&req->outputs);

  if (!rd->sniffed && !write_image_bytes (req, NULL, 0, response_content_type (req), &error))
    {
      fail_reply (req, error);
      return;
    }
  if (!g_output_stream_close (rd->out, req->ex.attempt_cancel, &error))
    {
      fail_local (req, error);
      return;
    }
  g_clear_object (&rd->out);
  g_assert (item != NULL && item->part == NULL);
  item->part = g_steal_pointer (&rd->part);
  req->downloading = FALSE;
  rp_http_exchange_clear (req);
  drain (req);
}

static void
finish_reading (RpHttpRequest *req)
{
  RpHttpExchange *ex = &req->ex;

  /* libsoup takes a reply with fewer bytes than its Content-Length for a complete one. */
  if (ex->content_length >= 0 && ex->received < ex->content_length && req->rd.mode != RP_READ_ERROR &&
      !(req->rd.mode == RP_READ_SSE && req->rd.sse_done))
    {
      g_autoptr(GError) error = g_error_new (RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TRUNCATED,
                                             "%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes arrived",
                                             ex->received, ex->content_length);
      fail_reply (req, error);
      return;
    }
  switch (req->rd.mode)
    {
    case RP_READ_ERROR:
      finish_error_reply (req);
      break;
    case RP_READ_JSON:
      finish_json (req);
      break;
    case RP_READ_SSE:
      finish_sse (req);
      break;
    case RP_READ_RAW:
      finish_raw (req);
      break;
    case RP_READ_SUBMIT:
      finish_submit (req);
      break;
    case RP_READ_POLL:
      finish_poll (req);
      break;
    case RP_READ_DOWNLOAD:
      finish_download (req);
      break;
    case RP_READ_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* ---- Starting to read a reply ----------------------------------------------------------- */

static void
note_request_id (RpHttpRequest *req)
{
  const RpErrorConfig *config = rp_provider_get_error_config (req->provider);
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->ex.msg);

  for (guint i = 0; config->request_id_headers != NULL && config->request_id_headers[i] != NULL; i++)
    {
      const char *id = soup_message_headers_get_one (headers, config->request_id_headers[i]);

      if (id != NULL && g_utf8_validate (id, -1, NULL))
        {
          rp_edit_run_set_request_id (req->run, id);
          return;
        }
    }
}

/* Status, length and cap of the reply just received; FALSE when it already failed. */
static gboolean
begin_body (RpHttpRequest *req,
            RpReadMode     mode,
            gsize          buffer_cap)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->ex.msg);
  g_autoptr(GError) error = NULL;

  req->ex.content_length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
                             ? soup_message_headers_get_content_length (headers) : -1;
  /* Only the start of an error reply is read, whatever its length. */
  if (mode != RP_READ_ERROR && too_large (req, req->ex.content_length, &error))
    {
      fail_reply (req, error);
      return FALSE;
    }
  rp_http_reading_clear (req);
  req->rd.mode = mode;
  if (buffer_cap > 0)
    {
      req->rd.buffer = g_byte_array_new ();
      req->rd.buffer_cap = buffer_cap;
    }
  return TRUE;
}

static gboolean
is_json (const char *content_type)
{
  return content_type != NULL && (g_str_equal (content_type, "application/json") ||
                                  g_str_has_suffix (content_type, "+json"));
}

void
rp_http_response_begin (RpHttpRequest *req)
{
  guint status = req->ex.status;
  const char *type = response_content_type (req);
  g_autoptr(GError) error = NULL;

  note_request_id (req);
  if (status >= 300 && status < 400)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_INVALID, NULL, status, NULL,
                                 _("Check the provider’s address (base URL)."),
                                 _("%s sent the request to another address; Repaint does not send "
                                   "an edit twice."), rp_http_request_provider_name (req));
      return;
    }
  if (status < 200 || status >= 300 ||
      (req->response->kind == RP_RESPONSE_RAW_BYTES && is_json (type)))
    {
      if (begin_body (req, RP_READ_ERROR, ERROR_BODY_MAX_BYTES))
        read_next (req);
      return;
    }

  switch (req->response->kind)
    {
    case RP_RESPONSE_JSON_IMAGES:
      if (!begin_body (req, RP_READ_JSON, 0))
        return;
      req->rd.reader = new_reader (req, TRUE);
      break;
    case RP_RESPONSE_RAW_BYTES:
      if (!begin_body (req, RP_READ_RAW, 0))
        return;
      req->rd.out = create_part (req, "recv", &req->rd.part, &error);
      if (req->rd.out == NULL)
        {
          fail_local (req, error);
          return;
        }
      break;
    case RP_RESPONSE_SSE:
      if (!begin_body (req, RP_READ_SSE, 0))
        return;
      req->rd.sse = rp_sse_parser_new (SSE_FIELDS_MAX_BYTES, sse_event, req);
      rp_sse_parser_set_data_func (req->rd.sse, sse_data);
      break;
    case RP_RESPONSE_ASYNC_TASK:
      if (!begin_body (req, RP_READ_SUBMIT, SUBMIT_BODY_MAX_BYTES))
        return;
      read_next (req);
      return;
    default:
      g_assert_not_reached ();
    }
  rp_edit_run_set_state (req->run, RP_JOB_STATE_RECEIVING);
  read_next (req);
}

/* ---- Async task polls -------------------------------------------------------------------- */

static void
on_poll_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpHttpRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint status;

  req->ex.stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (rp_http_request_is_over (req))
    return;
  if (req->ex.stream != NULL)
    req->ex.status = soup_message_get_status (req->ex.msg);
  status = req->ex.status;
  if (req->ex.stream == NULL || status == 429 || status >= 500)
    {
      /* Asking is idempotent: a failed poll is simply asked again, a few times. */
      if (g_cancellable_is_cancelled (req->cancellable) || ++req->poll_failures > POLL_MAX_FAILURES)
        {
          if (req->ex.stream == NULL)
            rp_http_exchange_fail_io (req, error, FALSE);
          else if (begin_body (req, RP_READ_ERROR, ERROR_BODY_MAX_BYTES))
            read_next (req);
          return;
        }
      rp_http_exchange_clear (req);
      schedule_poll (req);
      return;
    }
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      /* Asking again is harmless, and the key may go along: on the provider's own address. */
      g_autofree char *next = redirect_target (req);

      if (next == NULL || !rp_http_request_same_origin (req, next))
        {
          rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, status, NULL, NULL,
                                     _("%s sent the task’s status to another address; Repaint asks "
                                       "only the provider’s own address, where the key goes."),
                                     rp_http_request_provider_name (req));
          return;
        }
      if (req->poll_redirects++ >= MAX_REDIRECTS)
        {
          rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, status, NULL, NULL,
                                     _("%s redirected the task’s status too many times."),
                                     rp_http_request_provider_name (req));
          return;
        }
      rp_http_exchange_clear (req);
      send_poll (req, next);
      return;
    }
  if (status == 404 && req->response->async.poll_path_templates != NULL)
    {
      /* The template was a guess: try the next one. */
      g_autofree char *next = NULL;

      for (guint i = 0; req->response->async.poll_path_templates[i] != NULL; i++)
        {
          g_autofree char *candidate = template_url (req, i);

          if (g_strcmp0 (candidate, req->poll_url) == 0)
            {
              next = template_url (req, i + 1);
              break;
            }
        }
      if (next != NULL)
        {
          g_free (req->poll_url);
          req->poll_url = g_steal_pointer (&next);
          rp_http_exchange_clear (req);
          start_poll (req);
          return;
        }
    }
  if (status < 200 || status >= 300)
    {
      if (begin_body (req, RP_READ_ERROR, ERROR_BODY_MAX_BYTES))
        read_next (req);
      return;
    }
  if (begin_body (req, RP_READ_POLL, req->max_response_bytes))
    read_next (req);
}

static void
send_poll (RpHttpRequest *req,
           const char    *url)
{
  SoupMessage *msg = rp_http_exchange_begin (req, req->response->async.poll_method
                                                    ? req->response->async.poll_method : "GET",
                                             url, TRUE);

  if (msg == NULL)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, 0, NULL, NULL,
                                 _("%s gave no usable address to ask for the result."),
                                 rp_http_request_provider_name (req));
      return;
    }
  soup_session_send_async (rp_http_backend_get_session (req->backend), msg, G_PRIORITY_DEFAULT,
                           req->ex.attempt_cancel, on_poll_sent, g_object_ref (req->task));
}

static void
start_poll (RpHttpRequest *req)
{
  req->poll_redirects = 0;
  send_poll (req, req->poll_url);
}

/* ---- Result downloads ------------------------------------------------------------------ */

static gboolean
is_loopback (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "localhost") == 0 ||
         g_strcmp0 (host, "::1") == 0 || g_strcmp0 (host, "[::1]") == 0;
}

/* https anywhere; http only on this computer; nothing else. */
static gboolean
download_allowed (const char *url,
                  const char *from_scheme)
{
  g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_userinfo (uri) != NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  if (from_scheme != NULL && g_ascii_strcasecmp (scheme, from_scheme) != 0)
    return FALSE;
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  return g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback (g_uri_get_host (uri));
}

static void send_download (RpHttpRequest *req,
                           const char    *url,
                           guint          redirects,
                           gboolean       keyless);

static void
on_download_sent (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpHttpRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint redirects = req->rd.redirects;
  gboolean keyless = req->rd.keyless;
  guint status;

  req->ex.stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (rp_http_request_is_over (req))
    return;
  if (req->ex.stream == NULL)
    {
      rp_http_exchange_fail_io (req, error, FALSE);
      return;
    }
  status = req->ex.status = soup_message_get_status (req->ex.msg);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      GUri *base = soup_message_get_uri (req->ex.msg);
      g_autofree char *next = redirect_target (req);

      if (next != NULL && redirects >= MAX_REDIRECTS)
        {
          rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, status, NULL, NULL,
                                     _("The result from %s could not be downloaded: it was "
                                       "redirected too many times."),
                                     rp_http_request_provider_name (req));
          return;
        }
      if (next == NULL || !download_allowed (next, g_uri_get_scheme (base)))
        {
          rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, status, NULL, NULL,
                                     _("The result from %s could not be downloaded: it was "
                                       "redirected to an address Repaint does not fetch."),
                                     rp_http_request_provider_name (req));
          return;
        }
      send_download (req, next, redirects + 1, keyless);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, status, NULL, NULL,
                                 _("The result from %s could not be downloaded (HTTP %u)."),
                                 rp_http_request_provider_name (req), status);
      return;
    }
  if (!begin_body (req, RP_READ_DOWNLOAD, 0))
    return;
  req->rd.out = create_part (req, "download", &req->rd.part, &error);
  if (req->rd.out == NULL)
    {
      fail_local (req, error);
      return;
    }
  read_next (req);
}

/* @keyless: an earlier hop of this download was on another host, which chose where this
 * one goes: the key stays home even if it points back at the provider. */
static void
send_download (RpHttpRequest *req,
               const char    *url,
               guint          redirects,
               gboolean       keyless)
{
  /* The key goes only to the provider's own address. */
  gboolean with_key = !keyless && rp_http_request_same_origin (req, url);
  SoupMessage *msg = rp_http_exchange_begin (req, "GET", url, with_key);

  if (msg == NULL)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, 0, NULL, NULL,
                                 _("%s sent a result address that is not valid."),
                                 rp_http_request_provider_name (req));
      return;
    }
  req->rd.redirects = redirects;
  req->rd.keyless = !with_key;
  g_debug ("Downloading a result from %s%s", g_uri_get_host (soup_message_get_uri (msg)),
           with_key ? " (the provider's own address)" : "");
  soup_session_send_async (rp_http_backend_get_session (req->backend), msg, G_PRIORITY_DEFAULT,
                           req->ex.attempt_cancel, on_download_sent, g_object_ref (req->task));
}

static void
start_download (RpHttpRequest *req,
                RpOutItem     *item)
{
  if (!download_allowed (item->url, NULL))
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_BAD_RESPONSE, NULL, 0, NULL, NULL,
                                 _("%s sent a result address Repaint does not fetch (only "
                                   "https addresses are)."),
                                 rp_http_request_provider_name (req));
      return;
    }
  req->downloading = TRUE;
  rp_edit_run_set_state (req->run, RP_JOB_STATE_RECEIVING);
  send_download (req, item->url, 0, FALSE);
}
