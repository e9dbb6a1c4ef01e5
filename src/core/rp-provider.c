/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-provider"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-json-util.h"
#include "rp-model-spec-private.h"
#include "rp-param-labels.h"
#include "rp-provider-config-private.h"
#include "rp-provider-private.h"

#define MAX_ID_CHARS 64

struct _RpProvider
{
  GObject        parent_instance;

  char          *id;
  char          *name;
  char          *base_url;
  char          *api_key_env;
  char          *website;
  char          *source;
  gboolean       builtin;
  RpProviderEngine engine;
  JsonNode      *definition;

  RpAuthSpec     auth;
  char         **headers;          /* name, value, …, NULL */
  RpHttpConfig   http;
  RpRetryPolicy  retry;
  RpErrorConfig  errors;

  GHashTable    *operations;       /* name → JsonNode with "inherits" merged in */
  char         **operation_names;  /* definition order */
  JsonArray     *model_entries;    /* borrowed from definition */
  char          *default_model;
  GListStore    *models;           /* RpModelInfo */

  char          *check_path;       /* a cheap authenticated GET, for "Test Connection" */
  gboolean       check_verifies_key;

  JsonObject    *discovery;        /* borrowed from definition; NULL without discovery */
  GHashTable    *discovered;       /* model id → JsonNode overlay */
  GPtrArray     *discovered_order; /* model ids as the provider listed them */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_BASE_URL,
  PROP_API_KEY_ENV,
  PROP_BUILTIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const overlay_keys[] = {
  "encodings", "images", "mask", "params", "modes", "responses", NULL
};

G_DEFINE_FINAL_TYPE (RpProvider, rp_provider, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-provider-error-quark, rp_provider_error)

static void
rp_provider_finalize (GObject *object)
{
  RpProvider *self = RP_PROVIDER (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->api_key_env, g_free);
  g_clear_pointer (&self->website, g_free);
  g_clear_pointer (&self->check_path, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->definition, json_node_unref);
  rp_auth_spec_clear (&self->auth);
  g_clear_pointer (&self->headers, g_strfreev);
  rp_retry_policy_clear (&self->retry);
  rp_error_config_clear (&self->errors);
  g_clear_pointer (&self->operations, g_hash_table_unref);
  g_clear_pointer (&self->operation_names, g_strfreev);
  g_clear_pointer (&self->default_model, g_free);
  g_clear_object (&self->models);
  g_clear_pointer (&self->discovered, g_hash_table_unref);
  g_clear_pointer (&self->discovered_order, g_ptr_array_unref);

  G_OBJECT_CLASS (rp_provider_parent_class)->finalize (object);
}

static void
rp_provider_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  RpProvider *self = RP_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_API_KEY_ENV:
      g_value_set_string (value, self->api_key_env);
      break;
    case PROP_BUILTIN:
      g_value_set_boolean (value, self->builtin);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_provider_class_init (RpProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_provider_finalize;
  object_class->get_property = rp_provider_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_API_KEY_ENV] =
    g_param_spec_string ("api-key-env", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUILTIN] =
    g_param_spec_boolean ("builtin", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_provider_init (RpProvider *self)
{
  self->operations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_node_unref);
  self->models = g_list_store_new (RP_TYPE_MODEL_INFO);
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

/**
 * rp_provider_validate_base_url:
 * @url: a base URL as a person typed it
 * @error: the reason it is refused, translated
 *
 * Keys travel with every request, so a base URL must use https; plain http is allowed only
 * for this computer (localhost, 127.0.0.1, ::1), where a local relay or test server runs.
 * User names, passwords, queries and fragments are refused.
 *
 * Returns: whether @url may be used
 */
gboolean
rp_provider_validate_base_url (const char  *url,
                               GError     **error)
{
  static const char * const loopback[] = { "localhost", "127.0.0.1", "::1", NULL };
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                           _("The address is empty."));
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || *host == '\0')
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” is not a web address such as https://api.example.com/v1."), url);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                           _("The address must not contain a user name or password; keys are "
                             "stored separately."));
      return FALSE;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” must not contain “?” or “#”."), url);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      for (guint i = 0; loopback[i] != NULL; i++)
        if (g_ascii_strcasecmp (host, loopback[i]) == 0)
          return TRUE;
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INSECURE_URL,
                   _("“%s” does not use https. Only addresses on this computer (localhost, "
                     "127.0.0.1, ::1) may use plain http."),
                   url);
      return FALSE;
    }
  g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
               _("“%s” must start with https://."), url);
  return FALSE;
}

/**
 * rp_provider_validate_id:
 * @id: a provider id
 * @error: the reason it is refused, translated
 *
 * Ids are 1–64 characters of lower-case letters, digits, ".", "_" and "-", starting with a
 * letter or digit; they name cache files and keyring entries.
 *
 * Returns: whether @id has the right form (it may still be reserved or taken)
 */
gboolean
rp_provider_validate_id (const char  *id,
                         GError     **error)
{
  gsize len = id != NULL ? strlen (id) : 0;
  gboolean ok = len > 0 && len <= MAX_ID_CHARS && (g_ascii_islower (id[0]) ||
                                                   g_ascii_isdigit (id[0]));

  for (gsize i = 0; ok && i < len; i++)
    ok = g_ascii_islower (id[i]) || g_ascii_isdigit (id[i]) || strchr ("._-", id[i]) != NULL;
  if (!ok)
    g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                 _("The id “%s” may only hold lower-case letters, digits, “.”, “_” and “-”, and "
                   "must start with a letter or digit."),
                 id != NULL ? id : "");
  return ok;
}

static gboolean
valid_env_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static gboolean
valid_header_name (const char *name)
{
  static const char * const reserved[] = {
    "authorization", "content-type", "content-length", "host", "transfer-encoding", "cookie", NULL
  };

  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("!#$%&'*+-.^_`|~", *p) != NULL))
      return FALSE;
  for (guint i = 0; reserved[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, reserved[i]) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
parse_headers (RpProvider  *self,
               JsonObject  *root,
               GError     **error)
{
  g_autoptr(GStrvBuilder) pairs = g_strv_builder_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *headers = NULL;

  if (!rp_json_read_object (root, NULL, "headers", &headers, error))
    return FALSE;
  if (headers != NULL)
    members = json_object_get_members (headers);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *where = rp_json_path_join ("headers", l->data);
      const char *value = NULL;

      if (!rp_json_read_string (headers, "headers", l->data, &value, error))
        return FALSE;
      if (value == NULL)
        continue;
      if (!valid_header_name (l->data) || strpbrk (value, "\r\n") != NULL)
        {
          set_invalid (error,
                       _("“%s” is not a header Repaint can send (the key goes through “auth”)."),
                       where);
          return FALSE;
        }
      g_strv_builder_add (pairs, l->data);
      g_strv_builder_add (pairs, value);
    }
  self->headers = g_strv_builder_end (pairs);
  return TRUE;
}

/* Built-in definitions may name things with words to translate (the offline fill's
 * "Offline Fill"); brand names and user files stay as written. */
static const char *
display_text (RpProvider *self,
              const char *text)
{
  return self->builtin && text != NULL ? rp_definition_text_label (text) : text;
}

/* "engine": "http" (the default) or "local". A local provider runs on this computer: it has
 * no address, key, transport or model list to read, and only Repaint itself defines one. */
static gboolean
parse_engine (RpProvider  *self,
              JsonObject  *root,
              GError     **error)
{
  static const char * const engines[] = { "http", "local", NULL };
  static const char * const http_keys[] = {
    "base_url", "api_key_env", "website", "auth", "headers", "http", "retry", "errors",
    "discovery", "check", NULL
  };
  int engine = RP_PROVIDER_ENGINE_HTTP;

  if (!rp_json_read_choice (root, NULL, "engine", engines, &engine, error))
    return FALSE;
  self->engine = engine;
  if (engine != RP_PROVIDER_ENGINE_LOCAL)
    return TRUE;
  if (!self->builtin)
    {
      set_invalid (error, _("Only definitions built into Repaint may run on this computer "
                            "(“engine”: “local”)."));
      return FALSE;
    }
  return rp_json_refuse_for_local (root, NULL, http_keys, error);
}

static gboolean
parse_identity (RpProvider  *self,
                JsonObject  *root,
                GError     **error)
{
  const char *schema = NULL, *id = NULL, *name = NULL, *base_url = NULL, *env = NULL;
  const char *website = NULL;
  g_autofree char *trimmed = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!rp_json_read_string (root, NULL, "schema", &schema, error) ||
      !rp_json_require (root, NULL, "id", error) ||
      !rp_json_read_string (root, NULL, "id", &id, error) ||
      !rp_json_require (root, NULL, "name", error) ||
      !rp_json_read_string (root, NULL, "name", &name, error))
    return FALSE;
  if (schema != NULL && !g_str_equal (schema, RP_PROVIDER_SCHEMA))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“schema” is “%s”; this version of Repaint reads “%s”."), schema,
                   RP_PROVIDER_SCHEMA);
      return FALSE;
    }
  if (!rp_provider_validate_id (id, error))
    return FALSE;
  if (*g_strstrip (trimmed = g_strdup (name)) == '\0')
    {
      set_invalid (error, _("“%s” must not be empty."), "name");
      return FALSE;
    }
  self->id = g_strdup (id);
  self->name = g_strdup (display_text (self, trimmed));
  if (self->engine == RP_PROVIDER_ENGINE_LOCAL)
    return TRUE;

  if (!rp_json_require (root, NULL, "base_url", error) ||
      !rp_json_read_string (root, NULL, "base_url", &base_url, error) ||
      !rp_json_require (root, NULL, "api_key_env", error) ||
      !rp_json_read_string (root, NULL, "api_key_env", &env, error) ||
      !rp_json_read_string (root, NULL, "website", &website, error))
    return FALSE;
  if (!rp_provider_validate_base_url (base_url, &local_error))
    {
      g_set_error (error, RP_PROVIDER_ERROR, local_error->code,
                   /* Translators: "base_url": <the reason> */
                   _("“%s”: %s"), "base_url", local_error->message);
      return FALSE;
    }
  if (!valid_env_name (env))
    {
      set_invalid (error, _("“%s” must be an environment variable name such as MY_RELAY_API_KEY."),
                   "api_key_env");
      return FALSE;
    }
  if (website != NULL && !g_str_has_prefix (website, "https://"))
    {
      set_invalid (error, _("“%s” must start with https://."), "website");
      return FALSE;
    }
  /* Paths start with "/", so a trailing slash would double it. */
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->api_key_env = g_strdup (env);
  self->website = g_strdup (website);
  return TRUE;
}

/* "check": { "method": "GET", "path": "/models", "verifies_key": true } */
static gboolean
parse_check (RpProvider  *self,
             JsonObject  *root,
             GError     **error)
{
  static const char * const keys[] = { "method", "path", "verifies_key", "note", NULL };
  static const char * const methods[] = { "GET", NULL };
  JsonObject *check = NULL;
  const char *path = NULL;
  int method = 0;
  gboolean verifies_key = TRUE;

  if (!rp_json_read_object (root, NULL, "check", &check, error))
    return FALSE;
  if (check == NULL)
    return TRUE;
  if (!rp_json_check_members (check, "check", keys, error) ||
      !rp_json_read_choice (check, "check", "method", methods, &method, error) ||
      !rp_json_require (check, "check", "path", error) ||
      !rp_json_read_string (check, "check", "path", &path, error) ||
      !rp_json_read_bool (check, "check", "verifies_key", &verifies_key, error))
    return FALSE;
  if (path[0] != '/' || strstr (path, "://") != NULL)
    {
      set_invalid (error, _("“%s” must be a path starting with /."), "check.path");
      return FALSE;
    }
  self->check_path = g_strdup (path);
  self->check_verifies_key = verifies_key;
  return TRUE;
}

static gboolean
valid_operation_name (const char *name)
{
  if (!g_ascii_islower (name[0]))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static JsonNode *
flatten_operation (JsonObject  *operations,
                   const char  *name,
                   GPtrArray   *visiting,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (operations, name);
  g_autofree char *where = rp_json_path_join ("operations", name);
  g_autoptr(JsonNode) parent = NULL;
  JsonNode *merged;
  const char *inherits = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, _("“%s” must be an object."), where);
      return NULL;
    }
  if (!rp_json_read_string (json_node_get_object (node), where, "inherits", &inherits, error))
    return NULL;
  if (inherits == NULL)
    return rp_json_deep_copy (node);
  for (guint i = 0; i < visiting->len; i++)
    if (g_str_equal (visiting->pdata[i], inherits))
      {
        g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_CYCLE,
                     _("The operations inherit from each other in a loop (“%s”)."), inherits);
        return NULL;
      }
  if (!json_object_has_member (operations, inherits))
    {
      g_autofree char *ipath = rp_json_path_join (where, "inherits");

      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” names “%s”, which is not an operation."), ipath, inherits);
      return NULL;
    }
  g_ptr_array_add (visiting, (char *) inherits);
  parent = flatten_operation (operations, inherits, visiting, error);
  g_ptr_array_remove_index (visiting, visiting->len - 1);
  if (parent == NULL)
    return NULL;
  merged = rp_json_merge (parent, node, NULL);
  json_object_remove_member (json_node_get_object (merged), "inherits");
  return merged;
}

static gboolean
parse_operations (RpProvider  *self,
                  JsonObject  *root,
                  GError     **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GList) members = NULL;
  JsonObject *operations = NULL;

  if (!rp_json_require (root, NULL, "operations", error) ||
      !rp_json_read_object (root, NULL, "operations", &operations, error))
    return FALSE;
  members = json_object_get_members (operations);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autoptr(GPtrArray) visiting = g_ptr_array_new ();
      JsonNode *flat;

      if (JSON_NODE_HOLDS_NULL (json_object_get_member (operations, l->data)))
        continue;
      if (!valid_operation_name (l->data))
        {
          g_autofree char *where = rp_json_path_join ("operations", l->data);

          set_invalid (error, _("“%s”: operation names are lower-case letters, digits and “_”."),
                       where);
          return FALSE;
        }
      g_ptr_array_add (visiting, l->data);
      flat = flatten_operation (operations, l->data, visiting, error);
      if (flat == NULL)
        return FALSE;
      g_hash_table_insert (self->operations, g_strdup (l->data), flat);
      g_strv_builder_add (names, l->data);
    }
  self->operation_names = g_strv_builder_end (names);
  if (self->operation_names[0] == NULL)
    {
      set_invalid (error, _("“%s” must define at least one operation."), "operations");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_model_entry (RpProvider  *self,
                   JsonObject  *entry,
                   const char  *path,
                   GError     **error)
{
  static const char * const keys[] = {
    "id", "match", "name", "operations", "encodings", "images", "mask", "params",
    "modes", "responses", "pricing", "note", NULL
  };
  const char *id = NULL, *match = NULL, *name = NULL;
  g_auto(GStrv) operations = NULL;

  if (!rp_json_check_members (entry, path, keys, error) ||
      !rp_json_read_string (entry, path, "id", &id, error) ||
      !rp_json_read_string (entry, path, "match", &match, error) ||
      !rp_json_read_string (entry, path, "name", &name, error) ||
      !rp_json_read_strv (entry, path, "operations", &operations, error))
    return FALSE;
  for (guint i = 0; overlay_keys[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (entry, overlay_keys[i]);
      gboolean is_list = g_str_equal (overlay_keys[i], "encodings");

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          (is_list ? !JSON_NODE_HOLDS_ARRAY (node) : !JSON_NODE_HOLDS_OBJECT (node)))
        {
          g_autofree char *where = rp_json_path_join (path, overlay_keys[i]);

          set_invalid (error, is_list ? _("“%s” must be a list.") : _("“%s” must be an object."),
                       where);
          return FALSE;
        }
    }
  if ((id == NULL) == (match == NULL) || (id != NULL && *id == '\0') || (match != NULL &&
                                                                         *match == '\0'))
    {
      set_invalid (error, _("“%s” needs either an “id” or a “match” pattern."), path);
      return FALSE;
    }
  for (guint i = 0; operations != NULL && operations[i] != NULL; i++)
    if (!g_hash_table_contains (self->operations, operations[i]))
      {
        g_autofree char *where = rp_json_path_join (path, "operations");

        g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                     _("“%s” names “%s”, which is not an operation."), where, operations[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_models (RpProvider  *self,
              JsonObject  *root,
              GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *entries = NULL;
  const char *default_model = NULL;

  if (!rp_json_read_array (root, NULL, "models", &entries, error) ||
      !rp_json_read_string (root, NULL, "default_model", &default_model, error))
    return FALSE;
  self->model_entries = entries;
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      g_autofree char *where = rp_json_path_index ("models", i);
      g_autoptr(RpModelInfo) info = NULL;
      JsonObject *entry;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          set_invalid (error, _("“%s” must be an object."), where);
          return FALSE;
        }
      entry = json_node_get_object (node);
      if (!check_model_entry (self, entry, where, error))
        return FALSE;
      if (!rp_json_has (entry, "id"))
        continue;
      id = json_object_get_string_member (entry, "id");
      if (!g_hash_table_add (seen, (char *) id))
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("The model “%s” is listed twice."), id);
          return FALSE;
        }
      info = rp_model_info_new (id, rp_json_has (entry, "name")
                                      ? display_text (self, json_object_get_string_member (entry, "name"))
                                      : NULL,
                                FALSE, NULL);
      g_list_store_append (self->models, info);
    }
  if (default_model != NULL && !g_hash_table_contains (seen, default_model))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“default_model” is “%s”, which is not in “models”."), default_model);
      return FALSE;
    }
  if (g_hash_table_size (seen) == 0 && self->discovery == NULL)
    {
      set_invalid (error, _("“%s” must list at least one model with an “id”."), "models");
      return FALSE;
    }
  self->default_model = g_strdup (default_model);
  return TRUE;
}

/* A discovery map value: "dotted.path", {"value": …}, {"first": [expr, …]},
 * {"if": "dotted.path", "then": …, "else": …}. */
static gboolean
check_map_expression (JsonNode    *expr,
                      const char  *path,
                      GError     **error)
{
  static const char * const keys[] = { "value", "first", "if", "then", "else", NULL };
  JsonObject *object;
  JsonArray *first = NULL;
  const char *condition = NULL;

  if (JSON_NODE_HOLDS_VALUE (expr) && json_node_get_value_type (expr) == G_TYPE_STRING)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (expr))
    {
      set_invalid (error, _("“%s” must be a path or an expression object."), path);
      return FALSE;
    }
  object = json_node_get_object (expr);
  if (!rp_json_check_members (object, path, keys, error) ||
      !rp_json_read_array (object, path, "first", &first, error) ||
      !rp_json_read_string (object, path, "if", &condition, error))
    return FALSE;
  if ((json_object_has_member (object,
                               "value") ? 1 : 0) + (first ? 1 : 0) + (condition ? 1 : 0) != 1)
    {
      set_invalid (error, _("“%s” needs exactly one of “value”, “first” and “if”."), path);
      return FALSE;
    }
  for (guint i = 0; first != NULL && i < json_array_get_length (first); i++)
    {
      g_autofree char *ipath = rp_json_path_index (path, i);

      if (!check_map_expression (json_array_get_element (first, i), ipath, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_discovery (RpProvider  *self,
                 JsonObject  *root,
                 GError     **error)
{
  static const char * const keys[] = {
    "path", "query", "auth", "list", "id", "filter", "map", "note", NULL
  };
  static const char * const auths[] = { "none", "optional", "required", NULL };
  static const char * const targets[] = {
    "name", "images", "mask", "params", "pricing", NULL
  };
  JsonObject *discovery = NULL, *query = NULL, *filter = NULL, *map = NULL;
  const char *path = NULL, *list = "data", *id = "id";
  g_autoptr(GList) members = NULL;
  int auth = RP_DISCOVERY_AUTH_NONE;

  if (!rp_json_read_object (root, NULL, "discovery", &discovery, error))
    return FALSE;
  if (discovery == NULL)
    return TRUE;
  if (!rp_json_check_members (discovery, "discovery", keys, error) ||
      !rp_json_require (discovery, "discovery", "path", error) ||
      !rp_json_read_string (discovery, "discovery", "path", &path, error) ||
      !rp_json_read_object (discovery, "discovery", "query", &query, error) ||
      !rp_json_read_choice (discovery, "discovery", "auth", auths, &auth, error) ||
      !rp_json_read_string (discovery, "discovery", "list", &list, error) ||
      !rp_json_read_string (discovery, "discovery", "id", &id, error) ||
      !rp_json_read_object (discovery, "discovery", "filter", &filter, error) ||
      !rp_json_require (discovery, "discovery", "map", error) ||
      !rp_json_read_object (discovery, "discovery", "map", &map, error))
    return FALSE;
  if (path[0] != '/' || strstr (path, "..") != NULL || strpbrk (path, "?#") != NULL)
    {
      set_invalid (error, _("“%s” must be a path starting with “/”."), "discovery.path");
      return FALSE;
    }
  if (query != NULL)
    {
      members = json_object_get_members (query);
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *value = NULL;

          if (!rp_json_read_string (query, "discovery.query", l->data, &value, error))
            return FALSE;
        }
      g_clear_pointer (&members, g_list_free);
    }
  members = json_object_get_members (map);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *where = rp_json_path_join ("discovery.map", l->data);
      g_auto(GStrv) parts = g_strsplit (l->data, ".", -1);

      if (!g_strv_contains (targets, parts[0]) ||
          (g_str_equal (parts[0], "params") && g_strv_length (parts) < 3))
        {
          set_invalid (error, _("“%s” maps to a key a model entry does not have."), where);
          return FALSE;
        }
      if (!check_map_expression (json_object_get_member (map, l->data), where, error))
        return FALSE;
    }
  self->discovery = discovery;
  return TRUE;
}

static gboolean
parse_transport (RpProvider  *self,
                 JsonObject  *root,
                 GError     **error)
{
  JsonObject *auth = NULL, *http = NULL, *retry = NULL, *errors = NULL;

  if (!rp_json_read_object (root, NULL, "auth", &auth, error) ||
      !rp_json_read_object (root, NULL, "http", &http, error) ||
      !rp_json_read_object (root, NULL, "retry", &retry, error) ||
      !rp_json_read_object (root, NULL, "errors", &errors, error) ||
      !rp_auth_spec_parse (&self->auth, auth, "auth", error) ||
      !rp_http_config_parse (&self->http, http, "http", error) ||
      !rp_retry_policy_parse (&self->retry, retry, "retry", error) ||
      !rp_error_config_parse (&self->errors, errors, "errors", error) ||
      !parse_headers (self, root, error))
    return FALSE;
  /* Nothing to authenticate: the service asks for no key. */
  if (self->engine == RP_PROVIDER_ENGINE_LOCAL)
    self->auth.location = RP_AUTH_NONE;
  return TRUE;
}

static RpModelSpecFlags
spec_flags (RpProvider *self)
{
  return self->engine == RP_PROVIDER_ENGINE_LOCAL ? RP_MODEL_SPEC_LOCAL : RP_MODEL_SPEC_NONE;
}

/* Model entries that apply to @model_id, weakest first: "match" patterns in file order, then
 * the entry with the exact id, then what the provider's model list said. */
static GPtrArray *
collect_overlays (RpProvider *self,
                  const char *model_id,
                  JsonObject *discovered)
{
  GPtrArray *overlays = g_ptr_array_new ();
  JsonObject *exact = NULL;

  for (guint i = 0; self->model_entries != NULL &&
       i < json_array_get_length (self->model_entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (self->model_entries, i);

      if (rp_json_has (entry, "match"))
        {
          if (rp_json_glob_match (json_object_get_string_member (entry, "match"), model_id))
            g_ptr_array_add (overlays, entry);
        }
      else if (g_str_equal (json_object_get_string_member (entry, "id"), model_id))
        exact = entry;
    }
  if (exact != NULL)
    g_ptr_array_add (overlays, exact);
  if (discovered != NULL)
    g_ptr_array_add (overlays, discovered);
  return overlays;
}

static JsonObject *
discovered_overlay (RpProvider *self,
                    const char *model_id)
{
  JsonNode *node = self->discovered ? g_hash_table_lookup (self->discovered, model_id) : NULL;

  return node != NULL ? json_node_get_object (node) : NULL;
}

static char **
allowed_operations (RpProvider *self,
                    GPtrArray  *overlays)
{
  for (guint i = overlays->len; i > 0; i--)
    {
      JsonObject *overlay = overlays->pdata[i - 1];
      JsonNode *node = json_object_get_member (overlay, "operations");

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

          /* Keep definition order, whatever order the entry lists them in. */
          for (guint j = 0; self->operation_names[j] != NULL; j++)
            for (guint k = 0; k < json_array_get_length (json_node_get_array (node)); k++)
              if (g_strcmp0 (json_array_get_string_element (json_node_get_array (node), k),
                             self->operation_names[j]) == 0)
                g_strv_builder_add (builder, self->operation_names[j]);
          return g_strv_builder_end (builder);
        }
    }
  return g_strdupv (self->operation_names);
}

/* Drops parameters set to false or restricted by "models" to other models. */
static char **
prune_params (JsonObject *op,
              const char *model_id)
{
  g_autoptr(GStrvBuilder) removed = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (op, "params");
  g_autoptr(GList) members = NULL;
  JsonObject *params;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strv_builder_end (removed);
  params = json_node_get_object (node);
  members = json_object_get_members (params);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *param = json_object_get_member (params, l->data);
      gboolean drop = FALSE;

      if (JSON_NODE_HOLDS_VALUE (param) && json_node_get_value_type (param) == G_TYPE_BOOLEAN &&
          !json_node_get_boolean (param))
        drop = TRUE;
      else if (JSON_NODE_HOLDS_OBJECT (param) && model_id != NULL)
        {
          JsonNode *models = json_object_get_member (json_node_get_object (param), "models");

          if (models != NULL && JSON_NODE_HOLDS_ARRAY (models))
            {
              JsonArray *globs = json_node_get_array (models);

              drop = TRUE;
              for (guint i = 0; drop && i < json_array_get_length (globs); i++)
                {
                  JsonNode *glob = json_array_get_element (globs, i);

                  if (JSON_NODE_HOLDS_VALUE (glob) &&
                      json_node_get_value_type (glob) == G_TYPE_STRING &&
                      rp_json_glob_match (json_node_get_string (glob), model_id))
                    drop = FALSE;
                }
            }
        }
      if (drop)
        {
          g_strv_builder_add (removed, l->data);
          json_object_remove_member (params, l->data);
        }
    }
  return g_strv_builder_end (removed);
}

static RpModelSpec *
build_spec (RpProvider  *self,
            const char  *model_id,
            const char  *operation,
            JsonObject  *discovered,
            GError     **error)
{
  g_autoptr(GPtrArray) overlays = collect_overlays (self, model_id, discovered);
  g_auto(GStrv) allowed = allowed_operations (self, overlays);
  g_auto(GStrv) removed = NULL;
  g_autofree char *path = rp_json_path_join ("operations", operation);
  g_autoptr(JsonNode) merged = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *display_name = NULL;
  JsonNode *base = g_hash_table_lookup (self->operations, operation);
  JsonObject *op;
  RpModelSpec *spec;

  if (base == NULL || !g_strv_contains ((const char * const *) allowed, operation))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_NO_OPERATION,
                   _("The model “%s” of %s has no operation “%s”."), model_id, self->name,
                   operation);
      return NULL;
    }
  merged = rp_json_deep_copy (base);
  op = json_node_get_object (merged);
  for (guint i = 0; i < overlays->len; i++)
    {
      JsonObject *overlay = overlays->pdata[i];

      if (rp_json_has (overlay, "name") &&
          json_node_get_value_type (json_object_get_member (overlay, "name")) == G_TYPE_STRING)
        display_name = display_text (self, json_object_get_string_member (overlay, "name"));
      for (guint k = 0; overlay_keys[k] != NULL; k++)
        {
          JsonNode *over = json_object_get_member (overlay, overlay_keys[k]);
          JsonNode *combined;

          if (over == NULL)
            continue;
          if (JSON_NODE_HOLDS_NULL (over))
            {
              if (json_object_has_member (op, overlay_keys[k]))
                json_object_remove_member (op, overlay_keys[k]);
              continue;
            }
          combined = rp_json_merge (json_object_get_member (op, overlay_keys[k]), over, NULL);
          json_object_set_member (op, overlay_keys[k], combined);
        }
    }
  removed = prune_params (op, model_id);
  spec = rp_model_spec_new_from_json (model_id, display_name, operation, op, removed, path,
                                      spec_flags (self), &local_error);
  if (spec == NULL)
    {
      g_set_error (error, RP_PROVIDER_ERROR, local_error->code,
                   /* Translators: Model “gpt-image-2”: <what is wrong> */
                   _("Model “%s”: %s"), model_id, local_error->message);
      return NULL;
    }
  return spec;
}

static gboolean
validate_models (RpProvider  *self,
                 GError     **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->models));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpModelInfo) info = g_list_model_get_item (G_LIST_MODEL (self->models), i);
      g_auto(GStrv) operations = rp_provider_dup_operations (self, rp_model_info_get_id (info));

      if (operations[0] == NULL)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("The model “%s” allows no operation."), rp_model_info_get_id (info));
          return FALSE;
        }
      for (guint k = 0; operations[k] != NULL; k++)
        {
          g_autoptr(RpModelSpec) spec = build_spec (self, rp_model_info_get_id (info),
                                                    operations[k], NULL, error);

          if (spec == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

/**
 * rp_provider_new_from_json:
 * @definition: a complete definition: "extends" already resolved (#RpProviderRegistry does
 *   that), every key in the format described in docs/provider-format.md
 * @source: (nullable): where it came from, a file path or resource path, for messages
 * @builtin: whether it ships with Repaint
 * @error: what is wrong, translated, naming the key
 *
 * Checks the whole definition, including every listed model resolved for every operation
 * it allows, so that a provider that loads never fails later for a model it lists.
 *
 * Returns: (transfer full) (nullable): the provider, or %NULL with @error set
 */
RpProvider *
rp_provider_new_from_json (JsonObject  *definition,
                           const char  *source,
                           gboolean     builtin,
                           GError     **error)
{
  static const char * const keys[] = {
    "schema", "id", "name", "engine", "base_url", "api_key_env", "website", "auth", "headers",
    "http", "retry", "errors", "discovery", "default_model", "operations", "models", "check",
    "note", NULL
  };
  g_autoptr(RpProvider) self = NULL;
  JsonObject *root;

  g_return_val_if_fail (definition != NULL, NULL);

  self = g_object_new (RP_TYPE_PROVIDER, NULL);
  self->definition = json_node_init_object (json_node_alloc (), definition);
  root = json_node_get_object (self->definition);
  self->source = g_strdup (source);
  self->builtin = builtin;

  if (!rp_json_check_members (root, NULL, keys, error) ||
      !parse_engine (self, root, error) ||
      !parse_identity (self, root, error) ||
      !parse_transport (self, root, error) ||
      !parse_operations (self, root, error) ||
      !parse_discovery (self, root, error) ||
      !parse_check (self, root, error) ||
      !parse_models (self, root, error))
    return NULL;

  /* Every operation must stand on its own before any model changes it. */
  for (guint i = 0; self->operation_names[i] != NULL; i++)
    {
      g_autoptr(JsonNode) copy = rp_json_deep_copy (g_hash_table_lookup (self->operations,
                                                                      self->operation_names[i]));
      g_autofree char *path = rp_json_path_join ("operations", self->operation_names[i]);
      g_auto(GStrv) removed = prune_params (json_node_get_object (copy), NULL);
      g_autoptr(RpModelSpec) spec = rp_model_spec_new_from_json ("", NULL, self->operation_names[i],
                                                                 json_node_get_object (copy),
                                                                 removed, path, spec_flags (self),
                                                                 error);

      if (spec == NULL)
        return NULL;
    }
  if (!validate_models (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * rp_provider_get_id:
 *
 * Returns: (transfer none): the unique id, e.g. "openai"
 */
const char *
rp_provider_get_id (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return self->id;
}

/**
 * rp_provider_get_engine:
 *
 * Returns: what carries out the provider's edits
 */
RpProviderEngine
rp_provider_get_engine (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), RP_PROVIDER_ENGINE_HTTP);
  return self->engine;
}

/**
 * rp_provider_is_local:
 *
 * Returns: whether edits run on this computer (no key, no network, no base URL)
 */
gboolean
rp_provider_is_local (RpProvider *self)
{
  return rp_provider_get_engine (self) == RP_PROVIDER_ENGINE_LOCAL;
}

/**
 * rp_provider_get_name:
 *
 * Returns: (transfer none): the name to show: a brand name as written, or for the offline
 *   fill its translated name
 */
const char *
rp_provider_get_name (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return self->name;
}

/**
 * rp_provider_get_base_url:
 *
 * Returns: (transfer none) (nullable): the base URL without a trailing slash; https, or http
 *   on loopback; %NULL for a provider that runs on this computer
 */
const char *
rp_provider_get_base_url (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return self->base_url;
}

/**
 * rp_provider_get_api_key_env:
 *
 * Returns: (transfer none) (nullable): the environment variable that may hold the key, used
 *   when the keyring has none; %NULL for a provider that runs on this computer
 */
const char *
rp_provider_get_api_key_env (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return self->api_key_env;
}

/**
 * rp_provider_get_website:
 *
 * Returns: (transfer none) (nullable): an https page where a person gets a key
 */
const char *
rp_provider_get_website (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return self->website;
}

/**
 * rp_provider_get_source:
 *
 * Returns: (transfer none) (nullable): the file (or resource path) the definition came from
 */
const char *
rp_provider_get_source (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return self->source;
}

/**
 * rp_provider_get_builtin:
 *
 * Returns: whether the definition ships with Repaint (a user file may still override it)
 */
gboolean
rp_provider_get_builtin (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), FALSE);
  return self->builtin;
}

/**
 * rp_provider_get_definition:
 *
 * Returns: (transfer none): the complete definition with "extends" resolved, for technical
 *   details; do not modify it
 */
JsonObject *
rp_provider_get_definition (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return json_node_get_object (self->definition);
}

/**
 * rp_provider_build_url:
 * @path: an operation or discovery path starting with "/"
 *
 * Returns: (transfer full): the base URL followed by @path
 */
char *
rp_provider_build_url (RpProvider *self,
                       const char *path)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);
  g_return_val_if_fail (self->base_url != NULL, NULL);
  return g_strconcat (self->base_url, path, NULL);
}

/**
 * rp_provider_get_auth:
 *
 * Returns: (transfer none): where and how the key is sent
 */
const RpAuthSpec *
rp_provider_get_auth (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return &self->auth;
}

/**
 * rp_provider_get_headers:
 *
 * Returns: (transfer none) (array zero-terminated=1): extra request headers as name, value,
 *   name, value, …
 */
const char * const *
rp_provider_get_headers (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return (const char * const *) self->headers;
}

/**
 * rp_provider_get_http_config:
 *
 * Returns: (transfer none): timeouts and size limits
 */
const RpHttpConfig *
rp_provider_get_http_config (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return &self->http;
}

/**
 * rp_provider_get_retry_policy:
 *
 * Returns: (transfer none): which failures may be retried and how long to wait
 */
const RpRetryPolicy *
rp_provider_get_retry_policy (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return &self->retry;
}

/**
 * rp_provider_get_error_config:
 *
 * Returns: (transfer none): where error details sit in a reply and how to classify them
 */
const RpErrorConfig *
rp_provider_get_error_config (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return &self->errors;
}

/**
 * rp_provider_get_models:
 *
 * The models to offer: the definition's list, or, once the provider's own model list has
 * been read (rp_provider_registry_discover_async()), that list. Items change then.
 *
 * Returns: (transfer none): a list model of #RpModelInfo
 */
GListModel *
rp_provider_get_models (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  return G_LIST_MODEL (self->models);
}

/**
 * rp_provider_lookup_model:
 * @model_id: a model id
 *
 * Returns: (transfer none) (nullable): the listed model, or %NULL if not offered
 */
RpModelInfo *
rp_provider_lookup_model (RpProvider *self,
                          const char *model_id)
{
  guint n;

  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->models));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpModelInfo) info = g_list_model_get_item (G_LIST_MODEL (self->models), i);

      if (g_str_equal (rp_model_info_get_id (info), model_id))
        return info;  /* the store keeps its reference */
    }
  return NULL;
}

/**
 * rp_provider_get_default_model:
 *
 * Returns: (transfer none) (nullable): the model to pre-select: the definition's
 *   "default_model" when offered, else the first offered model
 */
const char *
rp_provider_get_default_model (RpProvider *self)
{
  g_autoptr(RpModelInfo) first = NULL;

  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);

  if (self->default_model != NULL && rp_provider_lookup_model (self, self->default_model) != NULL)
    return self->default_model;
  first = g_list_model_get_item (G_LIST_MODEL (self->models), 0);
  return first != NULL ? rp_model_info_get_id (first) : NULL;
}

/**
 * rp_provider_has_discovery:
 *
 * Returns: whether the provider publishes a model list Repaint reads
 */
gboolean
rp_provider_has_discovery (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), FALSE);
  return self->discovery != NULL;
}

/**
 * rp_provider_get_models_discovered:
 *
 * Returns: whether rp_provider_get_models() currently holds the provider's own list (fresh
 *   or cached) rather than the built-in one
 */
gboolean
rp_provider_get_models_discovered (RpProvider *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), FALSE);
  return self->discovered != NULL;
}

/**
 * rp_provider_dup_operations:
 * @model_id: a model id
 *
 * Returns: (transfer full): the operations @model_id may use, in the order they are tried
 */
char **
rp_provider_dup_operations (RpProvider *self,
                            const char *model_id)
{
  g_autoptr(GPtrArray) overlays = NULL;

  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  overlays = collect_overlays (self, model_id, discovered_overlay (self, model_id));
  return allowed_operations (self, overlays);
}

/**
 * rp_provider_resolve:
 * @model_id: a model id; one the provider does not list resolves through its "match"
 *   patterns and the operation defaults
 * @operation: (nullable): an operation name, or %NULL for the first the model allows
 * @error: %RP_PROVIDER_ERROR_NO_OPERATION when the model lacks @operation
 *
 * Merges the operation's defaults, the model entries that apply and what discovery said.
 *
 * Returns: (transfer full) (nullable): the merged, immutable spec
 */
RpModelSpec *
rp_provider_resolve (RpProvider  *self,
                     const char  *model_id,
                     const char  *operation,
                     GError     **error)
{
  g_auto(GStrv) allowed = NULL;

  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  if (operation == NULL)
    {
      allowed = rp_provider_dup_operations (self, model_id);
      if (allowed[0] == NULL)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_NO_OPERATION,
                       _("The model “%s” allows no operation."), model_id);
          return NULL;
        }
      operation = allowed[0];
    }
  return build_spec (self, model_id, operation, discovered_overlay (self, model_id), error);
}

/**
 * rp_provider_select_operation:
 * @model_id: a model id
 * @n_images: the number of input images, the photo first, references after it
 * @has_mask: whether a mask goes with the first image
 * @error: %RP_PROVIDER_ERROR_NO_OPERATION, translated, when none fits
 *
 * The operation depends on the inputs: Venice edits one image without a mask on
 * /image/edit, and anything with a mask or references on /image/multi-edit. The first
 * operation (in definition order) the model allows whose "select" limits hold and that can
 * take the mask wins. Image limits are checked later, by rp_params_validate().
 *
 * Returns: (transfer none) (nullable): the operation name
 */
const char *
rp_provider_select_operation (RpProvider  *self,
                              const char  *model_id,
                              guint        n_images,
                              gboolean     has_mask,
                              GError     **error)
{
  g_auto(GStrv) allowed = NULL;
  gboolean any_mask = FALSE;

  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (model_id != NULL, NULL);

  allowed = rp_provider_dup_operations (self, model_id);
  for (guint i = 0; allowed[i] != NULL; i++)
    {
      g_autoptr(RpModelSpec) spec = rp_provider_resolve (self, model_id, allowed[i], error);
      guint max, min;

      if (spec == NULL)
        return NULL;
      if (rp_model_spec_get_mask (spec)->support != RP_MASK_SUPPORT_NONE)
        any_mask = TRUE;
      else if (has_mask)
        continue;
      max = rp_model_spec_get_select_max_images (spec);
      min = rp_model_spec_get_select_min_images (spec);
      if ((max > 0 && n_images > max) || n_images < min)
        continue;
      {
        gpointer key = NULL;

        /* Hand out the table's copy of the name: it lives as long as the provider. */
        g_hash_table_lookup_extended (self->operations, allowed[i], &key, NULL);
        return key;
      }
    }
  if (has_mask && !any_mask)
    g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_NO_OPERATION,
                 _("%s cannot use a mask with “%s”. Clear the mask to edit the whole image, or "
                   "pick another model."),
                 self->name, model_id);
  else
    g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_NO_OPERATION,
                 g_dngettext (GETTEXT_PACKAGE, "%s cannot edit %u image at once with “%s”.",
                              "%s cannot edit %u images at once with “%s”.", n_images),
                 self->name, n_images, model_id);
  return NULL;
}

/**
 * rp_provider_resolve_for_inputs:
 * @model_id: a model id
 * @n_images: the number of input images
 * @has_mask: whether a mask goes with the first image
 * @error: why no operation fits, translated
 *
 * rp_provider_select_operation() followed by rp_provider_resolve().
 *
 * Returns: (transfer full) (nullable): the spec of the operation these inputs use
 */
RpModelSpec *
rp_provider_resolve_for_inputs (RpProvider  *self,
                                const char  *model_id,
                                guint        n_images,
                                gboolean     has_mask,
                                GError     **error)
{
  const char *operation = rp_provider_select_operation (self, model_id, n_images, has_mask, error);

  return operation != NULL ? rp_provider_resolve (self, model_id, operation, error) : NULL;
}

/* ---- discovery ---------------------------------------------------------------------- */

char *
rp_provider_build_discovery_url (RpProvider      *self,
                                 RpDiscoveryAuth *auth)
{
  JsonObject *query = NULL;
  g_autoptr(GString) url = NULL;
  g_autoptr(GList) members = NULL;
  const char *sep = "?";
  int mode = RP_DISCOVERY_AUTH_NONE;
  static const char * const auths[] = { "none", "optional", "required", NULL };

  if (self->discovery == NULL)
    return NULL;
  url = g_string_new (self->base_url);
  g_string_append (url, json_object_get_string_member (self->discovery, "path"));
  rp_json_read_object (self->discovery, "discovery", "query", &query, NULL);
  if (query != NULL)
    members = json_object_get_members (query);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *value = NULL;
      g_autofree char *k = NULL, *v = NULL;

      if (!rp_json_read_string (query, "discovery.query", l->data, &value, NULL) || value == NULL)
        continue;
      k = g_uri_escape_string (l->data, NULL, FALSE);
      v = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (url, "%s%s=%s", sep, k, v);
      sep = "&";
    }
  rp_json_read_choice (self->discovery, "discovery", "auth", auths, &mode, NULL);
  if (auth != NULL)
    *auth = mode;
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static gboolean
truthy (JsonNode *node)
{
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) > 0;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (type == G_TYPE_STRING)
    return *json_node_get_string (node) != '\0';
  return json_node_get_double (node) != 0;
}

/* then/else hold literals unless they are expression objects. */
static JsonNode *
evaluate (JsonNode *item,
          JsonNode *expr,
          gboolean  string_is_path)
{
  JsonObject *object;

  if (JSON_NODE_HOLDS_VALUE (expr) && json_node_get_value_type (expr) == G_TYPE_STRING &&
      string_is_path)
    {
      JsonNode *found = rp_json_lookup (item, json_node_get_string (expr));

      return found != NULL ? json_node_copy (found) : NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (expr))
    return json_node_copy (expr);
  object = json_node_get_object (expr);
  if (json_object_has_member (object, "value"))
    return json_node_copy (json_object_get_member (object, "value"));
  if (json_object_has_member (object, "first"))
    {
      JsonArray *list = json_object_get_array_member (object, "first");

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *value = evaluate (item, json_array_get_element (list, i), TRUE);

          if (value != NULL)
            return value;
        }
      return NULL;
    }
  if (truthy (rp_json_lookup (item, json_object_get_string_member (object, "if"))))
    return json_object_has_member (object, "then")
             ? evaluate (item, json_object_get_member (object, "then"), FALSE) : NULL;
  return json_object_has_member (object, "else")
           ? evaluate (item, json_object_get_member (object, "else"), FALSE) : NULL;
}

static void
set_dotted (JsonObject *root,
            const char *dotted,
            JsonNode   *value)
{
  g_auto(GStrv) parts = g_strsplit (dotted, ".", -1);
  JsonObject *object = root;
  guint n = g_strv_length (parts);

  for (guint i = 0; i + 1 < n; i++)
    {
      JsonNode *child = json_object_get_member (object, parts[i]);

      if (child == NULL || !JSON_NODE_HOLDS_OBJECT (child))
        {
          json_object_set_object_member (object, parts[i], json_object_new ());
          child = json_object_get_member (object, parts[i]);
        }
      object = json_node_get_object (child);
    }
  json_object_set_member (object, parts[n - 1], value);
}

static gboolean
matches_filter (JsonNode   *item,
                JsonObject *filter)
{
  g_autoptr(GList) members = filter != NULL ? json_object_get_members (filter) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *want = json_object_get_member (filter, l->data);
      JsonNode *have = rp_json_lookup (item, l->data);

      if (have == NULL || !json_node_equal (want, have))
        return FALSE;
    }
  return TRUE;
}

static JsonNode *
map_item (RpProvider *self,
          JsonNode   *item)
{
  JsonObject *map = json_object_get_object_member (self->discovery, "map");
  g_autoptr(GList) members = json_object_get_members (map);
  g_autoptr(JsonObject) overlay = json_object_new ();

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = evaluate (item, json_object_get_member (map, l->data), TRUE);

      if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
        set_dotted (overlay, l->data, value);
      else if (value != NULL)
        json_node_unref (value);
    }
  if (json_object_has_member (overlay, "name") &&
      json_node_get_value_type (json_object_get_member (overlay, "name")) != G_TYPE_STRING)
    json_object_remove_member (overlay, "name");
  return json_node_init_object (json_node_alloc (), overlay);
}

static gboolean
overlay_resolves (RpProvider *self,
                  const char *model_id,
                  JsonObject *overlay)
{
  g_autoptr(GPtrArray) overlays = collect_overlays (self, model_id, overlay);
  g_auto(GStrv) operations = allowed_operations (self, overlays);

  for (guint i = 0; operations[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RpModelSpec) spec = build_spec (self, model_id, operations[i], overlay, &error);

      if (spec == NULL)
        {
          g_debug ("%s: skipping discovered model %s: %s", self->id, model_id, error->message);
          return FALSE;
        }
    }
  return operations[0] != NULL;
}

static void
rebuild_models (RpProvider *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->models));

  for (guint i = 0; i < self->discovered_order->len; i++)
    {
      const char *id = self->discovered_order->pdata[i];
      JsonObject *overlay = discovered_overlay (self, id);
      g_autoptr(GPtrArray) overlays = collect_overlays (self, id, NULL);
      const char *name = NULL;

      /* A name from the definition wins: it may carry a translation-free brand spelling. */
      for (guint k = 0; k < overlays->len; k++)
        if (rp_json_has (overlays->pdata[k], "name"))
          name = json_object_get_string_member (overlays->pdata[k], "name");
      if (name == NULL && rp_json_has (overlay, "name"))
        name = json_object_get_string_member (overlay, "name");
      g_ptr_array_add (items, rp_model_info_new (id, name, TRUE,
                                                 json_object_get_member (overlay, "pricing")));
    }
  g_list_store_splice (self->models, 0, old, items->pdata, items->len);
}

gboolean
rp_provider_apply_discovery (RpProvider  *self,
                             JsonNode    *reply,
                             GError     **error)
{
  const char *list_path = "data", *id_path = "id";
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GPtrArray) order = NULL;
  JsonObject *filter = NULL;
  JsonNode *list;
  JsonArray *array;

  g_return_val_if_fail (RP_IS_PROVIDER (self), FALSE);
  g_return_val_if_fail (self->discovery != NULL, FALSE);

  rp_json_read_string (self->discovery, "discovery", "list", &list_path, NULL);
  rp_json_read_string (self->discovery, "discovery", "id", &id_path, NULL);
  rp_json_read_object (self->discovery, "discovery", "filter", &filter, NULL);
  list = reply != NULL ? rp_json_lookup (reply, list_path) : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                   _("The model list of %s has no “%s” list."), self->name, list_path);
      return FALSE;
    }
  array = json_node_get_array (list);
  found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  order = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonNode *id_node = rp_json_lookup (item, id_path);
      g_autoptr(JsonNode) overlay = NULL;
      const char *id;

      if (id_node == NULL || json_node_get_value_type (id_node) != G_TYPE_STRING ||
          !matches_filter (item, filter))
        continue;
      id = json_node_get_string (id_node);
      if (*id == '\0' || strlen (id) > 200 || g_hash_table_contains (found, id))
        continue;
      overlay = map_item (self, item);
      if (!overlay_resolves (self, id, json_node_get_object (overlay)))
        continue;
      g_hash_table_insert (found, g_strdup (id), g_steal_pointer (&overlay));
      g_ptr_array_add (order, (char *) id);
    }
  if (order->len == 0)
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                   _("The model list of %s holds no usable model."), self->name);
      return FALSE;
    }

  g_clear_pointer (&self->discovered_order, g_ptr_array_unref);
  self->discovered_order = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (self->discovered_order, g_strdup (order->pdata[i]));
  g_clear_pointer (&self->discovered, g_hash_table_unref);
  self->discovered = g_steal_pointer (&found);
  rebuild_models (self);
  g_debug ("%s: %u models from discovery", self->id, self->discovered_order->len);
  return TRUE;
}

/**
 * rp_provider_get_check_path:
 * @verifies_key: (out) (optional): whether the endpoint refuses a wrong key
 *
 * Returns: (nullable): the path of a cheap GET that tells whether the provider answers (and,
 *   if @verifies_key, accepts the key), or %NULL if the definition names none
 */
const char *
rp_provider_get_check_path (RpProvider *self,
                            gboolean   *verifies_key)
{
  g_return_val_if_fail (RP_IS_PROVIDER (self), NULL);
  if (verifies_key != NULL)
    *verifies_key = self->check_verifies_key;
  return self->check_path;
}
