/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

#define LARGE_FILE_BYTES  (20 * 1024 * 1024)
#define LARGE_FILES       2
#define READ_CHUNK_BYTES  (64 * 1024)
#define MAX_STREAM_RSS_KB (8 * 1024)

static GBytes *
read_body (RpRequestBody *body,
           gsize          chunk)
{
  g_autoptr(RpBodyStream) stream = rp_request_body_open (body);
  GBytes *bytes = rp_test_read_stream (G_INPUT_STREAM (stream), chunk);

  g_assert_cmpint (g_bytes_get_size (bytes), ==, rp_request_body_get_length (body));
  g_assert_cmpint (rp_body_stream_get_bytes_read (stream), ==, g_bytes_get_size (bytes));
  return bytes;
}

static void
assert_text (GBytes     *bytes,
             const char *expected)
{
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

static GFile *
file_with (const char *dir,
           const char *name,
           const void *data,
           gsize       len)
{
  g_autofree char *path = rp_test_write_file (dir, name, data, len);

  return g_file_new_for_path (path);
}

static void
test_exact_bytes (void)
{
  static const char expected[] =
    "{\"model\":\"gpt-image-1.5\",\"prompt\":\"a \\\"kite\\\"\\n\",\"n\":2,\"stream\":false,"
    "\"image\":\"iVBORw0KGgp4eXo=\","
    "\"images\":[{\"image_url\":\"data:image/png;base64,iVBORw0KGgp4eXo=\"},"
    "{\"image_url\":\"data:image/jpeg;base64,aGVsbG8gd29ybGQ=\"}],"
    "\"mask\":\"data:image/png;base64,iVBORw0KGgo=\"}";
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(GFile) png = file_with (dir, "a.png", "\x89PNG\r\n\x1a\nxyz", 11);
  g_autoptr(GFile) other = file_with (dir, "b.jpg", "hello world", 11);
  g_autoptr(GFile) mask = file_with (dir, "m.png", "\x89PNG\r\n\x1a\n", 8);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(RpJsonBody) body = NULL;
  g_autoptr(GError) error = NULL;
  GFile *files[] = { png, other };
  const char *types[] = { NULL, "image/jpeg" };
  gsize sizes[] = { 1, 5, 4096 };
  guint i;

  json_object_set_string_member (fields, "model", "gpt-image-1.5");
  json_object_set_string_member (fields, "prompt", "a \"kite\"\n");
  json_object_set_int_member (fields, "n", 2);
  json_object_set_boolean_member (fields, "stream", FALSE);
  body = rp_json_body_new (fields);
  /* Changing the fields afterwards does not change the body. */
  json_object_set_int_member (fields, "n", 3);

  rp_json_body_add_image (body, "image", png, NULL, RP_JSON_IMAGE_BASE64, NULL, &error);
  g_assert_no_error (error);
  rp_json_body_add_image_array (body, "images", files, types, 2, RP_JSON_IMAGE_URL_OBJECT, NULL, &error);
  g_assert_no_error (error);
  rp_json_body_add_image (body, "mask", mask, "image/png", RP_JSON_IMAGE_DATA_URL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (rp_request_body_get_content_type (RP_REQUEST_BODY (body)), ==, "application/json");
  g_assert_cmpint (rp_request_body_get_length (RP_REQUEST_BODY (body)), ==, sizeof expected - 1);
  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) bytes = read_body (RP_REQUEST_BODY (body), sizes[i]);

      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected - 1);
    }
  rp_test_tmpdir_remove (dir);
}

static void
test_minimal (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(GFile) file = file_with (dir, "x", "hello world", 11);
  g_autoptr(RpJsonBody) empty = rp_json_body_new (NULL);
  g_autoptr(RpJsonBody) one = rp_json_body_new (NULL);
  g_autoptr(RpJsonBody) array = rp_json_body_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *types[] = { "image/png" };

  bytes = read_body (RP_REQUEST_BODY (empty), 16);
  assert_text (bytes, "{}");
  g_clear_pointer (&bytes, g_bytes_unref);

  rp_json_body_add_image (one, "image", file, "image/png", RP_JSON_IMAGE_BASE64, NULL, &error);
  g_assert_no_error (error);
  bytes = read_body (RP_REQUEST_BODY (one), 16);
  assert_text (bytes, "{\"image\":\"aGVsbG8gd29ybGQ=\"}");
  g_clear_pointer (&bytes, g_bytes_unref);

  /* An array of one image stays an array. */
  rp_json_body_add_image_array (array, "images", &file, types, 1, RP_JSON_IMAGE_DATA_URL, NULL, &error);
  g_assert_no_error (error);
  bytes = read_body (RP_REQUEST_BODY (array), 16);
  assert_text (bytes, "{\"images\":[\"data:image/png;base64,aGVsbG8gd29ybGQ=\"]}");
  rp_test_tmpdir_remove (dir);
}

/* Decodes a data URL or bare base64 value and checks it against the file. */
static void
assert_image_value (const char *value,
                    const char *prefix,
                    GBytes     *expected)
{
  g_autofree guchar *decoded = NULL;
  gsize len;

  g_assert_true (g_str_has_prefix (value, prefix));
  decoded = g_base64_decode (value + strlen (prefix), &len);
  g_assert_cmpmem (decoded, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static GBytes *
file_bytes (GFile *file)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_file_load_bytes (file, NULL, NULL, &error);

  g_assert_no_error (error);
  return bytes;
}

static void
test_parses_all_styles (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *png_path = g_build_filename (dir, "base.png", NULL);
  g_autofree char *jpeg_path = g_build_filename (dir, "ref.jpg", NULL);
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (120, 90, TRUE);
  g_autoptr(GFile) png = g_file_new_for_path (png_path);
  g_autoptr(GFile) jpeg = g_file_new_for_path (jpeg_path);
  g_autoptr(GBytes) png_bytes = NULL;
  g_autoptr(GBytes) jpeg_bytes = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(RpJsonBody) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GFile *three[] = { png, jpeg, png };
  JsonObject *object;
  JsonArray *array;

  gdk_pixbuf_save (pixbuf, png_path, "png", &error, NULL);
  g_assert_no_error (error);
  gdk_pixbuf_save (pixbuf, jpeg_path, "jpeg", &error, NULL);
  g_assert_no_error (error);
  png_bytes = file_bytes (png);
  jpeg_bytes = file_bytes (jpeg);

  json_object_set_string_member (fields, "prompt", "把风筝换成红色");
  json_object_set_double_member (fields, "strength", 0.5);
  body = rp_json_body_new (fields);
  rp_json_body_add_image (body, "image", png, NULL, RP_JSON_IMAGE_BASE64, NULL, &error);
  g_assert_no_error (error);
  rp_json_body_add_image (body, "reference", jpeg, NULL, RP_JSON_IMAGE_DATA_URL, NULL, &error);
  g_assert_no_error (error);
  rp_json_body_add_image (body, "mask", png, NULL, RP_JSON_IMAGE_URL_OBJECT, NULL, &error);
  g_assert_no_error (error);
  rp_json_body_add_image_array (body, "images", three, NULL, 3, RP_JSON_IMAGE_URL_OBJECT, NULL, &error);
  g_assert_no_error (error);
  rp_json_body_add_image_array (body, "raw", three, NULL, 2, RP_JSON_IMAGE_BASE64, NULL, &error);
  g_assert_no_error (error);

  bytes = read_body (RP_REQUEST_BODY (body), 1000);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (object, "prompt"), ==, "把风筝换成红色");
  g_assert_cmpfloat (json_object_get_double_member (object, "strength"), ==, 0.5);
  assert_image_value (json_object_get_string_member (object, "image"), "", png_bytes);
  assert_image_value (json_object_get_string_member (object, "reference"), "data:image/jpeg;base64,", jpeg_bytes);
  assert_image_value (json_object_get_string_member (json_object_get_object_member (object, "mask"), "image_url"),
                      "data:image/png;base64,", png_bytes);

  array = json_object_get_array_member (object, "images");
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  assert_image_value (json_object_get_string_member (json_array_get_object_element (array, 0), "image_url"),
                      "data:image/png;base64,", png_bytes);
  assert_image_value (json_object_get_string_member (json_array_get_object_element (array, 1), "image_url"),
                      "data:image/jpeg;base64,", jpeg_bytes);
  assert_image_value (json_object_get_string_member (json_array_get_object_element (array, 2), "image_url"),
                      "data:image/png;base64,", png_bytes);

  array = json_object_get_array_member (object, "raw");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  assert_image_value (json_array_get_string_element (array, 0), "", png_bytes);
  assert_image_value (json_array_get_string_element (array, 1), "", jpeg_bytes);
  rp_test_tmpdir_remove (dir);
}

/* Sizes around the encoder's 48 KiB step and every remainder modulo 3. */
static void
test_base64_boundaries (void)
{
  static const gsize sizes[] = { 0, 1, 2, 3, 4, 5, 49151, 49152, 49153, 49154, 98306, 200001 };
  g_autofree char *dir = rp_test_tmpdir ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);
      g_autofree char *path = rp_test_write_pattern_file (dir, name, sizes[i], 1000 + i);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GBytes) expected = file_bytes (file);
      g_autoptr(RpJsonBody) body = rp_json_body_new (NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autoptr(JsonNode) root = NULL;

      rp_json_body_add_image (body, "image", file, "image/png", RP_JSON_IMAGE_DATA_URL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rp_request_body_get_length (RP_REQUEST_BODY (body)), ==,
                       strlen ("{\"image\":\"data:image/png;base64,\"}") + (sizes[i] + 2) / 3 * 4);
      bytes = read_body (RP_REQUEST_BODY (body), i % 2 == 0 ? 7 : 65536);
      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      root = json_from_string (text, &error);
      g_assert_no_error (error);
      assert_image_value (json_object_get_string_member (json_node_get_object (root), "image"),
                          "data:image/png;base64,", expected);
    }
  rp_test_tmpdir_remove (dir);
}

static void
test_file_changed (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *path = rp_test_write_pattern_file (dir, "a.png", 100000, 7);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(RpJsonBody) body = rp_json_body_new (NULL);
  g_autoptr(RpBodyStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  guint8 buf[4096];

  rp_json_body_add_image (body, "image", file, "image/png", RP_JSON_IMAGE_BASE64, NULL, &error);
  g_assert_no_error (error);
  g_free (rp_test_write_pattern_file (dir, "a.png", 99999, 7));
  stream = rp_request_body_open (RP_REQUEST_BODY (body));
  while (g_input_stream_read (G_INPUT_STREAM (stream), buf, sizeof buf, NULL, &error) > 0)
    ;
  g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_FILE_CHANGED);
  rp_test_tmpdir_remove (dir);
}

static void
test_add_errors (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autoptr(GFile) good = file_with (dir, "good", "hello world", 11);
  g_autoptr(GFile) bad = g_file_new_for_path (missing);
  g_autoptr(RpJsonBody) body = rp_json_body_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GFile *files[] = { good, bad };

  /* One missing file fails the whole array and leaves the body unchanged. */
  g_assert_false (rp_json_body_add_image_array (body, "images", files, NULL, 2, RP_JSON_IMAGE_BASE64, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  bytes = read_body (RP_REQUEST_BODY (body), 16);
  assert_text (bytes, "{}");
  rp_test_tmpdir_remove (dir);
}

static void
test_large_bounded_memory (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(RpJsonBody) body = rp_json_body_new (NULL);
  g_autoptr(GChecksum) expected = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) actual = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (READ_CHUNK_BYTES);
  g_autofree char *encoded = g_malloc (READ_CHUNK_BYTES * 4 / 3 + 8);
  g_autoptr(RpBodyStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GFile *files[LARGE_FILES];
  const char *types[LARGE_FILES] = { "image/png", "image/png" };
  gsize base_kb, peak_kb;
  gboolean measured;
  goffset total = 0;
  gssize n;
  guint i;

  /* The expected text, encoded with GLib's own streaming base64 encoder. */
  g_checksum_update (expected, (const guint8 *) "{\"images\":[", -1);
  for (i = 0; i < LARGE_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("big%u.png", i);
      g_autofree char *path = rp_test_write_pattern_file (dir, name, LARGE_FILE_BYTES, 77 + i);
      guint64 seed = 77 + i;
      gsize done = 0, len;
      int state = 0, save = 0;

      files[i] = g_file_new_for_path (path);
      g_checksum_update (expected, (const guint8 *) (i > 0 ? ",{\"image_url\":\"data:image/png;base64,"
                                                           : "{\"image_url\":\"data:image/png;base64,"), -1);
      while (done < LARGE_FILE_BYTES)
        {
          gsize chunk = MIN (READ_CHUNK_BYTES, LARGE_FILE_BYTES - done);

          rp_test_pattern_fill (&seed, buf, chunk);
          len = g_base64_encode_step (buf, chunk, FALSE, encoded, &state, &save);
          g_checksum_update (expected, (const guint8 *) encoded, len);
          done += chunk;
        }
      len = g_base64_encode_close (FALSE, encoded, &state, &save);
      g_checksum_update (expected, (const guint8 *) encoded, len);
      g_checksum_update (expected, (const guint8 *) "\"}", -1);
    }
  g_checksum_update (expected, (const guint8 *) "]}", -1);

  rp_json_body_add_image_array (body, "images", files, types, LARGE_FILES, RP_JSON_IMAGE_URL_OBJECT, NULL, &error);
  g_assert_no_error (error);
  for (i = 0; i < LARGE_FILES; i++)
    g_object_unref (files[i]);
  stream = rp_request_body_open (RP_REQUEST_BODY (body));

  measured = rp_test_reset_peak_rss ();
  base_kb = rp_test_current_rss_kb ();
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buf, READ_CHUNK_BYTES, NULL, &error)) > 0)
    {
      g_checksum_update (actual, buf, n);
      total += n;
    }
  peak_kb = rp_test_peak_rss_kb ();
  g_assert_no_error (error);

  g_assert_cmpint (total, ==, rp_request_body_get_length (RP_REQUEST_BODY (body)));
  g_assert_cmpstr (g_checksum_get_string (actual), ==, g_checksum_get_string (expected));
  g_test_message ("encoded %d MB of images into %" G_GOFFSET_FORMAT " bytes of JSON; RSS %"
                  G_GSIZE_FORMAT " kB before, peak %" G_GSIZE_FORMAT " kB",
                  LARGE_FILES * LARGE_FILE_BYTES / (1024 * 1024), total, base_kb, peak_kb);
  if (measured)
    g_assert_cmpuint (peak_kb, <, base_kb + MAX_STREAM_RSS_KB);
  rp_test_tmpdir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/json-body/exact-bytes", test_exact_bytes);
  g_test_add_func ("/repaint/json-body/minimal", test_minimal);
  g_test_add_func ("/repaint/json-body/parses-all-styles", test_parses_all_styles);
  g_test_add_func ("/repaint/json-body/base64-boundaries", test_base64_boundaries);
  g_test_add_func ("/repaint/json-body/file-changed", test_file_changed);
  g_test_add_func ("/repaint/json-body/add-errors", test_add_errors);
  g_test_add_func ("/repaint/json-body/large-bounded-memory", test_large_bounded_memory);

  return g_test_run ();
}
