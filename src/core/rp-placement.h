/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "rp-image.h"
#include "rp-mask.h"
#include "rp-params.h"
#include "rp-size-rule.h"

G_BEGIN_DECLS

/*
 * RpPlacement relates the person's photo to what is uploaded and back.
 *
 * 1. Plan, on the main thread: rp_placement_options_init() with the model's size rule,
 *    then the provider's limits (from its definition: images.maxBytes → max_bytes,
 *    images.minPixels / maxPixels, images.square → square_only, images.formats →
 *    original_formats); rp_placement_new(). Show rp_placement_describe() and draw
 *    rp_placement_get_region() before anything is sent.
 * 2. Prepare, in a worker: rp_placement_prepare_async() writes the first image and the
 *    mask — same dimensions, always — into the journal. Request `size` =
 *    rp_placement_get_size_param() where the provider has that parameter.
 * 3. Composite, in a worker: rp_placement_composite_async() for each result, whatever
 *    size it came back at. Outside the feathered mask the photo's bytes are untouched.
 *
 * A plan is immutable and may be shared between threads.
 */

/* Context kept around the mask when only part of the photo is uploaded: at least this
 * many photo pixels, and at least this fraction of the mask's longer side. */
#define RP_PLACEMENT_DEFAULT_CONTEXT_PX        96
#define RP_PLACEMENT_DEFAULT_CONTEXT_FRACTION  0.5
/* Crop only when the mask plus its context covers less than this share of the photo. */
#define RP_PLACEMENT_DEFAULT_CROP_MAX_AREA     0.45
/* Width of the blend between the result and the original beyond the painted edge. */
#define RP_PLACEMENT_DEFAULT_FEATHER_PX        8.0

#define RP_PLACEMENT_ERROR (rp_placement_error_quark ())

typedef enum {
  RP_PLACEMENT_ERROR_EMPTY_MASK,
  RP_PLACEMENT_ERROR_SIZE_MISMATCH,
  RP_PLACEMENT_ERROR_NO_SIZE,
  RP_PLACEMENT_ERROR_TOO_LARGE,
} RpPlacementError;

/* Bit for RpPlacementOptions.original_formats. */
#define RP_PLACEMENT_FORMAT_BIT(format) (1u << (format))

/**
 * RpPlacementOptions:
 * @size_rule: the sizes the model produces (fixed list or arbitrary rule); for a provider
 *   that takes no `size` parameter, a zeroed rule (anything goes)
 * @min_pixels: @max_pixels: the provider's limits on the first image's pixel count (0: none)
 * @max_bytes: the provider's limit on one uploaded image file (0: none)
 * @square_only: the model takes square images only (dall-e-2)
 * @original_formats: formats the provider takes unchanged, as RP_PLACEMENT_FORMAT_BIT()s;
 *   the original file is sent as it is only when the plan is the identity and its format
 *   is among these
 * @context_px: @context_fraction: context around the mask when cropping
 * @crop_max_area: crop only when mask plus context covers less than this share of the photo
 *
 * What the provider and model accept, and how much context to keep. Fill it with
 * rp_placement_options_init() and change what differs.
 */
typedef struct
{
  RpSizeRule size_rule;
  gint64     min_pixels;
  gint64     max_pixels;
  gint64     max_bytes;
  gboolean   square_only;
  guint      original_formats;
  int        context_px;
  double     context_fraction;
  double     crop_max_area;
} RpPlacementOptions;

/**
 * RpPlacementUpload:
 * @width: @height: the uploaded image's (and mask's) dimensions
 * @image_is_original: the image file holds the photo's original bytes, unchanged
 * @image_format: the format of the image file (PNG unless it is the original)
 * @image_bytes: the image file's size
 * @mask_bytes: the mask file's size, or -1 when no mask was written
 *
 * What rp_placement_prepare_finish() wrote.
 */
typedef struct
{
  int           width;
  int           height;
  gboolean      image_is_original;
  RpImageFormat image_format;
  goffset       image_bytes;
  goffset       mask_bytes;
} RpPlacementUpload;

#define RP_TYPE_PLACEMENT (rp_placement_get_type ())
G_DECLARE_FINAL_TYPE (RpPlacement, rp_placement, RP, PLACEMENT, GObject)

GQuark       rp_placement_error_quark          (void);
void         rp_placement_options_for_params   (RpPlacementOptions       *options,
                                                RpParams                 *params);

gboolean     rp_placement_options_set_context  (RpPlacementOptions       *options,
                                                const char               *context);
void         rp_placement_options_init         (RpPlacementOptions       *options,
                                                const RpSizeRule         *size_rule);

RpPlacement *rp_placement_new                  (RpImage                  *photo,
                                                RpMask                   *mask,
                                                const RpPlacementOptions *options,
                                                GError                  **error);
RpPlacement *rp_placement_new_for_size         (int                       photo_width,
                                                int                       photo_height,
                                                gboolean                  photo_has_alpha,
                                                RpMask                   *mask,
                                                const RpPlacementOptions *options,
                                                GError                  **error);

int          rp_placement_get_photo_width      (RpPlacement *self);
int          rp_placement_get_photo_height     (RpPlacement *self);
void         rp_placement_get_region           (RpPlacement           *self,
                                                cairo_rectangle_int_t *region);
int          rp_placement_get_upload_width     (RpPlacement *self);
int          rp_placement_get_upload_height    (RpPlacement *self);
void         rp_placement_get_content_rect     (RpPlacement           *self,
                                                cairo_rectangle_int_t *content);
double       rp_placement_get_scale            (RpPlacement *self);
const char  *rp_placement_get_size_param       (RpPlacement *self);
gboolean     rp_placement_get_is_cropped       (RpPlacement *self);
gboolean     rp_placement_get_is_padded        (RpPlacement *self);
gboolean     rp_placement_get_is_identity      (RpPlacement *self);
gboolean     rp_placement_get_sends_original   (RpPlacement *self);
gboolean     rp_placement_get_size_warns       (RpPlacement *self);
char        *rp_placement_describe             (RpPlacement *self);

void         rp_placement_photo_to_upload      (RpPlacement *self,
                                                double       photo_x,
                                                double       photo_y,
                                                double      *upload_x,
                                                double      *upload_y);
void         rp_placement_result_to_photo      (RpPlacement *self,
                                                int          result_width,
                                                int          result_height,
                                                double       result_x,
                                                double       result_y,
                                                double      *photo_x,
                                                double      *photo_y);

gboolean     rp_placement_write_image          (RpPlacement   *self,
                                                GdkPixbuf     *photo,
                                                GOutputStream *stream,
                                                GCancellable  *cancellable,
                                                GError       **error);
gboolean     rp_placement_write_mask           (RpPlacement   *self,
                                                RpMask        *mask,
                                                GOutputStream *stream,
                                                GCancellable  *cancellable,
                                                GError       **error);
void         rp_placement_prepare_async        (RpPlacement         *self,
                                                RpImage             *photo,
                                                RpMask              *mask,
                                                GFile               *image_file,
                                                GFile               *mask_file,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean     rp_placement_prepare_finish       (RpPlacement        *self,
                                                GAsyncResult       *result,
                                                RpPlacementUpload  *upload,
                                                GError            **error);

GdkPixbuf   *rp_placement_composite            (RpPlacement   *self,
                                                GdkPixbuf     *photo,
                                                RpMask        *mask,
                                                GdkPixbuf     *result,
                                                double         feather_px,
                                                GCancellable  *cancellable,
                                                GError       **error);
void         rp_placement_composite_async      (RpPlacement         *self,
                                                GdkPixbuf           *photo,
                                                RpMask              *mask,
                                                GdkPixbuf           *result,
                                                double               feather_px,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GdkPixbuf   *rp_placement_composite_finish     (RpPlacement   *self,
                                                GAsyncResult  *result,
                                                GError       **error);

G_END_DECLS
