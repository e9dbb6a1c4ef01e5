/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fake-provider"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "fake-provider-private.h"
#include "rp-png.h"

RpFakeReply *
rp_fake_reply_new (guint       status,
                   const char *content_type)
{
  RpFakeReply *reply = g_new0 (RpFakeReply, 1);

  reply->status = status;
  reply->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (content_type != NULL)
    soup_message_headers_replace (reply->headers, "Content-Type", content_type);
  return reply;
}

void
rp_fake_reply_free (RpFakeReply *reply)
{
  if (reply == NULL)
    return;
  soup_message_headers_unref (reply->headers);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->chunks, g_ptr_array_unref);
  g_free (reply);
}

void
rp_fake_reply_set_json (RpFakeReply *reply,
                        JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  g_clear_pointer (&reply->body, g_bytes_unref);
  reply->body = g_bytes_new_take (text, len);
}

void
rp_fake_reply_set_text (RpFakeReply *reply,
                        const char  *text)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  reply->body = g_bytes_new (text, strlen (text));
}

/* The whole body: the block, or the chunks joined. */
GBytes *
rp_fake_reply_flatten (RpFakeReply *reply)
{
  g_autoptr(GByteArray) all = NULL;
  guint i;

  if (reply->chunks == NULL)
    return reply->body ? g_bytes_ref (reply->body) : g_bytes_new (NULL, 0);
  all = g_byte_array_new ();
  for (i = 0; i < reply->chunks->len; i++)
    {
      GBytes *chunk = g_ptr_array_index (reply->chunks, i);

      g_byte_array_append (all, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

/**
 * rp_fake_solid_image:
 * @format: "png", "jpeg" or "webp"; anything else gives PNG
 *
 * Returns: (transfer full): an encoded image of one colour, so that a test can recognise
 *   the result wherever it ends up
 */
GBytes *
rp_fake_solid_image (int         width,
                     int         height,
                     guint32     rgba,
                     const char *format)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(RpPngWriter) writer = NULL;
  g_autofree guint8 *row = NULL;
  gboolean alpha = (rgba & 0xff) != 0xff;
  int bpp = alpha ? 4 : 3, x, y;

  if (g_strcmp0 (format, "jpeg") == 0 || g_strcmp0 (format, "webp") == 0)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
      g_autoptr(GError) error = NULL;
      char *buffer = NULL;
      gsize len = 0;

      gdk_pixbuf_fill (pixbuf, rgba | 0xff);
      if (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, format, &error, NULL))
        return g_bytes_new_take (buffer, len);
      g_debug ("cannot encode %s (%s), sending PNG", format, error->message);
    }

  row = g_malloc ((gsize) width * bpp);
  for (x = 0; x < width; x++)
    {
      row[bpp * x + 0] = rgba >> 24;
      row[bpp * x + 1] = (rgba >> 16) & 0xff;
      row[bpp * x + 2] = (rgba >> 8) & 0xff;
      if (alpha)
        row[bpp * x + 3] = rgba & 0xff;
    }
  writer = rp_png_writer_new (out, width, height, alpha ? RP_PNG_COLOR_RGBA : RP_PNG_COLOR_RGB,
                              RP_PNG_SPEED_FLAT);
  for (y = 0; y < height; y++)
    if (!rp_png_writer_write_row (writer, row, NULL, NULL))
      g_error ("writing to memory failed");
  if (!rp_png_writer_finish (writer, NULL, NULL))
    g_error ("writing to memory failed");
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/**
 * rp_fake_error_reply:
 * @type: (nullable): OpenAI `error.type`
 * @code: (nullable): `error.code` (OpenAI) or the Venice code
 * @param: (nullable): OpenAI `error.param`
 *
 * An error in the dialect's shape: OpenAI `{"error":{message,type,param,code}}`; Venice
 * `{"error": message, "code": …}` (StandardError plus the code from its error table).
 */
RpFakeReply *
rp_fake_error_reply (RpFakeDialect  dialect,
                     guint          status,
                     const char    *message,
                     const char    *type,
                     const char    *code,
                     const char    *param)
{
  RpFakeReply *reply = rp_fake_reply_new (status, "application/json");
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (dialect == RP_FAKE_DIALECT_VENICE)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, message);
      if (code != NULL)
        {
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, code);
        }
    }
  else
    {
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, message);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, type);
      json_builder_set_member_name (b, "param");
      if (param != NULL)
        json_builder_add_string_value (b, param);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "code");
      if (code != NULL)
        json_builder_add_string_value (b, code);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  rp_fake_reply_set_json (reply, b);
  return reply;
}

static RpFakeReply *
moderation_reply (RpFakeDialect dialect)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  RpFakeReply *reply;

  if (dialect == RP_FAKE_DIALECT_VENICE)
    return rp_fake_error_reply (dialect, 422,
                                "Your request was flagged by the content policy of the model "
                                "provider.",
                                NULL, "CONTENT_POLICY_VIOLATION", NULL);

  /* OpenAI: code moderation_blocked, the categories in the message and, on newer
   * answers, in moderation_details. */
  reply = rp_fake_reply_new (400, "application/json");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "Your request was rejected as a result of our safety system. "
                                    "safety_violations=[violence].");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "image_generation_user_error");
  json_builder_set_member_name (b, "param");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, "moderation_blocked");
  json_builder_set_member_name (b, "moderation_details");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "moderation_stage");
  json_builder_add_string_value (b, "input");
  json_builder_set_member_name (b, "categories");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "violence");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  rp_fake_reply_set_json (reply, b);
  return reply;
}

static RpFakeReply *
rate_limit_reply (RpFakeDialect      dialect,
                  const RpFakeFault *fault)
{
  RpFakeReply *reply;

  if (dialect == RP_FAKE_DIALECT_VENICE)
    reply = rp_fake_error_reply (dialect, 429, "Rate limit exceeded", NULL,
                                 "RATE_LIMIT_EXCEEDED", NULL);
  else
    reply = rp_fake_error_reply (dialect, 429,
                                 "Rate limit reached for gpt-image-1 in organization org-fake on "
                                 "images per minute (IPM): Limit 5, Used 5, Requested 1.",
                                 "requests", "rate_limit_exceeded", NULL);

  if (fault->behavior == RP_FAKE_RATE_LIMIT_MS)
    {
      g_autofree char *ms = g_strdup_printf ("%u", fault->delay_ms);

      soup_message_headers_replace (reply->headers, "retry-after-ms", ms);
    }
  else
    {
      g_autofree char *s = g_strdup_printf ("%u", fault->retry_after_s ? fault->retry_after_s : 1);

      soup_message_headers_replace (reply->headers, "Retry-After", s);
    }
  soup_message_headers_replace (reply->headers, "x-ratelimit-limit-requests", "5");
  soup_message_headers_replace (reply->headers, "x-ratelimit-remaining-requests", "0");
  return reply;
}

static RpFakeReply *
server_error_reply (RpFakeDialect dialect,
                    guint         status)
{
  const char *message, *code;

  switch (status)
    {
    case 502:
      message = "Bad gateway: the upstream did not return a valid result.";
      code = dialect == RP_FAKE_DIALECT_VENICE ? "IMAGE_EDIT_ERROR" : NULL;
      break;
    case 503:
      message = dialect == RP_FAKE_DIALECT_VENICE ? "The model is at capacity."
                                                  : "The service is temporarily unavailable.";
      code = dialect == RP_FAKE_DIALECT_VENICE ? "MODEL_AT_CAPACITY" : NULL;
      break;
    default:
      message = "The server had an error while processing your request.";
      code = dialect == RP_FAKE_DIALECT_VENICE ? "INFERENCE_FAILED" : NULL;
      break;
    }
  return rp_fake_error_reply (dialect, status, message, "server_error", code, NULL);
}

/* An error whose message is not UTF-8: raw bytes (%RP_FAKE_BAD_UTF8), or a lone surrogate
 * escape that JSON parsers decode to bytes that are not UTF-8 either. */
static RpFakeReply *
bad_text_reply (RpFakeDialect      dialect,
                const RpFakeFault *fault)
{
  RpFakeReply *reply = rp_fake_reply_new (fault->status ? fault->status : 400, "application/json");
  gboolean raw = fault->behavior == RP_FAKE_BAD_UTF8;
  const char *bad = raw ? "stray \xff, cut \xe2\x82, overlong \xc0\xaf" : "lone \\ud800 half";
  const char *code = raw ? "invalid_image" : "bad_\\udc00_code";
  char *text;

  if (dialect == RP_FAKE_DIALECT_VENICE)
    text = g_strdup_printf ("{\"error\": \"The image is broken: %s.\", \"code\": \"%s\"}", bad, code);
  else
    text = g_strdup_printf ("{\"error\": {\"message\": \"The image is broken: %s.\", \"type\": "
                            "\"invalid_request_error\", \"param\": null, \"code\": \"%s\"}}",
                            bad, code);
  reply->body = g_bytes_new_take (text, strlen (text));
  return reply;
}

/**
 * rp_fake_fault_reply:
 *
 * Returns: (transfer full) (nullable): the error reply a fault stands for, or %NULL when
 *   the fault is not an error status (it then shapes a success or the transport)
 */
RpFakeReply *
rp_fake_fault_reply (RpFakeDialect      dialect,
                     const RpFakeFault *fault)
{
  gboolean venice = dialect == RP_FAKE_DIALECT_VENICE;

  switch (fault->behavior)
    {
    case RP_FAKE_RATE_LIMIT:
    case RP_FAKE_RATE_LIMIT_MS:
      return rate_limit_reply (dialect, fault);
    case RP_FAKE_QUOTA_429:
      return rp_fake_error_reply (dialect, 429,
                                  "You exceeded your current quota, please check your plan and "
                                  "billing details.",
                                  "insufficient_quota", "insufficient_quota", NULL);
    case RP_FAKE_SERVER_ERROR:
      return server_error_reply (dialect, fault->status ? fault->status : 500);
    case RP_FAKE_INVALID_API_KEY:
      return venice ? rp_fake_error_reply (dialect, 401, "Authentication failed", NULL,
                                           "AUTHENTICATION_FAILED", NULL)
                    : rp_fake_error_reply (dialect, 401, "Incorrect API key provided.",
                                           "invalid_request_error", "invalid_api_key", NULL);
    case RP_FAKE_INSUFFICIENT_QUOTA:
      return venice ? rp_fake_error_reply (dialect, 403, "API access is disabled for this key",
                                           NULL, "API_ACCESS_DISABLED", NULL)
                    : rp_fake_error_reply (dialect, 403, "Insufficient quota for this token.",
                                           "insufficient_quota", "insufficient_quota", NULL);
    case RP_FAKE_MODERATION:
      return moderation_reply (dialect);
    case RP_FAKE_PAYMENT_REQUIRED:
      return venice ? rp_fake_error_reply (dialect, 402,
                                           "Insufficient USD or Diem balance to complete request",
                                           NULL, "INSUFFICIENT_BALANCE", NULL)
                    : rp_fake_error_reply (dialect, 402, "Payment required.",
                                           "insufficient_quota", "insufficient_quota", NULL);
    case RP_FAKE_HUGE_LENGTH:
    case RP_FAKE_HUGE_BODY:
      if (fault->status == 0)
        return NULL;
      return rp_fake_error_reply (dialect, fault->status, "The image is too large to process.",
                                  "invalid_request_error", venice ? "IMAGE_TOO_LARGE" : "image_too_large",
                                  NULL);
    case RP_FAKE_HUGE_ERROR_MESSAGE:
      /* The body is made as it is sent; see huge_error_parts(). */
      return rp_fake_reply_new (fault->status ? fault->status : 400, "application/json");
    case RP_FAKE_BAD_UTF8:
    case RP_FAKE_BAD_SURROGATE:
      return bad_text_reply (dialect, fault);
    case RP_FAKE_OK:
    case RP_FAKE_URL_RESULTS:
    case RP_FAKE_FOREIGN_URL_RESULTS:
    case RP_FAKE_NOT_IMAGE_URL:
    case RP_FAKE_EMPTY_DATA:
    case RP_FAKE_DELAY:
    case RP_FAKE_DRIP:
    case RP_FAKE_CONTENT_FLAGGED:
    case RP_FAKE_INVALID_JSON:
    case RP_FAKE_TRUNCATED:
    case RP_FAKE_STALL:
    case RP_FAKE_SSE_CUT:
    case RP_FAKE_SSE_ERROR:
    case RP_FAKE_RESET_UPLOAD:
    case RP_FAKE_REDIRECT:
    case RP_FAKE_ASYNC_FAIL:
    case RP_FAKE_ASYNC_TASK_ID_ONLY:
    case RP_FAKE_RESET_REPLY:
    case RP_FAKE_SSE_EMPTY:
    case RP_FAKE_SSE_HUGE_LINE:
    case RP_FAKE_SSE_LINGER:
    default:
      return NULL;
    }
}
