/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rp-core.h"
#include "rp-test-util.h"

static void
roundtrip (int         width,
           int         height,
           gboolean    alpha,
           RpPngPreset preset)
{
  g_autoptr(GdkPixbuf) src = rp_test_pattern_pixbuf (width, height, alpha);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("png", NULL);
  GdkPixbuf *got;
  int y;

  g_assert_true (rp_png_save_pixbuf (src, out, preset, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));

  /* Decoded by libpng (through gdk-pixbuf), not by our own code. */
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  got = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (got), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (got), ==, height);
  g_assert_cmpint (gdk_pixbuf_get_has_alpha (got), ==, alpha);
  for (y = 0; y < height; y++)
    g_assert_cmpmem (gdk_pixbuf_read_pixels (got) + (gsize) y * gdk_pixbuf_get_rowstride (got),
                     width * (alpha ? 4 : 3),
                     gdk_pixbuf_read_pixels (src) + (gsize) y * gdk_pixbuf_get_rowstride (src),
                     width * (alpha ? 4 : 3));
}

static void
test_roundtrip (void)
{
  RpPngPreset presets[] = { RP_PNG_SPEED_PHOTO, RP_PNG_SPEED_FLAT, RP_PNG_SMALL };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      roundtrip (1, 1, FALSE, presets[i]);
      roundtrip (333, 77, FALSE, presets[i]);
      roundtrip (333, 77, TRUE, presets[i]);
      roundtrip (1500, 3, TRUE, presets[i]);   /* rows longer than one output chunk */
    }
}

static void
test_wrong_row_count (void)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(RpPngWriter) writer = rp_png_writer_new (out, 4, 3, RP_PNG_COLOR_GRAY, RP_PNG_SPEED_FLAT);
  g_autoptr(GError) error = NULL;
  guint8 row[4] = { 1, 2, 3, 4 };

  g_assert_true (rp_png_writer_write_row (writer, row, NULL, &error));
  g_assert_false (rp_png_writer_finish (writer, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/png/roundtrip", test_roundtrip);
  g_test_add_func ("/repaint/png/wrong-row-count", test_wrong_row_count);

  return g_test_run ();
}
