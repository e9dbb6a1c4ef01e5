/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  RP_FILE_KIND_IMAGE,   /* photos Repaint can open */
  RP_FILE_KIND_PNG,     /* masks */
} RpFileKind;

void   rp_file_chooser_open_async  (GtkWindow           *parent,
                                    const char          *title,
                                    RpFileKind           kind,
                                    GFile               *folder,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
void   rp_file_chooser_open_multiple_async (GtkWindow           *parent,
                                           const char          *title,
                                           RpFileKind           kind,
                                           GFile               *folder,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
void   rp_file_chooser_save_async  (GtkWindow           *parent,
                                    const char          *title,
                                    RpFileKind           kind,
                                    GFile               *folder,
                                    const char          *initial_name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
GFile *rp_file_chooser_finish      (GAsyncResult        *result,
                                    GError             **error);
GListModel *rp_file_chooser_finish_multiple (GAsyncResult  *result,
                                             GError       **error);

G_END_DECLS
