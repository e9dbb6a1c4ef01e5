/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-placement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rp-placement-private.h"
#include "rp-resample.h"

/* Compositing works on horizontal bands so that the feather's distance field never
 * needs more than a band (plus the feather's reach) in memory. */
#define BAND_ROWS 64
#define FAR_AWAY  1e20f

/* Squared Euclidean distance transform of one line (Felzenszwalb & Huttenlocher): @f holds
 * 0 at painted samples and FAR_AWAY elsewhere; @d receives the squared distance to the
 * nearest painted sample. @v and @z are scratch of n and n + 1 entries. */
static void
distance_1d (const float *f,
             int          n,
             float       *d,
             int         *v,
             float       *z)
{
  int k = 0, q;

  v[0] = 0;
  z[0] = -FAR_AWAY;
  z[1] = FAR_AWAY;
  for (q = 1; q < n; q++)
    {
      float s = ((f[q] + (float) q * q) - (f[v[k]] + (float) v[k] * v[k])) / (2.0f * (q - v[k]));

      while (k > 0 && s <= z[k])
        {
          k--;
          s = ((f[q] + (float) q * q) - (f[v[k]] + (float) v[k] * v[k])) / (2.0f * (q - v[k]));
        }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = FAR_AWAY;
    }
  k = 0;
  for (q = 0; q < n; q++)
    {
      while (z[k + 1] < q)
        k++;
      d[q] = (float) (q - v[k]) * (q - v[k]) + f[v[k]];
    }
}

/* Squared distance to the nearest painted pixel for a w × h grid of coverage. */
static void
distance_field (const guint8 *coverage,
                int           w,
                int           h,
                float        *dist)
{
  int n = MAX (w, h);
  g_autofree float *f = g_new (float, n);
  g_autofree float *d = g_new (float, n);
  g_autofree int *v = g_new (int, n);
  g_autofree float *z = g_new (float, n + 1);
  int x, y;

  for (x = 0; x < w; x++)
    {
      for (y = 0; y < h; y++)
        f[y] = coverage[(gsize) y * w + x] >= RP_MASK_EXPORT_THRESHOLD ? 0.0f : FAR_AWAY;
      distance_1d (f, h, d, v, z);
      for (y = 0; y < h; y++)
        dist[(gsize) y * w + x] = d[y];
    }
  for (y = 0; y < h; y++)
    {
      memcpy (f, dist + (gsize) y * w, sizeof (float) * w);
      distance_1d (f, w, dist + (gsize) y * w, v, z);
    }
}

typedef struct
{
  RpMask                *mask;      /* NULL: the whole region takes the result */
  double                 feather;   /* photo pixels */
  int                    halo;      /* how far a painted pixel's influence reaches */
  cairo_rectangle_int_t  area;      /* where the feathered mask may be > 0 */
  guint8                *coverage;  /* band + halo scratch */
  float                 *dist;
} Feather;

/* The blend weight beyond the painted edge: 1 next to it, 0 from feather + 1 pixels away,
 * smooth (zero slope) at both ends. */
static inline float
feather_ramp (float  distance,
              double feather)
{
  float t = 1.0f - distance / (float) (feather + 1.0);

  if (t <= 0.0f)
    return 0.0f;
  return t * t * (3.0f - 2.0f * t);
}

/* Fills @weights (area.width × rows) with the feathered mask for photo rows
 * [y0, y0 + rows). Returns FALSE when every weight is 0. Painted pixels weigh 1; others
 * weigh the larger of their own soft coverage and the ramp of their distance to paint,
 * so a pixel far from paint with coverage 0 weighs exactly 0. */
static gboolean
feather_band (Feather *fe,
              int      y0,
              int      rows,
              float   *weights)
{
  int w = fe->area.width, x, y;
  int gw = w + 2 * fe->halo, gh = rows + 2 * fe->halo;
  gboolean any = FALSE;
  gsize i;

  if (fe->mask == NULL)
    {
      for (i = 0; i < (gsize) w * rows; i++)
        weights[i] = 1.0f;
      return TRUE;
    }

  rp_mask_read (fe->mask, fe->area.x - fe->halo, y0 - fe->halo, gw, gh, fe->coverage, gw);
  for (i = 0; i < (gsize) gw * gh && !any; i++)
    any = fe->coverage[i] != 0;
  if (!any)
    return FALSE;
  if (fe->feather > 0)
    distance_field (fe->coverage, gw, gh, fe->dist);

  any = FALSE;
  for (y = 0; y < rows; y++)
    for (x = 0; x < w; x++)
      {
        gsize g = (gsize) (y + fe->halo) * gw + x + fe->halo;
        guint8 c = fe->coverage[g];
        float value;

        if (c >= RP_MASK_EXPORT_THRESHOLD)
          value = 1.0f;
        else if (fe->feather > 0)
          value = MAX (c / 255.0f, feather_ramp (sqrtf (fe->dist[g]), fe->feather));
        else
          value = c / 255.0f;
        weights[(gsize) y * w + x] = value;
        any |= value > 0.0f;
      }
  return any;
}

static void
blend_row (guint8       *dst,
           int           channels,
           const float  *weights,
           const float  *result,
           int           width)
{
  int x, c;

  for (x = 0; x < width; x++)
    {
      float f = weights[x];
      const float *s = result + 4 * x;
      guint8 *o = dst + (gsize) x * channels;

      /* Weight 0 leaves the original byte for byte. */
      if (f <= 0.0f)
        continue;

      if (channels == 4)
        {
          float oa = o[3] / 255.0f;
          float a = o[3] * (1.0f - f) + s[3] * f;

          for (c = 0; c < 3; c++)
            {
              float premultiplied = o[c] * oa * (1.0f - f) + s[c] * f;

              o[c] = a > 0 ? (guint8) CLAMP (premultiplied * 255.0f / a + 0.5f, 0.0f, 255.0f) : 0;
            }
          o[3] = (guint8) CLAMP (a + 0.5f, 0.0f, 255.0f);
        }
      else
        {
          /* An opaque photo stays opaque: the result's colour, un-premultiplied. */
          for (c = 0; c < 3; c++)
            {
              float straight = s[3] > 0 ? s[c] * 255.0f / s[3] : 0.0f;

              o[c] = (guint8) CLAMP (o[c] * (1.0f - f) + straight * f + 0.5f, 0.0f, 255.0f);
            }
        }
    }
}

/* The axis mapping photo pixels [first, first + n) to result pixels: photo → upload →
 * result, reading only the result's content (never its padding). */
static void
result_axis (RpResampleAxis *axis,
             int             first,
             int             n,
             int             region_origin,
             int             region_size,
             int             content_origin,
             int             content_size,
             int             upload_size,
             int             result_size)
{
  double k = (double) result_size / upload_size;
  double per_photo = (double) content_size / region_size * k;
  double offset = (content_origin + (double) (first - region_origin) * content_size / region_size) * k;
  int lo = (int) floor (content_origin * k);
  int hi = (int) ceil ((content_origin + content_size) * k);

  lo = CLAMP (lo, 0, result_size - 1);
  hi = CLAMP (hi, lo + 1, result_size);
  rp_resample_axis_init (axis, n, per_photo, offset, lo, hi);
}

static gboolean
intersect (cairo_rectangle_int_t       *a,
           const cairo_rectangle_int_t *b)
{
  int x0 = MAX (a->x, b->x), y0 = MAX (a->y, b->y);
  int x1 = MIN (a->x + a->width, b->x + b->width), y1 = MIN (a->y + a->height, b->y + b->height);

  a->x = x0;
  a->y = y0;
  a->width = MAX (x1 - x0, 0);
  a->height = MAX (y1 - y0, 0);
  return a->width > 0 && a->height > 0;
}

static gboolean
check_inputs (RpPlacement  *self,
              GdkPixbuf    *photo,
              RpMask       *mask,
              GdkPixbuf    *result,
              GError      **error)
{
  if (gdk_pixbuf_get_width (photo) != self->photo_width ||
      gdk_pixbuf_get_height (photo) != self->photo_height ||
      gdk_pixbuf_get_bits_per_sample (photo) != 8 ||
      (mask != NULL && (rp_mask_get_width (mask) != self->photo_width ||
                        rp_mask_get_height (mask) != self->photo_height)))
    {
      g_set_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH,
                   _("The photo or mask changed since the upload was planned."));
      return FALSE;
    }
  if (gdk_pixbuf_get_bits_per_sample (result) != 8 || gdk_pixbuf_get_n_channels (result) < 3)
    {
      g_set_error_literal (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH,
                           _("The result image has an unsupported pixel format."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
composite_area (RpPlacement   *self,
                GdkPixbuf     *out,
                GdkPixbuf     *result,
                Feather       *fe,
                GCancellable  *cancellable,
                GError       **error)
{
  const cairo_rectangle_int_t *a = &fe->area;
  int res_w = gdk_pixbuf_get_width (result), res_h = gdk_pixbuf_get_height (result);
  guint8 *pixels = gdk_pixbuf_get_pixels (out);
  gsize stride = gdk_pixbuf_get_rowstride (out);
  int channels = gdk_pixbuf_get_n_channels (out);
  RpResampleAxis ax, ay;
  g_autofree float *weights = g_new (float, (gsize) a->width * BAND_ROWS);
  g_autofree float *tmp = NULL;
  g_autofree float *row = g_new (float, (gsize) a->width * 4);
  gboolean ok = TRUE;
  int y0, y;

  result_axis (&ax, a->x, a->width, self->region.x, self->region.width,
               self->content.x, self->content.width, self->upload_width, res_w);
  result_axis (&ay, a->y, a->height, self->region.y, self->region.height,
               self->content.y, self->content.height, self->upload_height, res_h);
  tmp = g_new (float, (gsize) (ax.src_hi - ax.src_lo) * 4);

  for (y0 = a->y; y0 < a->y + a->height; y0 += BAND_ROWS)
    {
      int rows = MIN (BAND_ROWS, a->y + a->height - y0);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (!feather_band (fe, y0, rows, weights))
        continue;
      for (y = 0; y < rows; y++)
        {
          const float *w = weights + (gsize) y * a->width;
          int x;

          for (x = 0; x < a->width && w[x] <= 0.0f; x++)
            ;
          if (x == a->width)
            continue;
          rp_resample_row (gdk_pixbuf_read_pixels (result), gdk_pixbuf_get_rowstride (result),
                           gdk_pixbuf_get_n_channels (result), &ax, &ay, y0 + y - a->y, tmp, row);
          blend_row (pixels + (gsize) (y0 + y) * stride + (gsize) a->x * channels,
                     channels, w, row, a->width);
        }
    }

  rp_resample_axis_clear (&ax);
  rp_resample_axis_clear (&ay);
  return ok;
}

/**
 * rp_placement_composite:
 * @photo: the original photo, as planned
 * @mask: (nullable): the mask that was sent (at the photo's size); %NULL when the whole
 *   photo was edited
 * @result: an image the provider returned, of any size: it is taken to show the whole
 *   upload, padding included, and is scaled accordingly
 * @feather_px: how far beyond the painted edge the result fades into the original, in
 *   photo pixels (0: a hard edge, apart from the brush's own soft rim)
 * @cancellable: (nullable): cancels the work
 * @error: set on a size mismatch or when cancelled
 *
 * Places @result back into a copy of @photo at full resolution. The result is resampled
 * (Catmull-Rom, area-widened when shrinking) from the upload's content back onto the
 * region, and blended by the feathered mask: painted pixels take the result, pixels up to
 * @feather_px beyond the paint blend smoothly, and every pixel whose feathered weight is 0
 * — everything outside the region, and everything farther than the feather from paint
 * with no soft coverage — is byte for byte the original, alpha included.
 *
 * Only the part of the region near the mask is processed, band by band; memory beyond the
 * output copy stays proportional to the region's width. Safe in a worker thread as long
 * as nobody writes to the inputs.
 *
 * Returns: (transfer full): the composited photo, or %NULL with @error set
 */
GdkPixbuf *
rp_placement_composite (RpPlacement   *self,
                        GdkPixbuf     *photo,
                        RpMask        *mask,
                        GdkPixbuf     *result,
                        double         feather_px,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GdkPixbuf) out = NULL;
  Feather fe = { 0, };
  gboolean ok = TRUE;

  g_return_val_if_fail (RP_IS_PLACEMENT (self), NULL);
  g_return_val_if_fail (GDK_IS_PIXBUF (photo), NULL);
  g_return_val_if_fail (mask == NULL || RP_IS_MASK (mask), NULL);
  g_return_val_if_fail (GDK_IS_PIXBUF (result), NULL);

  if (!check_inputs (self, photo, mask, result, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  out = gdk_pixbuf_copy (photo);
  fe.mask = mask;
  fe.feather = MAX (feather_px, 0.0);
  fe.area = self->region;
  if (mask != NULL)
    {
      cairo_rectangle_int_t b;

      if (!rp_mask_get_bounds (mask, &b))
        return g_steal_pointer (&out);
      fe.halo = (int) ceil (fe.feather) + 1;
      b.x -= fe.halo;
      b.y -= fe.halo;
      b.width += 2 * fe.halo;
      b.height += 2 * fe.halo;
      if (!intersect (&fe.area, &b))
        return g_steal_pointer (&out);
      fe.coverage = g_malloc ((gsize) (fe.area.width + 2 * fe.halo) * (BAND_ROWS + 2 * fe.halo));
      fe.dist = g_new (float, (gsize) (fe.area.width + 2 * fe.halo) * (BAND_ROWS + 2 * fe.halo));
    }

  ok = composite_area (self, out, result, &fe, cancellable, error);
  g_free (fe.coverage);
  g_free (fe.dist);
  return ok ? g_steal_pointer (&out) : NULL;
}

typedef struct
{
  GdkPixbuf *photo;
  RpMask    *mask;
  GdkPixbuf *result;
  double     feather_px;
} CompositeData;

static void
composite_data_free (gpointer data)
{
  CompositeData *d = data;

  g_clear_object (&d->photo);
  g_clear_object (&d->mask);
  g_clear_object (&d->result);
  g_free (d);
}

static void
composite_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  CompositeData *d = task_data;
  GError *error = NULL;
  GdkPixbuf *out;

  out = rp_placement_composite (source_object, d->photo, d->mask, d->result, d->feather_px,
                                cancellable, &error);
  if (out == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, out, g_object_unref);
}

/**
 * rp_placement_composite_async:
 * @photo: the original photo
 * @mask: (nullable): the mask that was sent; copied now
 * @result: the provider's image
 * @feather_px: the feather radius in photo pixels
 * @cancellable: (nullable): cancels the work
 * @callback: called when done
 * @user_data: for @callback
 *
 * rp_placement_composite() in a worker thread.
 */
void
rp_placement_composite_async (RpPlacement         *self,
                              GdkPixbuf           *photo,
                              RpMask              *mask,
                              GdkPixbuf           *result,
                              double               feather_px,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CompositeData *d;

  g_return_if_fail (RP_IS_PLACEMENT (self));
  g_return_if_fail (GDK_IS_PIXBUF (photo));
  g_return_if_fail (mask == NULL || RP_IS_MASK (mask));
  g_return_if_fail (GDK_IS_PIXBUF (result));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_placement_composite_async);
  d = g_new0 (CompositeData, 1);
  d->photo = g_object_ref (photo);
  d->mask = mask != NULL ? rp_mask_copy (mask) : NULL;
  d->result = g_object_ref (result);
  d->feather_px = feather_px;
  g_task_set_task_data (task, d, composite_data_free);
  g_task_run_in_thread (task, composite_thread);
}

/**
 * rp_placement_composite_finish:
 *
 * Returns: (transfer full): the composited photo, or %NULL with @error set
 */
GdkPixbuf *
rp_placement_composite_finish (RpPlacement   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
