/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "rp-core.h"

G_BEGIN_DECLS

typedef enum {
  RP_TOOL_BRUSH,
  RP_TOOL_ERASER,
  RP_TOOL_RECTANGLE,
  RP_TOOL_LASSO,
} RpTool;

#define RP_CANVAS_MIN_BRUSH_PX 1.0
#define RP_CANVAS_MAX_BRUSH_PX 1000.0

#define RP_TYPE_CANVAS (rp_canvas_get_type ())
G_DECLARE_FINAL_TYPE (RpCanvas, rp_canvas, RP, CANVAS, GtkWidget)

RpCanvas   *rp_canvas_new                (void);
RpDocument *rp_canvas_get_document       (RpCanvas   *self);
void        rp_canvas_set_document       (RpCanvas   *self,
                                          RpDocument *document);
RpViewport *rp_canvas_get_viewport       (RpCanvas   *self);
RpTool      rp_canvas_get_tool           (RpCanvas   *self);
void        rp_canvas_set_tool           (RpCanvas   *self,
                                          RpTool      tool);
double      rp_canvas_get_brush_size     (RpCanvas   *self);
void        rp_canvas_set_brush_size     (RpCanvas   *self,
                                          double      size);
double      rp_canvas_get_brush_hardness (RpCanvas   *self);
void        rp_canvas_set_brush_hardness (RpCanvas   *self,
                                          double      hardness);
gboolean    rp_canvas_get_show_mask      (RpCanvas   *self);
void        rp_canvas_set_show_mask      (RpCanvas   *self,
                                          gboolean    show_mask);
double      rp_canvas_get_zoom           (RpCanvas   *self);
gboolean    rp_canvas_get_busy           (RpCanvas   *self);

void        rp_canvas_zoom_in            (RpCanvas   *self);
void        rp_canvas_zoom_out           (RpCanvas   *self);
void        rp_canvas_zoom_fit           (RpCanvas   *self);
void        rp_canvas_zoom_actual        (RpCanvas   *self);
void        rp_canvas_grow_brush         (RpCanvas   *self);
void        rp_canvas_shrink_brush       (RpCanvas   *self);
RpPlacement *rp_canvas_get_placement     (RpCanvas    *self);
void        rp_canvas_set_placement      (RpCanvas    *self,
                                          RpPlacement *placement);
void        rp_canvas_set_placement_is_local (RpCanvas *self,
                                          gboolean     is_local);
GdkTexture *rp_canvas_get_preview        (RpCanvas    *self);
void        rp_canvas_set_preview        (RpCanvas    *self,
                                          GdkTexture  *preview,
                                          RpPlacement *placement);
void        rp_canvas_set_result         (RpCanvas    *self,
                                          GdkPixbuf   *result);
gboolean    rp_canvas_get_reviewing      (RpCanvas    *self);
void        rp_canvas_set_show_original  (RpCanvas    *self,
                                          gboolean     show_original);
gboolean    rp_canvas_get_show_original  (RpCanvas    *self);

G_END_DECLS
