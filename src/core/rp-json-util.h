/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed reads of JSON that came from a file or a server. json-glib's own getters treat a
 * member of the wrong type as the caller's mistake (a critical, then a made-up value);
 * in a file someone edited it is just bad data. These return nothing instead. */

const char *rp_json_get_string       (JsonObject  *object,
                                      const char  *name);
gboolean    rp_json_get_int          (JsonObject  *object,
                                      const char  *name,
                                      gint64      *value);
gint64      rp_json_get_int_or       (JsonObject  *object,
                                      const char  *name,
                                      gint64       fallback);
JsonObject *rp_json_get_object       (JsonObject  *object,
                                      const char  *name);
JsonArray  *rp_json_get_array        (JsonObject  *object,
                                      const char  *name);
const char *rp_json_array_get_string (JsonArray   *array,
                                      guint        index);
JsonObject *rp_json_array_get_object (JsonArray   *array,
                                      guint        index);

G_END_DECLS
