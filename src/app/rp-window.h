/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-canvas.h"
#include "rp-gallery.h"
#include "rp-sidebar.h"

G_BEGIN_DECLS

#define RP_TYPE_WINDOW (rp_window_get_type ())
G_DECLARE_FINAL_TYPE (RpWindow, rp_window, RP, WINDOW, AdwApplicationWindow)

RpWindow   *rp_window_new                 (GtkApplication      *application);
void        rp_window_open_file           (RpWindow            *self,
                                           GFile               *file);
void        rp_window_open_stream         (RpWindow            *self,
                                           GInputStream        *stream,
                                           const char          *display_name);
gboolean    rp_window_get_loading         (RpWindow            *self);
void        rp_window_restore_session     (RpWindow            *self);
RpDocument *rp_window_get_document        (RpWindow            *self);
RpCanvas   *rp_window_get_canvas          (RpWindow            *self);
void        rp_window_add_toast           (RpWindow            *self,
                                           const char          *title);
RpGallery  *rp_window_get_gallery         (RpWindow            *self);
RpSidebar  *rp_window_get_sidebar         (RpWindow            *self);
void        rp_window_update_plan         (RpWindow            *self);
RpJob      *rp_window_generate            (RpWindow            *self);
void        rp_window_run_entry           (RpWindow            *self,
                                           RpHistoryEntry      *entry,
                                           gboolean             variation);
void        rp_window_continue_from_entry (RpWindow            *self,
                                           RpHistoryEntry      *entry,
                                           guint                index);
GtkWidget  *rp_window_show_job_error      (RpWindow            *self,
                                           RpJob               *job);
RpJob      *rp_window_get_review_job      (RpWindow            *self);
RpImage    *rp_window_get_review_image    (RpWindow            *self);
void        rp_window_save_result_async   (RpWindow            *self,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    rp_window_save_result_finish  (RpWindow            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
const char *rp_window_get_blocker         (RpWindow            *self);
GtkWindow  *rp_window_show_entry          (RpWindow            *self,
                                           RpHistoryEntry      *entry);
char       *rp_window_suggest_file_name   (RpWindow            *self,
                                           const char          *action);

void        rp_window_export_mask_async   (RpWindow            *self,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    rp_window_export_mask_finish  (RpWindow            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
void        rp_window_import_mask_async   (RpWindow            *self,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    rp_window_import_mask_finish  (RpWindow            *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
