/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "rp-mask.h"

G_BEGIN_DECLS

/* RpLocalFill — the offline fill (provider "local"): redraws the masked part of a photo
 * from the rest of it, without network.
 *
 * A run returns the filled crop, not the whole image: the rectangle that
 * rp_local_fill_get_region() reports (the mask's bounding box plus context). Inside it,
 * pixels with mask coverage 0 keep their original bytes, coverage from
 * RP_MASK_EXPORT_THRESHOLD up is replaced, and the soft rim in between is blended in
 * proportion; the caller composites the crop back at the region's position. */

/* The offline fill refuses to run when less than this share of the image around the
 * mask is left unpainted: there would be too little to copy from. */
#define RP_LOCAL_FILL_MIN_SOURCE_PERCENT 10

#define RP_LOCAL_FILL_ERROR (rp_local_fill_error_quark ())

/**
 * RpLocalFillError:
 * @RP_LOCAL_FILL_ERROR_EMPTY_MASK: no pixel of the mask reaches the hole threshold
 * @RP_LOCAL_FILL_ERROR_NO_SOURCE: the mask covers (nearly) the whole image
 * @RP_LOCAL_FILL_ERROR_TOO_LARGE: the image is over the pixel limit, or the working
 *   buffers could not be allocated
 */
typedef enum {
  RP_LOCAL_FILL_ERROR_EMPTY_MASK,
  RP_LOCAL_FILL_ERROR_NO_SOURCE,
  RP_LOCAL_FILL_ERROR_TOO_LARGE,
} RpLocalFillError;

/**
 * RpLocalFillProgressFunc:
 * @fraction: the share of the work done, from 0 to 1, never decreasing
 * @user_data: the data given with the function
 *
 * Reports progress. rp_local_fill_run() calls it in the calling thread;
 * rp_local_fill_run_async() calls it on the thread-default main context of the call.
 * Nothing is reported once the operation has been cancelled.
 */
typedef void (*RpLocalFillProgressFunc) (double   fraction,
                                         gpointer user_data);

/**
 * RpLocalFillStats:
 * @n_levels: pyramid levels used (1 = full resolution only)
 * @work_width: @work_height: size of the coarsest level
 * @n_hole_px: pixels synthesised at full resolution (mask coverage above 0)
 * @n_distances: patch distances evaluated, a measure of the work done
 * @cancelled: whether the last run stopped because it was cancelled
 *
 * Figures about the last run, for benchmarks and tests.
 */
typedef struct
{
  guint    n_levels;
  int      work_width;
  int      work_height;
  gint64   n_hole_px;
  guint64  n_distances;
  gboolean cancelled;
} RpLocalFillStats;

#define RP_TYPE_LOCAL_FILL (rp_local_fill_get_type ())
G_DECLARE_FINAL_TYPE (RpLocalFill, rp_local_fill, RP, LOCAL_FILL, GObject)

GQuark        rp_local_fill_error_quark (void);

RpLocalFill  *rp_local_fill_new         (GdkPixbuf               *image,
                                         RpMask                  *mask);
void          rp_local_fill_set_seed    (RpLocalFill             *self,
                                         guint32                  seed);
gboolean      rp_local_fill_get_region  (RpLocalFill             *self,
                                         cairo_rectangle_int_t   *region);
void          rp_local_fill_get_stats   (RpLocalFill             *self,
                                         RpLocalFillStats        *stats);

GdkPixbuf    *rp_local_fill_run         (RpLocalFill             *self,
                                         RpLocalFillProgressFunc  progress,
                                         gpointer                 progress_data,
                                         GCancellable            *cancellable,
                                         GError                 **error);
void          rp_local_fill_run_async   (RpLocalFill             *self,
                                         RpLocalFillProgressFunc  progress,
                                         gpointer                 progress_data,
                                         GCancellable            *cancellable,
                                         GAsyncReadyCallback      callback,
                                         gpointer                 user_data);
GdkPixbuf    *rp_local_fill_run_finish  (RpLocalFill             *self,
                                         GAsyncResult            *result,
                                         GError                 **error);

G_END_DECLS
