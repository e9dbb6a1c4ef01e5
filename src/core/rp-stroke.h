/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-mask.h"

G_BEGIN_DECLS

/* Turns a pointer path into evenly spaced dabs, so a fast stroke leaves no gaps and a slow
 * one does not stack hundreds of dabs on one spot. */
typedef struct
{
  RpMask   *mask;
  RpMaskOp  op;
  double    hardness;
  double    last_x;
  double    last_y;
  double    last_radius;
  double    carry;     /* distance walked since the last dab */
  gboolean  started;
} RpStroke;

void rp_stroke_begin (RpStroke *stroke,
                      RpMask   *mask,
                      RpMaskOp  op,
                      double    hardness,
                      double    x,
                      double    y,
                      double    radius);
void rp_stroke_to    (RpStroke *stroke,
                      double    x,
                      double    y,
                      double    radius);
void rp_stroke_end   (RpStroke *stroke);

G_END_DECLS
