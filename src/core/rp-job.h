/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-history-entry.h"
#include "rp-image.h"
#include "rp-mask.h"
#include "rp-params.h"
#include "rp-placement.h"

G_BEGIN_DECLS

/**
 * RpJobState:
 * @RP_JOB_STATE_QUEUED: waiting for a free slot (per-provider limit) or for its key
 * @RP_JOB_STATE_PREPARING: writing the files to send into the journal
 * @RP_JOB_STATE_UPLOADING: sending the request body
 * @RP_JOB_STATE_WAITING: the request is sent; waiting for the provider (also while polling
 *   an async task, and while waiting to retry)
 * @RP_JOB_STATE_RECEIVING: results are arriving
 * @RP_JOB_STATE_DONE: every result is in the journal, composited
 * @RP_JOB_STATE_FAILED: see rp_job_get_error()
 * @RP_JOB_STATE_CANCELLED: cancelled by the person
 *
 * The life of one edit. The last three are final.
 */
typedef enum {
  RP_JOB_STATE_QUEUED,
  RP_JOB_STATE_PREPARING,
  RP_JOB_STATE_UPLOADING,
  RP_JOB_STATE_WAITING,
  RP_JOB_STATE_RECEIVING,
  RP_JOB_STATE_DONE,
  RP_JOB_STATE_FAILED,
  RP_JOB_STATE_CANCELLED,
} RpJobState;

#define RP_TYPE_JOB_STATE (rp_job_state_get_type ())
GType rp_job_state_get_type (void);

#define RP_JOB_ERROR (rp_job_error_quark ())

/**
 * RpJobError:
 * @RP_JOB_ERROR_INVALID: the request or its inputs were refused (before sending, or by
 *   the provider as malformed)
 * @RP_JOB_ERROR_AUTH: no key, or the key was refused
 * @RP_JOB_ERROR_QUOTA: out of credit or over a spending limit
 * @RP_JOB_ERROR_RATE_LIMIT: too many requests, and waiting did not help
 * @RP_JOB_ERROR_MODERATION: refused by the provider's content filter
 * @RP_JOB_ERROR_NOT_FOUND: unknown model or address
 * @RP_JOB_ERROR_SERVER: the provider failed
 * @RP_JOB_ERROR_NETWORK: the connection failed or was cut
 * @RP_JOB_ERROR_TIMEOUT: no answer in time
 * @RP_JOB_ERROR_BAD_RESPONSE: the reply could not be used (not JSON, cut short, no image,
 *   not an image, too large)
 * @RP_JOB_ERROR_LOCAL: the journal or the compositing failed on this computer
 *
 * What kind of failure ended a job. A cancelled job reports %G_IO_ERROR_CANCELLED.
 */
typedef enum {
  RP_JOB_ERROR_INVALID,
  RP_JOB_ERROR_AUTH,
  RP_JOB_ERROR_QUOTA,
  RP_JOB_ERROR_RATE_LIMIT,
  RP_JOB_ERROR_MODERATION,
  RP_JOB_ERROR_NOT_FOUND,
  RP_JOB_ERROR_SERVER,
  RP_JOB_ERROR_NETWORK,
  RP_JOB_ERROR_TIMEOUT,
  RP_JOB_ERROR_BAD_RESPONSE,
  RP_JOB_ERROR_LOCAL,
} RpJobError;

#define RP_TYPE_JOB_RESULT (rp_job_result_get_type ())
G_DECLARE_FINAL_TYPE (RpJobResult, rp_job_result, RP, JOB_RESULT, GObject)

guint          rp_job_result_get_index          (RpJobResult *self);
GFile         *rp_job_result_get_raw            (RpJobResult *self);
GFile         *rp_job_result_get_composite      (RpJobResult *self);
GFile         *rp_job_result_get_thumbnail      (RpJobResult *self);
RpImageFormat  rp_job_result_get_format         (RpJobResult *self);
int            rp_job_result_get_width          (RpJobResult *self);
int            rp_job_result_get_height         (RpJobResult *self);
JsonObject    *rp_job_result_get_metadata       (RpJobResult *self);

#define RP_TYPE_JOB (rp_job_get_type ())
G_DECLARE_FINAL_TYPE (RpJob, rp_job, RP, JOB, GObject)

GQuark         rp_job_error_quark               (void);
const char    *rp_job_error_kind_to_string      (RpJobError   kind);
const char    *rp_job_state_to_string           (RpJobState   state);

RpJob         *rp_job_new                       (RpImage     *image,
                                                 RpMask      *mask,
                                                 const char  *prompt,
                                                 RpParams    *params);
RpJob         *rp_job_new_for_backend           (const char  *provider_id,
                                                 const char  *model_id,
                                                 RpImage     *image,
                                                 RpMask      *mask,
                                                 const char  *prompt);
void           rp_job_add_reference             (RpJob       *self,
                                                 RpImage     *reference);
void           rp_job_set_feather_radius        (RpJob       *self,
                                                 double       radius_px);
void           rp_job_set_photo_name            (RpJob       *self,
                                                 const char  *name);
gboolean       rp_job_set_context               (RpJob       *self,
                                                 const char  *context);
const char    *rp_job_get_context               (RpJob       *self);
const char    *rp_job_get_invalid_param         (RpJob       *self);
gboolean       rp_job_set_base_url              (RpJob       *self,
                                                 const char  *base_url,
                                                 GError     **error);
void           rp_job_cancel                    (RpJob       *self);

/* Inputs */
const char    *rp_job_get_provider_id           (RpJob       *self);
const char    *rp_job_get_model                 (RpJob       *self);
const char    *rp_job_get_prompt                (RpJob       *self);
RpImage       *rp_job_get_image                 (RpJob       *self);
const char    *rp_job_get_photo_name            (RpJob       *self);
RpMask        *rp_job_get_mask                  (RpJob       *self);
guint          rp_job_get_n_references          (RpJob       *self);
RpImage       *rp_job_get_reference             (RpJob       *self,
                                                 guint        index);
RpParams      *rp_job_get_params                (RpJob       *self);
double         rp_job_get_feather_radius        (RpJob       *self);
const char    *rp_job_get_base_url              (RpJob       *self);

/* Progress */
RpJobState     rp_job_get_state                 (RpJob       *self);
gboolean       rp_job_is_finished               (RpJob       *self);
gint64         rp_job_get_bytes_sent            (RpJob       *self);
gint64         rp_job_get_bytes_total           (RpJob       *self);
gint64         rp_job_get_bytes_received        (RpJob       *self);
double         rp_job_get_progress              (RpJob       *self);
guint          rp_job_get_attempt               (RpJob       *self);
guint          rp_job_get_n_partials            (RpJob       *self);
double         rp_job_get_elapsed               (RpJob       *self);
RpPlacement   *rp_job_get_placement             (RpJob       *self);
RpHistoryEntry *rp_job_get_entry                (RpJob       *self);
GListModel    *rp_job_get_results               (RpJob       *self);
const char    *rp_job_get_request_id            (RpJob       *self);
JsonNode      *rp_job_get_usage                 (RpJob       *self);

/* Failure */
const GError  *rp_job_get_error                 (RpJob       *self);
const char    *rp_job_get_provider_message      (RpJob       *self);
guint          rp_job_get_http_status           (RpJob       *self);
const char    *rp_job_get_provider_code         (RpJob       *self);
const char    *rp_job_get_next_step             (RpJob       *self);

G_END_DECLS
