/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

typedef enum {
  RP_PNG_COLOR_RGB,
  RP_PNG_COLOR_RGBA,
  RP_PNG_COLOR_GRAY,
} RpPngColor;

typedef enum {
  RP_PNG_FILTER_NONE  = 0,
  RP_PNG_FILTER_SUB   = 1,
  RP_PNG_FILTER_UP    = 2,
} RpPngFilter;

/* Presets: photos get the Up filter and zlib level 1, which is several times faster than
 * libpng's defaults for a modest size cost; flat images (masks) get the Sub filter with
 * run-length deflate, which turns uniform rows into runs of zeros. */
typedef enum {
  RP_PNG_SPEED_PHOTO,
  RP_PNG_SPEED_FLAT,
  RP_PNG_SMALL,
} RpPngPreset;

typedef struct _RpPngWriter RpPngWriter;

RpPngWriter *rp_png_writer_new       (GOutputStream  *stream,
                                      int             width,
                                      int             height,
                                      RpPngColor      color,
                                      RpPngPreset     preset);
gboolean     rp_png_writer_write_row (RpPngWriter    *writer,
                                      const guint8   *row,
                                      GCancellable   *cancellable,
                                      GError        **error);
gboolean     rp_png_writer_finish    (RpPngWriter    *writer,
                                      GCancellable   *cancellable,
                                      GError        **error);
void         rp_png_writer_free      (RpPngWriter    *writer);

gboolean     rp_png_save_pixbuf      (GdkPixbuf      *pixbuf,
                                      GOutputStream  *stream,
                                      RpPngPreset     preset,
                                      GCancellable   *cancellable,
                                      GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpPngWriter, rp_png_writer_free)

G_END_DECLS
