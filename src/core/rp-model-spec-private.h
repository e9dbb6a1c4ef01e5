/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-model-spec.h"

G_BEGIN_DECLS

/**
 * RpModelSpecFlags:
 * @RP_MODEL_SPEC_NONE: an operation sent over HTTP: "path" and "responses" are required
 * @RP_MODEL_SPEC_LOCAL: an operation of a provider that runs on this computer: it has no
 *   "method", "path", "query", "encodings", "modes" or "responses"
 */
typedef enum {
  RP_MODEL_SPEC_NONE  = 0,
  RP_MODEL_SPEC_LOCAL = 1 << 0,
} RpModelSpecFlags;

RpModelSpec *rp_model_spec_new_from_json        (const char       *model_id,
                                                 const char       *display_name,
                                                 const char       *operation,
                                                 JsonObject       *op,
                                                 char            **removed_params,
                                                 const char       *path,
                                                 RpModelSpecFlags  flags,
                                                 GError          **error);
GPtrArray   *rp_model_spec_get_mode_conditions  (RpModelSpec  *self,
                                                 const char   *mode);
const char  *rp_model_spec_get_mode_response    (RpModelSpec  *self,
                                                 const char   *mode);
gboolean     rp_image_format_parse              (const char   *name,
                                                 RpImageFormat *format);

G_END_DECLS
