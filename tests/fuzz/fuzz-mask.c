/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include "rp-core.h"
#include "fuzz-common.h"

/* The two mask importers on whatever an input decodes to: Import Mask
 * (rp_mask_new_from_image, coverage = 255 - alpha) and the saved session's coverage PNG
 * (rp_mask_new_from_coverage). Each imported mask must hold exactly the pixels it was
 * read from, report bounds that match them, and survive its own export and import. */

/* Round trips re-encode the mask; beyond this many pixels they only cost time. */
#define MAX_ROUND_TRIP_PIXELS (256 * 256)

typedef guint8 (*PixelFunc) (const guint8 *pixel);

static guint8
inverted_alpha (const guint8 *pixel)
{
  return 255 - pixel[3];
}

static guint8
first_channel (const guint8 *pixel)
{
  return pixel[0];
}

static guint8
binarised (const guint8 *pixel)
{
  return 255 - pixel[3] >= RP_MASK_EXPORT_THRESHOLD ? 255 : 0;
}

/* Compares @mask with what @expected makes of each pixel of @pixbuf, and its bounds with
 * the painted pixels. */
static void
assert_mask (RpMask    *mask,
             GdkPixbuf *pixbuf,
             PixelFunc  expected)
{
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf), channels = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  g_autofree guint8 *row = g_malloc (width);
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1, x, y;
  cairo_rectangle_int_t bounds;
  gboolean painted;

  rp_fuzz_assert (rp_mask_get_width (mask) == width && rp_mask_get_height (mask) == height);
  for (y = 0; y < height; y++)
    {
      rp_mask_read (mask, 0, y, width, 1, row, width);
      for (x = 0; x < width; x++)
        {
          rp_fuzz_assert (row[x] == expected (pixels + (gsize) y * stride + (gsize) x * channels));
          if (row[x] != 0)
            {
              x0 = MIN (x0, x);
              y0 = MIN (y0, y);
              x1 = MAX (x1, x + 1);
              y1 = MAX (y1, y + 1);
            }
        }
    }

  painted = rp_mask_get_bounds (mask, &bounds);
  rp_fuzz_assert (painted == (x1 >= 0));
  rp_fuzz_assert (rp_mask_is_empty (mask) == !painted);
  if (painted)
    rp_fuzz_assert (bounds.x == x0 && bounds.y == y0 &&
                    bounds.width == x1 - x0 && bounds.height == y1 - y0);
}

typedef gboolean (*WriteFunc) (RpMask *, GOutputStream *, GCancellable *, GError **);

/* Writes @mask with @write and decodes the PNG again. */
static RpImage *
reencode (RpMask    *mask,
          WriteFunc  write)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  RpImage *image;

  rp_fuzz_assert (write (mask, out, NULL, &error));
  rp_fuzz_assert (g_output_stream_close (out, NULL, &error));
  png = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  image = rp_image_load_bytes (png, NULL, NULL, &error);
  rp_fuzz_assert (image != NULL);
  return image;
}

static void
check_alpha_import (RpImage *image)
{
  GdkPixbuf *pixbuf = rp_image_get_pixbuf (image);
  int width = rp_image_get_width (image), height = rp_image_get_height (image);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpMask) mask = rp_mask_new_from_image (image, width, height, &error);

  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    {
      rp_fuzz_assert (mask == NULL);
      rp_fuzz_assert (g_error_matches (error, RP_MASK_ERROR, RP_MASK_ERROR_NO_ALPHA));
      return;
    }
  rp_fuzz_assert (mask != NULL);
  assert_mask (mask, pixbuf, inverted_alpha);

  if ((gint64) width * height <= MAX_ROUND_TRIP_PIXELS)
    {
      /* The export is binary: what comes back is the thresholded coverage. */
      g_autoptr(RpImage) exported = reencode (mask, rp_mask_write_png);
      g_autoptr(RpMask) back = rp_mask_new_from_image (exported, width, height, &error);

      rp_fuzz_assert (back != NULL);
      assert_mask (back, pixbuf, binarised);
    }
}

static void
check_coverage_import (RpImage *image)
{
  GdkPixbuf *pixbuf = rp_image_get_pixbuf (image);
  int width = rp_image_get_width (image), height = rp_image_get_height (image);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpMask) mask = rp_mask_new_from_coverage (image, width, height, &error);

  rp_fuzz_assert (mask != NULL);
  assert_mask (mask, pixbuf, first_channel);

  if ((gint64) width * height <= MAX_ROUND_TRIP_PIXELS)
    {
      /* Repaint's own format keeps soft coverage exactly. */
      g_autoptr(RpImage) saved = reencode (mask, rp_mask_write_coverage_png);
      g_autoptr(RpMask) back = rp_mask_new_from_coverage (saved, width, height, &error);

      rp_fuzz_assert (back != NULL);
      assert_mask (back, pixbuf, first_channel);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(RpImage) image = rp_image_load_bytes (bytes, "mask", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpMask) wrong = NULL;
  int width, height;

  if (image == NULL)
    return 0;
  width = rp_image_get_width (image);
  height = rp_image_get_height (image);

  /* A mask for another photo size is refused, whichever importer reads it. */
  wrong = rp_mask_new_from_image (image, width + 1, height, &error);
  rp_fuzz_assert (wrong == NULL && g_error_matches (error, RP_MASK_ERROR, RP_MASK_ERROR_SIZE_MISMATCH));
  g_clear_error (&error);
  wrong = rp_mask_new_from_coverage (image, width, height - 1, &error);
  rp_fuzz_assert (wrong == NULL && g_error_matches (error, RP_MASK_ERROR, RP_MASK_ERROR_SIZE_MISMATCH));

  check_alpha_import (image);
  check_coverage_import (image);
  return 0;
}
