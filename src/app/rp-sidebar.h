/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"
#include "rp-prompt-box.h"
#include "rp-reference-strip.h"

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
gboolean    rp_sidebar_preselect    (RpSidebar          *self,
                                     const char         *provider_id);
gboolean    rp_sidebar_get_finding_default (RpSidebar   *self);
void        rp_sidebar_reset        (RpSidebar          *self);
GtkWidget  *rp_sidebar_get_row      (RpSidebar          *self,
                                     const char         *param);
void        rp_sidebar_refresh_key  (RpSidebar          *self);
RpPromptBox      *rp_sidebar_get_prompt_box      (RpSidebar  *self);
RpReferenceStrip *rp_sidebar_get_reference_strip (RpSidebar  *self);
GtkListBox       *rp_sidebar_get_job_list        (RpSidebar  *self);
void              rp_sidebar_set_blocker         (RpSidebar  *self,
                                                  const char *reason);
const char       *rp_sidebar_get_blocker         (RpSidebar  *self);
void              rp_sidebar_show_problem        (RpSidebar  *self,
                                                  const char *param,
                                                  const char *problem);

G_END_DECLS
