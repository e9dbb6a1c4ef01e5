/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-model-spec"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-json-util.h"
#include "rp-model-spec-private.h"
#include "rp-param-spec-private.h"
#include "rp-provider.h"

#define MAX_IMAGE_COUNT  1000
#define MAX_BYTES_LIMIT  ((gint64) 1 << 40)
#define MAX_PIXELS_LIMIT ((gint64) 1 << 40)

typedef struct
{
  char      *name;
  GPtrArray *conditions;   /* RpCondition */
  char      *response;
} Mode;

struct _RpModelSpec
{
  GObject          parent_instance;

  char            *model_id;
  char            *display_name;
  char            *operation;
  char            *method;
  char            *path;
  char           **query;          /* key, value, key, value, …, NULL */
  RpEncoding       encodings;
  RpEncoding       default_encoding;
  guint            select_min_images;
  guint            select_max_images;
  GListStore      *params;         /* RpParamSpec, in definition order */
  GHashTable      *params_by_name; /* borrowed from params */
  char           **removed;
  RpImageSpec      images;
  RpMaskSpec       mask;
  GPtrArray       *modes;          /* Mode */
  char           **mode_names;
  GPtrArray       *responses;      /* RpResponseSpec */
};

G_DEFINE_FINAL_TYPE (RpModelSpec, rp_model_spec, G_TYPE_OBJECT)

static void
mode_free (Mode *mode)
{
  g_free (mode->name);
  g_free (mode->response);
  g_ptr_array_unref (mode->conditions);
  g_free (mode);
}

static void
response_free (RpResponseSpec *r)
{
  g_free (r->name);
  for (guint i = 0; i < r->n_images; i++)
    g_free (r->images[i].path);
  g_free (r->images);
  g_free (r->usage_path);
  g_strfreev (r->meta);
  g_strfreev (r->content_types);
  for (guint i = 0; i < r->n_meta_headers; i++)
    {
      g_free (r->meta_headers[i].key);
      g_free (r->meta_headers[i].header);
    }
  g_free (r->meta_headers);
  g_free (r->sse.partial_event);
  g_free (r->sse.partial_b64);
  g_free (r->sse.partial_index);
  g_free (r->sse.final_event);
  g_free (r->sse.final_b64);
  g_free (r->sse.final_url);
  g_free (r->sse.final_usage);
  g_free (r->sse.error_event);
  g_free (r->sse.error_field);
  g_free (r->sse.done);
  g_strfreev (r->async.id_paths);
  g_strfreev (r->async.poll_url_paths);
  g_free (r->async.poll_method);
  g_strfreev (r->async.poll_path_templates);
  g_strfreev (r->async.status_paths);
  g_strfreev (r->async.pending);
  g_strfreev (r->async.success);
  g_strfreev (r->async.failure);
  g_strfreev (r->async.result_embedded);
  g_free (r->async.result_then);
  g_strfreev (r->async.error_paths);
  g_free (r);
}

static void
rp_model_spec_finalize (GObject *object)
{
  RpModelSpec *self = RP_MODEL_SPEC (object);

  g_clear_pointer (&self->model_id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->operation, g_free);
  g_clear_pointer (&self->method, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->query, g_strfreev);
  g_clear_pointer (&self->params_by_name, g_hash_table_unref);
  g_clear_object (&self->params);
  g_clear_pointer (&self->removed, g_strfreev);
  g_clear_pointer (&self->images.formats, g_free);
  g_clear_pointer (&self->images.multipart_field, g_free);
  g_clear_pointer (&self->images.json_field, g_free);
  g_clear_pointer (&self->mask.formats, g_free);
  g_clear_pointer (&self->mask.multipart_field, g_free);
  g_clear_pointer (&self->mask.json_field, g_free);
  g_clear_pointer (&self->modes, g_ptr_array_unref);
  g_clear_pointer (&self->mode_names, g_strfreev);
  g_clear_pointer (&self->responses, g_ptr_array_unref);

  G_OBJECT_CLASS (rp_model_spec_parent_class)->finalize (object);
}

static void
rp_model_spec_class_init (RpModelSpecClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_model_spec_finalize;
}

static void
rp_model_spec_init (RpModelSpec *self)
{
  self->params = g_list_store_new (RP_TYPE_PARAM_SPEC);
  self->params_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->modes = g_ptr_array_new_with_free_func ((GDestroyNotify) mode_free);
  self->responses = g_ptr_array_new_with_free_func ((GDestroyNotify) response_free);
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
rp_image_format_parse (const char    *name,
                       RpImageFormat *format)
{
  static const struct { const char *name; RpImageFormat format; } names[] = {
    { "png", RP_IMAGE_FORMAT_PNG },
    { "jpeg", RP_IMAGE_FORMAT_JPEG },
    { "jpg", RP_IMAGE_FORMAT_JPEG },
    { "webp", RP_IMAGE_FORMAT_WEBP },
    { "gif", RP_IMAGE_FORMAT_GIF },
    { "bmp", RP_IMAGE_FORMAT_BMP },
    { "tiff", RP_IMAGE_FORMAT_TIFF },
    { "heif", RP_IMAGE_FORMAT_HEIF },
    { "avif", RP_IMAGE_FORMAT_AVIF },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i].name, name))
      {
        *format = names[i].format;
        return TRUE;
      }
  return FALSE;
}

static gboolean
read_formats (JsonObject     *object,
              const char     *path,
              RpImageFormat **formats,
              guint          *n_formats,
              GError        **error)
{
  g_auto(GStrv) names = NULL;

  if (!rp_json_read_strv (object, path, "formats", &names, error))
    return FALSE;
  if (names == NULL)
    return TRUE;
  g_free (*formats);
  *n_formats = g_strv_length (names);
  *formats = g_new0 (RpImageFormat, MAX (*n_formats, 1));
  for (guint i = 0; names[i] != NULL; i++)
    if (!rp_image_format_parse (names[i], &(*formats)[i]))
      {
        g_autofree char *where = rp_json_path_join (path, "formats");

        g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                     _("“%s” holds “%s”, which is not an image format (png, jpeg, webp, …)."),
                     where, names[i]);
        return FALSE;
      }
  return TRUE;
}

static const char * const json_items[] = {
  "b64", "data_url", "url", "image_url_object", "file_id_object", NULL
};

static gboolean
parse_images (RpModelSpec  *self,
              JsonObject   *object,
              const char   *path,
              GError      **error)
{
  static const char * const keys[] = {
    "min", "max", "max_bytes", "formats", "min_pixels", "max_pixels", "max_edge", "square",
    "alpha_without_mask", "multipart", "json", "note", NULL
  };
  static const char * const part_keys[] = { "field", "multi", "single", "note", NULL };
  static const char * const json_keys[] = {
    "field", "container", "item", "max_item_chars", "note", NULL
  };
  static const char * const multi_styles[] = {
    "plain", "brackets", "repeat", "indexed", "dotted", NULL
  };
  static const char * const single_styles[] = { "plain", "same_as_multi", NULL };
  static const char * const containers[] = { "scalar", "array", "array_if_many", NULL };
  RpImageSpec *images = &self->images;
  JsonObject *multipart = NULL, *json = NULL;
  g_autofree char *mpath = rp_json_path_join (path, "multipart");
  g_autofree char *jpath = rp_json_path_join (path, "json");
  const char *field = "image", *json_field = NULL;
  gint64 min = 1, max = 0, max_edge = 0;
  int multi = RP_FIELD_STYLE_BRACKETS, single = 0, container = RP_JSON_CONTAINER_ARRAY;
  int item = RP_JSON_ITEM_DATA_URL;

  if (object != NULL &&
      (!rp_json_check_members (object, path, keys, error) ||
       !rp_json_read_int (object, path, "min", 1, MAX_IMAGE_COUNT, &min, error) ||
       !rp_json_read_int (object, path, "max", 1, MAX_IMAGE_COUNT, &max, error) ||
       !rp_json_read_int (object, path, "max_bytes", 1, MAX_BYTES_LIMIT, &images->max_bytes,
                          error) ||
       !rp_json_read_int (object, path, "min_pixels", 1, MAX_PIXELS_LIMIT, &images->min_pixels,
                          error) ||
       !rp_json_read_int (object, path, "max_pixels", 1, MAX_PIXELS_LIMIT, &images->max_pixels,
                          error) ||
       !rp_json_read_int (object, path, "max_edge", 1, 1000000, &max_edge, error) ||
       !rp_json_read_bool (object, path, "square", &images->square, error) ||
       !rp_json_read_bool (object, path, "alpha_without_mask", &images->alpha_without_mask,
                           error) ||
       !read_formats (object, path, &images->formats, &images->n_formats, error) ||
       !rp_json_read_object (object, path, "multipart", &multipart, error) ||
       !rp_json_read_object (object, path, "json", &json, error)))
    return FALSE;
  if (multipart != NULL &&
      (!rp_json_check_members (multipart, mpath, part_keys, error) ||
       !rp_json_read_string (multipart, mpath, "field", &field, error) ||
       !rp_json_read_choice (multipart, mpath, "multi", multi_styles, &multi, error) ||
       !rp_json_read_choice (multipart, mpath, "single", single_styles, &single, error)))
    return FALSE;
  if (json != NULL &&
      (!rp_json_check_members (json, jpath, json_keys, error) ||
       !rp_json_read_string (json, jpath, "field", &json_field, error) ||
       !rp_json_read_choice (json, jpath, "container", containers, &container, error) ||
       !rp_json_read_choice (json, jpath, "item", json_items, &item, error) ||
       !rp_json_read_int (json, jpath, "max_item_chars", 1, MAX_BYTES_LIMIT,
                          &images->json_max_item_chars, error)))
    return FALSE;
  if (max != 0 && min > max)
    {
      set_invalid (error, _("“%s” has “min” above “max”."), path);
      return FALSE;
    }
  if (*field == '\0')
    {
      g_autofree char *where = rp_json_path_join (mpath, "field");

      set_invalid (error, _("“%s” must not be empty."), where);
      return FALSE;
    }
  if (multi == RP_FIELD_STYLE_PLAIN && max != 1)
    {
      set_invalid (error,
                   _("“%s” can send only one image with “plain” names; use brackets or repeat."),
                   mpath);
      return FALSE;
    }
  if ((self->encodings & RP_ENCODING_JSON) && json == NULL)
    {
      set_invalid (error, _("“%s” is missing."), jpath);
      return FALSE;
    }
  images->min_count = min;
  images->max_count = max;
  images->max_edge = max_edge;
  images->multipart_field = g_strdup (field);
  images->multipart_multi = multi;
  images->multipart_single_plain = single == 0;
  images->json_field = g_strdup (json_field != NULL ? json_field : field);
  images->json_container = container;
  images->json_item = item;
  return TRUE;
}

static gboolean
parse_mask (RpModelSpec  *self,
            JsonObject   *object,
            const char   *path,
            GError      **error)
{
  static const char * const keys[] = {
    "support", "required", "formats", "max_bytes", "same_size", "multipart", "json", "note", NULL
  };
  static const char * const part_keys[] = { "field", "note", NULL };
  static const char * const json_keys[] = { "field", "item", "note", NULL };
  static const char * const supports[] = { "none", "field", "layer", NULL };
  RpMaskSpec *mask = &self->mask;
  JsonObject *multipart = NULL, *json = NULL;
  g_autofree char *mpath = rp_json_path_join (path, "multipart");
  g_autofree char *jpath = rp_json_path_join (path, "json");
  const char *field = "mask", *json_field = NULL;
  int support = object != NULL ? RP_MASK_SUPPORT_FIELD : RP_MASK_SUPPORT_NONE;
  int item = RP_JSON_ITEM_DATA_URL;

  mask->same_size = TRUE;
  if (object != NULL &&
      (!rp_json_check_members (object, path, keys, error) ||
       !rp_json_read_choice (object, path, "support", supports, &support, error) ||
       !rp_json_read_bool (object, path, "required", &mask->required, error) ||
       !rp_json_read_bool (object, path, "same_size", &mask->same_size, error) ||
       !rp_json_read_int (object, path, "max_bytes", 1, MAX_BYTES_LIMIT, &mask->max_bytes, error) ||
       !read_formats (object, path, &mask->formats, &mask->n_formats, error) ||
       !rp_json_read_object (object, path, "multipart", &multipart, error) ||
       !rp_json_read_object (object, path, "json", &json, error)))
    return FALSE;
  if (multipart != NULL &&
      (!rp_json_check_members (multipart, mpath, part_keys, error) ||
       !rp_json_read_string (multipart, mpath, "field", &field, error)))
    return FALSE;
  if (json != NULL &&
      (!rp_json_check_members (json, jpath, json_keys, error) ||
       !rp_json_read_string (json, jpath, "field", &json_field, error) ||
       !rp_json_read_choice (json, jpath, "item", json_items, &item, error)))
    return FALSE;
  if (mask->required && support == RP_MASK_SUPPORT_NONE)
    {
      set_invalid (error, _("“%s” requires a mask but supports none."), path);
      return FALSE;
    }
  mask->support = support;
  mask->multipart_field = g_strdup (field);
  if (json != NULL)
    mask->json_field = g_strdup (json_field != NULL ? json_field : field);
  mask->json_item = item;
  return TRUE;
}

static gboolean
parse_params (RpModelSpec  *self,
              JsonObject   *object,
              const char   *path,
              GError      **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      g_autofree char *ppath = rp_json_path_join (path, name);
      g_autoptr(RpParamSpec) spec = NULL;

      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          set_invalid (error, _("“%s” must be an object, or false to remove the parameter."),
                       ppath);
          return FALSE;
        }
      spec = rp_param_spec_new_from_json (name, json_node_get_object (node), ppath, error);
      if (spec == NULL)
        return FALSE;
      if (rp_param_spec_get_location (spec) == RP_PARAM_LOCATION_QUERY &&
          rp_param_spec_get_implicit (spec))
        {
          set_invalid (error, _("“%s” cannot be sent in the query."), ppath);
          return FALSE;
        }
      g_hash_table_insert (self->params_by_name, (char *) rp_param_spec_get_name (spec), spec);
      g_list_store_append (self->params, spec);
    }
  return TRUE;
}

static gboolean
parse_image_paths (RpResponseSpec  *r,
                   JsonObject      *object,
                   const char      *path,
                   GError         **error)
{
  static const char * const keys[] = { "path", "as", "download", "note", NULL };
  static const char * const kinds[] = { "base64", "url", NULL };
  g_autofree char *where = rp_json_path_join (path, "images");
  JsonArray *array = NULL;

  if (!rp_json_read_array (object, path, "images", &array, error))
    return FALSE;
  if (array == NULL || json_array_get_length (array) == 0)
    {
      set_invalid (error, _("“%s” must list at least one value."), where);
      return FALSE;
    }
  r->images = g_new0 (RpImagePath, json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *ipath = rp_json_path_index (where, i);
      const char *p = NULL;
      int as = 0;
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          set_invalid (error, _("“%s” must be an object."), ipath);
          return FALSE;
        }
      entry = json_node_get_object (node);
      if (!rp_json_check_members (entry, ipath, keys, error) ||
          !rp_json_require (entry, ipath, "path", error) ||
          !rp_json_read_string (entry, ipath, "path", &p, error) ||
          !rp_json_read_choice (entry, ipath, "as", kinds, &as, error) ||
          !rp_json_read_bool (entry, ipath, "download", &r->images[i].download, error))
        return FALSE;
      r->images[i].path = g_strdup (p);
      r->images[i].is_url = as == 1;
      r->n_images++;
    }
  return TRUE;
}

static gboolean
parse_meta_headers (RpResponseSpec  *r,
                    JsonObject      *object,
                    const char      *path,
                    GError         **error)
{
  static const char * const keys[] = { "header", "decode", NULL };
  static const char * const decodes[] = { "none", "url", NULL };
  g_autofree char *where = rp_json_path_join (path, "meta_headers");
  JsonObject *headers = NULL;
  g_autoptr(GList) members = NULL;

  if (!rp_json_read_object (object, path, "meta_headers", &headers, error))
    return FALSE;
  if (headers == NULL)
    return TRUE;
  members = json_object_get_members (headers);
  r->meta_headers = g_new0 (RpMetaHeader, g_list_length (members));
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (headers, l->data);
      g_autofree char *hpath = rp_json_path_join (where, l->data);
      RpMetaHeader *meta = &r->meta_headers[r->n_meta_headers];
      const char *header = NULL;
      int decode = 0;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *entry = json_node_get_object (node);

          if (!rp_json_check_members (entry, hpath, keys, error) ||
              !rp_json_require (entry, hpath, "header", error) ||
              !rp_json_read_string (entry, hpath, "header", &header, error) ||
              !rp_json_read_choice (entry, hpath, "decode", decodes, &decode, error))
            return FALSE;
        }
      else if (!rp_json_read_string (headers, where, l->data, &header, error))
        return FALSE;
      if (header == NULL)
        continue;
      meta->key = g_strdup (l->data);
      meta->header = g_ascii_strdown (header, -1);
      meta->url_decode = decode == 1;
      r->n_meta_headers++;
    }
  return TRUE;
}

static gboolean
read_sub_string (JsonObject          *object,
                 const char          *path,
                 const char          *sub,
                 const char * const  *keys,
                 const char          *key,
                 char               **out,
                 GError             **error)
{
  JsonObject *child = NULL;
  g_autofree char *cpath = rp_json_path_join (path, sub);
  const char *value = NULL;

  if (!rp_json_read_object (object, path, sub, &child, error))
    return FALSE;
  if (child == NULL)
    return TRUE;
  if (!rp_json_check_members (child, cpath, keys, error) ||
      !rp_json_read_string (child, cpath, key, &value, error))
    return FALSE;
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
parse_sse (RpResponseSpec  *r,
           JsonObject      *object,
           const char      *path,
           GError         **error)
{
  static const char * const partial_keys[] = { "event", "b64", "index", "note", NULL };
  static const char * const final_keys[] = { "event", "b64", "url", "usage", "note", NULL };
  static const char * const error_keys[] = { "event", "field", "note", NULL };
  const char *done = NULL;

  if (!read_sub_string (object, path, "partial", partial_keys, "event", &r->sse.partial_event,
                        error) ||
      !read_sub_string (object, path, "partial", partial_keys, "b64", &r->sse.partial_b64, error) ||
      !read_sub_string (object, path, "partial", partial_keys, "index", &r->sse.partial_index,
                        error) ||
      !read_sub_string (object, path, "final", final_keys, "event", &r->sse.final_event, error) ||
      !read_sub_string (object, path, "final", final_keys, "b64", &r->sse.final_b64, error) ||
      !read_sub_string (object, path, "final", final_keys, "url", &r->sse.final_url, error) ||
      !read_sub_string (object, path, "final", final_keys, "usage", &r->sse.final_usage, error) ||
      !read_sub_string (object, path, "error", error_keys, "event", &r->sse.error_event, error) ||
      !read_sub_string (object, path, "error", error_keys, "field", &r->sse.error_field, error) ||
      !rp_json_read_string (object, path, "done", &done, error))
    return FALSE;
  if (r->sse.final_event == NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "final.event");

      set_invalid (error, _("“%s” is missing."), where);
      return FALSE;
    }
  r->sse.done = g_strdup (done);
  return TRUE;
}

static gboolean
parse_async (RpResponseSpec  *r,
             JsonObject      *object,
             const char      *path,
             GError         **error)
{
  static const char * const submit_keys[] = { "id_paths", "poll_url_paths", "note", NULL };
  static const char * const poll_keys[] = {
    "method", "path_templates", "root_relative", "interval_s", "backoff", "timeout_s", "note", NULL
  };
  static const char * const status_keys[] = {
    "paths", "pending", "success", "failure", "note", NULL
  };
  static const char * const result_keys[] = { "embedded", "then", "note", NULL };
  JsonObject *submit = NULL, *poll = NULL, *status = NULL, *result = NULL;
  g_autofree char *spath = rp_json_path_join (path, "submit");
  g_autofree char *ppath = rp_json_path_join (path, "poll");
  g_autofree char *stpath = rp_json_path_join (path, "status");
  g_autofree char *rpath = rp_json_path_join (path, "result");
  const char *method = "GET", *then = "default";

  r->async.verified = TRUE;
  r->async.poll_interval_s = 4.0;
  r->async.poll_backoff = 1.0;
  r->async.poll_timeout_s = 900.0;
  if (!rp_json_read_bool (object, path, "verified", &r->async.verified, error) ||
      !rp_json_read_strv (object, path, "error_paths", &r->async.error_paths, error) ||
      !rp_json_require (object, path, "submit", error) ||
      !rp_json_require (object, path, "status", error) ||
      !rp_json_read_object (object, path, "submit", &submit, error) ||
      !rp_json_read_object (object, path, "poll", &poll, error) ||
      !rp_json_read_object (object, path, "status", &status, error) ||
      !rp_json_read_object (object, path, "result", &result, error))
    return FALSE;
  if (!rp_json_check_members (submit, spath, submit_keys, error) ||
      !rp_json_require (submit, spath, "id_paths", error) ||
      !rp_json_read_strv (submit, spath, "id_paths", &r->async.id_paths, error) ||
      !rp_json_read_strv (submit, spath, "poll_url_paths", &r->async.poll_url_paths, error))
    return FALSE;
  if (poll != NULL &&
      (!rp_json_check_members (poll, ppath, poll_keys, error) ||
       !rp_json_read_string (poll, ppath, "method", &method, error) ||
       !rp_json_read_strv (poll, ppath, "path_templates", &r->async.poll_path_templates, error) ||
       !rp_json_read_bool (poll, ppath, "root_relative", &r->async.poll_root_relative, error) ||
       !rp_json_read_double (poll, ppath, "interval_s", 0.1, 3600, &r->async.poll_interval_s,
                             error) ||
       !rp_json_read_double (poll, ppath, "backoff", 1.0, 10.0, &r->async.poll_backoff, error) ||
       !rp_json_read_double (poll, ppath, "timeout_s", 1.0, 86400, &r->async.poll_timeout_s,
                             error)))
    return FALSE;
  if (!rp_json_check_members (status, stpath, status_keys, error) ||
      !rp_json_require (status, stpath, "paths", error) ||
      !rp_json_require (status, stpath, "success", error) ||
      !rp_json_require (status, stpath, "failure", error) ||
      !rp_json_read_strv (status, stpath, "paths", &r->async.status_paths, error) ||
      !rp_json_read_strv (status, stpath, "pending", &r->async.pending, error) ||
      !rp_json_read_strv (status, stpath, "success", &r->async.success, error) ||
      !rp_json_read_strv (status, stpath, "failure", &r->async.failure, error))
    return FALSE;
  if (result != NULL &&
      (!rp_json_check_members (result, rpath, result_keys, error) ||
       !rp_json_read_strv (result, rpath, "embedded", &r->async.result_embedded, error) ||
       !rp_json_read_string (result, rpath, "then", &then, error)))
    return FALSE;
  if (r->async.poll_url_paths == NULL && r->async.poll_path_templates == NULL)
    {
      set_invalid (error, _("“%s” needs poll URL paths or path templates."), path);
      return FALSE;
    }
  r->async.poll_method = g_strdup (method);
  r->async.result_then = g_strdup (then);
  return TRUE;
}

static gboolean
parse_response (RpModelSpec  *self,
                const char   *name,
                JsonObject   *object,
                const char   *path,
                GError      **error)
{
  static const char * const keys[] = {
    "kind", "images", "usage", "meta", "content_types", "meta_headers", "partial", "final",
    "error", "done", "submit", "poll", "status", "result", "error_paths", "verified", "note", NULL
  };
  static const char * const kinds[] = { "json_images", "raw_bytes", "sse", "async_task", NULL };
  RpResponseSpec *r = g_new0 (RpResponseSpec, 1);
  const char *usage = NULL;
  int kind = 0;

  r->name = g_strdup (name);
  g_ptr_array_add (self->responses, r);
  if (!rp_json_check_members (object, path, keys, error) ||
      !rp_json_require (object, path, "kind", error) ||
      !rp_json_read_choice (object, path, "kind", kinds, &kind, error))
    return FALSE;
  r->kind = kind;
  switch (r->kind)
    {
    case RP_RESPONSE_JSON_IMAGES:
      if (!parse_image_paths (r, object, path, error) ||
          !rp_json_read_string (object, path, "usage", &usage, error) ||
          !rp_json_read_strv (object, path, "meta", &r->meta, error))
        return FALSE;
      r->usage_path = g_strdup (usage);
      return TRUE;
    case RP_RESPONSE_RAW_BYTES:
      return rp_json_read_strv (object, path, "content_types", &r->content_types, error) &&
             parse_meta_headers (r, object, path, error);
    case RP_RESPONSE_SSE:
      return parse_sse (r, object, path, error);
    case RP_RESPONSE_ASYNC_TASK:
      return parse_async (r, object, path, error);
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

static const RpResponseSpec *
find_response (RpModelSpec *self,
               const char  *name)
{
  for (guint i = 0; i < self->responses->len; i++)
    {
      RpResponseSpec *r = self->responses->pdata[i];

      if (g_str_equal (r->name, name))
        return r;
    }
  return NULL;
}

static gboolean
parse_responses (RpModelSpec  *self,
                 JsonObject   *op,
                 const char   *path,
                 GError      **error)
{
  g_autofree char *where = rp_json_path_join (path, "responses");
  JsonObject *responses = NULL;
  g_autoptr(GList) members = NULL;

  if (!rp_json_require (op, path, "responses", error) ||
      !rp_json_read_object (op, path, "responses", &responses, error))
    return FALSE;
  members = json_object_get_members (responses);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *rpath = rp_json_path_join (where, l->data);
      JsonObject *object = NULL;

      if (!rp_json_read_object (responses, where, l->data, &object, error))
        return FALSE;
      if (object != NULL && !parse_response (self, l->data, object, rpath, error))
        return FALSE;
    }
  if (find_response (self, "default") == NULL)
    {
      g_autofree char *dpath = rp_json_path_join (where, "default");

      set_invalid (error, _("“%s” is missing."), dpath);
      return FALSE;
    }
  for (guint i = 0; i < self->responses->len; i++)
    {
      RpResponseSpec *r = self->responses->pdata[i];
      const RpResponseSpec *then;

      if (r->kind != RP_RESPONSE_ASYNC_TASK)
        continue;
      then = find_response (self, r->async.result_then);
      if (then == NULL || then->kind != RP_RESPONSE_JSON_IMAGES)
        {
          g_autofree char *tpath = g_strdup_printf ("%s.%s.result.then", where, r->name);

          set_invalid (error, _("“%s” must name a json_images response."), tpath);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_modes (RpModelSpec  *self,
             JsonObject   *op,
             const char   *path,
             GError      **error)
{
  static const char * const keys[] = { "when", "response", "note", NULL };
  g_autofree char *where = rp_json_path_join (path, "modes");
  JsonObject *modes = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  if (!rp_json_read_object (op, path, "modes", &modes, error))
    return FALSE;
  if (modes != NULL)
    members = json_object_get_members (modes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *mpath = rp_json_path_join (where, l->data);
      g_autofree char *wpath = rp_json_path_join (mpath, "when");
      JsonObject *object = NULL, *when = NULL;
      const char *response = l->data;
      g_autoptr(GPtrArray) conditions = NULL;
      Mode *mode;

      if (!rp_json_read_object (modes, where, l->data, &object, error))
        return FALSE;
      if (object == NULL)
        continue;
      if (!rp_json_check_members (object, mpath, keys, error) ||
          !rp_json_require (object, mpath, "when", error) ||
          !rp_json_read_object (object, mpath, "when", &when, error) ||
          !rp_json_read_string (object, mpath, "response", &response, error))
        return FALSE;
      conditions = rp_condition_array_new ();
      if (!rp_conditions_parse (when, wpath, conditions, error))
        return FALSE;
      if (conditions->len == 0)
        {
          set_invalid (error, _("“%s” must list at least one value."), wpath);
          return FALSE;
        }
      if (find_response (self, response) == NULL)
        {
          g_autofree char *rpath = rp_json_path_join (mpath, "response");

          set_invalid (error, _("“%s” names a response that is not defined."), rpath);
          return FALSE;
        }
      mode = g_new0 (Mode, 1);
      mode->name = g_strdup (l->data);
      mode->response = g_strdup (response);
      mode->conditions = g_steal_pointer (&conditions);
      g_ptr_array_add (self->modes, mode);
      g_strv_builder_add (names, l->data);
    }
  self->mode_names = g_strv_builder_end (names);
  return TRUE;
}

static gboolean
parse_query (RpModelSpec  *self,
             JsonObject   *op,
             const char   *path,
             GError      **error)
{
  g_autofree char *where = rp_json_path_join (path, "query");
  JsonObject *query = NULL;
  g_autoptr(GStrvBuilder) pairs = g_strv_builder_new ();
  g_autoptr(GList) members = NULL;

  if (!rp_json_read_object (op, path, "query", &query, error))
    return FALSE;
  if (query != NULL)
    members = json_object_get_members (query);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *value = NULL;

      if (!rp_json_read_string (query, where, l->data, &value, error))
        return FALSE;
      if (value == NULL)
        continue;
      g_strv_builder_add (pairs, l->data);
      g_strv_builder_add (pairs, value);
    }
  self->query = g_strv_builder_end (pairs);
  return TRUE;
}

/* Where and how the operation is sent: "method", "path", "query" and "encodings". */
static gboolean
parse_endpoint (RpModelSpec  *self,
                JsonObject   *op,
                const char   *path,
                GError      **error)
{
  static const char * const methods[] = { "POST", "PUT", NULL };
  g_auto(GStrv) encodings = NULL;
  const char *op_path = NULL;
  int method = 0;

  if (!rp_json_read_choice (op, path, "method", methods, &method, error) ||
      !rp_json_require (op, path, "path", error) ||
      !rp_json_read_string (op, path, "path", &op_path, error) ||
      !rp_json_read_strv (op, path, "encodings", &encodings, error))
    return FALSE;
  if (op_path[0] != '/' || strstr (op_path, "..") != NULL || strstr (op_path, "://") != NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "path");

      set_invalid (error, _("“%s” must be a path starting with “/”."), where);
      return FALSE;
    }
  self->method = g_strdup (methods[method]);
  self->path = g_strdup (op_path);
  if (encodings != NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "encodings");

      self->encodings = 0;
      for (guint i = 0; encodings[i] != NULL; i++)
        {
          RpEncoding e;

          if (g_str_equal (encodings[i], "multipart"))
            e = RP_ENCODING_MULTIPART;
          else if (g_str_equal (encodings[i], "json"))
            e = RP_ENCODING_JSON;
          else
            {
              set_invalid (error, _("“%s” may hold only “multipart” and “json”."), where);
              return FALSE;
            }
          if (self->encodings == 0)
            self->default_encoding = e;
          self->encodings |= e;
        }
      if (self->encodings == 0)
        {
          set_invalid (error, _("“%s” must list at least one value."), where);
          return FALSE;
        }
    }
  return parse_query (self, op, path, error);
}

static gboolean
parse_operation_basics (RpModelSpec       *self,
                        JsonObject        *op,
                        const char        *path,
                        RpModelSpecFlags   flags,
                        GError           **error)
{
  static const char * const keys[] = {
    "select", "method", "path", "query", "encodings", "images", "mask", "params", "modes",
    "responses", "inherits", "note", NULL
  };
  static const char * const http_keys[] = {
    "method", "path", "query", "encodings", "modes", "responses", NULL
  };
  static const char * const select_keys[] = { "min_images", "max_images", "note", NULL };
  g_autofree char *spath = rp_json_path_join (path, "select");
  JsonObject *select = NULL;
  gint64 min_images = 0, max_images = 0;

  if (!rp_json_check_members (op, path, keys, error) ||
      !rp_json_read_object (op, path, "select", &select, error))
    return FALSE;
  if (select != NULL &&
      (!rp_json_check_members (select, spath, select_keys, error) ||
       !rp_json_read_int (select, spath, "min_images", 0, MAX_IMAGE_COUNT, &min_images, error) ||
       !rp_json_read_int (select, spath, "max_images", 1, MAX_IMAGE_COUNT, &max_images, error)))
    return FALSE;
  self->select_min_images = min_images;
  self->select_max_images = max_images;
  self->encodings = RP_ENCODING_MULTIPART;
  self->default_encoding = RP_ENCODING_MULTIPART;
  if (flags & RP_MODEL_SPEC_LOCAL)
    {
      self->query = g_new0 (char *, 1);
      return rp_json_refuse_for_local (op, path, http_keys, error);
    }
  return parse_endpoint (self, op, path, error);
}

/**
 * rp_model_spec_new_from_json: (skip)
 * @op: the operation object with every layer already merged in
 * @removed_params: (nullable): parameters the layers set to false
 * @flags: %RP_MODEL_SPEC_LOCAL for an operation that runs on this computer
 *
 * Returns: (transfer full) (nullable): the spec, or %NULL with @error naming the bad key
 */
RpModelSpec *
rp_model_spec_new_from_json (const char        *model_id,
                             const char        *display_name,
                             const char        *operation,
                             JsonObject        *op,
                             char             **removed_params,
                             const char        *path,
                             RpModelSpecFlags   flags,
                             GError           **error)
{
  g_autoptr(RpModelSpec) self = g_object_new (RP_TYPE_MODEL_SPEC, NULL);
  g_autofree char *ipath = rp_json_path_join (path, "images");
  g_autofree char *mpath = rp_json_path_join (path, "mask");
  g_autofree char *ppath = rp_json_path_join (path, "params");
  JsonObject *images = NULL, *mask = NULL, *params = NULL;

  self->model_id = g_strdup (model_id);
  self->display_name = g_strdup (display_name != NULL ? display_name : model_id);
  self->operation = g_strdup (operation);
  self->removed = removed_params != NULL ? g_strdupv (removed_params) : g_new0 (char *, 1);

  if (!parse_operation_basics (self, op, path, flags, error) ||
      !rp_json_read_object (op, path, "images", &images, error) ||
      !rp_json_read_object (op, path, "mask", &mask, error) ||
      !rp_json_require (op, path, "params", error) ||
      !rp_json_read_object (op, path, "params", &params, error) ||
      !parse_images (self, images, ipath, error) ||
      !parse_mask (self, mask, mpath, error) ||
      !parse_params (self, params, ppath, error) ||
      (!(flags & RP_MODEL_SPEC_LOCAL) && !parse_responses (self, op, path, error)) ||
      !parse_modes (self, op, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * rp_model_spec_get_model_id:
 *
 * Returns: (transfer none): the model id sent on the wire
 */
const char *
rp_model_spec_get_model_id (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return self->model_id;
}

/**
 * rp_model_spec_get_display_name:
 *
 * Returns: (transfer none): the model's name for people (the id when none is known)
 */
const char *
rp_model_spec_get_display_name (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return self->display_name;
}

/**
 * rp_model_spec_get_operation:
 *
 * Returns: (transfer none): the operation this spec describes ("edit", "multi_edit")
 */
const char *
rp_model_spec_get_operation (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return self->operation;
}

/**
 * rp_model_spec_get_method:
 *
 * Returns: (transfer none) (nullable): the HTTP method, "POST"; %NULL for an operation that
 *   runs on this computer
 */
const char *
rp_model_spec_get_method (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return self->method;
}

/**
 * rp_model_spec_get_path:
 *
 * Returns: (transfer none) (nullable): the path appended to the provider's base URL, e.g.
 *   "/images/edits"; %NULL for an operation that runs on this computer
 */
const char *
rp_model_spec_get_path (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return self->path;
}

/**
 * rp_model_spec_get_query:
 *
 * Fixed query parameters of the operation. Parameters with the query location are not in
 * here; rp_params_build_query() gives them.
 *
 * Returns: (transfer none) (array zero-terminated=1): key, value, key, value, …
 */
const char * const *
rp_model_spec_get_query (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return (const char * const *) self->query;
}

/**
 * rp_model_spec_get_encodings:
 *
 * Returns: every body encoding the operation accepts for this model
 */
RpEncoding
rp_model_spec_get_encodings (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), RP_ENCODING_MULTIPART);
  return self->encodings;
}

/**
 * rp_model_spec_get_default_encoding:
 *
 * Returns: the encoding listed first in the definition, the one to use unless there is a
 *   reason for another (OpenAI's JSON body is for image URLs and file ids)
 */
RpEncoding
rp_model_spec_get_default_encoding (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), RP_ENCODING_MULTIPART);
  return self->default_encoding;
}

/**
 * rp_model_spec_get_params:
 *
 * Returns: (transfer none): the #RpParamSpec list in definition order, which is also the
 *   order of the wire fields
 */
GListModel *
rp_model_spec_get_params (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return G_LIST_MODEL (self->params);
}

/**
 * rp_model_spec_lookup_param:
 * @name: a parameter name
 *
 * Returns: (transfer none) (nullable): the parameter, or %NULL if this model does not take it
 */
RpParamSpec *
rp_model_spec_lookup_param (RpModelSpec *self,
                            const char  *name)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->params_by_name, name);
}

/**
 * rp_model_spec_is_removed_param:
 * @name: a parameter name
 *
 * Returns: whether a definition layer explicitly removed @name for this model (set it to
 *   false, or restricted it to other models): the provider rejects it
 */
gboolean
rp_model_spec_is_removed_param (RpModelSpec *self,
                                const char  *name)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), FALSE);
  return name != NULL && g_strv_contains ((const char * const *) self->removed, name);
}

/**
 * rp_model_spec_get_images:
 *
 * Returns: (transfer none): input image limits and how images are named on the wire
 */
const RpImageSpec *
rp_model_spec_get_images (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return &self->images;
}

/**
 * rp_model_spec_get_mask:
 *
 * Returns: (transfer none): whether and how a mask is sent
 */
const RpMaskSpec *
rp_model_spec_get_mask (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return &self->mask;
}

/**
 * rp_model_spec_get_modes:
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the modes the operation
 *   has ("stream", "async"), in the order they are tried
 */
const char * const *
rp_model_spec_get_modes (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), NULL);
  return (const char * const *) self->mode_names;
}

/**
 * rp_model_spec_get_response:
 * @mode: (nullable): an active mode (rp_params_get_mode()), or %NULL for none
 *
 * Returns: (transfer none): how to read the reply in @mode; the "default" response when
 *   @mode is %NULL or unknown
 */
const RpResponseSpec *
rp_model_spec_get_response (RpModelSpec *self,
                            const char  *mode)
{
  const char *name = rp_model_spec_get_mode_response (self, mode);
  const RpResponseSpec *r = name ? find_response (self, name) : NULL;

  return r != NULL ? r : find_response (self, "default");
}

/**
 * rp_model_spec_get_select_max_images:
 *
 * Returns: the most images (mask layer included) for which this operation is chosen,
 *   0 for any number
 */
guint
rp_model_spec_get_select_max_images (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), 0);
  return self->select_max_images;
}

/**
 * rp_model_spec_get_select_min_images:
 *
 * Returns: the fewest images for which this operation is chosen
 */
guint
rp_model_spec_get_select_min_images (RpModelSpec *self)
{
  g_return_val_if_fail (RP_IS_MODEL_SPEC (self), 0);
  return self->select_min_images;
}

GPtrArray *
rp_model_spec_get_mode_conditions (RpModelSpec *self,
                                   const char  *mode)
{
  for (guint i = 0; mode != NULL && i < self->modes->len; i++)
    {
      Mode *m = self->modes->pdata[i];

      if (g_str_equal (m->name, mode))
        return m->conditions;
    }
  return NULL;
}

const char *
rp_model_spec_get_mode_response (RpModelSpec *self,
                                 const char  *mode)
{
  for (guint i = 0; mode != NULL && i < self->modes->len; i++)
    {
      Mode *m = self->modes->pdata[i];

      if (g_str_equal (m->name, mode))
        return m->response;
    }
  return NULL;
}

/**
 * rp_image_spec_field_name:
 * @index: the image's position, 0 for the first
 * @count: how many images the request carries
 *
 * Returns: (transfer full): the multipart part name for image @index of @count:
 *   "image" for one image (unless the definition says otherwise), then "image[]", "image",
 *   "image[1]" or "image.1" depending on the style
 */
char *
rp_image_spec_field_name (const RpImageSpec *images,
                          guint              index,
                          guint              count)
{
  g_return_val_if_fail (images != NULL, NULL);

  if (count <= 1 && images->multipart_single_plain)
    return g_strdup (images->multipart_field);
  switch (images->multipart_multi)
    {
    case RP_FIELD_STYLE_BRACKETS:
      return g_strconcat (images->multipart_field, "[]", NULL);
    case RP_FIELD_STYLE_INDEXED:
      return g_strdup_printf ("%s[%u]", images->multipart_field, index);
    case RP_FIELD_STYLE_DOTTED:
      return g_strdup_printf ("%s.%u", images->multipart_field, index);
    case RP_FIELD_STYLE_PLAIN:
    case RP_FIELD_STYLE_REPEAT:
    default:
      return g_strdup (images->multipart_field);
    }
}

/**
 * rp_image_spec_accepts_format:
 *
 * Returns: whether an input image in @format may be uploaded as it is
 */
gboolean
rp_image_spec_accepts_format (const RpImageSpec *images,
                              RpImageFormat      format)
{
  g_return_val_if_fail (images != NULL, FALSE);

  if (images->n_formats == 0)
    return TRUE;
  for (guint i = 0; i < images->n_formats; i++)
    if (images->formats[i] == format)
      return TRUE;
  return FALSE;
}
