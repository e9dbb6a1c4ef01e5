/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-image.h"

G_BEGIN_DECLS

/* Follows the container structure of a PNG, JPEG or WebP stream as its bytes go by and
 * tells whether the stream reached its proper end (PNG IEND, JPEG EOI, the RIFF length).
 * Decoders happily return an image whose bottom is missing; this is how we notice.
 * GIF blocks are followed too, to catch frames no decoder should be handed; gdk-pixbuf
 * itself tells a GIF that ends early. */
typedef struct
{
  RpImageFormat format;
  int           state;
  guint64       skip;        /* bytes still to pass over */
  guint8        header[16];   /* the largest fixed header: the 12-byte RIFF one */
  guint         header_len;
  guint         want;        /* header bytes needed in the current state */
  guint8        marker;
  gboolean      after_ff;
  guint64       seen;
  guint64       riff_end;
  gboolean      complete;
  gboolean      malformed;
  guint         screen_width;   /* GIF: the logical screen frames must lie in */
  guint         screen_height;
  guint8        gif_label;      /* GIF: the extension being read */
} RpImageCheck;

void     rp_image_check_init     (RpImageCheck  *check,
                                  RpImageFormat  format);
void     rp_image_check_feed     (RpImageCheck  *check,
                                  const guint8  *data,
                                  gsize          len);
gboolean rp_image_check_complete (RpImageCheck  *check);
gboolean rp_image_check_malformed (RpImageCheck *check);

/* The most a BMP's pixel data may lie from the start of the file: a 124-byte header, a
 * 256-colour palette and room for an embedded colour profile. */
#define RP_IMAGE_CHECK_MAX_BMP_DATA_OFFSET (1024 * 1024)

gboolean rp_image_check_header   (RpImageFormat  format,
                                  const guint8  *head,
                                  gsize          len);

G_END_DECLS
