/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-job.h"

G_BEGIN_DECLS

/* For RpService: everything that changes a job. Main context only; every setter notifies
 * what it changed. */

RpJobResult   *rp_job_result_new                (guint           index,
                                                 GFile          *raw,
                                                 GFile          *composite,
                                                 GFile          *thumbnail,
                                                 RpImageFormat   format,
                                                 int             width,
                                                 int             height,
                                                 JsonObject     *metadata);

GCancellable  *rp_job_get_cancellable           (RpJob          *self);
gboolean       rp_job_claim                     (RpJob          *self);
void           rp_job_set_state                 (RpJob          *self,
                                                 RpJobState      state);
void           rp_job_set_upload_progress       (RpJob          *self,
                                                 gint64          sent,
                                                 gint64          total);
void           rp_job_add_bytes_received        (RpJob          *self,
                                                 gint64          bytes);
void           rp_job_set_progress              (RpJob          *self,
                                                 double          fraction);
void           rp_job_set_attempt               (RpJob          *self,
                                                 guint           attempt);
void           rp_job_set_placement             (RpJob          *self,
                                                 RpPlacement    *placement);
void           rp_job_set_entry                 (RpJob          *self,
                                                 RpHistoryEntry *entry);
void           rp_job_set_private_journal       (RpJob          *self,
                                                 GFile          *dir);
void           rp_job_set_request_id            (RpJob          *self,
                                                 const char     *request_id);
void           rp_job_set_usage                 (RpJob          *self,
                                                 JsonNode       *usage);
void           rp_job_emit_partial              (RpJob          *self,
                                                 guint           index,
                                                 GFile          *file,
                                                 GdkPixbuf      *preview);
void           rp_job_add_result                (RpJob          *self,
                                                 RpJobResult    *result);
void           rp_job_set_failure               (RpJob          *self,
                                                 const GError   *error,
                                                 const char     *provider_message,
                                                 guint           http_status,
                                                 const char     *provider_code,
                                                 const char     *next_step);

void rp_job_set_invalid_param (RpJob      *self,
                               const char *param);

G_END_DECLS
