/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-provider.h"
#include "rp-provider-problem.h"

G_BEGIN_DECLS

/* User definition files larger than this are refused unread. */
#define RP_PROVIDER_FILE_MAX_BYTES (1024 * 1024)

#define RP_TYPE_PROVIDER_REGISTRY (rp_provider_registry_get_type ())
G_DECLARE_FINAL_TYPE (RpProviderRegistry, rp_provider_registry, RP, PROVIDER_REGISTRY, GObject)

RpProviderRegistry *rp_provider_registry_new             (const char          *user_dir,
                                                          const char          *cache_dir);
void                rp_provider_registry_load            (RpProviderRegistry  *self);
const char         *rp_provider_registry_get_user_dir    (RpProviderRegistry  *self);
const char         *rp_provider_registry_get_cache_dir   (RpProviderRegistry  *self);
GListModel         *rp_provider_registry_get_providers   (RpProviderRegistry  *self);
GListModel         *rp_provider_registry_get_problems    (RpProviderRegistry  *self);
RpProvider         *rp_provider_registry_lookup          (RpProviderRegistry  *self,
                                                          const char          *id);
void                rp_provider_registry_discover_async  (RpProviderRegistry  *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            rp_provider_registry_discover_finish (RpProviderRegistry  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
