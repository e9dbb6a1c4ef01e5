/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "rp-size-rule.h"

G_BEGIN_DECLS

/**
 * RpParamType:
 * @RP_PARAM_STRING: free text (GVariant type "s")
 * @RP_PARAM_INT: a whole number ("x")
 * @RP_PARAM_NUMBER: a decimal number ("d")
 * @RP_PARAM_BOOL: on or off ("b")
 * @RP_PARAM_ENUM: one of a fixed list of strings ("s")
 * @RP_PARAM_SIZE: "auto" or "WxH", checked by an #RpSizeRule ("s")
 */
typedef enum {
  RP_PARAM_STRING,
  RP_PARAM_INT,
  RP_PARAM_NUMBER,
  RP_PARAM_BOOL,
  RP_PARAM_ENUM,
  RP_PARAM_SIZE,
} RpParamType;

/**
 * RpEncoding:
 * @RP_ENCODING_MULTIPART: a multipart/form-data body: every value is a text part
 * @RP_ENCODING_JSON: an application/json body: values keep their JSON types
 *
 * Request body encodings; also used as a set of flags (which encodings a parameter is sent in).
 */
typedef enum {
  RP_ENCODING_MULTIPART = 1 << 0,
  RP_ENCODING_JSON      = 1 << 1,
} RpEncoding;

#define RP_ENCODING_ALL (RP_ENCODING_MULTIPART | RP_ENCODING_JSON)

/**
 * RpParamLocation:
 * @RP_PARAM_LOCATION_BODY: sent as a form part or JSON member
 * @RP_PARAM_LOCATION_QUERY: sent in the URL query (mixrouter's `?async=true`)
 */
typedef enum {
  RP_PARAM_LOCATION_BODY,
  RP_PARAM_LOCATION_QUERY,
} RpParamLocation;

#define RP_TYPE_PARAM_SPEC (rp_param_spec_get_type ())
G_DECLARE_FINAL_TYPE (RpParamSpec, rp_param_spec, RP, PARAM_SPEC, GObject)

const GVariantType *rp_param_type_get_variant_type (RpParamType type);
const char         *rp_encoding_to_string          (RpEncoding  encoding);

const char         *rp_param_spec_get_name         (RpParamSpec *self);
const char         *rp_param_spec_get_wire_name    (RpParamSpec *self);
RpParamType         rp_param_spec_get_param_type   (RpParamSpec *self);
const char         *rp_param_spec_get_label        (RpParamSpec *self);
const char         *rp_param_spec_get_description  (RpParamSpec *self);
const char * const *rp_param_spec_get_choices      (RpParamSpec *self);
gboolean            rp_param_spec_get_minimum      (RpParamSpec *self,
                                                    double      *minimum);
gboolean            rp_param_spec_get_maximum      (RpParamSpec *self,
                                                    double      *maximum);
guint               rp_param_spec_get_max_length   (RpParamSpec *self);
GVariant           *rp_param_spec_get_default      (RpParamSpec *self);
gboolean            rp_param_spec_get_send_default (RpParamSpec *self);
gboolean            rp_param_spec_get_required     (RpParamSpec *self);
gboolean            rp_param_spec_get_advanced     (RpParamSpec *self);
gboolean            rp_param_spec_get_implicit     (RpParamSpec *self);
RpEncoding          rp_param_spec_get_encodings    (RpParamSpec *self);
RpParamLocation     rp_param_spec_get_location     (RpParamSpec *self);
const RpSizeRule   *rp_param_spec_get_size_rule    (RpParamSpec *self);
gboolean            rp_param_spec_is_preview_choice (RpParamSpec *self,
                                                    const char  *choice);
const char         *rp_param_spec_get_note         (RpParamSpec *self);

G_END_DECLS
