/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "rp-cli.h"
#include "rp-core.h"

/* repaint-cli edit: one edit through the same pipeline as the window. */

typedef struct
{
  GMainLoop *loop;
  RpJob     *job;
  gboolean   ok;
  GError    *error;
  gboolean   progress;
  RpJobState shown_state;
  gint64     shown_percent;
} Edit;

static const char *
state_label (RpJobState state)
{
  switch (state)
    {
    case RP_JOB_STATE_QUEUED:
      return _("Waiting for the key");
    case RP_JOB_STATE_PREPARING:
      return _("Preparing the files");
    case RP_JOB_STATE_UPLOADING:
      return _("Uploading");
    case RP_JOB_STATE_WAITING:
      return _("Waiting for the provider");
    case RP_JOB_STATE_RECEIVING:
      return _("Receiving");
    case RP_JOB_STATE_DONE:
    case RP_JOB_STATE_FAILED:
    case RP_JOB_STATE_CANCELLED:
    default:
      return NULL;
    }
}

/* A one-line status on stderr, only when it is a terminal. */
static void
show_progress (RpJob      *job,
               GParamSpec *pspec,
               Edit       *e)
{
  RpJobState state = rp_job_get_state (job);
  const char *label = state_label (state);
  gint64 total = rp_job_get_bytes_total (job);
  gint64 percent = total > 0 ? rp_job_get_bytes_sent (job) * 100 / total : 0;
  /* The offline fill measures its own work. */
  gboolean filling = state == RP_JOB_STATE_WAITING && rp_job_get_progress (job) >= 0;

  if (filling)
    {
      label = _("Filling");
      percent = (gint64) (rp_job_get_progress (job) * 100);
    }

  if (!e->progress)
    return;
  if (label == NULL)
    {
      fprintf (stderr, "\r\033[K");
      return;
    }
  if (state == e->shown_state && (!(state == RP_JOB_STATE_UPLOADING || filling) || percent == e->shown_percent) &&
      g_strcmp0 (pspec->name, "elapsed") != 0)
    return;
  e->shown_state = state;
  e->shown_percent = percent;
  if (state == RP_JOB_STATE_UPLOADING || filling)
    fprintf (stderr, "\r\033[K%s… %" G_GINT64_FORMAT " %%", label, percent);
  else
    fprintf (stderr, "\r\033[K%s… %.0f s", label, rp_job_get_elapsed (job));
  fflush (stderr);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Edit *e = user_data;

  e->ok = rp_service_run_job_finish (RP_SERVICE (source), result, &e->error);
  g_main_loop_quit (e->loop);
}

static gboolean
on_interrupt (gpointer data)
{
  Edit *e = data;

  rp_job_cancel (e->job);
  return G_SOURCE_CONTINUE;
}

/* A --param value typed as the parameter wants it. */
static gboolean
set_param (RpParams    *params,
           const char  *assignment,
           GError     **error)
{
  g_autofree char *key = NULL;
  const char *value = strchr (assignment, '=');
  RpParamSpec *spec;
  gint64 number;

  if (value == NULL || value == assignment)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not KEY=VALUE"), assignment);
      return FALSE;
    }
  key = g_strndup (assignment, value - assignment);
  value++;
  spec = rp_model_spec_lookup_param (rp_params_get_spec (params), key);
  if (spec == NULL)
    return rp_params_set_string (params, key, value, error);
  switch (rp_param_spec_get_param_type (spec))
    {
    case RP_PARAM_INT:
      if (!g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &number, NULL))
        break;
      return rp_params_set_int (params, key, number, error);
    case RP_PARAM_NUMBER:
      {
        char *end = NULL;
        double d = g_ascii_strtod (value, &end);

        if (end == value || *end != '\0')
          break;
        return rp_params_set_double (params, key, d, error);
      }
    case RP_PARAM_BOOL:
      if (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1") ||
          g_ascii_strcasecmp (value, "yes") == 0)
        return rp_params_set_boolean (params, key, TRUE, error);
      if (g_ascii_strcasecmp (value, "false") == 0 || g_str_equal (value, "0") ||
          g_ascii_strcasecmp (value, "no") == 0)
        return rp_params_set_boolean (params, key, FALSE, error);
      break;
    case RP_PARAM_STRING:
    case RP_PARAM_ENUM:
    case RP_PARAM_SIZE:
    default:
      return rp_params_set_string (params, key, value, error);
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a valid value for %s"), value, key);
  return FALSE;
}

static RpImage *
load_image (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) local_error = NULL;
  RpImage *image = rp_image_load_file (file, NULL, &local_error);

  if (image == NULL)
    g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
  return image;
}

static gboolean
copy_to (GFile       *source,
         const char  *dir,
         const char  *name,
         char       **out_path,
         GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (path);

  if (!g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  *out_path = g_steal_pointer (&path);
  return TRUE;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_report (RpJob      *job,
              const char *status,
              GPtrArray  *raws,
              GPtrArray  *composites,
              RpProvider *provider)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const GError *error = rp_job_get_error (job);

  json_builder_begin_object (b);
  add_string (b, "status", status);
  json_builder_set_member_name (b, "outputs");
  json_builder_begin_array (b);
  for (guint i = 0; raws != NULL && i < raws->len; i++)
    {
      json_builder_begin_object (b);
      add_string (b, "raw", raws->pdata[i]);
      add_string (b, "composite", composites->pdata[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  if (rp_job_get_usage (job) != NULL)
    json_builder_add_value (b, json_node_copy (rp_job_get_usage (job)));
  else
    json_builder_add_null_value (b);
  add_string (b, "provider", provider != NULL ? rp_provider_get_id (provider) : rp_job_get_provider_id (job));
  add_string (b, "model", rp_job_get_model (job));
  json_builder_set_member_name (b, "elapsed_s");
  json_builder_add_double_value (b, rp_job_get_elapsed (job));
  add_string (b, "request_id", rp_job_get_request_id (job));
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      add_string (b, "kind", error->domain == RP_JOB_ERROR ? rp_job_error_kind_to_string (error->code) : "local");
      add_string (b, "message", error->message);
      add_string (b, "provider_message", rp_job_get_provider_message (job));
      json_builder_set_member_name (b, "http_status");
      json_builder_add_int_value (b, rp_job_get_http_status (job));
      add_string (b, "code", rp_job_get_provider_code (job));
      add_string (b, "next_step", rp_job_get_next_step (job));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  rp_cli_print_json (root);
}

typedef struct
{
  char     *provider_id;
  char     *image_path;
  char    **references;
  char     *mask_path;
  char     *mask_rect;
  char     *prompt;
  char     *model;
  char    **params;
  char     *base_url;
  char     *output_dir;
  char     *retry_id;
  char     *again_id;
  gboolean  json;
  gboolean  no_history;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->provider_id);
  g_free (o->image_path);
  g_strfreev (o->references);
  g_free (o->mask_path);
  g_free (o->mask_rect);
  g_free (o->prompt);
  g_free (o->model);
  g_strfreev (o->params);
  g_free (o->base_url);
  g_free (o->output_dir);
  g_free (o->retry_id);
  g_free (o->again_id);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static RpMask *
make_mask (Options  *o,
           RpImage  *image,
           GError  **error)
{
  int w = rp_image_get_width (image), h = rp_image_get_height (image);
  int x, y, rw, rh;

  if (o->mask_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (o->mask_path);
      g_autoptr(GError) local_error = NULL;
      RpMask *mask = rp_mask_load_file (file, w, h, NULL, &local_error);

      if (mask == NULL)
        g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID, "%s: %s", o->mask_path,
                     local_error->message);
      else if (rp_mask_is_empty (mask))
        {
          g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                       _("%s marks nothing to edit: no pixel has alpha 0."), o->mask_path);
          g_clear_object (&mask);
        }
      return mask;
    }
  if (!rp_cli_parse_rect (o->mask_rect, &x, &y, &rw, &rh))
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("“%s” is not a rectangle; use X,Y,W,H with a positive width and height"),
                   o->mask_rect);
      return NULL;
    }
  if (x >= w || y >= h || x + rw <= 0 || y + rh <= 0)
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("The rectangle %s lies outside the %d × %d photo"), o->mask_rect, w, h);
      return NULL;
    }
  {
    RpMask *mask = rp_mask_new (w, h);

    rp_mask_fill_rect (mask, x, y, rw, rh, RP_MASK_OP_PAINT);
    return mask;
  }
}

/* Everything before the job runs; on failure the exit status is 2. */
static RpJob *
build_job (Options             *o,
           RpProviderRegistry  *registry,
           RpProvider         **out_provider,
           GError             **error)
{
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpMask) mask = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(RpJob) job = NULL;
  RpProvider *provider;
  const char *model;

  provider = rp_provider_registry_lookup (registry, o->provider_id);
  if (provider == NULL)
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("There is no provider “%s”; “repaint-cli providers” lists them."), o->provider_id);
      return NULL;
    }
  *out_provider = provider;
  if ((image = load_image (o->image_path, error)) == NULL)
    return NULL;
  for (guint i = 0; o->references != NULL && o->references[i] != NULL; i++)
    {
      RpImage *reference = load_image (o->references[i], error);

      if (reference == NULL)
        return NULL;
      g_ptr_array_add (references, reference);
    }
  if ((o->mask_path != NULL || o->mask_rect != NULL) && (mask = make_mask (o, image, error)) == NULL)
    return NULL;

  model = o->model != NULL ? o->model : rp_provider_get_default_model (provider);
  if (model == NULL)
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("%s has no default model; choose one with --model."), rp_provider_get_name (provider));
      return NULL;
    }
  params = rp_params_new (provider, model, error);
  if (params == NULL || !rp_params_set_inputs (params, 1 + references->len, mask != NULL, error))
    return NULL;
  /* The offline fill reads no prompt; every other model needs one. */
  if (rp_model_spec_lookup_param (rp_params_get_spec (params), "prompt") == NULL)
    {
      if (o->prompt != NULL)
        rp_cli_error (_("%s does not read the prompt; it is ignored"),
                      rp_model_spec_get_display_name (rp_params_get_spec (params)));
    }
  else if (o->prompt == NULL)
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("%s needs --prompt: what to do with the photo"), rp_provider_get_name (provider));
      return NULL;
    }
  for (guint i = 0; o->params != NULL && o->params[i] != NULL; i++)
    if (!set_param (params, o->params[i], error))
      return NULL;

  job = rp_job_new (image, mask, o->prompt, params);
  for (guint i = 0; i < references->len; i++)
    rp_job_add_reference (job, references->pdata[i]);
  if (o->base_url != NULL && !rp_job_set_base_url (job, o->base_url, error))
    return NULL;
  return g_steal_pointer (&job);
}

/* --retry ID / --again ID: the edit of a history entry, sent again. */
static RpJob *
build_job_from_entry (Options             *o,
                      RpProviderRegistry  *registry,
                      RpProvider         **out_provider,
                      GError             **error)
{
  const char *id = o->retry_id != NULL ? o->retry_id : o->again_id;
  g_autoptr(RpHistory) history = rp_history_new (NULL);
  RpHistoryEntry *entry;
  g_autoptr(RpJob) job = NULL;

  /* Loading also marks edits whose process is gone as interrupted. */
  if (!rp_history_load (history, NULL, error))
    return NULL;
  entry = rp_history_lookup (history, id);
  if (entry == NULL)
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("No edit “%s” in the history (see “repaint-cli history”)."), id);
      return NULL;
    }
  *out_provider = rp_job_find_entry_provider (entry, registry, error);
  if (*out_provider == NULL)
    return NULL;
  job = rp_job_new_from_entry (entry, *out_provider, o->again_id != NULL, NULL, error);
  if (job == NULL)
    return NULL;
  if (o->base_url != NULL && !rp_job_set_base_url (job, o->base_url, error))
    return NULL;
  return g_steal_pointer (&job);
}

static RpService *
make_service (Options    *o,
              RpProvider *provider)
{
  g_autoptr(RpHistory) history = o->no_history ? NULL : rp_history_new (NULL);
  g_autoptr(RpSecrets) secrets = NULL;
  g_autoptr(RpLocalBackend) local = rp_local_backend_new ();
  const char *env = rp_provider_get_api_key_env (provider);
  const char *key = env != NULL ? g_getenv (env) : NULL;
  RpService *service;

  /* The environment first, as scripts expect; the keyring otherwise; the offline fill
   * needs neither. */
  if ((key == NULL || *key == '\0') && !rp_provider_is_local (provider))
    secrets = rp_secrets_new ();
  service = rp_service_new (history, secrets);
  rp_service_add_backend (service, RP_PROVIDER_RESERVED_ID, RP_EDIT_BACKEND (local));
  if (key != NULL && *key != '\0')
    rp_service_set_api_key (service, rp_provider_get_id (provider), key);
  return service;
}

static void
report_failure (RpJob *job)
{
  const GError *error = rp_job_get_error (job);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      rp_cli_error ("%s", _("Cancelled."));
      return;
    }
  if (rp_job_get_provider_message (job) != NULL)
    rp_cli_error ("%s (%s)", error->message, rp_job_get_provider_message (job));
  else
    rp_cli_error ("%s", error->message);
  if (rp_job_get_http_status (job) != 0 || rp_job_get_request_id (job) != NULL)
    fprintf (stderr, "  HTTP %u%s%s%s%s\n", rp_job_get_http_status (job),
             rp_job_get_provider_code (job) ? ", " : "",
             rp_job_get_provider_code (job) ? rp_job_get_provider_code (job) : "",
             rp_job_get_request_id (job) ? _(", request ") : "",
             rp_job_get_request_id (job) ? rp_job_get_request_id (job) : "");
  if (rp_job_get_next_step (job) != NULL)
    fprintf (stderr, "  %s\n", rp_job_get_next_step (job));
}

static int
write_outputs (Options    *o,
               RpJob      *job,
               RpProvider *provider)
{
  GListModel *results = rp_job_get_results (job);
  g_autoptr(GPtrArray) raws = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) composites = g_ptr_array_new_with_free_func (g_free);
  const char *dir = o->output_dir != NULL ? o->output_dir : ".";
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      rp_cli_error (_("%s: cannot create the folder"), dir);
      return RP_CLI_EXIT_FAILURE;
    }
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(RpJobResult) result = g_list_model_get_item (results, i);
      g_autofree char *raw_name = g_strdup_printf ("raw-%u.%s", i + 1,
                                                   rp_image_format_extension (rp_job_result_get_format (result)));
      g_autofree char *composite_name = g_strdup_printf ("result-%u.png", i + 1);
      char *raw_path = NULL, *composite_path = NULL;

      if (!copy_to (rp_job_result_get_raw (result), dir, raw_name, &raw_path, &error) ||
          !copy_to (rp_job_result_get_composite (result), dir, composite_name, &composite_path, &error))
        {
          rp_cli_error ("%s", error->message);
          g_free (raw_path);
          return RP_CLI_EXIT_FAILURE;
        }
      g_ptr_array_add (raws, raw_path);
      g_ptr_array_add (composites, composite_path);
    }
  if (o->json)
    print_report (job, "done", raws, composites, provider);
  else
    for (guint i = 0; i < raws->len; i++)
      printf ("%s\n%s\n", (char *) raws->pdata[i], (char *) composites->pdata[i]);
  return RP_CLI_EXIT_OK;
}

/* repaint-cli edit --provider ID (--image FILE | FILE) [--reference FILE]… [--mask FILE |
 * --mask-rect X,Y,W,H] [--prompt TEXT] [--model NAME] [--param KEY=VALUE]… [--base-url URL]
 * [--output DIR] [--json] [--no-history]; --prompt unless the model reads none
 * repaint-cli edit --retry ID | --again ID [--base-url URL] [--output DIR] [--json] */
int
rp_cli_edit (int    argc,
             char **argv)
{
  g_auto(Options) o = { 0, };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpProviderRegistry) registry = NULL;
  g_autoptr(RpService) service = NULL;
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  RpProvider *provider = NULL;
  Edit e = { 0, };
  guint sigint;
  int status;
  GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &o.provider_id, N_("The provider (see “repaint-cli providers”)"), N_("ID") },
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &o.image_path, N_("The photo to edit"), N_("FILE") },
    { "reference", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.references, N_("A reference image, sent after the photo (repeatable, in order)"), N_("FILE") },
    { "mask", 0, 0, G_OPTION_ARG_FILENAME, &o.mask_path, N_("A PNG of the photo’s size whose alpha is 0 where to edit"), N_("FILE") },
    { "mask-rect", 0, 0, G_OPTION_ARG_STRING, &o.mask_rect, N_("The rectangle to edit"), N_("X,Y,W,H") },
    { "prompt", 0, 0, G_OPTION_ARG_STRING, &o.prompt, N_("What to do"), N_("TEXT") },
    { "model", 0, 0, G_OPTION_ARG_STRING, &o.model, N_("The model (see “repaint-cli models ID”)"), N_("NAME") },
    { "param", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.params, N_("A parameter value (repeatable)"), N_("KEY=VALUE") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &o.base_url, N_("Send to this address instead of the provider’s"), N_("URL") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output_dir, N_("Where to write raw-N and result-N.png (default: the current folder)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print one JSON object"), NULL },
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &o.no_history, N_("Keep nothing in the history"), NULL },
    { "retry", 0, 0, G_OPTION_ARG_STRING, &o.retry_id, N_("Send the edit of this history entry again, as it was"), N_("ID") },
    { "again", 0, 0, G_OPTION_ARG_STRING, &o.again_id, N_("Run the edit of this history entry again for new variations"), N_("ID") },
    { NULL }
  };

  context = g_option_context_new (_("[FILE]"));
  g_option_context_set_summary (context,
                                _("Send an edit to a provider and place the results back into the photo "
                                  "at its full size. The offline fill (--provider local) runs on this "
                                  "computer: it needs a mask but no key, no network and no prompt. "
                                  "Exit status: 0 done, 1 provider or network error, "
                                  "2 usage or validation error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      rp_cli_error ("%s", error->message);
      return RP_CLI_EXIT_USAGE;
    }
  /* The photo may also come as the one argument. */
  if (argc == 2 && o.image_path == NULL)
    o.image_path = g_strdup (argv[1]);
  else if (argc > 1)
    {
      rp_cli_error (_("unexpected argument “%s”"), argv[argc - 1]);
      return RP_CLI_EXIT_USAGE;
    }
  if (o.retry_id != NULL && o.again_id != NULL)
    {
      rp_cli_error ("%s", _("use either --retry or --again, not both"));
      return RP_CLI_EXIT_USAGE;
    }
  if ((o.retry_id != NULL || o.again_id != NULL) &&
      (o.provider_id != NULL || o.image_path != NULL || o.prompt != NULL || o.mask_path != NULL ||
       o.mask_rect != NULL || o.references != NULL || o.params != NULL || o.model != NULL))
    {
      rp_cli_error ("%s", _("--retry and --again take everything from the history entry; give only "
                            "--base-url, --output, --json or --no-history with them"));
      return RP_CLI_EXIT_USAGE;
    }
  if (o.retry_id == NULL && o.again_id == NULL &&
      (o.provider_id == NULL || o.image_path == NULL))
    {
      rp_cli_error ("%s", _("edit needs --provider and the photo (--image FILE, or FILE)"));
      return RP_CLI_EXIT_USAGE;
    }
  if (o.mask_path != NULL && o.mask_rect != NULL)
    {
      rp_cli_error ("%s", _("use either --mask or --mask-rect, not both"));
      return RP_CLI_EXIT_USAGE;
    }

  registry = rp_cli_load_registry (FALSE);
  if (o.retry_id != NULL || o.again_id != NULL)
    job = build_job_from_entry (&o, registry, &provider, &error);
  else
    job = build_job (&o, registry, &provider, &error);
  if (job == NULL)
    {
      rp_cli_error ("%s", error->message);
      return RP_CLI_EXIT_USAGE;
    }

  service = make_service (&o, provider);
  loop = g_main_loop_new (NULL, FALSE);
  e.loop = loop;
  e.job = job;
  e.progress = isatty (STDERR_FILENO);
  e.shown_state = RP_JOB_STATE_DONE;
  g_signal_connect (job, "notify::state", G_CALLBACK (show_progress), &e);
  g_signal_connect (job, "notify::bytes-sent", G_CALLBACK (show_progress), &e);
  g_signal_connect (job, "notify::progress", G_CALLBACK (show_progress), &e);
  g_signal_connect (job, "notify::elapsed", G_CALLBACK (show_progress), &e);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &e);
  rp_service_run_job_async (service, job, NULL, on_done, &e);
  g_main_loop_run (loop);
  g_source_remove (sigint);

  if (e.ok)
    status = write_outputs (&o, job, provider);
  else
    {
      /* Refused before anything was sent: a usage or validation error. */
      gboolean invalid = g_error_matches (e.error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID) &&
                         rp_job_get_entry (job) == NULL && rp_job_get_http_status (job) == 0;

      report_failure (job);
      if (o.json)
        print_report (job, invalid ? "invalid" : rp_job_state_to_string (rp_job_get_state (job)),
                      NULL, NULL, provider);
      status = invalid ? RP_CLI_EXIT_USAGE : RP_CLI_EXIT_FAILURE;
    }
  g_clear_error (&e.error);
  return status;
}
