/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-placement"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rp-placement-private.h"
#include "rp-png.h"
#include "rp-resample.h"

/* Gives up shrinking a size to fit a byte limit after this many 3 % steps. */
#define BYTE_FIT_ATTEMPTS 100
#define FILE_BUFFER_BYTES (1024 * 1024)

G_DEFINE_FINAL_TYPE (RpPlacement, rp_placement, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-placement-error-quark, rp_placement_error)

static void
rp_placement_finalize (GObject *object)
{
  RpPlacement *self = RP_PLACEMENT (object);

  g_clear_pointer (&self->size_param, g_free);
  g_clear_object (&self->original_file);

  G_OBJECT_CLASS (rp_placement_parent_class)->finalize (object);
}

static void
rp_placement_class_init (RpPlacementClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_placement_finalize;
}

static void
rp_placement_init (RpPlacement *self)
{
}

/**
 * rp_placement_options_init:
 * @options: (out caller-allocates): the options to fill
 * @size_rule: (nullable): the model's size rule; %NULL for a provider without a `size`
 *   parameter
 *
 * Fills @options with the default context and crop settings, no provider limits, no
 * format accepted unchanged, and a copy of @size_rule.
 */
void
rp_placement_options_init (RpPlacementOptions *options,
                           const RpSizeRule   *size_rule)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  if (size_rule != NULL)
    options->size_rule = *size_rule;
  options->context_px = RP_PLACEMENT_DEFAULT_CONTEXT_PX;
  options->context_fraction = RP_PLACEMENT_DEFAULT_CONTEXT_FRACTION;
  options->crop_max_area = RP_PLACEMENT_DEFAULT_CROP_MAX_AREA;
}

/**
 * rp_placement_options_set_context:
 * @context: "auto", "close", "wide", "very-wide" or "whole"
 *
 * Sets how much of the photo around the mask goes out with it: the person's choice in the
 * sidebar. "whole" never crops.
 *
 * Returns: %FALSE for an unknown @context (the options are left alone)
 */
gboolean
rp_placement_options_set_context (RpPlacementOptions *options,
                                  const char         *context)
{
  static const struct {
    const char *name;
    int         px;
    double      fraction;
    double      crop_max_area;
  } contexts[] = {
    { "auto", RP_PLACEMENT_DEFAULT_CONTEXT_PX, RP_PLACEMENT_DEFAULT_CONTEXT_FRACTION, RP_PLACEMENT_DEFAULT_CROP_MAX_AREA },
    { "close", 24, 0.15, RP_PLACEMENT_DEFAULT_CROP_MAX_AREA },
    { "wide", 192, 1.0, RP_PLACEMENT_DEFAULT_CROP_MAX_AREA },
    { "very-wide", 512, 2.0, 0.7 },
    { "whole", 0, 0.0, 0.0 },
  };

  g_return_val_if_fail (options != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (contexts); i++)
    if (g_strcmp0 (context, contexts[i].name) == 0)
      {
        options->context_px = contexts[i].px;
        options->context_fraction = contexts[i].fraction;
        options->crop_max_area = contexts[i].crop_max_area;
        return TRUE;
      }
  return FALSE;
}

/* An upper bound on the PNG our writer produces, from zlib's deflateBound() plus chunk
 * framing, so that a plan can promise to stay under a provider's byte limit. */
static gint64
png_bytes_bound (int width,
                 int height,
                 int bytes_per_pixel)
{
  gint64 raw = ((gint64) width * bytes_per_pixel + 1) * height;

  return raw + (raw >> 12) + (raw >> 14) + (raw >> 25) + 64 +
         12 * (raw / (256 * 1024) + 2) + 64;
}

/* The model's rule narrowed by the provider's limits; FALSE when nothing is left. */
static gboolean
effective_rule (const RpPlacementOptions *o,
                int                       bytes_per_pixel,
                gboolean                  byte_limit,
                RpSizeRule               *eff)
{
  *eff = o->size_rule;

  if (eff->n_sizes > 0)
    {
      guint i, n = 0;

      for (i = 0; i < o->size_rule.n_sizes; i++)
        {
          RpSize s = o->size_rule.sizes[i];
          gint64 pixels = (gint64) s.width * s.height;

          if ((o->min_pixels > 0 && pixels < o->min_pixels) ||
              (o->max_pixels > 0 && pixels > o->max_pixels) ||
              (o->square_only && s.width != s.height) ||
              (byte_limit && o->max_bytes > 0 &&
               png_bytes_bound (s.width, s.height, bytes_per_pixel) > o->max_bytes))
            continue;
          eff->sizes[n++] = s;
        }
      eff->n_sizes = n;
      return n > 0;
    }

  eff->min_pixels = MAX (eff->min_pixels, o->min_pixels);
  if (o->max_pixels > 0)
    eff->max_pixels = eff->max_pixels > 0 ? MIN (eff->max_pixels, o->max_pixels) : o->max_pixels;
  if (o->square_only)
    eff->max_ratio = 1.0;
  return eff->max_pixels == 0 || eff->max_pixels >= MAX (eff->min_pixels, 1);
}

static int
ceil_to (int value,
         int multiple)
{
  return (value + multiple - 1) / multiple * multiple;
}

static gboolean
size_allowed (const RpSizeRule *rule,
              int               width,
              int               height)
{
  g_autofree char *text = g_strdup_printf ("%dx%d", width, height);

  return rp_size_rule_check (rule, text, NULL);
}

/* RpSizeRule picks the fixed size of the nearest aspect; among the sizes of that same
 * aspect, prefer the smallest that holds the region without shrinking it (detail the
 * person painted is not thrown away), else the largest. */
static void
prefer_covering_size (const RpSizeRule *rule,
                      int               width,
                      int               height,
                      RpSize           *size)
{
  RpSize aspect = *size, covering = { 0, 0 }, largest = *size;
  guint i;

  for (i = 0; i < rule->n_sizes; i++)
    {
      RpSize s = rule->sizes[i];
      gint64 pixels = (gint64) s.width * s.height;

      if ((gint64) s.width * aspect.height != (gint64) s.height * aspect.width)
        continue;
      if (pixels > (gint64) largest.width * largest.height)
        largest = s;
      if (s.width >= width && s.height >= height &&
          (covering.width == 0 || pixels < (gint64) covering.width * covering.height))
        covering = s;
    }
  *size = covering.width > 0 ? covering : largest;
}

/* The size to request for a region. For arbitrary-size rules a region that is already
 * acceptable (after rounding up to the size multiple) is sent at 1:1 — @native — so the
 * result needs no resampling at all; otherwise RpSizeRule picks the size. */
static gboolean
choose_size (const RpSizeRule *rule,
             int               width,
             int               height,
             RpSize           *size,
             gboolean         *native)
{
  int m = MAX (rule->multiple_of, 1);
  int w = ceil_to (width, m);
  int h = ceil_to (height, m);

  *native = FALSE;
  if (!rp_size_rule_is_arbitrary (rule))
    {
      if (!rp_size_rule_best_for (rule, width, height, size))
        return FALSE;
      prefer_covering_size (rule, width, height, size);
      return TRUE;
    }

  if (rule->max_ratio > 0)
    {
      if (w > rule->max_ratio * h)
        h = ceil_to ((int) ceil (w / rule->max_ratio), m);
      else if (h > rule->max_ratio * w)
        w = ceil_to ((int) ceil (h / rule->max_ratio), m);
    }
  if (size_allowed (rule, w, h))
    {
      size->width = w;
      size->height = h;
      *native = TRUE;
      return TRUE;
    }
  return rp_size_rule_best_for (rule, width, height, size);
}

/* Grows @r (never shrinks it, so the mask stays inside) toward @want_w × @want_h or,
 * when @aspect_only, toward that aspect, staying inside the photo. */
static void
grow_region (cairo_rectangle_int_t *r,
             int                    photo_w,
             int                    photo_h,
             int                    want_w,
             int                    want_h,
             gboolean               aspect_only)
{
  int w = r->width, h = r->height;

  if (aspect_only)
    {
      double aspect = (double) want_w / want_h;

      if ((double) w / h < aspect)
        w = (int) ceil (h * aspect - 1e-9);
      else
        h = (int) ceil (w / aspect - 1e-9);
    }
  else
    {
      w = MAX (w, want_w);
      h = MAX (h, want_h);
    }
  w = MIN (w, photo_w);
  h = MIN (h, photo_h);

  r->x = CLAMP (r->x - (w - r->width) / 2, 0, photo_w - w);
  r->y = CLAMP (r->y - (h - r->height) / 2, 0, photo_h - h);
  r->width = w;
  r->height = h;
}

typedef struct
{
  cairo_rectangle_int_t region;
  RpSize                upload;
  cairo_rectangle_int_t content;
} Geometry;

static gboolean
plan_geometry (const RpSizeRule            *rule,
               int                          photo_w,
               int                          photo_h,
               const cairo_rectangle_int_t *crop,
               Geometry                    *g)
{
  cairo_rectangle_int_t r = { 0, 0, photo_w, photo_h };
  gboolean native;
  int cw, ch;

  if (crop != NULL)
    r = *crop;
  if (!choose_size (rule, r.width, r.height, &g->upload, &native))
    return FALSE;
  if (crop != NULL)
    grow_region (&r, photo_w, photo_h, g->upload.width, g->upload.height, !native);

  if (native)
    {
      cw = r.width;
      ch = r.height;
    }
  else
    {
      /* One uniform scale: the region is never distorted, only padded. */
      double scale = MIN ((double) g->upload.width / r.width,
                          (double) g->upload.height / r.height);

      cw = CLAMP ((int) lround (r.width * scale), 1, g->upload.width);
      ch = CLAMP ((int) lround (r.height * scale), 1, g->upload.height);
    }
  g->region = r;
  g->content.width = cw;
  g->content.height = ch;
  g->content.x = (g->upload.width - cw) / 2;
  g->content.y = (g->upload.height - ch) / 2;
  return TRUE;
}

/* Plans the geometry when the image has to be re-encoded: the PNG must then fit the
 * provider's byte limit, which for arbitrary-size rules may mean fewer pixels. */
static gboolean
plan_encoded (const RpPlacementOptions    *o,
              int                          bytes_per_pixel,
              int                          photo_w,
              int                          photo_h,
              const cairo_rectangle_int_t *crop,
              Geometry                    *g)
{
  RpSizeRule rule;
  int attempt;

  if (!effective_rule (o, bytes_per_pixel, TRUE, &rule))
    return FALSE;
  for (attempt = 0; attempt < BYTE_FIT_ATTEMPTS; attempt++)
    {
      gint64 pixels;

      if (!plan_geometry (&rule, photo_w, photo_h, crop, g))
        return FALSE;
      if (o->max_bytes <= 0 ||
          png_bytes_bound (g->upload.width, g->upload.height, bytes_per_pixel) <= o->max_bytes)
        return TRUE;
      if (!rp_size_rule_is_arbitrary (&rule))
        return FALSE;
      pixels = (gint64) g->upload.width * g->upload.height;
      rule.max_pixels = pixels * 97 / 100;
      if (rule.max_pixels < MAX (rule.min_pixels, 1))
        return FALSE;
    }
  return FALSE;
}

/* Whether any pixel in @bounds is painted (coverage at the export threshold). */
static gboolean
mask_has_painted (RpMask                      *mask,
                  const cairo_rectangle_int_t *bounds)
{
  g_autofree guint8 *row = g_malloc (bounds->width);
  int x, y;

  for (y = bounds->y; y < bounds->y + bounds->height; y++)
    {
      rp_mask_read (mask, bounds->x, y, bounds->width, 1, row, bounds->width);
      for (x = 0; x < bounds->width; x++)
        if (row[x] >= RP_MASK_EXPORT_THRESHOLD)
          return TRUE;
    }
  return FALSE;
}

/* The crop for a mask: its bounds plus context, or FALSE to upload the whole photo. */
static gboolean
crop_for_mask (RpMask                   *mask,
               int                       photo_w,
               int                       photo_h,
               const RpPlacementOptions *o,
               cairo_rectangle_int_t    *crop,
               GError                  **error)
{
  cairo_rectangle_int_t b;
  int context, x0, y0, x1, y1;

  if (!rp_mask_get_bounds (mask, &b) || !mask_has_painted (mask, &b))
    {
      g_set_error_literal (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_EMPTY_MASK,
                           _("Nothing is painted. Paint over the area to change, or clear "
                             "the mask to edit the whole photo."));
      return FALSE;
    }

  context = MAX (o->context_px, (int) ceil (o->context_fraction * MAX (b.width, b.height)));
  x0 = MAX (b.x - context, 0);
  y0 = MAX (b.y - context, 0);
  x1 = MIN (b.x + b.width + context, photo_w);
  y1 = MIN (b.y + b.height + context, photo_h);
  crop->x = x0;
  crop->y = y0;
  crop->width = x1 - x0;
  crop->height = y1 - y0;
  return (double) crop->width * crop->height < o->crop_max_area * photo_w * photo_h;
}

static gboolean
geometry_is_identity (const Geometry *g,
                      int             photo_w,
                      int             photo_h)
{
  return g->region.x == 0 && g->region.y == 0 &&
         g->region.width == photo_w && g->region.height == photo_h &&
         g->upload.width == photo_w && g->upload.height == photo_h &&
         g->content.x == 0 && g->content.y == 0 &&
         g->content.width == photo_w && g->content.height == photo_h;
}

static gint64
query_file_size (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  return info != NULL ? g_file_info_get_size (info) : -1;
}

/* The original file can stand in for the upload: same pixels, an accepted format, and
 * within the byte limit. */
static gboolean
original_acceptable (RpImage                  *photo,
                     const RpPlacementOptions *o)
{
  GFile *file;
  gint64 size;

  if (photo == NULL || (file = rp_image_get_file (photo)) == NULL ||
      !rp_image_get_pixels_match_file (photo) ||
      (o->original_formats & RP_PLACEMENT_FORMAT_BIT (rp_image_get_format (photo))) == 0)
    return FALSE;
  size = query_file_size (file);
  return size > 0 && (o->max_bytes <= 0 || size <= o->max_bytes);
}

static RpPlacement *
plan (RpImage                  *photo,
      int                       photo_w,
      int                       photo_h,
      gboolean                  has_alpha,
      RpMask                   *mask,
      const RpPlacementOptions *o,
      GError                  **error)
{
  g_autoptr(RpPlacement) self = NULL;
  cairo_rectangle_int_t crop;
  gboolean cropped = FALSE, sends_original = FALSE;
  int bpp = has_alpha ? 4 : 3;
  RpSizeRule rule;
  Geometry g;

  if (mask != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (rp_mask_get_width (mask) != photo_w || rp_mask_get_height (mask) != photo_h)
        {
          g_set_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH,
                       _("The mask is %d × %d pixels but the photo is %d × %d."),
                       rp_mask_get_width (mask), rp_mask_get_height (mask), photo_w, photo_h);
          return NULL;
        }
      cropped = crop_for_mask (mask, photo_w, photo_h, o, &crop, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  /* First the plan as if the file could go out unchanged; if that is the identity and the
   * file qualifies, it does. Otherwise plan for a re-encoded PNG within the byte limit. */
  if (!cropped && effective_rule (o, bpp, FALSE, &rule) &&
      plan_geometry (&rule, photo_w, photo_h, NULL, &g) &&
      geometry_is_identity (&g, photo_w, photo_h) &&
      original_acceptable (photo, o))
    sends_original = TRUE;
  else if (!plan_encoded (o, bpp, photo_w, photo_h, cropped ? &crop : NULL, &g))
    {
      g_set_error_literal (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_NO_SIZE,
                           _("This model accepts no image size that fits the provider’s "
                             "limits."));
      return NULL;
    }

  self = g_object_new (RP_TYPE_PLACEMENT, NULL);
  self->photo_width = photo_w;
  self->photo_height = photo_h;
  self->photo_has_alpha = has_alpha;
  self->region = g.region;
  self->upload_width = g.upload.width;
  self->upload_height = g.upload.height;
  self->content = g.content;
  self->size_param = rp_size_to_string (&g.upload);
  self->cropped = cropped;
  self->size_warns = rp_size_rule_warns (&o->size_rule, &g.upload);
  self->sends_original = sends_original;
  self->max_bytes = o->max_bytes;
  if (sends_original)
    {
      self->original_file = g_object_ref (rp_image_get_file (photo));
      self->original_format = rp_image_get_format (photo);
    }
  return g_steal_pointer (&self);
}

/**
 * rp_placement_new:
 * @photo: the photo being edited
 * @mask: (nullable): what the person painted; %NULL edits the whole photo (fusion)
 * @options: the provider's and model's limits, see rp_placement_options_init()
 * @error: set when no plan is possible
 *
 * Plans an upload: the region of @photo to send (the whole photo, or the mask's bounds
 * plus context when the mask is small), the size to request, the scale and padding that
 * reach that size without distortion, and the inverse transform for the result. When the
 * plan is the identity and the photo's file is acceptable as it is,
 * rp_placement_get_sends_original() says so.
 *
 * Cheap enough for the main thread: it reads the mask's coverage once at most and
 * checks the original file's size.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set (an empty mask, a mask of
 *   the wrong size, or no size the model and provider both accept)
 */
RpPlacement *
rp_placement_new (RpImage                  *photo,
                  RpMask                   *mask,
                  const RpPlacementOptions *options,
                  GError                  **error)
{
  g_return_val_if_fail (RP_IS_IMAGE (photo), NULL);
  g_return_val_if_fail (mask == NULL || RP_IS_MASK (mask), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  return plan (photo, rp_image_get_width (photo), rp_image_get_height (photo),
               gdk_pixbuf_get_has_alpha (rp_image_get_pixbuf (photo)), mask, options, error);
}

/**
 * rp_placement_new_for_size:
 * @photo_width: @photo_height: the photo's size in pixels
 * @photo_has_alpha: whether the upload will carry an alpha channel (bytes per pixel)
 * @mask: (nullable): the mask, or %NULL to edit the whole photo
 * @options: the limits
 * @error: set when no plan is possible
 *
 * Like rp_placement_new() for a photo known only by its size; such a plan never sends
 * an original file.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
RpPlacement *
rp_placement_new_for_size (int                       photo_width,
                           int                       photo_height,
                           gboolean                  photo_has_alpha,
                           RpMask                   *mask,
                           const RpPlacementOptions *options,
                           GError                  **error)
{
  g_return_val_if_fail (photo_width > 0 && photo_height > 0, NULL);
  g_return_val_if_fail (mask == NULL || RP_IS_MASK (mask), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  return plan (NULL, photo_width, photo_height, photo_has_alpha, mask, options, error);
}

/**
 * rp_placement_get_photo_width:
 *
 * Returns: the width of the photo the plan was made for
 */
int
rp_placement_get_photo_width (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), 0);
  return self->photo_width;
}

/**
 * rp_placement_get_photo_height:
 *
 * Returns: the height of the photo the plan was made for
 */
int
rp_placement_get_photo_height (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), 0);
  return self->photo_height;
}

/**
 * rp_placement_get_region:
 * @region: (out): the uploaded part of the photo, in photo pixels (the crop box to draw)
 */
void
rp_placement_get_region (RpPlacement           *self,
                         cairo_rectangle_int_t *region)
{
  g_return_if_fail (RP_IS_PLACEMENT (self));
  *region = self->region;
}

/**
 * rp_placement_get_upload_width:
 *
 * Returns: the width of the uploaded image and mask, and of the requested size
 */
int
rp_placement_get_upload_width (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), 0);
  return self->upload_width;
}

/**
 * rp_placement_get_upload_height:
 *
 * Returns: the height of the uploaded image and mask, and of the requested size
 */
int
rp_placement_get_upload_height (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), 0);
  return self->upload_height;
}

/**
 * rp_placement_get_content_rect:
 * @content: (out): where the region lies in the uploaded image, in upload pixels; the
 *   rest of the upload is padding
 */
void
rp_placement_get_content_rect (RpPlacement           *self,
                               cairo_rectangle_int_t *content)
{
  g_return_if_fail (RP_IS_PLACEMENT (self));
  *content = self->content;
}

/**
 * rp_placement_get_scale:
 *
 * Returns: upload pixels per photo pixel (below 1 when the region is shrunk)
 */
double
rp_placement_get_scale (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), 1.0);
  return (double) self->content.width / self->region.width;
}

/**
 * rp_placement_get_size_param:
 *
 * Returns: the `size` value to request, "WxH" — the upload's dimensions. Providers
 *   without a `size` parameter simply do not send it.
 */
const char *
rp_placement_get_size_param (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), NULL);
  return self->size_param;
}

/**
 * rp_placement_get_is_cropped:
 *
 * Returns: whether only part of the photo (the mask plus context) is uploaded
 */
gboolean
rp_placement_get_is_cropped (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  return self->cropped;
}

/**
 * rp_placement_get_is_padded:
 *
 * Returns: whether the upload has padding around the region (edge pixels repeated in the
 *   image, "keep" in the mask) to reach an accepted size without distortion
 */
gboolean
rp_placement_get_is_padded (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  return self->content.width != self->upload_width || self->content.height != self->upload_height;
}

/**
 * rp_placement_get_is_identity:
 *
 * Returns: whether the upload is the whole photo at its own size, unscaled and unpadded
 */
gboolean
rp_placement_get_is_identity (RpPlacement *self)
{
  Geometry g;

  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  g.region = self->region;
  g.upload.width = self->upload_width;
  g.upload.height = self->upload_height;
  g.content = self->content;
  return geometry_is_identity (&g, self->photo_width, self->photo_height);
}

/**
 * rp_placement_get_sends_original:
 *
 * Returns: whether the photo's original file goes out unchanged (the plan is the identity,
 *   the decoded pixels equal the file's, and the provider accepts its format and size)
 */
gboolean
rp_placement_get_sends_original (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  return self->sends_original;
}

/**
 * rp_placement_get_size_warns:
 *
 * Returns: whether the requested size is one the model calls experimental
 */
gboolean
rp_placement_get_size_warns (RpPlacement *self)
{
  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  return self->size_warns;
}

/**
 * rp_placement_describe:
 *
 * Returns: (transfer full): one translated line for the person: what part of the photo
 *   goes out, at what size and scale
 */
char *
rp_placement_describe (RpPlacement *self)
{
  g_autofree char *scale = NULL;
  const cairo_rectangle_int_t *r;

  g_return_val_if_fail (RP_IS_PLACEMENT (self), NULL);

  r = &self->region;
  if (rp_placement_get_is_identity (self))
    return g_strdup_printf (_("Whole photo, %d × %d, sent at full resolution"),
                            self->photo_width, self->photo_height);

  if (self->content.width == r->width && self->content.height == r->height)
    scale = g_strdup (_("full resolution"));
  else
    /* Translators: a scale factor, e.g. "scaled ×0.58" */
    scale = g_strdup_printf (_("scaled ×%.2f"), rp_placement_get_scale (self));

  if (!self->cropped)
    return g_strdup_printf (rp_placement_get_is_padded (self)
                            ? _("Whole photo, sent as %d × %d (%s, padded)")
                            : _("Whole photo, sent as %d × %d (%s)"),
                            self->upload_width, self->upload_height, scale);
  return g_strdup_printf (rp_placement_get_is_padded (self)
                          ? _("Area %d × %d at %d, %d, sent as %d × %d (%s, padded)")
                          : _("Area %d × %d at %d, %d, sent as %d × %d (%s)"),
                          r->width, r->height, r->x, r->y,
                          self->upload_width, self->upload_height, scale);
}

/**
 * rp_placement_photo_to_upload:
 * @photo_x: @photo_y: a point in photo pixel coordinates
 * @upload_x: (out): @upload_y: (out): the same point in the uploaded image
 */
void
rp_placement_photo_to_upload (RpPlacement *self,
                              double       photo_x,
                              double       photo_y,
                              double      *upload_x,
                              double      *upload_y)
{
  g_return_if_fail (RP_IS_PLACEMENT (self));

  *upload_x = self->content.x +
              (photo_x - self->region.x) * self->content.width / self->region.width;
  *upload_y = self->content.y +
              (photo_y - self->region.y) * self->content.height / self->region.height;
}

/**
 * rp_placement_result_to_photo:
 * @result_width: @result_height: the size of the image the provider returned, which
 *   may differ from the size requested; it is taken to show the whole upload
 * @result_x: @result_y: a point in the result
 * @photo_x: (out): @photo_y: (out): where it lands on the photo
 */
void
rp_placement_result_to_photo (RpPlacement *self,
                              int          result_width,
                              int          result_height,
                              double       result_x,
                              double       result_y,
                              double      *photo_x,
                              double      *photo_y)
{
  double ux, uy;

  g_return_if_fail (RP_IS_PLACEMENT (self));
  g_return_if_fail (result_width > 0 && result_height > 0);

  ux = result_x * self->upload_width / result_width;
  uy = result_y * self->upload_height / result_height;
  *photo_x = self->region.x + (ux - self->content.x) * self->region.width / self->content.width;
  *photo_y = self->region.y + (uy - self->content.y) * self->region.height / self->content.height;
}

static void
store_pixel (guint8      *dst,
             const float *premultiplied,
             gboolean     alpha)
{
  float a = premultiplied[3];
  int c;

  if (!alpha)
    {
      for (c = 0; c < 3; c++)
        dst[c] = (guint8) CLAMP (premultiplied[c] + 0.5f, 0.0f, 255.0f);
      return;
    }
  for (c = 0; c < 3; c++)
    dst[c] = a > 0 ? (guint8) CLAMP (premultiplied[c] * 255.0f / a + 0.5f, 0.0f, 255.0f) : 0;
  dst[3] = (guint8) CLAMP (a + 0.5f, 0.0f, 255.0f);
}

/* Renders content row @cy of the upload into @row (a full upload row), padding left and
 * right with the content's edge pixels so the model sees no hard border. */
static void
render_upload_row (RpPlacement          *self,
                   GdkPixbuf            *photo,
                   const RpResampleAxis *ax,
                   const RpResampleAxis *ay,
                   int                   cy,
                   float                *tmp,
                   float                *out,
                   guint8               *row)
{
  gboolean alpha = self->photo_has_alpha;
  int bpp = alpha ? 4 : 3;
  int x;

  rp_resample_row (gdk_pixbuf_read_pixels (photo), gdk_pixbuf_get_rowstride (photo),
                   gdk_pixbuf_get_n_channels (photo), ax, ay, cy, tmp, out);
  for (x = 0; x < self->upload_width; x++)
    {
      int cx = CLAMP (x - self->content.x, 0, self->content.width - 1);

      store_pixel (row + (gsize) x * bpp, out + 4 * cx, alpha);
    }
}

static gboolean
check_photo (RpPlacement  *self,
             GdkPixbuf    *photo,
             GError      **error)
{
  if (gdk_pixbuf_get_width (photo) != self->photo_width ||
      gdk_pixbuf_get_height (photo) != self->photo_height ||
      gdk_pixbuf_get_has_alpha (photo) != self->photo_has_alpha ||
      gdk_pixbuf_get_bits_per_sample (photo) != 8)
    {
      g_set_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH,
                   _("The photo changed since the upload was planned (%d × %d)."),
                   gdk_pixbuf_get_width (photo), gdk_pixbuf_get_height (photo));
      return FALSE;
    }
  return TRUE;
}

/**
 * rp_placement_write_image:
 * @photo: the photo's pixels, as planned (same size and alpha)
 * @stream: where the PNG goes
 *
 * Writes the first image to upload: the region, scaled and padded to the upload size, as
 * a PNG (RGBA if the photo has alpha, RGB otherwise) with the fast photo preset. Rows are
 * produced and encoded one at a time, so memory does not grow with the photo. Safe to call
 * from a worker thread as long as nobody writes to @photo.
 */
gboolean
rp_placement_write_image (RpPlacement   *self,
                          GdkPixbuf     *photo,
                          GOutputStream *stream,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(RpPngWriter) writer = NULL;
  RpResampleAxis ax, ay;
  g_autofree float *tmp = NULL;
  g_autofree float *out = NULL;
  g_autofree guint8 *row = NULL;
  gboolean ok = TRUE;
  int y, last_cy = -1;

  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  g_return_val_if_fail (GDK_IS_PIXBUF (photo), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!check_photo (self, photo, error))
    return FALSE;

  /* Taps may read photo pixels just outside the region: the edge blends as in the photo. */
  rp_resample_axis_init (&ax, self->content.width,
                         (double) self->region.width / self->content.width,
                         self->region.x, 0, self->photo_width);
  rp_resample_axis_init (&ay, self->content.height,
                         (double) self->region.height / self->content.height,
                         self->region.y, 0, self->photo_height);
  tmp = g_new (float, (gsize) (ax.src_hi - ax.src_lo) * 4);
  out = g_new (float, (gsize) ax.n * 4);
  row = g_malloc ((gsize) self->upload_width * (self->photo_has_alpha ? 4 : 3));
  writer = rp_png_writer_new (stream, self->upload_width, self->upload_height,
                              self->photo_has_alpha ? RP_PNG_COLOR_RGBA : RP_PNG_COLOR_RGB,
                              RP_PNG_SPEED_PHOTO);

  for (y = 0; ok && y < self->upload_height; y++)
    {
      /* Padding rows repeat the nearest content row. */
      int cy = CLAMP (y - self->content.y, 0, self->content.height - 1);

      if (y % 32 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (cy != last_cy)
        render_upload_row (self, photo, &ax, &ay, cy, tmp, out, row);
      last_cy = cy;
      ok = rp_png_writer_write_row (writer, row, cancellable, error);
    }
  if (ok)
    ok = rp_png_writer_finish (writer, cancellable, error);

  rp_resample_axis_clear (&ax);
  rp_resample_axis_clear (&ay);
  return ok;
}

/* Photo pixels [*lo, *hi) covered by upload pixel @i of an axis where @content upload
 * pixels show @region photo pixels starting at @origin. */
static void
footprint (int  i,
           int  origin,
           int  region,
           int  content,
           int *lo,
           int *hi)
{
  *lo = origin + (int) (((gint64) i * region) / content);
  *hi = origin + (int) (((gint64) (i + 1) * region + content - 1) / content);
}

/**
 * rp_placement_write_mask:
 * @mask: the mask at the photo's size
 * @stream: where the PNG goes
 *
 * Writes the mask to upload, in the export format of rp_mask_export_row(), at exactly the
 * dimensions of rp_placement_write_image()'s image. An upload pixel is marked for editing
 * when any photo pixel under it is painted, so scaling down never drops a thin stroke;
 * padding is marked to keep. Safe to call from a worker thread on a mask nobody else
 * changes (use rp_mask_copy()).
 */
gboolean
rp_placement_write_mask (RpPlacement   *self,
                         RpMask        *mask,
                         GOutputStream *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(RpPngWriter) writer = NULL;
  g_autofree guint8 *photo_row = NULL;
  g_autofree guint8 *painted = NULL;
  g_autofree int *prefix = NULL;
  g_autofree int *col_lo = NULL;
  g_autofree int *col_hi = NULL;
  g_autofree guint8 *coverage = NULL;
  g_autofree guint8 *rgba = NULL;
  int y, x, last_lo = -1, last_hi = -1;
  int rw = self->region.width;

  g_return_val_if_fail (RP_IS_PLACEMENT (self), FALSE);
  g_return_val_if_fail (RP_IS_MASK (mask), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (rp_mask_get_width (mask) != self->photo_width ||
      rp_mask_get_height (mask) != self->photo_height)
    {
      g_set_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH,
                   _("The mask is %d × %d pixels but the photo is %d × %d."),
                   rp_mask_get_width (mask), rp_mask_get_height (mask),
                   self->photo_width, self->photo_height);
      return FALSE;
    }

  photo_row = g_malloc (rw);
  painted = g_malloc (rw);
  prefix = g_new0 (int, rw + 1);
  col_lo = g_new (int, self->content.width);
  col_hi = g_new (int, self->content.width);
  for (x = 0; x < self->content.width; x++)
    footprint (x, 0, rw, self->content.width, &col_lo[x], &col_hi[x]);
  coverage = g_malloc0 (self->upload_width);
  rgba = g_malloc ((gsize) self->upload_width * 4);
  writer = rp_png_writer_new (stream, self->upload_width, self->upload_height,
                              RP_PNG_COLOR_RGBA, RP_PNG_SPEED_FLAT);

  for (y = 0; y < self->upload_height; y++)
    {
      int cy = y - self->content.y;

      if (y % 64 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (cy < 0 || cy >= self->content.height)
        {
          /* Padding is kept (coverage 0): nothing there maps back to the photo. */
          memset (coverage, 0, self->upload_width);
        }
      else
        {
          int lo, hi, py;

          footprint (cy, self->region.y, self->region.height, self->content.height, &lo, &hi);
          if (lo != last_lo || hi != last_hi)
            {
              memset (painted, 0, rw);
              for (py = lo; py < hi; py++)
                {
                  rp_mask_read (mask, self->region.x, py, rw, 1, photo_row, rw);
                  for (x = 0; x < rw; x++)
                    painted[x] |= photo_row[x] >= RP_MASK_EXPORT_THRESHOLD;
                }
              /* Prefix sums answer "anything painted under this upload pixel?" in O(1). */
              for (x = 0; x < rw; x++)
                prefix[x + 1] = prefix[x] + painted[x];
              last_lo = lo;
              last_hi = hi;
            }
          for (x = 0; x < self->content.width; x++)
            coverage[self->content.x + x] = prefix[col_hi[x]] > prefix[col_lo[x]] ? 255 : 0;
        }
      rp_mask_export_row (coverage, self->upload_width, rgba);
      if (!rp_png_writer_write_row (writer, rgba, cancellable, error))
        return FALSE;
    }
  return rp_png_writer_finish (writer, cancellable, error);
}

typedef gboolean (*WriteFunc) (RpPlacement   *self,
                               gpointer       source,
                               GOutputStream *stream,
                               GCancellable  *cancellable,
                               GError       **error);

/* Writes @file through @func, replacing it atomically; on failure nothing is left. */
static gboolean
write_file (RpPlacement   *self,
            GFile         *file,
            WriteFunc      func,
            gpointer       source,
            goffset       *size,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GOutputStream) buffered = NULL;

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), FILE_BUFFER_BYTES);
  if (!func (self, source, buffered, cancellable, error) ||
      !g_output_stream_flush (buffered, cancellable, error))
    {
      g_autoptr(GCancellable) abort_write = g_cancellable_new ();

      /* Closing with a cancelled cancellable discards the temporary file. */
      g_cancellable_cancel (abort_write);
      g_output_stream_close (G_OUTPUT_STREAM (out), abort_write, NULL);
      return FALSE;
    }
  *size = g_seekable_tell (G_SEEKABLE (out));
  return g_output_stream_close (buffered, cancellable, error);
}

typedef struct
{
  GdkPixbuf         *photo;
  RpMask            *mask;
  GFile             *image_file;
  GFile             *mask_file;
  RpPlacementUpload  upload;
} PrepareData;

static void
prepare_data_free (gpointer data)
{
  PrepareData *d = data;

  g_clear_object (&d->photo);
  g_clear_object (&d->mask);
  g_clear_object (&d->image_file);
  g_clear_object (&d->mask_file);
  g_free (d);
}

static gboolean
copy_original (RpPlacement   *self,
               GFile         *dest,
               goffset       *size,
               GCancellable  *cancellable,
               GError       **error)
{
  if (!g_file_copy (self->original_file, dest, G_FILE_COPY_OVERWRITE, cancellable,
                    NULL, NULL, error))
    return FALSE;
  *size = query_file_size (dest);
  return TRUE;
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RpPlacement *self = source_object;
  PrepareData *d = task_data;
  GError *error = NULL;
  gboolean ok;

  d->upload.width = self->upload_width;
  d->upload.height = self->upload_height;
  d->upload.mask_bytes = -1;
  d->upload.image_is_original = self->sends_original;
  d->upload.image_format = self->sends_original ? self->original_format : RP_IMAGE_FORMAT_PNG;

  if (self->sends_original)
    ok = copy_original (self, d->image_file, &d->upload.image_bytes, cancellable, &error);
  else
    ok = write_file (self, d->image_file, (WriteFunc) rp_placement_write_image, d->photo,
                     &d->upload.image_bytes, cancellable, &error);

  if (ok && self->max_bytes > 0 && d->upload.image_bytes > self->max_bytes)
    {
      /* Only possible if the original file grew after planning. */
      g_set_error (&error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_TOO_LARGE,
                   _("The image to upload is larger than the provider accepts."));
      ok = FALSE;
    }
  if (ok && d->mask != NULL && d->mask_file != NULL)
    ok = write_file (self, d->mask_file, (WriteFunc) rp_placement_write_mask, d->mask,
                     &d->upload.mask_bytes, cancellable, &error);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * rp_placement_prepare_async:
 * @photo: the photo the plan was made for
 * @mask: (nullable): the mask; copied now, so the person may keep painting
 * @image_file: where to write the first image (replaced atomically)
 * @mask_file: (nullable): where to write the mask; %NULL for providers without a mask
 * @cancellable: (nullable): cancels the work
 * @callback: called on the calling thread's main context when done
 * @user_data: for @callback
 *
 * Writes the exact files to upload, in a worker thread: the first image (a copy of the
 * original file when rp_placement_get_sends_original(), else the rendered PNG) and the
 * mask, both at the upload size.
 */
void
rp_placement_prepare_async (RpPlacement         *self,
                            RpImage             *photo,
                            RpMask              *mask,
                            GFile               *image_file,
                            GFile               *mask_file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PrepareData *d;

  g_return_if_fail (RP_IS_PLACEMENT (self));
  g_return_if_fail (RP_IS_IMAGE (photo));
  g_return_if_fail (mask == NULL || RP_IS_MASK (mask));
  g_return_if_fail (G_IS_FILE (image_file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_placement_prepare_async);
  d = g_new0 (PrepareData, 1);
  d->photo = g_object_ref (rp_image_get_pixbuf (photo));
  d->mask = mask != NULL ? rp_mask_copy (mask) : NULL;
  d->image_file = g_object_ref (image_file);
  d->mask_file = mask_file != NULL ? g_object_ref (mask_file) : NULL;
  g_task_set_task_data (task, d, prepare_data_free);

  if (!check_photo (self, d->photo, NULL))
    {
      g_task_return_new_error (task, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH,
                               _("The photo changed since the upload was planned."));
      return;
    }
  g_task_run_in_thread (task, prepare_thread);
}

/**
 * rp_placement_prepare_finish:
 * @upload: (out caller-allocates) (optional): what was written
 *
 * Returns: %TRUE when the files are complete on disk
 */
gboolean
rp_placement_prepare_finish (RpPlacement        *self,
                             GAsyncResult       *result,
                             RpPlacementUpload  *upload,
                             GError            **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (upload != NULL)
    *upload = ((PrepareData *) g_task_get_task_data (task))->upload;
  return TRUE;
}

/**
 * rp_placement_options_for_params:
 * @options: (out caller-allocates): filled in
 * @params: the provider, model and values an edit will use
 *
 * The placement options that follow from a model's definition: its size rule (narrowed to
 * one size when the person chose an explicit size), and the image limits of the operation
 * the inputs select (pixels, bytes, square, formats sent unchanged).
 */
void
rp_placement_options_for_params (RpPlacementOptions *options,
                                 RpParams           *params)
{
  RpModelSpec *spec;
  RpParamSpec *size_spec;
  const RpImageSpec *images;
  RpSizeRule rule = { 0 };
  GVariant *size_value;
  RpSize chosen;
  guint i;

  g_return_if_fail (options != NULL);
  g_return_if_fail (RP_IS_PARAMS (params));

  spec = rp_params_get_spec (params);
  size_spec = rp_model_spec_lookup_param (spec, "size");
  if (size_spec != NULL && rp_param_spec_get_size_rule (size_spec) != NULL)
    rule = *rp_param_spec_get_size_rule (size_spec);
  size_value = size_spec != NULL ? rp_params_get_explicit_value (params, "size") : NULL;
  if (size_value != NULL && g_variant_is_of_type (size_value, G_VARIANT_TYPE_STRING) &&
      rp_size_parse (g_variant_get_string (size_value, NULL), &chosen))
    {
      /* The person picked a size: upload for exactly that one. */
      memset (&rule, 0, sizeof rule);
      rule.n_sizes = 1;
      rule.sizes[0] = chosen;
    }
  rp_placement_options_init (options, &rule);

  images = rp_model_spec_get_images (spec);
  options->min_pixels = images->min_pixels;
  options->max_pixels = images->max_pixels;
  options->max_bytes = images->max_bytes;
  options->square_only = images->square;
  options->original_formats = 0;
  for (i = 0; i < images->n_formats; i++)
    options->original_formats |= RP_PLACEMENT_FORMAT_BIT (images->formats[i]);
  if (images->n_formats == 0)
    options->original_formats = RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_PNG) |
                                RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_JPEG) |
                                RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_WEBP);
}
