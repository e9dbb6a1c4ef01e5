/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-service"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-history-private.h"
#include "rp-job-private.h"
#include "rp-png.h"
#include "rp-service-private.h"

/* Longest side of a streamed preview handed to the window. */
#define PREVIEW_MAX_EDGE_PX 1024
#define COPY_BUFFER_BYTES   (1024 * 1024)

G_DEFINE_INTERFACE (RpEditBackend, rp_edit_backend, G_TYPE_OBJECT)

static void
rp_edit_backend_default_init (RpEditBackendInterface *iface)
{
}

/**
 * rp_edit_backend_run_async:
 * @run: the prepared job
 * @cancellable: (nullable): cancels the run
 *
 * Produces the results of @run; see #RpEditBackendInterface.
 */
void
rp_edit_backend_run_async (RpEditBackend       *self,
                           RpEditRun           *run,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (RP_IS_EDIT_BACKEND (self));
  RP_EDIT_BACKEND_GET_IFACE (self)->run_async (self, run, cancellable, callback, user_data);
}

gboolean
rp_edit_backend_run_finish (RpEditBackend  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (RP_IS_EDIT_BACKEND (self), FALSE);
  return RP_EDIT_BACKEND_GET_IFACE (self)->run_finish (self, result, error);
}

struct _RpService
{
  GObject         parent_instance;

  RpHistory      *history;
  RpSecrets      *secrets;
  GHashTable     *keys;           /* provider id → key given with rp_service_set_api_key() */
  GHashTable     *backends;       /* provider id → RpEditBackend */
  RpEditBackend  *http;
  GListStore     *jobs;
  GHashTable     *active;         /* provider id → number of jobs holding a slot */
  GQueue          waiting;        /* RpEditRun, in submission order */
  guint           max_per_provider;
  double          read_timeout_s;
  double          connect_timeout_s;
};

enum {
  PROP_0,
  PROP_HISTORY,
  PROP_SECRETS,
  PROP_MAX_JOBS_PER_PROVIDER,
  PROP_READ_TIMEOUT,
  PROP_CONNECT_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (RpService, rp_service, G_TYPE_OBJECT)

typedef struct
{
  RpEditUpload  upload;
  gint64        n_bytes;
  gboolean      has_alpha;
} OwnedUpload;

struct _RpEditRun
{
  RpService      *service;
  RpJob          *job;
  GTask          *task;
  GCancellable   *cancellable;    /* the job's */
  GCancellable   *external;
  gulong          external_id;
  gulong          cancel_id;
  RpEditBackend  *backend;
  RpProvider     *provider;       /* NULL for a non-definition backend */
  char           *key;
  gboolean        holds_slot;
  gboolean        queued;
  RpHistory      *history;        /* the service's, or a private one */
  RpHistoryEntry *entry;
  GArray         *uploads;        /* OwnedUpload */

  /* Results. */
  guint           n_outputs;
  guint           n_composited;
  GQueue          composites;     /* guint index, waiting for the compositor */
  gboolean        compositing;
  GQueue          previews;       /* GFile + index, waiting to be decoded */
  GQueue          ready;          /* RpJobResult composited, shown after earlier previews */
  gboolean        decoding;
  gboolean        backend_done;
  guint           busy;           /* key lookup, preparation or backend still running */
  GError         *error;          /* the first failure */
  char           *provider_message;
  guint           http_status;
  char           *provider_code;
  char           *next_step;
  gboolean        finished;
};

static void run_next (RpService *self);
static void run_fail (RpEditRun *run, GError *error);
static void run_maybe_finish (RpEditRun *run);

/* ---- RpService ------------------------------------------------------------------------ */

static void
wipe_key (gpointer data)
{
  char *key = data;

  if (key != NULL)
    {
      memset (key, 0, strlen (key));
      g_free (key);
    }
}

static void
rp_service_dispose (GObject *object)
{
  RpService *self = RP_SERVICE (object);

  g_clear_object (&self->history);
  g_clear_object (&self->secrets);
  g_clear_object (&self->http);
  g_clear_pointer (&self->keys, g_hash_table_unref);
  g_clear_pointer (&self->backends, g_hash_table_unref);

  G_OBJECT_CLASS (rp_service_parent_class)->dispose (object);
}

static void
rp_service_finalize (GObject *object)
{
  RpService *self = RP_SERVICE (object);

  g_clear_object (&self->jobs);
  g_clear_pointer (&self->active, g_hash_table_unref);

  G_OBJECT_CLASS (rp_service_parent_class)->finalize (object);
}

static void
rp_service_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  RpService *self = RP_SERVICE (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;
    case PROP_MAX_JOBS_PER_PROVIDER:
      g_value_set_uint (value, self->max_per_provider);
      break;
    case PROP_READ_TIMEOUT:
      g_value_set_double (value, self->read_timeout_s);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_double (value, self->connect_timeout_s);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_service_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  RpService *self = RP_SERVICE (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      self->history = g_value_dup_object (value);
      break;
    case PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;
    case PROP_MAX_JOBS_PER_PROVIDER:
      rp_service_set_max_jobs_per_provider (self, g_value_get_uint (value));
      break;
    case PROP_READ_TIMEOUT:
      rp_service_set_read_timeout (self, g_value_get_double (value));
      break;
    case PROP_CONNECT_TIMEOUT:
      rp_service_set_connect_timeout (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_service_class_init (RpServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_service_dispose;
  object_class->finalize = rp_service_finalize;
  object_class->get_property = rp_service_get_property;
  object_class->set_property = rp_service_set_property;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, RP_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL, RP_TYPE_SECRETS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_JOBS_PER_PROVIDER] =
    g_param_spec_uint ("max-jobs-per-provider", NULL, NULL, 1, 64,
                       RP_SERVICE_DEFAULT_MAX_JOBS_PER_PROVIDER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Seconds without progress before a request is given up; 0 uses each provider's
   * `read_timeout_s`. Tests set a short one. */
  properties[PROP_READ_TIMEOUT] =
    g_param_spec_double ("read-timeout", NULL, NULL, 0, 86400, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_double ("connect-timeout", NULL, NULL, 0, 3600, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_service_init (RpService *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_key);
  self->backends = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->jobs = g_list_store_new (RP_TYPE_JOB);
  self->http = RP_EDIT_BACKEND (rp_http_backend_new ());
  self->max_per_provider = RP_SERVICE_DEFAULT_MAX_JOBS_PER_PROVIDER;
  g_queue_init (&self->waiting);
}

/**
 * rp_service_new:
 * @history: (nullable): the journal to keep edits in; %NULL keeps each job's files in a
 *   private temporary folder that is removed when the job is freed
 * @secrets: (nullable): where API keys come from; %NULL uses only rp_service_set_api_key()
 *
 * Returns: (transfer full): a service running jobs on the thread-default main context
 */
RpService *
rp_service_new (RpHistory *history,
                RpSecrets *secrets)
{
  g_return_val_if_fail (history == NULL || RP_IS_HISTORY (history), NULL);
  g_return_val_if_fail (secrets == NULL || RP_IS_SECRETS (secrets), NULL);

  return g_object_new (RP_TYPE_SERVICE, "history", history, "secrets", secrets, NULL);
}

/**
 * rp_service_get_history:
 *
 * Returns: (transfer none) (nullable): the journal
 */
RpHistory *
rp_service_get_history (RpService *self)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), NULL);
  return self->history;
}

/**
 * rp_service_get_secrets:
 *
 * Returns: (transfer none) (nullable): the key store
 */
RpSecrets *
rp_service_get_secrets (RpService *self)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), NULL);
  return self->secrets;
}

/**
 * rp_service_set_api_key:
 * @provider_id: a provider
 * @key: (nullable): the key to use for it before asking the key store; %NULL forgets it
 *
 * Keeps @key in memory only (the command line passes the environment variable's key this
 * way). It is wiped when replaced and when the service goes away.
 */
void
rp_service_set_api_key (RpService  *self,
                        const char *provider_id,
                        const char *key)
{
  g_return_if_fail (RP_IS_SERVICE (self));
  g_return_if_fail (provider_id != NULL);

  if (key == NULL || *key == '\0')
    g_hash_table_remove (self->keys, provider_id);
  else
    g_hash_table_replace (self->keys, g_strdup (provider_id), g_strdup (key));
}

guint
rp_service_get_max_jobs_per_provider (RpService *self)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), 0);
  return self->max_per_provider;
}

/**
 * rp_service_set_max_jobs_per_provider:
 * @max_jobs: how many jobs of one provider run at once (at least 1)
 */
void
rp_service_set_max_jobs_per_provider (RpService *self,
                                      guint      max_jobs)
{
  g_return_if_fail (RP_IS_SERVICE (self));

  max_jobs = MAX (max_jobs, 1);
  if (self->max_per_provider == max_jobs)
    return;
  self->max_per_provider = max_jobs;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_JOBS_PER_PROVIDER]);
  run_next (self);
}

double
rp_service_get_read_timeout (RpService *self)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), 0);
  return self->read_timeout_s;
}

/**
 * rp_service_set_read_timeout:
 * @timeout_s: seconds a request may go without progress; 0 uses each provider's own
 */
void
rp_service_set_read_timeout (RpService *self,
                             double     timeout_s)
{
  g_return_if_fail (RP_IS_SERVICE (self));

  timeout_s = MAX (timeout_s, 0);
  if (self->read_timeout_s == timeout_s)
    return;
  self->read_timeout_s = timeout_s;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_TIMEOUT]);
}

double
rp_service_get_connect_timeout (RpService *self)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), 0);
  return self->connect_timeout_s;
}

/**
 * rp_service_set_connect_timeout:
 * @timeout_s: seconds to establish a connection; 0 uses each provider's own
 */
void
rp_service_set_connect_timeout (RpService *self,
                                double     timeout_s)
{
  g_return_if_fail (RP_IS_SERVICE (self));

  timeout_s = MAX (timeout_s, 0);
  if (self->connect_timeout_s == timeout_s)
    return;
  self->connect_timeout_s = timeout_s;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

/**
 * rp_service_add_backend:
 * @provider_id: the provider the backend serves (for example the offline fill's "local")
 * @backend: produces that provider's results instead of the HTTP engine
 */
void
rp_service_add_backend (RpService     *self,
                        const char    *provider_id,
                        RpEditBackend *backend)
{
  g_return_if_fail (RP_IS_SERVICE (self));
  g_return_if_fail (provider_id != NULL);
  g_return_if_fail (RP_IS_EDIT_BACKEND (backend));

  g_hash_table_replace (self->backends, g_strdup (provider_id), g_object_ref (backend));
}

/**
 * rp_service_get_jobs:
 *
 * Returns: (transfer none): a #GListModel of the #RpJob queued or running, in
 *   submission order; a job leaves it when it ends
 */
GListModel *
rp_service_get_jobs (RpService *self)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), NULL);
  return G_LIST_MODEL (self->jobs);
}

/* ---- Planning ------------------------------------------------------------------------- */

/* Refuses @job for @cause, noting on it what the person should fix (not from a worker
 * thread: there @job is %NULL). */
static gboolean
input_error (RpJob        *job,
             GError      **error,
             const GError *cause)
{
  const char *param = NULL;

  if (cause->domain == RP_PARAMS_ERROR)
    param = rp_params_error_get_param (cause);
  else if (g_error_matches (cause, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_NO_SIZE))
    param = "size";
  else if (g_error_matches (cause, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_TOO_LARGE))
    param = RP_PARAMS_INPUT_IMAGES;
  else if (cause->domain == RP_PLACEMENT_ERROR)
    param = RP_PARAMS_INPUT_MASK;
  if (job != NULL)
    rp_job_set_invalid_param (job, param);
  g_set_error_literal (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID, cause->message);
  return FALSE;
}

static gboolean
reference_sent_as_is (RpImage           *reference,
                      const RpImageSpec *images)
{
  GFile *file = rp_image_get_file (reference);
  g_autoptr(GFileInfo) info = NULL;

  if (file == NULL || !rp_image_get_pixels_match_file (reference) ||
      !rp_image_spec_accepts_format (images, rp_image_get_format (reference)))
    return FALSE;
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  return info != NULL && (images->max_bytes <= 0 || g_file_info_get_size (info) <= images->max_bytes);
}

/* What the upload will look like, before its files exist: enough to catch wrong counts,
 * formats, pixel limits and mask problems without making a journal entry. */
static gboolean
validate_planned (RpJob        *job,
                  RpPlacement  *placement,
                  GError      **error)
{
  RpParams *params = rp_job_get_params (job);
  const RpImageSpec *images = rp_model_spec_get_images (rp_params_get_spec (params));
  guint n = 1 + rp_job_get_n_references (job);
  g_autofree RpInputImage *inputs = g_new0 (RpInputImage, n);
  RpInputImage mask = { RP_IMAGE_FORMAT_PNG, 0, 0, 0, TRUE };
  RpInputs all = { inputs, n, NULL };
  RpImage *image = rp_job_get_image (job);
  g_autoptr(GError) local_error = NULL;

  inputs[0].format = rp_placement_get_sends_original (placement) ? rp_image_get_format (image)
                                                                  : RP_IMAGE_FORMAT_PNG;
  inputs[0].width = rp_placement_get_upload_width (placement);
  inputs[0].height = rp_placement_get_upload_height (placement);
  inputs[0].has_alpha = gdk_pixbuf_get_has_alpha (rp_image_get_pixbuf (image));
  for (guint i = 1; i < n; i++)
    {
      RpImage *reference = rp_job_get_reference (job, i - 1);

      inputs[i].format = reference_sent_as_is (reference, images) ? rp_image_get_format (reference)
                                                                  : RP_IMAGE_FORMAT_PNG;
      inputs[i].width = rp_image_get_width (reference);
      inputs[i].height = rp_image_get_height (reference);
      inputs[i].has_alpha = gdk_pixbuf_get_has_alpha (rp_image_get_pixbuf (reference));
    }
  if (rp_job_get_mask (job) != NULL)
    {
      mask.width = inputs[0].width;
      mask.height = inputs[0].height;
      all.mask = &mask;
    }
  if (!rp_params_validate (params, &all, &local_error))
    return input_error (job, error, local_error);
  return TRUE;
}

/**
 * rp_service_plan_job:
 * @job: a job that has not run yet
 *
 * Validates the job's parameters and inputs against its provider and model and plans the
 * upload, without writing or sending anything, so a window can show the crop box and the
 * upload size (rp_placement_describe()) before the person sends. Running the job plans it
 * again if its inputs changed.
 *
 * Returns: (transfer none): the plan, also available as the job's placement; %NULL with
 *   @error (%RP_JOB_ERROR_INVALID, translated) when the job cannot be sent
 */
RpPlacement *
rp_service_plan_job (RpService  *self,
                     RpJob      *job,
                     GError    **error)
{
  RpParams *params;
  RpPlacementOptions options;
  g_autoptr(RpPlacement) placement = NULL;
  g_autoptr(GError) local_error = NULL;
  RpMask *mask;

  g_return_val_if_fail (RP_IS_SERVICE (self), NULL);
  g_return_val_if_fail (RP_IS_JOB (job), NULL);

  params = rp_job_get_params (job);
  mask = rp_job_get_mask (job);
  if (mask != NULL && rp_mask_is_empty (mask))
    mask = NULL;
  rp_job_set_invalid_param (job, NULL);
  if (params != NULL)
    {
      if (!rp_params_set_inputs (params, 1 + rp_job_get_n_references (job), mask != NULL,
                                 &local_error))
        {
          input_error (job, error, local_error);
          return NULL;
        }
      rp_placement_options_for_params (&options, params);
      if (rp_job_get_context (job) != NULL)
        rp_placement_options_set_context (&options, rp_job_get_context (job));
    }
  else
    {
      rp_placement_options_init (&options, NULL);
      options.original_formats = RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_PNG) |
                                 RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_JPEG);
      if (rp_job_get_context (job) != NULL)
        rp_placement_options_set_context (&options, rp_job_get_context (job));
    }

  placement = rp_placement_new (rp_job_get_image (job), mask, &options, &local_error);
  if (placement == NULL)
    {
      g_autoptr(GError) value_error = NULL;

      /* A wrong value (a size no rule allows…) says more than the plan's failure. */
      if (params != NULL && !rp_params_validate (params, NULL, &value_error))
        input_error (job, error, value_error);
      else
        input_error (job, error, local_error);
      return NULL;
    }
  /* Ask for the size the upload was planned at, unless the person chose one. */
  if (params != NULL && rp_model_spec_lookup_param (rp_params_get_spec (params), "size") != NULL &&
      !rp_params_is_set (params, "size") &&
      !rp_params_set_string (params, "size", rp_placement_get_size_param (placement), &local_error))
    {
      input_error (job, error, local_error);
      return NULL;
    }
  /* The plan stays on the job even when the values are refused, so the window can draw
   * what would go out while the person fixes them. */
  rp_job_set_placement (job, placement);
  if (params != NULL && !validate_planned (job, placement, error))
    return NULL;
  return rp_job_get_placement (job);
}

/* ---- Runs ----------------------------------------------------------------------------- */

static void
owned_upload_clear (gpointer data)
{
  OwnedUpload *u = data;

  g_clear_object (&u->upload.file);
}

static void
run_free (RpEditRun *run)
{
  if (run->cancel_id != 0)
    g_cancellable_disconnect (run->cancellable, run->cancel_id);
  if (run->external_id != 0)
    g_cancellable_disconnect (run->external, run->external_id);
  g_clear_object (&run->external);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->service);
  g_clear_object (&run->job);
  g_clear_object (&run->backend);
  g_clear_object (&run->provider);
  wipe_key (g_steal_pointer (&run->key));
  g_clear_object (&run->history);
  g_clear_object (&run->entry);
  g_clear_pointer (&run->uploads, g_array_unref);
  g_queue_clear (&run->composites);
  g_queue_clear_full (&run->previews, g_object_unref);
  g_queue_clear_full (&run->ready, g_object_unref);
  g_clear_error (&run->error);
  g_free (run->provider_message);
  g_free (run->provider_code);
  g_free (run->next_step);
  g_free (run);
}

static const char *
run_provider_id (RpEditRun *run)
{
  return rp_job_get_provider_id (run->job);
}

static void
release_slot (RpEditRun *run)
{
  RpService *self = run->service;
  guint n;

  if (!run->holds_slot)
    return;
  run->holds_slot = FALSE;
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->active, run_provider_id (run)));
  if (n <= 1)
    g_hash_table_remove (self->active, run_provider_id (run));
  else
    g_hash_table_replace (self->active, g_strdup (run_provider_id (run)), GUINT_TO_POINTER (n - 1));
}

static void
remove_from_jobs (RpService *self,
                  RpJob     *job)
{
  guint position;

  if (g_list_store_find (self->jobs, job, &position))
    g_list_store_remove (self->jobs, position);
}

static JsonObject *
error_details (RpEditRun *run)
{
  JsonObject *details = json_object_new ();

  if (run->error->domain == RP_JOB_ERROR)
    json_object_set_string_member (details, "kind", rp_job_error_kind_to_string (run->error->code));
  json_object_set_string_member (details, "message", run->error->message);
  if (run->provider_message != NULL)
    json_object_set_string_member (details, "provider_message", run->provider_message);
  if (run->http_status != 0)
    json_object_set_int_member (details, "status", run->http_status);
  if (run->provider_code != NULL)
    json_object_set_string_member (details, "code", run->provider_code);
  if (rp_job_get_request_id (run->job) != NULL)
    json_object_set_string_member (details, "request_id", rp_job_get_request_id (run->job));
  if (run->next_step != NULL)
    json_object_set_string_member (details, "next_step", run->next_step);
  return details;
}

/* Ends the run: the entry's final status in one atomic rewrite, then the job's state,
 * then the caller's callback. */
static void
run_complete (RpEditRun *run)
{
  g_autoptr(GTask) task = g_steal_pointer (&run->task);
  RpService *self = run->service;
  gboolean cancelled;

  g_assert (!run->finished);
  run->finished = TRUE;
  if (run->queued)
    {
      g_queue_remove (&self->waiting, run);
      run->queued = FALSE;
    }
  cancelled = run->error != NULL && g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  if (run->entry != NULL && rp_history_entry_get_status (run->entry) == RP_HISTORY_STATUS_PENDING)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) details = NULL;
      RpHistoryStatus status = RP_HISTORY_STATUS_DONE;

      if (cancelled)
        status = RP_HISTORY_STATUS_CANCELLED;
      else if (run->error != NULL)
        {
          status = RP_HISTORY_STATUS_FAILED;
          details = error_details (run);
        }
      if (!rp_history_entry_finish (run->entry, status, details, &local_error))
        {
          g_warning ("Could not finish history entry %s: %s",
                     rp_history_entry_get_id (run->entry), local_error->message);
          if (run->error == NULL)
            g_set_error (&run->error, RP_JOB_ERROR, RP_JOB_ERROR_LOCAL,
                         _("The results could not be recorded: %s"), local_error->message);
        }
    }

  release_slot (run);
  remove_from_jobs (self, run->job);
  if (run->error == NULL)
    {
      rp_job_set_state (run->job, RP_JOB_STATE_DONE);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      if (!cancelled && run->next_step == NULL && run->error->domain == RP_JOB_ERROR)
        run->next_step = g_strdup (rp_job_error_default_next_step (run->error->code));
      rp_job_set_failure (run->job, run->error, run->provider_message, run->http_status,
                          run->provider_code, cancelled ? NULL : run->next_step);
      rp_job_set_state (run->job, cancelled ? RP_JOB_STATE_CANCELLED : RP_JOB_STATE_FAILED);
      g_task_return_error (task, g_error_copy (run->error));
    }
  run_next (self);
}

/* Records the first failure; what is still running notices the cancellable. */
static void
run_fail (RpEditRun *run,
          GError    *error)
{
  if (run->finished)
    {
      g_error_free (error);
      return;
    }
  if (run->error == NULL)
    run->error = error;
  else
    g_error_free (error);
  if (!g_cancellable_is_cancelled (run->cancellable) &&
      !g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stop whatever else runs (downloads, compositing) without calling it a cancel. */
      g_cancellable_cancel (run->cancellable);
    }
  run_maybe_finish (run);
}

/* Nothing still running holds a pointer to the run. */
static gboolean
run_idle (RpEditRun *run)
{
  return run->busy == 0 && !run->compositing && !run->decoding &&
         (run->error != NULL || run->composites.length == 0);
}

/* Results are shown in order after every preview that arrived before them. */
static void
flush_results (RpEditRun *run)
{
  RpJobResult *result;

  if (run->decoding || run->previews.length > 0)
    return;
  while ((result = g_queue_pop_head (&run->ready)) != NULL)
    {
      if (!run->finished)
        rp_job_add_result (run->job, result);
      g_object_unref (result);
    }
}

static void
run_maybe_finish (RpEditRun *run)
{
  flush_results (run);
  if (run->finished || !run_idle (run))
    return;
  if (run->error != NULL)
    {
      run_complete (run);
      return;
    }
  if (run->backend_done)
    {
      if (run->n_composited == 0)
        {
          run->error = g_error_new_literal (RP_JOB_ERROR, RP_JOB_ERROR_BAD_RESPONSE,
                                            _("The provider answered without an image."));
          run->next_step = g_strdup (rp_job_error_default_next_step (RP_JOB_ERROR_BAD_RESPONSE));
        }
      run_complete (run);
    }
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The edit was cancelled."));
}

static gboolean
on_cancel_idle (gpointer data)
{
  RpEditRun *run = data;

  /* A queued run holds nothing: it can end at once. */
  if (!run->finished && run->queued)
    run_fail (run, cancelled_error ());
  return G_SOURCE_REMOVE;
}

static void
on_job_cancelled (GCancellable *cancellable,
                  RpEditRun    *run)
{
  /* May be called from any thread; queue handling belongs to the main context. */
  g_main_context_invoke_full (g_task_get_context (run->task), G_PRIORITY_DEFAULT,
                              on_cancel_idle, run, NULL);
}

static void
on_external_cancelled (GCancellable *cancellable,
                       RpJob        *job)
{
  rp_job_cancel (job);
}

/* ---- Preparing the journal entry (worker thread) ----------------------------------------- */

typedef struct
{
  RpHistory     *history;
  RpPlacement   *placement;
  RpImage       *image;
  char          *photo_name;
  RpMask        *mask;          /* NULL for whole-image edits */
  GPtrArray     *references;    /* RpImage */
  RpParams      *params;        /* the job's own copy; nobody else touches it meanwhile */
  RpMaskSupport  mask_support;
  JsonObject    *metadata;
  GArray        *uploads;       /* out: OwnedUpload */
  RpHistoryEntry *entry;        /* out */
} Prepare;

static void
prepare_free (Prepare *p)
{
  g_clear_object (&p->history);
  g_clear_object (&p->placement);
  g_clear_object (&p->image);
  g_free (p->photo_name);
  g_clear_object (&p->mask);
  g_clear_pointer (&p->references, g_ptr_array_unref);
  g_clear_object (&p->params);
  g_clear_pointer (&p->metadata, json_object_unref);
  g_clear_pointer (&p->uploads, g_array_unref);
  g_clear_object (&p->entry);
  g_free (p);
}

typedef gboolean (*WriteFunc) (gpointer       source,
                               gpointer       data,
                               GOutputStream *stream,
                               GCancellable  *cancellable,
                               GError       **error);

static gboolean
write_image (gpointer       source,
             gpointer       data,
             GOutputStream *stream,
             GCancellable  *cancellable,
             GError       **error)
{
  return rp_placement_write_image (source, data, stream, cancellable, error);
}

static gboolean
write_mask (gpointer       source,
            gpointer       data,
            GOutputStream *stream,
            GCancellable  *cancellable,
            GError       **error)
{
  return rp_placement_write_mask (source, data, stream, cancellable, error);
}

static gboolean
write_png (gpointer       source,
           gpointer       data,
           GOutputStream *stream,
           GCancellable  *cancellable,
           GError       **error)
{
  return rp_png_save_pixbuf (data, stream, RP_PNG_SPEED_PHOTO, cancellable, error);
}

static gboolean
copy_file (gpointer       source,
           gpointer       data,
           GOutputStream *stream,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (data, cancellable, error);

  return in != NULL &&
         g_output_stream_splice (stream, G_INPUT_STREAM (in), G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                 cancellable, error) >= 0;
}

/* Writes one input of the draft and registers it. */
static gboolean
add_input (RpHistoryDraft *draft,
           Prepare        *p,
           RpHistoryRole   role,
           RpImageFormat   format,
           int             width,
           int             height,
           gboolean        has_alpha,
           WriteFunc       func,
           gpointer        data,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(GFileInfo) info = NULL;
  OwnedUpload u = { { 0, }, 0, has_alpha };

  out = rp_history_draft_create_input (draft, role, rp_image_format_extension (format), &file,
                                       error);
  if (out == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (out, COPY_BUFFER_BYTES);
  if (!func (p->placement, data, buffered, cancellable, error) ||
      !g_output_stream_close (buffered, cancellable, error))
    return FALSE;
  if (!rp_history_draft_add_input (draft, role, file, rp_image_format_mime_type (format),
                                   width, height, error))
    return FALSE;
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, error);
  if (info == NULL)
    return FALSE;
  u.upload.file = g_steal_pointer (&file);
  u.upload.role = role;
  u.upload.format = format;
  u.upload.mime_type = rp_image_format_mime_type (format);
  u.upload.width = width;
  u.upload.height = height;
  u.n_bytes = g_file_info_get_size (info);
  g_array_append_val (p->uploads, u);
  return TRUE;
}

/* The exact files, checked against every limit of the definition. */
static gboolean
validate_written (Prepare  *p,
                  GError  **error)
{
  g_autofree RpInputImage *images = g_new0 (RpInputImage, p->uploads->len);
  RpInputImage mask = { 0, };
  RpInputs inputs = { images, 0, NULL };
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < p->uploads->len; i++)
    {
      OwnedUpload *u = &g_array_index (p->uploads, OwnedUpload, i);
      RpInputImage *target = u->upload.role == RP_HISTORY_ROLE_MASK ? &mask : &images[inputs.n_images++];

      target->format = u->upload.format;
      target->n_bytes = u->n_bytes;
      target->width = u->upload.width;
      target->height = u->upload.height;
      target->has_alpha = u->has_alpha;
      if (u->upload.role == RP_HISTORY_ROLE_MASK)
        inputs.mask = &mask;
    }
  if (!rp_params_validate (p->params, &inputs, &local_error))
    return input_error (NULL, error, local_error);
  return TRUE;
}

static gboolean
prepare_draft (Prepare         *p,
               RpHistoryDraft  *draft,
               GCancellable    *cancellable,
               GError         **error)
{
  GdkPixbuf *photo = rp_image_get_pixbuf (p->image);
  int uw = rp_placement_get_upload_width (p->placement);
  int uh = rp_placement_get_upload_height (p->placement);
  const RpImageSpec *images = p->params ? rp_model_spec_get_images (rp_params_get_spec (p->params)) : NULL;
  gboolean mask_layer = p->mask != NULL && p->mask_support == RP_MASK_SUPPORT_LAYER;

  if (rp_placement_get_sends_original (p->placement))
    {
      if (!add_input (draft, p, RP_HISTORY_ROLE_IMAGE, rp_image_get_format (p->image), uw, uh,
                      gdk_pixbuf_get_has_alpha (photo), copy_file, rp_image_get_file (p->image),
                      cancellable, error))
        return FALSE;
    }
  else if (!add_input (draft, p, RP_HISTORY_ROLE_IMAGE, RP_IMAGE_FORMAT_PNG, uw, uh,
                       gdk_pixbuf_get_has_alpha (photo), write_image, photo, cancellable, error))
    return FALSE;

  /* A mask sent as a layer goes right after the image; a mask field goes last. */
  if (mask_layer &&
      !add_input (draft, p, RP_HISTORY_ROLE_MASK, RP_IMAGE_FORMAT_PNG, uw, uh, TRUE, write_mask,
                  p->mask, cancellable, error))
    return FALSE;

  for (guint i = 0; i < p->references->len; i++)
    {
      RpImage *reference = g_ptr_array_index (p->references, i);
      GdkPixbuf *pixbuf = rp_image_get_pixbuf (reference);
      int w = rp_image_get_width (reference), h = rp_image_get_height (reference);
      gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
      gboolean ok;

      if (images == NULL || reference_sent_as_is (reference, images))
        ok = rp_image_get_file (reference) != NULL && rp_image_get_pixels_match_file (reference)
               ? add_input (draft, p, RP_HISTORY_ROLE_REFERENCE, rp_image_get_format (reference),
                            w, h, alpha, copy_file, rp_image_get_file (reference), cancellable, error)
               : add_input (draft, p, RP_HISTORY_ROLE_REFERENCE, RP_IMAGE_FORMAT_PNG, w, h, alpha,
                            write_png, pixbuf, cancellable, error);
      else
        ok = add_input (draft, p, RP_HISTORY_ROLE_REFERENCE, RP_IMAGE_FORMAT_PNG, w, h, alpha,
                        write_png, pixbuf, cancellable, error);
      if (!ok)
        return FALSE;
    }

  if (p->mask != NULL && !mask_layer &&
      !add_input (draft, p, RP_HISTORY_ROLE_MASK, RP_IMAGE_FORMAT_PNG, uw, uh, TRUE, write_mask,
                  p->mask, cancellable, error))
    return FALSE;

  if (p->params != NULL && !validate_written (p, error))
    return FALSE;
  /* Not sent, but kept: the whole photo and mask, to run the edit again or continue it. */
  if (!rp_history_draft_set_source (draft, p->image, p->photo_name, p->mask, cancellable, error))
    return FALSE;
  return rp_history_draft_set_thumbnail (draft, photo, error);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Prepare *p = task_data;
  g_autoptr(RpHistoryDraft) draft = NULL;
  GError *error = NULL;

  draft = rp_history_draft_new (p->history, &error);
  if (draft == NULL || !prepare_draft (p, draft, cancellable, &error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      /* Freeing the draft removes its folder: nothing is left of a refused job. */
      g_task_return_error (task, error);
      return;
    }
  p->entry = rp_history_draft_commit (draft, p->metadata, &error);
  if (p->entry == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Committing renamed the draft's folder: the files now live in the entry's. */
  for (guint i = 0; i < p->uploads->len; i++)
    {
      OwnedUpload *u = &g_array_index (p->uploads, OwnedUpload, i);
      g_autofree char *name = g_file_get_basename (u->upload.file);

      g_object_unref (u->upload.file);
      u->upload.file = g_file_get_child (rp_history_entry_get_dir (p->entry), name);
    }
  g_task_return_boolean (task, TRUE);
}

static JsonObject *
entry_metadata (RpEditRun *run)
{
  RpJob *job = run->job;
  RpPlacement *placement = rp_job_get_placement (job);
  RpParams *params = rp_job_get_params (job);
  JsonObject *meta = json_object_new ();
  JsonObject *plan = json_object_new ();
  JsonArray *region = json_array_new ();
  g_autofree char *description = rp_placement_describe (placement);
  cairo_rectangle_int_t r;

  json_object_set_string_member (meta, "prompt", rp_job_get_prompt (job));
  json_object_set_string_member (meta, "provider", rp_job_get_provider_id (job));
  if (rp_job_get_model (job) != NULL)
    json_object_set_string_member (meta, "model", rp_job_get_model (job));
  if (params != NULL)
    {
      json_object_set_string_member (meta, "operation", rp_params_get_operation (params));
      json_object_set_string_member (meta, "encoding",
                                     rp_encoding_to_string (rp_params_get_encoding (params)));
      json_object_set_member (meta, "params", rp_params_to_json (params));
    }
  /* The address only: a base URL has no user name, password or query (the key is never
   * anywhere in the journal). */
  if (rp_edit_run_get_base_url (run) != NULL)
    json_object_set_string_member (meta, "base_url", rp_edit_run_get_base_url (run));
  json_object_set_double_member (meta, "feather_px", rp_job_get_feather_radius (job));
  if (rp_job_get_context (job) != NULL)
    json_object_set_string_member (meta, "context", rp_job_get_context (job));
  json_object_set_int_member (meta, "n_references", rp_job_get_n_references (job));
  json_object_set_boolean_member (meta, "has_mask", rp_job_get_mask (job) != NULL);

  rp_placement_get_region (placement, &r);
  json_array_add_int_element (region, r.x);
  json_array_add_int_element (region, r.y);
  json_array_add_int_element (region, r.width);
  json_array_add_int_element (region, r.height);
  json_object_set_array_member (plan, "region", region);
  json_object_set_int_member (plan, "upload_width", rp_placement_get_upload_width (placement));
  json_object_set_int_member (plan, "upload_height", rp_placement_get_upload_height (placement));
  json_object_set_double_member (plan, "scale", rp_placement_get_scale (placement));
  json_object_set_string_member (plan, "size", rp_placement_get_size_param (placement));
  json_object_set_boolean_member (plan, "sends_original", rp_placement_get_sends_original (placement));
  json_object_set_string_member (plan, "description", description);
  json_object_set_object_member (meta, "placement", plan);
  return meta;
}

static void
backend_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RpEditRun *run = user_data;
  GError *error = NULL;

  run->busy--;
  run->backend_done = TRUE;
  if (!rp_edit_backend_run_finish (RP_EDIT_BACKEND (source), result, &error))
    {
      if (error->domain != RP_JOB_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new_literal (RP_JOB_ERROR, RP_JOB_ERROR_LOCAL, error->message);

          g_error_free (error);
          error = wrapped;
        }
      /* A run cancelled to stop after another failure reports that failure. */
      if (run->error != NULL)
        g_error_free (error);
      else
        run->error = error;
    }
  run_maybe_finish (run);
}

static void
prepare_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RpEditRun *run = user_data;
  Prepare *p = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  run->busy--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (error->domain != RP_JOB_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_LOCAL,
                                         _("The files to send could not be written: %s"),
                                         error->message);

          g_error_free (error);
          error = wrapped;
        }
      run_fail (run, error);
      return;
    }

  run->entry = g_object_ref (p->entry);
  run->uploads = g_array_ref (p->uploads);
  if (run->history == run->service->history && run->history != NULL)
    rp_history_insert (run->history, run->entry);
  rp_job_set_entry (run->job, run->entry);
  if (g_cancellable_is_cancelled (run->cancellable))
    {
      run_fail (run, cancelled_error ());
      return;
    }
  run->busy++;
  rp_edit_backend_run_async (run->backend, run, run->cancellable, backend_done_cb, run);
}

static void
start_prepare (RpEditRun *run)
{
  g_autoptr(GTask) task = NULL;
  RpJob *job = run->job;
  RpParams *params = rp_job_get_params (job);
  Prepare *p = g_new0 (Prepare, 1);
  GError *error = NULL;

  rp_job_set_state (job, RP_JOB_STATE_PREPARING);
  if (run->history == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("repaint-edit-XXXXXX", &error);
      g_autoptr(GFile) file = NULL;

      if (dir == NULL)
        {
          prepare_free (p);
          run_fail (run, g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_LOCAL,
                                      _("No temporary folder for the edit: %s"), error->message));
          g_error_free (error);
          return;
        }
      file = g_file_new_for_path (dir);
      run->history = rp_history_new (file);
      rp_job_set_private_journal (job, file);
    }

  p->history = g_object_ref (run->history);
  p->placement = g_object_ref (rp_job_get_placement (job));
  p->image = g_object_ref (rp_job_get_image (job));
  p->photo_name = g_strdup (rp_job_get_photo_name (job));
  if (rp_job_get_mask (job) != NULL && !rp_mask_is_empty (rp_job_get_mask (job)))
    p->mask = g_object_ref (rp_job_get_mask (job));
  p->references = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rp_job_get_n_references (job); i++)
    g_ptr_array_add (p->references, g_object_ref (rp_job_get_reference (job, i)));
  p->params = params != NULL ? g_object_ref (params) : NULL;
  p->mask_support = params != NULL ? rp_model_spec_get_mask (rp_params_get_spec (params))->support
                                   : RP_MASK_SUPPORT_FIELD;
  p->metadata = entry_metadata (run);
  p->uploads = g_array_new (FALSE, TRUE, sizeof (OwnedUpload));
  g_array_set_clear_func (p->uploads, owned_upload_clear);

  task = g_task_new (NULL, run->cancellable, prepare_done_cb, run);
  g_task_set_source_tag (task, start_prepare);
  g_task_set_task_data (task, p, (GDestroyNotify) prepare_free);
  run->busy++;
  g_task_run_in_thread (task, prepare_thread);
}

static void
key_lookup_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  RpEditRun *run = user_data;
  g_autoptr(GError) error = NULL;
  RpSecretSource from = RP_SECRET_SOURCE_NONE;

  run->busy--;
  run->key = rp_secrets_lookup_finish (RP_SECRETS (source), result, &from, &error);
  if (g_cancellable_is_cancelled (run->cancellable))
    {
      run_fail (run, cancelled_error ());
      return;
    }
  if (run->key == NULL)
    {
      run->next_step = g_strdup_printf (_("Add an API key for %s in Preferences, or set %s."),
                                        rp_provider_get_name (run->provider),
                                        rp_provider_get_api_key_env (run->provider));
      run_fail (run, g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_AUTH,
                                  _("There is no API key for %s."),
                                  rp_provider_get_name (run->provider)));
      return;
    }
  start_prepare (run);
}

/* A slot is free: find the key, then prepare. */
static void
run_start (RpEditRun *run)
{
  RpService *self = run->service;
  const char *id = run_provider_id (run);
  const char *given;

  run->holds_slot = TRUE;
  g_hash_table_replace (self->active, g_strdup (id),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->active, id)) + 1));

  if (run->provider == NULL || rp_provider_get_auth (run->provider)->location == RP_AUTH_NONE)
    {
      start_prepare (run);
      return;
    }
  given = g_hash_table_lookup (self->keys, id);
  if (given != NULL)
    {
      run->key = g_strdup (given);
      start_prepare (run);
      return;
    }
  if (self->secrets == NULL)
    {
      run->next_step = g_strdup_printf (_("Set %s to the key."),
                                        rp_provider_get_api_key_env (run->provider));
      run_fail (run, g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_AUTH,
                                  _("There is no API key for %s."),
                                  rp_provider_get_name (run->provider)));
      return;
    }
  run->busy++;
  rp_secrets_lookup_async (self->secrets, run->provider, run->cancellable, key_lookup_cb, run);
}

static gboolean
has_free_slot (RpService  *self,
               const char *provider_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->active, provider_id)) < self->max_per_provider;
}

static void
run_next (RpService *self)
{
  GList *l = self->waiting.head;

  while (l != NULL)
    {
      RpEditRun *run = l->data;
      GList *next = l->next;

      if (has_free_slot (self, run_provider_id (run)))
        {
          g_queue_delete_link (&self->waiting, l);
          run->queued = FALSE;
          run_start (run);
        }
      l = next;
    }
}

/**
 * rp_service_run_job_async:
 * @job: a job that has not run yet
 * @cancellable: (nullable): cancels the job, like rp_job_cancel()
 * @callback: called when the job ended (done, failed or cancelled)
 *
 * Runs @job: validation and planning now, then the journal entry, the request and the
 * results as described for #RpService. The job's properties and signals report progress
 * on the thread-default main context of this call.
 */
void
rp_service_run_job_async (RpService           *self,
                          RpJob               *job,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RpEditRun *run;
  RpParams *params;
  GError *error = NULL;

  g_return_if_fail (RP_IS_SERVICE (self));
  g_return_if_fail (RP_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_service_run_job_async);
  if (!rp_job_claim (job))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The job was already run");
      return;
    }

  run = g_new0 (RpEditRun, 1);
  run->service = g_object_ref (self);
  run->job = g_object_ref (job);
  run->task = g_object_ref (task);
  run->cancellable = g_object_ref (rp_job_get_cancellable (job));
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  g_task_set_check_cancellable (task, FALSE);
  g_queue_init (&run->composites);
  g_queue_init (&run->previews);
  g_queue_init (&run->ready);
  run->history = self->history != NULL ? g_object_ref (self->history) : NULL;
  params = rp_job_get_params (job);
  run->provider = params != NULL ? g_object_ref (rp_params_get_provider (params)) : NULL;
  run->backend = g_hash_table_lookup (self->backends, rp_job_get_provider_id (job));
  run->backend = run->backend != NULL ? g_object_ref (run->backend) : g_object_ref (self->http);
  g_list_store_append (self->jobs, job);

  if (cancellable != NULL)
    {
      run->external = g_object_ref (cancellable);
      run->external_id = g_cancellable_connect (cancellable, G_CALLBACK (on_external_cancelled),
                                                job, NULL);
    }
  run->cancel_id = g_cancellable_connect (run->cancellable, G_CALLBACK (on_job_cancelled), run, NULL);

  if (g_cancellable_is_cancelled (run->cancellable))
    {
      run_fail (run, cancelled_error ());
      return;
    }
  /* The HTTP engine can only send what a definition describes over HTTP. */
  if (run->backend == self->http && (params == NULL || rp_provider_is_local (run->provider)))
    {
      run_fail (run, g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                                  _("Nothing can run edits for “%s”."), rp_job_get_provider_id (job)));
      return;
    }
  if (rp_service_plan_job (self, job, &error) == NULL)
    {
      run_fail (run, error);
      return;
    }

  if (has_free_slot (self, rp_job_get_provider_id (job)) && self->waiting.length == 0)
    run_start (run);
  else
    {
      run->queued = TRUE;
      g_queue_push_tail (&self->waiting, run);
      run_next (self);
    }
}

/**
 * rp_service_run_job_finish:
 *
 * Returns: %TRUE when the job is done with at least one result; %FALSE with the job's
 *   error (%G_IO_ERROR_CANCELLED for a cancel, which needs no message)
 */
gboolean
rp_service_run_job_finish (RpService     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (RP_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Results: previews and composites ---------------------------------------------------- */

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(RpImage) image = rp_image_load_file (task_data, cancellable, NULL);
  GdkPixbuf *pixbuf;
  int w, h;
  double scale;

  if (image == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  pixbuf = rp_image_get_pixbuf (image);
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  scale = MIN (1.0, (double) PREVIEW_MAX_EDGE_PX / MAX (w, h));
  if (scale < 1.0)
    g_task_return_pointer (task, gdk_pixbuf_scale_simple (pixbuf, MAX (1, w * scale),
                                                          MAX (1, h * scale), GDK_INTERP_BILINEAR),
                           g_object_unref);
  else
    g_task_return_pointer (task, g_object_ref (pixbuf), g_object_unref);
}

static void start_preview (RpEditRun *run);

static void
preview_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RpEditRun *run = user_data;
  g_autoptr(GdkPixbuf) preview = g_task_propagate_pointer (G_TASK (result), NULL);
  GFile *file = g_task_get_task_data (G_TASK (result));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (file), "rp-partial-index"));

  run->decoding = FALSE;
  if (!run->finished && !g_cancellable_is_cancelled (run->cancellable))
    rp_job_emit_partial (run->job, index, file, preview);
  start_preview (run);
  run_maybe_finish (run);
}

static void
start_preview (RpEditRun *run)
{
  g_autoptr(GTask) task = NULL;
  GFile *file;

  if (run->decoding || run->previews.length == 0)
    return;
  file = g_queue_pop_head (&run->previews);
  run->decoding = TRUE;
  task = g_task_new (NULL, NULL, preview_done_cb, run);
  g_task_set_source_tag (task, start_preview);
  g_task_set_task_data (task, file, g_object_unref);
  g_task_run_in_thread (task, preview_thread);
}

typedef struct
{
  RpPlacement    *placement;
  RpHistoryEntry *entry;
  GdkPixbuf      *photo;
  RpMask         *mask;
  double          feather_px;
  guint           index;
  GFile          *raw;
  int             width;
  int             height;
  RpImageFormat   format;
} Composite;

static void
composite_free (Composite *c)
{
  g_clear_object (&c->placement);
  g_clear_object (&c->entry);
  g_clear_object (&c->photo);
  g_clear_object (&c->mask);
  g_clear_object (&c->raw);
  g_free (c);
}

static void
composite_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Composite *c = task_data;
  g_autoptr(RpImage) result = NULL;
  g_autoptr(GdkPixbuf) composite = NULL;
  GError *error = NULL;

  result = rp_image_load_file (c->raw, cancellable, &error);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_BAD_RESPONSE,
                                         _("The provider sent an image that cannot be read: %s"),
                                         error->message);
          g_error_free (error);
          error = wrapped;
        }
      g_task_return_error (task, error);
      return;
    }
  c->width = rp_image_get_width (result);
  c->height = rp_image_get_height (result);
  c->format = rp_image_get_format (result);
  composite = rp_placement_composite (c->placement, c->photo, c->mask, rp_image_get_pixbuf (result),
                                      c->feather_px, cancellable, &error);
  if (composite == NULL ||
      !rp_history_entry_write_composite_files (c->entry, c->index, composite, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void start_composite (RpEditRun *run);

static void
composite_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RpEditRun *run = user_data;
  Composite *c = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  run->compositing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !rp_history_entry_record_composite (run->entry, c->index, &error))
    {
      if (error->domain != RP_JOB_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_LOCAL,
                                         _("The result could not be placed into the photo: %s"),
                                         error->message);
          g_error_free (error);
          error = wrapped;
        }
      g_queue_clear (&run->composites);
      run_fail (run, error);
      return;
    }
  else
    {
      JsonObject *output = rp_history_entry_get_output_metadata (run->entry, c->index);
      JsonNode *info = output != NULL ? json_object_get_member (output, "info") : NULL;
      g_autoptr(GFile) composite = rp_history_entry_get_composite (run->entry, c->index);
      g_autoptr(GFile) thumbnail = g_file_get_child (rp_history_entry_get_dir (run->entry),
                                                     json_object_get_string_member (output, "thumbnail"));
      g_autoptr(RpJobResult) job_result =
        rp_job_result_new (c->index, c->raw, composite, thumbnail, c->format, c->width, c->height,
                           info != NULL && JSON_NODE_HOLDS_OBJECT (info) ? json_node_get_object (info)
                                                                        : NULL);

      run->n_composited++;
      g_queue_push_tail (&run->ready, g_steal_pointer (&job_result));
      flush_results (run);
    }
  start_composite (run);
  run_maybe_finish (run);
}

static void
start_composite (RpEditRun *run)
{
  g_autoptr(GTask) task = NULL;
  Composite *c;
  RpJob *job = run->job;

  if (run->compositing || run->composites.length == 0 || run->finished)
    return;
  c = g_new0 (Composite, 1);
  c->index = GPOINTER_TO_UINT (g_queue_pop_head (&run->composites));
  c->placement = g_object_ref (rp_job_get_placement (job));
  c->entry = g_object_ref (run->entry);
  c->photo = g_object_ref (rp_image_get_pixbuf (rp_job_get_image (job)));
  if (rp_job_get_mask (job) != NULL && !rp_mask_is_empty (rp_job_get_mask (job)))
    c->mask = g_object_ref (rp_job_get_mask (job));
  c->feather_px = rp_job_get_feather_radius (job);
  c->raw = rp_history_entry_get_output (run->entry, c->index);
  run->compositing = TRUE;
  task = g_task_new (NULL, run->cancellable, composite_done_cb, run);
  g_task_set_source_tag (task, start_composite);
  g_task_set_task_data (task, c, (GDestroyNotify) composite_free);
  g_task_run_in_thread (task, composite_thread);
}

/* ---- RpEditRun ------------------------------------------------------------------------- */

/**
 * rp_edit_run_get_job:
 *
 * Returns: (transfer none): the job
 */
RpJob *
rp_edit_run_get_job (RpEditRun *run)
{
  return run->job;
}

/**
 * rp_edit_run_get_entry:
 *
 * Returns: (transfer none): the job's pending journal entry
 */
RpHistoryEntry *
rp_edit_run_get_entry (RpEditRun *run)
{
  return run->entry;
}

/**
 * rp_edit_run_get_placement:
 *
 * Returns: (transfer none): the upload plan
 */
RpPlacement *
rp_edit_run_get_placement (RpEditRun *run)
{
  return rp_job_get_placement (run->job);
}

guint
rp_edit_run_get_n_uploads (RpEditRun *run)
{
  return run->uploads->len;
}

/**
 * rp_edit_run_get_upload:
 *
 * Returns: (transfer none): file @index of the request, in upload order
 */
const RpEditUpload *
rp_edit_run_get_upload (RpEditRun *run,
                        guint      index)
{
  g_return_val_if_fail (index < run->uploads->len, NULL);
  return &g_array_index (run->uploads, OwnedUpload, index).upload;
}

void
rp_edit_run_set_state (RpEditRun  *run,
                       RpJobState  state)
{
  g_return_if_fail (state > RP_JOB_STATE_PREPARING && state < RP_JOB_STATE_DONE);
  if (!run->finished && run->error == NULL)
    rp_job_set_state (run->job, state);
}

void
rp_edit_run_set_upload_progress (RpEditRun *run,
                                 gint64     sent,
                                 gint64     total)
{
  if (!run->finished)
    rp_job_set_upload_progress (run->job, sent, total);
}

void
rp_edit_run_add_bytes_received (RpEditRun *run,
                                gint64     bytes)
{
  if (!run->finished)
    rp_job_add_bytes_received (run->job, bytes);
}

/**
 * rp_edit_run_set_progress:
 * @fraction: the share of the work done, from 0 to 1, never decreasing
 *
 * For a backend that computes the results itself and can measure how far it is (the
 * offline fill); it becomes the job's #RpJob:progress.
 */
void
rp_edit_run_set_progress (RpEditRun *run,
                          double     fraction)
{
  if (!run->finished)
    rp_job_set_progress (run->job, CLAMP (fraction, 0.0, 1.0));
}

void
rp_edit_run_set_attempt (RpEditRun *run,
                         guint      attempt)
{
  if (!run->finished)
    rp_job_set_attempt (run->job, attempt);
}

void
rp_edit_run_set_request_id (RpEditRun  *run,
                            const char *request_id)
{
  if (run->finished || request_id == NULL)
    return;
  rp_job_set_request_id (run->job, request_id);
  if (run->entry != NULL)
    rp_history_entry_set_member (run->entry, "request_id", json_node_init_string (json_node_alloc (), request_id), NULL);
}

void
rp_edit_run_set_usage (RpEditRun *run,
                       JsonNode  *usage)
{
  if (run->finished || usage == NULL)
    return;
  rp_job_set_usage (run->job, usage);
  if (run->entry != NULL)
    rp_history_entry_set_member (run->entry, "usage", json_node_copy (usage), NULL);
}

/**
 * rp_edit_run_add_partial:
 * @part: a complete, closed .part file of the entry holding a streamed preview
 * @index: its index in the stream
 *
 * Keeps the preview in the journal and shows it (decoded in a worker thread).
 */
gboolean
rp_edit_run_add_partial (RpEditRun  *run,
                         GFile      *part,
                         guint       index,
                         GError    **error)
{
  g_autoptr(GFile) file = NULL;

  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;
  file = rp_history_entry_commit_partial (run->entry, part, index, error);
  if (file == NULL)
    return FALSE;
  g_object_set_data (G_OBJECT (file), "rp-partial-index", GUINT_TO_POINTER (index));
  g_queue_push_tail (&run->previews, g_steal_pointer (&file));
  start_preview (run);
  return TRUE;
}

/**
 * rp_edit_run_add_output:
 * @part: a complete, closed .part file of the entry holding a result
 * @metadata: (nullable): what came with it (request id, usage, meta headers…)
 *
 * Commits the result under its real format, then composites it in a worker thread;
 * RpJob::result-added follows.
 */
gboolean
rp_edit_run_add_output (RpEditRun   *run,
                        GFile       *part,
                        JsonObject  *metadata,
                        GError     **error)
{
  g_autoptr(GFile) file = NULL;
  JsonObject *output;
  guint index;

  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;
  file = rp_history_entry_commit_output (run->entry, part, error);
  if (file == NULL)
    return FALSE;
  index = run->n_outputs++;
  output = rp_history_entry_get_output_metadata (run->entry, index);
  if (output != NULL && metadata != NULL)
    json_object_set_object_member (output, "info", json_object_ref (metadata));
  g_queue_push_tail (&run->composites, GUINT_TO_POINTER (index));
  start_composite (run);
  return TRUE;
}

/**
 * rp_edit_run_set_failure_details:
 * @provider_message: (nullable): the provider's own words
 * @http_status: the reply's status, or 0
 * @provider_code: (nullable): the provider's error code
 * @next_step: (nullable): a translated suggestion, or %NULL for the kind's default
 *
 * Details kept with the error the backend is about to return.
 */
void
rp_edit_run_set_failure_details (RpEditRun  *run,
                                 const char *provider_message,
                                 guint       http_status,
                                 const char *provider_code,
                                 const char *next_step)
{
  g_free (run->provider_message);
  run->provider_message = g_strdup (provider_message);
  run->http_status = http_status;
  g_free (run->provider_code);
  run->provider_code = g_strdup (provider_code);
  if (next_step != NULL)
    {
      g_free (run->next_step);
      run->next_step = g_strdup (next_step);
    }
}

RpProvider *
rp_edit_run_get_provider (RpEditRun *run)
{
  return run->provider;
}

RpParams *
rp_edit_run_get_params (RpEditRun *run)
{
  return rp_job_get_params (run->job);
}

const char *
rp_edit_run_get_api_key (RpEditRun *run)
{
  return run->key;
}

const char *
rp_edit_run_get_base_url (RpEditRun *run)
{
  if (rp_job_get_base_url (run->job) != NULL)
    return rp_job_get_base_url (run->job);
  return run->provider != NULL ? rp_provider_get_base_url (run->provider) : NULL;
}

double
rp_edit_run_get_read_timeout (RpEditRun *run)
{
  if (run->service->read_timeout_s > 0)
    return run->service->read_timeout_s;
  return run->provider != NULL ? rp_provider_get_http_config (run->provider)->read_timeout_s : 600;
}

double
rp_edit_run_get_connect_timeout (RpEditRun *run)
{
  if (run->service->connect_timeout_s > 0)
    return run->service->connect_timeout_s;
  return run->provider != NULL ? rp_provider_get_http_config (run->provider)->connect_timeout_s : 15;
}

const char *
rp_job_error_default_next_step (RpJobError kind)
{
  switch (kind)
    {
    case RP_JOB_ERROR_INVALID:
      return _("Check the parameters and the images, then try again.");
    case RP_JOB_ERROR_AUTH:
      return _("Check the API key in Preferences.");
    case RP_JOB_ERROR_QUOTA:
      return _("Add credit or raise the spending limit with the provider, then try again.");
    case RP_JOB_ERROR_RATE_LIMIT:
      return _("Wait a minute, then try again.");
    case RP_JOB_ERROR_MODERATION:
      return _("Reword the prompt or use another image.");
    case RP_JOB_ERROR_NOT_FOUND:
      return _("Check the model and the provider’s address.");
    case RP_JOB_ERROR_SERVER:
      return _("The provider has a problem; try again later.");
    case RP_JOB_ERROR_NETWORK:
      return _("Check the network connection, then try again.");
    case RP_JOB_ERROR_TIMEOUT:
      return _("The provider may still finish and bill the edit; check its dashboard before "
               "trying again, or turn on streaming.");
    case RP_JOB_ERROR_BAD_RESPONSE:
      return _("Try again; if it keeps happening, the provider may not support this request.");
    case RP_JOB_ERROR_LOCAL:
      return _("Check the free disk space, then try again.");
    default:
      return NULL;
    }
}
