/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-entry-window"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "rp-entry-window.h"
#include "rp-file-chooser.h"
#include "rp-gallery-item.h"
#include "rp-param-labels.h"

struct _RpEntryWindow
{
  AdwWindow         parent_instance;

  /* Template widgets */
  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  GtkPicture       *picture;
  GtkLabel         *showing_label;
  GtkBox           *results_box;
  GtkWidget        *compare_button;
  GtkWidget        *continue_button;
  GtkWidget        *again_button;
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *params_group;
  AdwPreferencesGroup *inputs_group;

  /* Owned */
  RpHistoryEntry   *entry;
  RpProviderRegistry *registry;
  GCancellable     *cancellable;
  GCancellable     *load_cancellable;
  GdkTexture       *result_texture;
  GdkTexture       *original_texture;

  /* State */
  guint             result;
  gboolean          comparing;
  guint             loading;
};

enum {
  CONTINUE_EDITING,
  DELETE_REQUESTED,
  RUN_AGAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpEntryWindow, rp_entry_window, ADW_TYPE_WINDOW)

static gboolean
has_results (RpEntryWindow *self)
{
  return rp_history_entry_get_n_outputs (self->entry) > 0;
}

/* What is shown for result @index: the composite at the photo's size, else the raw result. */
static GFile *
result_file (RpEntryWindow *self,
             guint          index)
{
  GFile *file = rp_history_entry_get_composite (self->entry, index);

  return file ? file : rp_history_entry_get_output (self->entry, index);
}

/* The photo as it was before the edit. */
static GFile *
original_file (RpEntryWindow *self)
{
  JsonObject *meta = rp_history_entry_get_metadata (self->entry);
  const char *name = rp_json_get_string (meta, "original");

  if (name != NULL && strchr (name, '/') == NULL && name[0] != '.')
    return g_file_get_child (rp_history_entry_get_dir (self->entry), name);
  return rp_history_entry_get_input (self->entry, 0, NULL);
}

static void
show_current (RpEntryWindow *self)
{
  GdkTexture *texture;

  if (!has_results (self) || self->comparing)
    {
      texture = self->original_texture;
      gtk_label_set_label (self->showing_label, _("Original"));
    }
  else
    {
      g_autofree char *text = NULL;

      texture = self->result_texture;
      if (rp_history_entry_get_n_outputs (self->entry) > 1)
        /* Translators: which of several results is shown, e.g. "Result 2 of 4" */
        text = g_strdup_printf (_("Result %u of %u"), self->result + 1, rp_history_entry_get_n_outputs (self->entry));
      else
        text = g_strdup (_("Result"));
      gtk_label_set_label (self->showing_label, text);
    }
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

typedef struct
{
  RpEntryWindow *self;
  gboolean       original;
} LoadData;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadData *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = rp_image_load_file_finish (result, &error);
  RpEntryWindow *self = d->self;

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("Could not show %s: %s", rp_history_entry_get_id (self->entry), error->message);
          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("The picture could not be read")));
        }
    }
  else
    {
      GdkTexture **slot = d->original ? &self->original_texture : &self->result_texture;

      g_clear_object (slot);
      *slot = gdk_texture_new_for_pixbuf (rp_image_get_pixbuf (image));
      show_current (self);
    }
  self->loading--;
  g_object_unref (self);
  g_free (d);
}

static void
load (RpEntryWindow *self,
      GFile         *file,
      gboolean       original)
{
  LoadData *d;

  if (file == NULL)
    return;
  d = g_new0 (LoadData, 1);
  d->self = g_object_ref (self);
  d->original = original;
  self->loading++;
  rp_image_load_file_async (file, original ? self->cancellable : self->load_cancellable, on_loaded, d);
}

void
rp_entry_window_set_result (RpEntryWindow *self,
                            guint          index)
{
  g_autoptr(GFile) file = NULL;
  GtkWidget *child;
  guint i = 0;

  g_return_if_fail (RP_IS_ENTRY_WINDOW (self));

  if (index >= rp_history_entry_get_n_outputs (self->entry))
    return;
  self->result = index;
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->results_box)); child;
       child = gtk_widget_get_next_sibling (child), i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), i == index);

  /* A newer choice cancels the load of an older one. */
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  file = result_file (self, index);
  load (self, file, FALSE);
}

guint
rp_entry_window_get_result (RpEntryWindow *self)
{
  g_return_val_if_fail (RP_IS_ENTRY_WINDOW (self), 0);
  return self->result;
}

/**
 * rp_entry_window_get_shown_file:
 *
 * Returns: (transfer full) (nullable): the file of the picture on screen
 */
GFile *
rp_entry_window_get_shown_file (RpEntryWindow *self)
{
  g_return_val_if_fail (RP_IS_ENTRY_WINDOW (self), NULL);
  if (!has_results (self) || self->comparing)
    return original_file (self);
  return result_file (self, self->result);
}

gboolean
rp_entry_window_get_comparing (RpEntryWindow *self)
{
  g_return_val_if_fail (RP_IS_ENTRY_WINDOW (self), FALSE);
  return self->comparing;
}

void
rp_entry_window_set_comparing (RpEntryWindow *self,
                               gboolean       comparing)
{
  g_return_if_fail (RP_IS_ENTRY_WINDOW (self));
  self->comparing = comparing && has_results (self);
  show_current (self);
}

gboolean
rp_entry_window_get_loading (RpEntryWindow *self)
{
  g_return_val_if_fail (RP_IS_ENTRY_WINDOW (self), FALSE);
  return self->loading > 0;
}

static void
on_compare_pressed (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    RpEntryWindow   *self)
{
  rp_entry_window_set_comparing (self, TRUE);
}

static void
on_compare_end (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                RpEntryWindow    *self)
{
  rp_entry_window_set_comparing (self, FALSE);
}

static void
on_result_toggled (GtkToggleButton *button,
                   RpEntryWindow   *self)
{
  if (gtk_toggle_button_get_active (button))
    {
      guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

      if (index != self->result || self->result_texture == NULL)
        rp_entry_window_set_result (self, index);
    }
}

static GtkWidget *
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value ? value : "");
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_action_row_set_subtitle_selectable (ADW_ACTION_ROW (row), TRUE);
#endif
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  return row;
}

static char *
node_to_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
    }
  return json_to_string (node, FALSE);
}

static const char *
role_label (RpHistoryRole role)
{
  switch (role)
    {
    case RP_HISTORY_ROLE_IMAGE:     return _("Image (the one the mask applies to)");
    case RP_HISTORY_ROLE_MASK:      return _("Mask");
    case RP_HISTORY_ROLE_REFERENCE: return _("Reference");
    default:                        return "";
    }
}

static void
fill_details (RpEntryWindow *self)
{
  JsonObject *meta = rp_history_entry_get_metadata (self->entry);
  JsonNode *node;
  RpHistoryStatus status = rp_history_entry_get_status (self->entry);
  g_autoptr(GDateTime) local = g_date_time_to_local (rp_history_entry_get_created (self->entry));
  /* Translators: date and time of an edit, see strftime(3) */
  g_autofree char *created = g_date_time_format (local, _("%x %X"));
  g_autofree char *source = rp_gallery_entry_source (self->registry, self->entry);
  const char *error_message = rp_history_entry_get_error_message (self->entry);
  const char *prompt = rp_history_entry_get_prompt (self->entry);
  const char *provider = rp_history_entry_get_provider (self->entry);
  const char *model = rp_history_entry_get_model (self->entry);
  gint64 total;
  guint i;

  /* The window's own title too: window lists and screen readers read that one. */
  gtk_window_set_title (GTK_WINDOW (self), rp_gallery_entry_title (self->registry, self->entry));
  adw_window_title_set_title (self->window_title, rp_gallery_entry_title (self->registry, self->entry));
  adw_window_title_set_subtitle (self->window_title, source);

  add_row (self->details_group, _("Status"), rp_gallery_status_label (status));
  if (error_message != NULL)
    gtk_widget_add_css_class (add_row (self->details_group, _("Problem"), error_message), "error");
  if (*prompt != '\0')
    add_row (self->details_group, _("Prompt"), prompt);
  add_row (self->details_group, _("Provider"), rp_gallery_provider_name (self->registry, provider));
  if (*model != '\0')
    add_row (self->details_group, _("Model"), rp_gallery_model_name (self->registry, provider, model));
  add_row (self->details_group, _("Started"), created);
  total = rp_json_get_int_or (rp_json_get_object (meta, "usage"), "total_tokens", -1);
  if (total >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, total);

      add_row (self->details_group, _("Tokens"), text);
    }
  if (rp_json_get_string (meta, "request_id") != NULL)
    add_row (self->details_group, _("Request"), rp_json_get_string (meta, "request_id"));

  node = json_object_get_member (meta, "params");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *params = json_node_get_object (node);
      GList *members = json_object_get_members (params), *l;

      members = g_list_sort (members, (GCompareFunc) g_strcmp0);
      for (l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *member = json_object_get_member (params, name);
          g_autofree char *value = NULL;

          /* Labelled as the sidebar labels them; the prompt is the person's own words. */
          if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING &&
              !g_str_equal (name, "prompt"))
            value = rp_param_choice_label (name, json_node_get_string (member));
          else
            value = node_to_text (member);
          add_row (self->params_group, rp_param_label (name), value);
        }
      g_list_free (members);
      gtk_widget_set_visible (GTK_WIDGET (self->params_group), members != NULL);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->params_group), FALSE);

  for (i = 0; i < rp_history_entry_get_n_inputs (self->entry); i++)
    {
      /* Any element of an edited file's list may be something other than an object. */
      JsonObject *input = rp_json_array_get_object (rp_json_get_array (meta, "inputs"), i);
      RpHistoryRole role = RP_HISTORY_ROLE_REFERENCE;
      GFile *file;
      const char *mime = rp_json_get_string (input, "mime");
      g_autofree char *size = g_format_size (MAX (0, rp_json_get_int_or (input, "bytes", 0)));
      g_autofree char *text = NULL;

      /* Only the role of the file is shown here. */
      file = rp_history_entry_get_input (self->entry, i, &role);
      g_clear_object (&file);
      /* Translators: an uploaded file: pixel size, type, bytes, e.g. "1024 × 1024 · image/png · 1.2 MB" */
      text = g_strdup_printf (_("%" PRId64 " × %" PRId64 " · %s · %s"),
                              rp_json_get_int_or (input, "width", 0),
                              rp_json_get_int_or (input, "height", 0),
                              mime != NULL ? mime : "", size);
      add_row (self->inputs_group, role_label (role), text);
    }
  /* The offline fill uploads nothing: what it kept is what it worked from. */
  if (rp_gallery_entry_is_local (self->registry, self->entry))
    {
      adw_preferences_group_set_title (self->inputs_group, _("Input"));
      adw_preferences_group_set_description (self->inputs_group,
                                             _("The photo and mask the fill used; nothing was uploaded"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->inputs_group), rp_history_entry_get_n_inputs (self->entry) > 0);
}

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (widget);

  if (has_results (self))
    {
      g_signal_emit (self, signals[CONTINUE_EDITING], 0, self->entry, self->result);
      gtk_window_close (GTK_WINDOW (self));
    }
}

/* The edit once more: a retry of one that did not finish, new variations of one that did. */
static gboolean
is_retry (RpEntryWindow *self)
{
  RpHistoryStatus status = rp_history_entry_get_status (self->entry);

  return status == RP_HISTORY_STATUS_FAILED || status == RP_HISTORY_STATUS_INTERRUPTED ||
         status == RP_HISTORY_STATUS_CANCELLED;
}

static void
run_again_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (widget);

  if (!rp_history_entry_has_source (self->entry))
    return;
  g_signal_emit (self, signals[RUN_AGAIN], 0, self->entry, !is_retry (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
update_again_button (RpEntryWindow *self)
{
  gboolean retry = is_retry (self);
  gboolean possible = rp_history_entry_has_source (self->entry) &&
                      rp_history_entry_get_status (self->entry) != RP_HISTORY_STATUS_PENDING;

  gtk_button_set_label (GTK_BUTTON (self->again_button), retry ? _("_Retry") : _("Run _Again"));
  gtk_widget_set_tooltip_text (self->again_button,
                               !rp_history_entry_has_source (self->entry)
                               ? _("This edit was made before Repaint kept the whole photo, so it cannot be sent again")
                               : retry ? _("Send this edit again, as it was (Ctrl+R)")
                                       : _("Send this edit again for new results (Ctrl+R)"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.run-again", possible);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (widget);

  if (self->result_texture == NULL)
    return;
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), self->result_texture);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Result copied")));
}

typedef struct
{
  GFile *source;
  GFile *dest;
} SaveData;

static void
save_data_free (SaveData *d)
{
  g_clear_object (&d->source);
  g_clear_object (&d->dest);
  g_free (d);
}

static const char *
pixbuf_type_for (GFile *dest)
{
  g_autofree char *name = g_utf8_strdown (g_file_peek_path (dest) ? g_file_peek_path (dest) : "", -1);

  if (g_str_has_suffix (name, ".jpg") || g_str_has_suffix (name, ".jpeg"))
    return "jpeg";
  if (g_str_has_suffix (name, ".webp"))
    return "webp";
  return "png";
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *d = task_data;
  const char *type = pixbuf_type_for (d->dest);
  g_autoptr(RpImage) image = NULL;
  g_autoptr(GdkPixbuf) flat = NULL;
  g_autofree char *buffer = NULL;
  gsize len;
  GError *error = NULL;
  GdkPixbuf *pixbuf;

  image = rp_image_load_file (d->source, cancellable, &error);
  if (image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pixbuf = rp_image_get_pixbuf (image);
  if (g_str_equal (type, "jpeg") && gdk_pixbuf_get_has_alpha (pixbuf))
    {
      /* JPEG has no alpha: composite over white, as image viewers show it. */
      flat = gdk_pixbuf_composite_color_simple (pixbuf, gdk_pixbuf_get_width (pixbuf),
                                                gdk_pixbuf_get_height (pixbuf), GDK_INTERP_NEAREST,
                                                255, 1, 0xffffffff, 0xffffffff);
      pixbuf = flat;
    }
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, type, &error,
                                  g_str_equal (type, "png") ? NULL : "quality",
                                  "95", NULL) ||
      !g_file_replace_contents (d->dest, buffer, len, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Result saved")));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *title = g_strdup_printf (_("Could not save: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
    }
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RpEntryWindow) self = user_data;
  g_autoptr(GFile) dest = rp_file_chooser_finish (result, NULL);
  g_autoptr(GTask) task = NULL;
  SaveData *d;

  if (dest == NULL)
    return;
  d = g_new0 (SaveData, 1);
  d->source = result_file (self, self->result);
  d->dest = g_object_ref (dest);
  task = g_task_new (self, self->cancellable, on_saved, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (widget);
  g_autofree char *name = NULL;

  if (!has_results (self))
    return;
  /* Translators: default file name of a saved result; %s is the edit's id */
  name = g_strdup_printf (_("repaint-%s.png"), rp_history_entry_get_id (self->entry));
  rp_file_chooser_save_async (GTK_WINDOW (self), _("Save Result"), RP_FILE_KIND_IMAGE, NULL, name,
                              self->cancellable, on_save_chosen, g_object_ref (self));
}

static void
show_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (widget);

#if GTK_CHECK_VERSION (4, 10, 0)
  g_autoptr(GFile) shown = rp_entry_window_get_shown_file (self);
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (shown);

  gtk_file_launcher_open_containing_folder (launcher, GTK_WINDOW (self), NULL, NULL, NULL);
#else
  g_autofree char *uri = g_file_get_uri (rp_history_entry_get_dir (self->entry));

  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
#endif
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (widget);
  g_autoptr(RpHistoryEntry) entry = g_object_ref (self->entry);

  gtk_window_close (GTK_WINDOW (self));
  g_signal_emit (self, signals[DELETE_REQUESTED], 0, entry);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 RpEntryWindow *self)
{
  g_autoptr(GFile) file = NULL;
  GSList *files;
  GdkContentProvider *provider;

  if (!has_results (self))
    return NULL;
  file = result_file (self, self->result);
  files = g_slist_prepend (NULL, file);
  provider = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, files);
  g_slist_free (files);
  return provider;
}

static void
rp_entry_window_dispose (GObject *object)
{
  RpEntryWindow *self = RP_ENTRY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->entry);
  g_clear_object (&self->registry);
  g_clear_object (&self->result_texture);
  g_clear_object (&self->original_texture);
  gtk_widget_dispose_template (GTK_WIDGET (self), RP_TYPE_ENTRY_WINDOW);

  G_OBJECT_CLASS (rp_entry_window_parent_class)->dispose (object);
}

static void
rp_entry_window_class_init (RpEntryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rp_entry_window_dispose;

  /**
   * RpEntryWindow::continue-editing:
   * @entry: the edit
   * @index: the result to continue from
   */
  signals[CONTINUE_EDITING] =
    g_signal_new ("continue-editing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, RP_TYPE_HISTORY_ENTRY, G_TYPE_UINT);
  /**
   * RpEntryWindow::run-again:
   * @entry: the edit
   * @variation: %TRUE for new results of a finished edit, %FALSE to retry one that did not
   *   finish
   */
  signals[RUN_AGAIN] =
    g_signal_new ("run-again", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, RP_TYPE_HISTORY_ENTRY, G_TYPE_BOOLEAN);
  /**
   * RpEntryWindow::delete-requested:
   * @entry: the edit to delete (the main window offers Undo)
   */
  signals[DELETE_REQUESTED] =
    g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, RP_TYPE_HISTORY_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/rp-entry-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, picture);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, showing_label);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, results_box);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, compare_button);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, continue_button);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, again_button);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, details_group);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, params_group);
  gtk_widget_class_bind_template_child (widget_class, RpEntryWindow, inputs_group);

  gtk_widget_class_install_action (widget_class, "entry.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "entry.run-again", NULL, run_again_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "entry.run-again", NULL);
  gtk_widget_class_install_action (widget_class, "entry.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "entry.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "entry.show-folder", NULL, show_folder_action);
  gtk_widget_class_install_action (widget_class, "entry.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "entry.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "entry.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "entry.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  /* As in the main window (an application accelerator there); this window is not the
   * application's, so it binds the key itself. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
rp_entry_window_init (RpEntryWindow *self)
{
  GtkGesture *press;
  GtkDragSource *drag;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->load_cancellable = g_cancellable_new ();

  /* Press and hold: the original while pressed, the result again on release. */
  press = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_compare_pressed), self);
  g_signal_connect (press, "end", G_CALLBACK (on_compare_end), self);
  gtk_widget_add_controller (self->compare_button, GTK_EVENT_CONTROLLER (press));

  drag = gtk_drag_source_new ();
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), self);
  gtk_widget_add_controller (GTK_WIDGET (self->picture), GTK_EVENT_CONTROLLER (drag));
}

/**
 * rp_entry_window_new:
 * @parent: the main window
 * @entry: the edit to show
 * @registry: (nullable): where the names of providers and models are looked up
 *
 * Returns: (transfer full): a window showing the edit's results, inputs and parameters
 */
RpEntryWindow *
rp_entry_window_new (GtkWindow          *parent,
                     RpHistoryEntry     *entry,
                     RpProviderRegistry *registry)
{
  RpEntryWindow *self;
  g_autoptr(GFile) original = NULL;
  guint i, n;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (entry), NULL);
  g_return_val_if_fail (registry == NULL || RP_IS_PROVIDER_REGISTRY (registry), NULL);

  self = g_object_new (RP_TYPE_ENTRY_WINDOW, "transient-for", parent, NULL);
  self->entry = g_object_ref (entry);
  self->registry = registry ? g_object_ref (registry) : NULL;
  n = rp_history_entry_get_n_outputs (entry);
  for (i = 0; n > 1 && i < n; i++)
    {
      g_autofree char *label = g_strdup_printf ("%u", i + 1);
      GtkWidget *button = gtk_toggle_button_new_with_label (label);
      g_autofree char *name = g_strdup_printf (_("Result %u"), i + 1);

      g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      g_signal_connect (button, "toggled", G_CALLBACK (on_result_toggled), self);
      gtk_box_append (self->results_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->results_box), n > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.continue", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.copy", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entry.save-as", n > 0);
  gtk_widget_set_sensitive (self->compare_button, n > 0);
  fill_details (self);
  update_again_button (self);

  original = original_file (self);
  load (self, original, TRUE);
  if (n > 0)
    rp_entry_window_set_result (self, 0);
  show_current (self);
  return self;
}

/**
 * rp_entry_window_get_entry:
 *
 * Returns: (transfer none): the edit shown
 */
RpHistoryEntry *
rp_entry_window_get_entry (RpEntryWindow *self)
{
  g_return_val_if_fail (RP_IS_ENTRY_WINDOW (self), NULL);
  return self->entry;
}
