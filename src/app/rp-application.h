/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

#define RP_TYPE_APPLICATION (rp_application_get_type ())
G_DECLARE_FINAL_TYPE (RpApplication, rp_application, RP, APPLICATION, AdwApplication)

RpApplication      *rp_application_new          (GApplicationFlags flags);
RpHistory          *rp_application_get_history  (RpApplication *self);
RpProviderRegistry *rp_application_get_registry (RpApplication *self);
RpSecrets          *rp_application_get_secrets  (RpApplication *self);
RpService          *rp_application_get_service  (RpApplication *self);
GSettings          *rp_application_get_settings (RpApplication *self);

G_END_DECLS
