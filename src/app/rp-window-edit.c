/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-application.h"
#include "rp-image-transfer.h"
#include "rp-window-private.h"

/*
 * The edit part of the window: the prompt and references in the sidebar, the plan of what
 * would be sent (checked and drawn on the canvas as the person works), and Generate.
 */

/* The plan is made again this long after the last change. */
#define PLAN_DELAY_MS 120


static RpPromptBox *
prompt_box (RpWindow *self)
{
  return rp_sidebar_get_prompt_box (self->sidebar);
}

static RpReferenceStrip *
reference_strip (RpWindow *self)
{
  return rp_sidebar_get_reference_strip (self->sidebar);
}

/* ---- The plan ------------------------------------------------------------------------- */

static void
set_blocker (RpWindow   *self,
             const char *reason)
{
  g_free (self->blocker);
  self->blocker = g_strdup (reason);
  rp_sidebar_set_blocker (self->sidebar, reason);
}

/* A copy of the sidebar's values that the edit may change (inputs, prompt, size). */
static RpParams *
copy_params (RpParams  *params,
             GError   **error)
{
  g_autoptr(RpParams) copy = rp_params_new (rp_params_get_provider (params), rp_params_get_model_id (params), error);
  g_autoptr(JsonNode) values = NULL;

  if (copy == NULL)
    return NULL;
  values = rp_params_to_json (params);
  rp_params_load_json (copy, values);
  return g_steal_pointer (&copy);
}

/* Shows @error where the person can fix it: the prompt, an option's row, or (images, mask)
 * just the reason under Generate. */
static void
show_problem (RpWindow     *self,
              const GError *error)
{
  const char *param = error->domain == RP_PARAMS_ERROR ? rp_params_error_get_param (error) : NULL;

  if (g_strcmp0 (param, "prompt") == 0)
    rp_prompt_box_set_problem (prompt_box (self), error->message);
  else if (param != NULL)
    rp_sidebar_show_problem (self->sidebar, param, error->message);
  set_blocker (self, error->message);
}

static void
clear_problems (RpWindow *self)
{
  rp_prompt_box_set_problem (prompt_box (self), NULL);
  rp_sidebar_show_problem (self->sidebar, NULL, NULL);
}

/* The values the edit would be sent with: the sidebar's, the prompt, and the operation the
 * photo, references and mask select. %NULL with @error when even that fails; otherwise
 * @problem tells why the values cannot be sent as they stand. */
static RpParams *
plan_params (RpWindow  *self,
             GError   **problem,
             GError   **error)
{
  RpParams *chosen = rp_sidebar_get_params (self->sidebar);
  RpMask *mask = rp_document_get_mask (self->document);
  g_autoptr(RpParams) params = NULL;
  g_autofree char *prompt = NULL;
  guint n_references = rp_reference_strip_get_n_references (reference_strip (self));

  if (chosen == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Choose a service in the sidebar"));
      return NULL;
    }
  params = copy_params (chosen, error);
  if (params == NULL)
    return NULL;
  prompt = rp_prompt_box_get_text (prompt_box (self));
  g_strstrip (prompt);
  if (*prompt != '\0' && !rp_params_set_string (params, "prompt", prompt, problem))
    return g_steal_pointer (&params);
  if (!rp_params_set_inputs (params, 1 + n_references, !rp_mask_is_empty (mask), problem))
    return g_steal_pointer (&params);
  rp_params_validate (params, NULL, problem);
  return g_steal_pointer (&params);
}

static RpPlacement *
plan_placement (RpWindow  *self,
                RpParams  *params,
                GError   **error)
{
  RpMask *mask = rp_document_get_mask (self->document);
  RpPlacementOptions options;
  g_autofree char *context = self->settings ? g_settings_get_string (self->settings, "crop-context") : NULL;

  rp_placement_options_for_params (&options, params);
  if (context != NULL)
    rp_placement_options_set_context (&options, context);
  return rp_placement_new (rp_document_get_image (self->document), rp_mask_is_empty (mask) ? NULL : mask,
                           &options, error);
}

static void
plan (RpWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(RpPlacement) placement = NULL;

  clear_problems (self);
  if (self->document == NULL)
    {
      rp_canvas_set_placement (self->canvas, NULL);
      set_blocker (self, _("Open a photo to edit"));
      return;
    }

  /* The crop box shows even while, say, the prompt is still missing. */
  params = plan_params (self, &problem, &error);
  if (params != NULL)
    placement = plan_placement (self, params, &error);
  rp_canvas_set_placement (self->canvas, placement);
  if (problem != NULL)
    show_problem (self, problem);
  else if (placement == NULL)
    show_problem (self, error);
  else if (rp_reference_strip_get_busy (reference_strip (self)))
    set_blocker (self, _("Reading the reference images…"));
  else
    set_blocker (self, NULL);
}

static gboolean
plan_cb (gpointer user_data)
{
  RpWindow *self = user_data;

  self->plan_id = 0;
  plan (self);
  return G_SOURCE_REMOVE;
}

/* Checks the edit again shortly (the mask, prompt, references or choices changed). */
void
rp_window_schedule_plan (RpWindow *self)
{
  if (self->plan_id == 0)
    self->plan_id = g_timeout_add (PLAN_DELAY_MS, plan_cb, self);
}

/* Plans now (tests, and before sending). */
void
rp_window_update_plan (RpWindow *self)
{
  g_return_if_fail (RP_IS_WINDOW (self));

  g_clear_handle_id (&self->plan_id, g_source_remove);
  plan (self);
}

/**
 * rp_window_get_blocker:
 *
 * Returns: (nullable): why Generate cannot run now, translated, or %NULL when it can
 */
const char *
rp_window_get_blocker (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->blocker;
}

/* ---- References ----------------------------------------------------------------------- */

static void
on_strip_message (RpWindow   *self,
                  const char *text)
{
  rp_window_add_toast (self, text);
}

/* A reference becomes the photo (undoable); the photo takes its place among the references. */
static void
on_use_as_base (RpWindow *self,
                RpImage  *image)
{
  RpReferenceStrip *strip = reference_strip (self);
  guint position;

  if (!g_list_store_find (G_LIST_STORE (rp_reference_strip_get_model (strip)), image, &position))
    return;
  if (self->document == NULL)
    {
      g_autoptr(RpDocument) document = rp_document_new (image);

      rp_reference_strip_remove (strip, position);
      rp_window_set_document (self, document);
      return;
    }
  {
    g_autoptr(RpImage) old = g_object_ref (rp_document_get_image (self->document));

    rp_document_replace_image (self->document, image, _("Use Reference as Base Image"));
    rp_reference_strip_replace (strip, position, old);
  }
}

static void
on_pasted (GFile        **files,
           guint          n_files,
           GInputStream  *stream,
           gpointer       user_data)
{
  RpWindow *self = user_data;

  if (n_files > 0)
    rp_reference_strip_add_files (reference_strip (self), files, n_files);
  else if (stream != NULL)
    rp_reference_strip_add_stream (reference_strip (self), stream, _("Pasted Image"));
  else
    rp_window_add_toast (self, _("The clipboard holds no image"));
}

/* Shift+Ctrl+V: the clipboard's image or files become references. */
static void
paste_reference_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  rp_image_transfer_read_clipboard (gtk_widget_get_clipboard (widget), self->cancellable, on_pasted,
                                    g_object_ref (self), g_object_unref);
}

static void
add_references_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  rp_reference_strip_choose_files (reference_strip (RP_WINDOW (widget)));
}

static void
focus_prompt_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "edit");
  adw_flap_set_reveal_flap (self->flap, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (prompt_box (self)));
}

/* ---- Session -------------------------------------------------------------------------- */

void
rp_window_edit_snapshot (RpWindow       *self,
                         RpSessionState *state)
{
  GListModel *references = rp_reference_strip_get_model (reference_strip (self));
  RpParams *params = rp_sidebar_get_params (self->sidebar);
  guint i;

  for (i = 0; i < g_list_model_get_n_items (references); i++)
    g_ptr_array_add (state->references, g_list_model_get_item (references, i));
  state->prompt = rp_prompt_box_get_text (prompt_box (self));
  if (params != NULL)
    {
      g_autoptr(JsonNode) values = rp_params_to_json (params);

      state->provider = g_strdup (rp_provider_get_id (rp_params_get_provider (params)));
      state->model = g_strdup (rp_params_get_model_id (params));
      state->params = json_object_ref (json_node_get_object (values));
    }
}

void
rp_window_edit_restore (RpWindow       *self,
                        RpSessionState *state)
{
  RpReferenceStrip *strip = reference_strip (self);
  guint i;

  rp_prompt_box_set_text (prompt_box (self), state->prompt);
  rp_reference_strip_clear (strip);
  for (i = 0; i < state->references->len; i++)
    rp_reference_strip_append (strip, g_ptr_array_index (state->references, i));
  if (state->provider != NULL)
    rp_sidebar_select (self->sidebar, state->provider, state->model);
}

/* ---- Wiring --------------------------------------------------------------------------- */

static void
on_inputs_changed (RpWindow *self)
{
  rp_window_schedule_plan (self);
  rp_window_schedule_autosave (self);
}

static void
on_prompt_activate (RpWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.generate", NULL);
}

void
rp_window_edit_document_changed (RpWindow *self)
{
  rp_window_schedule_plan (self);
}

void
rp_window_edit_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.paste-reference", NULL, paste_reference_action);
  gtk_widget_class_install_action (widget_class, "win.add-references", NULL, add_references_action);
  gtk_widget_class_install_action (widget_class, "win.focus-prompt", NULL, focus_prompt_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.paste-reference", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.focus-prompt", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.generate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.generate", NULL);
}

void
rp_window_edit_init (RpWindow *self)
{
  RpReferenceStrip *strip = reference_strip (self);

  rp_prompt_box_set_settings (prompt_box (self), self->settings);
  g_signal_connect_swapped (prompt_box (self), "notify::text", G_CALLBACK (on_inputs_changed), self);
  g_signal_connect_swapped (prompt_box (self), "activate", G_CALLBACK (on_prompt_activate), self);
  g_signal_connect_swapped (strip, "notify::n-references", G_CALLBACK (on_inputs_changed), self);
  g_signal_connect_swapped (strip, "notify::busy", G_CALLBACK (rp_window_schedule_plan), self);
  g_signal_connect_swapped (strip, "message", G_CALLBACK (on_strip_message), self);
  g_signal_connect_swapped (strip, "use-as-base", G_CALLBACK (on_use_as_base), self);
  g_signal_connect_swapped (self->sidebar, "changed", G_CALLBACK (on_inputs_changed), self);
  if (self->settings != NULL)
    {
      g_signal_connect_swapped (self->settings, "changed::crop-context", G_CALLBACK (rp_window_schedule_plan), self);
    }
}

void
rp_window_edit_dispose (RpWindow *self)
{
  g_clear_handle_id (&self->plan_id, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_pointer (&self->blocker, g_free);
}
