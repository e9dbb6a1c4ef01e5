/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-viewport"

#include "config.h"

#include <math.h>

#include "rp-viewport.h"

struct _RpViewport
{
  GObject  parent_instance;

  int      image_width;
  int      image_height;
  double   view_width;
  double   view_height;
  int      scale_factor;

  double   zoom;
  double   offset_x;
  double   offset_y;
  gboolean fit_mode;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (RpViewport, rp_viewport, G_TYPE_OBJECT)

static void
rp_viewport_class_init (RpViewportClass *klass)
{
  /**
   * RpViewport::changed:
   *
   * Emitted when zoom, offsets or sizes change.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rp_viewport_init (RpViewport *self)
{
  self->zoom = 1.0;
  self->scale_factor = 1;
  self->fit_mode = TRUE;
}

/**
 * rp_viewport_new:
 *
 * Returns: (transfer full): a viewport in fit mode
 */
RpViewport *
rp_viewport_new (void)
{
  return g_object_new (RP_TYPE_VIEWPORT, NULL);
}

/* Logical pixels per image pixel. */
double
rp_viewport_get_image_scale (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 1.0);
  return self->zoom / self->scale_factor;
}

double
rp_viewport_get_content_width (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 0);
  return self->image_width * rp_viewport_get_image_scale (self);
}

double
rp_viewport_get_content_height (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 0);
  return self->image_height * rp_viewport_get_image_scale (self);
}

/* Where the content's left/top edge sits when it is smaller than the view (centred). */
static double
origin_x (RpViewport *self)
{
  return MAX ((self->view_width - rp_viewport_get_content_width (self)) / 2.0, 0.0);
}

static double
origin_y (RpViewport *self)
{
  return MAX ((self->view_height - rp_viewport_get_content_height (self)) / 2.0, 0.0);
}

static void
clamp_offsets (RpViewport *self)
{
  double max_x = MAX (rp_viewport_get_content_width (self) - self->view_width, 0.0);
  double max_y = MAX (rp_viewport_get_content_height (self) - self->view_height, 0.0);

  self->offset_x = CLAMP (self->offset_x, 0.0, max_x);
  self->offset_y = CLAMP (self->offset_y, 0.0, max_y);
}

double
rp_viewport_get_fit_zoom (RpViewport *self)
{
  double zx, zy;

  g_return_val_if_fail (RP_IS_VIEWPORT (self), 1.0);

  if (self->image_width <= 0 || self->image_height <= 0 ||
      self->view_width <= 0 || self->view_height <= 0)
    return 1.0;
  zx = self->view_width * self->scale_factor / self->image_width;
  zy = self->view_height * self->scale_factor / self->image_height;
  /* Fitting never magnifies past 100 %. */
  return MIN (MIN (zx, zy), 1.0);
}

double
rp_viewport_get_min_zoom (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 1.0);
  return rp_viewport_get_fit_zoom (self) / 2.0;
}

static void
changed (RpViewport *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
rp_viewport_set_image_size (RpViewport *self,
                            int         width,
                            int         height)
{
  g_return_if_fail (RP_IS_VIEWPORT (self));

  self->image_width = MAX (width, 0);
  self->image_height = MAX (height, 0);
  self->fit_mode = TRUE;
  self->zoom = rp_viewport_get_fit_zoom (self);
  self->offset_x = 0;
  self->offset_y = 0;
  changed (self);
}

void
rp_viewport_set_view_size (RpViewport *self,
                           double      width,
                           double      height,
                           int         scale_factor)
{
  g_return_if_fail (RP_IS_VIEWPORT (self));

  scale_factor = MAX (scale_factor, 1);
  if (width == self->view_width && height == self->view_height &&
      scale_factor == self->scale_factor)
    return;

  /* Keep the image point at the centre of the view where it was. */
  if (!self->fit_mode && self->view_width > 0 && self->view_height > 0)
    {
      double cx, cy;

      rp_viewport_view_to_image (self, self->view_width / 2, self->view_height / 2, &cx, &cy);
      self->zoom *= (double) scale_factor / self->scale_factor;
      self->view_width = width;
      self->view_height = height;
      self->scale_factor = scale_factor;
      self->zoom = CLAMP (self->zoom, rp_viewport_get_min_zoom (self), RP_VIEWPORT_MAX_ZOOM);
      self->offset_x = cx * rp_viewport_get_image_scale (self) - width / 2;
      self->offset_y = cy * rp_viewport_get_image_scale (self) - height / 2;
      clamp_offsets (self);
    }
  else
    {
      self->view_width = width;
      self->view_height = height;
      self->scale_factor = scale_factor;
      if (self->fit_mode)
        self->zoom = rp_viewport_get_fit_zoom (self);
      clamp_offsets (self);
    }
  changed (self);
}

double
rp_viewport_get_zoom (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 1.0);
  return self->zoom;
}

gboolean
rp_viewport_get_fit_mode (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), FALSE);
  return self->fit_mode;
}

int
rp_viewport_get_scale_factor (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 1);
  return self->scale_factor;
}

void
rp_viewport_fit (RpViewport *self)
{
  g_return_if_fail (RP_IS_VIEWPORT (self));

  self->fit_mode = TRUE;
  self->zoom = rp_viewport_get_fit_zoom (self);
  self->offset_x = 0;
  self->offset_y = 0;
  changed (self);
}

/**
 * rp_viewport_zoom_at:
 * @zoom: the new zoom (clamped to the allowed range)
 * @view_x: @view_y: the view point that keeps showing the same image point
 */
void
rp_viewport_zoom_at (RpViewport *self,
                     double      zoom,
                     double      view_x,
                     double      view_y)
{
  double ix, iy;

  g_return_if_fail (RP_IS_VIEWPORT (self));

  zoom = CLAMP (zoom, rp_viewport_get_min_zoom (self), RP_VIEWPORT_MAX_ZOOM);
  rp_viewport_view_to_image (self, view_x, view_y, &ix, &iy);
  self->zoom = zoom;
  self->fit_mode = FALSE;
  self->offset_x = ix * rp_viewport_get_image_scale (self) + origin_x (self) - view_x;
  self->offset_y = iy * rp_viewport_get_image_scale (self) + origin_y (self) - view_y;
  clamp_offsets (self);
  changed (self);
}

void
rp_viewport_zoom_by (RpViewport *self,
                     double      factor,
                     double      view_x,
                     double      view_y)
{
  g_return_if_fail (RP_IS_VIEWPORT (self));
  rp_viewport_zoom_at (self, self->zoom * factor, view_x, view_y);
}

void
rp_viewport_zoom_centered (RpViewport *self,
                           double      zoom)
{
  g_return_if_fail (RP_IS_VIEWPORT (self));
  rp_viewport_zoom_at (self, zoom, self->view_width / 2, self->view_height / 2);
}

void
rp_viewport_pan_by (RpViewport *self,
                    double      dx,
                    double      dy)
{
  g_return_if_fail (RP_IS_VIEWPORT (self));
  rp_viewport_set_offset (self, self->offset_x + dx, self->offset_y + dy);
}

void
rp_viewport_set_offset (RpViewport *self,
                        double      x,
                        double      y)
{
  double old_x = self->offset_x, old_y = self->offset_y;

  g_return_if_fail (RP_IS_VIEWPORT (self));

  self->offset_x = x;
  self->offset_y = y;
  clamp_offsets (self);
  if (old_x != self->offset_x || old_y != self->offset_y)
    changed (self);
}

double
rp_viewport_get_offset_x (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 0);
  return self->offset_x;
}

double
rp_viewport_get_offset_y (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 0);
  return self->offset_y;
}

double
rp_viewport_get_view_width (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 0);
  return self->view_width;
}

double
rp_viewport_get_view_height (RpViewport *self)
{
  g_return_val_if_fail (RP_IS_VIEWPORT (self), 0);
  return self->view_height;
}

void
rp_viewport_view_to_image (RpViewport *self,
                           double      view_x,
                           double      view_y,
                           double     *image_x,
                           double     *image_y)
{
  double s;

  g_return_if_fail (RP_IS_VIEWPORT (self));

  s = rp_viewport_get_image_scale (self);
  if (image_x)
    *image_x = (view_x + self->offset_x - origin_x (self)) / s;
  if (image_y)
    *image_y = (view_y + self->offset_y - origin_y (self)) / s;
}

void
rp_viewport_image_to_view (RpViewport *self,
                           double      image_x,
                           double      image_y,
                           double     *view_x,
                           double     *view_y)
{
  double s;

  g_return_if_fail (RP_IS_VIEWPORT (self));

  s = rp_viewport_get_image_scale (self);
  if (view_x)
    *view_x = image_x * s - self->offset_x + origin_x (self);
  if (view_y)
    *view_y = image_y * s - self->offset_y + origin_y (self);
}
