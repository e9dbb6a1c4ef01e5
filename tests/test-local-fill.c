/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

/* Every texture below repeats every TEXTURE_PERIOD_PX pixels in both directions. */
#define TEXTURE_PERIOD_PX 16

/* A periodic texture: two sinusoids and a checkerboard, all of period 16 px. Every hole
 * has exact copies of its content a whole number of periods away, so a correct
 * exemplar-based fill can rebuild it almost exactly, while any fill that does not copy
 * (a flat colour, diffusion) misses by tens of levels. */
static GdkPixbuf *
periodic_texture (int      width,
                  int      height,
                  gboolean has_alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, has_alpha, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  int x, y;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

        p[0] = (guint8) lround (128 + 90 * sin (2 * G_PI * x / TEXTURE_PERIOD_PX));
        p[1] = (guint8) lround (128 + 90 * cos (2 * G_PI * (x + y) / TEXTURE_PERIOD_PX));
        p[2] = ((x / (TEXTURE_PERIOD_PX / 2)) + (y / (TEXTURE_PERIOD_PX / 2))) % 2 ? 200 : 40;
        if (has_alpha)
          p[3] = (guint8) (160 + (x + 3 * y) % TEXTURE_PERIOD_PX);
      }
  return pixbuf;
}

static guint8 *read_coverage (RpMask                      *mask,
                              const cairo_rectangle_int_t *r);

/* A copy of @image with an "object" (solid magenta) wherever @mask has coverage: what the
 * person wants removed. The clean @image is then what a perfect fill gives back. */
static GdkPixbuf *
with_object (GdkPixbuf *image,
             RpMask    *mask)
{
  GdkPixbuf *copy = gdk_pixbuf_copy (image);
  cairo_rectangle_int_t all = { 0, 0, gdk_pixbuf_get_width (image), gdk_pixbuf_get_height (image) };
  g_autofree guint8 *cov = read_coverage (mask, &all);
  guint8 *pixels = gdk_pixbuf_get_pixels (copy);
  int stride = gdk_pixbuf_get_rowstride (copy), n = gdk_pixbuf_get_n_channels (copy), x, y;

  for (y = 0; y < all.height; y++)
    for (x = 0; x < all.width; x++)
      if (cov[(gsize) y * all.width + x] > 0)
        {
          guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

          p[0] = 255;
          p[1] = 0;
          p[2] = 255;
        }
  return copy;
}

static guint8 *
read_coverage (RpMask                      *mask,
               const cairo_rectangle_int_t *r)
{
  guint8 *cov = g_malloc ((gsize) r->width * r->height);

  rp_mask_read (mask, r->x, r->y, r->width, r->height, cov, r->width);
  return cov;
}

/* Root-mean-square difference over the pixels of @region whose coverage is at least
 * @min_coverage, on the colour channels. */
static double
rmse_in_hole (GdkPixbuf                   *image,
              GdkPixbuf                   *result,
              RpMask                      *mask,
              const cairo_rectangle_int_t *region,
              guint8                       min_coverage)
{
  g_autofree guint8 *cov = read_coverage (mask, region);
  const guint8 *a = gdk_pixbuf_read_pixels (image);
  const guint8 *b = gdk_pixbuf_read_pixels (result);
  int sa = gdk_pixbuf_get_rowstride (image), sb = gdk_pixbuf_get_rowstride (result);
  int n = gdk_pixbuf_get_n_channels (image);
  double sum = 0;
  gsize count = 0;
  int x, y, c;

  for (y = 0; y < region->height; y++)
    for (x = 0; x < region->width; x++)
      {
        if (cov[(gsize) y * region->width + x] < min_coverage)
          continue;
        for (c = 0; c < 3; c++)
          {
            double d = a[(gsize) (y + region->y) * sa + (gsize) (x + region->x) * n + c] -
                       b[(gsize) y * sb + (gsize) x * n + c];
            sum += d * d;
            count++;
          }
      }
  g_assert_cmpuint (count, >, 0);
  return sqrt (sum / count);
}

/* The same measure for a fill that paints the hole with the image's mean colour. */
static double
rmse_of_flat_fill (GdkPixbuf                   *image,
                   RpMask                      *mask,
                   const cairo_rectangle_int_t *region)
{
  g_autoptr(GdkPixbuf) flat = gdk_pixbuf_new (GDK_COLORSPACE_RGB,
                                              gdk_pixbuf_get_has_alpha (image), 8,
                                              region->width, region->height);
  const guint8 *a = gdk_pixbuf_read_pixels (image);
  int stride = gdk_pixbuf_get_rowstride (image), n = gdk_pixbuf_get_n_channels (image);
  int w = gdk_pixbuf_get_width (image), h = gdk_pixbuf_get_height (image), x, y, c;
  double mean[3] = { 0, 0, 0 };
  guint32 fill = 0;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      for (c = 0; c < 3; c++)
        mean[c] += a[(gsize) y * stride + (gsize) x * n + c] / ((double) w * h);
  for (c = 0; c < 3; c++)
    fill |= (guint32) lround (mean[c]) << (24 - 8 * c);
  gdk_pixbuf_fill (flat, fill | 0xff);
  return rmse_in_hole (image, flat, mask, region, RP_MASK_EXPORT_THRESHOLD);
}

/* Every pixel of the result whose coverage is 0 has the original bytes. Returns how many
 * painted pixels differ from the original, to show that the fill did write. */
static gsize
assert_outside_untouched (GdkPixbuf                   *image,
                          GdkPixbuf                   *result,
                          RpMask                      *mask,
                          const cairo_rectangle_int_t *region)
{
  g_autofree guint8 *cov = read_coverage (mask, region);
  const guint8 *a = gdk_pixbuf_read_pixels (image);
  const guint8 *b = gdk_pixbuf_read_pixels (result);
  int sa = gdk_pixbuf_get_rowstride (image), sb = gdk_pixbuf_get_rowstride (result);
  int n = gdk_pixbuf_get_n_channels (image);
  gsize changed = 0;
  int x, y;

  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, region->width);
  g_assert_cmpint (gdk_pixbuf_get_height (result), ==, region->height);
  g_assert_cmpint (gdk_pixbuf_get_n_channels (result), ==, n);
  for (y = 0; y < region->height; y++)
    for (x = 0; x < region->width; x++)
      {
        const guint8 *pa = a + (gsize) (y + region->y) * sa + (gsize) (x + region->x) * n;
        const guint8 *pb = b + (gsize) y * sb + (gsize) x * n;

        if (cov[(gsize) y * region->width + x] == 0)
          {
            if (memcmp (pa, pb, n) != 0)
              g_error ("pixel %d,%d outside the mask changed", x + region->x, y + region->y);
          }
        else if (cov[(gsize) y * region->width + x] >= RP_MASK_EXPORT_THRESHOLD)
          changed += memcmp (pa, pb, n) != 0;
      }
  return changed;
}

static void
assert_region_covers_mask (RpLocalFill                 *fill,
                           RpMask                      *mask,
                           GdkPixbuf                   *image,
                           cairo_rectangle_int_t       *region)
{
  cairo_rectangle_int_t bounds;

  g_assert_true (rp_local_fill_get_region (fill, region));
  g_assert_true (rp_mask_get_bounds (mask, &bounds));
  g_assert_cmpint (region->x, <=, bounds.x);
  g_assert_cmpint (region->y, <=, bounds.y);
  g_assert_cmpint (region->x + region->width, >=, bounds.x + bounds.width);
  g_assert_cmpint (region->y + region->height, >=, bounds.y + bounds.height);
  g_assert_cmpint (region->x, >=, 0);
  g_assert_cmpint (region->y, >=, 0);
  g_assert_cmpint (region->x + region->width, <=, gdk_pixbuf_get_width (image));
  g_assert_cmpint (region->y + region->height, <=, gdk_pixbuf_get_height (image));
}

static GdkPixbuf *
run_fill (GdkPixbuf             *image,
          RpMask                *mask,
          cairo_rectangle_int_t *region)
{
  g_autoptr(RpLocalFill) fill = rp_local_fill_new (image, mask);
  g_autoptr(GError) error = NULL;
  GdkPixbuf *result;

  assert_region_covers_mask (fill, mask, image, region);
  result = rp_local_fill_run (fill, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* The bound for a periodic texture: an exact copy of the hole exists, so all that may
 * remain is rounding in the votes and a few pixels where the search settles on a near
 * miss. The fill measures 0 (every vote finds an exact copy); 3 levels leave room for
 * another seed or schedule, and a flat fill (checked below) is more than twenty times
 * worse, so the bound does tell a copying fill from one that does not copy. */
#define PERIODIC_RMSE_BOUND 3.0

static void
test_periodic_texture (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (192, 160, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (192, 160);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  cairo_rectangle_int_t region;
  double rmse, flat;

  rp_mask_fill_rect (mask, 70, 50, 44, 52, RP_MASK_OP_PAINT);
  input = with_object (image, mask);
  result = run_fill (input, mask, &region);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);

  rmse = rmse_in_hole (image, result, mask, &region, RP_MASK_EXPORT_THRESHOLD);
  flat = rmse_of_flat_fill (image, mask, &region);
  g_test_message ("periodic texture: fill RMSE %.2f, flat fill RMSE %.2f", rmse, flat);
  g_assert_cmpfloat (rmse, <, PERIODIC_RMSE_BOUND);
  g_assert_cmpfloat (flat, >, 20 * PERIODIC_RMSE_BOUND);
}

/* The same texture under per-pixel noise of ±NOISE levels: no copy is exact any more.
 * Averaging the matches cannot invent the hole's own noise, so the error floor is the
 * noise's RMS (NOISE / √3 ≈ 7 for NOISE 12); the bound allows twice that. */
#define NOISE_LEVELS 12

static void
test_noisy_texture (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (192, 160, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (192, 160);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  guint8 *pixels = gdk_pixbuf_get_pixels (image);
  int stride = gdk_pixbuf_get_rowstride (image), x, y, c;
  cairo_rectangle_int_t region;
  double rmse;

  for (y = 0; y < 160; y++)
    for (x = 0; x < 192; x++)
      for (c = 0; c < 3; c++)
        {
          guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3 + c;

          *p = (guint8) CLAMP (*p + g_rand_int_range (rand, -NOISE_LEVELS, NOISE_LEVELS + 1), 0, 255);
        }
  g_rand_free (rand);

  rp_mask_dab (mask, 96, 80, 22, 1.0, RP_MASK_OP_PAINT);
  input = with_object (image, mask);
  result = run_fill (input, mask, &region);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);
  rmse = rmse_in_hole (image, result, mask, &region, RP_MASK_EXPORT_THRESHOLD);
  g_test_message ("noisy texture: fill RMSE %.2f", rmse);
  g_assert_cmpfloat (rmse, <, 2 * NOISE_LEVELS / sqrt (3));
  g_assert_cmpfloat (rmse_of_flat_fill (image, mask, &region), >, 3 * rmse);
}

/* A soft brush on an RGBA image: coverage 0 keeps its bytes (alpha included), the input
 * is not modified, and the soft rim is blended rather than cut. */
static void
test_outside_untouched (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (240, 180, TRUE);
  g_autoptr(RpMask) mask = rp_mask_new (240, 180);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) before = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autofree guint8 *cov = NULL;
  cairo_rectangle_int_t region;
  gsize rim = 0;
  int x, y;

  rp_mask_dab (mask, 120, 90, 30, 0.3, RP_MASK_OP_PAINT);
  rp_mask_dab (mask, 150, 100, 12, 0.0, RP_MASK_OP_PAINT);
  input = with_object (image, mask);
  before = gdk_pixbuf_copy (input);
  result = run_fill (input, mask, &region);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);
  g_assert_cmpmem (gdk_pixbuf_read_pixels (input), gdk_pixbuf_get_byte_length (input),
                   gdk_pixbuf_read_pixels (before), gdk_pixbuf_get_byte_length (before));

  cov = read_coverage (mask, &region);
  for (y = 0; y < region.height; y++)
    for (x = 0; x < region.width; x++)
      rim += cov[(gsize) y * region.width + x] > 0 && cov[(gsize) y * region.width + x] < 64;
  g_assert_cmpuint (rim, >, 100);   /* the brush did leave a soft rim to blend */
  /* The rim blends the original (here the object) with the fill in proportion to the
   * coverage, and coverage 128 and above is all fill: */
  g_assert_cmpfloat (rmse_in_hole (image, result, mask, &region, RP_MASK_EXPORT_THRESHOLD),
                     <, PERIODIC_RMSE_BOUND);
}

static void
test_border (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (200, 150, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (200, 150);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  cairo_rectangle_int_t region;

  /* A corner and a strip along the right edge. */
  rp_mask_fill_rect (mask, 0, 0, 30, 26, RP_MASK_OP_PAINT);
  rp_mask_fill_rect (mask, 184, 40, 16, 70, RP_MASK_OP_PAINT);
  input = with_object (image, mask);
  result = run_fill (input, mask, &region);
  g_assert_cmpint (region.x, ==, 0);
  g_assert_cmpint (region.y, ==, 0);
  g_assert_cmpint (region.x + region.width, ==, 200);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);
  g_assert_cmpfloat (rmse_in_hole (image, result, mask, &region, RP_MASK_EXPORT_THRESHOLD),
                     <, PERIODIC_RMSE_BOUND);
}

static void
test_tiny (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (400, 300, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (400, 300);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  cairo_rectangle_int_t region;

  rp_mask_fill_rect (mask, 201, 143, 2, 3, RP_MASK_OP_PAINT);   /* six pixels */
  input = with_object (image, mask);
  result = run_fill (input, mask, &region);
  /* The region is the mask with some context, not the whole image. */
  g_assert_cmpint (region.width, <, 200);
  g_assert_cmpint (region.height, <, 150);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);
  g_assert_cmpfloat (rmse_in_hole (image, result, mask, &region, RP_MASK_EXPORT_THRESHOLD),
                     <, PERIODIC_RMSE_BOUND);
}

/* Pixels far inside a big hole, more than about 220 px from anything known, have a
 * confidence that rounds to zero; they must still get the mean of their votes, never black
 * from a division of zero by zero. A corner hole puts its far corner 300 px away. */
static void
test_far_from_known (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (600, 450, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (600, 450);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  cairo_rectangle_int_t region;
  const guint8 *pixels;
  int stride, n, x, y;
  guint dark = 0;

  rp_mask_fill_rect (mask, 300, 0, 300, 300, RP_MASK_OP_PAINT);
  input = with_object (image, mask);
  result = run_fill (input, mask, &region);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);
  pixels = gdk_pixbuf_read_pixels (result);
  stride = gdk_pixbuf_get_rowstride (result);
  n = gdk_pixbuf_get_n_channels (result);
  /* Every channel of the texture is at least 38. */
  for (y = 0; y < 300; y++)
    for (x = 300; x < 600; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

        if (p[0] < 30 && p[1] < 30 && p[2] < 30)
          dark++;
      }
  g_assert_cmpuint (dark, ==, 0);
  g_assert_cmpfloat (rmse_in_hole (image, result, mask, &region, RP_MASK_EXPORT_THRESHOLD),
                     <, 4 * PERIODIC_RMSE_BOUND);
}

static void
assert_run_fails (GdkPixbuf *image,
                  RpMask    *mask,
                  int        code)
{
  g_autoptr(RpLocalFill) fill = rp_local_fill_new (image, mask);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) result = rp_local_fill_run (fill, NULL, NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, RP_LOCAL_FILL_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 10);
}

/* Painting (nearly) everything is refused with its own error: there is nothing left to
 * copy from. A large mask that leaves enough is filled. */
static void
test_nearly_whole (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (160, 120, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (160, 120);
  g_autoptr(GdkPixbuf) input = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  cairo_rectangle_int_t region;

  rp_mask_fill_rect (mask, 3, 3, 154, 114, RP_MASK_OP_PAINT);   /* all but a 3 px frame */
  assert_run_fails (image, mask, RP_LOCAL_FILL_ERROR_NO_SOURCE);

  rp_mask_fill_rect (mask, 0, 0, 160, 120, RP_MASK_OP_PAINT);   /* everything */
  assert_run_fails (image, mask, RP_LOCAL_FILL_ERROR_NO_SOURCE);

  /* 70 % painted, but the rest holds whole patches: filled. */
  rp_mask_clear (mask);
  rp_mask_fill_rect (mask, 0, 0, 160, 84, RP_MASK_OP_PAINT);
  input = with_object (image, mask);
  result = run_fill (input, mask, &region);
  g_assert_cmpint (region.width, ==, 160);
  g_assert_cmpint (region.height, ==, 120);
  g_assert_cmpuint (assert_outside_untouched (input, result, mask, &region), >, 0);
}

static void
test_empty (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (100, 80, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (100, 80);
  g_autoptr(RpLocalFill) fill = rp_local_fill_new (image, mask);
  cairo_rectangle_int_t region;

  g_assert_false (rp_local_fill_get_region (fill, &region));
  assert_run_fails (image, mask, RP_LOCAL_FILL_ERROR_EMPTY_MASK);
}

/* A mask built from exact coverage values, through the export format (alpha = 255 −
 * coverage). */
static RpMask *
mask_from_coverage (int           width,
                    int           height,
                    const guint8 *coverage)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
  g_autoptr(RpImage) image = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf), x, y;
  RpMask *mask;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * 4;

        p[0] = p[1] = p[2] = 0;
        p[3] = 255 - coverage[(gsize) y * width + x];
      }
  image = rp_image_new_from_pixbuf (pixbuf, "mask");
  mask = rp_mask_new_from_image (image, width, height, &error);
  g_assert_no_error (error);
  return mask;
}

/* Coverage that stays below the threshold everywhere is no hole either. */
static void
test_faint_only (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (100, 80, FALSE);
  g_autofree guint8 *coverage = g_malloc0 (100 * 80);
  g_autoptr(RpMask) mask = NULL;
  int x, y;

  for (y = 20; y < 60; y++)
    for (x = 30; x < 70; x++)
      coverage[y * 100 + x] = RP_MASK_EXPORT_THRESHOLD - 1;
  mask = mask_from_coverage (100, 80, coverage);
  g_assert_false (rp_mask_is_empty (mask));
  assert_run_fails (image, mask, RP_LOCAL_FILL_ERROR_EMPTY_MASK);
}

/* ---------------------------------------------------------------------------------------
 * Progress and cancellation
 */

typedef struct
{
  GCancellable *cancellable;
  double        cancel_at;
  double        last;
  guint         calls;
  guint         calls_after_cancel;
  gboolean      in_main_thread;
  GThread      *main_thread;
  GdkPixbuf    *result;
  GError       *error;
  gboolean      done;
} ProgressLog;

static void
on_progress (double   fraction,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpfloat (fraction, >=, log->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  log->last = fraction;
  log->calls++;
  if (g_thread_self () != log->main_thread)
    log->in_main_thread = FALSE;
  if (g_cancellable_is_cancelled (log->cancellable))
    log->calls_after_cancel++;
  else if (fraction >= log->cancel_at)
    g_cancellable_cancel (log->cancellable);
}

/* A job large enough that cancelling early saves most of it. */
static void
big_job (GdkPixbuf **image,
         RpMask    **mask)
{
  *image = rp_test_pattern_pixbuf (640, 480, FALSE);
  *mask = rp_mask_new (640, 480);
  rp_mask_fill_rect (*mask, 160, 120, 320, 240, RP_MASK_OP_PAINT);
}

static guint64
full_run_distances (GdkPixbuf *image,
                    RpMask    *mask)
{
  g_autoptr(RpLocalFill) fill = rp_local_fill_new (image, mask);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) result = rp_local_fill_run (fill, NULL, NULL, NULL, &error);
  RpLocalFillStats stats;

  g_assert_no_error (error);
  g_assert_nonnull (result);
  rp_local_fill_get_stats (fill, &stats);
  g_assert_false (stats.cancelled);
  g_assert_cmpuint (stats.n_distances, >, 0);
  return stats.n_distances;
}

static void
test_cancel_sync (void)
{
  g_autoptr(GdkPixbuf) image = NULL;
  g_autoptr(RpMask) mask = NULL;
  g_autoptr(RpLocalFill) fill = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  ProgressLog log = { cancellable, 0.1, 0, 0, 0, TRUE, g_thread_self () };
  RpLocalFillStats stats;
  guint64 full;

  big_job (&image, &mask);
  full = full_run_distances (image, mask);

  fill = rp_local_fill_new (image, mask);
  result = rp_local_fill_run (fill, on_progress, &log, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_true (log.in_main_thread);
  g_assert_cmpuint (log.calls, >, 0);
  g_assert_cmpuint (log.calls_after_cancel, ==, 0);
  g_assert_cmpfloat (log.last, <, 0.2);

  /* The work stopped right there: the same seed, run to the end, costs far more. */
  rp_local_fill_get_stats (fill, &stats);
  g_assert_true (stats.cancelled);
  g_test_message ("cancelled at %.3f after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                  " distances", log.last, stats.n_distances, full);
  g_assert_cmpuint (stats.n_distances, <, full / 4);
}

static void
on_fill_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ProgressLog *log = user_data;

  log->result = rp_local_fill_run_finish (RP_LOCAL_FILL (source), result, &log->error);
  log->done = TRUE;
}

static void
run_async (RpLocalFill *fill,
           ProgressLog *log)
{
  rp_local_fill_run_async (fill, on_progress, log, log->cancellable, on_fill_done, log);
  while (!log->done)
    g_main_context_iteration (NULL, TRUE);
  /* Nothing arrives after the completion callback. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_cancel_async (void)
{
  g_autoptr(GdkPixbuf) image = NULL;
  g_autoptr(RpMask) mask = NULL;
  g_autoptr(RpLocalFill) fill = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { cancellable, 0.0, 0, 0, 0, TRUE, g_thread_self () };
  RpLocalFillStats stats;
  guint64 full;

  big_job (&image, &mask);
  full = full_run_distances (image, mask);

  fill = rp_local_fill_new (image, mask);
  run_async (fill, &log);
  g_assert_error (log.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (log.result);
  g_assert_true (log.in_main_thread);
  g_assert_cmpuint (log.calls, ==, 1);   /* the one that cancelled */
  g_assert_cmpuint (log.calls_after_cancel, ==, 0);

  rp_local_fill_get_stats (fill, &stats);
  g_assert_true (stats.cancelled);
  g_test_message ("cancelled after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " distances",
                  stats.n_distances, full);
  g_assert_cmpuint (stats.n_distances, <, full / 2);
  g_clear_error (&log.error);
}

/* An asynchronous run reports progress on the caller's context up to 1 and gives the
 * same bytes as a synchronous run with the same seed. */
static void
test_async_matches_sync (void)
{
  g_autoptr(GdkPixbuf) image = periodic_texture (300, 220, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (300, 220);
  g_autoptr(RpLocalFill) fill = NULL;
  g_autoptr(GdkPixbuf) sync_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ProgressLog log = { cancellable, 2.0, 0, 0, 0, TRUE, g_thread_self () };
  cairo_rectangle_int_t region;

  rp_mask_dab (mask, 150, 110, 40, 0.8, RP_MASK_OP_PAINT);
  fill = rp_local_fill_new (image, mask);
  rp_local_fill_set_seed (fill, 42);
  sync_result = rp_local_fill_run (fill, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  run_async (fill, &log);
  g_assert_no_error (log.error);
  g_assert_nonnull (log.result);
  g_assert_true (log.in_main_thread);
  g_assert_cmpuint (log.calls, >, 2);
  g_assert_cmpfloat (log.last, ==, 1.0);
  g_assert_true (rp_local_fill_get_region (fill, &region));
  g_assert_cmpmem (gdk_pixbuf_read_pixels (log.result), gdk_pixbuf_get_byte_length (log.result),
                   gdk_pixbuf_read_pixels (sync_result), gdk_pixbuf_get_byte_length (sync_result));
  g_clear_object (&log.result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/local-fill/periodic-texture", test_periodic_texture);
  g_test_add_func ("/repaint/local-fill/noisy-texture", test_noisy_texture);
  g_test_add_func ("/repaint/local-fill/outside-untouched", test_outside_untouched);
  g_test_add_func ("/repaint/local-fill/border", test_border);
  g_test_add_func ("/repaint/local-fill/tiny", test_tiny);
  g_test_add_func ("/repaint/local-fill/far-from-known", test_far_from_known);
  g_test_add_func ("/repaint/local-fill/nearly-whole", test_nearly_whole);
  g_test_add_func ("/repaint/local-fill/empty", test_empty);
  g_test_add_func ("/repaint/local-fill/faint-only", test_faint_only);
  g_test_add_func ("/repaint/local-fill/cancel-sync", test_cancel_sync);
  g_test_add_func ("/repaint/local-fill/cancel-async", test_cancel_async);
  g_test_add_func ("/repaint/local-fill/async-matches-sync", test_async_matches_sync);

  return g_test_run ();
}
