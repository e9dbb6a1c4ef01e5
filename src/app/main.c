/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "rp-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RpApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* REPAINT_LOCALEDIR lets the uninstalled build use its own translations. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("REPAINT_LOCALEDIR") ? g_getenv ("REPAINT_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Repaint"));
  app = rp_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
