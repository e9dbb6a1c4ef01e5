/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-file-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-file-chooser.h"

/* GtkFileDialog (GTK 4.10) where the toolkit has it, GtkFileChooserNative otherwise; both
 * go through the file chooser portal inside the Flatpak sandbox. A task returns a GFile, or
 * a GListModel of GFile for MODE_OPEN_MULTIPLE. */

typedef enum {
  MODE_OPEN,
  MODE_OPEN_MULTIPLE,
  MODE_SAVE,
} Mode;

static GListStore *
make_filters (RpFileKind kind)
{
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (kind == RP_FILE_KIND_PNG)
    {
      gtk_file_filter_set_name (filter, _("PNG Images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_suffix (filter, "png");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("Photos"));
      gtk_file_filter_add_mime_type (filter, "image/png");
      gtk_file_filter_add_mime_type (filter, "image/jpeg");
      gtk_file_filter_add_mime_type (filter, "image/webp");
      gtk_file_filter_add_mime_type (filter, "image/gif");
      gtk_file_filter_add_mime_type (filter, "image/bmp");
      gtk_file_filter_add_mime_type (filter, "image/tiff");
    }
  g_list_store_append (filters, filter);
  return filters;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
dialog_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Mode mode = GPOINTER_TO_INT (g_task_get_task_data (task));
  GError *error = NULL;
  gpointer file;

  if (mode == MODE_SAVE)
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error);
  else if (mode == MODE_OPEN_MULTIPLE)
    file = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result, &error);
  else
    file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, &error);
  if (file == NULL)
    {
      if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Dismissed");
        }
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, file, g_object_unref);
}

static void
run_chooser (GtkWindow           *parent,
             const char          *title,
             RpFileKind           kind,
             GFile               *folder,
             const char          *initial_name,
             Mode                 mode,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GListStore) filters = make_filters (kind);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, GINT_TO_POINTER (mode), NULL);
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  if (folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, folder);
  if (initial_name != NULL)
    gtk_file_dialog_set_initial_name (dialog, initial_name);
  if (mode == MODE_SAVE)
    gtk_file_dialog_save (dialog, parent, cancellable, dialog_done, task);
  else if (mode == MODE_OPEN_MULTIPLE)
    gtk_file_dialog_open_multiple (dialog, parent, cancellable, dialog_done, task);
  else
    gtk_file_dialog_open (dialog, parent, cancellable, dialog_done, task);
}

#else

static void
on_native_response (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;

  if (response == GTK_RESPONSE_ACCEPT &&
      gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (native)))
    {
      GListModel *files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

      if (g_list_model_get_n_items (files) > 0)
        {
          g_task_return_pointer (task, files, g_object_unref);
          return;
        }
      g_object_unref (files);
    }
  else if (response == GTK_RESPONSE_ACCEPT)
    {
      GFile *file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        {
          g_task_return_pointer (task, file, g_object_unref);
          return;
        }
    }
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Dismissed");
}

/* A hidden dialog answers no more: answer for it, so that the task ends and lets go of it.
 * Connected for as long as the dialog lives, never past it. */
static void
on_cancelled (GCancellable    *cancellable,
              GtkNativeDialog *native)
{
  gtk_native_dialog_hide (native);
  g_signal_emit_by_name (native, "response", GTK_RESPONSE_CANCEL);
}

static void
run_chooser (GtkWindow           *parent,
             const char          *title,
             RpFileKind           kind,
             GFile               *folder,
             const char          *initial_name,
             Mode                 mode,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  gboolean save = mode == MODE_SAVE;
  GtkFileChooserNative *native;
  g_autoptr(GListStore) filters = make_filters (kind);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  guint i;

  native = gtk_file_chooser_native_new (title, parent,
                                        save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                             : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        save ? _("_Save") : _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), mode == MODE_OPEN_MULTIPLE);
  for (i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (filters)); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (G_LIST_MODEL (filters), i);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
  if (initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);

  /* The task keeps the dialog alive until it answers. */
  g_task_set_task_data (task, native, g_object_unref);
  g_signal_connect (native, "response", G_CALLBACK (on_native_response), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
  /* Main thread only, like the windows that pass their cancellable. */
  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    on_cancelled (cancellable, GTK_NATIVE_DIALOG (native));
  else if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_cancelled), native, 0);
}

#endif

void
rp_file_chooser_open_async (GtkWindow           *parent,
                            const char          *title,
                            RpFileKind           kind,
                            GFile               *folder,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  run_chooser (parent, title, kind, folder, NULL, MODE_OPEN, cancellable, callback, user_data);
}

/* Finish with rp_file_chooser_finish_multiple(). */
void
rp_file_chooser_open_multiple_async (GtkWindow           *parent,
                                     const char          *title,
                                     RpFileKind           kind,
                                     GFile               *folder,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  run_chooser (parent, title, kind, folder, NULL, MODE_OPEN_MULTIPLE, cancellable, callback, user_data);
}

void
rp_file_chooser_save_async (GtkWindow           *parent,
                            const char          *title,
                            RpFileKind           kind,
                            GFile               *folder,
                            const char          *initial_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  run_chooser (parent, title, kind, folder, initial_name, MODE_SAVE, cancellable, callback, user_data);
}

/**
 * rp_file_chooser_finish:
 *
 * Returns: (transfer full): the chosen file, or %NULL with @error set (%G_IO_ERROR_CANCELLED
 *   when the person dismissed the dialog)
 */
GFile *
rp_file_chooser_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rp_file_chooser_finish_multiple:
 *
 * Returns: (transfer full): the chosen files (GFile), or %NULL with @error set
 */
GListModel *
rp_file_chooser_finish_multiple (GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
