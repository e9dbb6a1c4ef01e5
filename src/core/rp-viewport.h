/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define RP_VIEWPORT_MAX_ZOOM 32.0
#define RP_VIEWPORT_ZOOM_STEP 1.25

#define RP_TYPE_VIEWPORT (rp_viewport_get_type ())
G_DECLARE_FINAL_TYPE (RpViewport, rp_viewport, RP, VIEWPORT, GObject)

/* The geometry of showing an image in a view: zoom is image pixels to *device* pixels
 * (1.0 is "100 %": one image pixel per screen pixel, also on HiDPI screens); the view and
 * the scroll offsets are in logical (application) pixels. */
RpViewport *rp_viewport_new             (void);

void        rp_viewport_set_image_size  (RpViewport *self,
                                         int         width,
                                         int         height);
void        rp_viewport_set_view_size   (RpViewport *self,
                                         double      width,
                                         double      height,
                                         int         scale_factor);
double      rp_viewport_get_zoom        (RpViewport *self);
double      rp_viewport_get_fit_zoom    (RpViewport *self);
double      rp_viewport_get_min_zoom    (RpViewport *self);
gboolean    rp_viewport_get_fit_mode    (RpViewport *self);
int         rp_viewport_get_scale_factor (RpViewport *self);

void        rp_viewport_fit             (RpViewport *self);
void        rp_viewport_zoom_at         (RpViewport *self,
                                         double      zoom,
                                         double      view_x,
                                         double      view_y);
void        rp_viewport_zoom_by         (RpViewport *self,
                                         double      factor,
                                         double      view_x,
                                         double      view_y);
void        rp_viewport_zoom_centered   (RpViewport *self,
                                         double      zoom);
void        rp_viewport_pan_by          (RpViewport *self,
                                         double      dx,
                                         double      dy);
void        rp_viewport_set_offset      (RpViewport *self,
                                         double      x,
                                         double      y);

double      rp_viewport_get_offset_x    (RpViewport *self);
double      rp_viewport_get_offset_y    (RpViewport *self);
double      rp_viewport_get_content_width  (RpViewport *self);
double      rp_viewport_get_content_height (RpViewport *self);
double      rp_viewport_get_view_width  (RpViewport *self);
double      rp_viewport_get_view_height (RpViewport *self);
double      rp_viewport_get_image_scale (RpViewport *self);

void        rp_viewport_view_to_image   (RpViewport *self,
                                         double      view_x,
                                         double      view_y,
                                         double     *image_x,
                                         double     *image_y);
void        rp_viewport_image_to_view   (RpViewport *self,
                                         double      image_x,
                                         double      image_y,
                                         double     *view_x,
                                         double     *view_y);

G_END_DECLS
