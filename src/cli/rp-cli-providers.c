/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rp-cli.h"
#include "rp-core.h"

/* The definitions as this user's Repaint sees them: built-ins plus their own files. */
RpProviderRegistry *
rp_cli_load_registry (gboolean report_problems)
{
  RpProviderRegistry *registry = rp_provider_registry_new (NULL, NULL);
  GListModel *problems;

  rp_provider_registry_load (registry);
  problems = rp_provider_registry_get_problems (registry);
  for (guint i = 0; report_problems && i < g_list_model_get_n_items (problems); i++)
    {
      g_autoptr(RpProviderProblem) problem = g_list_model_get_item (problems, i);

      rp_cli_error (_("skipped %s: %s"), rp_provider_problem_get_path (problem),
                    rp_provider_problem_get_message (problem));
    }
  return registry;
}

void
rp_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

static gboolean
parse_json_flag (int        *argc,
                 char     ***argv,
                 const char *summary,
                 gboolean   *json,
                 int        *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      rp_cli_error ("%s", error->message);
      *status = RP_CLI_EXIT_USAGE;
      return FALSE;
    }
  return TRUE;
}

/* repaint-cli providers [--json] */
int
rp_cli_providers (int    argc,
                  char **argv)
{
  g_autoptr(RpProviderRegistry) registry = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GListModel *providers;
  gboolean json = FALSE;
  int status = RP_CLI_EXIT_OK;

  if (!parse_json_flag (&argc, &argv, _("List the providers edits can be sent to. Problems with "
                                         "your own definition files are reported on stderr."),
                        &json, &status))
    return status;
  if (argc > 1)
    {
      rp_cli_error (_("providers takes no arguments"));
      return RP_CLI_EXIT_USAGE;
    }

  registry = rp_cli_load_registry (TRUE);
  providers = rp_provider_registry_get_providers (registry);
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);
      const char *url = rp_provider_get_base_url (provider);
      const char *env = rp_provider_get_api_key_env (provider);

      /* The offline fill has neither: its columns stay empty, its JSON members null. */
      if (!json)
        {
          printf ("%s\t%s\t%s\t%s\n", rp_provider_get_id (provider), rp_provider_get_name (provider),
                  url ? url : "", env ? env : "");
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, rp_provider_get_id (provider));
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, rp_provider_get_name (provider));
      json_builder_set_member_name (b, "engine");
      json_builder_add_string_value (b, rp_provider_is_local (provider) ? "local" : "http");
      json_builder_set_member_name (b, "base_url");
      json_builder_add_string_value (b, rp_provider_get_base_url (provider));
      json_builder_set_member_name (b, "api_key_env");
      json_builder_add_string_value (b, env);
      json_builder_set_member_name (b, "builtin");
      json_builder_add_boolean_value (b, rp_provider_get_builtin (provider));
      json_builder_set_member_name (b, "default_model");
      json_builder_add_string_value (b, rp_provider_get_default_model (provider));
      json_builder_set_member_name (b, "n_models");
      json_builder_add_int_value (b, g_list_model_get_n_items (rp_provider_get_models (provider)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (json)
    {
      root = json_builder_get_root (b);
      rp_cli_print_json (root);
    }
  return RP_CLI_EXIT_OK;
}

static void
add_param (JsonBuilder *b,
           RpParamSpec *param)
{
  static const char *types[] = { "string", "int", "number", "bool", "enum", "size" };
  const char * const *choices = rp_param_spec_get_choices (param);
  GVariant *def = rp_param_spec_get_default (param);
  double bound;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, rp_param_spec_get_name (param));
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, types[rp_param_spec_get_param_type (param)]);
  if (choices != NULL && choices[0] != NULL)
    {
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      for (guint i = 0; choices[i] != NULL; i++)
        json_builder_add_string_value (b, choices[i]);
      json_builder_end_array (b);
    }
  if (rp_param_spec_get_minimum (param, &bound))
    {
      json_builder_set_member_name (b, "min");
      json_builder_add_double_value (b, bound);
    }
  if (rp_param_spec_get_maximum (param, &bound))
    {
      json_builder_set_member_name (b, "max");
      json_builder_add_double_value (b, bound);
    }
  if (def != NULL)
    {
      json_builder_set_member_name (b, "default");
      json_builder_add_value (b, json_gvariant_serialize (def));
    }
  json_builder_set_member_name (b, "required");
  json_builder_add_boolean_value (b, rp_param_spec_get_required (param));
  json_builder_end_object (b);
}

/* repaint-cli models PROVIDER [--json] */
int
rp_cli_models (int    argc,
               char **argv)
{
  g_autoptr(RpProviderRegistry) registry = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  RpProvider *provider;
  GListModel *models;
  gboolean json = FALSE;
  int status = RP_CLI_EXIT_OK;

  if (!parse_json_flag (&argc, &argv, _("List a provider’s models and the parameters each "
                                         "takes (“repaint-cli providers” lists the providers)."),
                        &json, &status))
    return status;
  if (argc != 2)
    {
      rp_cli_error (_("models needs exactly one provider id"));
      return RP_CLI_EXIT_USAGE;
    }
  registry = rp_cli_load_registry (FALSE);
  provider = rp_provider_registry_lookup (registry, argv[1]);
  if (provider == NULL)
    {
      rp_cli_error (_("there is no provider “%s”; “repaint-cli providers” lists them"), argv[1]);
      return RP_CLI_EXIT_USAGE;
    }

  models = rp_provider_get_models (provider);
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(RpModelInfo) info = g_list_model_get_item (models, i);
      const char *id = rp_model_info_get_id (info);
      gboolean is_default = g_strcmp0 (id, rp_provider_get_default_model (provider)) == 0;
      g_autoptr(RpParams) params = NULL;
      RpModelSpec *spec;
      GListModel *list;

      if (!json)
        {
          printf ("%s\t%s%s\n", id, rp_model_info_get_name (info) ? rp_model_info_get_name (info) : id,
                  is_default ? "\t(default)" : "");
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, rp_model_info_get_name (info) ? rp_model_info_get_name (info) : id);
      json_builder_set_member_name (b, "default");
      json_builder_add_boolean_value (b, is_default);
      params = rp_params_new (provider, id, NULL);
      if (params != NULL)
        {
          spec = rp_params_get_spec (params);
          list = rp_model_spec_get_params (spec);
          json_builder_set_member_name (b, "params");
          json_builder_begin_array (b);
          for (guint j = 0; j < g_list_model_get_n_items (list); j++)
            {
              g_autoptr(RpParamSpec) param = g_list_model_get_item (list, j);

              if (!rp_param_spec_get_implicit (param))
                add_param (b, param);
            }
          json_builder_end_array (b);
          json_builder_set_member_name (b, "max_images");
          json_builder_add_int_value (b, rp_model_spec_get_images (spec)->max_count);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (json)
    {
      root = json_builder_get_root (b);
      rp_cli_print_json (root);
    }
  return RP_CLI_EXIT_OK;
}
