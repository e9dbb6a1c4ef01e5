/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fake-provider-private.h"
#include "rp-test-util.h"

/* A fake key: only ever compared, never printed. */
#define TEST_AUTH "Bearer sk-test-fake-0123456789"

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  GError             *error;
  double              elapsed_ms;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static SoupSession *
new_session (guint timeout_s)
{
  /* Straight to loopback, whatever proxy the environment names. */
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", timeout_s, "max-conns-per-host", 8,
                                        "proxy-resolver", direct, NULL);
}

static Reply *
http (SoupSession      *session,
      const char       *method,
      const char       *url,
      const char       *content_type,
      GBytes           *body,
      const char       *auth,
      SoupMessageFlags  flags)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Reply *reply = g_new0 (Reply, 1);
  gint64 t0 = g_get_monotonic_time ();

  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_flags (msg, flags);
  reply->body = soup_session_send_and_read (session, msg, NULL, &reply->error);
  reply->elapsed_ms = (g_get_monotonic_time () - t0) / 1000.0;
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return reply;
}

static Reply *
post_multipart (SoupSession   *session,
                const char    *url,
                SoupMultipart *multipart,
                GBytes       **sent)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) body = NULL;

  soup_multipart_to_message (multipart, headers, &body);
  if (sent != NULL)
    *sent = g_bytes_ref (body);
  return http (session, "POST", url, soup_message_headers_get_one (headers, "Content-Type"),
               body, TEST_AUTH, 0);
}

static Reply *
post_json (SoupSession *session,
           const char  *url,
           const char  *json)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  return http (session, "POST", url, "application/json", body, TEST_AUTH, 0);
}

static GBytes *
png_bytes (int      width,
           int      height,
           gboolean alpha)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (width, height, alpha);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  gdk_pixbuf_save_to_buffer (pixbuf, &data, &len, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static JsonNode *
parse_json (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

/* A node by dotted path with optional [index]: "data[0].b64_json". */
static JsonNode *
json_get (JsonNode   *root,
          const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, ".", -1);
  JsonNode *node = root;
  guint i;

  for (i = 0; steps[i] != NULL && node != NULL; i++)
    {
      char *bracket = strchr (steps[i], '[');
      int index = -1;

      if (bracket != NULL)
        {
          index = atoi (bracket + 1);
          *bracket = '\0';
        }
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), steps[i]);
      if (node != NULL && index >= 0)
        {
          if (!JSON_NODE_HOLDS_ARRAY (node) || (guint) index >= json_array_get_length (json_node_get_array (node)))
            return NULL;
          node = json_array_get_element (json_node_get_array (node), index);
        }
    }
  return node;
}

static const char *
json_string (JsonNode   *root,
             const char *path)
{
  JsonNode *node = json_get (root, path);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static GdkPixbuf *
decode_image (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static GdkPixbuf *
decode_b64 (const char *b64)
{
  gsize len;
  guchar *raw = g_base64_decode (b64, &len);

  g_autoptr(GBytes) bytes = g_bytes_new_take (raw, len);
  return decode_image (bytes);
}

static void
assert_pixel (GdkPixbuf *pixbuf,
              guint8     r,
              guint8     g,
              guint8     b)
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) + gdk_pixbuf_get_rowstride (pixbuf) *
                    (gdk_pixbuf_get_height (pixbuf) / 2) +
                    gdk_pixbuf_get_n_channels (pixbuf) * (gdk_pixbuf_get_width (pixbuf) / 2);

  g_assert_cmpint (p[0], ==, r);
  g_assert_cmpint (p[1], ==, g);
  g_assert_cmpint (p[2], ==, b);
}

static SoupMultipart *
edit_form (GBytes     *image,
           GBytes     *mask,
           const char *size)
{
  SoupMultipart *m = soup_multipart_new ("multipart/form-data");

  soup_multipart_append_form_file (m, "image", "photo.png", "image/png", image);
  if (mask != NULL)
    soup_multipart_append_form_file (m, "mask", "mask.png", "image/png", mask);
  soup_multipart_append_form_string (m, "prompt", "a red kite");
  soup_multipart_append_form_string (m, "model", "gpt-image-1");
  if (size != NULL)
    soup_multipart_append_form_string (m, "size", size);
  return m;
}

/* A multipart edit is parsed part by part, recorded byte for byte, and answered with real
 * PNGs of the requested size. */
static void
test_multipart_edit (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (96, 64, FALSE);
  g_autoptr(GBytes) mask = png_bytes (96, 64, TRUE);
  g_autoptr(GBytes) sent = NULL;
  g_autoptr(SoupMultipart) form = edit_form (image, mask, "1536x1024");
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  const RpFakePart *part;
  const RpFakeImage *img;

  soup_multipart_append_form_string (form, "n", "2");
  reply = post_multipart (session, url, form, &sent);
  g_assert_no_error (reply->error);
  if (reply->status != 200)
    g_test_message ("%.*s", (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "application/json");

  json = parse_json (reply->body);
  g_assert_cmpstr (json_string (json, "size"), ==, "1536x1024");
  g_assert_nonnull (json_get (json, "usage.input_tokens_details.image_tokens"));
  g_assert_nonnull (json_get (json, "data[1].b64_json"));
  g_assert_null (json_get (json, "data[2]"));
  result = decode_b64 (json_string (json, "data[0].b64_json"));
  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, 1536);
  g_assert_cmpint (gdk_pixbuf_get_height (result), ==, 1024);
  assert_pixel (result, 0xff, 0x00, 0xff);

  g_assert_cmpuint (rp_fake_provider_get_n_requests (fake), ==, 1);
  request = rp_fake_provider_get_request (fake, 0);
  g_assert_cmpstr (rp_fake_request_get_method (request), ==, "POST");
  g_assert_cmpstr (rp_fake_request_get_path (request), ==, "/v1/images/edits");
  g_assert_null (rp_fake_request_get_query (request));
  g_assert_cmpstr (rp_fake_request_get_header (request, "Authorization"), ==, TEST_AUTH);
  g_assert_true (g_bytes_equal (rp_fake_request_get_body (request), sent));
  g_assert_true (rp_fake_request_get_body_complete (request));
  g_assert_null (rp_fake_request_get_body_error (request));
  g_assert_cmpstr (rp_fake_request_get_request_id (request), ==,
                   soup_message_headers_get_one (reply->headers, "x-request-id"));
  g_assert_cmpuint (rp_fake_request_get_reply_status (request), ==, 200);

  g_assert_cmpuint (rp_fake_request_get_n_parts (request), ==, 6);
  part = rp_fake_request_get_part (request, 0);
  g_assert_cmpstr (part->name, ==, "image");
  g_assert_cmpstr (part->filename, ==, "photo.png");
  g_assert_cmpstr (part->content_type, ==, "image/png");
  g_assert_true (g_bytes_equal (part->data, image));
  part = rp_fake_request_get_part (request, 1);
  g_assert_cmpstr (part->name, ==, "mask");
  g_assert_true (g_bytes_equal (part->data, mask));
  part = rp_fake_request_get_part (request, 2);
  g_assert_cmpstr (part->name, ==, "prompt");
  g_assert_null (part->filename);
  g_assert_cmpstr (rp_fake_request_get_field (request, "prompt"), ==, "a red kite");
  g_assert_cmpstr (rp_fake_request_get_field (request, "n"), ==, "2");

  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 2);
  img = rp_fake_request_get_image (request, 0);
  g_assert_cmpstr (img->field, ==, "image");
  g_assert_cmpint (img->width, ==, 96);
  g_assert_cmpint (img->height, ==, 64);
  g_assert_false (img->has_alpha);
  g_assert_cmpstr (img->mime_type, ==, "image/png");
  img = rp_fake_request_get_image (request, 1);
  g_assert_cmpstr (img->field, ==, "mask");
  g_assert_true (img->has_alpha);
}

/* Several images as image[]; without a size the result takes the first image's size. */
static void
test_multi_image (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) a = png_bytes (80, 60, FALSE);
  g_autoptr(GBytes) b = png_bytes (40, 40, FALSE);
  g_autoptr(SoupMultipart) form = soup_multipart_new ("multipart/form-data");
  g_autofree char *url = rp_fake_provider_url (fake, "/relay/v1/images/edits");
  g_autoptr(Reply) reply = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GdkPixbuf) result = NULL;

  rp_fake_provider_set_result_color (fake, 0x2050a0ff);
  soup_multipart_append_form_file (form, "image[]", "a.png", "image/png", a);
  soup_multipart_append_form_file (form, "image[]", "b.png", "image/png", b);
  soup_multipart_append_form_string (form, "prompt", "merge");
  soup_multipart_append_form_string (form, "model", "gpt-image-2");
  reply = post_multipart (session, url, form, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  json = parse_json (reply->body);
  g_assert_cmpstr (json_string (json, "size"), ==, "80x60");
  result = decode_b64 (json_string (json, "data[0].b64_json"));
  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, 80);
  assert_pixel (result, 0x20, 0x50, 0xa0);

  request = rp_fake_provider_get_request (fake, 0);
  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 2);
  g_assert_cmpstr (rp_fake_request_get_image (request, 1)->field, ==, "image[]");
  g_assert_cmpint (rp_fake_request_get_image (request, 1)->width, ==, 40);
  g_assert_nonnull (rp_fake_request_find_part (request, "image[]", 1));
  g_assert_null (rp_fake_request_find_part (request, "image[]", 2));

  /* The repeated bare `image` field some relays document works the same way. */
  {
    g_autoptr(SoupMultipart) repeated = soup_multipart_new ("multipart/form-data");
    g_autoptr(Reply) again = NULL;
    g_autoptr(RpFakeRequest) second = NULL;

    soup_multipart_append_form_file (repeated, "image", "b.png", "image/png", b);
    soup_multipart_append_form_file (repeated, "image", "a.png", "image/png", a);
    soup_multipart_append_form_string (repeated, "prompt", "merge");
    again = post_multipart (session, url, repeated, NULL);
    g_assert_cmpuint (again->status, ==, 200);
    second = rp_fake_provider_get_request (fake, 1);
    g_assert_cmpuint (rp_fake_request_get_n_images (second), ==, 2);
    g_assert_cmpstr (rp_fake_request_get_image (second, 1)->field, ==, "image");
    g_assert_cmpint (rp_fake_request_get_image (second, 1)->width, ==, 80);
  }
}

/* The JSON edit body (images[] of data URLs, mask) is parsed and its images decoded. */
static void
test_json_edit (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
  g_autoptr(GBytes) mask = png_bytes (64, 64, TRUE);
  g_autofree char *image64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  g_autofree char *mask64 = g_base64_encode (g_bytes_get_data (mask, NULL), g_bytes_get_size (mask));
  g_autofree char *body = g_strdup_printf (
    "{\"model\":\"gpt-image-1.5\",\"prompt\":\"x\",\"n\":1,\"stream\":false,"
    "\"images\":[{\"image_url\":\"data:image/png;base64,%s\"},{\"image_url\":\"https://example.invalid/a.png\"}],"
    "\"mask\":{\"image_url\":\"data:image/png;base64,%s\"},\"size\":\"1024x1024\"}", image64, mask64);
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");
  g_autoptr(Reply) reply = post_json (session, url, body);
  g_autoptr(RpFakeRequest) request = rp_fake_provider_get_request (fake, 0);
  JsonNode *json = rp_fake_request_get_json (request);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (json);
  g_assert_cmpstr (json_string (json, "model"), ==, "gpt-image-1.5");
  g_assert_cmpstr (rp_fake_request_get_field (request, "n"), ==, "1");
  g_assert_cmpstr (rp_fake_request_get_field (request, "stream"), ==, "false");
  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 3);
  g_assert_cmpstr (rp_fake_request_get_image (request, 0)->field, ==, "images");
  g_assert_cmpint (rp_fake_request_get_image (request, 0)->width, ==, 64);
  /* A remote reference is recorded, not fetched. */
  g_assert_null (rp_fake_request_get_image (request, 1)->data);
  g_assert_cmpstr (rp_fake_request_get_image (request, 2)->field, ==, "mask");
  g_assert_true (rp_fake_request_get_image (request, 2)->has_alpha);
}

static void
assert_openai_error (Reply      *reply,
                     guint       status,
                     const char *code,
                     const char *param)
{
  g_autoptr(JsonNode) json = parse_json (reply->body);

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_nonnull (json_string (json, "error.message"));
  g_assert_nonnull (json_get (json, "error.type"));
  g_assert_cmpstr (json_string (json, "error.code"), ==, code);
  if (param != NULL)
    g_assert_cmpstr (json_string (json, "error.param"), ==, param);
}

/* Requests a real endpoint would refuse are refused the same way. */
static void
test_validation (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (64, 48, FALSE);
  g_autoptr(GBytes) small_mask = png_bytes (32, 24, TRUE);
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");
  g_autoptr(SoupMultipart) no_prompt = soup_multipart_new ("multipart/form-data");
  g_autoptr(SoupMultipart) bad_mask = edit_form (image, small_mask, NULL);
  g_autoptr(SoupMultipart) response_format = edit_form (image, NULL, NULL);
  g_autoptr(SoupMultipart) empty = edit_form (image, NULL, NULL);
  g_autoptr(Reply) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  g_autoptr(GBytes) broken = NULL;
  g_autoptr(RpFakeRequest) last = NULL;

  soup_multipart_append_form_file (no_prompt, "image", "p.png", "image/png", image);
  r1 = post_multipart (session, url, no_prompt, NULL);
  assert_openai_error (r1, 400, "missing_required_parameter", "prompt");

  r2 = post_multipart (session, url, bad_mask, NULL);
  assert_openai_error (r2, 400, "invalid_value", "mask");

  soup_multipart_append_form_string (response_format, "response_format", "b64_json");
  r3 = post_multipart (session, url, response_format, NULL);
  assert_openai_error (r3, 400, "unknown_parameter", "response_format");

  /* mixrouter's doc trap: an empty stream="" */
  soup_multipart_append_form_string (empty, "stream", "");
  r4 = post_multipart (session, url, empty, NULL);
  assert_openai_error (r4, 400, "invalid_value", "stream");

  broken = g_bytes_new_static ("--XyZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhi", 57);
  r5 = http (session, "POST", url, "multipart/form-data; boundary=XyZ", broken, TEST_AUTH, 0);
  assert_openai_error (r5, 400, "invalid_body", NULL);
  last = rp_fake_provider_get_request (fake, 4);
  g_assert_cmpstr (rp_fake_request_get_body_error (last), ==, "no closing boundary");

  r6 = http (session, "POST", url, "text/plain", broken, TEST_AUTH, 0);
  assert_openai_error (r6, 400, "invalid_content_type", NULL);
}

static void
test_strict_multipart (void)
{
  static const struct { const char *body; const char *error; guint parts; } cases[] = {
    { "preamble\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n", NULL, 1 },
    { "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B\r\n"
      "Content-Disposition: form-data; name=\"f\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n\r\n--\r\n--B--", NULL, 2 },
    { "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B", "no closing boundary", 1 },
    { "--B\nContent-Disposition: form-data; name=\"a\"\n\n1\n--B--", "delimiter not followed by CRLF", 0 },
    { "--B\r\nContent-Type: text/plain\r\n\r\n1\r\n--B--", "part without Content-Disposition: form-data", 1 },
    { "--B\r\nContent-Disposition: form-data\r\n\r\n1\r\n--B--", "part without a name", 1 },
    { "nothing here", "no boundary delimiter in the body", 0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (cases[i].body, strlen (cases[i].body));
      g_autoptr(GPtrArray) parts = g_ptr_array_new ();
      g_autofree char *error = NULL;
      gboolean ok = rp_fake_parse_multipart (body, "B", parts, &error);

      g_assert_cmpint (ok, ==, cases[i].error == NULL);
      g_assert_cmpstr (error, ==, cases[i].error);
      g_assert_cmpuint (parts->len, ==, cases[i].parts);
      if (i == 1)
        {
          RpFakePart *file = g_ptr_array_index (parts, 1);

          /* The content may itself hold CRLF and dashes. */
          g_assert_cmpmem (g_bytes_get_data (file->data, NULL), g_bytes_get_size (file->data), "\r\n--", 4);
          g_assert_cmpstr (file->filename, ==, "x.png");
        }
      /* The parts are the caller's to free; the records do it in the server. */
      g_ptr_array_set_free_func (parts, NULL);
      while (parts->len > 0)
        {
          RpFakePart *part = g_ptr_array_steal_index (parts, 0);

          g_free (part->name);
          g_free (part->filename);
          g_free (part->content_type);
          g_clear_pointer (&part->data, g_bytes_unref);
          g_clear_pointer (&part->headers, soup_message_headers_unref);
          g_free (part);
        }
    }
}

/* url results: downloads from this server, from the foreign one, and a page that is not
 * an image. The records show which downloads carried Authorization. */
static void
test_url_results (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");
  RpFakeProvider *foreign = rp_fake_provider_get_foreign (fake);
  RpFakeBehavior kinds[] = { RP_FAKE_URL_RESULTS, RP_FAKE_FOREIGN_URL_RESULTS, RP_FAKE_NOT_IMAGE_URL };
  guint i;

  g_assert_cmpuint (rp_fake_provider_get_port (foreign), !=, rp_fake_provider_get_port (fake));
  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(SoupMultipart) form = edit_form (image, NULL, "1024x1024");
      g_autoptr(Reply) reply = NULL;
      g_autoptr(Reply) download = NULL;
      g_autoptr(JsonNode) json = NULL;
      g_autoptr(RpFakeRequest) fetched = NULL;
      RpFakeProvider *host = kinds[i] == RP_FAKE_FOREIGN_URL_RESULTS ? foreign : fake;
      const char *result_url;

      rp_fake_provider_push (fake, "/images/edits", kinds[i]);
      reply = post_multipart (session, url, form, NULL);
      g_assert_cmpuint (reply->status, ==, 200);
      json = parse_json (reply->body);
      g_assert_null (json_get (json, "data[0].b64_json"));
      result_url = json_string (json, "data[0].url");
      g_assert_true (g_str_has_prefix (result_url, rp_fake_provider_get_url (host)));

      /* Fetched without the key, as a client must for a foreign host. */
      download = http (session, "GET", result_url, NULL, NULL, NULL, 0);
      g_assert_cmpuint (download->status, ==, 200);
      fetched = rp_fake_provider_get_request (host, rp_fake_provider_get_n_requests (host) - 1);
      g_assert_true (g_str_has_suffix (result_url, rp_fake_request_get_path (fetched)));
      g_assert_null (rp_fake_request_get_header (fetched, "Authorization"));
      if (kinds[i] == RP_FAKE_NOT_IMAGE_URL)
        g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (download->headers, NULL), "text/html"));
      else
        {
          g_autoptr(GdkPixbuf) pixbuf = decode_image (download->body);

          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 1024);
        }
    }
  /* Nothing but the one download reached the foreign host. */
  g_assert_cmpuint (rp_fake_provider_get_n_requests (foreign), ==, 1);
}

typedef struct
{
  char *event;
  char *data;
} Frame;

static void
frame_free (gpointer data)
{
  Frame *f = data;

  g_free (f->event);
  g_free (f->data);
  g_free (f);
}

/* Server-sent events: frames end with a blank line; a frame left unterminated is dropped. */
static GPtrArray *
parse_sse (GBytes   *body,
           gboolean *tail)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  GPtrArray *frames = g_ptr_array_new_with_free_func (frame_free);
  char *p = text, *end;

  while ((end = strstr (p, "\n\n")) != NULL)
    {
      g_auto(GStrv) lines = NULL;
      Frame *f = g_new0 (Frame, 1);
      guint i;

      *end = '\0';
      lines = g_strsplit (p, "\n", -1);
      for (i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "event: "))
          f->event = g_strdup (lines[i] + 7);
        else if (g_str_has_prefix (lines[i], "data: "))
          f->data = g_strdup (lines[i] + 6);
      g_ptr_array_add (frames, f);
      p = end + 2;
    }
  *tail = *p != '\0';
  return frames;
}

static JsonNode *
frame_json (Frame *frame)
{
  g_autoptr(GBytes) bytes = g_bytes_new (frame->data, strlen (frame->data));

  return parse_json (bytes);
}

static Reply *
post_stream (RpFakeProvider *fake,
             SoupSession    *session,
             const char     *partials)
{
  g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
  g_autoptr(SoupMultipart) form = edit_form (image, NULL, "1024x1536");
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");

  soup_multipart_append_form_string (form, "stream", "true");
  if (partials != NULL)
    soup_multipart_append_form_string (form, "partial_images", partials);
  return post_multipart (session, url, form, NULL);
}

static void
test_stream (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(JsonNode) done = NULL;
  gboolean tail;
  guint i;

  rp_fake_provider_set_sse_interval (fake, 60);
  reply = post_stream (fake, session, "2");
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "text/event-stream");
  g_assert_cmpint (soup_message_headers_get_encoding (reply->headers), ==, SOUP_ENCODING_CHUNKED);
  /* Four frames 60 ms apart. */
  g_assert_cmpfloat (reply->elapsed_ms, >=, 3 * 60 - 10);

  frames = parse_sse (reply->body, &tail);
  g_assert_false (tail);
  g_assert_cmpuint (frames->len, ==, 4);
  for (i = 0; i < 2; i++)
    {
      Frame *f = g_ptr_array_index (frames, i);
      g_autoptr(JsonNode) json = frame_json (f);
      g_autoptr(GdkPixbuf) partial = decode_b64 (json_string (json, "b64_json"));

      g_assert_cmpstr (f->event, ==, "image_edit.partial_image");
      g_assert_cmpstr (json_string (json, "type"), ==, "image_edit.partial_image");
      g_assert_cmpint (json_node_get_int (json_get (json, "partial_image_index")), ==, i);
      g_assert_cmpint (gdk_pixbuf_get_height (partial), ==, 1536);
    }
  done = frame_json (g_ptr_array_index (frames, 2));
  g_assert_cmpstr (((Frame *) g_ptr_array_index (frames, 2))->event, ==, "image_edit.completed");
  g_assert_nonnull (json_get (done, "usage.total_tokens"));
  g_assert_cmpstr (json_string (done, "size"), ==, "1024x1536");
  {
    g_autoptr(GdkPixbuf) final = decode_b64 (json_string (done, "b64_json"));

    assert_pixel (final, 0xff, 0x00, 0xff);
  }
  g_assert_cmpstr (((Frame *) g_ptr_array_index (frames, 3))->data, ==, "[DONE]");
}

static void
test_stream_faults (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(Reply) error_reply = NULL, cut = NULL;
  g_autoptr(GPtrArray) frames = NULL, cut_frames = NULL;
  g_autoptr(JsonNode) error_json = NULL;
  gboolean tail;

  rp_fake_provider_push (fake, NULL, RP_FAKE_SSE_ERROR);
  error_reply = post_stream (fake, session, NULL);
  g_assert_cmpuint (error_reply->status, ==, 200);
  frames = parse_sse (error_reply->body, &tail);
  g_assert_cmpuint (frames->len, ==, 2);
  g_assert_cmpstr (((Frame *) g_ptr_array_index (frames, 1))->event, ==, "error");
  error_json = frame_json (g_ptr_array_index (frames, 1));
  g_assert_cmpstr (json_string (error_json, "error.code"), ==, "moderation_blocked");

  /* The connection closes in the middle of the completed event. */
  rp_fake_provider_push (fake, NULL, RP_FAKE_SSE_CUT);
  cut = post_stream (fake, session, "1");
  g_assert_cmpuint (cut->status, ==, 200);
  cut_frames = parse_sse (cut->body, &tail);
  g_assert_cmpuint (cut_frames->len, ==, 1);
  g_assert_true (tail);
  g_assert_null (strstr (g_bytes_get_data (cut->body, NULL), "[DONE]"));
}

static JsonNode *
get_json (SoupSession *session,
          const char  *url,
          guint        expect_status)
{
  g_autoptr(Reply) reply = http (session, "GET", url, NULL, NULL, TEST_AUTH, 0);

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, expect_status);
  return parse_json (reply->body);
}

/* mixrouter async: submit, then queued → running → succeeded (or failed). */
static void
test_async (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
  g_autofree char *submit_url = rp_fake_provider_url (fake, "/v1/images/edits?async=true");
  static const char *expected[] = { "queued", "running", "running", "succeeded", "succeeded" };
  g_autoptr(SoupMultipart) form = edit_form (image, NULL, "1024x1024");
  g_autoptr(Reply) submit = post_multipart (session, submit_url, form, NULL);
  g_autoptr(JsonNode) job = parse_json (submit->body);
  g_autofree char *poll_url = NULL, *missing_url = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(RpFakeRequest) recorded = rp_fake_provider_get_request (fake, 0);
  guint i;

  g_assert_cmpuint (submit->status, ==, 202);
  g_assert_cmpstr (rp_fake_request_get_query_param (recorded, "async"), ==, "true");
  g_assert_cmpstr (json_string (job, "object"), ==, "async_media_job");
  g_assert_cmpstr (json_string (job, "status"), ==, "queued");
  g_assert_true (g_str_has_prefix (json_string (job, "id"), "job_"));
  poll_url = rp_fake_provider_url (fake, json_string (job, "status_url"));

  rp_fake_provider_set_async_polls (fake, 1, 2);
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(JsonNode) status = get_json (session, poll_url, 200);

      g_assert_cmpstr (json_string (status, "status"), ==, expected[i]);
      if (g_str_equal (expected[i], "succeeded"))
        {
          g_autoptr(GdkPixbuf) result = decode_b64 (json_string (status, "data.data[0].b64_json"));

          g_assert_cmpint (gdk_pixbuf_get_width (result), ==, 1024);
          g_assert_cmpint (json_node_get_int (json_get (status, "http_status")), ==, 200);
        }
      else
        g_assert_true (JSON_NODE_HOLDS_NULL (json_get (status, "data")));
    }

  missing_url = rp_fake_provider_url (fake, "/v1/async/tasks/job_nope");
  missing = get_json (session, missing_url, 404);
  g_assert_cmpstr (json_string (missing, "error.code"), ==, "job_not_found");

  /* A task that fails; and contract B's bare task id, polled at /v1/images/tasks/. */
  rp_fake_provider_set_async_polls (fake, 0, 0);
  {
    g_autoptr(SoupMultipart) f2 = edit_form (image, NULL, NULL);
    g_autoptr(SoupMultipart) f3 = edit_form (image, NULL, NULL);
    g_autoptr(Reply) failing = NULL, bare = NULL;
    g_autoptr(JsonNode) j2 = NULL, j3 = NULL, s2 = NULL, s3 = NULL;
    g_autofree char *u2 = NULL, *u3 = NULL, *p3 = NULL;

    rp_fake_provider_push (fake, NULL, RP_FAKE_ASYNC_FAIL);
    failing = post_multipart (session, submit_url, f2, NULL);
    j2 = parse_json (failing->body);
    u2 = rp_fake_provider_url (fake, json_string (j2, "status_url"));
    s2 = get_json (session, u2, 200);
    g_assert_cmpstr (json_string (s2, "status"), ==, "failed");
    g_assert_nonnull (json_string (s2, "error.message"));

    rp_fake_provider_push (fake, NULL, RP_FAKE_ASYNC_TASK_ID_ONLY);
    bare = post_multipart (session, submit_url, f3, NULL);
    g_assert_cmpuint (bare->status, ==, 200);
    j3 = parse_json (bare->body);
    g_assert_null (json_get (j3, "status_url"));
    p3 = g_strdup_printf ("/v1/images/tasks/%s", json_string (j3, "task_id"));
    u3 = rp_fake_provider_url (fake, p3);
    s3 = get_json (session, u3, 200);
    g_assert_cmpstr (json_string (s3, "status"), ==, "succeeded");
  }
}

static void
test_venice (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (320, 240, FALSE);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  g_autofree char *edit_url = rp_fake_provider_url (fake, "/api/v1/image/edit");
  g_autofree char *multi_url = rp_fake_provider_url (fake, "/api/v1/image/multi-edit");
  g_autofree char *models_url = rp_fake_provider_url (fake, "/api/v1/models?type=inpaint");
  g_autofree char *upscale_url = rp_fake_provider_url (fake, "/api/v1/models?type=upscale");
  g_autofree char *edit = g_strdup_printf ("{\"model\":\"firered-image-edit\",\"prompt\":\"sky blue\","
                                           "\"image\":\"%s\",\"enhance_prompt\":true}", b64);
  g_autofree char *multi = g_strdup_printf ("{\"modelId\":\"gpt-image-2-edit\",\"prompt\":\"p\","
                                            "\"images\":[\"%s\",\"data:image/png;base64,%s\"],"
                                            "\"resolution\":\"2K\"}", b64, b64);
  g_autofree char *multi_bad = g_strdup_printf ("{\"model\":\"x\",\"prompt\":\"p\",\"images\":[\"%s\"]}", b64);
  g_autoptr(Reply) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, r6 = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(JsonNode) models = NULL, upscale = NULL, bad = NULL, policy = NULL, pay = NULL;
  g_autoptr(RpFakeRequest) multi_record = NULL;

  r1 = post_json (session, edit_url, edit);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r1->headers, NULL), ==, "image/png");
  g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "x-venice-is-content-violation"), ==, "false");
  g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "x-venice-model-id"), ==, "firered-image-edit");
  g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "x-venice-enhanced-prompt"), ==,
                   "sky%20blue%2C%20highly%20detailed");
  out = decode_image (r1->body);
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (out), ==, 240);

  /* multi-edit: modelId, base64 and data-URL items; 2K defaults to JPEG. */
  r2 = post_json (session, multi_url, multi);
  g_assert_cmpuint (r2->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (r2->headers, NULL), ==, "image/jpeg");
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (r2->body, NULL))[0], ==, 0xff);
  multi_record = rp_fake_provider_get_request (fake, 1);
  g_assert_cmpuint (rp_fake_request_get_n_images (multi_record), ==, 2);
  g_assert_cmpint (rp_fake_request_get_image (multi_record, 1)->width, ==, 320);

  /* additionalProperties: false — multi-edit has modelId, not model. */
  r3 = post_json (session, multi_url, multi_bad);
  g_assert_cmpuint (r3->status, ==, 400);
  bad = parse_json (r3->body);
  g_assert_cmpstr (json_string (bad, "error"), ==, "Invalid request parameters");
  g_assert_nonnull (json_get (bad, "details.model._errors"));

  models = get_json (session, models_url, 200);
  g_assert_cmpstr (json_string (models, "data[0].id"), ==, "gpt-image-2-edit");
  g_assert_cmpint (json_node_get_int (json_get (models, "data[0].model_spec.constraints.maxInputImages")), ==, 14);
  g_assert_null (json_get (models, "data[1].model_spec.constraints.maxInputImages"));
  g_assert_nonnull (json_get (models, "data[2].model_spec.constraints.promptCharacterLimit"));
  upscale = get_json (session, upscale_url, 200);
  g_assert_null (json_get (upscale, "data[0]"));

  rp_fake_provider_push (fake, "/image/edit", RP_FAKE_MODERATION);
  r4 = post_json (session, edit_url, edit);
  g_assert_cmpuint (r4->status, ==, 422);
  policy = parse_json (r4->body);
  g_assert_cmpstr (json_string (policy, "code"), ==, "CONTENT_POLICY_VIOLATION");
  g_assert_nonnull (strstr (json_string (policy, "error"), "content policy"));

  rp_fake_provider_push (fake, "/image/edit", RP_FAKE_PAYMENT_REQUIRED);
  r5 = post_json (session, edit_url, edit);
  g_assert_cmpuint (r5->status, ==, 402);
  pay = parse_json (r5->body);
  g_assert_cmpstr (json_string (pay, "code"), ==, "INSUFFICIENT_BALANCE");

  /* multi-edit as multipart: `images` repeated, no brackets. */
  {
    g_autoptr(SoupMultipart) form = soup_multipart_new ("multipart/form-data");
    g_autoptr(GBytes) layer = png_bytes (320, 240, TRUE);
    g_autoptr(Reply) r = NULL;
    g_autoptr(RpFakeRequest) rec = NULL;
    g_autoptr(GdkPixbuf) pb = NULL;

    soup_multipart_append_form_file (form, "images", "base.png", "image/png", image);
    soup_multipart_append_form_file (form, "images", "layer.png", "image/png", layer);
    soup_multipart_append_form_string (form, "modelId", "firered-image-edit");
    soup_multipart_append_form_string (form, "prompt", "p");
    r = post_multipart (session, multi_url, form, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    pb = decode_image (r->body);
    g_assert_cmpint (gdk_pixbuf_get_width (pb), ==, 320);
    rec = rp_fake_provider_get_request (fake, rp_fake_provider_get_n_requests (fake) - 1);
    g_assert_cmpuint (rp_fake_request_get_n_images (rec), ==, 2);
    g_assert_true (rp_fake_request_get_image (rec, 1)->has_alpha);
  }

  rp_fake_provider_push (fake, "/image/edit", RP_FAKE_CONTENT_FLAGGED);
  r6 = post_json (session, edit_url, edit);
  g_assert_cmpuint (r6->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r6->headers, "x-venice-is-content-violation"), ==, "true");
}

static Reply *
simple_edit (RpFakeProvider *fake,
             SoupSession    *session,
             const char     *path)
{
  g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
  g_autoptr(SoupMultipart) form = edit_form (image, NULL, "1024x1024");
  g_autofree char *url = rp_fake_provider_url (fake, path);

  return post_multipart (session, url, form, NULL);
}

/* Error statuses in OpenAI's shape, one request each, then success again. */
static void
test_errors (void)
{
  static const struct {
    RpFakeFault fault;
    guint status;
    const char *code;
    const char *header;
    const char *header_value;
  } cases[] = {
    { { RP_FAKE_RATE_LIMIT, .retry_after_s = 3 }, 429, "rate_limit_exceeded", "Retry-After", "3" },
    { { RP_FAKE_RATE_LIMIT_MS, .delay_ms = 250 }, 429, "rate_limit_exceeded", "retry-after-ms", "250" },
    { { RP_FAKE_QUOTA_429 }, 429, "insufficient_quota", NULL, NULL },
    { { RP_FAKE_SERVER_ERROR }, 500, NULL, NULL, NULL },
    { { RP_FAKE_SERVER_ERROR, .status = 502 }, 502, NULL, NULL, NULL },
    { { RP_FAKE_SERVER_ERROR, .status = 503 }, 503, NULL, NULL, NULL },
    { { RP_FAKE_INVALID_API_KEY }, 401, "invalid_api_key", NULL, NULL },
    { { RP_FAKE_INSUFFICIENT_QUOTA }, 403, "insufficient_quota", NULL, NULL },
    { { RP_FAKE_MODERATION }, 400, "moderation_blocked", NULL, NULL },
  };
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Reply) failed = NULL, again = NULL;
      g_autoptr(JsonNode) json = NULL;

      rp_fake_provider_push_fault (fake, "/images/edits", &cases[i].fault);
      failed = simple_edit (fake, session, "/v1/images/edits");
      g_assert_cmpuint (failed->status, ==, cases[i].status);
      json = parse_json (failed->body);
      g_assert_nonnull (json_string (json, "error.message"));
      if (cases[i].code != NULL)
        g_assert_cmpstr (json_string (json, "error.code"), ==, cases[i].code);
      else
        g_assert_true (JSON_NODE_HOLDS_NULL (json_get (json, "error.code")));
      if (cases[i].header != NULL)
        g_assert_cmpstr (soup_message_headers_get_one (failed->headers, cases[i].header), ==,
                         cases[i].header_value);
      if (cases[i].fault.behavior == RP_FAKE_MODERATION)
        {
          g_assert_nonnull (strstr (json_string (json, "error.message"), "safety_violations=["));
          g_assert_cmpstr (json_string (json, "error.moderation_details.moderation_stage"), ==, "input");
        }
      g_assert_nonnull (soup_message_headers_get_one (failed->headers, "x-request-id"));

      again = simple_edit (fake, session, "/v1/images/edits");
      g_assert_cmpuint (again->status, ==, 200);
    }

  /* A fault queued for another route leaves this one alone. */
  rp_fake_provider_push (fake, "/image/edit", RP_FAKE_SERVER_ERROR);
  {
    g_autoptr(Reply) unaffected = simple_edit (fake, session, "/v1/images/edits");

    g_assert_cmpuint (unaffected->status, ==, 200);
  }
  /* A default applies to every request until removed. */
  rp_fake_provider_set_default (fake, "/images/edits", &(RpFakeFault) { RP_FAKE_SERVER_ERROR, .status = 503 });
  for (i = 0; i < 2; i++)
    {
      g_autoptr(Reply) r = simple_edit (fake, session, "/v1/images/edits");

      g_assert_cmpuint (r->status, ==, 503);
    }
  rp_fake_provider_set_default (fake, "/images/edits", NULL);
  {
    g_autoptr(Reply) r = simple_edit (fake, session, "/v1/images/edits");

    g_assert_cmpuint (r->status, ==, 200);
  }
}

static void
test_bad_bodies (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(Reply) invalid = NULL, empty = NULL, truncated = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) json = NULL;

  rp_fake_provider_push (fake, NULL, RP_FAKE_INVALID_JSON);
  invalid = simple_edit (fake, session, "/v1/images/edits");
  g_assert_cmpuint (invalid->status, ==, 200);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (invalid->body, NULL),
                                              g_bytes_get_size (invalid->body), NULL));

  rp_fake_provider_push (fake, NULL, RP_FAKE_EMPTY_DATA);
  empty = simple_edit (fake, session, "/v1/images/edits");
  json = parse_json (empty->body);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_get (json, "data"))), ==, 0);

  /* Content-Length promises the whole body; half arrives, then the connection closes.
   * libsoup 3.2 reports no error for this (it hands back the short body), so a client has
   * to compare what arrived with Content-Length. */
  rp_fake_provider_push (fake, NULL, RP_FAKE_TRUNCATED);
  truncated = simple_edit (fake, session, "/v1/images/edits");
  g_assert_cmpuint (truncated->status, ==, 200);
  g_assert_nonnull (truncated->body);
  g_assert_cmpint (soup_message_headers_get_content_length (truncated->headers), >,
                   2 * g_bytes_get_size (truncated->body) - 2);
  g_assert_cmpuint (g_bytes_get_size (truncated->body), >, 0);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (truncated->body, NULL),
                                              g_bytes_get_size (truncated->body), NULL));
}

static void
test_slow (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(Reply) delayed = NULL, dripped = NULL;
  g_autoptr(JsonNode) json = NULL;
  gsize len;

  rp_fake_provider_push_fault (fake, NULL, &(RpFakeFault) { RP_FAKE_DELAY, .delay_ms = 300 });
  delayed = simple_edit (fake, session, "/v1/images/edits");
  g_assert_cmpuint (delayed->status, ==, 200);
  g_assert_cmpfloat (delayed->elapsed_ms, >=, 290);

  rp_fake_provider_push_fault (fake, NULL, &(RpFakeFault) { RP_FAKE_DRIP, .delay_ms = 20, .bytes = 1024 });
  dripped = simple_edit (fake, session, "/v1/images/edits");
  g_assert_no_error (dripped->error);
  g_assert_cmpuint (dripped->status, ==, 200);
  len = g_bytes_get_size (dripped->body);
  g_assert_cmpint (soup_message_headers_get_content_length (dripped->headers), ==, len);
  /* Every 1 KiB piece after the first waited 20 ms. */
  g_assert_cmpfloat (dripped->elapsed_ms, >=, ((len + 1023) / 1024 - 1) * 20 * 0.9);
  json = parse_json (dripped->body);
  g_assert_nonnull (json_string (json, "data[0].b64_json"));
}

static void
test_stall (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (1);
  g_autoptr(Reply) stalled = NULL;
  g_autoptr(RpFakeRequest) request = NULL;

  rp_fake_provider_push (fake, NULL, RP_FAKE_STALL);
  stalled = simple_edit (fake, session, "/v1/images/edits");
  g_assert_error (stalled->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpfloat (stalled->elapsed_ms, >=, 900);
  request = rp_fake_provider_get_request (fake, 0);
  g_assert_true (rp_fake_request_get_body_complete (request));
  g_assert_cmpuint (rp_fake_request_get_reply_status (request), ==, 0);
}

/* The connection is reset while the client is still sending a large body. */
static void
test_reset_upload (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  gsize big = 8 * 1024 * 1024;
  g_autoptr(GBytes) body = g_bytes_new_take (g_malloc0 (big), big);
  g_autoptr(GBytes) small = g_bytes_new_static ("{\"prompt\":\"x\"}", 14);
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");
  g_autoptr(Reply) reset = NULL, small_reset = NULL, after = NULL;
  g_autoptr(RpFakeRequest) request = NULL, small_request = NULL;

  rp_fake_provider_push_fault (fake, NULL, &(RpFakeFault) { RP_FAKE_RESET_UPLOAD, .bytes = 256 * 1024 });
  reset = http (session, "POST", url, "application/octet-stream", body, TEST_AUTH, 0);
  g_assert_nonnull (reset->error);
  g_test_message ("reset: %s", reset->error->message);
  request = rp_fake_provider_wait_request (fake, 0, 5000);
  g_assert_nonnull (request);
  g_assert_false (rp_fake_request_get_body_complete (request));
  g_assert_cmpuint (g_bytes_get_size (rp_fake_request_get_body (request)), >=, 256 * 1024);
  g_assert_cmpuint (g_bytes_get_size (rp_fake_request_get_body (request)), <, big);
  g_assert_cmpint (rp_fake_request_get_behavior (request), ==, RP_FAKE_RESET_UPLOAD);

  /* A body shorter than the threshold: the reset comes instead of the answer. */
  rp_fake_provider_push (fake, NULL, RP_FAKE_RESET_UPLOAD);
  small_reset = http (session, "POST", url, "application/json", small, TEST_AUTH, 0);
  g_assert_nonnull (small_reset->error);
  small_request = rp_fake_provider_wait_request (fake, 1, 5000);
  g_assert_true (rp_fake_request_get_body_complete (small_request));

  after = simple_edit (fake, session, "/v1/images/edits");
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_redirect (void)
{
  g_autoptr(RpFakeProvider) fake = rp_fake_provider_new ();
  g_autoptr(SoupSession) session = new_session (30);
  g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
  g_autoptr(SoupMultipart) form = edit_form (image, NULL, NULL);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = rp_fake_provider_url (fake, "/v1/images/edits");
  g_autoptr(Reply) redirect = NULL, followed = NULL;
  g_autoptr(RpFakeRequest) second = NULL;
  const char *location;

  soup_multipart_to_message (form, headers, &body);
  rp_fake_provider_push (fake, NULL, RP_FAKE_REDIRECT);
  redirect = http (session, "POST", url, soup_message_headers_get_one (headers, "Content-Type"),
                   body, TEST_AUTH, SOUP_MESSAGE_NO_REDIRECT);
  g_assert_cmpuint (redirect->status, ==, 307);
  location = soup_message_headers_get_one (redirect->headers, "Location");
  g_assert_true (g_str_has_prefix (location, url));
  g_assert_true (g_str_has_suffix (location, "?redirected=1"));

  /* Sent again to the Location (libsoup 3.2 does not resend a POST body on its own). */
  followed = http (session, "POST", location, soup_message_headers_get_one (headers, "Content-Type"),
                   body, TEST_AUTH, 0);
  g_assert_cmpuint (followed->status, ==, 200);
  second = rp_fake_provider_get_request (fake, 1);
  g_assert_cmpstr (rp_fake_request_get_query_param (second, "redirected"), ==, "1");
  g_assert_true (g_bytes_equal (rp_fake_request_get_body (second), body));
}

/* The command-line server: prints its URL, applies --fault, answers. */
static void
test_executable (void)
{
  g_autofree char *exe = g_test_build_filename (G_TEST_BUILT, "repaint-fake-provider", NULL);
  const char *argv[] = { exe, "--fault", "/images/edits=rate-limit:2", "--color", "00ff00", NULL };
  const char *list_argv[] = { exe, "--list-behaviors", NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = new_session (30);
  g_autofree char *base = NULL, *listing = NULL;
  g_autoptr(GSubprocess) lister = NULL;

  lister = g_subprocess_newv (list_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (lister, NULL, NULL, &listing, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (listing, "\nsse-cut\n"));
  g_assert_nonnull (strstr (listing, "\nreset-upload\n"));

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  base = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (base, "http://127.0.0.1:"));

  {
    g_autoptr(GBytes) image = png_bytes (64, 64, FALSE);
    g_autoptr(SoupMultipart) f1 = edit_form (image, NULL, "1024x1024");
    g_autoptr(SoupMultipart) f2 = edit_form (image, NULL, "1024x1024");
    g_autofree char *url = g_strconcat (base, "/v1/images/edits", NULL);
    g_autoptr(Reply) limited = post_multipart (session, url, f1, NULL);
    g_autoptr(Reply) ok = post_multipart (session, url, f2, NULL);
    g_autoptr(JsonNode) json = NULL;
    g_autoptr(GdkPixbuf) result = NULL;

    g_assert_cmpuint (limited->status, ==, 429);
    g_assert_cmpstr (soup_message_headers_get_one (limited->headers, "Retry-After"), ==, "2");
    g_assert_cmpuint (ok->status, ==, 200);
    json = parse_json (ok->body);
    result = decode_b64 (json_string (json, "data[0].b64_json"));
    assert_pixel (result, 0x00, 0xff, 0x00);
  }

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/fake-provider/multipart-edit", test_multipart_edit);
  g_test_add_func ("/repaint/fake-provider/multi-image", test_multi_image);
  g_test_add_func ("/repaint/fake-provider/json-edit", test_json_edit);
  g_test_add_func ("/repaint/fake-provider/validation", test_validation);
  g_test_add_func ("/repaint/fake-provider/strict-multipart", test_strict_multipart);
  g_test_add_func ("/repaint/fake-provider/url-results", test_url_results);
  g_test_add_func ("/repaint/fake-provider/stream", test_stream);
  g_test_add_func ("/repaint/fake-provider/stream-faults", test_stream_faults);
  g_test_add_func ("/repaint/fake-provider/async", test_async);
  g_test_add_func ("/repaint/fake-provider/venice", test_venice);
  g_test_add_func ("/repaint/fake-provider/errors", test_errors);
  g_test_add_func ("/repaint/fake-provider/bad-bodies", test_bad_bodies);
  g_test_add_func ("/repaint/fake-provider/slow", test_slow);
  g_test_add_func ("/repaint/fake-provider/stall", test_stall);
  g_test_add_func ("/repaint/fake-provider/reset-upload", test_reset_upload);
  g_test_add_func ("/repaint/fake-provider/redirect", test_redirect);
  g_test_add_func ("/repaint/fake-provider/executable", test_executable);

  return g_test_run ();
}
