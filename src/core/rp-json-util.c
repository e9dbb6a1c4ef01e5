/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-json"

#include "config.h"

#include "rp-json-util.h"

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
