/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-request-body.h"

G_BEGIN_DECLS

/**
 * RpJsonImageStyle:
 * @RP_JSON_IMAGE_BASE64: a bare base64 string (QuickRouter's `image`, Venice)
 * @RP_JSON_IMAGE_DATA_URL: a string `data:<type>;base64,<data>`
 * @RP_JSON_IMAGE_URL_OBJECT: an object `{"image_url":"data:<type>;base64,<data>"}`
 *   (OpenAI's `images` and `mask` references)
 *
 * How an image file is written as a JSON value.
 */
typedef enum {
  RP_JSON_IMAGE_BASE64,
  RP_JSON_IMAGE_DATA_URL,
  RP_JSON_IMAGE_URL_OBJECT,
} RpJsonImageStyle;

#define RP_TYPE_JSON_BODY (rp_json_body_get_type ())
G_DECLARE_FINAL_TYPE (RpJsonBody, rp_json_body, RP, JSON_BODY, RpRequestBody)

RpJsonBody *rp_json_body_new             (JsonObject        *fields);
gboolean    rp_json_body_add_image       (RpJsonBody        *self,
                                          const char        *member,
                                          GFile             *file,
                                          const char        *content_type,
                                          RpJsonImageStyle   style,
                                          GCancellable      *cancellable,
                                          GError           **error);
gboolean    rp_json_body_add_image_array (RpJsonBody        *self,
                                          const char        *member,
                                          GFile * const     *files,
                                          const char * const *content_types,
                                          guint              n_files,
                                          RpJsonImageStyle   style,
                                          GCancellable      *cancellable,
                                          GError           **error);

G_END_DECLS
