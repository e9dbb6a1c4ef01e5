/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-json-body"

#include "config.h"

#include "rp-json-body.h"
#include "rp-request-body-private.h"

struct _RpJsonBody
{
  RpRequestBody  parent_instance;

  /* Member names written so far: a JSON object must not repeat one. */
  GHashTable    *members;
};

G_DEFINE_FINAL_TYPE (RpJsonBody, rp_json_body, RP_TYPE_REQUEST_BODY)

static void
rp_json_body_seal (RpRequestBody *body)
{
  rp_request_body_append_text (body, "}", 1);
}

static void
rp_json_body_finalize (GObject *object)
{
  RpJsonBody *self = RP_JSON_BODY (object);

  g_clear_pointer (&self->members, g_hash_table_unref);

  G_OBJECT_CLASS (rp_json_body_parent_class)->finalize (object);
}

static void
rp_json_body_class_init (RpJsonBodyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_json_body_finalize;
  RP_REQUEST_BODY_CLASS (klass)->seal = rp_json_body_seal;
}

static void
rp_json_body_init (RpJsonBody *self)
{
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rp_request_body_set_content_type (RP_REQUEST_BODY (self), "application/json");
  rp_request_body_append_text (RP_REQUEST_BODY (self), "{", 1);
}

/* Writes `"name":` (preceded by a comma after the first member). */
static void
append_member_name (RpJsonBody *self,
                    const char *name)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *quoted = NULL;

  json_node_set_string (node, name);
  quoted = json_to_string (node, FALSE);
  if (g_hash_table_size (self->members) > 0)
    rp_request_body_append_text (RP_REQUEST_BODY (self), ",", 1);
  rp_request_body_append_text (RP_REQUEST_BODY (self), quoted, -1);
  rp_request_body_append_text (RP_REQUEST_BODY (self), ":", 1);
  g_hash_table_add (self->members, g_strdup (name));
}

/**
 * rp_json_body_new:
 * @fields: (nullable): the small members (`model`, `prompt`, `n`, `size`…), serialised
 *   now in their order; later changes to @fields do not affect the body
 *
 * A JSON request body whose image members are added with rp_json_body_add_image() and
 * rp_json_body_add_image_array(). Their base64 is encoded while the body streams, so
 * memory does not depend on the size of the images.
 *
 * Returns: (transfer full): a new `application/json` body
 */
RpJsonBody *
rp_json_body_new (JsonObject *fields)
{
  RpJsonBody *self = g_object_new (RP_TYPE_JSON_BODY, NULL);
  g_autoptr(GList) members = NULL;
  GList *l;

  if (fields == NULL)
    return self;

  members = json_object_get_members (fields);
  for (l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = json_to_string (json_object_get_member (fields, l->data), FALSE);

      append_member_name (self, l->data);
      rp_request_body_append_text (RP_REQUEST_BODY (self), value, -1);
    }
  return self;
}

static void
append_image_value (RpJsonBody       *self,
                    GFile            *file,
                    goffset           size,
                    const char       *content_type,
                    RpJsonImageStyle  style)
{
  RpRequestBody *body = RP_REQUEST_BODY (self);
  g_autofree char *open = NULL;

  switch (style)
    {
    case RP_JSON_IMAGE_BASE64:
      open = g_strdup ("\"");
      break;
    case RP_JSON_IMAGE_DATA_URL:
      open = g_strdup_printf ("\"data:%s;base64,", content_type);
      break;
    case RP_JSON_IMAGE_URL_OBJECT:
      open = g_strdup_printf ("{\"image_url\":\"data:%s;base64,", content_type);
      break;
    default:
      g_assert_not_reached ();
    }
  rp_request_body_append_text (body, open, -1);
  rp_request_body_append_base64_file (body, file, size);
  rp_request_body_append_text (body, style == RP_JSON_IMAGE_URL_OBJECT ? "\"}" : "\"", -1);
}

/* Measures every file before anything is appended, so a failure leaves the body as it was. */
static gboolean
add_images (RpJsonBody         *self,
            const char         *member,
            gboolean            as_array,
            GFile * const      *files,
            const char * const *content_types,
            guint               n_files,
            RpJsonImageStyle    style,
            GCancellable       *cancellable,
            GError            **error)
{
  g_autofree goffset *sizes = g_new0 (goffset, n_files);
  g_auto(GStrv) types = g_new0 (char *, n_files + 1);
  guint i;

  for (i = 0; i < n_files; i++)
    {
      const char *given = content_types != NULL ? content_types[i] : NULL;

      g_return_val_if_fail (G_IS_FILE (files[i]), FALSE);
      g_return_val_if_fail (given == NULL || rp_request_body_content_type_is_safe (given), FALSE);
      if (!rp_request_body_inspect_file (files[i], given, &sizes[i], &types[i], cancellable, error))
        return FALSE;
    }

  append_member_name (self, member);
  if (as_array)
    rp_request_body_append_text (RP_REQUEST_BODY (self), "[", 1);
  for (i = 0; i < n_files; i++)
    {
      if (i > 0)
        rp_request_body_append_text (RP_REQUEST_BODY (self), ",", 1);
      append_image_value (self, files[i], sizes[i], types[i], style);
    }
  if (as_array)
    rp_request_body_append_text (RP_REQUEST_BODY (self), "]", 1);
  return TRUE;
}

/**
 * rp_json_body_add_image:
 * @self: a #RpJsonBody
 * @member: the member name (`image`, `mask`…); must not be used yet
 * @file: a regular file; measured now, read and encoded only while the body streams
 * @content_type: (nullable): the type for data URLs; %NULL names the image type found in
 *   the file's first bytes
 * @style: how the image is written
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Adds a member whose value is one image.
 *
 * Returns: %TRUE on success; %FALSE with @error set if @file cannot be measured
 */
gboolean
rp_json_body_add_image (RpJsonBody        *self,
                        const char        *member,
                        GFile             *file,
                        const char        *content_type,
                        RpJsonImageStyle   style,
                        GCancellable      *cancellable,
                        GError           **error)
{
  const char *types[] = { content_type };

  g_return_val_if_fail (RP_IS_JSON_BODY (self), FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (!g_hash_table_contains (self->members, member), FALSE);
  g_return_val_if_fail (!rp_request_body_is_sealed (RP_REQUEST_BODY (self)), FALSE);

  return add_images (self, member, FALSE, &file, types, 1, style, cancellable, error);
}

/**
 * rp_json_body_add_image_array:
 * @self: a #RpJsonBody
 * @member: the member name (`images`…); must not be used yet
 * @files: (array length=n_files): regular files, in order
 * @content_types: (array length=n_files) (nullable): a type per file, or %NULL entries
 *   (or a %NULL array) to name each from its first bytes
 * @n_files: how many files; an array of one is still written as an array
 * @style: how each image is written
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Adds a member whose value is an array of images.
 *
 * Returns: %TRUE on success; %FALSE with @error set (and nothing added) if a file cannot
 *   be measured
 */
gboolean
rp_json_body_add_image_array (RpJsonBody         *self,
                              const char         *member,
                              GFile * const      *files,
                              const char * const *content_types,
                              guint               n_files,
                              RpJsonImageStyle    style,
                              GCancellable       *cancellable,
                              GError            **error)
{
  g_return_val_if_fail (RP_IS_JSON_BODY (self), FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (files != NULL || n_files == 0, FALSE);
  g_return_val_if_fail (!g_hash_table_contains (self->members, member), FALSE);
  g_return_val_if_fail (!rp_request_body_is_sealed (RP_REQUEST_BODY (self)), FALSE);

  return add_images (self, member, TRUE, files, content_types, n_files, style, cancellable, error);
}
