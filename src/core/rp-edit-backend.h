/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-history-entry.h"
#include "rp-job.h"
#include "rp-placement.h"

G_BEGIN_DECLS

/*
 * RpEditBackend: what produces the results of a job once RpService has validated it,
 * planned the placement and written the files to send into its journal entry. The HTTP
 * engine is one backend (for every provider definition); a provider served without HTTP
 * (the offline fill, id "local") plugs in another with rp_service_add_backend().
 *
 * A backend reads its inputs from the RpEditRun, reports progress through it, and hands
 * over each finished image as a .part file of the entry (rp_history_entry_create_part());
 * the service commits it, composites it and tells the job. Everything happens on the
 * service's main context; blocking work belongs in the backend's own worker threads.
 */

typedef struct _RpEditRun RpEditRun;

/**
 * RpEditUpload:
 * @file: the exact file in the journal
 * @role: image, mask or reference
 * @format: its format (from its bytes)
 * @mime_type: its MIME type
 * @width: @height: its dimensions
 *
 * One file of the request, in upload order.
 */
typedef struct
{
  GFile         *file;
  RpHistoryRole  role;
  RpImageFormat  format;
  const char    *mime_type;
  int            width;
  int            height;
} RpEditUpload;

#define RP_TYPE_EDIT_BACKEND (rp_edit_backend_get_type ())
G_DECLARE_INTERFACE (RpEditBackend, rp_edit_backend, RP, EDIT_BACKEND, GObject)

/**
 * RpEditBackendInterface:
 * @run_async: produce the results of @run; cancel promptly when @cancellable is
 * @run_finish: %TRUE when every result was handed over, else %FALSE with the error (use
 *   %RP_JOB_ERROR codes, or %G_IO_ERROR_CANCELLED)
 */
struct _RpEditBackendInterface
{
  GTypeInterface parent_iface;

  void     (*run_async)  (RpEditBackend        *self,
                          RpEditRun            *run,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data);
  gboolean (*run_finish) (RpEditBackend        *self,
                          GAsyncResult         *result,
                          GError              **error);
};

void                rp_edit_backend_run_async        (RpEditBackend        *self,
                                                      RpEditRun            *run,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean            rp_edit_backend_run_finish       (RpEditBackend        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

RpJob              *rp_edit_run_get_job              (RpEditRun            *run);
RpHistoryEntry     *rp_edit_run_get_entry            (RpEditRun            *run);
RpPlacement        *rp_edit_run_get_placement        (RpEditRun            *run);
guint               rp_edit_run_get_n_uploads        (RpEditRun            *run);
const RpEditUpload *rp_edit_run_get_upload           (RpEditRun            *run,
                                                      guint                 index);
void                rp_edit_run_set_state            (RpEditRun            *run,
                                                      RpJobState            state);
void                rp_edit_run_set_upload_progress  (RpEditRun            *run,
                                                      gint64                sent,
                                                      gint64                total);
void                rp_edit_run_add_bytes_received   (RpEditRun            *run,
                                                      gint64                bytes);
void                rp_edit_run_set_progress         (RpEditRun            *run,
                                                      double                fraction);
void                rp_edit_run_set_attempt          (RpEditRun            *run,
                                                      guint                 attempt);
void                rp_edit_run_set_request_id       (RpEditRun            *run,
                                                      const char           *request_id);
void                rp_edit_run_set_usage            (RpEditRun            *run,
                                                      JsonNode             *usage);
gboolean            rp_edit_run_add_partial          (RpEditRun            *run,
                                                      GFile                *part,
                                                      guint                 index,
                                                      GError              **error);
gboolean            rp_edit_run_add_output           (RpEditRun            *run,
                                                      GFile                *part,
                                                      JsonObject           *metadata,
                                                      GError              **error);
void                rp_edit_run_set_failure_details  (RpEditRun            *run,
                                                      const char           *provider_message,
                                                      guint                 http_status,
                                                      const char           *provider_code,
                                                      const char           *next_step);

G_END_DECLS
