/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-resample"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rp-resample.h"

/* Catmull-Rom: the cubic with a = −0.5. It interpolates (K(0) = 1, K(±1) = K(±2) = 0) and
 * reproduces linear ramps, with much less blur than a B-spline. */
static double
catmull_rom (double x)
{
  x = fabs (x);
  if (x < 1.0)
    return (1.5 * x - 2.5) * x * x + 1.0;
  if (x < 2.0)
    return ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0;
  return 0.0;
}

/**
 * rp_resample_axis_init:
 * @n_dst: destination samples, at least 1
 * @src_per_dst: source pixels per destination pixel (> 1 shrinks)
 * @src_offset: the source coordinate of destination coordinate 0
 * @src_lo: @src_hi: the source pixels that may be read; taps beyond are clamped to them
 */
void
rp_resample_axis_init (RpResampleAxis *axis,
                       int             n_dst,
                       double          src_per_dst,
                       double          src_offset,
                       int             src_lo,
                       int             src_hi)
{
  double widen = MAX (src_per_dst, 1.0);
  double radius = 2.0 * widen;
  g_autofree double *w = NULL;
  int i;

  g_return_if_fail (n_dst > 0 && src_hi > src_lo && src_per_dst > 0);

  axis->n = n_dst;
  axis->max_taps = (int) ceil (2.0 * radius) + 2;
  axis->first = g_new (int, n_dst);
  axis->count = g_new (int, n_dst);
  axis->weights = g_new0 (float, (gsize) n_dst * axis->max_taps);
  axis->src_lo = G_MAXINT;
  axis->src_hi = G_MININT;
  w = g_new (double, axis->max_taps);

  for (i = 0; i < n_dst; i++)
    {
      double center = src_offset + (i + 0.5) * src_per_dst - 0.5;
      int j0 = (int) ceil (center - radius);
      int j1 = (int) floor (center + radius);
      int first = CLAMP (j0, src_lo, src_hi - 1);
      int last = CLAMP (j1, src_lo, src_hi - 1);
      int count = last - first + 1;
      double sum = 0.0;
      int j, k;

      g_assert (count <= axis->max_taps);
      memset (w, 0, sizeof (double) * axis->max_taps);
      for (j = j0; j <= j1; j++)
        w[CLAMP (j, src_lo, src_hi - 1) - first] += catmull_rom ((j - center) / widen);

      /* Drop zero taps at both ends: at scale 1 only the centre tap survives. */
      while (count > 1 && w[0] == 0.0)
        {
          memmove (w, w + 1, sizeof (double) * (count - 1));
          first++;
          count--;
        }
      while (count > 1 && w[count - 1] == 0.0)
        count--;

      for (k = 0; k < count; k++)
        sum += w[k];
      if (sum == 0.0)
        {
          w[0] = 1.0;
          count = 1;
          sum = 1.0;
        }
      for (k = 0; k < count; k++)
        axis->weights[(gsize) i * axis->max_taps + k] = (float) (w[k] / sum);
      axis->first[i] = first;
      axis->count[i] = count;
      axis->src_lo = MIN (axis->src_lo, first);
      axis->src_hi = MAX (axis->src_hi, first + count);
    }
}

void
rp_resample_axis_clear (RpResampleAxis *axis)
{
  g_clear_pointer (&axis->first, g_free);
  g_clear_pointer (&axis->count, g_free);
  g_clear_pointer (&axis->weights, g_free);
  axis->n = 0;
}

/**
 * rp_resample_row:
 * @tmp: scratch space for (ax->src_hi − ax->src_lo) × 4 floats
 */
void
rp_resample_row (const guint8         *src,
                 gsize                 src_stride,
                 int                   channels,
                 const RpResampleAxis *ax,
                 const RpResampleAxis *ay,
                 int                   dst_y,
                 float                *tmp,
                 float                *out)
{
  int width = ax->src_hi - ax->src_lo;
  const float *wy = ay->weights + (gsize) dst_y * ay->max_taps;
  int k, x;

  memset (tmp, 0, sizeof (float) * 4 * width);
  for (k = 0; k < ay->count[dst_y]; k++)
    {
      const guint8 *row = src + (gsize) (ay->first[dst_y] + k) * src_stride +
                          (gsize) ax->src_lo * channels;
      float wk = wy[k];

      if (channels == 4)
        {
          for (x = 0; x < width; x++)
            {
              const guint8 *p = row + 4 * x;
              float a = p[3];
              /* a / 255 is exactly 1 for opaque pixels, which keeps them exact. */
              float wa = wk * (a / 255.0f);

              tmp[4 * x + 0] += wa * p[0];
              tmp[4 * x + 1] += wa * p[1];
              tmp[4 * x + 2] += wa * p[2];
              tmp[4 * x + 3] += wk * a;
            }
        }
      else
        {
          for (x = 0; x < width; x++)
            {
              const guint8 *p = row + (gsize) channels * x;

              tmp[4 * x + 0] += wk * p[0];
              tmp[4 * x + 1] += wk * p[1];
              tmp[4 * x + 2] += wk * p[2];
              tmp[4 * x + 3] += wk * 255.0f;
            }
        }
    }

  for (x = 0; x < ax->n; x++)
    {
      const float *wx = ax->weights + (gsize) x * ax->max_taps;
      const float *t = tmp + 4 * (ax->first[x] - ax->src_lo);
      float r = 0, g = 0, b = 0, a = 0;

      for (k = 0; k < ax->count[x]; k++)
        {
          r += wx[k] * t[4 * k + 0];
          g += wx[k] * t[4 * k + 1];
          b += wx[k] * t[4 * k + 2];
          a += wx[k] * t[4 * k + 3];
        }
      /* Cubic kernels overshoot near edges; keep the result a valid premultiplied pixel. */
      a = CLAMP (a, 0.0f, 255.0f);
      out[4 * x + 0] = CLAMP (r, 0.0f, a);
      out[4 * x + 1] = CLAMP (g, 0.0f, a);
      out[4 * x + 2] = CLAMP (b, 0.0f, a);
      out[4 * x + 3] = a;
    }
}
