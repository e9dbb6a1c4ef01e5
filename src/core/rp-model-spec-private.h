/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-model-spec.h"

G_BEGIN_DECLS

RpModelSpec *rp_model_spec_new_from_json        (const char   *model_id,
                                                 const char   *display_name,
                                                 const char   *operation,
                                                 JsonObject   *op,
                                                 char        **removed_params,
                                                 const char   *path,
                                                 GError      **error);
GPtrArray   *rp_model_spec_get_mode_conditions  (RpModelSpec  *self,
                                                 const char   *mode);
const char  *rp_model_spec_get_mode_response    (RpModelSpec  *self,
                                                 const char   *mode);
gboolean     rp_image_format_parse              (const char   *name,
                                                 RpImageFormat *format);

G_END_DECLS
