/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-job"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rp-job-entry.h"

/**
 * rp_job_new_from_entry:
 * @entry: an edit from the history (done, failed, interrupted…)
 * @provider: the edit's provider (rp_history_entry_get_provider(), looked up by the caller)
 * @variation: %TRUE to ask for new results (a random seed is not reused), %FALSE to send
 *   the same request again (Retry)
 *
 * A job with the same photo, mask, references, prompt, provider, model, values and crop as
 * @entry. Blocking (it reads the images): call it from a worker thread.
 *
 * Returns: (transfer full): the job, or %NULL with @error set (translated)
 */
RpJob *
rp_job_new_from_entry (RpHistoryEntry      *entry,
                       RpProvider          *provider,
                       gboolean             variation,
                       GCancellable        *cancellable,
                       GError             **error)
{
  JsonObject *meta;
  const char *model, *context;
  JsonNode *values;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpMask) mask = NULL;
  g_autoptr(GPtrArray) references = NULL;
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) local_error = NULL;
  guint i;

  g_return_val_if_fail (RP_IS_HISTORY_ENTRY (entry), NULL);
  g_return_val_if_fail (RP_IS_PROVIDER (provider), NULL);

  meta = rp_history_entry_get_metadata (entry);
  model = rp_history_entry_get_model (entry);
  params = rp_params_new (provider, model && *model ? model : rp_provider_get_default_model (provider), error);
  if (params == NULL)
    return NULL;
  values = json_object_get_member (meta, "params");
  if (values != NULL && JSON_NODE_HOLDS_OBJECT (values))
    rp_params_load_json (params, values);
  /* The size the plan chose goes again through planning; a seed the person set stays for
   * Retry but not for new variations. */
  if (variation)
    rp_params_unset (params, "seed");

  image = rp_history_entry_load_source (entry, cancellable, error);
  if (image == NULL)
    return NULL;
  mask = rp_history_entry_load_source_mask (entry, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  references = rp_history_entry_load_references (entry, cancellable, error);
  if (references == NULL)
    return NULL;

  job = rp_job_new (image, mask, rp_history_entry_get_prompt (entry), params);
  rp_job_set_photo_name (job, rp_history_entry_get_source_name (entry));
  for (i = 0; i < references->len; i++)
    rp_job_add_reference (job, g_ptr_array_index (references, i));
  if (json_object_has_member (meta, "feather_px"))
    rp_job_set_feather_radius (job, json_object_get_double_member (meta, "feather_px"));
  context = json_object_get_string_member_with_default (meta, "context", NULL);
  if (context != NULL)
    rp_job_set_context (job, context);
  return g_steal_pointer (&job);
}

/**
 * rp_job_find_entry_provider:
 *
 * Returns: (transfer none): the provider of @entry in @registry, or %NULL with @error set
 *   (translated) when it is no longer set up
 */
RpProvider *
rp_job_find_entry_provider (RpHistoryEntry      *entry,
                            RpProviderRegistry  *registry,
                            GError             **error)
{
  const char *id = rp_history_entry_get_provider (entry);
  RpProvider *provider = rp_provider_registry_lookup (registry, id);

  if (provider == NULL)
    g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                 _("The service “%s” this edit used is no longer set up."), id);
  return provider;
}
