/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-json"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rp-json-util.h"
#include "rp-provider.h"

/**
 * rp_json_depth_ok:
 * @data: JSON text, not necessarily valid
 * @len: its length in bytes
 * @max_depth: the deepest nesting of objects and arrays to accept
 *
 * A scan that needs no recursion, to run before handing untrusted text to the parser.
 *
 * Returns: whether @data nests no deeper than @max_depth
 */
gboolean
rp_json_depth_ok (const char *data,
                  gsize       len,
                  guint       max_depth)
{
  gboolean in_string = FALSE, escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * rp_json_parser_load:
 * @data: JSON text from a file anyone can edit (a history entry, the saved session)
 *
 * Loads @data into @parser unless it nests deeper than %RP_JSON_MAX_DEPTH, which would
 * overflow json-glib's recursive parser.
 *
 * Returns: whether @data parsed; otherwise @error is set
 */
gboolean
rp_json_parser_load (JsonParser  *parser,
                     const char  *data,
                     gsize        len,
                     GError     **error)
{
  if (!rp_json_depth_ok (data, len, RP_JSON_MAX_DEPTH))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "nested too deeply");
      return FALSE;
    }
  return json_parser_load_from_data (parser, data, (gssize) len, error);
}

static gboolean
is_non_finite (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE &&
         !isfinite (json_node_get_double (node));
}

static gboolean
has_non_finite (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        if (has_non_finite (member))
          return TRUE;
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (has_non_finite (json_array_get_element (array, i)))
          return TRUE;
      return FALSE;
    }
  return is_non_finite (node);
}

/* A copy of @node in which every number JSON cannot write is null. */
static JsonNode *
finite_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(JsonObject) copy = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (copy, name, finite_copy (member));
      return json_node_init_object (json_node_alloc (), copy);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, finite_copy (json_array_get_element (array, i)));
      return json_node_init_array (json_node_alloc (), copy);
    }
  if (is_non_finite (node))
    return json_node_new (JSON_NODE_NULL);
  return json_node_copy (node);
}

/**
 * rp_json_to_text:
 *
 * Writes @node as JSON that reads back. json-glib parses a number too large for a double
 * (1e999) as infinity and would write it as "inf.0", which no parser accepts: such numbers
 * are written as null.
 *
 * Returns: (transfer full): the text
 */
char *
rp_json_to_text (JsonNode *node,
                 gboolean  pretty)
{
  g_autoptr(JsonNode) copy = NULL;

  if (!has_non_finite (node))
    return json_to_string (node, pretty);
  copy = finite_copy (node);
  return json_to_string (copy, pretty);
}

char *
rp_json_path_join (const char *parent,
                   const char *key)
{
  if (parent == NULL || *parent == '\0')
    return g_strdup (key);
  return g_strconcat (parent, ".", key, NULL);
}

char *
rp_json_path_index (const char *parent,
                    guint       index)
{
  return g_strdup_printf ("%s[%u]", parent ? parent : "", index);
}

G_GNUC_PRINTF (2, 3)
static void
set_invalid (GError    **error,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID, message);
}

gboolean
rp_json_check_members (JsonObject          *object,
                       const char          *path,
                       const char * const  *allowed,
                       GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *where = rp_json_path_join (path, key);

          /* Translators: %s is a key in a provider definition, e.g. "operations.edit.foo" */
          set_invalid (error, _("Unknown key “%s”."), where);
          return FALSE;
        }
    }
  return TRUE;
}

/* Refuses the first of @refused that @object has: keys about the network, which a provider
 * running on this computer ("engine": "local") has no use for. */
gboolean
rp_json_refuse_for_local (JsonObject          *object,
                          const char          *path,
                          const char * const  *refused,
                          GError             **error)
{
  for (guint i = 0; refused[i] != NULL; i++)
    if (rp_json_has (object, refused[i]))
      {
        g_autofree char *where = rp_json_path_join (path, refused[i]);

        set_invalid (error, _("“%s” has no meaning for a provider that runs on this computer "
                              "(“engine”: “local”)."), where);
        return FALSE;
      }
  return TRUE;
}

gboolean
rp_json_has (JsonObject *object,
             const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

gboolean
rp_json_require (JsonObject  *object,
                 const char  *path,
                 const char  *key,
                 GError     **error)
{
  if (rp_json_has (object, key))
    return TRUE;
  {
    g_autofree char *where = rp_json_path_join (path, key);

    /* Translators: %s is a key in a provider definition */
    set_invalid (error, _("“%s” is missing."), where);
  }
  return FALSE;
}

static JsonNode *
get_member (JsonObject *object,
            const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

gboolean
rp_json_read_string (JsonObject  *object,
                     const char  *path,
                     const char  *key,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *where = rp_json_path_join (path, key);

      set_invalid (error, _("“%s” must be a string."), where);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

gboolean
rp_json_read_int (JsonObject  *object,
                  const char  *path,
                  const char  *key,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  JsonNode *node = get_member (object, key);
  g_autofree char *where = NULL;

  if (node == NULL)
    return TRUE;
  where = rp_json_path_join (path, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      set_invalid (error, _("“%s” must be a whole number."), where);
      return FALSE;
    }
  if (json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   /* Translators: “n.max” must be from 1 to 100. */
                   _("“%s” must be from %s to %s."), where, lo, hi);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
rp_json_read_double (JsonObject  *object,
                     const char  *path,
                     const char  *key,
                     double       min,
                     double       max,
                     double      *out,
                     GError     **error)
{
  JsonNode *node = get_member (object, key);
  g_autofree char *where = NULL;
  double value;

  if (node == NULL)
    return TRUE;
  where = rp_json_path_join (path, key);
  if (!node_is_number (node))
    {
      set_invalid (error, _("“%s” must be a number."), where);
      return FALSE;
    }
  value = json_node_get_double (node);
  if (value < min || value > max)
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (lo, sizeof lo, min);
      g_ascii_dtostr (hi, sizeof hi, max);
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” must be from %s to %s."), where, lo, hi);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
rp_json_read_bool (JsonObject  *object,
                   const char  *path,
                   const char  *key,
                   gboolean    *out,
                   GError     **error)
{
  JsonNode *node = get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *where = rp_json_path_join (path, key);

      set_invalid (error, _("“%s” must be true or false."), where);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
rp_json_read_strv (JsonObject   *object,
                   const char   *path,
                   const char   *key,
                   char       ***out,
                   GError      **error)
{
  JsonNode *node = get_member (object, key);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        goto bad;
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;

bad:
  {
    g_autofree char *where = rp_json_path_join (path, key);

    set_invalid (error, _("“%s” must be a list of strings."), where);
  }
  return FALSE;
}

gboolean
rp_json_read_int_list (JsonObject  *object,
                       const char  *path,
                       const char  *key,
                       gint64       min,
                       gint64       max,
                       GArray     **out,
                       GError     **error)
{
  JsonNode *node = get_member (object, key);
  g_autoptr(GArray) values = NULL;
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  values = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      int v;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_INT64 ||
          json_node_get_int (item) < min || json_node_get_int (item) > max)
        goto bad;
      v = json_node_get_int (item);
      g_array_append_val (values, v);
    }
  if (*out != NULL)
    g_array_unref (*out);
  *out = g_steal_pointer (&values);
  return TRUE;

bad:
  {
    g_autofree char *where = rp_json_path_join (path, key);
    g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
    g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);

    g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                 _("“%s” must be a list of whole numbers from %s to %s."), where, lo, hi);
  }
  return FALSE;
}

gboolean
rp_json_read_object (JsonObject  *object,
                     const char  *path,
                     const char  *key,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *where = rp_json_path_join (path, key);

      set_invalid (error, _("“%s” must be an object."), where);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
rp_json_read_array (JsonObject  *object,
                    const char  *path,
                    const char  *key,
                    JsonArray  **out,
                    GError     **error)
{
  JsonNode *node = get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *where = rp_json_path_join (path, key);

      set_invalid (error, _("“%s” must be a list."), where);
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

gboolean
rp_json_read_choice (JsonObject          *object,
                     const char          *path,
                     const char          *key,
                     const char * const  *choices,
                     int                 *out,
                     GError             **error)
{
  const char *value = NULL;

  if (!rp_json_read_string (object, path, key, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  for (int i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], value))
      {
        *out = i;
        return TRUE;
      }
  {
    g_autofree char *where = rp_json_path_join (path, key);
    g_autofree char *list = g_strjoinv (", ", (char **) choices);

    g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                 /* Translators: “images.multi” must be one of: brackets, repeat, … */
                 _("“%s” must be one of: %s."), where, list);
  }
  return FALSE;
}

/**
 * rp_json_deep_copy:
 *
 * json_node_copy() shares objects and arrays; definitions are merged and pruned in place,
 * so every copy that will be modified goes through here.
 *
 * Returns: (transfer full): a copy of @node sharing nothing with it
 */
JsonNode *
rp_json_deep_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *src = json_node_get_object (node);
      g_autoptr(JsonObject) dst = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (src);
      JsonNode *result = json_node_new (JSON_NODE_OBJECT);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (dst, l->data, rp_json_deep_copy (json_object_get_member (src,
                                                                                         l->data)));
      json_node_set_object (result, dst);
      return result;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *src = json_node_get_array (node);
      g_autoptr(JsonArray) dst = json_array_sized_new (json_array_get_length (src));
      JsonNode *result = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < json_array_get_length (src); i++)
        json_array_add_element (dst, rp_json_deep_copy (json_array_get_element (src, i)));
      json_node_set_array (result, dst);
      return result;
    }
  return json_node_copy (node);
}

/* The identity of an entry in a keyed array: its "id", else its "match". */
static const char *
entry_key (JsonNode    *node,
           const char **kind)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (json_object_has_member (object, "id") &&
      json_node_get_value_type (json_object_get_member (object, "id")) == G_TYPE_STRING)
    {
      *kind = "id";
      return json_object_get_string_member (object, "id");
    }
  if (json_object_has_member (object, "match") &&
      json_node_get_value_type (json_object_get_member (object, "match")) == G_TYPE_STRING)
    {
      *kind = "match";
      return json_object_get_string_member (object, "match");
    }
  return NULL;
}

static JsonNode *
merge_keyed_arrays (JsonArray          *base,
                    JsonArray          *overlay,
                    const char * const *keyed_arrays)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonArray) result = NULL;
  JsonNode *node;

  for (guint i = 0; i < json_array_get_length (base); i++)
    g_ptr_array_add (items, rp_json_deep_copy (json_array_get_element (base, i)));

  for (guint i = 0; i < json_array_get_length (overlay); i++)
    {
      JsonNode *entry = json_array_get_element (overlay, i);
      const char *kind = NULL, *key = entry_key (entry, &kind);
      gboolean merged = FALSE;

      for (guint j = 0; key != NULL && j < items->len && !merged; j++)
        {
          const char *other_kind = NULL, *other = entry_key (items->pdata[j], &other_kind);

          if (other != NULL && g_str_equal (kind, other_kind) && g_str_equal (key, other))
            {
              JsonNode *combined = rp_json_merge (items->pdata[j], entry, keyed_arrays);

              json_node_unref (items->pdata[j]);
              items->pdata[j] = combined;
              merged = TRUE;
            }
        }
      if (!merged)
        g_ptr_array_add (items, rp_json_deep_copy (entry));
    }

  result = json_array_sized_new (items->len);
  for (guint i = 0; i < items->len; i++)
    json_array_add_element (result, json_node_ref (items->pdata[i]));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, result);
  return node;
}

/**
 * rp_json_merge:
 * @base: (nullable): the inherited value
 * @overlay: (nullable): what overrides it
 * @keyed_arrays: (nullable): member names whose arrays merge entry by entry (by "id" or
 *   "match") instead of being replaced
 *
 * Objects merge member by member; everything else (scalars, arrays, false) replaces. A null
 * member replaces too, and readers treat null as absent: so null deletes what a lower
 * layer said, and keeps deleting it through every later merge (extends, then an
 * operation's "inherits", then model entries).
 *
 * Returns: (transfer full): a new tree sharing nothing with the inputs
 */
JsonNode *
rp_json_merge (JsonNode           *base,
               JsonNode           *overlay,
               const char * const *keyed_arrays)
{
  JsonObject *bo, *oo, *result;
  g_autoptr(GList) members = NULL;
  JsonNode *node;

  if (overlay == NULL)
    return base != NULL ? rp_json_deep_copy (base) : NULL;
  if (base == NULL || !JSON_NODE_HOLDS_OBJECT (base) || !JSON_NODE_HOLDS_OBJECT (overlay))
    return rp_json_deep_copy (overlay);

  bo = json_node_get_object (base);
  oo = json_node_get_object (overlay);
  node = rp_json_deep_copy (base);
  result = json_node_get_object (node);
  members = json_object_get_members (oo);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *over = json_object_get_member (oo, key);
      JsonNode *under = json_object_get_member (bo, key);

      if (under != NULL && keyed_arrays != NULL && g_strv_contains (keyed_arrays, key) &&
          JSON_NODE_HOLDS_ARRAY (under) && JSON_NODE_HOLDS_ARRAY (over))
        json_object_set_member (result, key,
                                merge_keyed_arrays (json_node_get_array (under),
                                                    json_node_get_array (over), keyed_arrays));
      else
        json_object_set_member (result, key, rp_json_merge (under, over, keyed_arrays));
    }
  return node;
}

/**
 * rp_json_lookup:
 * @dotted_path: member names joined by dots, e.g. "model_spec.constraints.resolutions"
 *
 * Returns: (transfer none) (nullable): the member, or %NULL when absent or null
 */
JsonNode *
rp_json_lookup (JsonNode   *root,
                const char *dotted_path)
{
  g_auto(GStrv) parts = g_strsplit (dotted_path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; parts[i] != NULL && node != NULL; i++)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    }
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

/* Shell-style "*" only: model ids contain "?" and "[" nowhere, and a glob language larger
 * than one wildcard invites surprises in user files. Backtracks only to the last star, so
 * the cost stays proportional to pattern × text whatever the pattern. */
gboolean
rp_json_glob_match (const char *pattern,
                    const char *text)
{
  const char *star = NULL, *resume = NULL;

  while (*text != '\0')
    {
      if (*pattern == '*')
        {
          star = pattern++;
          resume = text;
        }
      else if (*pattern == *text)
        {
          pattern++;
          text++;
        }
      else if (star != NULL)
        {
          pattern = star + 1;
          text = ++resume;
        }
      else
        return FALSE;
    }
  while (*pattern == '*')
    pattern++;
  return *pattern == '\0';
}

/* ---- Typed reads of untrusted JSON (history, sessions) ----------------------------- */

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
node_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * rp_json_get_string:
 * @object: (nullable): an object
 * @name: a member name
 *
 * Returns: (nullable): the member's value if it is a string
 */
const char *
rp_json_get_string (JsonObject *object,
                    const char *name)
{
  return object != NULL ? node_string (json_object_get_member (object, name)) : NULL;
}

/**
 * rp_json_get_int:
 * @object: (nullable): an object
 * @name: a member name
 * @value: (out) (optional): the member's value
 *
 * Only a JSON integer counts: not a string of digits, a fraction or a boolean.
 *
 * Returns: whether the member is an integer
 */
gboolean
rp_json_get_int (JsonObject *object,
                 const char *name,
                 gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  if (value != NULL)
    *value = json_node_get_int (node);
  return TRUE;
}

/**
 * rp_json_get_int_or:
 * @object: (nullable): an object
 * @name: a member name
 * @fallback: what to return when the member is missing or not an integer
 *
 * Returns: the member's value, or @fallback
 */
gint64
rp_json_get_int_or (JsonObject *object,
                    const char *name,
                    gint64      fallback)
{
  gint64 value;

  return rp_json_get_int (object, name, &value) ? value : fallback;
}

/**
 * rp_json_get_object:
 * @object: (nullable): an object
 * @name: a member name
 *
 * Returns: (transfer none) (nullable): the member if it is an object
 */
JsonObject *
rp_json_get_object (JsonObject *object,
                    const char *name)
{
  return object != NULL ? node_object (json_object_get_member (object, name)) : NULL;
}

/**
 * rp_json_get_array:
 * @object: (nullable): an object
 * @name: a member name
 *
 * Returns: (transfer none) (nullable): the member if it is an array
 */
JsonArray *
rp_json_get_array (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * rp_json_array_get_string:
 * @array: (nullable): an array
 * @index: an index, which may be past the end
 *
 * Returns: (nullable): the element if it exists and is a string
 */
const char *
rp_json_array_get_string (JsonArray *array,
                          guint      index)
{
  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  return node_string (json_array_get_element (array, index));
}

/**
 * rp_json_array_get_object:
 * @array: (nullable): an array
 * @index: an index, which may be past the end
 *
 * Returns: (transfer none) (nullable): the element if it exists and is an object
 */
JsonObject *
rp_json_array_get_object (JsonArray *array,
                          guint      index)
{
  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  return node_object (json_array_get_element (array, index));
}
