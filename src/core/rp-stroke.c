/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-stroke"

#include "config.h"

#include <math.h>

#include "rp-stroke.h"

/* Dabs are placed every SPACING_RATIO × radius, which keeps a hard edge smooth. */
#define SPACING_RATIO 0.2
#define MIN_SPACING_PX 0.5

void
rp_stroke_begin (RpStroke *stroke,
                 RpMask   *mask,
                 RpMaskOp  op,
                 double    hardness,
                 double    x,
                 double    y,
                 double    radius)
{
  g_return_if_fail (stroke != NULL);
  g_return_if_fail (RP_IS_MASK (mask));

  stroke->mask = g_object_ref (mask);
  stroke->op = op;
  stroke->hardness = hardness;
  stroke->last_x = x;
  stroke->last_y = y;
  stroke->last_radius = radius;
  stroke->carry = 0;
  stroke->started = TRUE;
  rp_mask_dab (mask, x, y, radius, hardness, op);
}

void
rp_stroke_to (RpStroke *stroke,
              double    x,
              double    y,
              double    radius)
{
  double dx, dy, dist, t;

  g_return_if_fail (stroke != NULL && stroke->started);

  dx = x - stroke->last_x;
  dy = y - stroke->last_y;
  dist = sqrt (dx * dx + dy * dy);
  if (dist <= 0)
    return;

  /* Walk along the segment, interpolating the radius (pressure) as we go. */
  t = 0;
  for (;;)
    {
      double r = stroke->last_radius + (radius - stroke->last_radius) * t;
      double spacing = MAX (r * SPACING_RATIO, MIN_SPACING_PX);
      double step = spacing - stroke->carry;

      if (t * dist + step > dist)
        {
          stroke->carry += dist - t * dist;
          break;
        }
      t += step / dist;
      stroke->carry = 0;
      rp_mask_dab (stroke->mask,
                   stroke->last_x + dx * t, stroke->last_y + dy * t,
                   stroke->last_radius + (radius - stroke->last_radius) * t,
                   stroke->hardness, stroke->op);
    }

  stroke->last_x = x;
  stroke->last_y = y;
  stroke->last_radius = radius;
}

void
rp_stroke_end (RpStroke *stroke)
{
  g_return_if_fail (stroke != NULL);

  if (stroke->started && stroke->carry > 0)
    rp_mask_dab (stroke->mask, stroke->last_x, stroke->last_y, stroke->last_radius,
                 stroke->hardness, stroke->op);
  stroke->started = FALSE;
  g_clear_object (&stroke->mask);
}
