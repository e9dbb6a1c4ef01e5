/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-job"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-job-private.h"
#include "rp-provider.h"

/* How often the elapsed-time property is notified while a job runs. */
#define ELAPSED_NOTIFY_INTERVAL_S 1

struct _RpJob
{
  GObject          parent_instance;

  /* Inputs, fixed once the job runs. */
  char            *provider_id;
  char            *model;
  char            *prompt;
  RpImage         *image;
  char            *photo_name;    /* NULL: the image's display name */
  RpMask          *mask;          /* a snapshot: the canvas may go on painting */
  GPtrArray       *references;    /* RpImage */
  RpParams        *params;        /* a snapshot, with the prompt set */
  double           feather_px;
  char            *base_url;
  char            *context;       /* how much around the mask goes out: "auto", "close", … */

  /* Progress. */
  GCancellable    *cancellable;
  gboolean         claimed;
  RpJobState       state;
  gint64           bytes_sent;
  gint64           bytes_total;
  gint64           bytes_received;
  double           progress;      /* 0…1 from a backend that measures its work, else -1 */
  guint            attempt;
  guint            n_partials;
  gint64           started_us;
  gint64           finished_us;
  guint            elapsed_source;
  RpPlacement     *placement;
  RpHistoryEntry  *entry;
  GListStore      *results;
  char            *request_id;
  JsonNode        *usage;
  GFile           *private_journal;

  /* Failure. */
  GError          *error;
  char            *provider_message;
  guint            http_status;
  char            *provider_code;
  char            *next_step;
  char            *invalid_param; /* what planning found wrong: a parameter, "images", "mask" */
};

enum {
  PROP_0,
  PROP_PROVIDER_ID,
  PROP_MODEL,
  PROP_PROMPT,
  PROP_STATE,
  PROP_BYTES_SENT,
  PROP_BYTES_TOTAL,
  PROP_BYTES_RECEIVED,
  PROP_PROGRESS,
  PROP_ATTEMPT,
  PROP_N_PARTIALS,
  PROP_N_RESULTS,
  PROP_ELAPSED,
  PROP_PLACEMENT,
  PROP_ENTRY,
  PROP_RESULTS,
  PROP_REQUEST_ID,
  PROP_ERROR_MESSAGE,
  PROP_NEXT_STEP,
  N_PROPS
};

enum {
  SIGNAL_PARTIAL_IMAGE,
  SIGNAL_RESULT_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpJob, rp_job, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-job-error-quark, rp_job_error)
G_DEFINE_ENUM_TYPE (RpJobState, rp_job_state,
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_PREPARING, "preparing"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_UPLOADING, "uploading"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_RECEIVING, "receiving"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (RP_JOB_STATE_CANCELLED, "cancelled"))

static const char *kind_names[] = {
  "invalid", "auth", "quota", "rate_limit", "moderation", "not_found", "server", "network",
  "timeout", "bad_response", "local",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == RP_JOB_ERROR_LOCAL + 1);

/**
 * rp_job_error_kind_to_string:
 *
 * Returns: a stable name for @kind ("auth", "rate_limit"…), as written to the journal and
 *   printed by `repaint-cli edit --json`
 */
const char *
rp_job_error_kind_to_string (RpJobError kind)
{
  g_return_val_if_fail (kind <= RP_JOB_ERROR_LOCAL, NULL);
  return kind_names[kind];
}

/**
 * rp_job_state_to_string:
 *
 * Returns: a stable name for @state ("queued", "uploading"…)
 */
const char *
rp_job_state_to_string (RpJobState state)
{
  GEnumClass *klass = g_type_class_ref (RP_TYPE_JOB_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : NULL;
}

static void
delete_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        delete_tree (child);
      else
        g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
rp_job_dispose (GObject *object)
{
  RpJob *self = RP_JOB (object);

  g_clear_handle_id (&self->elapsed_source, g_source_remove);
  g_clear_object (&self->placement);
  g_clear_object (&self->entry);
  if (self->results != NULL)
    g_list_store_remove_all (self->results);

  G_OBJECT_CLASS (rp_job_parent_class)->dispose (object);
}

static void
rp_job_finalize (GObject *object)
{
  RpJob *self = RP_JOB (object);

  /* A journal of our own (no history was given): its files live as long as the job. */
  if (self->private_journal != NULL)
    delete_tree (self->private_journal);
  g_clear_object (&self->private_journal);
  g_clear_pointer (&self->provider_id, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->prompt, g_free);
  g_clear_object (&self->image);
  g_clear_pointer (&self->photo_name, g_free);
  g_clear_object (&self->mask);
  g_clear_pointer (&self->references, g_ptr_array_unref);
  g_clear_object (&self->params);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->context, g_free);
  g_clear_pointer (&self->invalid_param, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->results);
  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->usage, json_node_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->provider_message, g_free);
  g_clear_pointer (&self->provider_code, g_free);
  g_clear_pointer (&self->next_step, g_free);

  G_OBJECT_CLASS (rp_job_parent_class)->finalize (object);
}

static void
rp_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  RpJob *self = RP_JOB (object);

  switch (prop_id)
    {
    case PROP_PROVIDER_ID:
      g_value_set_string (value, self->provider_id);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_PROMPT:
      g_value_set_string (value, self->prompt);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_BYTES_SENT:
      g_value_set_int64 (value, self->bytes_sent);
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_int64 (value, self->bytes_total);
      break;
    case PROP_BYTES_RECEIVED:
      g_value_set_int64 (value, self->bytes_received);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_ATTEMPT:
      g_value_set_uint (value, self->attempt);
      break;
    case PROP_N_PARTIALS:
      g_value_set_uint (value, self->n_partials);
      break;
    case PROP_N_RESULTS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->results)));
      break;
    case PROP_ELAPSED:
      g_value_set_double (value, rp_job_get_elapsed (self));
      break;
    case PROP_PLACEMENT:
      g_value_set_object (value, self->placement);
      break;
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;
    case PROP_RESULTS:
      g_value_set_object (value, self->results);
      break;
    case PROP_REQUEST_ID:
      g_value_set_string (value, self->request_id);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error != NULL ? self->error->message : NULL);
      break;
    case PROP_NEXT_STEP:
      g_value_set_string (value, self->next_step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
uint_property (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
rp_job_class_init (RpJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_job_dispose;
  object_class->finalize = rp_job_finalize;
  object_class->get_property = rp_job_get_property;

  properties[PROP_PROVIDER_ID] = string_property ("provider-id");
  properties[PROP_MODEL] = string_property ("model");
  properties[PROP_PROMPT] = string_property ("prompt");
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, RP_TYPE_JOB_STATE, RP_JOB_STATE_QUEUED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_SENT] = int64_property ("bytes-sent");
  properties[PROP_BYTES_TOTAL] = int64_property ("bytes-total");
  properties[PROP_BYTES_RECEIVED] = int64_property ("bytes-received");
  /* The share of the work done, 0 to 1, from a backend that can tell (the offline fill
   * computing on this computer); -1 while unknown, as for a web service. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1, 1, -1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* 1 for the first attempt; more after a safe retry (429, 502, 503, a failed connect). */
  properties[PROP_ATTEMPT] = uint_property ("attempt");
  properties[PROP_N_PARTIALS] = uint_property ("n-partials");
  properties[PROP_N_RESULTS] = uint_property ("n-results");
  /* Seconds since the job was submitted; notified every second while it runs. */
  properties[PROP_ELAPSED] =
    g_param_spec_double ("elapsed", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACEMENT] =
    g_param_spec_object ("placement", NULL, NULL, RP_TYPE_PLACEMENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL, RP_TYPE_HISTORY_ENTRY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULTS] =
    g_param_spec_object ("results", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST_ID] = string_property ("request-id");
  properties[PROP_ERROR_MESSAGE] = string_property ("error-message");
  properties[PROP_NEXT_STEP] = string_property ("next-step");
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RpJob::partial-image:
   * @index: the partial image's index in the stream
   * @file: the preview as kept in the journal
   * @preview: (nullable): the preview decoded, or %NULL if it could not be
   *
   * A streamed preview arrived. Emitted in order, on the main context.
   */
  signals[SIGNAL_PARTIAL_IMAGE] =
    g_signal_new ("partial-image", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_FILE, GDK_TYPE_PIXBUF);

  /**
   * RpJob::result-added:
   * @result: the result, composited and in the journal
   *
   * Emitted once per result, in order, on the main context.
   */
  signals[SIGNAL_RESULT_ADDED] =
    g_signal_new ("result-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, RP_TYPE_JOB_RESULT);
}

static void
rp_job_init (RpJob *self)
{
  self->references = g_ptr_array_new_with_free_func (g_object_unref);
  self->results = g_list_store_new (RP_TYPE_JOB_RESULT);
  self->cancellable = g_cancellable_new ();
  self->feather_px = RP_PLACEMENT_DEFAULT_FEATHER_PX;
  self->progress = -1;
  self->attempt = 0;
}

/* A copy of @params the window can go on editing without changing this job. */
static RpParams *
snapshot_params (RpParams *params)
{
  g_autoptr(RpParams) copy = NULL;
  g_autoptr(JsonNode) values = NULL;

  copy = rp_params_new (rp_params_get_provider (params), rp_params_get_model_id (params), NULL);
  if (copy == NULL)
    return g_object_ref (params);
  values = rp_params_to_json (params);
  rp_params_load_json (copy, values);
  rp_params_set_encoding (copy, rp_params_get_encoding (params), NULL);
  return g_steal_pointer (&copy);
}

static RpJob *
job_new (const char *provider_id,
         const char *model_id,
         RpImage    *image,
         RpMask     *mask,
         const char *prompt)
{
  RpJob *self = g_object_new (RP_TYPE_JOB, NULL);

  self->provider_id = g_strdup (provider_id);
  self->model = g_strdup (model_id);
  self->prompt = g_strdup (prompt != NULL ? prompt : "");
  self->image = g_object_ref (image);
  self->mask = mask != NULL ? rp_mask_copy (mask) : NULL;
  return self;
}

/**
 * rp_job_new:
 * @image: the photo to edit; the mask applies to it
 * @mask: (nullable): what the person painted (coverage at the photo's size); %NULL edits
 *   the whole image (fusion with references, or a global edit)
 * @prompt: what to do; ignored (the job's prompt is empty) when the model takes no
 *   prompt
 * @params: the provider, model and parameter values; copied, so the caller may go on
 *   changing them
 *
 * An edit request, ready to be given to rp_service_run_job_async(). The mask is copied
 * too. Add references with rp_job_add_reference() before running it.
 *
 * Returns: (transfer full): a queued job
 */
RpJob *
rp_job_new (RpImage    *image,
            RpMask     *mask,
            const char *prompt,
            RpParams   *params)
{
  RpJob *self;

  g_return_val_if_fail (RP_IS_IMAGE (image), NULL);
  g_return_val_if_fail (mask == NULL || RP_IS_MASK (mask), NULL);
  g_return_val_if_fail (RP_IS_PARAMS (params), NULL);

  /* A model that reads no prompt (the offline fill) gets none: the journal and the
   * gallery then do not show words that changed nothing. */
  if (rp_model_spec_lookup_param (rp_params_get_spec (params), "prompt") == NULL)
    prompt = NULL;
  self = job_new (rp_provider_get_id (rp_params_get_provider (params)),
                  rp_params_get_model_id (params), image, mask, prompt);
  self->params = snapshot_params (params);
  if (prompt != NULL)
    rp_params_set_string (self->params, "prompt", prompt, NULL);
  return self;
}

/**
 * rp_job_new_for_backend:
 * @provider_id: a provider served by a backend registered with rp_service_add_backend()
 *   rather than by a definition (the offline fill)
 * @model_id: (nullable): the backend's model, if it has several
 * @image: the photo to edit
 * @mask: (nullable): the mask
 * @prompt: (nullable): what to do, if the backend reads a prompt
 *
 * Returns: (transfer full): a queued job without definition parameters
 */
RpJob *
rp_job_new_for_backend (const char *provider_id,
                        const char *model_id,
                        RpImage    *image,
                        RpMask     *mask,
                        const char *prompt)
{
  g_return_val_if_fail (provider_id != NULL, NULL);
  g_return_val_if_fail (RP_IS_IMAGE (image), NULL);
  g_return_val_if_fail (mask == NULL || RP_IS_MASK (mask), NULL);

  return job_new (provider_id, model_id, image, mask, prompt);
}

static gboolean
require_unclaimed (RpJob *self)
{
  if (self->claimed)
    {
      g_critical ("A job's inputs cannot change once it runs");
      return FALSE;
    }
  return TRUE;
}

/**
 * rp_job_add_reference:
 * @reference: an image sent after the photo (and the mask layer, where that is how the
 *   provider takes masks), in the order added
 */
void
rp_job_add_reference (RpJob   *self,
                      RpImage *reference)
{
  g_return_if_fail (RP_IS_JOB (self));
  g_return_if_fail (RP_IS_IMAGE (reference));

  if (require_unclaimed (self))
    g_ptr_array_add (self->references, g_object_ref (reference));
}

/**
 * rp_job_set_feather_radius:
 * @radius_px: how far beyond the painted edge the result blends into the photo, in photo
 *   pixels; the default is %RP_PLACEMENT_DEFAULT_FEATHER_PX
 */
void
rp_job_set_feather_radius (RpJob  *self,
                           double  radius_px)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (require_unclaimed (self))
    self->feather_px = MAX (radius_px, 0.0);
}

/**
 * rp_job_set_photo_name:
 * @name: (nullable): the name the person knows the photo by, when it is not the image's
 *   own (an applied result still bears the name of the photo it came from); %NULL for the
 *   image's
 *
 * The history keeps it with the edit, so continuing from the edit names the photo so.
 */
void
rp_job_set_photo_name (RpJob      *self,
                       const char *name)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (require_unclaimed (self))
    {
      g_free (self->photo_name);
      self->photo_name = g_strdup (name);
    }
}

/**
 * rp_job_get_photo_name:
 *
 * Returns: (transfer none): the name of the photo: as set, else the image's display name
 */
const char *
rp_job_get_photo_name (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->photo_name != NULL ? self->photo_name : rp_image_get_display_name (self->image);
}

/**
 * rp_job_set_context:
 * @context: (nullable): how much of the photo around the mask goes out when only part of it
 *   is sent: "auto" (%NULL), "close", "wide", "very-wide" or "whole"
 *
 * Returns: whether @context is one of those
 */
gboolean
rp_job_set_context (RpJob      *self,
                    const char *context)
{
  RpPlacementOptions probe;

  g_return_val_if_fail (RP_IS_JOB (self), FALSE);

  rp_placement_options_init (&probe, NULL);
  if (context != NULL && !rp_placement_options_set_context (&probe, context))
    return FALSE;
  if (require_unclaimed (self))
    {
      g_free (self->context);
      self->context = g_strdup (context);
    }
  return TRUE;
}

const char *
rp_job_get_context (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->context;
}

/**
 * rp_job_get_invalid_param:
 *
 * Returns: (nullable): when planning refused the job, what to fix: a parameter's name,
 *   %RP_PARAMS_INPUT_IMAGES or %RP_PARAMS_INPUT_MASK; %NULL otherwise
 */
const char *
rp_job_get_invalid_param (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->invalid_param;
}

void
rp_job_set_invalid_param (RpJob      *self,
                          const char *param)
{
  g_free (self->invalid_param);
  self->invalid_param = g_strdup (param);
}

/**
 * rp_job_set_base_url:
 * @base_url: (nullable): send to this address instead of the provider's `base_url` (a
 *   proxy, a test server); it must be https, or http on this computer
 *
 * Returns: whether @base_url is acceptable
 */
gboolean
rp_job_set_base_url (RpJob       *self,
                     const char  *base_url,
                     GError     **error)
{
  g_autofree char *clean = NULL;

  g_return_val_if_fail (RP_IS_JOB (self), FALSE);

  if (!require_unclaimed (self))
    return FALSE;
  if (base_url != NULL)
    {
      if (!rp_provider_validate_base_url (base_url, error))
        return FALSE;
      clean = g_strdup (base_url);
      if (g_str_has_suffix (clean, "/"))
        clean[strlen (clean) - 1] = '\0';
    }
  g_free (self->base_url);
  self->base_url = g_steal_pointer (&clean);
  return TRUE;
}

/**
 * rp_job_cancel:
 *
 * Cancels the job wherever it is: nothing more is sent or kept, its journal entry (if it
 * has one yet) is marked cancelled and the job ends in %RP_JOB_STATE_CANCELLED.
 */
void
rp_job_cancel (RpJob *self)
{
  g_return_if_fail (RP_IS_JOB (self));
  g_cancellable_cancel (self->cancellable);
}

const char *
rp_job_get_provider_id (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->provider_id;
}

const char *
rp_job_get_model (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->model;
}

const char *
rp_job_get_prompt (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->prompt;
}

/**
 * rp_job_get_image:
 *
 * Returns: (transfer none): the photo
 */
RpImage *
rp_job_get_image (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->image;
}

/**
 * rp_job_get_mask:
 *
 * Returns: (transfer none) (nullable): the job's copy of the mask
 */
RpMask *
rp_job_get_mask (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->mask;
}

guint
rp_job_get_n_references (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->references->len;
}

/**
 * rp_job_get_reference:
 *
 * Returns: (transfer none): reference @index
 */
RpImage *
rp_job_get_reference (RpJob *self,
                      guint  index)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  g_return_val_if_fail (index < self->references->len, NULL);
  return g_ptr_array_index (self->references, index);
}

/**
 * rp_job_get_params:
 *
 * Returns: (transfer none) (nullable): the job's copy of the parameters
 */
RpParams *
rp_job_get_params (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->params;
}

double
rp_job_get_feather_radius (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->feather_px;
}

/**
 * rp_job_get_base_url:
 *
 * Returns: (nullable): the address override, or %NULL for the provider's own
 */
const char *
rp_job_get_base_url (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->base_url;
}

RpJobState
rp_job_get_state (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), RP_JOB_STATE_FAILED);
  return self->state;
}

gboolean
rp_job_is_finished (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), TRUE);
  return self->state >= RP_JOB_STATE_DONE;
}

gint64
rp_job_get_bytes_sent (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->bytes_sent;
}

gint64
rp_job_get_bytes_total (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->bytes_total;
}

gint64
rp_job_get_bytes_received (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->bytes_received;
}

/**
 * rp_job_get_progress:
 *
 * Returns: the share of the work done, from 0 to 1, when the backend can tell (the offline
 *   fill); -1 otherwise
 */
double
rp_job_get_progress (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), -1);
  return self->progress;
}

guint
rp_job_get_attempt (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->attempt;
}

guint
rp_job_get_n_partials (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->n_partials;
}

/**
 * rp_job_get_elapsed:
 *
 * Returns: seconds since the job was submitted, up to when it finished
 */
double
rp_job_get_elapsed (RpJob *self)
{
  gint64 end;

  g_return_val_if_fail (RP_IS_JOB (self), 0);
  if (self->started_us == 0)
    return 0;
  end = self->finished_us != 0 ? self->finished_us : g_get_monotonic_time ();
  return (end - self->started_us) / (double) G_USEC_PER_SEC;
}

/**
 * rp_job_get_placement:
 *
 * Returns: (transfer none) (nullable): the upload plan, once made; show
 *   rp_placement_describe() and the region before the upload
 */
RpPlacement *
rp_job_get_placement (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->placement;
}

/**
 * rp_job_get_entry:
 *
 * Returns: (transfer none) (nullable): the journal entry, once the files to send are on disk
 */
RpHistoryEntry *
rp_job_get_entry (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->entry;
}

/**
 * rp_job_get_results:
 *
 * Returns: (transfer none): a #GListModel of #RpJobResult, filled as results arrive
 */
GListModel *
rp_job_get_results (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return G_LIST_MODEL (self->results);
}

/**
 * rp_job_get_request_id:
 *
 * Returns: (nullable): the provider's id of the (last) request, for support questions
 */
const char *
rp_job_get_request_id (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->request_id;
}

/**
 * rp_job_get_usage:
 *
 * Returns: (transfer none) (nullable): token usage as the provider reported it
 */
JsonNode *
rp_job_get_usage (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->usage;
}

/**
 * rp_job_get_error:
 *
 * Returns: (nullable): why the job failed (%RP_JOB_ERROR, the code is the kind), or
 *   %G_IO_ERROR_CANCELLED; %NULL while it runs or after success. The message is short
 *   and translated.
 */
const GError *
rp_job_get_error (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->error;
}

/**
 * rp_job_get_provider_message:
 *
 * Returns: (nullable): the provider's own words about the failure, untranslated
 */
const char *
rp_job_get_provider_message (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->provider_message;
}

/**
 * rp_job_get_http_status:
 *
 * Returns: the HTTP status of the failed reply, or 0
 */
guint
rp_job_get_http_status (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), 0);
  return self->http_status;
}

/**
 * rp_job_get_provider_code:
 *
 * Returns: (nullable): the provider's error code (`moderation_blocked`…)
 */
const char *
rp_job_get_provider_code (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->provider_code;
}

/**
 * rp_job_get_next_step:
 *
 * Returns: (nullable): a short translated suggestion for the person (check the key, wait,
 *   reword the prompt…)
 */
const char *
rp_job_get_next_step (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->next_step;
}

/* ---- For the service ------------------------------------------------------------------ */

GCancellable *
rp_job_get_cancellable (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), NULL);
  return self->cancellable;
}

static gboolean
notify_elapsed (gpointer data)
{
  g_object_notify_by_pspec (G_OBJECT (data), properties[PROP_ELAPSED]);
  return G_SOURCE_CONTINUE;
}

/* Marks the job as running; FALSE if it already was given to a service. */
gboolean
rp_job_claim (RpJob *self)
{
  g_return_val_if_fail (RP_IS_JOB (self), FALSE);

  if (self->claimed)
    return FALSE;
  self->claimed = TRUE;
  self->started_us = g_get_monotonic_time ();
  self->attempt = 1;
  self->elapsed_source = g_timeout_add_seconds (ELAPSED_NOTIFY_INTERVAL_S, notify_elapsed, self);
  return TRUE;
}

void
rp_job_set_state (RpJob      *self,
                  RpJobState  state)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (self->state == state || rp_job_is_finished (self))
    return;
  self->state = state;
  if (rp_job_is_finished (self))
    {
      self->finished_us = g_get_monotonic_time ();
      g_clear_handle_id (&self->elapsed_source, g_source_remove);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ELAPSED]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
rp_job_set_upload_progress (RpJob  *self,
                            gint64  sent,
                            gint64  total)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (self->bytes_total != total)
    {
      self->bytes_total = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
    }
  if (self->bytes_sent != sent)
    {
      self->bytes_sent = sent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
    }
}

void
rp_job_add_bytes_received (RpJob  *self,
                           gint64  bytes)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (bytes == 0)
    return;
  self->bytes_received += bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
}

void
rp_job_set_progress (RpJob  *self,
                     double  fraction)
{
  g_return_if_fail (RP_IS_JOB (self));

  fraction = fraction < 0 ? -1 : MIN (fraction, 1.0);
  if (self->progress == fraction)
    return;
  self->progress = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

void
rp_job_set_attempt (RpJob *self,
                    guint  attempt)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (self->attempt == attempt)
    return;
  self->attempt = attempt;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPT]);
}

void
rp_job_set_placement (RpJob       *self,
                      RpPlacement *placement)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (g_set_object (&self->placement, placement))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACEMENT]);
}

void
rp_job_set_entry (RpJob          *self,
                  RpHistoryEntry *entry)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (g_set_object (&self->entry, entry))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
}

void
rp_job_set_private_journal (RpJob *self,
                            GFile *dir)
{
  g_return_if_fail (RP_IS_JOB (self));
  g_set_object (&self->private_journal, dir);
}

void
rp_job_set_request_id (RpJob      *self,
                       const char *request_id)
{
  g_return_if_fail (RP_IS_JOB (self));

  if (g_strcmp0 (self->request_id, request_id) == 0)
    return;
  g_free (self->request_id);
  self->request_id = g_strdup (request_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_ID]);
}

void
rp_job_set_usage (RpJob    *self,
                  JsonNode *usage)
{
  g_return_if_fail (RP_IS_JOB (self));

  g_clear_pointer (&self->usage, json_node_unref);
  if (usage != NULL)
    self->usage = json_node_copy (usage);
}

void
rp_job_emit_partial (RpJob     *self,
                     guint      index,
                     GFile     *file,
                     GdkPixbuf *preview)
{
  g_return_if_fail (RP_IS_JOB (self));

  self->n_partials++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PARTIALS]);
  g_signal_emit (self, signals[SIGNAL_PARTIAL_IMAGE], 0, index, file, preview);
}

void
rp_job_add_result (RpJob       *self,
                   RpJobResult *result)
{
  g_return_if_fail (RP_IS_JOB (self));

  g_list_store_append (self->results, result);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RESULTS]);
  g_signal_emit (self, signals[SIGNAL_RESULT_ADDED], 0, result);
}

void
rp_job_set_failure (RpJob        *self,
                    const GError *error,
                    const char   *provider_message,
                    guint         http_status,
                    const char   *provider_code,
                    const char   *next_step)
{
  g_return_if_fail (RP_IS_JOB (self));
  g_return_if_fail (error != NULL);

  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  g_free (self->provider_message);
  self->provider_message = g_strdup (provider_message);
  self->http_status = http_status;
  g_free (self->provider_code);
  self->provider_code = g_strdup (provider_code);
  g_free (self->next_step);
  self->next_step = g_strdup (next_step);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_STEP]);
}
