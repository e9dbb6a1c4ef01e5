/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rp-application.h"
#include "rp-file-chooser.h"
#include "rp-image-transfer.h"
#include "rp-job-row.h"
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

static RpService *
service (RpWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return RP_IS_APPLICATION (app) ? rp_application_get_service (RP_APPLICATION (app)) : NULL;
}

/* Shows @message where the person can fix it: the prompt, an option's row, or (images,
 * mask) just the reason under Generate. */
static void
show_problem (RpWindow   *self,
              const char *param,
              const char *message)
{
  if (g_strcmp0 (param, "prompt") == 0)
    rp_prompt_box_set_problem (prompt_box (self), message);
  else if (param != NULL)
    rp_sidebar_show_problem (self->sidebar, param, message);
  set_blocker (self, message);
}

static void
clear_problems (RpWindow *self)
{
  rp_prompt_box_set_problem (prompt_box (self), NULL);
  rp_sidebar_show_problem (self->sidebar, NULL, NULL);
}

/* The address the person set for the job's provider in Preferences, if any. */
static gboolean
apply_base_url (RpWindow  *self,
                RpJob     *job,
                GError   **error)
{
  g_autoptr(GVariant) urls = NULL;
  const char *url = NULL;

  if (self->settings == NULL)
    return TRUE;
  urls = g_settings_get_value (self->settings, "base-urls");
  if (g_variant_lookup (urls, rp_job_get_provider_id (job), "&s", &url))
    return rp_job_set_base_url (job, url, error);
  return TRUE;
}

/* The edit as it stands: the photo, the mask (none when nothing is painted), the prompt,
 * the references in order and the sidebar's choices. */
static RpJob *
make_job (RpWindow  *self,
          GError   **error)
{
  RpParams *params = rp_sidebar_get_params (self->sidebar);
  RpMask *mask = rp_document_get_mask (self->document);
  GListModel *references = rp_reference_strip_get_model (reference_strip (self));
  g_autofree char *prompt = rp_prompt_box_get_text (prompt_box (self));
  g_autoptr(RpJob) job = NULL;
  guint i;

  if (params == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Choose a service in the sidebar"));
      return NULL;
    }
  g_strstrip (prompt);
  job = rp_job_new (rp_document_get_image (self->document), rp_mask_is_empty (mask) ? NULL : mask, prompt, params);
  rp_job_set_photo_name (job, rp_document_get_name (self->document));
  for (i = 0; i < g_list_model_get_n_items (references); i++)
    {
      g_autoptr(RpImage) reference = g_list_model_get_item (references, i);

      rp_job_add_reference (job, reference);
    }
  if (self->settings != NULL)
    {
      g_autofree char *context = g_settings_get_string (self->settings, "crop-context");

      rp_job_set_context (job, context);
      rp_job_set_feather_radius (job, g_settings_get_double (self->settings, "feather"));
    }
  if (!apply_base_url (self, job, error))
    return NULL;
  return g_steal_pointer (&job);
}

static void
plan (RpWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpJob) job = NULL;
  RpService *svc = service (self);

  clear_problems (self);
  if (self->document == NULL)
    {
      rp_canvas_set_placement (self->canvas, NULL);
      set_blocker (self, _("Open a photo to edit"));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.generate", FALSE);
      return;
    }

  job = make_job (self, &error);
  /* The crop box shows even while, say, the prompt is still missing. */
  if (job != NULL && svc != NULL && rp_service_plan_job (svc, job, &error) == NULL)
    show_problem (self, rp_job_get_invalid_param (job), error->message);
  else if (job == NULL)
    show_problem (self, NULL, error->message);
  else if (svc == NULL)
    set_blocker (self, _("Repaint is still starting"));
  else if (rp_reference_strip_get_busy (reference_strip (self)))
    set_blocker (self, _("Reading the reference images…"));
  else
    set_blocker (self, NULL);
  rp_canvas_set_placement (self->canvas, job ? rp_job_get_placement (job) : NULL);
  rp_canvas_set_placement_is_local (self->canvas, rp_sidebar_get_provider (self->sidebar) != NULL &&
                                                  rp_provider_is_local (rp_sidebar_get_provider (self->sidebar)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.generate", self->blocker == NULL);
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

    /* Another photo now: its name goes with it. */
    rp_document_replace_image_named (self->document, image, rp_image_get_display_name (image),
                                     _("Use Reference as Base Image"));
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

/* ---- Jobs ----------------------------------------------------------------------------- */

static RpJobRow *
find_row (RpWindow *self,
          guint     number)
{
  GtkWidget *child;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (rp_sidebar_get_job_list (self->sidebar)));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (RP_IS_JOB_ROW (child) && rp_job_row_get_number (RP_JOB_ROW (child)) == number)
      return RP_JOB_ROW (child);
  return NULL;
}

static void
update_job_list (RpWindow *self)
{
  GtkWidget *list = GTK_WIDGET (rp_sidebar_get_job_list (self->sidebar));

  gtk_widget_set_visible (list, gtk_widget_get_first_child (list) != NULL);
}

static void start_review (RpWindow *self,
                          RpJob    *job,
                          guint     index);

static const char *
error_heading (RpJob *job)
{
  const GError *error = rp_job_get_error (job);

  if (error == NULL || error->domain != RP_JOB_ERROR)
    return _("The Edit Failed");
  switch (error->code)
    {
    case RP_JOB_ERROR_AUTH:
      return _("The API Key Was Not Accepted");
    case RP_JOB_ERROR_QUOTA:
      return _("The Account Is Out of Credit");
    case RP_JOB_ERROR_RATE_LIMIT:
      return _("Too Many Requests");
    case RP_JOB_ERROR_MODERATION:
      return _("The Service Refused the Request");
    case RP_JOB_ERROR_NETWORK:
      return _("The Service Could Not Be Reached");
    case RP_JOB_ERROR_TIMEOUT:
      return _("The Service Did Not Answer in Time");
    case RP_JOB_ERROR_SERVER:
      return _("The Service Had a Problem");
    case RP_JOB_ERROR_BAD_RESPONSE:
      return _("The Service Sent an Answer Repaint Cannot Read");
    case RP_JOB_ERROR_INVALID:
      return _("The Edit Cannot Be Sent");
    default:
      return _("The Edit Failed");
    }
}

/* The technical side of a failure, for the expander and for bug reports. Never holds a key. */
static char *
error_details (RpJob *job)
{
  const GError *error = rp_job_get_error (job);
  GString *details = g_string_new (NULL);

  g_string_append_printf (details, _("Service: %s"), rp_job_get_provider_id (job));
  g_string_append_c (details, '\n');
  g_string_append_printf (details, _("Model: %s"), rp_job_get_model (job) ? rp_job_get_model (job) : "—");
  if (error != NULL && error->domain == RP_JOB_ERROR)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, _("Kind: %s"), rp_job_error_kind_to_string (error->code));
    }
  if (rp_job_get_http_status (job) != 0)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, _("HTTP status: %u"), rp_job_get_http_status (job));
    }
  if (rp_job_get_provider_code (job) != NULL)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, _("Code: %s"), rp_job_get_provider_code (job));
    }
  if (rp_job_get_request_id (job) != NULL)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, _("Request: %s"), rp_job_get_request_id (job));
    }
  if (rp_job_get_provider_message (job) != NULL)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, _("The service said: %s"), rp_job_get_provider_message (job));
    }
  if (rp_job_get_attempt (job) > 1)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, _("Attempts: %u"), rp_job_get_attempt (job));
    }
  return g_string_free (details, FALSE);
}

static void
on_error_response (AdwMessageDialog *dialog,
                   const char       *response,
                   RpWindow         *self)
{
  const char *provider = g_object_get_data (G_OBJECT (dialog), "provider");

  if (g_strcmp0 (response, "key") == 0 && provider != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", "s", provider);
}

/**
 * rp_window_show_job_error:
 *
 * Explains why @job failed: what happened, the service's own words, what to do next, and
 * the technical detail behind an expander. The photo, mask, prompt and references are left
 * as they were.
 */
GtkWidget *
rp_window_show_job_error (RpWindow *self,
                          RpJob    *job)
{
  const GError *error = rp_job_get_error (job);
  g_autofree char *details = error_details (job);
  GString *body = g_string_new (error ? error->message : _("The edit failed."));
  GtkWidget *dialog, *expander, *label;

  if (rp_job_get_provider_message (job) != NULL && error != NULL &&
      strstr (error->message, rp_job_get_provider_message (job)) == NULL)
    g_string_append_printf (body, "\n\n“%s”", rp_job_get_provider_message (job));
  if (rp_job_get_next_step (job) != NULL)
    g_string_append_printf (body, "\n\n%s", rp_job_get_next_step (job));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), error_heading (job), body->str);
  g_string_free (body, TRUE);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  if (error != NULL && error->domain == RP_JOB_ERROR &&
      (error->code == RP_JOB_ERROR_AUTH || error->code == RP_JOB_ERROR_QUOTA))
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "key", _("_Check the Key…"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "key", ADW_RESPONSE_SUGGESTED);
      g_object_set_data_full (G_OBJECT (dialog), "provider", g_strdup (rp_job_get_provider_id (job)), g_free);
    }
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");

  label = gtk_label_new (details);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "caption");
  expander = gtk_expander_new_with_mnemonic (_("_Technical Details"));
  gtk_expander_set_child (GTK_EXPANDER (expander), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), expander);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_error_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

/* Tells the person, when they are in another window, that an edit finished. */
static void
notify_finished (RpWindow *self,
                 RpJob    *job)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  gboolean done = rp_job_get_state (job) == RP_JOB_STATE_DONE;

  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;
  notification = g_notification_new (done ? _("Edit Finished") : _("Edit Failed"));
  if (done)
    g_notification_set_body (notification, rp_job_row_title (job));
  else
    {
      const GError *error = rp_job_get_error (job);

      g_notification_set_body (notification, error ? error->message : rp_job_row_title (job));
    }
  g_notification_set_default_action (notification, "app.present");
  id = g_strdup_printf ("edit-%p", (gpointer) job);
  g_application_send_notification (app, id, notification);
}

static void
on_partial_image (RpWindow  *self,
                  guint      index,
                  GFile     *file,
                  GdkPixbuf *preview,
                  RpJob     *job)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (job != self->preview_job || preview == NULL || rp_canvas_get_reviewing (self->canvas))
    return;
  texture = gdk_texture_new_for_pixbuf (preview);
  rp_canvas_set_preview (self->canvas, texture, rp_job_get_placement (job));
}

static void
on_job_finished (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RpJob) job = user_data;
  g_autoptr(RpWindow) self = g_object_steal_data (G_OBJECT (job), "rp-window");
  g_autoptr(GError) error = NULL;
  gboolean ok = rp_service_run_job_finish (RP_SERVICE (source), result, &error);

  /* The window may be closing: its jobs were cancelled with it. */
  if (self == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (job == self->preview_job)
    {
      g_clear_object (&self->preview_job);
      rp_canvas_set_preview (self->canvas, NULL, NULL);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  notify_finished (self, job);
  if (!ok)
    {
      g_message ("An edit failed: %s", error->message);
      rp_window_show_job_error (self, job);
      return;
    }
  /* Straight to review when the photo is still the one the edit started from. */
  if (self->review_job == NULL && self->document != NULL &&
      rp_document_get_image (self->document) == rp_job_get_image (job))
    start_review (self, job, 0);
  else
    {
      AdwToast *toast = adw_toast_new (_("An edit is ready"));
      guint number = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (job), "rp-job-number"));

      adw_toast_set_button_label (toast, _("_Show"));
      adw_toast_set_action_name (toast, "win.show-job");
      adw_toast_set_action_target_value (toast, g_variant_new_uint32 (number));
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

static void start_job (RpWindow  *self,
                       RpJob     *job,
                       RpService *svc);

/**
 * rp_window_generate:
 *
 * Sends the edit as it stands (what Generate and Ctrl+Enter do). The photo, mask, prompt
 * and references stay as they are, so the person can go on or send again.
 *
 * Returns: (transfer none) (nullable): the job, or %NULL when the edit cannot be sent now
 *   (the reason is shown)
 */
RpJob *
rp_window_generate (RpWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpJob) job = NULL;
  RpService *svc;

  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);

  rp_window_update_plan (self);
  svc = service (self);
  if (self->blocker != NULL || svc == NULL)
    {
      rp_window_add_toast (self, self->blocker ? self->blocker : _("Repaint is still starting"));
      return NULL;
    }
  job = make_job (self, &error);
  if (job == NULL)
    {
      rp_window_add_toast (self, error->message);
      return NULL;
    }
  rp_prompt_box_remember (prompt_box (self));
  start_job (self, job, svc);
  return job;
}

/* Follows @job in a row of the sidebar, with its previews on the canvas, and sends it. */
static void
start_job (RpWindow  *self,
           RpJob     *job,
           RpService *svc)
{
  GtkWidget *row;
  guint number;

  number = ++self->next_job_number;
  g_object_set_data (G_OBJECT (job), "rp-job-number", GUINT_TO_POINTER (number));
  row = rp_job_row_new (job, number);
  gtk_list_box_prepend (rp_sidebar_get_job_list (self->sidebar), row);
  update_job_list (self);
  g_signal_connect_object (job, "partial-image", G_CALLBACK (on_partial_image), self, G_CONNECT_SWAPPED);
  g_set_object (&self->preview_job, job);

  g_object_set_data_full (G_OBJECT (job), "rp-window", g_object_ref (self), g_object_unref);
  rp_service_run_job_async (svc, job, self->cancellable, on_job_finished, g_object_ref (job));
}

/* Edits of this window still on their way. */
guint
rp_window_edit_count_running (RpWindow *self)
{
  GtkWidget *child;
  guint n = 0;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (rp_sidebar_get_job_list (self->sidebar)));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (RP_IS_JOB_ROW (child) && !rp_job_is_finished (rp_job_row_get_job (RP_JOB_ROW (child))))
      n++;
  return n;
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   RpWindow         *self)
{
  if (!g_str_equal (response, "stop"))
    return;
  self->closing_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

void
rp_window_edit_confirm_close (RpWindow *self)
{
  guint n = rp_window_edit_count_running (self);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   g_dngettext (GETTEXT_PACKAGE, "Stop the Running Edit?", "Stop the Running Edits?", n),
                                   g_dngettext (GETTEXT_PACKAGE,
                                                "An edit is still on its way. Closing the window stops it; the "
                                                "service may already have charged for it. What was sent stays "
                                                "in the history, ready to retry.",
                                                "Edits are still on their way. Closing the window stops them; the "
                                                "service may already have charged for them. What was sent stays "
                                                "in the history, ready to retry.", n));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Keep Working"),
                                    "stop", _("_Stop and Close"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- From the history ------------------------------------------------------------------ */

typedef struct
{
  RpWindow       *window;
  RpHistoryEntry *entry;
  RpProvider     *provider;
  gboolean        variation;
  guint           index;
  /* Continue: what comes back */
  RpImage        *image;
  RpMask         *mask;
  GPtrArray      *references;
} FromEntry;

static void
from_entry_free (FromEntry *d)
{
  g_object_unref (d->window);
  g_object_unref (d->entry);
  g_clear_object (&d->provider);
  g_clear_object (&d->image);
  g_clear_object (&d->mask);
  g_clear_pointer (&d->references, g_ptr_array_unref);
  g_free (d);
}

static void
again_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FromEntry *d = task_data;
  GError *error = NULL;
  RpJob *job = rp_job_new_from_entry (d->entry, d->provider, d->variation, cancellable, &error);

  if (job != NULL)
    g_task_return_pointer (task, job, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
on_again_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FromEntry *d = g_task_get_task_data (G_TASK (result));
  RpWindow *self = d->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpJob) job = g_task_propagate_pointer (G_TASK (result), &error);

  if (job == NULL || !apply_base_url (self, job, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Edit Cannot Be Sent Again"),
                                                      error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, "edit");
  adw_flap_set_reveal_flap (self->flap, TRUE);
  start_job (self, job, service (self));
}

/**
 * rp_window_run_entry:
 * @entry: an edit from the history
 * @variation: %TRUE for new results, %FALSE to send it again as it was
 *
 * Sends the edit of @entry again (its photo, mask, references, prompt and values), followed
 * in the sidebar like any edit. The work in the window is left alone.
 */
void
rp_window_run_entry (RpWindow       *self,
                     RpHistoryEntry *entry,
                     gboolean        variation)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  RpProvider *provider;
  FromEntry *d;

  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (RP_IS_HISTORY_ENTRY (entry));

  if (!RP_IS_APPLICATION (app) || service (self) == NULL)
    return;
  provider = rp_job_find_entry_provider (entry, rp_application_get_registry (RP_APPLICATION (app)), &error);
  if (provider == NULL)
    {
      rp_window_add_toast (self, error->message);
      return;
    }
  d = g_new0 (FromEntry, 1);
  d->window = g_object_ref (self);
  d->entry = g_object_ref (entry);
  d->provider = g_object_ref (provider);
  d->variation = variation;
  task = g_task_new (NULL, self->cancellable, on_again_ready, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) from_entry_free);
  g_task_run_in_thread (task, again_thread);
}

static void
continue_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  FromEntry *d = task_data;
  g_autoptr(GFile) file = rp_history_entry_get_composite (d->entry, d->index);
  GError *error = NULL;

  if (file == NULL)
    file = rp_history_entry_get_output (d->entry, d->index);
  d->image = file ? rp_image_load_file (file, cancellable, &error) : NULL;
  if (d->image == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("This edit has no result to continue from."));
      g_task_return_error (task, error);
      return;
    }
  /* The mask and references are a bonus: an older entry without them still continues. */
  if (rp_history_entry_has_source (d->entry))
    {
      d->mask = rp_history_entry_load_source_mask (d->entry, cancellable, NULL);
      if (d->mask != NULL && (rp_mask_get_width (d->mask) != rp_image_get_width (d->image) ||
                              rp_mask_get_height (d->mask) != rp_image_get_height (d->image)))
        g_clear_object (&d->mask);
    }
  d->references = rp_history_entry_load_references (d->entry, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
on_continue_ready (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FromEntry *d = g_task_get_task_data (G_TASK (result));
  RpWindow *self = d->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpDocument) document = NULL;
  RpReferenceStrip *strip = reference_strip (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        rp_window_add_toast (self, error->message);
      return;
    }
  document = rp_document_new (d->image);
  /* The result is that photo, edited: it goes on under the photo's name, not the file's. */
  if (rp_history_entry_get_source_name (d->entry) != NULL)
    rp_document_set_name (document, rp_history_entry_get_source_name (d->entry));
  rp_window_set_document (self, document);
  if (d->mask != NULL)
    {
      /* Its own step: Undo takes the mask away and keeps the result. */
      rp_document_begin_mask_edit (document);
      rp_mask_set_from (rp_document_get_mask (document), d->mask);
      rp_document_end_mask_edit (document, _("Restore the Mask"));
    }
  rp_reference_strip_clear (strip);
  for (guint i = 0; d->references != NULL && i < d->references->len; i++)
    rp_reference_strip_append (strip, g_ptr_array_index (d->references, i));
  rp_prompt_box_set_text (prompt_box (self), rp_history_entry_get_prompt (d->entry));
  if (d->provider != NULL)
    rp_sidebar_select (self->sidebar, rp_provider_get_id (d->provider), rp_history_entry_get_model (d->entry));
  rp_window_add_toast (self, d->mask != NULL ? _("Continuing from the result, with the mask, prompt and references of that edit")
                                             : _("Continuing from the result, with the prompt and references of that edit"));
}

/**
 * rp_window_continue_from_entry:
 * @index: the result to continue from
 *
 * Makes result @index of @entry the photo, and brings back that edit's mask (as a step Undo
 * takes back), prompt, references and provider, to refine it further.
 */
void
rp_window_continue_from_entry (RpWindow       *self,
                               RpHistoryEntry *entry,
                               guint           index)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GTask) task = NULL;
  FromEntry *d;

  g_return_if_fail (RP_IS_WINDOW (self));
  g_return_if_fail (RP_IS_HISTORY_ENTRY (entry));

  d = g_new0 (FromEntry, 1);
  d->window = g_object_ref (self);
  d->entry = g_object_ref (entry);
  d->index = index;
  if (RP_IS_APPLICATION (app))
    {
      RpProvider *provider = rp_provider_registry_lookup (rp_application_get_registry (RP_APPLICATION (app)),
                                                          rp_history_entry_get_provider (entry));

      d->provider = provider ? g_object_ref (provider) : NULL;
    }
  task = g_task_new (NULL, self->cancellable, on_continue_ready, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) from_entry_free);
  g_task_run_in_thread (task, continue_thread);
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  rp_window_generate (RP_WINDOW (widget));
}

static void
cancel_job_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RpJobRow *row = find_row (RP_WINDOW (widget), g_variant_get_uint32 (parameter));

  if (row != NULL)
    rp_job_cancel (rp_job_row_get_job (row));
}

static void
dismiss_job_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  RpJobRow *row = find_row (self, g_variant_get_uint32 (parameter));

  if (row == NULL || !rp_job_is_finished (rp_job_row_get_job (row)))
    return;
  gtk_list_box_remove (rp_sidebar_get_job_list (self->sidebar), GTK_WIDGET (row));
  update_job_list (self);
}

static void
show_job_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  RpJobRow *row = find_row (self, g_variant_get_uint32 (parameter));
  RpJob *job = row ? rp_job_row_get_job (row) : NULL;

  if (job == NULL)
    return;
  if (rp_job_get_state (job) == RP_JOB_STATE_FAILED)
    rp_window_show_job_error (self, job);
  else if (rp_job_get_state (job) == RP_JOB_STATE_DONE)
    start_review (self, job, 0);
}

/* ---- Results under review -------------------------------------------------------------- */

static RpJobResult *
review_result (RpWindow *self)
{
  GListModel *results = self->review_job ? rp_job_get_results (self->review_job) : NULL;

  if (results == NULL || self->review_index >= g_list_model_get_n_items (results))
    return NULL;
  /* The list holds a reference; the caller does not need one. */
  {
    g_autoptr(RpJobResult) result = g_list_model_get_item (results, self->review_index);

    return result;
  }
}

static void
update_review_actions (RpWindow *self)
{
  gboolean ready = self->review_image != NULL;
  guint n = self->review_job ? g_list_model_get_n_items (rp_job_get_results (self->review_job)) : 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.apply-result", ready && self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.discard-result", self->review_job != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-result", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-result", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-result", self->review_index + 1 < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-result", self->review_index > 0);
}

/* The row of @job, once the person has dealt with its results. */
static void
dismiss_row_of (RpWindow *self,
                RpJob    *job)
{
  guint number = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (job), "rp-job-number"));
  RpJobRow *row = number ? find_row (self, number) : NULL;

  if (row != NULL && rp_job_is_finished (job))
    {
      gtk_list_box_remove (rp_sidebar_get_job_list (self->sidebar), GTK_WIDGET (row));
      update_job_list (self);
    }
}

static void
end_review (RpWindow *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  g_clear_object (&self->review_job);
  g_clear_object (&self->review_image);
  rp_canvas_set_result (self->canvas, NULL);
  while ((child = gtk_widget_get_first_child (self->result_choices)) != NULL)
    gtk_box_remove (GTK_BOX (self->result_choices), child);
  gtk_widget_set_visible (self->result_bar, FALSE);
  update_review_actions (self);
  rp_window_schedule_plan (self);
}

static void
on_review_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = rp_image_load_file_finish (result, &error);

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        rp_window_add_toast (self, error->message);
      return;
    }
  g_set_object (&self->review_image, image);
  rp_canvas_set_result (self->canvas, rp_image_get_pixbuf (image));
  update_review_actions (self);
}

static void
show_result (RpWindow *self,
             guint     index)
{
  RpJobResult *result;
  GtkWidget *child;
  guint i = 0;

  self->review_index = index;
  result = review_result (self);
  if (result == NULL)
    return;
  for (child = gtk_widget_get_first_child (self->result_choices); child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), i == index);

  g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  self->review_cancellable = g_cancellable_new ();
  g_clear_object (&self->review_image);
  update_review_actions (self);
  rp_image_load_file_async (rp_job_result_get_composite (result), self->review_cancellable, on_review_loaded,
                            g_object_ref (self));
}

static void
on_choice_toggled (GtkToggleButton *button,
                   RpWindow        *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "rp-index"));

  if (gtk_toggle_button_get_active (button) && index != self->review_index)
    show_result (self, index);
}

static GdkContentProvider *
on_choice_drag_prepare (GtkDragSource *source,
                        double         x,
                        double         y,
                        GFile         *composite)
{
  /* A file manager takes the finished picture as a file. */
  GSList files = { composite, NULL };

  return gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, &files);
}

static GtkWidget *
make_choice (RpWindow    *self,
             RpJobResult *result,
             guint        index,
             guint        n)
{
  GtkWidget *button = gtk_toggle_button_new ();
  g_autofree char *thumbnail = g_file_get_path (rp_job_result_get_thumbnail (result));
  GtkWidget *picture = gtk_image_new_from_file (thumbnail);
  GtkDragSource *source = gtk_drag_source_new ();
  g_autofree char *tooltip = NULL;

  gtk_image_set_pixel_size (GTK_IMAGE (picture), 32);
  gtk_button_set_child (GTK_BUTTON (button), picture);
  gtk_widget_add_css_class (button, "rp-result-choice");
  /* Translators: tooltip of one result among several, e.g. "Result 2 of 3 (drag it out to keep a copy)" */
  tooltip = g_strdup_printf (_("Result %u of %u (drag it out to keep a copy)"), index + 1, n);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data (G_OBJECT (button), "rp-index", GUINT_TO_POINTER (index));
  if (gtk_widget_get_first_child (self->result_choices) != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button),
                                 GTK_TOGGLE_BUTTON (gtk_widget_get_first_child (self->result_choices)));
  g_signal_connect (button, "toggled", G_CALLBACK (on_choice_toggled), self);

  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect_data (source, "prepare", G_CALLBACK (on_choice_drag_prepare),
                         g_object_ref (rp_job_result_get_composite (result)), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (source));
  return button;
}

static void
start_review (RpWindow *self,
              RpJob    *job,
              guint     index)
{
  GListModel *results = rp_job_get_results (job);
  guint i, n = g_list_model_get_n_items (results);

  if (n == 0 || self->document == NULL)
    return;
  end_review (self);
  self->review_job = g_object_ref (job);
  adw_view_stack_set_visible_child_name (self->view_stack, "edit");
  for (i = 0; i < n; i++)
    {
      g_autoptr(RpJobResult) result = g_list_model_get_item (results, i);

      gtk_box_append (GTK_BOX (self->result_choices), make_choice (self, result, i, n));
    }
  gtk_widget_set_visible (self->result_bar, TRUE);
  show_result (self, MIN (index, n - 1));
}

/* Tests: the result under review, once loaded. */
RpImage *
rp_window_get_review_image (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->review_image;
}

RpJob *
rp_window_get_review_job (RpWindow *self)
{
  g_return_val_if_fail (RP_IS_WINDOW (self), NULL);
  return self->review_job;
}

static void
apply_result_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autoptr(RpImage) image = NULL;

  if (self->review_image == NULL || self->document == NULL)
    return;
  image = g_object_ref (self->review_image);
  if (self->review_job != NULL)
    dismiss_row_of (self, self->review_job);
  end_review (self);
  rp_document_replace_image (self->document, image, _("Apply Result"));
  rp_window_add_toast (self, _("Result applied: the photo is now the edited one"));
}

static void
discard_result_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  if (self->review_job != NULL)
    dismiss_row_of (self, self->review_job);
  end_review (self);
}

static void
step_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  guint n = self->review_job ? g_list_model_get_n_items (rp_job_get_results (self->review_job)) : 0;

  if (g_str_equal (action_name, "win.next-result") && self->review_index + 1 < n)
    show_result (self, self->review_index + 1);
  else if (g_str_equal (action_name, "win.previous-result") && self->review_index > 0)
    show_result (self, self->review_index - 1);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);

  rp_canvas_set_show_original (self->canvas, !rp_canvas_get_show_original (self->canvas));
}

/* Compare: held, the photo shows until release; clicked, it switches. */
static void
on_compare_pressed (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    RpWindow        *self)
{
  self->compare_was_on = rp_canvas_get_show_original (self->canvas);
  self->compare_pressed_us = g_get_monotonic_time ();
  rp_canvas_set_show_original (self->canvas, !self->compare_was_on);
}

static void
on_compare_released (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     RpWindow        *self)
{
  if (g_get_monotonic_time () - self->compare_pressed_us > 300 * G_TIME_SPAN_MILLISECOND)
    rp_canvas_set_show_original (self->canvas, self->compare_was_on);
}

static void
copy_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autoptr(GdkTexture) texture = NULL;

  if (self->review_image == NULL)
    return;
  texture = gdk_texture_new_for_pixbuf (rp_image_get_pixbuf (self->review_image));
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), texture);
  rp_window_add_toast (self, _("Result copied"));
}

/* Save As: PNG is the composite itself; JPEG and WebP are encoded from it. */
static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *target = task_data;
  GFile *composite = g_object_get_data (G_OBJECT (task), "composite");
  GdkPixbuf *pixbuf = g_object_get_data (G_OBJECT (task), "pixbuf");
  g_autofree char *name = g_file_get_basename (target);
  g_autofree char *lower = g_ascii_strdown (name, -1);
  GError *error = NULL;
  gboolean ok;

  if (g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg"))
    {
      g_autoptr(GFileOutputStream) out = g_file_replace (target, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &error);
      g_autoptr(GdkPixbuf) opaque = NULL;

      /* JPEG has no transparency: flatten onto white, as a viewer would show it. */
      if (gdk_pixbuf_get_has_alpha (pixbuf))
        opaque = gdk_pixbuf_composite_color_simple (pixbuf, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                                                    GDK_INTERP_NEAREST, 255, 8, 0xffffffff, 0xffffffff);
      ok = out != NULL &&
           gdk_pixbuf_save_to_stream (opaque ? opaque : pixbuf, G_OUTPUT_STREAM (out), "jpeg", cancellable, &error,
                                      "quality", "92", NULL) &&
           g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error);
    }
  else if (g_str_has_suffix (lower, ".webp"))
    {
      g_autoptr(GFileOutputStream) out = g_file_replace (target, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &error);

      ok = out != NULL &&
           gdk_pixbuf_save_to_stream (pixbuf, G_OUTPUT_STREAM (out), "webp", cancellable, &error, "quality", "92", NULL) &&
           g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error);
    }
  else
    ok = g_file_copy (composite, target, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    rp_window_add_toast (self, _("Result saved"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Save the Result"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/**
 * rp_window_save_result_async:
 * @file: where to save the result under review: PNG, or JPEG or WebP by its extension
 */
void
rp_window_save_result_async (RpWindow            *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  RpJobResult *result = review_result (self);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (result == NULL || self->review_image == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No result is under review");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "composite", g_object_ref (rp_job_result_get_composite (result)),
                          g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "pixbuf", g_object_ref (rp_image_get_pixbuf (self->review_image)),
                          g_object_unref);
  g_task_run_in_thread (task, save_thread);
  g_object_unref (task);
}

gboolean
rp_window_save_result_finish (RpWindow      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RpWindow) self = user_data;
  g_autoptr(GFile) file = rp_file_chooser_finish (result, NULL);

  if (file != NULL)
    rp_window_save_result_async (self, file, self->cancellable, on_saved, g_object_ref (self));
}

/* The name Save the Result offers: the photo's, marked as edited. */
char *
rp_window_edit_result_file_name (RpWindow *self)
{
  g_autofree char *stem = g_strdup (rp_document_get_name (self->document));
  char *dot = strrchr (stem, '.');

  if (dot != NULL)
    *dot = '\0';
  /* Translators: the suggested file name of a saved result; %s is the photo's name */
  return g_strdup_printf (_("%s (edited).png"), stem);
}

static void
save_result_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpWindow *self = RP_WINDOW (widget);
  g_autofree char *name = NULL;

  if (self->review_image == NULL || self->document == NULL)
    return;
  name = rp_window_edit_result_file_name (self);
  rp_file_chooser_save_async (GTK_WINDOW (self), _("Save the Result"), RP_FILE_KIND_IMAGE, NULL, name,
                              self->cancellable, on_save_chosen, g_object_ref (self));
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
  if (self->review_job != NULL)
    end_review (self);
  rp_window_schedule_plan (self);
}

void
rp_window_edit_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, RpWindow, result_bar);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, result_choices);
  gtk_widget_class_bind_template_child (widget_class, RpWindow, compare_button);

  gtk_widget_class_install_action (widget_class, "win.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-job", "u", cancel_job_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-job", "u", dismiss_job_action);
  gtk_widget_class_install_action (widget_class, "win.show-job", "u", show_job_action);
  gtk_widget_class_install_action (widget_class, "win.apply-result", NULL, apply_result_action);
  gtk_widget_class_install_action (widget_class, "win.discard-result", NULL, discard_result_action);
  gtk_widget_class_install_action (widget_class, "win.next-result", NULL, step_result_action);
  gtk_widget_class_install_action (widget_class, "win.previous-result", NULL, step_result_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_install_action (widget_class, "win.copy-result", NULL, copy_result_action);
  gtk_widget_class_install_action (widget_class, "win.save-result", NULL, save_result_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_ALT_MASK, "win.apply-result", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.discard-result", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "win.next-result", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "win.previous-result", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_backslash, 0, "win.compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "win.copy-result", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-result", NULL);

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
  GtkGesture *compare = gtk_gesture_click_new ();

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (compare), GTK_PHASE_CAPTURE);
  g_signal_connect (compare, "pressed", G_CALLBACK (on_compare_pressed), self);
  g_signal_connect (compare, "released", G_CALLBACK (on_compare_released), self);
  gtk_widget_add_controller (self->compare_button, GTK_EVENT_CONTROLLER (compare));
  g_signal_connect_swapped (self->compare_button, "clicked", G_CALLBACK (gtk_widget_grab_focus), self->canvas);
  update_review_actions (self);

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
  g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  g_clear_object (&self->review_job);
  g_clear_object (&self->review_image);
  g_clear_object (&self->preview_job);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_pointer (&self->blocker, g_free);
}
