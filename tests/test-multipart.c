/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

#define LARGE_FILE_BYTES   (16 * 1024 * 1024)
#define LARGE_FILES        3
#define READ_CHUNK_BYTES   (64 * 1024)
/* Streaming 48 MB must not cost more than this on top of what the process already used. */
#define MAX_STREAM_RSS_KB  (8 * 1024)

static GBytes *
read_body (RpRequestBody *body,
           gsize          chunk)
{
  g_autoptr(RpBodyStream) stream = rp_request_body_open (body);
  GBytes *bytes = rp_test_read_stream (G_INPUT_STREAM (stream), chunk);

  g_assert_cmpint (rp_body_stream_get_bytes_read (stream), ==, g_bytes_get_size (bytes));
  g_assert_cmpint (rp_body_stream_get_size (stream), ==, g_bytes_get_size (bytes));
  return bytes;
}

static void
assert_bytes_equal (GBytes     *bytes,
                    const char *expected,
                    gsize       expected_len)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, expected, expected_len);
}

/* ---- exact bytes ---- */

static const char exact_expected[] =
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"model\"\r\n"
  "\r\n"
  "gpt-image-1.5\r\n"
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"prompt\"\r\n"
  "\r\n"
  "a \"red\" kite\r\nover the sea\r\n"
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"image[]\"; filename=\"a.png\"\r\n"
  "Content-Type: image/png\r\n"
  "\r\n"
  "\x89PNG\r\n\x1a\nabc\r\n"
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"image[]\"; filename=\"b %22q%22.jpg\"\r\n"
  "Content-Type: image/jpeg\r\n"
  "\r\n"
  "hello\r\n"
  "--XyZ\r\n"
  "Content-Disposition: form-data; name=\"mask\"; filename=\"m.png\"\r\n"
  "Content-Type: image/png\r\n"
  "\r\n"
  "\r\n"
  "--XyZ--\r\n";

static RpMultipartBody *
exact_body (const char *dir)
{
  static const char png[] = "\x89PNG\r\n\x1a\nabc";
  g_autofree char *a = rp_test_write_file (dir, "a.png", png, sizeof png - 1);
  g_autofree char *b = rp_test_write_file (dir, "b.bin", "hello", 5);
  g_autofree char *m = rp_test_write_file (dir, "m.png", "", 0);
  g_autoptr(GFile) fa = g_file_new_for_path (a);
  g_autoptr(GFile) fb = g_file_new_for_path (b);
  g_autoptr(GFile) fm = g_file_new_for_path (m);
  g_autoptr(GError) error = NULL;
  RpMultipartBody *body = rp_multipart_body_new_with_boundary ("XyZ");

  rp_multipart_body_add_field (body, "model", "gpt-image-1.5");
  rp_multipart_body_add_field (body, "prompt", "a \"red\" kite\r\nover the sea");
  /* No type given: the part's type comes from the file's magic bytes. */
  rp_multipart_body_add_file (body, "image[]", fa, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  rp_multipart_body_add_file (body, "image[]", fb, "b \"q\".jpg", "image/jpeg", NULL, &error);
  g_assert_no_error (error);
  rp_multipart_body_add_file (body, "mask", fm, NULL, "image/png", NULL, &error);
  g_assert_no_error (error);
  return body;
}

static void
test_exact_bytes (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(RpMultipartBody) body = exact_body (dir);
  RpRequestBody *request = RP_REQUEST_BODY (body);
  gsize sizes[] = { 1, 3, 7, 64, 4096 };
  guint i;

  g_assert_cmpstr (rp_request_body_get_content_type (request), ==, "multipart/form-data; boundary=XyZ");
  g_assert_cmpint (rp_request_body_get_length (request), ==, sizeof exact_expected - 1);

  /* Every read size crosses segment boundaries differently; each open starts afresh. */
  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) bytes = read_body (request, sizes[i]);

      assert_bytes_equal (bytes, exact_expected, sizeof exact_expected - 1);
    }
  rp_test_tmpdir_remove (dir);
}

static void
test_random_boundary (void)
{
  g_autoptr(RpMultipartBody) a = rp_multipart_body_new ();
  g_autoptr(RpMultipartBody) b = rp_multipart_body_new ();
  const char *boundary = rp_multipart_body_get_boundary (a);
  g_autofree char *expected_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *expected = NULL;
  const char *p;

  g_assert_cmpuint (strlen (boundary), <=, RP_MULTIPART_MAX_BOUNDARY_CHARS);
  g_assert_cmpuint (strlen (boundary), >=, 40);
  for (p = boundary; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-');
  g_assert_cmpstr (boundary, !=, rp_multipart_body_get_boundary (b));
  g_assert_cmpstr (rp_request_body_get_content_type (RP_REQUEST_BODY (a)), ==, expected_type);

  /* An empty form is just the closing delimiter. */
  bytes = read_body (RP_REQUEST_BODY (a), 4096);
  expected = g_strdup_printf ("--%s--\r\n", boundary);
  assert_bytes_equal (bytes, expected, strlen (expected));
}

/* ---- parsing back with libsoup ---- */

typedef struct
{
  const char *name;
  const char *filename;    /* NULL for a text field */
  const char *content_type;
  GBytes     *content;
} ExpectedPart;

static void
assert_parts (SoupMessageHeaders *headers,
              GBytes             *body,
              ExpectedPart       *parts,
              guint               n_parts)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);
  guint i;

  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, n_parts);
  for (i = 0; i < n_parts; i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;

      g_assert_true (soup_multipart_get_part (multipart, i, &part_headers, &part_body));
      g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition, &params));
      g_assert_cmpstr (disposition, ==, "form-data");
      g_assert_cmpstr (g_hash_table_lookup (params, "name"), ==, parts[i].name);
      g_assert_cmpstr (g_hash_table_lookup (params, "filename"), ==, parts[i].filename);
      g_assert_cmpstr (soup_message_headers_get_content_type (part_headers, NULL), ==, parts[i].content_type);
      g_assert_true (g_bytes_equal (part_body, parts[i].content));
    }
}

typedef struct
{
  char              *dir;
  RpMultipartBody   *body;
  ExpectedPart       parts[10];
  guint              n_parts;
} Form;

static void
form_field (Form       *form,
            const char *name,
            const char *value)
{
  ExpectedPart *part = &form->parts[form->n_parts++];

  rp_multipart_body_add_field (form->body, name, value);
  part->name = name;
  part->content = g_bytes_new (value, strlen (value));
}

static void
form_file (Form       *form,
           const char *name,
           const char *path,
           const char *content_type)
{
  ExpectedPart *part = &form->parts[form->n_parts++];
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  rp_multipart_body_add_file (form->body, name, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  part->name = name;
  part->filename = g_path_get_basename (path);
  part->content_type = content_type;
  part->content = g_bytes_new_take (data, len);
}

static void
form_free (Form *form)
{
  guint i;

  for (i = 0; i < form->n_parts; i++)
    {
      g_free ((char *) form->parts[i].filename);
      g_bytes_unref (form->parts[i].content);
    }
  g_object_unref (form->body);
  rp_test_tmpdir_remove (form->dir);
  g_free (form->dir);
}

/* Real images under every field naming a provider may ask for. */
static void
form_init (Form *form)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (96, 64, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *png_path = NULL, *jpeg_path = NULL, *webp_path = NULL;
  static const char webp_bytes[] = "RIFF\x1a\0\0\0WEBPVP8L\x0d\0\0\0/\0\0\0\x10\x07\x10\x11\x11\x88\x88\xfe\x07\0";

  memset (form, 0, sizeof *form);
  form->dir = rp_test_tmpdir ();
  form->body = rp_multipart_body_new ();
  png_path = g_build_filename (form->dir, "base.png", NULL);
  jpeg_path = g_build_filename (form->dir, "reference.jpg", NULL);
  gdk_pixbuf_save (pixbuf, png_path, "png", &error, NULL);
  g_assert_no_error (error);
  g_clear_object (&pixbuf);
  pixbuf = rp_test_pattern_pixbuf (80, 80, FALSE);
  gdk_pixbuf_save (pixbuf, jpeg_path, "jpeg", &error, NULL);
  g_assert_no_error (error);
  webp_path = rp_test_write_file (form->dir, "layer.webp", webp_bytes, sizeof webp_bytes - 1);

  form_field (form, "model", "gpt-image-1.5");
  form_field (form, "prompt", "把风筝换成红色 — “quoted”\nsecond line");
  form_file (form, "image", png_path, "image/png");
  form_file (form, "image", jpeg_path, "image/jpeg");
  form_file (form, "image[]", png_path, "image/png");
  form_file (form, "image[0]", webp_path, "image/webp");
  form_file (form, "image.0", jpeg_path, "image/jpeg");
  form_field (form, "n", "1");
  form_file (form, "mask", png_path, "image/png");
}

static void
test_soup_parses (void)
{
  Form form;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autoptr(GBytes) bytes = NULL;

  form_init (&form);
  soup_message_headers_replace (headers, "Content-Type",
                                rp_request_body_get_content_type (RP_REQUEST_BODY (form.body)));
  bytes = read_body (RP_REQUEST_BODY (form.body), 8192);
  g_assert_cmpint (g_bytes_get_size (bytes), ==, rp_request_body_get_length (RP_REQUEST_BODY (form.body)));
  assert_parts (headers, bytes, form.parts, form.n_parts);
  form_free (&form);
}

/* ---- files that change under the body ---- */

static void
assert_read_fails (RpRequestBody *body,
                   GQuark         domain,
                   int            code)
{
  g_autoptr(RpBodyStream) stream = rp_request_body_open (body);
  g_autoptr(GError) error = NULL;
  guint8 buf[4096];
  gssize n;

  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buf, sizeof buf, NULL, &error)) > 0)
    ;
  g_assert_error (error, domain, code);
}

static void
test_file_changed (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *path = rp_test_write_file (dir, "a.png", "0123456789", 10);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(RpMultipartBody) body = rp_multipart_body_new ();
  g_autoptr(GError) error = NULL;

  rp_multipart_body_add_file (body, "image", file, NULL, "image/png", NULL, &error);
  g_assert_no_error (error);

  /* Longer, shorter, gone: never a body that contradicts its Content-Length. */
  g_file_set_contents (path, "0123456789AB", 12, &error);
  g_assert_no_error (error);
  assert_read_fails (RP_REQUEST_BODY (body), RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_FILE_CHANGED);
  g_file_set_contents (path, "01234", 5, &error);
  g_assert_no_error (error);
  assert_read_fails (RP_REQUEST_BODY (body), RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_FILE_CHANGED);
  g_unlink (path);
  assert_read_fails (RP_REQUEST_BODY (body), G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* Same size again: the body reads through. */
  g_file_set_contents (path, "9876543210", 10, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) bytes = read_body (RP_REQUEST_BODY (body), 100);

    g_assert_nonnull (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\r\n\r\n9876543210\r\n"));
  }
  rp_test_tmpdir_remove (dir);
}

static void
test_add_file_errors (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(GFile) dir_file = g_file_new_for_path (dir);
  g_autoptr(RpMultipartBody) body = rp_multipart_body_new_with_boundary ("b");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_false (rp_multipart_body_add_file (body, "image", missing_file, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (rp_multipart_body_add_file (body, "image", dir_file, NULL, "image/png", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);

  /* A failed add leaves nothing behind. */
  bytes = read_body (RP_REQUEST_BODY (body), 64);
  assert_bytes_equal (bytes, "--b--\r\n", 7);
  rp_test_tmpdir_remove (dir);
}

/* ---- large bodies in bounded memory ---- */

typedef struct
{
  char            *dir;
  RpMultipartBody *body;
  char            *sha256;   /* of the body, computed independently of RpMultipartBody */
} LargeForm;

static void
large_form_init (LargeForm *form)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (READ_CHUNK_BYTES);
  const char *boundary;
  guint i;

  form->dir = rp_test_tmpdir ();
  form->body = rp_multipart_body_new ();
  boundary = rp_multipart_body_get_boundary (form->body);
  for (i = 0; i < LARGE_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("ref%u.png", i);
      g_autofree char *path = rp_test_write_pattern_file (form->dir, name, LARGE_FILE_BYTES, 0x9e3779b97f4a7c15ull + i);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *head = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"image[]\"; "
                                               "filename=\"%s\"\r\nContent-Type: image/png\r\n\r\n",
                                               boundary, name);
      guint64 state = 0x9e3779b97f4a7c15ull + i;
      gsize done = 0;

      rp_multipart_body_add_file (form->body, "image[]", file, NULL, "image/png", NULL, &error);
      g_assert_no_error (error);
      g_checksum_update (sum, (const guint8 *) head, -1);
      while (done < LARGE_FILE_BYTES)
        {
          gsize n = MIN (READ_CHUNK_BYTES, LARGE_FILE_BYTES - done);

          rp_test_pattern_fill (&state, buf, n);
          g_checksum_update (sum, buf, n);
          done += n;
        }
      g_checksum_update (sum, (const guint8 *) "\r\n", 2);
    }
  {
    g_autofree char *tail = g_strdup_printf ("--%s--\r\n", boundary);

    g_checksum_update (sum, (const guint8 *) tail, -1);
  }
  form->sha256 = g_strdup (g_checksum_get_string (sum));
}

static void
large_form_clear (LargeForm *form)
{
  g_clear_object (&form->body);
  rp_test_tmpdir_remove (form->dir);
  g_clear_pointer (&form->dir, g_free);
  g_clear_pointer (&form->sha256, g_free);
}

static void
test_large_bounded_memory (void)
{
  LargeForm form;
  g_autoptr(RpBodyStream) stream = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (READ_CHUNK_BYTES);
  g_autoptr(GError) error = NULL;
  gsize base_kb, peak_kb;
  gboolean measured;
  goffset total = 0;
  gssize n;

  large_form_init (&form);
  stream = rp_request_body_open (RP_REQUEST_BODY (form.body));
  g_assert_cmpint (rp_body_stream_get_size (stream), >, (goffset) LARGE_FILES * LARGE_FILE_BYTES);

  measured = rp_test_reset_peak_rss ();
  base_kb = rp_test_current_rss_kb ();
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buf, READ_CHUNK_BYTES, NULL, &error)) > 0)
    {
      g_checksum_update (sum, buf, n);
      total += n;
    }
  peak_kb = rp_test_peak_rss_kb ();
  g_assert_no_error (error);

  g_assert_cmpint (total, ==, rp_request_body_get_length (RP_REQUEST_BODY (form.body)));
  g_assert_cmpint (rp_body_stream_get_bytes_read (stream), ==, total);
  g_assert_cmpstr (g_checksum_get_string (sum), ==, form.sha256);
  g_test_message ("streamed %" G_GOFFSET_FORMAT " bytes; RSS %" G_GSIZE_FORMAT " kB before, peak %"
                  G_GSIZE_FORMAT " kB%s", total, base_kb, peak_kb, measured ? "" : " (not measurable here)");
  if (measured)
    g_assert_cmpuint (peak_kb, <, base_kb + MAX_STREAM_RSS_KB);
  large_form_clear (&form);
}

/* ---- a real upload, as the service sends it, to libsoup's server ---- */

typedef struct
{
  SoupMessageHeaders *headers;    /* of the last request the server read */
  GBytes             *body;       /* accumulated, when not streaming */
  GChecksum          *sum;        /* streaming: the body's running digest */
  goffset             received;
  guint               requests;
} Server;

static void
server_got_chunk (SoupServerMessage *msg,
                  GBytes            *chunk,
                  Server            *server)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  g_checksum_update (server->sum, data, len);
  server->received += len;
}

static void
server_request_started (SoupServer        *soup_server,
                        SoupServerMessage *msg,
                        Server            *server)
{
  server->requests++;
  if (server->sum == NULL)
    return;
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (server_got_chunk), server);
}

static void
server_handler (SoupServer        *soup_server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Server *server = user_data;

  g_clear_pointer (&server->headers, soup_message_headers_unref);
  server->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  if (server->sum == NULL)
    {
      g_clear_pointer (&server->body, g_bytes_unref);
      server->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static SoupServer *
server_start (Server  *server,
              GUri   **uri)
{
  SoupServer *soup_server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (soup_server, NULL, server_handler, server, NULL);
  g_signal_connect (soup_server, "request-started", G_CALLBACK (server_request_started), server);
  soup_server_listen_local (soup_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup_server);
  *uri = g_uri_parse_relative (uris->data, "/v1/images/edits", G_URI_FLAGS_NONE, NULL);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return soup_server;
}

static void
server_clear (Server *server)
{
  g_clear_pointer (&server->headers, soup_message_headers_unref);
  g_clear_pointer (&server->body, g_bytes_unref);
  g_clear_pointer (&server->sum, g_checksum_free);
}

/* Sends @body (read from @stream, or from a fresh stream of it) with the service's own
 * sender and reads the reply; returns the bytes its progress events counted. */
static goffset
send_body (Server        *server,
           GUri          *uri,
           RpRequestBody *body,
           RpBodyStream  *stream)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  g_autoptr(RpBodyStream) fresh = stream == NULL ? rp_request_body_open (body) : NULL;
  RpTestSend send = { 0, };
  goffset wrote;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type",
                                rp_request_body_get_content_type (body));
  rp_test_send_run (&send, client, msg, G_INPUT_STREAM (stream != NULL ? stream : fresh),
                    rp_request_body_get_length (body), NULL);

  g_assert_no_error (send.error);
  g_assert_cmpuint (send.status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (send.connected, >=, 1);
  g_assert_true (send.wrote_all);
  g_assert_cmpmem (send.body->data, send.body->len, "{}", 2);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");
  wrote = send.wrote;
  rp_test_send_clear (&send);
  return wrote;
}

/* An HTTP server (libsoup's) reads the request as sent: every byte of the body, its exact
 * length and type, the client's name. */
static void
test_upload_soup_server (void)
{
  Server server = { 0, };
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupServer) soup_server = server_start (&server, &uri);
  g_autoptr(GBytes) expected = NULL;
  RpRequestBody *body;
  Form form;
  goffset wrote;

  form_init (&form);
  body = RP_REQUEST_BODY (form.body);
  expected = read_body (body, 65536);
  wrote = send_body (&server, uri, body, NULL);

  g_assert_cmpuint (server.requests, ==, 1);
  g_assert_true (g_bytes_equal (server.body, expected));
  g_assert_cmpint (soup_message_headers_get_content_length (server.headers), ==, rp_request_body_get_length (body));
  g_assert_cmpstr (soup_message_headers_get_one (server.headers, "Content-Type"), ==,
                   rp_request_body_get_content_type (body));
  g_assert_cmpstr (soup_message_headers_get_one (server.headers, "User-Agent"), ==, "Repaint/test");
  g_assert_cmpint (wrote, ==, rp_request_body_get_length (body));
  assert_parts (server.headers, server.body, form.parts, form.n_parts);

  soup_server_disconnect (soup_server);
  server_clear (&server);
  form_free (&form);
}

static void
test_upload_large (void)
{
  Server server = { 0, };
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupServer) soup_server = NULL;
  g_autoptr(RpBodyStream) stream = NULL;
  LargeForm form;
  gsize base_kb, peak_kb;
  gboolean measured;
  goffset length, wrote;

  large_form_init (&form);
  length = rp_request_body_get_length (RP_REQUEST_BODY (form.body));
  server.sum = g_checksum_new (G_CHECKSUM_SHA256);
  soup_server = server_start (&server, &uri);
  stream = rp_request_body_open (RP_REQUEST_BODY (form.body));

  measured = rp_test_reset_peak_rss ();
  base_kb = rp_test_current_rss_kb ();
  wrote = send_body (&server, uri, RP_REQUEST_BODY (form.body), stream);
  peak_kb = rp_test_peak_rss_kb ();

  g_assert_cmpuint (server.requests, ==, 1);
  g_assert_cmpint (server.received, ==, length);
  g_assert_cmpstr (g_checksum_get_string (server.sum), ==, form.sha256);
  g_assert_cmpint (rp_body_stream_get_bytes_read (stream), ==, length);
  g_assert_cmpint (wrote, ==, length);
  g_test_message ("uploaded %" G_GOFFSET_FORMAT " bytes through loopback; RSS %" G_GSIZE_FORMAT
                  " kB before, peak %" G_GSIZE_FORMAT " kB%s", length, base_kb, peak_kb,
                  measured ? "" : " (not measurable here)");
  /* Client and server both run in this process: twice the budget. */
  if (measured)
    g_assert_cmpuint (peak_kb, <, base_kb + 2 * MAX_STREAM_RSS_KB);

  soup_server_disconnect (soup_server);
  server_clear (&server);
  large_form_clear (&form);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/multipart/exact-bytes", test_exact_bytes);
  g_test_add_func ("/repaint/multipart/random-boundary", test_random_boundary);
  g_test_add_func ("/repaint/multipart/soup-parses", test_soup_parses);
  g_test_add_func ("/repaint/multipart/file-changed", test_file_changed);
  g_test_add_func ("/repaint/multipart/add-file-errors", test_add_file_errors);
  g_test_add_func ("/repaint/multipart/large-bounded-memory", test_large_bounded_memory);
  g_test_add_func ("/repaint/multipart/upload-soup-server", test_upload_soup_server);
  g_test_add_func ("/repaint/multipart/upload-large", test_upload_large);

  return g_test_run ();
}
