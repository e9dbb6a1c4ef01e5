/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-canvas.h"

G_BEGIN_DECLS

/* Every mip level halves the one before; level 0 is the full-resolution photo. */
#define RP_CANVAS_MAX_LEVELS 8

typedef enum {
  DRAG_NONE,
  DRAG_PAINT,
  DRAG_RECTANGLE,
  DRAG_LASSO,
  DRAG_PAN,
} DragMode;

typedef struct
{
  GdkTexture *texture;
  guint64     serial;
} OverlayTile;

/* An image and its halvings, made in a worker thread, for drawing at any zoom without
 * aliasing. */
typedef struct
{
  GdkTexture   *levels[RP_CANVAS_MAX_LEVELS];
  GCancellable *cancellable;
  guint         pending;
} Pyramid;

struct _RpCanvas
{
  GtkWidget      parent_instance;

  /* Owned */
  RpDocument    *document;
  RpViewport    *viewport;
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  Pyramid        photo;
  Pyramid        result;         /* a result under review, the size of the photo */
  OverlayTile   *overlay_tiles;
  int            overlay_tiles_x;
  int            overlay_tiles_y;
  GArray        *lasso_points;   /* double pairs, image pixels */
  RpStroke       stroke;
  /* The document's current mask and image; held so a replaced document can be let go
   * in any order. */
  RpMask        *mask;
  RpImage       *image;
  /* What would be sent (the crop box), and a streamed preview drawn inside it. */
  RpPlacement   *placement;
  gboolean       placement_is_local;   /* filled on this computer, not sent */
  GdkTexture    *preview;
  RpPlacement   *preview_placement;

  /* Settings */
  RpTool         tool;
  double         brush_size;
  double         brush_hardness;
  gboolean       show_mask;
  GdkRGBA        tint;

  /* State */
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  guint          in_adjustment_update : 1;
  guint          space_held : 1;
  guint          pointer_inside : 1;
  guint          show_original : 1;
  DragMode       drag;
  RpMaskOp       drag_op;
  double         drag_start_x;   /* view coordinates */
  double         drag_start_y;
  double         drag_last_x;
  double         drag_last_y;
  double         pointer_x;
  double         pointer_y;
  double         pinch_start_zoom;
};

/* rp-canvas-input.c */
void rp_canvas_setup_input         (RpCanvas        *self);
void rp_canvas_input_begin         (RpCanvas        *self,
                                    guint            button,
                                    double           x,
                                    double           y,
                                    double           pressure,
                                    GdkModifierType  modifiers);
void rp_canvas_input_update        (RpCanvas        *self,
                                    double           x,
                                    double           y,
                                    double           pressure);
void rp_canvas_input_end           (RpCanvas        *self,
                                    double           x,
                                    double           y);
void rp_canvas_input_cancel        (RpCanvas        *self);
void rp_canvas_input_pointer       (RpCanvas        *self,
                                    double           x,
                                    double           y);
void rp_canvas_input_set_space     (RpCanvas        *self,
                                    gboolean         held);
void rp_canvas_update_cursor       (RpCanvas        *self);

/* rp-canvas.c */
void rp_canvas_notify_busy         (RpCanvas        *self);

/* rp-canvas-render.c */
void rp_canvas_render              (RpCanvas        *self,
                                    GtkSnapshot     *snapshot);
void rp_canvas_reset_textures      (RpCanvas        *self);
void rp_canvas_pyramid_set         (RpCanvas        *self,
                                    Pyramid         *pyramid,
                                    GdkPixbuf       *pixbuf);
void rp_canvas_pyramid_clear       (Pyramid         *pyramid);
void rp_canvas_invalidate_overlay  (RpCanvas        *self,
                                    int              x,
                                    int              y,
                                    int              width,
                                    int              height);

G_END_DECLS
