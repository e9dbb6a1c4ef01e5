/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

#define LARGE_IMAGE_BYTES  (20 * 1024 * 1024)
#define LARGE_IMAGES       3
#define FEED_CHUNK_BYTES   (64 * 1024)
/* Decoding 60 MB of images from 80 MB of JSON may not cost more memory than this. */
#define MAX_READ_RSS_KB    (8 * 1024)
#define MUTATION_ROUNDS    3000
/* Enough for the undamaged response; damage that makes it longer may run into it. */
#define MUTATION_MAX_SMALL_BYTES 2048

/* ---- fixtures ---- */

typedef struct
{
  GBytes *png;
  GBytes *jpeg;
  GBytes *webp;   /* a WebP header on 70 kB of noise: base64 full of '/' and '+' */
} Images;

static GBytes *
encode_pixbuf (GdkPixbuf  *pixbuf,
               const char *type)
{
  g_autoptr(GError) error = NULL;
  char *buf;
  gsize len;

  gdk_pixbuf_save_to_buffer (pixbuf, &buf, &len, type, &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buf, len);
}

static void
images_init (Images *images)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (64, 48, TRUE);
  g_autoptr(GdkPixbuf) opaque = rp_test_pattern_pixbuf (64, 48, FALSE);
  guint8 *webp = g_malloc (70012);
  guint64 state = 42;

  images->png = encode_pixbuf (pixbuf, "png");
  images->jpeg = encode_pixbuf (opaque, "jpeg");
  memcpy (webp, "RIFF\x04\x11\x01\x00WEBP", 12);
  rp_test_pattern_fill (&state, webp + 12, 70000);
  images->webp = g_bytes_new_take (webp, 70012);
}

static void
images_clear (Images *images)
{
  g_bytes_unref (images->png);
  g_bytes_unref (images->jpeg);
  g_bytes_unref (images->webp);
}

static char *
b64 (GBytes *bytes)
{
  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* JSON allows "\/" for "/"; some servers write it that way. */
static char *
b64_escaped (GBytes *bytes)
{
  g_autofree char *plain = b64 (bytes);
  g_auto(GStrv) parts = g_strsplit (plain, "/", -1);

  g_assert_cmpuint (g_strv_length (parts), >, 1);
  return g_strjoinv ("\\/", parts);
}

/* An ImagesResponse with whitespace everywhere JSON allows it and data in the middle. */
static char *
full_response (Images *images)
{
  g_autofree char *png = b64 (images->png);
  g_autofree char *jpeg = b64_escaped (images->jpeg);
  g_autofree char *webp = b64_escaped (images->webp);

  return g_strdup_printf (
    "{\n  \"created\" : 1713833628,\n\t\"background\":\"opaque\",\r\n"
    "  \"data\": [\n"
    "    {\"b64_json\": \"%s\", \"revised_prompt\": \"a red \\\"kite\\\"\"},\n"
    "    { \"b64_json\" :\"%s\" } ,\n"
    "    {\"url\": \"\", \"b64_json\": \"%s\", \"revised_prompt\": \"\"}\n"
    "  ],\n"
    "  \"output_format\": \"png\", \"quality\": \"high\", \"size\": \"1024x1024\",\n"
    "  \"usage\": {\"input_tokens\": 50, \"input_tokens_details\": {\"image_tokens\": 40, \"text_tokens\": 10},\n"
    "            \"output_tokens\": 50, \"output_tokens_details\": {\"image_tokens\": 50, \"text_tokens\": 0},\n"
    "            \"total_tokens\": 100}\n"
    "}\n", png, jpeg, webp);
}

/* ---- a reader writing into memory ---- */

typedef struct
{
  GPtrArray *sinks;      /* GMemoryOutputStream by image index, or NULL */
  guint      opened;
  gboolean   refuse;     /* the sink func fails */
  gboolean   discard;    /* the sink func asks for the bytes to be dropped */
  gsize      fixed_size; /* a sink that cannot grow past this, when non-zero */
} Sinks;

static GOutputStream *
open_sink (RpImagesReader  *reader,
           guint            index,
           gpointer         user_data,
           GError         **error)
{
  Sinks *sinks = user_data;
  GOutputStream *stream;

  sinks->opened++;
  if (sinks->refuse)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "journal is read-only");
      return NULL;
    }
  if (sinks->discard)
    return NULL;
  if (sinks->fixed_size > 0)
    stream = g_memory_output_stream_new (g_malloc (sinks->fixed_size), sinks->fixed_size, NULL, g_free);
  else
    stream = g_memory_output_stream_new_resizable ();
  if (sinks->sinks->len <= index)
    g_ptr_array_set_size (sinks->sinks, index + 1);
  g_assert_null (g_ptr_array_index (sinks->sinks, index));
  g_ptr_array_index (sinks->sinks, index) = g_object_ref (stream);
  return stream;
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
sinks_init (Sinks *sinks)
{
  memset (sinks, 0, sizeof *sinks);
  sinks->sinks = g_ptr_array_new_with_free_func (unref_if_set);
}

static void
sinks_clear (Sinks *sinks)
{
  g_ptr_array_unref (sinks->sinks);
}

static GMemoryOutputStream *
sink_at (Sinks *sinks,
         guint  index)
{
  g_assert_cmpuint (index, <, sinks->sinks->len);
  return g_ptr_array_index (sinks->sinks, index);
}

static void
assert_sink_holds (Sinks  *sinks,
                   guint   index,
                   GBytes *expected)
{
  GMemoryOutputStream *sink = sink_at (sinks, index);

  g_assert_nonnull (sink);
  g_assert_true (g_output_stream_is_closed (G_OUTPUT_STREAM (sink)));
  g_assert_cmpmem (g_memory_output_stream_get_data (sink), g_memory_output_stream_get_data_size (sink),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static RpImagesReader *
reader_new (Sinks *sinks)
{
  RpImagesReader *reader = rp_images_reader_new ();

  rp_images_reader_set_sink_func (reader, open_sink, sinks, NULL);
  return reader;
}

/* Feeds @len bytes of @text in @chunk-sized pieces and finishes. */
static gboolean
read_chunked (RpImagesReader  *reader,
              const char      *text,
              gsize            len,
              gsize            chunk,
              GError         **error)
{
  gsize done;

  for (done = 0; done < len; done += chunk)
    if (!rp_images_reader_feed (reader, text + done, MIN (chunk, len - done), NULL, error))
      return FALSE;
  return rp_images_reader_finish (reader, NULL, error);
}

/* ---- tests ---- */

static void
test_full_response (void)
{
  static const gsize chunks[] = { 1, 7, 64, 1000, 65536, G_MAXSIZE };
  Images images;
  g_autofree char *text = NULL;
  guint i;

  images_init (&images);
  text = full_response (&images);

  for (i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      Sinks sinks;
      g_autoptr(RpImagesReader) reader = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *usage;

      sinks_init (&sinks);
      reader = reader_new (&sinks);
      g_assert_true (read_chunked (reader, text, strlen (text), chunks[i], &error));
      g_assert_no_error (error);

      g_assert_cmpuint (rp_images_reader_get_n_images (reader), ==, 3);
      g_assert_cmpuint (sinks.opened, ==, 3);
      assert_sink_holds (&sinks, 0, images.png);
      assert_sink_holds (&sinks, 1, images.jpeg);
      assert_sink_holds (&sinks, 2, images.webp);
      g_assert_cmpint (rp_images_reader_get_image_size (reader, 1), ==, g_bytes_get_size (images.jpeg));
      g_assert_cmpint (rp_images_reader_get_image_format (reader, 0), ==, RP_IMAGE_FORMAT_PNG);
      g_assert_cmpint (rp_images_reader_get_image_format (reader, 1), ==, RP_IMAGE_FORMAT_JPEG);
      g_assert_cmpint (rp_images_reader_get_image_format (reader, 2), ==, RP_IMAGE_FORMAT_WEBP);
      g_assert_cmpstr (rp_images_reader_get_revised_prompt (reader, 0), ==, "a red \"kite\"");
      g_assert_null (rp_images_reader_get_revised_prompt (reader, 1));
      g_assert_null (rp_images_reader_get_revised_prompt (reader, 2));
      g_assert_null (rp_images_reader_get_image_url (reader, 2));

      g_assert_cmpint (rp_images_reader_get_int (reader, "created", 0), ==, 1713833628);
      g_assert_cmpstr (rp_images_reader_get_string (reader, "background"), ==, "opaque");
      g_assert_cmpstr (rp_images_reader_get_string (reader, "output_format"), ==, "png");
      g_assert_cmpstr (rp_images_reader_get_string (reader, "quality"), ==, "high");
      g_assert_cmpstr (rp_images_reader_get_string (reader, "size"), ==, "1024x1024");
      g_assert_false (json_object_has_member (rp_images_reader_get_fields (reader), "data"));
      usage = json_node_get_object (rp_images_reader_get_usage (reader));
      g_assert_cmpint (json_object_get_int_member (usage, "total_tokens"), ==, 100);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (usage, "input_tokens_details"),
                                                   "image_tokens"), ==, 40);
      g_assert_null (rp_images_reader_get_api_error (reader));
      sinks_clear (&sinks);
    }
  images_clear (&images);
}

static void
test_urls (void)
{
  const char *text =
    "{\"data\":[{\"url\":\"https:\\/\\/media.example.com\\/task-artifacts\\/a.png?sig=x%2Fy\"},"
    "{\"url\":\"https://cdn.example.com/b.png\",\"b64_json\":\"\",\"revised_prompt\":\"\"},"
    "{\"b64_json\":null,\"url\":null}],"
    "\"created\":1,\"output_format\":\"png\",\"quality\":\"low\",\"size\":\"1024x1024\"}";
  Sinks sinks;
  g_autoptr(RpImagesReader) reader = NULL;
  g_autoptr(GError) error = NULL;

  sinks_init (&sinks);
  reader = reader_new (&sinks);
  g_assert_true (read_chunked (reader, text, strlen (text), 5, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_images_reader_get_n_images (reader), ==, 3);
  g_assert_cmpuint (sinks.opened, ==, 0);
  g_assert_cmpstr (rp_images_reader_get_image_url (reader, 0), ==,
                   "https://media.example.com/task-artifacts/a.png?sig=x%2Fy");
  g_assert_cmpstr (rp_images_reader_get_image_url (reader, 1), ==, "https://cdn.example.com/b.png");
  g_assert_null (rp_images_reader_get_image_url (reader, 2));
  g_assert_cmpint (rp_images_reader_get_image_size (reader, 1), ==, 0);
  g_assert_cmpint (rp_images_reader_get_image_format (reader, 1), ==, RP_IMAGE_FORMAT_UNKNOWN);
  g_assert_cmpstr (rp_images_reader_get_string (reader, "quality"), ==, "low");
  sinks_clear (&sinks);
}

static void
test_no_images (void)
{
  static const char *texts[] = {
    "{\"created\":1,\"data\":[]}",
    "{\"created\":1}",
    "{\"created\":1,\"data\":null}",
    " {} ",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      Sinks sinks;
      g_autoptr(RpImagesReader) reader = NULL;
      g_autoptr(GError) error = NULL;

      sinks_init (&sinks);
      reader = reader_new (&sinks);
      g_assert_true (read_chunked (reader, texts[i], strlen (texts[i]), 3, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rp_images_reader_get_n_images (reader), ==, 0);
      g_assert_null (rp_images_reader_get_api_error (reader));
      g_assert_cmpint (rp_images_reader_get_int (reader, "created", -1), ==, i < 3 ? 1 : -1);
      sinks_clear (&sinks);
    }
}

typedef struct
{
  const char *text;
  const char *message;
  const char *type;
  const char *code;
  const char *param;
} ErrorCase;

static void
test_error_bodies (void)
{
  static const ErrorCase cases[] = {
    { "{\"error\":{\"message\":\"Invalid value: 'standard'.\",\"type\":\"invalid_request_error\","
      "\"param\":\"quality\",\"code\":\"invalid_value\"}}",
      "Invalid value: 'standard'.", "invalid_request_error", "invalid_value", "quality" },
    { "{\"error\":{\"message\":\"Your request was rejected. safety_violations=[sexual]\","
      "\"type\":\"image_generation_user_error\",\"param\":null,\"code\":\"moderation_blocked\","
      "\"moderation_details\":{\"moderation_stage\":\"input\",\"categories\":[\"sexual\"]}}}",
      "Your request was rejected. safety_violations=[sexual]", "image_generation_user_error",
      "moderation_blocked", NULL },
    { "{\"error\":\"Invalid request parameters\",\"details\":{\"_errors\":[],"
      "\"prompt\":{\"_errors\":[\"Required\"]}},\"issues\":[]}",
      "Invalid request parameters", NULL, NULL, NULL },
    { "{\"error\":{\"message\":\"slow down\",\"code\":429,\"param\":\"\",\"type\":null}}",
      "slow down", NULL, "429", "" },
    { "{\"type\":\"error\",\"error\":{\"message\":\"boom (request id: 2024)\",\"code\":\"server_error\"}}",
      "boom (request id: 2024)", NULL, "server_error", NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
      g_autoptr(GError) error = NULL;
      const RpApiError *api;

      g_assert_true (read_chunked (reader, cases[i].text, strlen (cases[i].text), 2, &error));
      g_assert_no_error (error);
      api = rp_images_reader_get_api_error (reader);
      g_assert_nonnull (api);
      g_assert_cmpstr (api->message, ==, cases[i].message);
      g_assert_cmpstr (api->type, ==, cases[i].type);
      g_assert_cmpstr (api->code, ==, cases[i].code);
      g_assert_cmpstr (api->param, ==, cases[i].param);
      g_assert_cmpuint (rp_images_reader_get_n_images (reader), ==, 0);
    }
}

typedef struct
{
  const char *text;
  int         code;   /* -1: well-formed */
} SyntaxCase;

static void
test_malformed (void)
{
  g_autofree char *deep_open = g_strnfill (100, '[');
  g_autofree char *deep_close = g_strnfill (100, ']');
  g_autofree char *deep = g_strdup_printf ("{\"usage\":%s%s}", deep_open, deep_close);
  const SyntaxCase cases[] = {
    { "", RP_TRANSPORT_ERROR_TRUNCATED },
    { "  \n ", RP_TRANSPORT_ERROR_TRUNCATED },
    { "{", RP_TRANSPORT_ERROR_TRUNCATED },
    { "{\"data\":[", RP_TRANSPORT_ERROR_TRUNCATED },
    { "{\"data\":[{\"b64_json\":\"QUJD", RP_TRANSPORT_ERROR_TRUNCATED },
    { "{\"a\":\"\\u00", RP_TRANSPORT_ERROR_TRUNCATED },
    { "{\"a\":12", RP_TRANSPORT_ERROR_TRUNCATED },
    { "{\"data\":[}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":1,}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{'a':1}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":tru}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":nul}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":NaN}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":01}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":1.}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":-}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":+1}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":1e}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":.5}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":1}x", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":1}{}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\" 1}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":[1 2]}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":]}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":[1}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{,}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\x01\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\\x\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\\u12G4\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\xff\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\xc3\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\xe0\x80\x80\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\xed\xa0\x80\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\xf4\x90\x80\x80\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\\ud800\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\\udc00\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\\ud800\\u0041\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "{\"a\":\"\\ud800x\"}", RP_TRANSPORT_ERROR_MALFORMED },
    { "[1]", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "\"text\"", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "42", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "null", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":{}}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":\"x\"}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":[1]}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":[[]]}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":[{\"b64_json\":5}]}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":[{\"url\":{}}]}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { "{\"data\":[{\"b64_json\":\"QUJD\",\"b64_json\":\"QUJD\"}]}", RP_TRANSPORT_ERROR_UNEXPECTED },
    { deep, RP_TRANSPORT_ERROR_TOO_LARGE },
    { "{\"a\":[1,-0.5e+3,2E-2,0,true,false,null,\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\"],\"b\":{},\"c\":[]}", -1 },
    { "\t{ \"data\" : [ ] , \"x\" : { \"y\" : [ { } ] } }\r\n", -1 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].text);
      gsize chunk;

      for (chunk = 1; chunk <= MAX (len, 1); chunk = chunk < len ? len : chunk + 1)
        {
          g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
          g_autoptr(GError) error = NULL;
          gboolean ok = read_chunked (reader, cases[i].text, len, chunk, &error);

          if (cases[i].code < 0)
            {
              g_assert_no_error (error);
              g_assert_true (ok);
            }
          else
            {
              if (error == NULL || error->code != cases[i].code)
                g_test_message ("case %u: %s", i, cases[i].text);
              g_assert_error (error, RP_TRANSPORT_ERROR, cases[i].code);
              g_assert_false (ok);
              /* The reader refuses anything more once it failed. */
              g_clear_error (&error);
              g_assert_false (rp_images_reader_feed (reader, "{}", 2, NULL, &error));
              g_assert_nonnull (error);
            }
        }
    }
}

/* The first fault in a body decides its error, however the network split it: a string's
 * bytes reach the reader before a bad byte later in the same string fails the JSON. */
static void
test_error_order (void)
{
  g_autofree char *long_key = g_strnfill (RP_IMAGES_READER_MAX_KEY_BYTES + 10, 'k');
  g_autofree char *long_bad_key = g_strdup_printf ("{\"%s\xff\":1}", long_key);
  const SyntaxCase cases[] = {
    { "{\"data\":[{\"b64_json\":\"iVBO\xd0\x94\xbe\"}]}", RP_TRANSPORT_ERROR_INVALID_BASE64 },
    { "{\"b64_json\":\"AAAA!\xc3\x28\"}", RP_TRANSPORT_ERROR_INVALID_BASE64 },
    { long_bad_key, RP_TRANSPORT_ERROR_TOO_LARGE },
    { "{\"b64_json\":\"QUJD\xff\"}", RP_TRANSPORT_ERROR_MALFORMED },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].text);
      gsize chunk;

      for (chunk = 1; chunk <= len; chunk++)
        {
          g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
          g_autoptr(GError) error = NULL;

          g_assert_false (read_chunked (reader, cases[i].text, len, chunk, &error));
          if (error->code != cases[i].code)
            g_test_message ("case %u in chunks of %" G_GSIZE_FORMAT ": %s", i, chunk, error->message);
          g_assert_error (error, RP_TRANSPORT_ERROR, cases[i].code);
        }
    }
}

static void
test_escapes_kept (void)
{
  const char *text = "{\"a\":[1,-0.5e+3,true,null,\"\\u00e9\\ud83d\\ude00\\/\\\"\"],\"big\":12345678901234567890}";
  g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_true (read_chunked (reader, text, strlen (text), 1, &error));
  array = json_object_get_array_member (rp_images_reader_get_fields (reader), "a");
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, -500.0);
  g_assert_true (json_array_get_boolean_element (array, 2));
  g_assert_true (json_array_get_null_element (array, 3));
  g_assert_cmpstr (json_array_get_string_element (array, 4), ==, "é😀/\"");
  /* Past the range of a 64-bit integer: kept as a double, not wrapped. */
  g_assert_cmpfloat (json_object_get_double_member (rp_images_reader_get_fields (reader), "big"), ==, 12345678901234567890.0);
}

typedef struct
{
  const char *b64;
  const char *decoded;  /* NULL: invalid */
} Base64Case;

static void
test_base64 (void)
{
  static const Base64Case cases[] = {
    { "QUJD", "ABC" },
    { "QUI=", "AB" },
    { "QQ==", "A" },
    { "QUI", "AB" },
    { "QQ", "A" },
    { "QUJDRA==", "ABCD" },
    { "Pz8\\/", "???" },
    { "\\u0051\\u0051==", "A" },
    { "data:image/png;base64,QUJD", "ABC" },
    { "Q", NULL },
    { "QQ=", NULL },
    { "QUJD=", NULL },
    { "Q===", NULL },
    { "=", NULL },
    { "QQ==QQ==", NULL },
    { "QQ==Q", NULL },
    { "QU JD", NULL },
    { "QUJD\\n", NULL },
    { "QU-_", NULL },
    { "QUJD*", NULL },
    { "data:image/png;base64", NULL },
    { "\\u00e9QUJD", NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"data\":[{\"b64_json\":\"%s\"}]}", cases[i].b64);
      gsize chunk;

      for (chunk = 1; chunk <= strlen (text); chunk += strlen (text) - 1)
        {
          Sinks sinks;
          g_autoptr(RpImagesReader) reader = NULL;
          g_autoptr(GError) error = NULL;
          gboolean ok;

          sinks_init (&sinks);
          reader = reader_new (&sinks);
          ok = read_chunked (reader, text, strlen (text), chunk, &error);
          if (cases[i].decoded != NULL)
            {
              g_autoptr(GBytes) expected = g_bytes_new_static (cases[i].decoded, strlen (cases[i].decoded));

              g_assert_no_error (error);
              g_assert_true (ok);
              assert_sink_holds (&sinks, 0, expected);
            }
          else
            {
              g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_INVALID_BASE64);
              g_assert_false (ok);
            }
          sinks_clear (&sinks);
        }
    }
}

/* Every proper prefix of a response is an error, never a success with fewer images. */
static void
test_truncated (void)
{
  const char *text = "{\"created\":1,\"data\":[{\"b64_json\":\"iVBORw0KGgoAAAANSUhEUg==\",\"revised_prompt\":\"\\u00e9\"},"
                     "{\"url\":\"https://x/y.png\"}],\"usage\":{\"total_tokens\":100},\"size\":\"auto\"}";
  gsize len = strlen (text), cut;

  for (cut = 0; cut < len; cut++)
    {
      Sinks sinks;
      g_autoptr(RpImagesReader) reader = NULL;
      g_autoptr(GError) error = NULL;

      sinks_init (&sinks);
      reader = reader_new (&sinks);
      g_assert_true (rp_images_reader_feed (reader, text, cut, NULL, &error));
      g_assert_false (rp_images_reader_finish (reader, NULL, &error));
      g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TRUNCATED);
      /* A half-received image is never presented as complete. */
      if (sinks.opened > 0 && cut < (gsize) (strstr (text, "==\"") - text + 3))
        g_assert_false (g_output_stream_is_closed (G_OUTPUT_STREAM (sink_at (&sinks, 0))));
      sinks_clear (&sinks);
    }
}

static void
test_caps (void)
{
  g_autofree char *image = g_strnfill (100000, 'A');
  g_autofree char *prompt = g_strnfill (2000, 'p');
  g_autofree char *key = g_strnfill (RP_IMAGES_READER_MAX_KEY_BYTES + 1, 'k');
  g_autofree char *fits = g_strdup_printf ("{\"data\":[{\"b64_json\":\"%s\",\"revised_prompt\":\"short\"}]}", image);
  g_autofree char *long_prompt = g_strdup_printf ("{\"data\":[{\"b64_json\":\"%s\",\"revised_prompt\":\"%s\"}]}", image, prompt);
  g_autofree char *long_url = g_strdup_printf ("{\"data\":[{\"url\":\"https://x/%s\"}]}", prompt);
  g_autofree char *long_key = g_strdup_printf ("{\"%s\":1}", key);
  g_autofree char *many = NULL;
  const char *too_large[4];
  GString *members = g_string_new ("{\"usage\":{");
  guint i;

  for (i = 0; i < 200; i++)
    g_string_append_printf (members, "%s\"k%u\":[]", i > 0 ? "," : "", i);
  g_string_append (members, "}}");
  many = g_string_free (members, FALSE);
  too_large[0] = long_prompt;
  too_large[1] = long_url;
  too_large[2] = long_key;
  too_large[3] = many;

  /* 100 kB of image data does not count against a 1 kB cap on the rest. */
  {
    g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
    g_autoptr(GError) error = NULL;

    rp_images_reader_set_max_small_bytes (reader, 1024);
    g_assert_true (read_chunked (reader, fits, strlen (fits), 4096, &error));
    g_assert_no_error (error);
    g_assert_cmpint (rp_images_reader_get_image_size (reader, 0), ==, 75000);
  }

  for (i = 0; i < G_N_ELEMENTS (too_large); i++)
    {
      g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
      g_autoptr(GError) error = NULL;

      rp_images_reader_set_max_small_bytes (reader, 1024);
      g_assert_false (read_chunked (reader, too_large[i], strlen (too_large[i]), 4096, &error));
      g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE);
    }
}

static void
test_stream_events (void)
{
  Images images;
  g_autofree char *png = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *completed = NULL;
  const char *relay = "{\"type\":\"image_edit.completed\",\"url\":\"https://relay/x.png\",\"created_at\":7}";
  Sinks sinks;
  g_autoptr(RpImagesReader) reader = NULL;
  g_autoptr(RpImagesReader) done = NULL;
  g_autoptr(RpImagesReader) by_url = NULL;
  g_autoptr(GError) error = NULL;

  images_init (&images);
  png = b64 (images.png);
  jpeg = b64 (images.jpeg);
  partial = g_strdup_printf ("{\"type\":\"image_edit.partial_image\",\"b64_json\":\"%s\",\"partial_image_index\":1,"
                             "\"background\":\"opaque\",\"created_at\":1713833628,\"output_format\":\"png\","
                             "\"quality\":\"medium\",\"size\":\"1024x1024\"}", png);
  completed = g_strdup_printf ("{\"type\":\"image_edit.completed\",\"b64_json\":\"%s\",\"background\":\"opaque\","
                               "\"created_at\":1713833629,\"output_format\":\"jpeg\",\"quality\":\"medium\","
                               "\"size\":\"1024x1024\",\"usage\":{\"input_tokens\":5,\"output_tokens\":7,"
                               "\"total_tokens\":12}}", jpeg);

  sinks_init (&sinks);
  reader = reader_new (&sinks);
  g_assert_true (read_chunked (reader, partial, strlen (partial), 13, &error));
  g_assert_cmpuint (rp_images_reader_get_n_images (reader), ==, 1);
  assert_sink_holds (&sinks, 0, images.png);
  g_assert_cmpstr (rp_images_reader_get_string (reader, "type"), ==, "image_edit.partial_image");
  g_assert_cmpint (rp_images_reader_get_int (reader, "partial_image_index", -1), ==, 1);
  g_assert_cmpint (rp_images_reader_get_int (reader, "created_at", -1), ==, 1713833628);
  g_assert_false (json_object_has_member (rp_images_reader_get_fields (reader), "b64_json"));
  g_assert_true (rp_images_reader_get_image_fields (reader, 0) == rp_images_reader_get_fields (reader));
  sinks_clear (&sinks);

  sinks_init (&sinks);
  done = reader_new (&sinks);
  g_assert_true (read_chunked (done, completed, strlen (completed), 4096, &error));
  assert_sink_holds (&sinks, 0, images.jpeg);
  g_assert_cmpint (rp_images_reader_get_image_format (done, 0), ==, RP_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (rp_images_reader_get_usage (done)),
                                               "total_tokens"), ==, 12);
  sinks_clear (&sinks);

  by_url = rp_images_reader_new ();
  g_assert_true (read_chunked (by_url, relay, strlen (relay), 4096, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_images_reader_get_n_images (by_url), ==, 1);
  g_assert_cmpstr (rp_images_reader_get_image_url (by_url, 0), ==, "https://relay/x.png");
  images_clear (&images);
}

/* ---- an event stream piped through readers, as the service does ---- */

typedef struct
{
  RpImagesReader *reader;   /* for the event being read */
  Sinks          *sinks;
  GPtrArray      *results;  /* GBytes of each event's image */
  GPtrArray      *types;
} Pipe;

static gboolean
pipe_data (const char  *data,
           gsize        len,
           gpointer     user_data,
           GError     **error)
{
  Pipe *pipe = user_data;

  if (pipe->reader == NULL)
    pipe->reader = reader_new (pipe->sinks);
  return rp_images_reader_feed (pipe->reader, data, len, NULL, error);
}

static gboolean
pipe_event (const RpSseEvent  *event,
            gpointer           user_data,
            GError           **error)
{
  Pipe *pipe = user_data;
  g_autoptr(RpImagesReader) reader = g_steal_pointer (&pipe->reader);
  GMemoryOutputStream *sink;

  if (event->done)
    return TRUE;
  g_assert_nonnull (reader);
  if (!rp_images_reader_finish (reader, NULL, error))
    return FALSE;
  g_ptr_array_add (pipe->types, g_strdup (event->event));
  sink = g_ptr_array_steal_index (pipe->sinks->sinks, 0);
  g_ptr_array_add (pipe->results, g_memory_output_stream_steal_as_bytes (sink));
  g_object_unref (sink);
  return TRUE;
}

static void
test_sse_pipeline (void)
{
  static const gsize chunks[] = { 1, 7, 4096 };
  Images images;
  g_autofree char *png = NULL, *jpeg = NULL, *webp = NULL, *stream = NULL;
  guint i;

  images_init (&images);
  png = b64 (images.png);
  jpeg = b64_escaped (images.jpeg);
  webp = b64 (images.webp);
  stream = g_strdup_printf (
    "event: image_edit.partial_image\r\n"
    "data: {\"type\":\"image_edit.partial_image\",\"partial_image_index\":0,\"b64_json\":\"%s\"}\r\n\r\n"
    ": keep-alive\r\n\r\n"
    "event: image_edit.partial_image\r\n"
    "data: {\"type\":\"image_edit.partial_image\",\"partial_image_index\":1,\"b64_json\":\"%s\"}\r\n\r\n"
    "event: image_edit.completed\r\n"
    "data: {\"type\":\"image_edit.completed\",\"b64_json\":\"%s\",\"usage\":{\"total_tokens\":3}}\r\n\r\n"
    "data: [DONE]\r\n\r\n", png, jpeg, webp);

  for (i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      Sinks sinks;
      Pipe pipe = { NULL, &sinks, g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref),
                    g_ptr_array_new_with_free_func (g_free) };
      g_autoptr(RpSseParser) parser = rp_sse_parser_new (1024, pipe_event, &pipe);
      g_autoptr(GError) error = NULL;
      gsize done, len = strlen (stream);

      sinks_init (&sinks);
      /* Streaming mode with a 1 kB cap: events of 100 kB pass without being held. */
      rp_sse_parser_set_data_func (parser, pipe_data);
      for (done = 0; done < len; done += chunks[i])
        g_assert_true (rp_sse_parser_feed (parser, stream + done, MIN (chunks[i], len - done), &error));
      g_assert_true (rp_sse_parser_finish (parser, &error));
      g_assert_no_error (error);

      g_assert_cmpuint (pipe.results->len, ==, 3);
      g_assert_true (g_bytes_equal (g_ptr_array_index (pipe.results, 0), images.png));
      g_assert_true (g_bytes_equal (g_ptr_array_index (pipe.results, 1), images.jpeg));
      g_assert_true (g_bytes_equal (g_ptr_array_index (pipe.results, 2), images.webp));
      g_assert_cmpstr (g_ptr_array_index (pipe.types, 2), ==, "image_edit.completed");
      g_ptr_array_unref (pipe.results);
      g_ptr_array_unref (pipe.types);
      sinks_clear (&sinks);
    }
  images_clear (&images);
}

static void
test_sink_failures (void)
{
  const char *text = "{\"data\":[{\"b64_json\":\"QUJDREVGR0hJSktMTU5PUA==\"}]}";
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Sinks sinks;

  /* The sink func refuses. */
  {
    g_autoptr(RpImagesReader) reader = NULL;
    g_autoptr(GError) error = NULL;

    sinks_init (&sinks);
    sinks.refuse = TRUE;
    reader = reader_new (&sinks);
    g_assert_false (read_chunked (reader, text, strlen (text), 4096, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
    sinks_clear (&sinks);
  }

  /* The sink fills up: its write error comes through. */
  {
    g_autoptr(RpImagesReader) reader = NULL;
    g_autoptr(GError) error = NULL;

    sinks_init (&sinks);
    sinks.fixed_size = 4;
    reader = reader_new (&sinks);
    g_assert_false (read_chunked (reader, text, strlen (text), 4096, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    sinks_clear (&sinks);
  }

  /* Discarding still checks and measures the image. */
  {
    g_autoptr(RpImagesReader) reader = NULL;
    g_autoptr(GError) error = NULL;
    const char *png = "{\"data\":[{\"b64_json\":\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB\"}]}";

    sinks_init (&sinks);
    sinks.discard = TRUE;
    reader = reader_new (&sinks);
    g_assert_true (read_chunked (reader, png, strlen (png), 4096, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (sinks.opened, ==, 1);
    g_assert_cmpint (rp_images_reader_get_image_size (reader, 0), ==, 24);
    g_assert_cmpint (rp_images_reader_get_image_format (reader, 0), ==, RP_IMAGE_FORMAT_PNG);
    sinks_clear (&sinks);
  }

  /* Cancelling stops the writes. */
  {
    g_autoptr(RpImagesReader) reader = NULL;
    g_autoptr(GError) error = NULL;

    sinks_init (&sinks);
    reader = reader_new (&sinks);
    g_cancellable_cancel (cancellable);
    g_assert_false (rp_images_reader_feed (reader, text, strlen (text), cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    sinks_clear (&sinks);
  }
}

/* Random damage to a valid response: the reader either succeeds or fails with a
 * transport error, whatever the damage and however the input is split. */
static void
test_mutations (void)
{
  const char *text = "{\"created\":1,\"data\":[{\"b64_json\":\"iVBORw0KGgoAAAANSUhEUgAA\\/w==\",\"revised_prompt\":\"\\u00e9\\ud83d\\ude00\"},"
                     "{\"url\":\"https://x/y.png\"}],\"usage\":{\"total_tokens\":100,\"d\":[1.5e3,true,null]},"
                     "\"error\":{\"code\":1}}\n";
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  gsize len = strlen (text);
  guint round, ok = 0;

  {
    g_autoptr(RpImagesReader) intact = rp_images_reader_new ();

    rp_images_reader_set_max_small_bytes (intact, MUTATION_MAX_SMALL_BYTES);
    g_assert_true (read_chunked (intact, text, len, len, NULL));
  }
  for (round = 0; round < MUTATION_ROUNDS; round++)
    {
      g_autofree char *copy = g_strdup (text);
      gsize cut = g_rand_int_range (rand, 0, 8) == 0 ? (gsize) g_rand_int_range (rand, 0, len) : len;
      gsize chunk = g_rand_int_range (rand, 1, 40);
      guint edits = g_rand_int_range (rand, 1, 5), e;
      Sinks sinks;
      g_autoptr(RpImagesReader) reader = NULL;
      g_autoptr(GError) error = NULL;
      guint8 fuzz_input[512];

      for (e = 0; e < edits; e++)
        copy[g_rand_int_range (rand, 0, len)] = g_rand_int_range (rand, 1, 256);
      sinks_init (&sinks);
      reader = reader_new (&sinks);
      rp_images_reader_set_max_small_bytes (reader, MUTATION_MAX_SMALL_BYTES);
      if (read_chunked (reader, copy, cut, chunk, &error))
        {
          g_assert_no_error (error);
          ok++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == RP_TRANSPORT_ERROR);
        }
      sinks_clear (&sinks);

      fuzz_input[0] = chunk;
      memcpy (fuzz_input + 1, copy, MIN (cut, sizeof fuzz_input - 1));
      g_assert_cmpint (rp_transport_fuzz_images_reader (fuzz_input, MIN (cut, sizeof fuzz_input - 1) + 1), ==, 0);
    }
  g_test_message ("%u of %u damaged responses still read", ok, MUTATION_ROUNDS);
  /* Some damage lands in places that keep the JSON valid (inside strings). */
  g_assert_cmpuint (ok, >, 0);
  g_assert_cmpuint (ok, <, MUTATION_ROUNDS);
}

/* ---- three 20 MB images through file sinks ---- */

static GOutputStream *
open_file_sink (RpImagesReader  *reader,
                guint            index,
                gpointer         user_data,
                GError         **error)
{
  const char *dir = user_data;
  g_autofree char *name = g_strdup_printf ("out%u.part", index);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error));
}

/* Writes the response text straight to disk, base64 encoding in small steps. */
static char *
write_large_response (const char *dir,
                      char      **sources)
{
  g_autofree char *path = g_build_filename (dir, "response.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_autofree guint8 *raw = g_malloc (FEED_CHUNK_BYTES);
  g_autofree char *encoded = g_malloc (FEED_CHUNK_BYTES * 2);
  GOutputStream *o = G_OUTPUT_STREAM (out);
  guint i;

  g_assert_no_error (error);
  g_output_stream_printf (o, NULL, NULL, &error, "{\"created\":1,\"data\":[");
  for (i = 0; i < LARGE_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("source%u.png", i);
      guint64 state = 500 + i;
      gsize done = 0, n;
      int b64_state = 0, b64_save = 0;

      sources[i] = rp_test_write_pattern_file (dir, name, LARGE_IMAGE_BYTES, state);
      g_output_stream_printf (o, NULL, NULL, &error, "%s{\"b64_json\":\"", i > 0 ? "," : "");
      while (done < LARGE_IMAGE_BYTES)
        {
          gsize chunk = MIN (FEED_CHUNK_BYTES, LARGE_IMAGE_BYTES - done);

          rp_test_pattern_fill (&state, raw, chunk);
          n = g_base64_encode_step (raw, chunk, FALSE, encoded, &b64_state, &b64_save);
          /* The second image escapes its slashes, as some servers do. */
          if (i == 1)
            {
              g_autofree char *text = g_strndup (encoded, n);
              g_auto(GStrv) parts = g_strsplit (text, "/", -1);
              g_autofree char *escaped = g_strjoinv ("\\/", parts);

              g_output_stream_write_all (o, escaped, strlen (escaped), NULL, NULL, &error);
            }
          else
            g_output_stream_write_all (o, encoded, n, NULL, NULL, &error);
          g_assert_no_error (error);
          done += chunk;
        }
      n = g_base64_encode_close (FALSE, encoded, &b64_state, &b64_save);
      g_output_stream_write_all (o, encoded, n, NULL, NULL, &error);
      g_output_stream_printf (o, NULL, NULL, &error, "\"}");
    }
  g_output_stream_printf (o, NULL, NULL, &error, "],\"usage\":{\"total_tokens\":9}}");
  g_output_stream_close (o, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
test_large_bounded_memory (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  char *sources[LARGE_IMAGES];
  g_autofree char *response = write_large_response (dir, sources);
  g_autoptr(GFile) response_file = g_file_new_for_path (response);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) in = g_file_read (response_file, NULL, &error);
  g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
  g_autofree char *buf = g_malloc (FEED_CHUNK_BYTES);
  gsize base_kb, peak_kb;
  gboolean measured;
  goffset total = 0;
  gssize n;
  guint i;

  g_assert_no_error (error);
  rp_images_reader_set_sink_func (reader, open_file_sink, dir, NULL);
  measured = rp_test_reset_peak_rss ();
  base_kb = rp_test_current_rss_kb ();
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, FEED_CHUNK_BYTES, NULL, &error)) > 0)
    {
      g_assert_true (rp_images_reader_feed (reader, buf, n, NULL, &error));
      total += n;
    }
  g_assert_true (rp_images_reader_finish (reader, NULL, &error));
  peak_kb = rp_test_peak_rss_kb ();
  g_assert_no_error (error);

  g_assert_cmpuint (rp_images_reader_get_n_images (reader), ==, LARGE_IMAGES);
  for (i = 0; i < LARGE_IMAGES; i++)
    {
      g_autofree char *name = g_strdup_printf ("out%u.part", i);
      g_autofree char *out = g_build_filename (dir, name, NULL);

      g_assert_cmpint (rp_images_reader_get_image_size (reader, i), ==, LARGE_IMAGE_BYTES);
      g_assert_true (rp_test_files_equal (out, sources[i]));
      g_free (sources[i]);
    }
  g_test_message ("decoded %d MB of images from %" G_GOFFSET_FORMAT " bytes of JSON; RSS %"
                  G_GSIZE_FORMAT " kB before, peak %" G_GSIZE_FORMAT " kB",
                  LARGE_IMAGES * LARGE_IMAGE_BYTES / (1024 * 1024), total, base_kb, peak_kb);
  if (measured)
    g_assert_cmpuint (peak_kb, <, base_kb + MAX_READ_RSS_KB);
  rp_test_tmpdir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/images-reader/full-response", test_full_response);
  g_test_add_func ("/repaint/images-reader/urls", test_urls);
  g_test_add_func ("/repaint/images-reader/no-images", test_no_images);
  g_test_add_func ("/repaint/images-reader/error-bodies", test_error_bodies);
  g_test_add_func ("/repaint/images-reader/malformed", test_malformed);
  g_test_add_func ("/repaint/images-reader/error-order", test_error_order);
  g_test_add_func ("/repaint/images-reader/escapes-kept", test_escapes_kept);
  g_test_add_func ("/repaint/images-reader/base64", test_base64);
  g_test_add_func ("/repaint/images-reader/truncated", test_truncated);
  g_test_add_func ("/repaint/images-reader/caps", test_caps);
  g_test_add_func ("/repaint/images-reader/stream-events", test_stream_events);
  g_test_add_func ("/repaint/images-reader/sse-pipeline", test_sse_pipeline);
  g_test_add_func ("/repaint/images-reader/sink-failures", test_sink_failures);
  g_test_add_func ("/repaint/images-reader/mutations", test_mutations);
  g_test_add_func ("/repaint/images-reader/large-bounded-memory", test_large_bounded_memory);

  return g_test_run ();
}
