/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Readers for provider definitions. Each takes the key path of @object ("operations.edit")
 * so that its translated error names the exact key ("operations.edit.params.n.max"), and
 * each treats a JSON null like an absent key. Errors are RP_PROVIDER_ERROR_INVALID. */

/* json-glib parses recursively and overflows the stack on deeply nested input; nothing
 * Repaint reads (definitions, model lists) nests anywhere near this deep. */
#define RP_JSON_MAX_DEPTH 64

gboolean    rp_json_depth_ok         (const char          *data,
                                      gsize                len,
                                      guint                max_depth);
gboolean    rp_json_parser_load      (JsonParser          *parser,
                                      const char          *data,
                                      gsize                len,
                                      GError             **error);
char       *rp_json_to_text          (JsonNode            *node,
                                      gboolean             pretty);
char       *rp_json_path_join        (const char          *parent,
                                      const char          *key);
char       *rp_json_path_index       (const char          *parent,
                                      guint                index);
gboolean    rp_json_check_members    (JsonObject          *object,
                                      const char          *path,
                                      const char * const  *allowed,
                                      GError             **error);
gboolean    rp_json_refuse_for_local (JsonObject          *object,
                                      const char          *path,
                                      const char * const  *refused,
                                      GError             **error);
gboolean    rp_json_require          (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      GError             **error);
gboolean    rp_json_has              (JsonObject          *object,
                                      const char          *key);
gboolean    rp_json_read_string      (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      const char         **out,
                                      GError             **error);
gboolean    rp_json_read_int         (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      gint64               min,
                                      gint64               max,
                                      gint64              *out,
                                      GError             **error);
gboolean    rp_json_read_double      (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      double               min,
                                      double               max,
                                      double              *out,
                                      GError             **error);
gboolean    rp_json_read_bool        (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      gboolean            *out,
                                      GError             **error);
gboolean    rp_json_read_strv        (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      char              ***out,
                                      GError             **error);
gboolean    rp_json_read_int_list    (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      gint64               min,
                                      gint64               max,
                                      GArray             **out,
                                      GError             **error);
gboolean    rp_json_read_object      (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      JsonObject         **out,
                                      GError             **error);
gboolean    rp_json_read_array       (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      JsonArray          **out,
                                      GError             **error);
gboolean    rp_json_read_choice      (JsonObject          *object,
                                      const char          *path,
                                      const char          *key,
                                      const char * const  *choices,
                                      int                 *out,
                                      GError             **error);

JsonNode   *rp_json_merge            (JsonNode            *base,
                                      JsonNode            *overlay,
                                      const char * const  *keyed_arrays);
JsonNode   *rp_json_deep_copy        (JsonNode            *node);
JsonNode   *rp_json_lookup           (JsonNode            *root,
                                      const char          *dotted_path);
gboolean    rp_json_glob_match       (const char          *pattern,
                                      const char          *text);

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
