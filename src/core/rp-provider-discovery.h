/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rp-provider.h"

G_BEGIN_DECLS

/* A model list is a few hundred kilobytes at most; anything far larger is not one. */
#define RP_DISCOVERY_MAX_REPLY_BYTES (8 * 1024 * 1024)
#define RP_DISCOVERY_TIMEOUT_S       30

char     *rp_provider_get_discovery_cache_path (RpProvider           *provider,
                                                const char           *cache_dir);
gboolean  rp_provider_load_discovery_cache     (RpProvider           *provider,
                                                const char           *cache_dir,
                                                GError              **error);
void      rp_provider_discover_async           (RpProvider           *provider,
                                                SoupSession          *session,
                                                const char           *cache_dir,
                                                const char           *api_key,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean  rp_provider_discover_finish          (RpProvider           *provider,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
