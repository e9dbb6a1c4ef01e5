/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* repaint-cli as scripts run it: in throw-away XDG folders under @dir (data, config,
 * cache, state), in the C.UTF-8 locale, with every debug message on, and the key in
 * @key_env when @key is given (the variable is removed otherwise). */
GSubprocessLauncher *rp_test_cli_launcher (const char          *dir,
                                           GSubprocessFlags     flags,
                                           const char          *key_env,
                                           const char          *key);
/* The path of repaint-cli under test. */
const char          *rp_test_cli_path     (void);

G_END_DECLS
