/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-param-spec"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "rp-json-util.h"
#include "rp-param-labels.h"
#include "rp-param-spec-private.h"
#include "rp-provider.h"

/* Integer bounds a definition may state; far beyond any real parameter, small enough that
 * every value survives a round trip through a double. */
#define PARAM_INT_LIMIT ((gint64) 1 << 52)
#define PARAM_MAX_LENGTH_CHARS (16 * 1024 * 1024)

struct _RpParamSpec
{
  GObject          parent_instance;

  char            *name;
  char            *wire;
  char            *note;
  RpParamType      type;
  char           **choices;
  char           **preview;
  gboolean         has_min;
  gboolean         has_max;
  double           min;
  double           max;
  guint            max_length;
  GVariant        *default_value;
  gboolean         send_default;
  gboolean         required;
  gboolean         advanced;
  RpEncoding       encodings;
  RpParamLocation  location;
  RpSizeRule       size_rule;
  GPtrArray       *requires;        /* RpCondition */
  GPtrArray       *forbid_if;       /* RpCondition */
  GHashTable      *value_requires;  /* choice → GPtrArray of RpCondition */
};

G_DEFINE_FINAL_TYPE (RpParamSpec, rp_param_spec, G_TYPE_OBJECT)

static void
condition_free (RpCondition *condition)
{
  g_free (condition->param);
  g_ptr_array_unref (condition->values);
  g_free (condition);
}

GPtrArray *
rp_condition_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) condition_free);
}

static void
rp_param_spec_finalize (GObject *object)
{
  RpParamSpec *self = RP_PARAM_SPEC (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->wire, g_free);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->choices, g_strfreev);
  g_clear_pointer (&self->preview, g_strfreev);
  g_clear_pointer (&self->default_value, g_variant_unref);
  g_clear_pointer (&self->requires, g_ptr_array_unref);
  g_clear_pointer (&self->forbid_if, g_ptr_array_unref);
  g_clear_pointer (&self->value_requires, g_hash_table_unref);

  G_OBJECT_CLASS (rp_param_spec_parent_class)->finalize (object);
}

static void
rp_param_spec_class_init (RpParamSpecClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_param_spec_finalize;
}

static void
rp_param_spec_init (RpParamSpec *self)
{
  self->encodings = RP_ENCODING_ALL;
  self->requires = rp_condition_array_new ();
  self->forbid_if = rp_condition_array_new ();
  self->value_requires = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_ptr_array_unref);
}

/**
 * rp_param_type_get_variant_type:
 *
 * Returns: (transfer none): the GVariant type values of @type are held in
 */
const GVariantType *
rp_param_type_get_variant_type (RpParamType type)
{
  switch (type)
    {
    case RP_PARAM_INT:
      return G_VARIANT_TYPE_INT64;
    case RP_PARAM_NUMBER:
      return G_VARIANT_TYPE_DOUBLE;
    case RP_PARAM_BOOL:
      return G_VARIANT_TYPE_BOOLEAN;
    case RP_PARAM_STRING:
    case RP_PARAM_ENUM:
    case RP_PARAM_SIZE:
    default:
      return G_VARIANT_TYPE_STRING;
    }
}

/**
 * rp_encoding_to_string:
 * @encoding: one encoding
 *
 * Returns: (transfer none): "multipart" or "json", the names definitions use
 */
const char *
rp_encoding_to_string (RpEncoding encoding)
{
  return encoding == RP_ENCODING_JSON ? "json" : "multipart";
}

/**
 * rp_param_value_from_json:
 * @type: the parameter type the value must have
 * @node: a JSON scalar
 *
 * Returns: (transfer full) (nullable): a floating-free variant, or %NULL when @node does not
 *   hold a value of @type (an integral double counts as a whole number)
 */
GVariant *
rp_param_value_from_json (RpParamType  type,
                          JsonNode    *node)
{
  GType vtype;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  vtype = json_node_get_value_type (node);
  switch (type)
    {
    case RP_PARAM_INT:
      if (vtype == G_TYPE_INT64)
        return g_variant_ref_sink (g_variant_new_int64 (json_node_get_int (node)));
      if (vtype == G_TYPE_DOUBLE)
        {
          double d = json_node_get_double (node);

          if (d == floor (d) && fabs (d) <= (double) PARAM_INT_LIMIT)
            return g_variant_ref_sink (g_variant_new_int64 ((gint64) d));
        }
      return NULL;
    case RP_PARAM_NUMBER:
      if (vtype == G_TYPE_INT64 || vtype == G_TYPE_DOUBLE)
        return g_variant_ref_sink (g_variant_new_double (json_node_get_double (node)));
      return NULL;
    case RP_PARAM_BOOL:
      if (vtype == G_TYPE_BOOLEAN)
        return g_variant_ref_sink (g_variant_new_boolean (json_node_get_boolean (node)));
      return NULL;
    case RP_PARAM_STRING:
    case RP_PARAM_ENUM:
    case RP_PARAM_SIZE:
    default:
      if (vtype == G_TYPE_STRING)
        return g_variant_ref_sink (g_variant_new_string (json_node_get_string (node)));
      return NULL;
    }
}

/**
 * rp_param_value_to_text:
 * @value: a parameter value
 *
 * Returns: (transfer full): the form-field text: booleans "true"/"false", numbers in C-locale
 *   decimal, strings unchanged
 */
char *
rp_param_value_to_text (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "true" : "false");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, g_variant_get_double (value)));
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  return g_variant_print (value, FALSE);
}

static char *
json_value_to_text (JsonNode *node)
{
  GType vtype = json_node_get_value_type (node);

  if (vtype == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (vtype == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (vtype == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
    }
  return g_strdup (json_node_get_string (node));
}

/**
 * rp_condition_matches:
 * @value: (nullable): the other parameter's effective value; %NULL (unset, no default)
 *   matches nothing
 */
gboolean
rp_condition_matches (const RpCondition *condition,
                      GVariant          *value)
{
  if (value == NULL)
    return FALSE;
  for (guint i = 0; i < condition->values->len; i++)
    {
      JsonNode *node = condition->values->pdata[i];
      GType vtype = json_node_get_value_type (node);

      if (vtype == G_TYPE_BOOLEAN && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        {
          if (!json_node_get_boolean (node) == !g_variant_get_boolean (value))
            return TRUE;
        }
      else if (vtype == G_TYPE_STRING && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          if (g_str_equal (json_node_get_string (node), g_variant_get_string (value, NULL)))
            return TRUE;
        }
      else if ((vtype == G_TYPE_INT64 || vtype == G_TYPE_DOUBLE) &&
               (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64) ||
                g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE)))
        {
          double v = g_variant_is_of_type (value, G_VARIANT_TYPE_INT64)
                       ? (double) g_variant_get_int64 (value) : g_variant_get_double (value);

          if (json_node_get_double (node) == v)
            return TRUE;
        }
    }
  return FALSE;
}

/**
 * rp_condition_dup_values:
 *
 * Returns: (transfer full): the accepted values as wire text, for messages
 */
char **
rp_condition_dup_values (const RpCondition *condition)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < condition->values->len; i++)
    {
      g_autofree char *text = json_value_to_text (condition->values->pdata[i]);

      g_strv_builder_add (builder, text);
    }
  return g_strv_builder_end (builder);
}

/* {"output_format": ["jpeg", "webp"], "stream": [true]} */
gboolean
rp_conditions_parse (JsonObject  *object,
                  const char  *path,
                  GPtrArray   *out,
                  GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);
      g_autofree char *where = rp_json_path_join (path, l->data);
      RpCondition *condition;
      JsonArray *array;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” must be a non-empty list of values."), where);
          return FALSE;
        }
      array = json_node_get_array (node);
      condition = g_new0 (RpCondition, 1);
      condition->param = g_strdup (l->data);
      condition->values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      g_ptr_array_add (out, condition);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item))
            {
              g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                           _("“%s” must be a non-empty list of values."), where);
              return FALSE;
            }
          g_ptr_array_add (condition->values, json_node_copy (item));
        }
    }
  return TRUE;
}

static gboolean
parse_size_rule (RpParamSpec  *self,
                 JsonObject   *object,
                 const char   *path,
                 GError      **error)
{
  static const char * const rule_keys[] = {
    "auto", "multiple_of", "max_edge", "min_pixels", "max_pixels", "max_ratio",
    "warn_above_pixels", "note", NULL
  };
  JsonObject *rule = NULL;
  g_autofree char *rule_path = rp_json_path_join (path, "rule");
  gint64 v;

  if (!rp_json_read_object (object, path, "rule", &rule, error))
    return FALSE;

  if (rule == NULL)
    {
      /* Without a rule the choices are the complete list of sizes. */
      for (guint i = 0; self->choices != NULL && self->choices[i] != NULL; i++)
        {
          if (g_str_equal (self->choices[i], "auto"))
            self->size_rule.allow_auto = TRUE;
          else if (self->size_rule.n_sizes < RP_SIZE_RULE_MAX_SIZES)
            rp_size_parse (self->choices[i], &self->size_rule.sizes[self->size_rule.n_sizes++]);
          else
            {
              g_autofree char *where = rp_json_path_join (path, "choices");

              g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                           _("“%s” may list at most %d sizes; use a rule for more."),
                           where, RP_SIZE_RULE_MAX_SIZES);
              return FALSE;
            }
        }
      if (self->size_rule.n_sizes == 0 && !self->size_rule.allow_auto)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” needs either “choices” or a “rule”."), path);
          return FALSE;
        }
      return TRUE;
    }

  if (!rp_json_check_members (rule, rule_path, rule_keys, error) ||
      !rp_json_read_bool (rule, rule_path, "auto", &self->size_rule.allow_auto, error))
    return FALSE;
  v = 0;
  if (!rp_json_read_int (rule, rule_path, "multiple_of", 1, 4096, &v, error))
    return FALSE;
  self->size_rule.multiple_of = v;
  v = 0;
  if (!rp_json_read_int (rule, rule_path, "max_edge", 1, 1000000, &v, error))
    return FALSE;
  self->size_rule.max_edge = v;
  if (!rp_json_read_int (rule, rule_path, "min_pixels", 1, PARAM_INT_LIMIT,
                         &self->size_rule.min_pixels, error) ||
      !rp_json_read_int (rule, rule_path, "max_pixels", 1, PARAM_INT_LIMIT,
                         &self->size_rule.max_pixels, error) ||
      !rp_json_read_double (rule, rule_path, "max_ratio", 1.0, 1000.0, &self->size_rule.max_ratio,
                            error) ||
      !rp_json_read_int (rule, rule_path, "warn_above_pixels", 1, PARAM_INT_LIMIT,
                         &self->size_rule.warn_above_pixels, error))
    return FALSE;
  return TRUE;
}

static gboolean
parse_choices (RpParamSpec  *self,
               JsonObject   *object,
               const char   *path,
               GError      **error)
{
  g_autofree char *where = rp_json_path_join (path, "choices");

  if (!rp_json_read_strv (object, path, "choices", &self->choices, error) ||
      !rp_json_read_strv (object, path, "preview", &self->preview, error))
    return FALSE;
  if (self->type == RP_PARAM_ENUM && (self->choices == NULL || self->choices[0] == NULL))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” must list at least one value."), where);
      return FALSE;
    }
  if (self->choices != NULL && self->type != RP_PARAM_ENUM && self->type != RP_PARAM_SIZE &&
      self->type != RP_PARAM_STRING)
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” only applies to enum, size and string parameters."), where);
      return FALSE;
    }
  for (guint i = 0; self->type == RP_PARAM_SIZE && self->choices && self->choices[i]; i++)
    {
      RpSize size;

      if (!g_str_equal (self->choices[i], "auto") && !rp_size_parse (self->choices[i], &size))
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” holds “%s”, which is not “auto” or a size like 1024x1024."),
                       where, self->choices[i]);
          return FALSE;
        }
    }
  for (guint i = 0; self->preview != NULL && self->preview[i] != NULL; i++)
    if (self->choices == NULL || !g_strv_contains ((const char * const *) self->choices,
                                                   self->preview[i]))
      {
        g_autofree char *pwhere = rp_json_path_join (path, "preview");

        g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                     _("“%s” names “%s”, which is not one of the choices."), pwhere,
                     self->preview[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_encodings (const char * const  *names,
                 const char          *where,
                 RpEncoding          *out,
                 GError             **error)
{
  RpEncoding encodings = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "multipart"))
        encodings |= RP_ENCODING_MULTIPART;
      else if (g_str_equal (names[i], "json"))
        encodings |= RP_ENCODING_JSON;
      else
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” may hold only “multipart” and “json”."), where);
          return FALSE;
        }
    }
  if (encodings == 0)
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” must list at least one value."), where);
      return FALSE;
    }
  *out = encodings;
  return TRUE;
}

static gboolean
parse_default (RpParamSpec  *self,
               JsonObject   *object,
               const char   *path,
               GError      **error)
{
  JsonNode *node = json_object_get_member (object, "default");
  g_autofree char *where = rp_json_path_join (path, "default");

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  self->default_value = rp_param_value_from_json (self->type, node);
  if (self->default_value == NULL)
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” does not have the parameter’s type."), where);
      return FALSE;
    }
  if (self->type == RP_PARAM_ENUM &&
      !g_strv_contains ((const char * const *) self->choices,
                        g_variant_get_string (self->default_value, NULL)))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” is not one of the choices."), where);
      return FALSE;
    }
  if (self->type == RP_PARAM_SIZE &&
      !rp_size_rule_check (&self->size_rule,
                           g_variant_get_string (self->default_value, NULL), NULL))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” is not a size this parameter allows."), where);
      return FALSE;
    }
  if (self->type == RP_PARAM_INT || self->type == RP_PARAM_NUMBER)
    {
      double d = self->type == RP_PARAM_INT ? (double) g_variant_get_int64 (self->default_value)
                                            : g_variant_get_double (self->default_value);

      if ((self->has_min && d < self->min) || (self->has_max && d > self->max))
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” lies outside “min” and “max”."), where);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_bounds (RpParamSpec  *self,
              JsonObject   *object,
              const char   *path,
              GError      **error)
{
  gint64 max_len = 0;

  if (rp_json_has (object, "min") || rp_json_has (object, "max"))
    {
      if (self->type != RP_PARAM_INT && self->type != RP_PARAM_NUMBER)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” has “min” or “max” but is not a number."), path);
          return FALSE;
        }
      if (self->type == RP_PARAM_INT)
        {
          gint64 lo = G_MININT64, hi = G_MAXINT64;

          if (!rp_json_read_int (object, path, "min", -PARAM_INT_LIMIT, PARAM_INT_LIMIT, &lo,
                                 error) ||
              !rp_json_read_int (object, path, "max", -PARAM_INT_LIMIT, PARAM_INT_LIMIT, &hi,
                                 error))
            return FALSE;
          self->min = lo;
          self->max = hi;
        }
      else if (!rp_json_read_double (object, path, "min", -G_MAXDOUBLE, G_MAXDOUBLE, &self->min,
                                     error) ||
               !rp_json_read_double (object, path, "max", -G_MAXDOUBLE, G_MAXDOUBLE, &self->max,
                                     error))
        return FALSE;
      self->has_min = rp_json_has (object, "min");
      self->has_max = rp_json_has (object, "max");
      if (self->has_min && self->has_max && self->min > self->max)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” has “min” above “max”."), path);
          return FALSE;
        }
    }
  if (!rp_json_read_int (object, path, "max_len", 1, PARAM_MAX_LENGTH_CHARS, &max_len, error))
    return FALSE;
  self->max_length = max_len;
  return TRUE;
}

static gboolean
parse_value_requires (RpParamSpec  *self,
                      JsonObject   *object,
                      const char   *path,
                      GError      **error)
{
  JsonObject *value_requires = NULL;
  g_autofree char *where = rp_json_path_join (path, "value_requires");
  g_autoptr(GList) members = NULL;

  if (!rp_json_read_object (object, path, "value_requires", &value_requires, error))
    return FALSE;
  if (value_requires == NULL)
    return TRUE;
  members = json_object_get_members (value_requires);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *vpath = rp_json_path_join (where, l->data);
      g_autoptr(GPtrArray) conditions = rp_condition_array_new ();
      JsonObject *cond = NULL;

      if (!rp_json_read_object (value_requires, where, l->data, &cond, error))
        return FALSE;
      if (cond == NULL)
        continue;
      if (self->choices == NULL || !g_strv_contains ((const char * const *) self->choices, l->data))
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” names “%s”, which is not one of the choices."), where,
                       (const char *) l->data);
          return FALSE;
        }
      if (!rp_conditions_parse (cond, vpath, conditions, error))
        return FALSE;
      g_hash_table_insert (self->value_requires, g_strdup (l->data), g_steal_pointer (&conditions));
    }
  return TRUE;
}

/**
 * rp_param_spec_new_from_json:
 * @name: the parameter's name (its key in "params")
 * @object: the merged parameter object
 * @path: where @object sits, for messages
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with @error naming the bad key
 */
RpParamSpec *
rp_param_spec_new_from_json (const char  *name,
                             JsonObject  *object,
                             const char  *path,
                             GError     **error)
{
  static const char * const keys[] = {
    "type", "wire", "choices", "preview", "min", "max", "max_len", "default", "send_default",
    "required", "advanced", "requires", "forbid_if", "value_requires", "encodings", "models",
    "location", "rule", "note", NULL
  };
  static const char * const types[] = { "string", "int", "number", "bool", "enum", "size", NULL };
  static const char * const locations[] = { "body", "query", NULL };
  g_autoptr(RpParamSpec) self = g_object_new (RP_TYPE_PARAM_SPEC, NULL);
  g_auto(GStrv) encodings = NULL, models = NULL;
  JsonObject *requires = NULL, *forbid_if = NULL;
  const char *wire = NULL, *note = NULL;
  int type = -1, location = RP_PARAM_LOCATION_BODY;

  self->name = g_strdup (name);
  if (!rp_json_check_members (object, path, keys, error) ||
      !rp_json_require (object, path, "type", error) ||
      !rp_json_read_choice (object, path, "type", types, &type, error) ||
      !rp_json_read_choice (object, path, "location", locations, &location, error) ||
      !rp_json_read_string (object, path, "wire", &wire, error) ||
      !rp_json_read_string (object, path, "note", &note, error) ||
      !rp_json_read_bool (object, path, "send_default", &self->send_default, error) ||
      !rp_json_read_bool (object, path, "required", &self->required, error) ||
      !rp_json_read_bool (object, path, "advanced", &self->advanced, error) ||
      !rp_json_read_strv (object, path, "models", &models, error) ||
      !rp_json_read_strv (object, path, "encodings", &encodings, error) ||
      !rp_json_read_object (object, path, "requires", &requires, error) ||
      !rp_json_read_object (object, path, "forbid_if", &forbid_if, error))
    return NULL;

  self->type = type;
  self->location = location;
  self->wire = g_strdup (wire != NULL ? wire : name);
  self->note = g_strdup (note);
  if (*self->wire == '\0')
    {
      g_autofree char *where = rp_json_path_join (path, "wire");

      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” must not be empty."), where);
      return NULL;
    }
  if (encodings != NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "encodings");

      if (!parse_encodings ((const char * const *) encodings, where, &self->encodings, error))
        return NULL;
    }
  if (!parse_choices (self, object, path, error) ||
      !parse_bounds (self, object, path, error))
    return NULL;
  if (self->type == RP_PARAM_SIZE)
    {
      if (!parse_size_rule (self, object, path, error))
        return NULL;
    }
  else if (rp_json_has (object, "rule"))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” has a size “rule” but is not of type size."), path);
      return NULL;
    }
  if (!parse_default (self, object, path, error) ||
      !parse_value_requires (self, object, path, error))
    return NULL;
  if (requires != NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "requires");

      if (!rp_conditions_parse (requires, where, self->requires, error))
        return NULL;
    }
  if (forbid_if != NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "forbid_if");

      if (!rp_conditions_parse (forbid_if, where, self->forbid_if, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * rp_param_spec_get_name:
 *
 * Returns: (transfer none): the name definitions and #RpParams use, e.g. "output_format"
 */
const char *
rp_param_spec_get_name (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return self->name;
}

/**
 * rp_param_spec_get_wire_name:
 *
 * Returns: (transfer none): the field name on the wire (Venice multi-edit sends "model" as
 *   "modelId")
 */
const char *
rp_param_spec_get_wire_name (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return self->wire;
}

/**
 * rp_param_spec_get_param_type:
 *
 * Returns: the value type
 */
RpParamType
rp_param_spec_get_param_type (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), RP_PARAM_STRING);
  return self->type;
}

/**
 * rp_param_spec_get_label:
 *
 * Returns: (transfer none): the translated label, or the raw name for parameters only a user
 *   definition knows
 */
const char *
rp_param_spec_get_label (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return rp_param_label (self->name);
}

/**
 * rp_param_spec_get_description:
 *
 * Returns: (transfer none) (nullable): a translated one-line explanation
 */
const char *
rp_param_spec_get_description (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return rp_param_description (self->name);
}

/**
 * rp_param_spec_get_choices:
 *
 * For enums the complete list; for sizes with a rule, presets to offer (any size the rule
 * accepts is allowed); for strings, suggestions.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the choices in wire form
 */
const char * const *
rp_param_spec_get_choices (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return (const char * const *) self->choices;
}

/**
 * rp_param_spec_get_minimum:
 * @minimum: (out) (optional): the smallest allowed value
 *
 * Returns: whether the parameter has a lower bound
 */
gboolean
rp_param_spec_get_minimum (RpParamSpec *self,
                           double      *minimum)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  if (minimum != NULL)
    *minimum = self->has_min ? self->min : -G_MAXDOUBLE;
  return self->has_min;
}

/**
 * rp_param_spec_get_maximum:
 * @maximum: (out) (optional): the largest allowed value
 *
 * Returns: whether the parameter has an upper bound
 */
gboolean
rp_param_spec_get_maximum (RpParamSpec *self,
                           double      *maximum)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  if (maximum != NULL)
    *maximum = self->has_max ? self->max : G_MAXDOUBLE;
  return self->has_max;
}

/**
 * rp_param_spec_get_max_length:
 *
 * Returns: the longest allowed text in characters (not bytes), or 0 for no limit
 */
guint
rp_param_spec_get_max_length (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), 0);
  return self->max_length;
}

/**
 * rp_param_spec_get_default:
 *
 * What the provider uses when the field is not sent. It is only sent itself when
 * rp_param_spec_get_send_default() says so.
 *
 * Returns: (transfer none) (nullable): the default, of the parameter's variant type
 */
GVariant *
rp_param_spec_get_default (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return self->default_value;
}

/**
 * rp_param_spec_get_send_default:
 *
 * Returns: whether the default goes on the wire when the person set nothing (Venice's
 *   safe_mode, dall-e-2's response_format)
 */
gboolean
rp_param_spec_get_send_default (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  return self->send_default;
}

/**
 * rp_param_spec_get_required:
 *
 * Returns: whether a request without this parameter is refused
 */
gboolean
rp_param_spec_get_required (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  return self->required;
}

/**
 * rp_param_spec_get_advanced:
 *
 * Returns: whether the sidebar should tuck the row away under "More"
 */
gboolean
rp_param_spec_get_advanced (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  return self->advanced;
}

/**
 * rp_param_spec_get_implicit:
 *
 * Returns: whether #RpParams fills the value itself ("model" carries the chosen model), so
 *   the sidebar shows no row for it
 */
gboolean
rp_param_spec_get_implicit (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  return g_str_equal (self->name, "model");
}

/**
 * rp_param_spec_get_encodings:
 *
 * Returns: the request encodings the parameter is sent in
 */
RpEncoding
rp_param_spec_get_encodings (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), RP_ENCODING_ALL);
  return self->encodings;
}

/**
 * rp_param_spec_get_location:
 *
 * Returns: whether the value goes in the body or in the URL query
 */
RpParamLocation
rp_param_spec_get_location (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), RP_PARAM_LOCATION_BODY);
  return self->location;
}

/**
 * rp_param_spec_get_size_rule:
 *
 * Returns: (transfer none) (nullable): for size parameters the rule the value must pass:
 *   the fixed list, or the arbitrary-size limits; %NULL for other types
 */
const RpSizeRule *
rp_param_spec_get_size_rule (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return self->type == RP_PARAM_SIZE ? &self->size_rule : NULL;
}

/**
 * rp_param_spec_is_preview_choice:
 * @choice: a value in wire form
 *
 * Returns: whether the provider calls @choice a preview (gpt-image-2's transparent
 *   background); the sidebar marks it, validation still accepts it
 */
gboolean
rp_param_spec_is_preview_choice (RpParamSpec *self,
                                 const char  *choice)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), FALSE);
  return self->preview != NULL && choice != NULL &&
         g_strv_contains ((const char * const *) self->preview, choice);
}

/**
 * rp_param_spec_get_note:
 *
 * Returns: (transfer none) (nullable): the definition's untranslated remark (for the debug
 *   log and the Preferences' technical details)
 */
const char *
rp_param_spec_get_note (RpParamSpec *self)
{
  g_return_val_if_fail (RP_IS_PARAM_SPEC (self), NULL);
  return self->note;
}

GPtrArray *
rp_param_spec_get_requires (RpParamSpec *self)
{
  return self->requires;
}

GPtrArray *
rp_param_spec_get_forbid_if (RpParamSpec *self)
{
  return self->forbid_if;
}

GPtrArray *
rp_param_spec_get_value_requires (RpParamSpec *self,
                                  const char  *choice)
{
  return choice != NULL ? g_hash_table_lookup (self->value_requires, choice) : NULL;
}
