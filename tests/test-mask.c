/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

static gsize
count_at_least (RpMask *mask,
                guint8  threshold)
{
  int w = rp_mask_get_width (mask), h = rp_mask_get_height (mask);
  g_autofree guint8 *buf = g_malloc ((gsize) w * h);
  gsize n = 0, i;

  rp_mask_read (mask, 0, 0, w, h, buf, w);
  for (i = 0; i < (gsize) w * h; i++)
    n += buf[i] >= threshold;
  return n;
}

static void
test_empty (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (300, 200);
  cairo_rectangle_int_t bounds;

  g_assert_false (rp_mask_get_bounds (mask, &bounds));
  g_assert_true (rp_mask_is_empty (mask));
  g_assert_cmpuint (rp_mask_get_allocated_tiles (mask), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, 150, 100), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, -1, 5), ==, 0);
}

static void
test_dab (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (300, 200);
  cairo_rectangle_int_t bounds;
  gsize painted;

  rp_mask_dab (mask, 100, 100, 20, 1.0, RP_MASK_OP_PAINT);
  g_assert_cmpint (rp_mask_get_pixel (mask, 100, 100), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 100 + 18, 100), ==, 255);   /* inside */
  g_assert_cmpint (rp_mask_get_pixel (mask, 100 + 21, 100), ==, 0);     /* outside */
  g_assert_cmpint (rp_mask_get_pixel (mask, 100 + 14, 100 + 14), ==, 0); /* 20.5 px away */

  /* The half-covered rim counts as painted: the area is πr² within 2 %. */
  painted = count_at_least (mask, 128);
  g_assert_cmpfloat (fabs (painted - G_PI * 400) / (G_PI * 400), <, 0.02);

  g_assert_true (rp_mask_get_bounds (mask, &bounds));
  g_assert_cmpint (bounds.x, >=, 79);
  g_assert_cmpint (bounds.x, <=, 80);
  g_assert_cmpint (bounds.x + bounds.width, >=, 120);
  g_assert_cmpint (bounds.x + bounds.width, <=, 121);
}

static void
test_soft_dab (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (100, 100);
  guint8 mid;

  rp_mask_dab (mask, 50, 50, 20, 0.0, RP_MASK_OP_PAINT);
  mid = rp_mask_get_pixel (mask, 60, 50);
  g_assert_cmpint (rp_mask_get_pixel (mask, 50, 50), >=, 240);
  g_assert_cmpint (mid, >, 80);
  g_assert_cmpint (mid, <, 180);
  g_assert_cmpint (rp_mask_get_pixel (mask, 71, 50), ==, 0);
}

/* A dab in a huge mask touches only the tiles under it. */
static void
test_dab_cost (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (8192, 8192);

  rp_mask_dab (mask, 900, 900, 30, 1.0, RP_MASK_OP_PAINT);   /* inside tile (3, 3) */
  g_assert_cmpuint (rp_mask_get_allocated_tiles (mask), ==, 1);
  rp_mask_dab (mask, 1024, 1024, 30, 1.0, RP_MASK_OP_PAINT);  /* on a tile corner */
  g_assert_cmpuint (rp_mask_get_allocated_tiles (mask), ==, 4);
  rp_mask_dab (mask, -500, -500, 30, 1.0, RP_MASK_OP_PAINT);  /* off the image */
  g_assert_cmpuint (rp_mask_get_allocated_tiles (mask), ==, 4);
}

static void
test_erase (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (200, 200);

  rp_mask_fill_rect (mask, 0, 0, 200, 200, RP_MASK_OP_PAINT);
  g_assert_cmpuint (count_at_least (mask, 255), ==, 200 * 200);
  rp_mask_dab (mask, 100, 100, 10, 1.0, RP_MASK_OP_ERASE);
  g_assert_cmpint (rp_mask_get_pixel (mask, 100, 100), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, 100, 115), ==, 255);
}

static void
test_stroke (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (300, 120);
  RpStroke stroke;
  int x;

  rp_stroke_begin (&stroke, mask, RP_MASK_OP_PAINT, 1.0, 10, 50, 5);
  rp_stroke_to (&stroke, 60, 50, 5);
  rp_stroke_to (&stroke, 200, 50, 5);       /* a fast movement: a long segment */
  rp_stroke_end (&stroke);

  /* No gaps anywhere along the path, and nothing far from it. */
  for (x = 10; x <= 200; x++)
    {
      g_assert_cmpint (rp_mask_get_pixel (mask, x, 50), ==, 255);
      g_assert_cmpint (rp_mask_get_pixel (mask, x, 47), ==, 255);
      g_assert_cmpint (rp_mask_get_pixel (mask, x, 58), ==, 0);
    }
  g_assert_cmpint (rp_mask_get_pixel (mask, 215, 50), ==, 0);
}

static void
test_polygon (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (300, 200);
  /* An L shape: concave, so a scanline crosses it twice. */
  double l_shape[] = { 100, 100, 160, 100, 160, 120, 120, 120, 120, 180, 100, 180 };

  rp_mask_fill_rect (mask, 10, 20, 30, 40, RP_MASK_OP_PAINT);
  g_assert_cmpuint (count_at_least (mask, 1), ==, 30 * 40);
  g_assert_cmpuint (count_at_least (mask, 255), ==, 30 * 40);
  g_assert_cmpint (rp_mask_get_pixel (mask, 10, 20), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 39, 59), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 40, 59), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, 9, 20), ==, 0);

  rp_mask_fill_polygon (mask, l_shape, 6, RP_MASK_OP_PAINT);
  g_assert_cmpint (rp_mask_get_pixel (mask, 150, 110), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 110, 170), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 140, 150), ==, 0);    /* the notch */
  g_assert_cmpuint (count_at_least (mask, 128), ==, 30 * 40 + 60 * 20 + 20 * 60);
}

/* Half-pixel edges get half coverage: the lasso is antialiased. */
static void
test_polygon_antialias (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (50, 50);

  rp_mask_fill_rect (mask, 10.5, 10, 10, 10, RP_MASK_OP_PAINT);
  g_assert_cmpint (rp_mask_get_pixel (mask, 10, 15), >=, 126);
  g_assert_cmpint (rp_mask_get_pixel (mask, 10, 15), <=, 129);
  g_assert_cmpint (rp_mask_get_pixel (mask, 11, 15), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 20, 15), >=, 126);
}

static void
test_invert_and_clear (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (600, 300);

  rp_mask_fill_rect (mask, 0, 0, 100, 100, RP_MASK_OP_PAINT);
  rp_mask_invert (mask);
  g_assert_cmpint (rp_mask_get_pixel (mask, 50, 50), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, 150, 50), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 599, 299), ==, 255);
  g_assert_cmpuint (count_at_least (mask, 255), ==, 600 * 300 - 100 * 100);
  /* Untouched tiles flip as single values: only the painted tile holds pixels. */
  g_assert_cmpuint (rp_mask_get_allocated_tiles (mask), ==, 1);

  rp_mask_clear (mask);
  g_assert_true (rp_mask_is_empty (mask));
  g_assert_cmpuint (rp_mask_get_allocated_tiles (mask), ==, 0);
}

static void
test_undo_steps (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (2000, 2000);
  g_autoptr(RpMaskStep) step = NULL;
  g_autoptr(RpMaskStep) nothing = NULL;

  rp_mask_begin_step (mask);
  rp_mask_dab (mask, 100, 100, 10, 1.0, RP_MASK_OP_PAINT);
  rp_mask_dab (mask, 110, 100, 10, 1.0, RP_MASK_OP_PAINT);
  step = rp_mask_end_step (mask);
  g_assert_nonnull (step);
  /* One tile touched (twice): the step stores that one tile's former state only. */
  g_assert_cmpuint (rp_mask_step_get_bytes (step), <, RP_MASK_TILE_SIZE * RP_MASK_TILE_SIZE);

  rp_mask_step_swap (mask, step);
  g_assert_true (rp_mask_is_empty (mask));
  g_assert_cmpuint (rp_mask_step_get_bytes (step), >=, RP_MASK_TILE_SIZE * RP_MASK_TILE_SIZE);
  rp_mask_step_swap (mask, step);
  g_assert_cmpint (rp_mask_get_pixel (mask, 105, 100), ==, 255);

  rp_mask_begin_step (mask);
  nothing = rp_mask_end_step (mask);
  g_assert_null (nothing);
}

static RpImage *
decode (const guint8 *data,
        gsize         len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  RpImage *image = rp_image_load_bytes (bytes, "mask.png", NULL, &error);

  g_assert_no_error (error);
  return image;
}

static RpImage *
export_to_image (RpMask *mask)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_mask_write_png (mask, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return decode (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                 g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)));
}

/* The export is the format the edit APIs take: RGBA PNG, image size, alpha 0 ⇔ painted. */
static void
test_export_alpha (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (517, 301);
  g_autoptr(RpImage) image = NULL;
  GdkPixbuf *pixbuf;
  const guint8 *px;
  int stride, x, y;

  rp_mask_fill_rect (mask, 10, 20, 30, 40, RP_MASK_OP_PAINT);
  rp_mask_dab (mask, 300, 150, 40, 0.0, RP_MASK_OP_PAINT);   /* soft edge: exported binary */
  image = export_to_image (mask);
  pixbuf = rp_image_get_pixbuf (image);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 517);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 301);
  g_assert_true (gdk_pixbuf_get_has_alpha (pixbuf));
  g_assert_cmpint (gdk_pixbuf_get_n_channels (pixbuf), ==, 4);

  px = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (y = 0; y < 301; y++)
    for (x = 0; x < 517; x++)
      {
        guint8 alpha = px[y * stride + x * 4 + 3];
        guint8 expected = rp_mask_get_pixel (mask, x, y) >= RP_MASK_EXPORT_THRESHOLD ? 0 : 255;

        g_assert_cmpint (alpha, ==, expected);
      }
  g_assert_cmpint (px[25 * stride + 15 * 4 + 3], ==, 0);
  g_assert_cmpint (px[5 * stride + 5 * 4 + 3], ==, 255);
}

static void
test_import_roundtrip (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (700, 400);
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpMask) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *a = g_malloc (700 * 400);
  g_autofree guint8 *b = g_malloc (700 * 400);

  rp_mask_fill_rect (mask, 100, 50, 300, 200, RP_MASK_OP_PAINT);
  rp_mask_dab (mask, 600, 300, 50, 1.0, RP_MASK_OP_PAINT);
  image = export_to_image (mask);
  back = rp_mask_new_from_image (image, 700, 400, &error);
  g_assert_no_error (error);

  rp_mask_read (mask, 0, 0, 700, 400, a, 700);
  rp_mask_read (back, 0, 0, 700, 400, b, 700);
  for (gsize i = 0; i < 700 * 400; i++)
    g_assert_cmpint (b[i], ==, a[i] >= RP_MASK_EXPORT_THRESHOLD ? 255 : 0);
}

static void
test_import_errors (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (64, 48);
  g_autoptr(RpImage) image = export_to_image (mask);
  g_autoptr(GdkPixbuf) opaque = rp_test_pattern_pixbuf (64, 48, FALSE);
  g_autoptr(RpImage) no_alpha = rp_image_new_from_pixbuf (opaque, "opaque.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(RpMask) wrong = NULL;
  g_autoptr(RpMask) flat = NULL;

  wrong = rp_mask_new_from_image (image, 65, 48, &error);
  g_assert_null (wrong);
  g_assert_error (error, RP_MASK_ERROR, RP_MASK_ERROR_SIZE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "64 × 48"));
  g_assert_nonnull (strstr (error->message, "65 × 48"));
  g_clear_error (&error);

  flat = rp_mask_new_from_image (no_alpha, 64, 48, &error);
  g_assert_null (flat);
  g_assert_error (error, RP_MASK_ERROR, RP_MASK_ERROR_NO_ALPHA);
}

static void
test_save_file (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "mask.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(RpMask) mask = rp_mask_new (320, 240);
  g_autoptr(RpMask) loaded = NULL;
  g_autoptr(GError) error = NULL;

  rp_mask_fill_rect (mask, 0, 0, 160, 240, RP_MASK_OP_PAINT);
  g_assert_true (rp_mask_save_png (mask, file, NULL, &error));
  g_assert_no_error (error);
  loaded = rp_mask_load_file (file, 320, 240, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_mask_get_pixel (loaded, 159, 10), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (loaded, 160, 10), ==, 0);
  rp_test_tmpdir_remove (dir);
}

static void
on_changed (RpMask *mask,
            int     x,
            int     y,
            int     w,
            int     h,
            int    *calls)
{
  (*calls)++;
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (x + w, <=, rp_mask_get_width (mask));
}

static void
test_changed_signal (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (100, 100);
  int calls = 0;
  guint64 before = rp_mask_get_tile_serial (mask, 0, 0);

  g_signal_connect (mask, "changed", G_CALLBACK (on_changed), &calls);
  rp_mask_dab (mask, 95, 95, 20, 1.0, RP_MASK_OP_PAINT);
  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpuint (rp_mask_get_tile_serial (mask, 0, 0), >, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/mask/empty", test_empty);
  g_test_add_func ("/repaint/mask/dab", test_dab);
  g_test_add_func ("/repaint/mask/soft-dab", test_soft_dab);
  g_test_add_func ("/repaint/mask/dab-cost", test_dab_cost);
  g_test_add_func ("/repaint/mask/erase", test_erase);
  g_test_add_func ("/repaint/mask/stroke", test_stroke);
  g_test_add_func ("/repaint/mask/polygon", test_polygon);
  g_test_add_func ("/repaint/mask/polygon-antialias", test_polygon_antialias);
  g_test_add_func ("/repaint/mask/invert-and-clear", test_invert_and_clear);
  g_test_add_func ("/repaint/mask/undo-steps", test_undo_steps);
  g_test_add_func ("/repaint/mask/export-alpha", test_export_alpha);
  g_test_add_func ("/repaint/mask/import-roundtrip", test_import_roundtrip);
  g_test_add_func ("/repaint/mask/import-errors", test_import_errors);
  g_test_add_func ("/repaint/mask/save-file", test_save_file);
  g_test_add_func ("/repaint/mask/changed-signal", test_changed_signal);

  return g_test_run ();
}
