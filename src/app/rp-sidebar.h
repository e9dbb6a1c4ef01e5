/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

#define RP_TYPE_SIDEBAR (rp_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (RpSidebar, rp_sidebar, RP, SIDEBAR, GtkWidget)

RpSidebar  *rp_sidebar_new          (void);
void        rp_sidebar_setup        (RpSidebar          *self,
                                     RpProviderRegistry *registry,
                                     RpSecrets          *secrets,
                                     GSettings          *settings);
RpParams   *rp_sidebar_get_params   (RpSidebar          *self);
RpProvider *rp_sidebar_get_provider (RpSidebar          *self);
gboolean    rp_sidebar_select       (RpSidebar          *self,
                                     const char         *provider_id,
                                     const char         *model_id);
void        rp_sidebar_reset        (RpSidebar          *self);
GtkWidget  *rp_sidebar_get_row      (RpSidebar          *self,
                                     const char         *param);
void        rp_sidebar_refresh_key  (RpSidebar          *self);

G_END_DECLS
