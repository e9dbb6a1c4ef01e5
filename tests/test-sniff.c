/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

typedef struct
{
  const char    *bytes;
  gsize          len;
  RpImageFormat  format;
  const char    *message_part;  /* for refusals */
} SniffCase;

static void
test_sniff_bytes (void)
{
  static const SniffCase cases[] = {
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, RP_IMAGE_FORMAT_PNG, NULL },
    { "\xff\xd8\xff\xe0\0\x10JFIF", 10, RP_IMAGE_FORMAT_JPEG, NULL },
    { "RIFF\x24\0\0\0WEBPVP8 ", 16, RP_IMAGE_FORMAT_WEBP, NULL },
    { "", 0, RP_IMAGE_FORMAT_UNKNOWN, "empty" },
    { "  {\"error\":{\"message\":\"bad\"}}", 30, RP_IMAGE_FORMAT_UNKNOWN, "application/json" },
    { "<!DOCTYPE html><html>", 21, RP_IMAGE_FORMAT_UNKNOWN, "text/html" },
    { "\x01\x02\x03\x04garbage", 11, RP_IMAGE_FORMAT_UNKNOWN, "image/png" },
  };
  static const char *announced[] = { "image/png", "image/png", "image/webp", "image/png",
                                     "application/json", "text/html", "image/png" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      RpImageFormat format = rp_transport_sniff_image ((const guint8 *) cases[i].bytes, cases[i].len,
                                                       announced[i], &error);

      g_assert_cmpint (format, ==, cases[i].format);
      if (cases[i].message_part == NULL)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE);
          g_assert_nonnull (strstr (error->message, cases[i].message_part));
        }
    }
}

static void
test_sniff_file (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (16, 16, FALSE);
  g_autofree char *jpeg_path = g_build_filename (dir, "result.png", NULL);
  g_autofree char *json_path = rp_test_write_file (dir, "result2.png", "{\"error\":\"x\"}", 13);
  g_autofree char *missing_path = g_build_filename (dir, "missing", NULL);
  g_autoptr(GFile) jpeg = g_file_new_for_path (jpeg_path);
  g_autoptr(GFile) json = g_file_new_for_path (json_path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GError) error = NULL;

  /* The name says PNG; the bytes are JPEG, and the bytes win. */
  gdk_pixbuf_save (pixbuf, jpeg_path, "jpeg", &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpint (rp_transport_sniff_file (jpeg, NULL, &error), ==, RP_IMAGE_FORMAT_JPEG);
  g_assert_no_error (error);

  g_assert_cmpint (rp_transport_sniff_file (json, NULL, &error), ==, RP_IMAGE_FORMAT_UNKNOWN);
  g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE);
  g_clear_error (&error);

  g_assert_cmpint (rp_transport_sniff_file (missing, NULL, &error), ==, RP_IMAGE_FORMAT_UNKNOWN);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  rp_test_tmpdir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/sniff/bytes", test_sniff_bytes);
  g_test_add_func ("/repaint/sniff/file", test_sniff_file);

  return g_test_run ();
}
