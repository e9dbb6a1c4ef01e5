/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-edit-backend.h"
#include "rp-history.h"
#include "rp-job.h"
#include "rp-secrets.h"

G_BEGIN_DECLS

/* Jobs of one provider that run at once; more wait in the queued state. */
#define RP_SERVICE_DEFAULT_MAX_JOBS_PER_PROVIDER 2

/*
 * RpService runs edit jobs. For each job, on the main context it validates the parameters
 * and plans the placement; in a worker thread it writes the exact files to send into a new
 * journal entry, committed `pending` before any byte goes on the wire; then a backend (the
 * HTTP engine for every provider definition) produces the results, each composited back
 * into the photo in a worker thread; the entry ends done, failed or cancelled.
 *
 * A window drives it like this: make an RpJob from the document, call
 * rp_service_run_job_async() with a GCancellable tied to the window, bind a row to the
 * job's properties (state, bytes-sent/bytes-total, attempt, elapsed, n-results), show
 * RpJob::partial-image previews and RpJob::result-added results as they come, and in the
 * callback show rp_job_get_error() with rp_job_get_next_step() unless it is
 * %G_IO_ERROR_CANCELLED. rp_service_get_jobs() lists what is queued or running.
 */

#define RP_TYPE_SERVICE (rp_service_get_type ())
G_DECLARE_FINAL_TYPE (RpService, rp_service, RP, SERVICE, GObject)

RpService   *rp_service_new                       (RpHistory            *history,
                                                   RpSecrets            *secrets);
RpHistory   *rp_service_get_history               (RpService            *self);
RpSecrets   *rp_service_get_secrets               (RpService            *self);
void         rp_service_set_api_key               (RpService            *self,
                                                   const char           *provider_id,
                                                   const char           *key);
guint        rp_service_get_max_jobs_per_provider (RpService            *self);
void         rp_service_set_max_jobs_per_provider (RpService            *self,
                                                   guint                 max_jobs);
double       rp_service_get_read_timeout          (RpService            *self);
void         rp_service_set_read_timeout          (RpService            *self,
                                                   double                timeout_s);
double       rp_service_get_connect_timeout       (RpService            *self);
void         rp_service_set_connect_timeout       (RpService            *self,
                                                   double                timeout_s);
void         rp_service_add_backend               (RpService            *self,
                                                   const char           *provider_id,
                                                   RpEditBackend        *backend);
GListModel  *rp_service_get_jobs                  (RpService            *self);

RpPlacement *rp_service_plan_job                  (RpService            *self,
                                                   RpJob                *job,
                                                   GError              **error);
void         rp_service_run_job_async             (RpService            *self,
                                                   RpJob                *job,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean     rp_service_run_job_finish            (RpService            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
