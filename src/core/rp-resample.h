/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Separable resampling with a Catmull-Rom kernel, widened by the reduction factor when
 * shrinking so that downscaling averages every source pixel instead of skipping some.
 * At a scale of exactly 1 with pixel-aligned offsets the weights are (0, 1, 0, 0), so the
 * source is reproduced bit for bit.
 *
 * Coordinates are continuous: pixel i covers [i, i + 1). Destination coordinate d maps to
 * source coordinate src_offset + d × src_per_dst. Taps that fall outside [src_lo, src_hi)
 * are clamped to the nearest edge pixel. */
typedef struct
{
  int    n;          /* destination samples */
  int    max_taps;
  int    src_lo;     /* lowest source index any tap reads */
  int    src_hi;     /* one past the highest */
  int   *first;      /* [n] first source index of each destination sample */
  int   *count;      /* [n] taps of each destination sample */
  float *weights;    /* [n × max_taps], each sample's weights sum to 1 */
} RpResampleAxis;

void rp_resample_axis_init  (RpResampleAxis *axis,
                             int             n_dst,
                             double          src_per_dst,
                             double          src_offset,
                             int             src_lo,
                             int             src_hi);
void rp_resample_axis_clear (RpResampleAxis *axis);

/* Resamples destination row @dst_y: @src points at pixel (0, 0) of an 8-bit image with
 * @channels channels (3, or 4 with straight alpha). @out receives ax->n × 4 floats: red,
 * green, blue premultiplied by alpha, and alpha, all on a 0–255 scale, clamped so that no
 * colour exceeds its alpha. Images without alpha read as opaque. @tmp holds
 * (ax->src_hi − ax->src_lo) × 4 floats. */
void rp_resample_row        (const guint8         *src,
                             gsize                 src_stride,
                             int                   channels,
                             const RpResampleAxis *ax,
                             const RpResampleAxis *ay,
                             int                   dst_y,
                             float                *tmp,
                             float                *out);

G_END_DECLS
