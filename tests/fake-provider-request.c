/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fake-provider"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

#include "fake-provider-private.h"
#include "rp-image.h"

static void
part_free (gpointer data)
{
  RpFakePart *part = data;

  g_free (part->name);
  g_free (part->filename);
  g_free (part->content_type);
  g_clear_pointer (&part->data, g_bytes_unref);
  g_clear_pointer (&part->headers, soup_message_headers_unref);
  g_free (part);
}

static void
image_free (gpointer data)
{
  RpFakeImage *image = data;

  g_free (image->field);
  g_clear_pointer (&image->data, g_bytes_unref);
  g_free (image->mime_type);
  g_free (image);
}

static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         len,
            const char   *needle,
            gsize         needle_len)
{
  const guint8 *p = haystack, *end = haystack + len;

  while (needle_len <= (gsize) (end - p) &&
         (p = memchr (p, needle[0], end - p - needle_len + 1)) != NULL)
    {
      if (memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }
  return NULL;
}

/* Parses one part's header block [p, end) into @part. */
static gboolean
parse_part_headers (const char  *p,
                    gsize        len,
                    RpFakePart  *part,
                    char       **error)
{
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *block = NULL;
  const char *type;

  /* soup_headers_parse() skips a first (start) line and wants the blank line at the end. */
  block = g_strdup_printf ("-\r\n%.*s\r\n\r\n", (int) len, p);
  part->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  if (len == 0)
    {
      *error = g_strdup ("part without headers");
      return FALSE;
    }
  if (!soup_headers_parse (block, strlen (block), part->headers))
    {
      *error = g_strdup ("malformed part headers");
      return FALSE;
    }
  if (!soup_message_headers_get_content_disposition (part->headers, &disposition, &params) ||
      g_ascii_strcasecmp (disposition, "form-data") != 0)
    {
      *error = g_strdup ("part without Content-Disposition: form-data");
      return FALSE;
    }
  part->name = g_strdup (g_hash_table_lookup (params, "name"));
  part->filename = g_strdup (g_hash_table_lookup (params, "filename"));
  if (part->name == NULL)
    {
      *error = g_strdup ("part without a name");
      return FALSE;
    }
  type = soup_message_headers_get_one (part->headers, "Content-Type");
  part->content_type = g_strdup (type);
  return TRUE;
}

/**
 * rp_fake_parse_multipart:
 * @parts: (element-type RpFakePart): receives the parts in order
 * @error: (out): what was wrong, on failure
 *
 * A strict multipart/form-data parser (RFC 7578 / RFC 2046): every part must be
 * delimited by CRLF "--boundary", carry Content-Disposition: form-data with a name, and
 * the body must end with the close delimiter "--boundary--". A preamble before the first
 * delimiter and an epilogue after the last are allowed, as the RFC says.
 */
gboolean
rp_fake_parse_multipart (GBytes      *body,
                         const char  *boundary,
                         GPtrArray   *parts,
                         char       **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);
  const guint8 *end = data + len, *p;
  g_autofree char *first = g_strdup_printf ("--%s", boundary);
  g_autofree char *delimiter = g_strdup_printf ("\r\n--%s", boundary);
  gsize delimiter_len = strlen (delimiter);

  if (len >= strlen (first) && memcmp (data, first, strlen (first)) == 0)
    p = data + strlen (first);
  else if ((p = find_bytes (data, len, delimiter, delimiter_len)) != NULL)
    p += delimiter_len;
  else
    {
      *error = g_strdup ("no boundary delimiter in the body");
      return FALSE;
    }

  for (;;)
    {
      const guint8 *headers_end, *next;
      RpFakePart *part;

      /* After a delimiter: "--" closes the body, otherwise CRLF starts a part. */
      if (end - p >= 2 && p[0] == '-' && p[1] == '-')
        return TRUE;
      if (p == end)
        {
          *error = g_strdup ("no closing boundary");
          return FALSE;
        }
      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
        {
          *error = g_strdup ("delimiter not followed by CRLF");
          return FALSE;
        }
      p += 2;

      headers_end = find_bytes (p, end - p, "\r\n\r\n", 4);
      if (headers_end == NULL)
        {
          *error = g_strdup ("part headers do not end");
          return FALSE;
        }
      next = find_bytes (headers_end + 4, end - (headers_end + 4), delimiter, delimiter_len);
      if (next == NULL)
        {
          *error = g_strdup ("no closing boundary");
          return FALSE;
        }

      part = g_new0 (RpFakePart, 1);
      g_ptr_array_add (parts, part);
      if (!parse_part_headers ((const char *) p, headers_end - p, part, error))
        return FALSE;
      part->data = g_bytes_new (headers_end + 4, next - (headers_end + 4));
      p = next + delimiter_len;
    }
}

/* Decodes base64 that may carry a data: URL prefix. */
static GBytes *
decode_base64_image (const char *text)
{
  const char *comma;
  guchar *raw;
  gsize len;

  if (g_str_has_prefix (text, "data:"))
    {
      comma = strchr (text, ',');
      if (comma == NULL || strstr (text, ";base64") == NULL || strstr (text, ";base64") > comma)
        return NULL;
      text = comma + 1;
    }
  raw = g_base64_decode (text, &len);
  if (raw == NULL || len == 0)
    {
      g_free (raw);
      return NULL;
    }
  return g_bytes_new_take (raw, len);
}

/* Decodes for real: a truncated or corrupt upload shows as width -1. */
static void
decode_image_info (RpFakeImage *image)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  gsize len;
  const guint8 *bytes = g_bytes_get_data (image->data, &len);
  gboolean written = gdk_pixbuf_loader_write (loader, bytes, len, NULL);
  gboolean closed = gdk_pixbuf_loader_close (loader, NULL);
  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);

  if (written && closed && pixbuf != NULL)
    {
      image->width = gdk_pixbuf_get_width (pixbuf);
      image->height = gdk_pixbuf_get_height (pixbuf);
      image->has_alpha = gdk_pixbuf_get_has_alpha (pixbuf);
    }
}

static void
add_image (RpFakeRequest *request,
           const char    *field,
           GBytes        *data)
{
  RpFakeImage *image = g_new0 (RpFakeImage, 1);

  image->field = g_strdup (field);
  image->width = image->height = -1;
  if (data != NULL)
    {
      gsize len;
      const guint8 *bytes = g_bytes_get_data (data, &len);

      image->data = g_bytes_ref (data);
      image->mime_type = g_strdup (rp_image_format_mime_type (rp_image_format_sniff (bytes, len)));
      decode_image_info (image);
    }
  g_ptr_array_add (request->images, image);
}

/* An image reference in a JSON body: a base64 string, a data URL, an http(s) URL (kept
 * undecoded), or an object {"image_url": …} / {"file_id": …}. */
static void
add_json_image (RpFakeRequest *request,
                const char    *field,
                JsonNode      *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      if (json_object_has_member (object, "image_url"))
        add_json_image (request, field, json_object_get_member (object, "image_url"));
      else
        add_image (request, field, NULL);
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      g_autoptr(GBytes) data = NULL;

      if (!g_str_has_prefix (text, "http://") && !g_str_has_prefix (text, "https://"))
        data = decode_base64_image (text);
      add_image (request, field, data);
    }
  else
    {
      add_image (request, field, NULL);
    }
}

static void
collect_json_images (RpFakeRequest *request)
{
  static const char *fields[] = { "image", "images", "mask" };
  JsonObject *root;
  guint i, k;

  if (request->json == NULL || !JSON_NODE_HOLDS_OBJECT (request->json))
    return;
  root = json_node_get_object (request->json);
  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *node = json_object_get_member (root, fields[i]);

      if (node == NULL)
        continue;
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (k = 0; k < json_array_get_length (array); k++)
            add_json_image (request, fields[i], json_array_get_element (array, k));
        }
      else
        {
          add_json_image (request, fields[i], node);
        }
    }
}

static char *
json_scalar_to_string (JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return g_strdup_printf ("%g", json_node_get_double (node));
}

static void
collect_json_fields (RpFakeRequest *request)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (request->json))
    return;
  json_object_iter_init (&iter, json_node_get_object (request->json));
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_VALUE (node))
      g_hash_table_insert (request->fields, g_strdup (name), json_scalar_to_string (node));
}

static void
parse_body (RpFakeRequest *request)
{
  g_autoptr(GHashTable) params = NULL;
  const char *type = soup_message_headers_get_content_type (request->headers, &params);
  gsize len = g_bytes_get_size (request->body);
  guint i;

  if (type == NULL || len == 0)
    return;

  if (g_ascii_strcasecmp (type, "multipart/form-data") == 0)
    {
      const char *boundary = params ? g_hash_table_lookup (params, "boundary") : NULL;

      if (boundary == NULL)
        request->body_error = g_strdup ("multipart without a boundary");
      else
        rp_fake_parse_multipart (request->body, boundary, request->parts, &request->body_error);
      for (i = 0; i < request->parts->len; i++)
        {
          RpFakePart *part = g_ptr_array_index (request->parts, i);

          if (part->data == NULL)
            continue;
          if (part->filename != NULL)
            add_image (request, part->name, part->data);
          else if (!g_hash_table_contains (request->fields, part->name))
            g_hash_table_insert (request->fields, g_strdup (part->name),
                                 g_bytes_get_size (part->data) == 0
                                 ? g_strdup ("")
                                 : g_strndup (g_bytes_get_data (part->data, NULL),
                                              g_bytes_get_size (part->data)));
        }
    }
  else if (g_ascii_strcasecmp (type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(GError) error = NULL;

      if (json_parser_load_from_data (parser, g_bytes_get_data (request->body, NULL), len, &error))
        {
          request->json = json_node_ref (json_parser_get_root (parser));
          collect_json_fields (request);
          collect_json_images (request);
        }
      else
        {
          request->body_error = g_strdup (error->message);
        }
    }
}

/**
 * rp_fake_request_new:
 * @complete: whether @body is the whole body (FALSE when the connection was cut)
 *
 * Records a request and parses its body.
 */
RpFakeRequest *
rp_fake_request_new (const char         *method,
                     const char         *path,
                     const char         *query,
                     SoupMessageHeaders *headers,
                     GBytes             *body,
                     gboolean            complete)
{
  RpFakeRequest *request = g_new0 (RpFakeRequest, 1);

  g_atomic_ref_count_init (&request->ref_count);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->query = g_strdup (query);
  request->query_params = query ? soup_form_decode (query)
                                : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  if (headers != NULL)
    {
      SoupMessageHeadersIter iter;
      const char *name, *value;

      soup_message_headers_iter_init (&iter, headers);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        soup_message_headers_append (request->headers, name, value);
    }
  request->body = body ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  request->body_complete = complete;
  request->parts = g_ptr_array_new_with_free_func (part_free);
  request->images = g_ptr_array_new_with_free_func (image_free);
  request->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (complete)
    parse_body (request);
  return request;
}

RpFakeRequest *
rp_fake_request_ref (RpFakeRequest *request)
{
  g_atomic_ref_count_inc (&request->ref_count);
  return request;
}

void
rp_fake_request_unref (RpFakeRequest *request)
{
  if (request == NULL || !g_atomic_ref_count_dec (&request->ref_count))
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_hash_table_unref (request->query_params);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request->body_error);
  g_ptr_array_unref (request->parts);
  g_clear_pointer (&request->json, json_node_unref);
  g_ptr_array_unref (request->images);
  g_hash_table_unref (request->fields);
  g_free (request->request_id);
  g_free (request);
}

const char *
rp_fake_request_get_method (RpFakeRequest *request)
{
  return request->method;
}

const char *
rp_fake_request_get_path (RpFakeRequest *request)
{
  return request->path;
}

/**
 * rp_fake_request_get_query:
 *
 * Returns: (nullable): the raw query string, without '?'
 */
const char *
rp_fake_request_get_query (RpFakeRequest *request)
{
  return request->query;
}

const char *
rp_fake_request_get_query_param (RpFakeRequest *request,
                                 const char    *name)
{
  return g_hash_table_lookup (request->query_params, name);
}

/**
 * rp_fake_request_get_headers:
 *
 * Returns: (transfer none): every request header as received, Authorization included
 */
SoupMessageHeaders *
rp_fake_request_get_headers (RpFakeRequest *request)
{
  return request->headers;
}

const char *
rp_fake_request_get_header (RpFakeRequest *request,
                            const char    *name)
{
  return soup_message_headers_get_one (request->headers, name);
}

/**
 * rp_fake_request_get_body:
 *
 * Returns: (transfer none): the raw body bytes as received
 */
GBytes *
rp_fake_request_get_body (RpFakeRequest *request)
{
  return request->body;
}

gboolean
rp_fake_request_get_body_complete (RpFakeRequest *request)
{
  return request->body_complete;
}

const char *
rp_fake_request_get_body_error (RpFakeRequest *request)
{
  return request->body_error;
}

guint
rp_fake_request_get_n_parts (RpFakeRequest *request)
{
  return request->parts->len;
}

const RpFakePart *
rp_fake_request_get_part (RpFakeRequest *request,
                          guint          index)
{
  g_return_val_if_fail (index < request->parts->len, NULL);
  return g_ptr_array_index (request->parts, index);
}

/**
 * rp_fake_request_find_part:
 * @nth: 0 for the first part of that name, 1 for the second…
 *
 * Returns: (nullable): the part
 */
const RpFakePart *
rp_fake_request_find_part (RpFakeRequest *request,
                           const char    *name,
                           guint          nth)
{
  guint i;

  for (i = 0; i < request->parts->len; i++)
    {
      RpFakePart *part = g_ptr_array_index (request->parts, i);

      if (g_strcmp0 (part->name, name) == 0 && nth-- == 0)
        return part;
    }
  return NULL;
}

/**
 * rp_fake_request_get_field:
 *
 * Returns: (nullable): a scalar parameter: the text of the first multipart field of that
 *   name (not a file), or a JSON body member rendered as text ("true", "3", or the string)
 */
const char *
rp_fake_request_get_field (RpFakeRequest *request,
                           const char    *name)
{
  return g_hash_table_lookup (request->fields, name);
}

/**
 * rp_fake_request_get_json:
 *
 * Returns: (transfer none) (nullable): the parsed JSON body
 */
JsonNode *
rp_fake_request_get_json (RpFakeRequest *request)
{
  return request->json;
}

guint
rp_fake_request_get_n_images (RpFakeRequest *request)
{
  return request->images->len;
}

const RpFakeImage *
rp_fake_request_get_image (RpFakeRequest *request,
                           guint          index)
{
  g_return_val_if_fail (index < request->images->len, NULL);
  return g_ptr_array_index (request->images, index);
}

RpFakeBehavior
rp_fake_request_get_behavior (RpFakeRequest *request)
{
  return request->behavior;
}

/**
 * rp_fake_request_get_reply_status:
 *
 * Returns: the HTTP status the server answered with (0 when it never answered)
 */
guint
rp_fake_request_get_reply_status (RpFakeRequest *request)
{
  return request->reply_status;
}

/**
 * rp_fake_request_get_request_id:
 *
 * Returns: the x-request-id the server sent back
 */
const char *
rp_fake_request_get_request_id (RpFakeRequest *request)
{
  return request->request_id;
}
