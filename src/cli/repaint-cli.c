/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "rp-cli.h"

void
rp_cli_error (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "repaint-cli: %s\n", message);
}

/* Parses "X,Y,W,H" with integer fields and W, H > 0. */
gboolean
rp_cli_parse_rect (const char *text,
                   int        *x,
                   int        *y,
                   int        *width,
                   int        *height)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  gint64 v[4];
  int i;

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (i = 0; i < 4; i++)
    {
      g_strstrip (parts[i]);
      if (!g_ascii_string_to_signed (parts[i], 10, -1000000, 1000000, &v[i], NULL))
        return FALSE;
    }
  if (v[2] <= 0 || v[3] <= 0)
    return FALSE;
  *x = v[0];
  *y = v[1];
  *width = v[2];
  *height = v[3];
  return TRUE;
}

static void
usage (FILE *out)
{
  fprintf (out, "%s\n\n"
           "  repaint-cli providers [--json]\n"
           "  repaint-cli models PROVIDER [--json]\n"
           "  repaint-cli edit --provider ID [--image] FILE [--reference FILE]… [--mask FILE | --mask-rect X,Y,W,H]\n"
           "                   [--prompt TEXT] [--model NAME] [--param KEY=VALUE]… [--base-url URL]\n"
           "                   [--output DIR] [--json] [--no-history]\n"
           "  repaint-cli edit --retry ID | --again ID [--base-url URL] [--output DIR] [--json]\n"
           "  repaint-cli history [--json]\n"
           "  repaint-cli mask --image FILE --rect X,Y,W,H [--rect …] --output MASK.png\n\n%s\n",
           _("Usage:"), _("Run “repaint-cli COMMAND --help” for the options of a command."));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  /* REPAINT_LOCALEDIR lets the uninstalled build use its own translations. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("REPAINT_LOCALEDIR") ? g_getenv ("REPAINT_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("repaint-cli");
  /* stdout carries results (paths, JSON) for scripts; every log message goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);

  if (argc < 2)
    {
      usage (stderr);
      return RP_CLI_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      usage (stdout);
      return RP_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("repaint-cli %s\n", PACKAGE_VERSION);
      return RP_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "mask"))
    return rp_cli_mask (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "providers"))
    return rp_cli_providers (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "models"))
    return rp_cli_models (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "edit"))
    return rp_cli_edit (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "history"))
    return rp_cli_history (argc - 1, argv + 1);

  rp_cli_error (_("unknown command “%s”"), argv[1]);
  usage (stderr);
  return RP_CLI_EXIT_USAGE;
}
