/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rp-application.h"
#include "rp-entry-window.h"
#include "rp-file-chooser.h"
#include "rp-gallery.h"
#include "rp-image-transfer.h"
#include "rp-sidebar.h"
#include "rp-window-private.h"



/* The session is saved this long after the last change. */
#define AUTOSAVE_DELAY_S 2

G_DEFINE_FINAL_TYPE (RpWindow, rp_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_actions (RpWindow *self)
{
  gboolean has_doc = self->document != NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.undo",
                                 has_doc && rp_document_get_can_undo (self->document));
  gtk_widget_action_set_enabled (widget, "win.redo",
                                 has_doc && rp_document_get_can_redo (self->document));
  gtk_widget_action_set_enabled (widget, "win.export-mask", has_doc);
  gtk_widget_action_set_enabled (widget, "win.import-mask", has_doc);
  gtk_widget_action_set_enabled (widget, "win.invert-mask", has_doc);
  gtk_widget_action_set_enabled (widget, "win.clear-mask", has_doc);
  gtk_widget_action_set_enabled (widget, "win.zoom-in", has_doc);
  gtk_widget_action_set_enabled (widget, "win.zoom-out", has_doc);
  gtk_widget_action_set_enabled (widget, "win.zoom-fit", has_doc);
  gtk_widget_action_set_enabled (widget, "win.zoom-actual", has_doc);
  gtk_widget_action_set_enabled (widget, "win.zoom-toggle", has_doc);
}

static void
update_undo_tooltips (RpWindow *self)
{
  /* The header buttons say what they would undo. */
  const char *undo_label = self->document ? rp_document_get_undo_label (self->document) : NULL;
  const char *redo_label = self->document ? rp_document_get_redo_label (self->document) : NULL;
  g_autofree char *undo_text = NULL;
  g_autofree char *redo_text = NULL;

  /* Translators: %s is an edit such as "Brush Stroke" */
  undo_text = undo_label ? g_strdup_printf (_("Undo %s (Ctrl+Z)"), undo_label) : g_strdup (_("Undo (Ctrl+Z)"));
  /* Translators: %s is an edit such as "Brush Stroke" */
  redo_text = redo_label ? g_strdup_printf (_("Redo %s (Shift+Ctrl+Z)"), redo_label) : g_strdup (_("Redo (Shift+Ctrl+Z)"));
  gtk_widget_set_tooltip_text (self->undo_button, undo_text);
  gtk_widget_set_tooltip_text (self->redo_button, redo_text);
}

static void
on_document_undo_changed (RpWindow   *self,
                          GParamSpec *pspec,
                          RpDocument *document)
{
  update_actions (self);
  update_undo_tooltips (self);
}

static void
update_title (RpWindow *self)
{
  RpImage *image = self->document ? rp_document_get_image (self->document) : NULL;
  const char *name = self->document ? rp_document_get_name (self->document) : NULL;

  if (image == NULL)
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Repaint"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Repaint"));
    }
  else
    {
      g_autofree char *size = NULL;
      g_autofree char *title = NULL;

      /* Translators: the photo's size in pixels, e.g. "2560 × 1600" */
      size = g_strdup_printf (_("%d × %d"), rp_image_get_width (image), rp_image_get_height (image));
      /* Translators: window title, %s is the photo's file name */
      title = g_strdup_printf (_("%s — Repaint"), name);
      adw_view_switcher_title_set_title (self->switcher_title, name);
      adw_view_switcher_title_set_subtitle (self->switcher_title, size);
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
}

static void
on_document_image_changed (RpWindow   *self,
                           GParamSpec *pspec,
                           RpDocument *document)
{
  update_title (self);
  rp_window_schedule_plan (self);
}

static void
on_document_name_changed (RpWindow   *self,
                          GParamSpec *pspec,
                          RpDocument *document)
{
  update_title (self);
  rp_window_schedule_autosave (self);
}

static RpSessionState *
snapshot_session (RpWindow *self)
{
  RpSessionState *state = rp_session_state_new ();

  state->taken_us = g_get_monotonic_time ();
  state->image = g_object_ref (rp_document_get_image (self->document));
  state->name = g_strdup (rp_document_get_name (self->document));
  state->mask = rp_mask_copy (rp_document_get_mask (self->document));
  rp_window_edit_snapshot (self, state);
  return state;
}

static void
autosave_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GFile *dir = g_object_get_data (G_OBJECT (task), "dir");
  GError *error = NULL;

  if (rp_session_save (dir, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
autosave_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not save the session: %s", error->message);
}

static gboolean
autosave_cb (gpointer user_data)
{
  RpWindow *self = user_data;
  g_autoptr(GTask) task = NULL;

  self->autosave_id = 0;
  if (self->document == NULL || rp_document_in_mask_edit (self->document))
    return G_SOURCE_REMOVE;
  /* A newer save replaces one still being written. */
  g_cancellable_cancel (self->autosave_cancellable);
  g_clear_object (&self->autosave_cancellable);
  self->autosave_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->autosave_cancellable, autosave_done, NULL);
  g_task_set_task_data (task, snapshot_session (self), (GDestroyNotify) rp_session_state_free);
  g_object_set_data_full (G_OBJECT (task), "dir", g_object_ref (self->session_dir), g_object_unref);
  g_task_run_in_thread (task, autosave_thread);
  return G_SOURCE_REMOVE;
}

void
rp_window_schedule_autosave (RpWindow *self)
{
  if (self->session_dir == NULL || self->document == NULL)
    return;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add_seconds (AUTOSAVE_DELAY_S, autosave_cb, self);
}

/* Saves now, blocking, if a save is waiting (the window is closing). */
static void
flush_autosave (RpWindow *self)
{
  g_autoptr(RpSessionState) state = NULL;
  g_autoptr(GError) error = NULL;

  if (self->autosave_id == 0 || self->document == NULL)
    return;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  state = snapshot_session (self);
  if (!rp_session_save (self->session_dir, state, NULL, &error))
    g_warning ("Could not save the session: %s", error->message);
}

static void
on_mask_changed (RpWindow *self)
{
  rp_window_schedule_autosave (self);
  rp_window_schedule_plan (self);
}

static void
watch_mask (RpWindow *self)
{
  RpMask *mask = self->document ? rp_document_get_mask (self->document) : NULL;

  if (self->watched_mask == mask)
    return;
  if (self->watched_mask != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_mask, on_mask_changed, self);
  g_set_object (&self->watched_mask, mask);
  if (mask != NULL)
    g_signal_connect_swapped (mask, "changed", G_CALLBACK (on_mask_changed), self);
}

static void
on_document_mask_changed (RpWindow   *self,
                          GParamSpec *pspec,
                          RpDocument *document)
{
  watch_mask (self);
  rp_window_schedule_autosave (self);
}

void
rp_window_set_document (RpWindow   *self,
                        RpDocument *document)
{
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_set_object (&self->document, document);
  if (document != NULL)
    {
      g_signal_connect_swapped (document, "notify::can-undo", G_CALLBACK (on_document_undo_changed), self);
      g_signal_connect_swapped (document, "notify::can-redo", G_CALLBACK (on_document_undo_changed), self);
      g_signal_connect_swapped (document, "notify::image", G_CALLBACK (on_document_image_changed), self);
      g_signal_connect_swapped (document, "notify::name", G_CALLBACK (on_document_name_changed), self);
      g_signal_connect_swapped (document, "notify::mask", G_CALLBACK (on_document_mask_changed), self);
    }
  watch_mask (self);
  rp_window_schedule_autosave (self);
  rp_canvas_set_document (self->canvas, document);
  gtk_stack_set_visible_child_name (self->stack, document ? "editor" : "empty");
  if (document != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, "edit");
  update_title (self);
  update_actions (self);
  update_undo_tooltips (self);
  rp_window_edit_document_changed (self);
  if (document != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

void
rp_window_add_toast (RpWindow   *self,
                     const char *title)
{
  g_return_if_fail (RP_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
show_error (RpWindow   *self,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_loading (RpWindow *self,
             gboolean  loading)
{
  if (loading)
    self->loading++;
  else if (self->loading > 0)
    self->loading--;
  gtk_spinner_set_spinning (self->spinner, self->loading > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->loading > 0);
}

typedef struct
{
  RpWindow *window;
  char     *name;
} LoadData;

static void
load_data_free (LoadData *d)
{
  g_object_unref (d->window);
  g_free (d->name);
  g_free (d);
}

static void
on_image_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LoadData *d = user_data;
  RpWindow *self = d->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == rp_image_load_file_async)
    image = rp_image_load_file_finish (result, &error);
  else
    image = rp_image_load_bytes_finish (result, &error);
  set_loading (self, FALSE);

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *heading = NULL;

          /* Translators: %s is a file name */
          heading = g_strdup_printf (_("Could Not Open “%s”"), d->name);
          g_message ("Opening %s failed: %s", d->name, error->message);
          show_error (self, heading, error->message);
        }
    }
  else
    {
      g_autoptr(RpDocument) document = rp_document_new (image);
      GFile *file = rp_image_get_file (image);

      rp_window_set_document (self, document);
      if (file != NULL && self->settings != NULL)
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *uri = parent ? g_file_get_uri (parent) : NULL;

          if (uri != NULL)
            g_settings_set_string (self->settings, "last-folder", uri);
        }
    }
  load_data_free (d);
}

static GCancellable *
restart_load (RpWindow *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  return self->load_cancellable;
}

/**
 * rp_window_open_file:
 * @file: a photo
 *
 * Decodes @file off the main thread and makes it the base image. A failure is explained
 * in a dialog and leaves the current work as it was.
 */
void
rp_window_open_file (RpWindow *self,
                     GFile    *file)
{
  LoadData *d;

  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  d = g_new0 (LoadData, 1);
  d->window = g_object_ref (self);
  d->name = g_file_get_basename (file);
  if (d->name == NULL)
    d->name = g_file_get_uri (file);
  rp_image_load_file_async (file, restart_load (self), on_image_loaded, d);
}

void
rp_window_open_stream (RpWindow     *self,
                       GInputStream *stream,
                       const char   *display_name)
{
  LoadData *d;

  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  d = g_new0 (LoadData, 1);
  d->window = g_object_ref (self);
  d->name = g_strdup (display_name);
  rp_image_load_stream_async (stream, display_name, restart_load (self), on_image_loaded, d);
}

static void
on_session_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpSessionState) state = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(RpDocument) document = NULL;

  set_loading (self, FALSE);
  if (state == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("The last session could not be restored: %s", error->message);
          rp_window_add_toast (self, _("Your last session could not be restored"));
        }
      return;
    }
  /* Someone opened a photo meanwhile: theirs wins. */
  if (self->document != NULL)
    return;
  document = rp_document_new (state->image);
  if (state->name != NULL)
    rp_document_set_name (document, state->name);
  rp_mask_set_from (rp_document_get_mask (document), state->mask);
  rp_window_set_document (self, document);
  rp_window_edit_restore (self, state);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  rp_window_add_toast (self, _("Your last session was restored"));
}

static void
load_session_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  RpSessionState *state = rp_session_load (task_data, cancellable, &error);

  if (state == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, state, (GDestroyNotify) rp_session_state_free);
}

/**
 * rp_window_restore_session:
 *
 * Brings back the photo and mask of the last session (after a crash or a restart), off
 * the main thread; nothing happens if there is none.
 */
void
rp_window_restore_session (RpWindow *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RP_IS_WINDOW (self));

  if (self->session_dir == NULL)
    return;
  set_loading (self, TRUE);
  task = g_task_new (NULL, self->cancellable, on_session_loaded, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (self->session_dir), g_object_unref);
  g_task_run_in_thread (task, load_session_thread);
}

gboolean
rp_window_get_loading (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), FALSE);
  return self->loading > 0;
}

/**
 * rp_window_get_document:
 *
 * Returns: (transfer none) (nullable): the open document
 */
RpDocument *
rp_window_get_document (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->document;
}

/**
 * rp_window_get_canvas:
 *
 * Returns: (transfer none): the canvas
 */
RpCanvas *
rp_window_get_canvas (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->canvas;
}

static GFile *
last_folder (RpWindow *self)
{
  g_autofree char *uri = self->settings ? g_settings_get_string (self->settings, "last-folder") : NULL;

  if (uri == NULL || *uri == '\0')
    return NULL;
  return g_file_new_for_uri (uri);
}

static void
on_open_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GFile) file = rp_file_chooser_finish (result, NULL);

  if (file != NULL)
    rp_window_open_file (self, file);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autoptr(GFile) folder = last_folder (self);

  rp_file_chooser_open_async (GTK_WINDOW (self), _("Open a Photo"), RP_FILE_KIND_IMAGE, folder,
                              self->cancellable, on_open_chosen, g_object_ref (self));
}

/* Several files at once: the first is the photo, the others its references. */
static void
open_files (RpWindow  *self,
            GFile    **files,
            guint      n_files)
{
  if (n_files == 0)
    return;
  rp_window_open_file (self, files[0]);
  if (n_files > 1)
    rp_reference_strip_add_files (rp_sidebar_get_reference_strip (self->sidebar), files + 1, n_files - 1);
}

static void
on_pasted (GFile        **files,
           guint          n_files,
           GInputStream  *stream,
           gpointer       user_data)
{
  RpWindow *self = user_data;

  if (n_files > 0)
    open_files (self, files, n_files);
  else if (stream != NULL)
    rp_window_open_stream (self, stream, _("Pasted Image"));
  else
    rp_window_add_toast (self, _("The clipboard holds no image"));
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  /* Pasting while a reference has the focus adds a reference. */
  if (focus != NULL && gtk_widget_get_ancestor (focus, RP_TYPE_REFERENCE_STRIP) != NULL)
    {
      gtk_widget_activate_action (widget, "win.paste-reference", NULL);
      return;
    }
  rp_image_transfer_read_clipboard (gtk_widget_get_clipboard (widget), self->cancellable, on_pasted,
                                    g_object_ref (self), g_object_unref);
}

static void
on_dropped (GFile        **files,
            guint          n_files,
            GInputStream  *stream,
            gpointer       user_data)
{
  RpWindow *self = user_data;

  if (n_files > 0)
    open_files (self, files, n_files);
  else if (stream != NULL)
    rp_window_open_stream (self, stream, _("Dropped Image"));
}

static void
setup_drop_target (RpWindow *self)
{
  /* The target lives as long as the window: no reference, or they would keep each other. */
  GtkDropTargetAsync *target = rp_image_transfer_drop_target (on_dropped, self, NULL);

  gtk_widget_add_controller (GTK_WIDGET (self->stack), GTK_EVENT_CONTROLLER (target));
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RpMask *mask = task_data;
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  GError *error = NULL;

  if (rp_mask_save_png (mask, file, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * rp_window_export_mask_async:
 * @file: the PNG to write
 *
 * Writes the current mask (a snapshot taken now) in a worker thread.
 */
void
rp_window_export_mask_async (RpWindow            *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (self->document != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_window_export_mask_async);
  g_task_set_task_data (task, rp_mask_copy (rp_document_get_mask (self->document)), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "file", g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, export_thread);
}

gboolean
rp_window_export_mask_finish (RpWindow      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_mask_exported (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RpWindow *self = RP_WINDOW (source);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);

  if (rp_window_export_mask_finish (self, result, &error))
    {
      g_autofree char *title = NULL;

      /* Translators: %s is a file name */
      title = g_strdup_printf (_("Mask saved as “%s”"), name);
      rp_window_add_toast (self, title);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_error (self, _("Could Not Save the Mask"), error->message);
    }
}

static void
on_export_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GFile) file = rp_file_chooser_finish (result, NULL);

  if (file != NULL && self->document != NULL)
    rp_window_export_mask_async (self, file, self->cancellable, on_mask_exported,
                                 g_object_ref (file));
}

static char *
mask_file_name (RpWindow *self)
{
  const char *name = rp_document_get_name (self->document);
  const char *dot = strrchr (name, '.');
  g_autofree char *stem = dot ? g_strndup (name, dot - name) : g_strdup (name);

  /* Translators: default file name of an exported mask, %s is the photo's name */
  return g_strdup_printf (_("%s-mask.png"), stem);
}

/**
 * rp_window_suggest_file_name:
 * @action: "win.export-mask" or "win.save-result"
 *
 * Returns: (transfer full) (nullable): the file name that action's dialog offers, or
 *   %NULL when there is no photo or the action saves nothing
 */
char *
rp_window_suggest_file_name (RpWindow   *self,
                             const char *action)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);

  if (self->document == NULL)
    return NULL;
  if (g_str_equal (action, "win.export-mask"))
    return mask_file_name (self);
  if (g_str_equal (action, "win.save-result"))
    return rp_window_edit_result_file_name (self);
  return NULL;
}

static void
export_mask_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autoptr(GFile) folder = last_folder (self);
  g_autofree char *name = NULL;

  if (self->document == NULL)
    return;
  name = mask_file_name (self);
  rp_file_chooser_save_async (GTK_WINDOW (self), _("Export Mask"), RP_FILE_KIND_PNG, folder, name,
                              self->cancellable, on_export_chosen, g_object_ref (self));
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  int width = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "width"));
  int height = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "height"));
  GError *error = NULL;
  RpMask *mask = rp_mask_load_file (file, width, height, cancellable, &error);

  if (mask == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, mask, g_object_unref);
}

/**
 * rp_window_import_mask_async:
 * @file: a PNG in the export format, of the photo's size
 *
 * Reads @file in a worker thread and, if it fits, makes it the mask (one undo step).
 */
void
rp_window_import_mask_async (RpWindow            *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RpImage *image;

  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (self->document != NULL);

  image = rp_document_get_image (self->document);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_window_import_mask_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_object_set_data (G_OBJECT (task), "width", GINT_TO_POINTER (rp_image_get_width (image)));
  g_object_set_data (G_OBJECT (task), "height", GINT_TO_POINTER (rp_image_get_height (image)));
  /* Remember which image the mask was checked against. */
  g_object_set_data_full (G_OBJECT (task), "image", g_object_ref (image), g_object_unref);
  g_task_run_in_thread (task, import_thread);
}

gboolean
rp_window_import_mask_finish (RpWindow      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_autoptr(RpMask) mask = NULL;
  RpMask *current;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  mask = g_task_propagate_pointer (G_TASK (result), error);
  if (mask == NULL)
    return FALSE;
  if (self->document == NULL ||
      g_object_get_data (G_OBJECT (result), "image") != rp_document_get_image (self->document))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The photo changed");
      return FALSE;
    }
  current = rp_document_get_mask (self->document);
  rp_document_begin_mask_edit (self->document);
  rp_mask_set_from (current, mask);
  rp_document_end_mask_edit (self->document, _("Import Mask"));
  return TRUE;
}

static void
on_mask_imported (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RpWindow *self = RP_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (rp_window_import_mask_finish (self, result, &error))
    rp_window_add_toast (self, _("Mask imported"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, _("Could Not Import the Mask"), error->message);
}

static void
on_import_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GFile) file = rp_file_chooser_finish (result, NULL);

  if (file != NULL && self->document != NULL)
    rp_window_import_mask_async (self, file, self->cancellable, on_mask_imported, NULL);
}

static void
import_mask_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autoptr(GFile) folder = last_folder (self);

  if (self->document == NULL)
    return;
  rp_file_chooser_open_async (GTK_WINDOW (self), _("Import Mask"), RP_FILE_KIND_PNG, folder,
                              self->cancellable, on_import_chosen, g_object_ref (self));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  if (self->document != NULL && !rp_document_in_mask_edit (self->document))
    rp_document_undo (self->document);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  if (self->document != NULL && !rp_document_in_mask_edit (self->document))
    rp_document_redo (self->document);
}

static void
mask_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  RpMask *mask;

  if (self->document == NULL || rp_document_in_mask_edit (self->document))
    return;
  mask = rp_document_get_mask (self->document);
  rp_document_begin_mask_edit (self->document);
  if (g_str_equal (action_name, "win.invert-mask"))
    {
      rp_mask_invert (mask);
      rp_document_end_mask_edit (self->document, _("Invert Mask"));
    }
  else
    {
      rp_mask_clear (mask);
      rp_document_end_mask_edit (self->document, _("Clear Mask"));
    }
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  if (self->document == NULL)
    return;
  if (g_str_equal (action_name, "win.zoom-in"))
    rp_canvas_zoom_in (self->canvas);
  else if (g_str_equal (action_name, "win.zoom-out"))
    rp_canvas_zoom_out (self->canvas);
  else if (g_str_equal (action_name, "win.zoom-fit"))
    rp_canvas_zoom_fit (self->canvas);
  else if (g_str_equal (action_name, "win.zoom-actual"))
    rp_canvas_zoom_actual (self->canvas);
  else if (rp_viewport_get_fit_mode (rp_canvas_get_viewport (self->canvas)))
    rp_canvas_zoom_actual (self->canvas);
  else
    rp_canvas_zoom_fit (self->canvas);
}

static void
brush_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  if (g_str_equal (action_name, "win.brush-bigger"))
    rp_canvas_grow_brush (self->canvas);
  else
    rp_canvas_shrink_brush (self->canvas);
}

static void
on_zoom_changed (RpWindow   *self,
                 GParamSpec *pspec,
                 RpCanvas   *canvas)
{
  g_autofree char *text = NULL;

  /* Translators: a zoom level, e.g. "63 %" */
  text = g_strdup_printf (_("%.0f %%"), rp_canvas_get_zoom (canvas) * 100.0);
  gtk_label_set_label (self->zoom_label, text);
}

static void
on_delete_toast_dismissed (AdwToast *toast,
                           RpWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (toast), "entry-id");
  RpHistoryEntry *entry;
  RpHistory *history;

  /* The window is going away: dispose already purged what was not undone. */
  if (self->deleted == NULL || self->gallery == NULL)
    return;
  entry = g_hash_table_lookup (self->deleted, id);
  history = rp_gallery_get_history (self->gallery);
  /* No Undo before the toast went away: now the files go. */
  if (entry != NULL && history != NULL)
    rp_history_purge (history, entry);
  g_hash_table_remove (self->deleted, id);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  RpHistoryEntry *entry = g_hash_table_lookup (self->deleted, id);
  RpHistory *history = rp_gallery_get_history (self->gallery);
  g_autoptr(GError) error = NULL;

  if (entry == NULL || history == NULL)
    return;
  if (!rp_history_restore (history, entry, &error))
    show_error (self, _("Could Not Restore the Edit"), error->message);
  g_hash_table_remove (self->deleted, id);
}

/* Deleting moves the entry out of sight at once; its files go when the Undo toast does. */
static void
delete_entry (RpWindow       *self,
              RpHistoryEntry *entry)
{
  RpHistory *history = rp_gallery_get_history (self->gallery);
  const char *id = rp_history_entry_get_id (entry);
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (history == NULL)
    return;
  if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_PENDING &&
      rp_history_entry_get_process_alive (entry))
    {
      rp_window_add_toast (self, _("This edit is still running"));
      return;
    }
  if (!rp_history_trash (history, entry, &error))
    {
      show_error (self, _("Could Not Delete the Edit"), error->message);
      return;
    }
  g_hash_table_insert (self->deleted, g_strdup (id), g_object_ref (entry));
  toast = adw_toast_new (_("Edit deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "entry-id", g_strdup (id), g_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_continue_editing (RpWindow       *self,
                     RpHistoryEntry *entry,
                     guint           index,
                     RpEntryWindow  *entry_window)
{
  rp_window_continue_from_entry (self, entry, index);
}

static void
on_run_again (RpWindow       *self,
              RpHistoryEntry *entry,
              gboolean        variation,
              RpEntryWindow  *entry_window)
{
  rp_window_run_entry (self, entry, variation);
}

static void
on_entry_delete_requested (RpWindow       *self,
                           RpHistoryEntry *entry,
                           gpointer        source)
{
  delete_entry (self, entry);
}

/**
 * rp_window_show_entry:
 * @entry: an edit from the history
 *
 * Opens the window with the edit's results, inputs and parameters.
 *
 * Returns: (transfer none): that window
 */
GtkWindow *
rp_window_show_entry (RpWindow       *self,
                      RpHistoryEntry *entry)
{
  RpEntryWindow *entry_window = rp_entry_window_new (GTK_WINDOW (self), entry,
                                                     rp_gallery_get_registry (self->gallery));

  g_signal_connect_object (entry_window, "continue-editing", G_CALLBACK (on_continue_editing), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (entry_window, "delete-requested", G_CALLBACK (on_entry_delete_requested), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (entry_window, "run-again", G_CALLBACK (on_run_again), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (entry_window));
  return GTK_WINDOW (entry_window);
}

static void
on_gallery_activated (RpWindow       *self,
                      RpHistoryEntry *entry,
                      RpGallery      *gallery)
{
  rp_window_show_entry (self, entry);
}

static void
on_clear_response (AdwMessageDialog *dialog,
                   const char       *response,
                   RpWindow         *self)
{
  RpHistory *history = rp_gallery_get_history (self->gallery);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "clear") != 0 || history == NULL)
    return;
  if (!rp_history_clear (history, &error))
    show_error (self, _("Could Not Clear the History"), error->message);
}

static void
clear_history_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Clear the History?"),
                                   _("Every finished edit and its files will be deleted. Edits "
                                     "that are still running are kept. This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear History"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_clear_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
  if (g_str_equal (g_variant_get_string (parameter, NULL), "history"))
    rp_gallery_focus_search (self->gallery);
}

/**
 * rp_window_get_gallery:
 *
 * Returns: (transfer none): the history gallery
 */
RpGallery *
rp_window_get_gallery (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->gallery;
}

/* The size slider is logarithmic: 0–100 spans RP_CANVAS_MIN_BRUSH_PX to MAX_BRUSH_PX, so
 * the sizes people use most (10–200 px) get most of its length. */
static gboolean
brush_size_to_slider (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  double size = g_value_get_double (from);

  g_value_set_double (to, 100.0 * log (size / RP_CANVAS_MIN_BRUSH_PX) /
                          log (RP_CANVAS_MAX_BRUSH_PX / RP_CANVAS_MIN_BRUSH_PX));
  return TRUE;
}

static gboolean
slider_to_brush_size (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      user_data)
{
  double v = g_value_get_double (from);

  g_value_set_double (to, round (RP_CANVAS_MIN_BRUSH_PX *
                                 pow (RP_CANVAS_MAX_BRUSH_PX / RP_CANVAS_MIN_BRUSH_PX, v / 100.0)));
  return TRUE;
}

static void
on_brush_size_changed (RpWindow   *self,
                       GParamSpec *pspec,
                       RpCanvas   *canvas)
{
  g_autofree char *text = NULL;

  /* Translators: a brush diameter in photo pixels */
  text = g_strdup_printf (_("%.0f px"), rp_canvas_get_brush_size (canvas));
  gtk_label_set_label (self->size_label, text);
}

static gboolean
rp_window_close_request (GtkWindow *window)
{
  RpWindow *self = RP_WINDOW (window);

  /* Edits on their way may already be paid for: closing stops them only if the person
   * says so. */
  if (!self->closing_confirmed && rp_window_edit_count_running (self) > 0)
    {
      rp_window_edit_confirm_close (self);
      return TRUE;
    }
  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  flush_autosave (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);

  return GTK_WINDOW_CLASS (rp_window_parent_class)->close_request (window);
}

static void
rp_window_dispose (GObject *object)
{
  RpWindow *self = RP_WINDOW (object);

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  rp_window_edit_dispose (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  if (self->watched_mask != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_mask, on_mask_changed, self);
  g_clear_object (&self->watched_mask);
  g_clear_object (&self->session_dir);
  g_clear_object (&self->autosave_cancellable);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->deleted != NULL && self->gallery != NULL && rp_gallery_get_history (self->gallery) != NULL)
    {
      GHashTableIter iter;
      gpointer entry;

      /* Toasts go with the window: what was deleted and not undone goes for good. */
      g_hash_table_iter_init (&iter, self->deleted);
      while (g_hash_table_iter_next (&iter, NULL, &entry))
        rp_history_purge (rp_gallery_get_history (self->gallery), entry);
    }
  g_clear_pointer (&self->deleted, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_WINDOW);

  G_OBJECT_CLASS (rp_window_parent_class)->dispose (object);
}

/* The history is the application's; "application" is set after construction. */
static void
on_application_changed (RpWindow   *self,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (RP_IS_APPLICATION (app))
    {
      RpApplication *rp_app = RP_APPLICATION (app);

      rp_gallery_set_registry (self->gallery, rp_application_get_registry (rp_app));
      rp_gallery_set_history (self->gallery, rp_application_get_history (rp_app));
      rp_sidebar_setup (self->sidebar, rp_application_get_registry (rp_app),
                        rp_application_get_secrets (rp_app), self->settings);
    }
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

/**
 * rp_window_get_sidebar:
 *
 * Returns: (transfer none): the options sidebar
 */
RpSidebar *
rp_window_get_sidebar (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->sidebar;
}

static void
add_tool_binding (GtkWidgetClass *widget_class,
                  guint           keyval,
                  const char     *tool)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "win.tool", "s", tool);
}

static void
rp_window_class_init (RpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = rp_window_dispose;
  window_class->close_request = rp_window_close_request;

  g_type_ensure (RP_TYPE_CANVAS);
  g_type_ensure (RP_TYPE_GALLERY);
  g_type_ensure (RP_TYPE_SIDEBAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/rp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, gallery);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, size_adjustment);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, size_label);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, redo_button);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.export-mask", NULL, export_mask_action);
  gtk_widget_class_install_action (widget_class, "win.import-mask", NULL, import_mask_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "win.invert-mask", NULL, mask_action);
  gtk_widget_class_install_action (widget_class, "win.clear-mask", NULL, mask_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-actual", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-toggle", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.brush-bigger", NULL, brush_action);
  gtk_widget_class_install_action (widget_class, "win.brush-smaller", NULL, brush_action);
  gtk_widget_class_install_action (widget_class, "win.clear-history", NULL, clear_history_action);
  gtk_widget_class_install_action (widget_class, "win.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-sidebar", NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export-mask", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.import-mask", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.invert-mask", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.clear-mask", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "win.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.zoom-actual", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_1, GDK_CONTROL_MASK, "win.zoom-actual", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketright, 0, "win.brush-bigger", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_bracketleft, 0, "win.brush-smaller", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, 0, "win.show-mask", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.page", "s", "edit");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.page", "s", "history");
  add_tool_binding (widget_class, GDK_KEY_b, "brush");
  add_tool_binding (widget_class, GDK_KEY_e, "eraser");
  add_tool_binding (widget_class, GDK_KEY_r, "rectangle");
  add_tool_binding (widget_class, GDK_KEY_l, "lasso");
  rp_window_edit_class_init (widget_class);
}

static GSettings *
maybe_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Without an installed schema (a test binary) the window works with defaults. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_ID, TRUE);
  return schema ? g_settings_new (BASE_ID) : NULL;
}

static void
rp_window_init (RpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = maybe_settings ();
  self->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->session_dir = rp_session_default_dir ();

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_object_bind_property_full (self->canvas, "brush-size", self->size_adjustment, "value",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               brush_size_to_slider, slider_to_brush_size, NULL, NULL);
  g_signal_connect_swapped (self->canvas, "notify::brush-size", G_CALLBACK (on_brush_size_changed), self);
  on_brush_size_changed (self, NULL, self->canvas);
  g_signal_connect_swapped (self->canvas, "notify::zoom", G_CALLBACK (on_zoom_changed), self);
  on_zoom_changed (self, NULL, self->canvas);

  if (self->settings != NULL)
    {
      g_autoptr(GAction) tool = g_settings_create_action (self->settings, "tool");
      g_autoptr(GAction) show_mask = g_settings_create_action (self->settings, "show-mask");

      g_action_map_add_action (G_ACTION_MAP (self), tool);
      g_action_map_add_action (G_ACTION_MAP (self), show_mask);
      g_settings_bind (self->settings, "tool", self->canvas, "tool", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "show-mask", self->canvas, "show-mask", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "brush-size", self->canvas, "brush-size", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "brush-hardness", self->canvas, "brush-hardness", G_SETTINGS_BIND_DEFAULT);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    {
      g_autoptr(GPropertyAction) tool = g_property_action_new ("tool", self->canvas, "tool");
      g_autoptr(GPropertyAction) show_mask = g_property_action_new ("show-mask", self->canvas, "show-mask");

      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (tool));
      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_mask));
      gtk_window_set_default_size (GTK_WINDOW (self), 1180, 780);
    }

  setup_drop_target (self);
  rp_window_edit_init (self);
  set_loading (self, FALSE);
  rp_window_set_document (self, NULL);
  g_signal_connect_swapped (self->gallery, "entry-activated", G_CALLBACK (on_gallery_activated), self);
  g_signal_connect_swapped (self->gallery, "delete-requested", G_CALLBACK (on_entry_delete_requested), self);
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_changed), NULL);
}


/**
 * rp_window_new:
 * @application: (nullable): the application
 *
 * Returns: (transfer full): a new window
 */
RpWindow *
rp_window_new (GtkApplication *application)
{
  return g_object_new (RP_TYPE_WINDOW, "application", application, NULL);
}
