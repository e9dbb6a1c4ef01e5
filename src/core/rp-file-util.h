/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char *rp_file_load_capped (GFile         *file,
                           gsize          max_bytes,
                           gsize         *length,
                           GCancellable  *cancellable,
                           GError       **error);

G_END_DECLS
