/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-provider.h"

G_BEGIN_DECLS

typedef enum {
  RP_DISCOVERY_AUTH_NONE,
  RP_DISCOVERY_AUTH_OPTIONAL,
  RP_DISCOVERY_AUTH_REQUIRED,
} RpDiscoveryAuth;

char     *rp_provider_build_discovery_url (RpProvider       *self,
                                           RpDiscoveryAuth  *auth);
gboolean  rp_provider_apply_discovery     (RpProvider       *self,
                                           JsonNode         *reply,
                                           GError          **error);

G_END_DECLS
