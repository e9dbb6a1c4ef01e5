/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "rp-app-enums.h"
#include "rp-canvas-private.h"

/* [ and ] change the brush by this factor. */
#define BRUSH_STEP 1.2

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_TOOL,
  PROP_BRUSH_SIZE,
  PROP_BRUSH_HARDNESS,
  PROP_SHOW_MASK,
  PROP_ZOOM,
  PROP_BUSY,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (RpCanvas, rp_canvas, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static void
update_adjustments (RpCanvas *self)
{
  RpViewport *vp = self->viewport;
  double view_w = rp_viewport_get_view_width (vp);
  double view_h = rp_viewport_get_view_height (vp);

  self->in_adjustment_update = TRUE;
  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment,
                              rp_viewport_get_offset_x (vp), 0,
                              MAX (rp_viewport_get_content_width (vp), view_w),
                              view_w * 0.1, view_w * 0.9, view_w);
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment,
                              rp_viewport_get_offset_y (vp), 0,
                              MAX (rp_viewport_get_content_height (vp), view_h),
                              view_h * 0.1, view_h * 0.9, view_h);
  self->in_adjustment_update = FALSE;
}

static void
on_viewport_changed (RpCanvas   *self,
                     RpViewport *viewport)
{
  update_adjustments (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_adjustment_value_changed (RpCanvas      *self,
                             GtkAdjustment *adjustment)
{
  if (self->in_adjustment_update)
    return;
  rp_viewport_set_offset (self->viewport,
                          self->hadjustment ? gtk_adjustment_get_value (self->hadjustment)
                                            : rp_viewport_get_offset_x (self->viewport),
                          self->vadjustment ? gtk_adjustment_get_value (self->vadjustment)
                                            : rp_viewport_get_offset_y (self->viewport));
}

static void
set_adjustment (RpCanvas       *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, on_adjustment_value_changed, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_swapped (adjustment, "value-changed",
                            G_CALLBACK (on_adjustment_value_changed), self);
  update_adjustments (self);
}

static void
on_mask_changed (RpCanvas *self,
                 int       x,
                 int       y,
                 int       width,
                 int       height,
                 RpMask   *mask)
{
  rp_canvas_invalidate_overlay (self, x, y, width, height);
}

static void
disconnect_mask (RpCanvas *self)
{
  if (self->mask != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->mask, on_mask_changed, self);
      g_clear_object (&self->mask);
    }
}

static void
sync_from_document (RpCanvas *self)
{
  RpImage *image = self->document ? rp_document_get_image (self->document) : NULL;
  RpMask *mask = self->document ? rp_document_get_mask (self->document) : NULL;
  gboolean size_changed;

  rp_canvas_input_cancel (self);
  disconnect_mask (self);
  if (mask != NULL)
    {
      self->mask = g_object_ref (mask);
      g_signal_connect_swapped (mask, "changed", G_CALLBACK (on_mask_changed), self);
    }

  size_changed = image == NULL || self->image == NULL ||
                 rp_image_get_width (image) != rp_image_get_width (self->image) ||
                 rp_image_get_height (image) != rp_image_get_height (self->image);
  if (image != self->image)
    {
      g_set_object (&self->image, image);
      rp_canvas_reset_textures (self);
      if (size_changed)
        rp_viewport_set_image_size (self->viewport,
                                    image ? rp_image_get_width (image) : 0,
                                    image ? rp_image_get_height (image) : 0);
    }
  else
    {
      rp_canvas_reset_textures (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_document_notify (RpCanvas   *self,
                    GParamSpec *pspec,
                    RpDocument *document)
{
  sync_from_document (self);
}

static void
rp_canvas_dispose (GObject *object)
{
  RpCanvas *self = RP_CANVAS (object);

  rp_canvas_input_cancel (self);
  rp_canvas_pyramid_clear (&self->photo);
  rp_canvas_pyramid_clear (&self->result);
  disconnect_mask (self);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_func (self->document, on_document_notify, self);
  g_clear_object (&self->document);
  g_clear_object (&self->image);
  g_clear_object (&self->placement);
  g_clear_object (&self->preview);
  g_clear_object (&self->preview_placement);
  rp_canvas_reset_textures (self);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, on_adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, on_adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  if (self->viewport != NULL)
    g_signal_handlers_disconnect_by_func (self->viewport, on_viewport_changed, self);
  g_clear_object (&self->viewport);

  G_OBJECT_CLASS (rp_canvas_parent_class)->dispose (object);
}

static void
rp_canvas_finalize (GObject *object)
{
  RpCanvas *self = RP_CANVAS (object);

  g_clear_pointer (&self->lasso_points, g_array_unref);

  G_OBJECT_CLASS (rp_canvas_parent_class)->finalize (object);
}

static void
rp_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RpCanvas *self = RP_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_TOOL:
      g_value_set_enum (value, self->tool);
      break;
    case PROP_BRUSH_SIZE:
      g_value_set_double (value, self->brush_size);
      break;
    case PROP_BRUSH_HARDNESS:
      g_value_set_double (value, self->brush_hardness);
      break;
    case PROP_SHOW_MASK:
      g_value_set_boolean (value, self->show_mask);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, rp_canvas_get_zoom (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, rp_canvas_get_busy (self));
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_canvas_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  RpCanvas *self = RP_CANVAS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      rp_canvas_set_document (self, g_value_get_object (value));
      break;
    case PROP_TOOL:
      rp_canvas_set_tool (self, g_value_get_enum (value));
      break;
    case PROP_BRUSH_SIZE:
      rp_canvas_set_brush_size (self, g_value_get_double (value));
      break;
    case PROP_BRUSH_HARDNESS:
      rp_canvas_set_brush_hardness (self, g_value_get_double (value));
      break;
    case PROP_SHOW_MASK:
      rp_canvas_set_show_mask (self, g_value_get_boolean (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  RpCanvas *self = RP_CANVAS (widget);

  rp_viewport_set_view_size (self->viewport, width, height, gtk_widget_get_scale_factor (widget));
  update_adjustments (self);
}

static void
rp_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  *minimum = 64;
  *natural = 400;
}

static void
rp_canvas_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  rp_canvas_render (RP_CANVAS (widget), snapshot);
}

static void
on_scale_factor_changed (RpCanvas *self)
{
  rp_viewport_set_view_size (self->viewport,
                             gtk_widget_get_width (GTK_WIDGET (self)),
                             gtk_widget_get_height (GTK_WIDGET (self)),
                             gtk_widget_get_scale_factor (GTK_WIDGET (self)));
}

static void
rp_canvas_class_init (RpCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_canvas_dispose;
  object_class->finalize = rp_canvas_finalize;
  object_class->get_property = rp_canvas_get_property;
  object_class->set_property = rp_canvas_set_property;

  widget_class->size_allocate = rp_canvas_size_allocate;
  widget_class->measure = rp_canvas_measure;
  widget_class->snapshot = rp_canvas_snapshot;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, RP_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOL] =
    g_param_spec_enum ("tool", NULL, NULL, RP_TYPE_TOOL, RP_TOOL_BRUSH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRUSH_SIZE] =
    g_param_spec_double ("brush-size", NULL, NULL,
                         RP_CANVAS_MIN_BRUSH_PX, RP_CANVAS_MAX_BRUSH_PX, 80,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BRUSH_HARDNESS] =
    g_param_spec_double ("brush-hardness", NULL, NULL, 0, 1, 0.8,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_MASK] =
    g_param_spec_boolean ("show-mask", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, G_MAXDOUBLE, 1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "rpcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rp_canvas_init (RpCanvas *self)
{
  self->viewport = rp_viewport_new ();
  self->lasso_points = g_array_new (FALSE, FALSE, sizeof (double));
  self->tool = RP_TOOL_BRUSH;
  self->brush_size = 80;
  self->brush_hardness = 0.8;
  self->show_mask = TRUE;
  /* A magenta tint reads well on skin, sky and foliage alike. */
  gdk_rgba_parse (&self->tint, "rgba(224, 27, 196, 0.5)");

  g_signal_connect_swapped (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed), NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Photo and mask"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Paint over the region to change"),
                                  -1);
  set_adjustment (self, &self->hadjustment, NULL);
  set_adjustment (self, &self->vadjustment, NULL);
  rp_canvas_setup_input (self);
}

/**
 * rp_canvas_new:
 *
 * Returns: (transfer floating): a new canvas
 */
RpCanvas *
rp_canvas_new (void)
{
  return g_object_new (RP_TYPE_CANVAS, NULL);
}

/**
 * rp_canvas_get_document:
 *
 * Returns: (transfer none) (nullable): the document shown
 */
RpDocument *
rp_canvas_get_document (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), NULL);
  return self->document;
}

void
rp_canvas_set_document (RpCanvas   *self,
                        RpDocument *document)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  g_return_if_fail (document == NULL || RP_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_func (self->document, on_document_notify, self);
  g_set_object (&self->document, document);
  if (document != NULL)
    {
      g_signal_connect_swapped (document, "notify::image", G_CALLBACK (on_document_notify), self);
      g_signal_connect_swapped (document, "notify::mask", G_CALLBACK (on_document_notify), self);
    }
  g_clear_object (&self->image);
  sync_from_document (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * rp_canvas_get_viewport:
 *
 * Returns: (transfer none): the canvas's zoom and scroll state
 */
RpViewport *
rp_canvas_get_viewport (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), NULL);
  return self->viewport;
}

RpTool
rp_canvas_get_tool (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), RP_TOOL_BRUSH);
  return self->tool;
}

void
rp_canvas_set_tool (RpCanvas *self,
                    RpTool    tool)
{
  g_return_if_fail (RP_IS_CANVAS (self));

  if (self->tool == tool)
    return;
  rp_canvas_input_cancel (self);
  self->tool = tool;
  rp_canvas_update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

double
rp_canvas_get_brush_size (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), 0);
  return self->brush_size;
}

void
rp_canvas_set_brush_size (RpCanvas *self,
                          double    size)
{
  g_return_if_fail (RP_IS_CANVAS (self));

  size = CLAMP (size, RP_CANVAS_MIN_BRUSH_PX, RP_CANVAS_MAX_BRUSH_PX);
  if (self->brush_size == size)
    return;
  self->brush_size = size;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_SIZE]);
}

double
rp_canvas_get_brush_hardness (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), 0);
  return self->brush_hardness;
}

void
rp_canvas_set_brush_hardness (RpCanvas *self,
                              double    hardness)
{
  g_return_if_fail (RP_IS_CANVAS (self));

  hardness = CLAMP (hardness, 0.0, 1.0);
  if (self->brush_hardness == hardness)
    return;
  self->brush_hardness = hardness;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRUSH_HARDNESS]);
}

gboolean
rp_canvas_get_show_mask (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), FALSE);
  return self->show_mask;
}

void
rp_canvas_set_show_mask (RpCanvas *self,
                         gboolean  show_mask)
{
  g_return_if_fail (RP_IS_CANVAS (self));

  show_mask = !!show_mask;
  if (self->show_mask == show_mask)
    return;
  self->show_mask = show_mask;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_MASK]);
}

double
rp_canvas_get_zoom (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), 1.0);
  return rp_viewport_get_zoom (self->viewport);
}

/* TRUE while the smaller versions of the photo are still being made. */
gboolean
rp_canvas_get_busy (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), FALSE);
  return self->photo.pending > 0 || self->result.pending > 0;
}

void
rp_canvas_zoom_in (RpCanvas *self)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  rp_viewport_zoom_centered (self->viewport, rp_canvas_get_zoom (self) * RP_VIEWPORT_ZOOM_STEP);
}

void
rp_canvas_zoom_out (RpCanvas *self)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  rp_viewport_zoom_centered (self->viewport, rp_canvas_get_zoom (self) / RP_VIEWPORT_ZOOM_STEP);
}

void
rp_canvas_zoom_fit (RpCanvas *self)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  rp_viewport_fit (self->viewport);
}

void
rp_canvas_zoom_actual (RpCanvas *self)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  rp_viewport_zoom_centered (self->viewport, 1.0);
}

void
rp_canvas_grow_brush (RpCanvas *self)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  rp_canvas_set_brush_size (self, MAX (round (self->brush_size * BRUSH_STEP), self->brush_size + 1));
}

void
rp_canvas_shrink_brush (RpCanvas *self)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  rp_canvas_set_brush_size (self, MIN (round (self->brush_size / BRUSH_STEP), self->brush_size - 1));
}

/**
 * rp_canvas_set_placement:
 * @placement: (nullable): the plan of what goes out, or %NULL
 *
 * Draws the crop box of @placement over the photo (the rest dimmed) with the upload size
 * and scale, so the person sees what the model will be shown.
 */
void
rp_canvas_set_placement (RpCanvas    *self,
                         RpPlacement *placement)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  g_return_if_fail (placement == NULL || RP_IS_PLACEMENT (placement));

  if (g_set_object (&self->placement, placement))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * rp_canvas_set_placement_is_local:
 * @is_local: whether the crop box is filled on this computer (the offline fill) rather
 *   than sent to a service
 *
 * Words the crop box's label accordingly.
 */
void
rp_canvas_set_placement_is_local (RpCanvas *self,
                                  gboolean  is_local)
{
  g_return_if_fail (RP_IS_CANVAS (self));

  if (self->placement_is_local == !!is_local)
    return;
  self->placement_is_local = !!is_local;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Returns: (transfer none) (nullable) */
RpPlacement *
rp_canvas_get_placement (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), NULL);
  return self->placement;
}

/**
 * rp_canvas_set_preview:
 * @preview: (nullable): a partial image as the model sent it (the size of the upload), or
 *   %NULL
 * @placement: (nullable): the plan of the edit it belongs to
 *
 * Draws @preview where @placement puts it back, inside its crop box.
 */
void
rp_canvas_set_preview (RpCanvas    *self,
                       GdkTexture  *preview,
                       RpPlacement *placement)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  g_return_if_fail (preview == NULL || GDK_IS_TEXTURE (preview));
  g_return_if_fail (placement == NULL || RP_IS_PLACEMENT (placement));

  if (preview == NULL || placement == NULL)
    {
      preview = NULL;
      placement = NULL;
    }
  g_set_object (&self->preview_placement, placement);
  g_set_object (&self->preview, preview);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * rp_canvas_set_result:
 * @result: (nullable): a result put back into the photo (the photo's size), or %NULL to
 *   end the review
 *
 * Shows @result in place of the photo, for review before it is applied.
 */
void
rp_canvas_set_result (RpCanvas  *self,
                      GdkPixbuf *result)
{
  g_return_if_fail (RP_IS_CANVAS (self));
  g_return_if_fail (result == NULL || GDK_IS_PIXBUF (result));

  rp_canvas_pyramid_set (self, &self->result, result);
  self->show_original = FALSE;
  rp_canvas_update_cursor (self);
  rp_canvas_notify_busy (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
rp_canvas_get_reviewing (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), FALSE);
  return self->result.levels[0] != NULL;
}

/* While reviewing a result: show the original photo instead (Compare held). */
void
rp_canvas_set_show_original (RpCanvas *self,
                             gboolean  show_original)
{
  g_return_if_fail (RP_IS_CANVAS (self));

  show_original = !!show_original;
  if (self->show_original == show_original)
    return;
  self->show_original = show_original;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
rp_canvas_get_show_original (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), FALSE);
  return self->show_original;
}

/* Returns: (transfer none) (nullable) */
GdkTexture *
rp_canvas_get_preview (RpCanvas *self)
{
  g_return_val_if_fail (RP_IS_CANVAS (self), NULL);
  return self->preview;
}

void
rp_canvas_notify_busy (RpCanvas *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}
