/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-job-row"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-job-row.h"

/*
 * RpJobRow: one edit on its way, in the sidebar: the prompt, what is happening (bytes sent,
 * then the time the model has been at it, or how far the offline fill is), a progress bar,
 * and Cancel; once finished, a
 * button to see the results again or the error, and one to dismiss the row. The buttons
 * activate window actions with the job's row index, so the window decides what they do.
 */

struct _RpJobRow
{
  GtkListBoxRow  parent_instance;

  RpJob         *job;
  GtkWidget     *title;
  GtkWidget     *status;
  GtkWidget     *progress;
  GtkWidget     *cancel_button;
  GtkWidget     *show_button;
  GtkWidget     *dismiss_button;
  char          *status_text;
  guint          number;
};

G_DEFINE_FINAL_TYPE (RpJobRow, rp_job_row, GTK_TYPE_LIST_BOX_ROW)

static char *
format_elapsed (double seconds)
{
  int s = (int) seconds;

  /* Translators: elapsed minutes and seconds, e.g. "1:05" */
  return g_strdup_printf (_("%d:%02d"), s / 60, s % 60);
}

static gboolean
is_local (RpJob *job)
{
  RpParams *params = rp_job_get_params (job);

  return params != NULL && rp_provider_is_local (rp_params_get_provider (params));
}

/**
 * rp_job_row_title:
 *
 * Returns: (transfer none): what names @job: the prompt, or for a model that reads none
 *   (the offline fill) its name
 */
const char *
rp_job_row_title (RpJob *job)
{
  RpParams *params = rp_job_get_params (job);
  RpModelSpec *spec = params != NULL ? rp_params_get_spec (params) : NULL;

  if (*rp_job_get_prompt (job) != '\0')
    return rp_job_get_prompt (job);
  if (spec != NULL && rp_model_spec_lookup_param (spec, "prompt") == NULL)
    return rp_model_spec_get_display_name (spec);
  return _("No prompt");
}

/**
 * rp_job_row_describe_progress:
 *
 * Returns: (transfer full): one translated line saying where @job is
 */
char *
rp_job_row_describe_progress (RpJob *job)
{
  g_autofree char *elapsed = format_elapsed (rp_job_get_elapsed (job));
  RpJobState state = rp_job_get_state (job);
  guint attempt = rp_job_get_attempt (job);
  g_autofree char *line = NULL;

  switch (state)
    {
    case RP_JOB_STATE_QUEUED:
      line = g_strdup (_("Waiting for an earlier edit to finish"));
      break;
    case RP_JOB_STATE_PREPARING:
      line = g_strdup (_("Preparing the images…"));
      break;
    case RP_JOB_STATE_UPLOADING:
      {
        g_autofree char *sent = g_format_size (rp_job_get_bytes_sent (job));
        g_autofree char *total = g_format_size (rp_job_get_bytes_total (job));

        /* Translators: "Sending 1.2 MB of 3.4 MB" */
        line = g_strdup_printf (_("Sending %s of %s"), sent, total);
      }
      break;
    case RP_JOB_STATE_WAITING:
      if (is_local (job) && rp_job_get_progress (job) >= 0)
        /* Translators: the offline fill at work, e.g. "Filling… 42 %" */
        line = g_strdup_printf (_("Filling… %d %%"), (int) (rp_job_get_progress (job) * 100));
      else
        /* Translators: %s is the time since the edit was sent, e.g. "0:42" */
        line = g_strdup_printf (_("The model is working… %s"), elapsed);
      break;
    case RP_JOB_STATE_RECEIVING:
      {
        g_autofree char *received = g_format_size (rp_job_get_bytes_received (job));

        /* Translators: "Receiving 2.1 MB… 0:42" */
        line = g_strdup_printf (_("Receiving %s… %s"), received, elapsed);
      }
      break;
    case RP_JOB_STATE_DONE:
      {
        guint n = g_list_model_get_n_items (rp_job_get_results (job));

        /* Translators: "2 results in 0:42" */
        line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u result in %s", "%u results in %s", n),
                                n, elapsed);
      }
      break;
    case RP_JOB_STATE_FAILED:
      {
        const GError *error = rp_job_get_error (job);

        line = g_strdup (error ? error->message : _("Failed"));
      }
      break;
    case RP_JOB_STATE_CANCELLED:
      line = g_strdup (_("Cancelled"));
      break;
    default:
      line = g_strdup ("");
    }
  if (attempt > 1 && !rp_job_is_finished (job))
    {
      /* Translators: the progress line, then which attempt this is */
      char *with_attempt = g_strdup_printf (_("%s (attempt %u)"), line, attempt);

      g_free (line);
      line = with_attempt;
    }
  return g_steal_pointer (&line);
}

static void
update (RpJobRow *self)
{
  RpJobState state = rp_job_get_state (self->job);
  gboolean finished = rp_job_is_finished (self->job);

  g_free (self->status_text);
  self->status_text = rp_job_row_describe_progress (self->job);
  gtk_label_set_label (GTK_LABEL (self->status), self->status_text);
  gtk_widget_set_tooltip_text (self->status, self->status_text);

  if (state == RP_JOB_STATE_UPLOADING && rp_job_get_bytes_total (self->job) > 0)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                   (double) rp_job_get_bytes_sent (self->job) / rp_job_get_bytes_total (self->job));
  else if (state == RP_JOB_STATE_WAITING && rp_job_get_progress (self->job) >= 0)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), rp_job_get_progress (self->job));
  else if (state == RP_JOB_STATE_WAITING || state == RP_JOB_STATE_RECEIVING || state == RP_JOB_STATE_PREPARING)
    gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
  else if (state == RP_JOB_STATE_QUEUED)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_widget_set_visible (self->progress, !finished);

  gtk_widget_set_visible (self->cancel_button, !finished);
  gtk_widget_set_visible (self->dismiss_button, finished);
  gtk_widget_set_visible (self->show_button, state == RP_JOB_STATE_DONE || state == RP_JOB_STATE_FAILED);
  gtk_button_set_label (GTK_BUTTON (self->show_button),
                        state == RP_JOB_STATE_FAILED ? _("_Details") : _("_Show"));
  if (state == RP_JOB_STATE_FAILED)
    gtk_widget_add_css_class (self->status, "error");
  else
    gtk_widget_remove_css_class (self->status, "error");
  if (state == RP_JOB_STATE_DONE)
    gtk_widget_add_css_class (self->status, "success");
  else
    gtk_widget_remove_css_class (self->status, "success");
}

static void
on_job_notify (RpJobRow   *self,
               GParamSpec *pspec,
               RpJob      *job)
{
  update (self);
}

/**
 * rp_job_row_new:
 * @number: the window's number for @job, the target of the row's actions
 *
 * Returns: (transfer floating): a row following @job
 */
GtkWidget *
rp_job_row_new (RpJob *job,
                guint  number)
{
  RpJobRow *self;
  g_autofree char *accessible = NULL;

  g_return_val_if_fail (RP_IS_JOB (job), NULL);

  self = g_object_new (RP_TYPE_JOB_ROW, NULL);
  self->job = g_object_ref (job);
  self->number = number;
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->cancel_button), "u", number);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->show_button), "u", number);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->dismiss_button), "u", number);
  gtk_label_set_label (GTK_LABEL (self->title), rp_job_row_title (job));
  gtk_widget_set_tooltip_text (self->title, rp_job_row_title (job));
  /* Translators: accessible name of the row of a running edit; %s is its prompt */
  accessible = g_strdup_printf (_("Edit: %s"), rp_job_row_title (job));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect_object (job, "notify", G_CALLBACK (on_job_notify), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

RpJob *
rp_job_row_get_job (RpJobRow *self)
{
  g_return_val_if_fail (RP_IS_JOB_ROW (self), NULL);
  return self->job;
}

/* The status line as shown (tests). */
const char *
rp_job_row_get_status (RpJobRow *self)
{
  g_return_val_if_fail (RP_IS_JOB_ROW (self), NULL);
  return self->status_text;
}

guint
rp_job_row_get_number (RpJobRow *self)
{
  g_return_val_if_fail (RP_IS_JOB_ROW (self), 0);
  return self->number;
}

static void
rp_job_row_dispose (GObject *object)
{
  RpJobRow *self = RP_JOB_ROW (object);

  g_clear_object (&self->job);
  g_clear_pointer (&self->status_text, g_free);

  G_OBJECT_CLASS (rp_job_row_parent_class)->dispose (object);
}

static void
rp_job_row_class_init (RpJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_job_row_dispose;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  return button;
}

static void
rp_job_row_init (RpJobRow *self)
{
  GtkWidget *box, *top, *texts;

  self->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->title, "heading");

  self->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->status, "caption");
  gtk_widget_add_css_class (self->status, "numeric");

  texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), self->title);
  gtk_box_append (GTK_BOX (texts), self->status);

  self->show_button = gtk_button_new_with_mnemonic (_("_Show"));
  gtk_widget_set_valign (self->show_button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->show_button), "win.show-job");
  self->cancel_button = icon_button ("process-stop-symbolic", _("Cancel"), "win.cancel-job");
  self->dismiss_button = icon_button ("window-close-symbolic", _("Dismiss"), "win.dismiss-job");

  top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (top), texts);
  gtk_box_append (GTK_BOX (top), self->show_button);
  gtk_box_append (GTK_BOX (top), self->cancel_button);
  gtk_box_append (GTK_BOX (top), self->dismiss_button);

  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_pulse_step (GTK_PROGRESS_BAR (self->progress), 0.15);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), self->progress);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
}
