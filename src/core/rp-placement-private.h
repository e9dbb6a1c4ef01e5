/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-placement.h"

G_BEGIN_DECLS

struct _RpPlacement
{
  GObject               parent_instance;

  /* The photo the plan was made for. */
  int                   photo_width;
  int                   photo_height;
  gboolean              photo_has_alpha;

  /* The part of the photo that is uploaded, in photo pixels; always inside the photo and
   * always holding every pixel of the mask with coverage > 0. */
  cairo_rectangle_int_t region;
  /* The uploaded image and mask are upload_width × upload_height, which is also the size
   * requested from the model. The region, scaled, fills content (upload pixels); the rest
   * is padding. */
  int                   upload_width;
  int                   upload_height;
  cairo_rectangle_int_t content;

  char                 *size_param;
  gboolean              cropped;
  gboolean              size_warns;
  /* The original file may be sent unchanged (identity plan, accepted format and size). */
  gboolean              sends_original;
  GFile                *original_file;
  RpImageFormat         original_format;
  gint64                max_bytes;
};

G_END_DECLS
