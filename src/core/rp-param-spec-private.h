/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-param-spec.h"

G_BEGIN_DECLS

/* "param has one of values": values are JSON scalars because the condition is parsed before
 * the type of the parameter it names is known (that one may come from another layer). */
typedef struct
{
  char      *param;
  GPtrArray *values;   /* JsonNode */
} RpCondition;

RpParamSpec *rp_param_spec_new_from_json       (const char   *name,
                                                JsonObject   *object,
                                                const char   *path,
                                                GError      **error);
GPtrArray   *rp_param_spec_get_requires        (RpParamSpec  *self);
GPtrArray   *rp_param_spec_get_forbid_if       (RpParamSpec  *self);
GPtrArray   *rp_param_spec_get_value_requires  (RpParamSpec  *self,
                                                const char   *choice);
GPtrArray   *rp_condition_array_new            (void);
gboolean     rp_conditions_parse               (JsonObject   *object,
                                                const char   *path,
                                                GPtrArray    *out,
                                                GError      **error);
gboolean     rp_condition_matches              (const RpCondition *condition,
                                                GVariant          *value);
char       **rp_condition_dup_values           (const RpCondition *condition);
GVariant    *rp_param_value_from_json          (RpParamType   type,
                                                JsonNode     *node);
char        *rp_param_value_to_text            (GVariant     *value);

G_END_DECLS
