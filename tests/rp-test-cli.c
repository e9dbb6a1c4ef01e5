/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rp-test-cli.h"

const char *
rp_test_cli_path (void)
{
  const char *path = g_getenv ("REPAINT_CLI");

  g_assert_nonnull (path);
  return path;
}

GSubprocessLauncher *
rp_test_cli_launcher (const char       *dir,
                      GSubprocessFlags  flags,
                      const char       *key_env,
                      const char       *key)
{
  static const char * const homes[][2] = {
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
    {
      g_autofree char *path = g_build_filename (dir, homes[i][1], NULL);

      g_subprocess_launcher_setenv (launcher, homes[i][0], path, TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (key != NULL)
    g_subprocess_launcher_setenv (launcher, key_env, key, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, key_env);
  g_subprocess_launcher_set_cwd (launcher, dir);
  return launcher;
}
