/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

#define RP_TYPE_PREFERENCES (rp_preferences_get_type ())
G_DECLARE_FINAL_TYPE (RpPreferences, rp_preferences, RP, PREFERENCES, AdwPreferencesWindow)

RpPreferences *rp_preferences_new           (GtkWindow          *parent,
                                             RpProviderRegistry *registry,
                                             RpSecrets          *secrets,
                                             GSettings          *settings);
void           rp_preferences_show_provider (RpPreferences      *self,
                                             const char         *provider_id);
GtkWidget     *rp_preferences_get_row       (RpPreferences      *self,
                                             const char         *provider_id,
                                             const char         *what);
guint          rp_preferences_get_busy      (RpPreferences      *self);

/* The base URL to use for @provider: the person's, or the definition's. */
char          *rp_preferences_dup_base_url  (GSettings          *settings,
                                             RpProvider         *provider);

G_END_DECLS
