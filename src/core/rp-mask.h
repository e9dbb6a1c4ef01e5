/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <cairo.h>

#include "rp-image.h"

G_BEGIN_DECLS

/* Coverage lives in square tiles so that a dab only touches the tiles under it and undo
 * keeps copies of touched tiles only. */
#define RP_MASK_TILE_SIZE 256
/* Coverage at or above this counts as "painted" in the exported (binary) mask. */
#define RP_MASK_EXPORT_THRESHOLD 128

#define RP_MASK_ERROR (rp_mask_error_quark ())

typedef enum {
  RP_MASK_ERROR_SIZE_MISMATCH,
  RP_MASK_ERROR_NO_ALPHA,
} RpMaskError;

typedef enum {
  RP_MASK_OP_PAINT,
  RP_MASK_OP_ERASE,
} RpMaskOp;

typedef struct _RpMaskStep RpMaskStep;

#define RP_TYPE_MASK (rp_mask_get_type ())
G_DECLARE_FINAL_TYPE (RpMask, rp_mask, RP, MASK, GObject)

GQuark       rp_mask_error_quark      (void);

RpMask      *rp_mask_new              (int             width,
                                       int             height);
RpMask      *rp_mask_copy             (RpMask         *self);
int          rp_mask_get_width        (RpMask         *self);
int          rp_mask_get_height       (RpMask         *self);
guint8       rp_mask_get_pixel        (RpMask         *self,
                                       int             x,
                                       int             y);
void         rp_mask_read             (RpMask         *self,
                                       int             x,
                                       int             y,
                                       int             width,
                                       int             height,
                                       guint8         *dest,
                                       gsize           dest_stride);
guint64      rp_mask_get_tile_serial  (RpMask         *self,
                                       int             tile_x,
                                       int             tile_y);
gboolean     rp_mask_get_tile_is_uniform (RpMask      *self,
                                       int             tile_x,
                                       int             tile_y,
                                       guint8         *value);
gsize        rp_mask_get_allocated_tiles (RpMask      *self);

void         rp_mask_dab              (RpMask         *self,
                                       double          cx,
                                       double          cy,
                                       double          radius,
                                       double          hardness,
                                       RpMaskOp        op);
void         rp_mask_fill_polygon     (RpMask         *self,
                                       const double   *xy,
                                       guint           n_points,
                                       RpMaskOp        op);
void         rp_mask_fill_rect        (RpMask         *self,
                                       double          x,
                                       double          y,
                                       double          width,
                                       double          height,
                                       RpMaskOp        op);
void         rp_mask_invert           (RpMask         *self);
void         rp_mask_clear            (RpMask         *self);
void         rp_mask_set_from         (RpMask         *self,
                                       RpMask         *other);
gboolean     rp_mask_get_bounds       (RpMask         *self,
                                       cairo_rectangle_int_t *bounds);
gboolean     rp_mask_is_empty         (RpMask         *self);

void         rp_mask_begin_step       (RpMask         *self);
RpMaskStep  *rp_mask_end_step         (RpMask         *self);
void         rp_mask_step_swap        (RpMask         *self,
                                       RpMaskStep     *step);
gsize        rp_mask_step_get_bytes   (RpMaskStep     *step);
void         rp_mask_step_free        (RpMaskStep     *step);

void         rp_mask_export_row       (const guint8   *coverage,
                                       int             width,
                                       guint8         *rgba);
gboolean     rp_mask_write_png        (RpMask         *self,
                                       GOutputStream  *stream,
                                       GCancellable   *cancellable,
                                       GError        **error);
gboolean     rp_mask_save_png         (RpMask         *self,
                                       GFile          *file,
                                       GCancellable   *cancellable,
                                       GError        **error);
RpMask      *rp_mask_new_from_image   (RpImage        *image,
                                       int             expected_width,
                                       int             expected_height,
                                       GError        **error);
gboolean     rp_mask_write_coverage_png (RpMask       *self,
                                       GOutputStream  *stream,
                                       GCancellable   *cancellable,
                                       GError        **error);
RpMask      *rp_mask_new_from_coverage (RpImage       *image,
                                       int             expected_width,
                                       int             expected_height,
                                       GError        **error);
RpMask      *rp_mask_load_file        (GFile          *file,
                                       int             expected_width,
                                       int             expected_height,
                                       GCancellable   *cancellable,
                                       GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpMaskStep, rp_mask_step_free)

G_END_DECLS
