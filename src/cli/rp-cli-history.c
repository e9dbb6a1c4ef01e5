/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "rp-cli.h"
#include "rp-core.h"

/* repaint-cli history [--json]: the edits in the history, newest first, with the id that
 * "edit --retry" and "edit --again" take. */
int
rp_cli_history (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpHistory) history = NULL;
  gboolean json = FALSE;
  guint i, n;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON array"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("List the edits in the history, newest first. Loading the history "
                                           "also marks edits whose process has gone as interrupted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      rp_cli_error ("%s", error->message);
      return RP_CLI_EXIT_USAGE;
    }
  if (argc > 1)
    {
      rp_cli_error (_("unexpected argument “%s”"), argv[1]);
      return RP_CLI_EXIT_USAGE;
    }

  history = rp_history_new (NULL);
  if (!rp_history_load (history, NULL, &error))
    {
      rp_cli_error ("%s", error->message);
      return RP_CLI_EXIT_FAILURE;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (history));
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (i = 0; i < n; i++)
        {
          g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i);
          g_autofree char *created = g_date_time_format_iso8601 (rp_history_entry_get_created (entry));
          g_autofree char *dir = g_file_get_path (rp_history_entry_get_dir (entry));

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, rp_history_entry_get_id (entry));
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, rp_history_status_to_string (rp_history_entry_get_status (entry)));
          json_builder_set_member_name (b, "provider");
          json_builder_add_string_value (b, rp_history_entry_get_provider (entry));
          json_builder_set_member_name (b, "model");
          json_builder_add_string_value (b, rp_history_entry_get_model (entry) ? rp_history_entry_get_model (entry) : "");
          json_builder_set_member_name (b, "prompt");
          json_builder_add_string_value (b, rp_history_entry_get_prompt (entry));
          json_builder_set_member_name (b, "created");
          json_builder_add_string_value (b, created);
          json_builder_set_member_name (b, "results");
          json_builder_add_int_value (b, rp_history_entry_get_n_outputs (entry));
          json_builder_set_member_name (b, "folder");
          json_builder_add_string_value (b, dir);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      rp_cli_print_json (root);
      return RP_CLI_EXIT_OK;
    }
  for (i = 0; i < n; i++)
    {
      g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i);
      g_autoptr(GDateTime) local = g_date_time_to_local (rp_history_entry_get_created (entry));
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");

      printf ("%s  %-11s  %s  %s/%s  %s\n", rp_history_entry_get_id (entry),
              rp_history_status_to_string (rp_history_entry_get_status (entry)), when,
              rp_history_entry_get_provider (entry),
              rp_history_entry_get_model (entry) ? rp_history_entry_get_model (entry) : "",
              rp_history_entry_get_prompt (entry));
    }
  return RP_CLI_EXIT_OK;
}
