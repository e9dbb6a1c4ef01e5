/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-canvas"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "rp-canvas-private.h"

/* With a stylus, the lightest touch still paints this fraction of the brush size. */
#define MIN_PRESSURE_RATIO 0.15
/* Lasso points closer than this (view pixels) to the previous one are dropped. */
#define LASSO_MIN_STEP_PX 1.5

static double
brush_radius (RpCanvas *self,
              double    pressure)
{
  pressure = CLAMP (pressure, 0.0, 1.0);
  return self->brush_size / 2.0 * (MIN_PRESSURE_RATIO + (1.0 - MIN_PRESSURE_RATIO) * pressure);
}

static void
view_to_image (RpCanvas *self,
               double    x,
               double    y,
               double   *ix,
               double   *iy)
{
  rp_viewport_view_to_image (self->viewport, x, y, ix, iy);
}

void
rp_canvas_update_cursor (RpCanvas *self)
{
  const char *name;

  if (self->drag == DRAG_PAN)
    name = "grabbing";
  else if (self->space_held)
    name = "grab";
  else if (self->document == NULL || self->result.levels[0] != NULL)
    name = "default";
  else
    name = "crosshair";
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static void
lasso_append (RpCanvas *self,
              double    x,
              double    y)
{
  double ix, iy;

  view_to_image (self, x, y, &ix, &iy);
  g_array_append_val (self->lasso_points, ix);
  g_array_append_val (self->lasso_points, iy);
}

/**
 * rp_canvas_input_begin:
 * @button: 1 for the primary button (or a pen/touch), 2 for the middle button
 * @x: @y: view coordinates
 * @pressure: 0–1; 1 for devices without pressure
 *
 * The start of a press-drag-release, as the gestures deliver it. Tests call this too.
 */
void
rp_canvas_input_begin (RpCanvas        *self,
                       guint            button,
                       double           x,
                       double           y,
                       double           pressure,
                       GdkModifierType  modifiers)
{
  double ix, iy;

  if (self->drag != DRAG_NONE)
    rp_canvas_input_cancel (self);

  self->drag_start_x = self->drag_last_x = x;
  self->drag_start_y = self->drag_last_y = y;
  self->pointer_x = x;
  self->pointer_y = y;

  if (button == GDK_BUTTON_MIDDLE || (button == GDK_BUTTON_PRIMARY && self->space_held))
    {
      self->drag = DRAG_PAN;
      rp_canvas_update_cursor (self);
      return;
    }
  /* A result under review is looked at, not painted on. */
  if (button != GDK_BUTTON_PRIMARY || self->document == NULL || self->mask == NULL ||
      self->result.levels[0] != NULL)
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  view_to_image (self, x, y, &ix, &iy);

  switch (self->tool)
    {
    case RP_TOOL_BRUSH:
    case RP_TOOL_ERASER:
      self->drag = DRAG_PAINT;
      self->drag_op = self->tool == RP_TOOL_ERASER ? RP_MASK_OP_ERASE : RP_MASK_OP_PAINT;
      rp_document_begin_mask_edit (self->document);
      rp_stroke_begin (&self->stroke, self->mask, self->drag_op, self->brush_hardness,
                       ix, iy, brush_radius (self, pressure));
      break;
    case RP_TOOL_RECTANGLE:
      self->drag = DRAG_RECTANGLE;
      self->drag_op = (modifiers & GDK_CONTROL_MASK) ? RP_MASK_OP_ERASE : RP_MASK_OP_PAINT;
      break;
    case RP_TOOL_LASSO:
      self->drag = DRAG_LASSO;
      self->drag_op = (modifiers & GDK_CONTROL_MASK) ? RP_MASK_OP_ERASE : RP_MASK_OP_PAINT;
      g_array_set_size (self->lasso_points, 0);
      lasso_append (self, x, y);
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rp_canvas_input_update (RpCanvas *self,
                        double    x,
                        double    y,
                        double    pressure)
{
  double ix, iy;

  self->pointer_x = x;
  self->pointer_y = y;

  switch (self->drag)
    {
    case DRAG_PAINT:
      view_to_image (self, x, y, &ix, &iy);
      rp_stroke_to (&self->stroke, ix, iy, brush_radius (self, pressure));
      break;
    case DRAG_RECTANGLE:
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case DRAG_LASSO:
      if (hypot (x - self->drag_last_x, y - self->drag_last_y) >= LASSO_MIN_STEP_PX)
        lasso_append (self, x, y);
      else
        {
          /* keep drag_last at the last stored point */
          return;
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case DRAG_PAN:
      rp_viewport_pan_by (self->viewport, self->drag_last_x - x, self->drag_last_y - y);
      break;
    case DRAG_NONE:
    default:
      break;
    }
  self->drag_last_x = x;
  self->drag_last_y = y;
}

void
rp_canvas_input_end (RpCanvas *self,
                     double    x,
                     double    y)
{
  DragMode drag = self->drag;
  double x0, y0, x1, y1;

  if (drag == DRAG_NONE)
    return;
  rp_canvas_input_update (self, x, y, 1.0);
  self->drag = DRAG_NONE;

  switch (drag)
    {
    case DRAG_PAINT:
      rp_stroke_end (&self->stroke);
      rp_document_end_mask_edit (self->document,
                                 self->drag_op == RP_MASK_OP_ERASE ? _("Eraser Stroke")
                                                                   : _("Brush Stroke"));
      break;
    case DRAG_RECTANGLE:
      view_to_image (self, self->drag_start_x, self->drag_start_y, &x0, &y0);
      view_to_image (self, x, y, &x1, &y1);
      if (fabs (x1 - x0) >= 1 && fabs (y1 - y0) >= 1)
        {
          rp_document_begin_mask_edit (self->document);
          rp_mask_fill_rect (self->mask, MIN (x0, x1), MIN (y0, y1),
                             fabs (x1 - x0), fabs (y1 - y0), self->drag_op);
          rp_document_end_mask_edit (self->document, _("Rectangle"));
        }
      break;
    case DRAG_LASSO:
      lasso_append (self, x, y);
      if (self->lasso_points->len >= 6)
        {
          rp_document_begin_mask_edit (self->document);
          rp_mask_fill_polygon (self->mask, (const double *) (gpointer) self->lasso_points->data,
                                self->lasso_points->len / 2, self->drag_op);
          rp_document_end_mask_edit (self->document, _("Lasso"));
        }
      g_array_set_size (self->lasso_points, 0);
      break;
    case DRAG_PAN:
    case DRAG_NONE:
    default:
      break;
    }
  rp_canvas_update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Ends any drag without applying a pending shape; a half-painted stroke is kept as its
 * own undo step so the undo history always matches the mask. */
void
rp_canvas_input_cancel (RpCanvas *self)
{
  if (self->drag == DRAG_PAINT)
    {
      rp_stroke_end (&self->stroke);
      if (self->document != NULL && rp_document_in_mask_edit (self->document))
        rp_document_end_mask_edit (self->document, _("Brush Stroke"));
    }
  self->drag = DRAG_NONE;
  g_array_set_size (self->lasso_points, 0);
  rp_canvas_update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rp_canvas_input_pointer (RpCanvas *self,
                         double    x,
                         double    y)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (self->tool == RP_TOOL_BRUSH || self->tool == RP_TOOL_ERASER)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rp_canvas_input_set_space (RpCanvas *self,
                           gboolean  held)
{
  self->space_held = !!held;
  rp_canvas_update_cursor (self);
}

static double
event_pressure (GtkEventController *controller)
{
  GdkEvent *event = gtk_event_controller_get_current_event (controller);
  double pressure;

  /* Only tablet tools have a meaningful pressure; some pointers report a constant 0. */
  if (event != NULL && gdk_event_get_device_tool (event) != NULL &&
      gdk_event_get_axis (event, GDK_AXIS_PRESSURE, &pressure))
    return pressure;
  return 1.0;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               RpCanvas       *self)
{
  GtkEventController *controller = GTK_EVENT_CONTROLLER (gesture);
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  /* Touch and pen contacts report button 0; they paint like the primary button. */
  if (button == 0)
    button = GDK_BUTTON_PRIMARY;
  rp_canvas_input_begin (self, button, x, y, event_pressure (controller),
                         gtk_event_controller_get_current_event_state (controller));
  if (self->drag == DRAG_NONE)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                RpCanvas       *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  rp_canvas_input_update (self, sx + dx, sy + dy,
                          event_pressure (GTK_EVENT_CONTROLLER (gesture)));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             RpCanvas       *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  rp_canvas_input_end (self, sx + dx, sy + dy);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                RpCanvas         *self)
{
  rp_canvas_input_cancel (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           RpCanvas                 *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  /* Plain scrolling pans (the scrolled window does it); Ctrl+scroll zooms at the pointer. */
  if (!(state & GDK_CONTROL_MASK) || self->document == NULL)
    return FALSE;
  rp_viewport_zoom_by (self->viewport, pow (RP_VIEWPORT_ZOOM_STEP, -dy),
                       self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               RpCanvas         *self)
{
  self->pinch_start_zoom = rp_viewport_get_zoom (self->viewport);
  rp_canvas_input_cancel (self);
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       RpCanvas       *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    {
      cx = rp_viewport_get_view_width (self->viewport) / 2;
      cy = rp_viewport_get_view_height (self->viewport) / 2;
    }
  rp_viewport_zoom_at (self->viewport, self->pinch_start_zoom * scale, cx, cy);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           RpCanvas                 *self)
{
  self->pointer_inside = TRUE;
  rp_canvas_input_pointer (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          RpCanvas                 *self)
{
  self->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                RpCanvas              *self)
{
  if (keyval == GDK_KEY_space)
    {
      rp_canvas_input_set_space (self, TRUE);
      return TRUE;
    }
  if (keyval == GDK_KEY_Escape && self->drag != DRAG_NONE)
    {
      rp_canvas_input_cancel (self);
      return TRUE;
    }
  return FALSE;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 RpCanvas              *self)
{
  if (keyval == GDK_KEY_space)
    rp_canvas_input_set_space (self, FALSE);
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                RpCanvas                *self)
{
  rp_canvas_input_set_space (self, FALSE);
}

void
rp_canvas_setup_input (RpCanvas *self)
{
  GtkGesture *drag, *zoom;
  GtkEventController *scroll, *motion, *key, *focus;

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (key, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  rp_canvas_update_cursor (self);
}
