/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Entry points for fuzz targets (LLVMFuzzerTestOneInput can call them directly). Each runs
 * a parser over arbitrary bytes, split into chunks whose size the first byte chooses, and
 * returns 0. Any crash, abort or leak they provoke is a bug. */
int rp_transport_fuzz_sse           (const guint8 *data,
                                     gsize         len);
int rp_transport_fuzz_images_reader (const guint8 *data,
                                     gsize         len);

G_END_DECLS
