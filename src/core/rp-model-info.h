/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define RP_TYPE_MODEL_INFO (rp_model_info_get_type ())
G_DECLARE_FINAL_TYPE (RpModelInfo, rp_model_info, RP, MODEL_INFO, GObject)

RpModelInfo *rp_model_info_new                (const char  *id,
                                               const char  *name,
                                               gboolean     discovered,
                                               JsonNode    *pricing);
const char  *rp_model_info_get_id             (RpModelInfo *self);
const char  *rp_model_info_get_name           (RpModelInfo *self);
gboolean     rp_model_info_get_discovered     (RpModelInfo *self);
JsonNode    *rp_model_info_get_pricing        (RpModelInfo *self);

G_END_DECLS
