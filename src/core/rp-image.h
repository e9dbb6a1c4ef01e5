/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

/* The largest image Repaint decodes: 100 megapixels, and no edge longer than cairo's
 * 32767-pixel surface limit. Anything above is refused from its header alone, before a
 * pixel buffer is allocated. */
#define RP_IMAGE_MAX_PIXELS    (100 * 1000 * 1000)
#define RP_IMAGE_MAX_EDGE_PX   32767
/* Files larger than this are refused before reading (no real photo comes close). */
#define RP_IMAGE_MAX_FILE_BYTES ((goffset) 512 * 1024 * 1024)

#define RP_IMAGE_ERROR (rp_image_error_quark ())

typedef enum {
  RP_IMAGE_ERROR_EMPTY,
  RP_IMAGE_ERROR_UNKNOWN_FORMAT,
  RP_IMAGE_ERROR_UNSUPPORTED_FORMAT,
  RP_IMAGE_ERROR_CORRUPT,
  RP_IMAGE_ERROR_TOO_LARGE,
} RpImageError;

typedef enum {
  RP_IMAGE_FORMAT_UNKNOWN,
  RP_IMAGE_FORMAT_PNG,
  RP_IMAGE_FORMAT_JPEG,
  RP_IMAGE_FORMAT_WEBP,
  RP_IMAGE_FORMAT_GIF,
  RP_IMAGE_FORMAT_BMP,
  RP_IMAGE_FORMAT_TIFF,
  RP_IMAGE_FORMAT_HEIF,
  RP_IMAGE_FORMAT_AVIF,
} RpImageFormat;

GQuark        rp_image_error_quark        (void);

RpImageFormat rp_image_format_sniff       (const guint8 *data,
                                           gsize         len);
const char   *rp_image_format_mime_type   (RpImageFormat format);
const char   *rp_image_format_extension   (RpImageFormat format);
const char   *rp_image_format_display_name (RpImageFormat format);

#define RP_TYPE_IMAGE (rp_image_get_type ())
G_DECLARE_FINAL_TYPE (RpImage, rp_image, RP, IMAGE, GObject)

RpImage      *rp_image_new_from_pixbuf    (GdkPixbuf     *pixbuf,
                                           const char    *display_name);
RpImage      *rp_image_load_file          (GFile         *file,
                                           GCancellable  *cancellable,
                                           GError       **error);
RpImage      *rp_image_load_bytes         (GBytes        *bytes,
                                           const char    *display_name,
                                           GCancellable  *cancellable,
                                           GError       **error);
RpImage      *rp_image_load_stream        (GInputStream  *stream,
                                           const char    *display_name,
                                           GCancellable  *cancellable,
                                           GError       **error);
void          rp_image_load_stream_async  (GInputStream        *stream,
                                           const char          *display_name,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
void          rp_image_load_file_async    (GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
RpImage      *rp_image_load_file_finish   (GAsyncResult  *result,
                                           GError       **error);
void          rp_image_load_bytes_async   (GBytes              *bytes,
                                           const char          *display_name,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* Finishes both rp_image_load_bytes_async() and rp_image_load_stream_async(). */
RpImage      *rp_image_load_bytes_finish  (GAsyncResult  *result,
                                           GError       **error);

int           rp_image_get_width          (RpImage *self);
int           rp_image_get_height         (RpImage *self);
GdkPixbuf    *rp_image_get_pixbuf         (RpImage *self);
GFile        *rp_image_get_file           (RpImage *self);
const char   *rp_image_get_display_name   (RpImage *self);
RpImageFormat rp_image_get_format         (RpImage *self);
gboolean      rp_image_get_pixels_match_file (RpImage *self);

G_END_DECLS
