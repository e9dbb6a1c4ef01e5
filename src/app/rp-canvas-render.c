/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "rp-canvas-private.h"

/* Smaller levels stop once the longest edge is below this. */
#define MIN_LEVEL_EDGE_PX 256

void
rp_canvas_pyramid_clear (Pyramid *pyramid)
{
  int i;

  g_cancellable_cancel (pyramid->cancellable);
  g_clear_object (&pyramid->cancellable);
  for (i = 0; i < RP_CANVAS_MAX_LEVELS; i++)
    g_clear_object (&pyramid->levels[i]);
  pyramid->pending = 0;
}

static void
clear_overlay (RpCanvas *self)
{
  int i;

  for (i = 0; i < self->overlay_tiles_x * self->overlay_tiles_y; i++)
    g_clear_object (&self->overlay_tiles[i].texture);
  g_clear_pointer (&self->overlay_tiles, g_free);
  self->overlay_tiles_x = 0;
  self->overlay_tiles_y = 0;
}

static void
make_levels_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GPtrArray *levels = g_ptr_array_new_with_free_func (g_object_unref);
  GdkPixbuf *prev = task_data;
  int i;

  for (i = 1; i < RP_CANVAS_MAX_LEVELS; i++)
    {
      int w = gdk_pixbuf_get_width (prev) / 2;
      int h = gdk_pixbuf_get_height (prev) / 2;
      GdkPixbuf *next;

      if (MAX (w, h) < MIN_LEVEL_EDGE_PX || w < 1 || h < 1 ||
          g_cancellable_is_cancelled (cancellable))
        break;
      /* A bilinear halving averages 2×2 blocks: a box filter, free of aliasing. */
      next = gdk_pixbuf_scale_simple (prev, w, h, GDK_INTERP_BILINEAR);
      if (next == NULL)
        break;
      g_ptr_array_add (levels, next);
      prev = next;
    }
  g_task_return_pointer (task, levels, (GDestroyNotify) g_ptr_array_unref);
}

static void
make_levels_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GPtrArray) levels = g_task_propagate_pointer (G_TASK (result), NULL);
  RpCanvas *self = user_data;
  Pyramid *pyramid = g_object_get_data (G_OBJECT (result), "pyramid");
  guint i;

  /* A cancelled task's pyramid may be gone or reused: only a live one is touched. */
  if (g_task_had_error (G_TASK (result)) || levels == NULL ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      g_object_unref (self);
      return;
    }
  for (i = 0; i < levels->len && i + 1 < RP_CANVAS_MAX_LEVELS; i++)
    {
      g_clear_object (&pyramid->levels[i + 1]);
      pyramid->levels[i + 1] = gdk_texture_new_for_pixbuf (g_ptr_array_index (levels, i));
    }

  pyramid->pending = 0;
  rp_canvas_notify_busy (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_unref (self);
}

/* Shows @pixbuf through @pyramid: full size now, the smaller levels when they are made. */
void
rp_canvas_pyramid_set (RpCanvas  *self,
                       Pyramid   *pyramid,
                       GdkPixbuf *pixbuf)
{
  g_autoptr(GTask) task = NULL;

  rp_canvas_pyramid_clear (pyramid);
  if (pixbuf == NULL)
    return;
  pyramid->cancellable = g_cancellable_new ();
  pyramid->levels[0] = gdk_texture_new_for_pixbuf (pixbuf);
  if (MAX (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf)) >= 2 * MIN_LEVEL_EDGE_PX)
    {
      pyramid->pending = 1;
      task = g_task_new (NULL, pyramid->cancellable, make_levels_done, g_object_ref (self));
      g_object_set_data (G_OBJECT (task), "pyramid", pyramid);
      g_task_set_task_data (task, g_object_ref (pixbuf), g_object_unref);
      g_task_run_in_thread (task, make_levels_thread);
    }
}

/* Drops every cached texture and starts building the photo's levels again. */
void
rp_canvas_reset_textures (RpCanvas *self)
{
  rp_canvas_pyramid_clear (&self->photo);
  clear_overlay (self);

  if (self->image == NULL)
    {
      rp_canvas_notify_busy (self);
      return;
    }

  rp_canvas_pyramid_set (self, &self->photo, rp_image_get_pixbuf (self->image));
  if (self->mask != NULL)
    {
      self->overlay_tiles_x = (rp_mask_get_width (self->mask) + RP_MASK_TILE_SIZE - 1) / RP_MASK_TILE_SIZE;
      self->overlay_tiles_y = (rp_mask_get_height (self->mask) + RP_MASK_TILE_SIZE - 1) / RP_MASK_TILE_SIZE;
      self->overlay_tiles = g_new0 (OverlayTile, (gsize) self->overlay_tiles_x * self->overlay_tiles_y);
    }
  rp_canvas_notify_busy (self);
}

void
rp_canvas_invalidate_overlay (RpCanvas *self,
                              int       x,
                              int       y,
                              int       width,
                              int       height)
{
  /* Tiles compare their mask serials when drawn, so a redraw is all that is needed. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static GdkTexture *
choose_level (RpCanvas *self,
              Pyramid  *pyramid)
{
  double zoom = rp_viewport_get_zoom (self->viewport);
  int want = 0, k;

  /* The smallest level that still has at least one texel per device pixel. */
  while (want + 1 < RP_CANVAS_MAX_LEVELS && zoom * (1 << (want + 1)) <= 1.0)
    want++;
  for (k = want; k > 0; k--)
    if (pyramid->levels[k] != NULL)
      return pyramid->levels[k];
  return pyramid->levels[0];
}

static GdkTexture *
make_overlay_texture (RpCanvas *self,
                      int       tx,
                      int       ty)
{
  int x = tx * RP_MASK_TILE_SIZE;
  int y = ty * RP_MASK_TILE_SIZE;
  int w = MIN (RP_MASK_TILE_SIZE, rp_mask_get_width (self->mask) - x);
  int h = MIN (RP_MASK_TILE_SIZE, rp_mask_get_height (self->mask) - y);
  g_autofree guint8 *coverage = g_malloc ((gsize) w * h);
  guint8 *pixels = g_malloc ((gsize) w * h * 4);
  g_autoptr(GBytes) bytes = NULL;
  guint8 r = self->tint.red * 255, g = self->tint.green * 255, b = self->tint.blue * 255;
  double a = self->tint.alpha;
  int i;

  rp_mask_read (self->mask, x, y, w, h, coverage, w);
  for (i = 0; i < w * h; i++)
    {
      double alpha = a * coverage[i] / 255.0;

      pixels[4 * i + 0] = r * alpha + 0.5;
      pixels[4 * i + 1] = g * alpha + 0.5;
      pixels[4 * i + 2] = b * alpha + 0.5;
      pixels[4 * i + 3] = alpha * 255 + 0.5;
    }
  bytes = g_bytes_new_take (pixels, (gsize) w * h * 4);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8_PREMULTIPLIED, bytes, (gsize) w * 4);
}

static void
render_overlay (RpCanvas    *self,
                GtkSnapshot *snapshot,
                double       view_width,
                double       view_height)
{
  double s = rp_viewport_get_image_scale (self->viewport);
  double ox, oy, ix0, iy0, ix1, iy1;
  int tx0, ty0, tx1, ty1, tx, ty;

  if (self->mask == NULL || self->overlay_tiles == NULL)
    return;

  rp_viewport_image_to_view (self->viewport, 0, 0, &ox, &oy);
  rp_viewport_view_to_image (self->viewport, 0, 0, &ix0, &iy0);
  rp_viewport_view_to_image (self->viewport, view_width, view_height, &ix1, &iy1);
  tx0 = MAX ((int) floor (ix0 / RP_MASK_TILE_SIZE), 0);
  ty0 = MAX ((int) floor (iy0 / RP_MASK_TILE_SIZE), 0);
  tx1 = MIN ((int) floor (ix1 / RP_MASK_TILE_SIZE), self->overlay_tiles_x - 1);
  ty1 = MIN ((int) floor (iy1 / RP_MASK_TILE_SIZE), self->overlay_tiles_y - 1);

  for (ty = ty0; ty <= ty1; ty++)
    for (tx = tx0; tx <= tx1; tx++)
      {
        OverlayTile *tile = &self->overlay_tiles[ty * self->overlay_tiles_x + tx];
        guint64 serial = rp_mask_get_tile_serial (self->mask, tx, ty);
        int w = MIN (RP_MASK_TILE_SIZE, rp_mask_get_width (self->mask) - tx * RP_MASK_TILE_SIZE);
        int h = MIN (RP_MASK_TILE_SIZE, rp_mask_get_height (self->mask) - ty * RP_MASK_TILE_SIZE);
        /* Edges snap to whole logical pixels computed from tile boundaries, so neighbouring
         * tiles meet without gaps. */
        double x0 = ox + tx * RP_MASK_TILE_SIZE * s;
        double y0 = oy + ty * RP_MASK_TILE_SIZE * s;
        graphene_rect_t rect = GRAPHENE_RECT_INIT (x0, y0, w * s, h * s);
        guint8 value;

        if (rp_mask_get_tile_is_uniform (self->mask, tx, ty, &value))
          {
            g_clear_object (&tile->texture);
            if (value > 0)
              {
                GdkRGBA color = self->tint;

                color.alpha *= value / 255.0;
                gtk_snapshot_append_color (snapshot, &color, &rect);
              }
            continue;
          }
        if (tile->texture == NULL || tile->serial != serial)
          {
            g_clear_object (&tile->texture);
            tile->texture = make_overlay_texture (self, tx, ty);
            tile->serial = serial;
          }
        gtk_snapshot_append_texture (snapshot, tile->texture, &rect);
      }
}

static void
outline_path (cairo_t *cr)
{
  cairo_set_line_width (cr, 3.0);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 1.2);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
  cairo_stroke (cr);
}

static void
render_shapes (RpCanvas    *self,
               GtkSnapshot *snapshot,
               double       view_width,
               double       view_height)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, view_width, view_height);
  gboolean brush = (self->tool == RP_TOOL_BRUSH || self->tool == RP_TOOL_ERASER) &&
                   self->pointer_inside && !self->space_held &&
                   self->drag != DRAG_PAN && self->document != NULL;
  cairo_t *cr;

  if (!brush && self->drag != DRAG_RECTANGLE && self->drag != DRAG_LASSO)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  if (self->drag == DRAG_RECTANGLE)
    {
      double x = MIN (self->drag_start_x, self->pointer_x);
      double y = MIN (self->drag_start_y, self->pointer_y);

      cairo_rectangle (cr, floor (x) + 0.5, floor (y) + 0.5,
                       floor (fabs (self->pointer_x - self->drag_start_x)),
                       floor (fabs (self->pointer_y - self->drag_start_y)));
      cairo_set_source_rgba (cr, self->tint.red, self->tint.green, self->tint.blue, 0.25);
      cairo_fill_preserve (cr);
      outline_path (cr);
    }
  else if (self->drag == DRAG_LASSO && self->lasso_points->len >= 2)
    {
      const double *pts = (const double *) (gpointer) self->lasso_points->data;
      guint i;

      for (i = 0; i < self->lasso_points->len; i += 2)
        {
          double vx, vy;

          rp_viewport_image_to_view (self->viewport, pts[i], pts[i + 1], &vx, &vy);
          if (i == 0)
            cairo_move_to (cr, vx, vy);
          else
            cairo_line_to (cr, vx, vy);
        }
      cairo_line_to (cr, self->pointer_x, self->pointer_y);
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, self->tint.red, self->tint.green, self->tint.blue, 0.25);
      cairo_fill_preserve (cr);
      outline_path (cr);
    }
  else if (brush)
    {
      double r = self->brush_size / 2.0 * rp_viewport_get_image_scale (self->viewport);

      cairo_arc (cr, self->pointer_x, self->pointer_y, MAX (r, 1.5), 0, 2 * G_PI);
      outline_path (cr);
    }
  cairo_destroy (cr);
}

/* The crop region of the placement in view coordinates. */
static graphene_rect_t
region_in_view (RpCanvas    *self,
                RpPlacement *placement)
{
  cairo_rectangle_int_t region;
  double x0, y0, x1, y1;

  rp_placement_get_region (placement, &region);
  rp_viewport_image_to_view (self->viewport, region.x, region.y, &x0, &y0);
  rp_viewport_image_to_view (self->viewport, region.x + region.width, region.y + region.height, &x1, &y1);
  return GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);
}

/* A streamed partial result, put where its final version will go. */
static void
render_preview (RpCanvas    *self,
                GtkSnapshot *snapshot)
{
  int width = gdk_texture_get_width (self->preview);
  int height = gdk_texture_get_height (self->preview);
  graphene_rect_t region = region_in_view (self, self->preview_placement);
  double px0, py0, px1, py1, x0, y0, x1, y1;

  rp_placement_result_to_photo (self->preview_placement, width, height, 0, 0, &px0, &py0);
  rp_placement_result_to_photo (self->preview_placement, width, height, width, height, &px1, &py1);
  rp_viewport_image_to_view (self->viewport, px0, py0, &x0, &y0);
  rp_viewport_image_to_view (self->viewport, px1, py1, &x1, &y1);
  gtk_snapshot_push_clip (snapshot, &region);
  gtk_snapshot_append_texture (snapshot, self->preview, &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
  gtk_snapshot_pop (snapshot);
}

/* The crop box: what is outside it stays home (dimmed), and a label says at what size and
 * scale the inside goes out. */
static void
render_placement (RpCanvas    *self,
                  GtkSnapshot *snapshot,
                  double       view_width,
                  double       view_height)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, view_width, view_height);
  graphene_rect_t region = region_in_view (self, self->placement);
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *text = NULL;
  g_autofree char *scale = NULL;
  cairo_rectangle_int_t content;
  PangoRectangle extents;
  double lx, ly, pad = 6;
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  if (rp_placement_get_is_cropped (self->placement))
    {
      cairo_rectangle (cr, 0, 0, view_width, view_height);
      cairo_rectangle (cr, region.origin.x, region.origin.y, region.size.width, region.size.height);
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.45);
      cairo_fill (cr);

      cairo_rectangle (cr, floor (region.origin.x) + 0.5, floor (region.origin.y) + 0.5,
                       floor (region.size.width), floor (region.size.height));
      cairo_set_line_width (cr, 3.0);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_stroke_preserve (cr);
      cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      cairo_set_line_width (cr, 1.2);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  rp_placement_get_content_rect (self->placement, &content);
  if (rp_placement_get_is_identity (self->placement) ||
      (content.width == rp_placement_get_upload_width (self->placement) &&
       fabs (rp_placement_get_scale (self->placement) - 1.0) < 1e-6))
    scale = g_strdup (_("full resolution"));
  else
    /* Translators: a scale factor, e.g. "×0.58" */
    scale = g_strdup_printf (_("×%.2f"), rp_placement_get_scale (self->placement));
  if (self->placement_is_local)
    /* Translators: the size the offline fill works at, then its scale, e.g.
     * "Filled here at 700 × 650 · full resolution" */
    text = g_strdup_printf (_("Filled here at %d × %d · %s"), rp_placement_get_upload_width (self->placement),
                            rp_placement_get_upload_height (self->placement), scale);
  else
    /* Translators: the size the model is sent, then its scale, e.g. "Sent as 1024 × 1024 · ×0.58" */
    text = g_strdup_printf (_("Sent as %d × %d · %s"), rp_placement_get_upload_width (self->placement),
                            rp_placement_get_upload_height (self->placement), scale);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  pango_layout_get_pixel_extents (layout, NULL, &extents);
  /* Above the box where there is room, so it hides none of what is painted. */
  lx = CLAMP (region.origin.x, 8, MAX (8, view_width - extents.width - 2 * pad - 8));
  ly = region.origin.y - extents.height - 2 * pad - 6;
  if (ly < 8)
    ly = region.origin.y + 8;
  ly = CLAMP (ly, 8, MAX (8, view_height - extents.height - 2 * pad - 8));
  cairo_new_path (cr);
  cairo_arc (cr, lx + 6, ly + 6, 6, G_PI, 1.5 * G_PI);
  cairo_arc (cr, lx + extents.width + 2 * pad - 6, ly + 6, 6, 1.5 * G_PI, 2 * G_PI);
  cairo_arc (cr, lx + extents.width + 2 * pad - 6, ly + extents.height + 2 * pad - 6, 6, 0, 0.5 * G_PI);
  cairo_arc (cr, lx + 6, ly + extents.height + 2 * pad - 6, 6, 0.5 * G_PI, G_PI);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_fill (cr);
  cairo_move_to (cr, lx + pad - extents.x, ly + pad - extents.y);
  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);
}

void
rp_canvas_render (RpCanvas    *self,
                  GtkSnapshot *snapshot)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double x0, y0;
  graphene_rect_t rect;

  gboolean reviewing = self->result.levels[0] != NULL;

  if (self->image == NULL || self->photo.levels[0] == NULL)
    return;

  rp_viewport_image_to_view (self->viewport, 0, 0, &x0, &y0);
  rect = GRAPHENE_RECT_INIT (x0, y0,
                             rp_viewport_get_content_width (self->viewport),
                             rp_viewport_get_content_height (self->viewport));

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Under review, the result replaces the photo (and the marks on it) unless the person
   * holds Compare. */
  if (reviewing && !self->show_original)
    gtk_snapshot_append_texture (snapshot, choose_level (self, &self->result), &rect);
  else
    gtk_snapshot_append_texture (snapshot, choose_level (self, &self->photo), &rect);
  if (!reviewing)
    {
      if (self->preview_placement != NULL && self->preview != NULL)
        render_preview (self, snapshot);
      if (self->show_mask && self->preview == NULL)
        render_overlay (self, snapshot, width, height);
      if (self->placement != NULL && self->drag == DRAG_NONE && self->preview == NULL)
        render_placement (self, snapshot, width, height);
      render_shapes (self, snapshot, width, height);
    }
  gtk_snapshot_pop (snapshot);
}
