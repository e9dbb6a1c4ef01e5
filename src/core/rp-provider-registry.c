/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-provider-registry"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rp-core-resources.h"
#include "rp-json-util.h"
#include "rp-provider-discovery.h"
#include "rp-provider-registry.h"

#define BUILTIN_RESOURCE_DIR RESOURCE_BASE_PATH "/providers"

/* A definition file before "extends" is resolved. */
typedef struct
{
  char     *source;
  char     *id;
  JsonNode *raw;
  JsonNode *resolved;
  GError   *error;
  gboolean  builtin;
  gboolean  done;
} Def;

struct _RpProviderRegistry
{
  GObject       parent_instance;

  char         *user_dir;
  char         *cache_dir;
  GListStore   *providers;   /* RpProvider */
  GListStore   *problems;    /* RpProviderProblem */
  SoupSession  *session;
};

enum {
  PROP_0,
  PROP_USER_DIR,
  PROP_CACHE_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const keyed_arrays[] = { "models", NULL };

G_DEFINE_FINAL_TYPE (RpProviderRegistry, rp_provider_registry, G_TYPE_OBJECT)

static void
def_free (Def *def)
{
  g_free (def->source);
  g_free (def->id);
  g_clear_pointer (&def->raw, json_node_unref);
  g_clear_pointer (&def->resolved, json_node_unref);
  g_clear_error (&def->error);
  g_free (def);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Def, def_free)

static void
rp_provider_registry_dispose (GObject *object)
{
  RpProviderRegistry *self = RP_PROVIDER_REGISTRY (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (rp_provider_registry_parent_class)->dispose (object);
}

static void
rp_provider_registry_finalize (GObject *object)
{
  RpProviderRegistry *self = RP_PROVIDER_REGISTRY (object);

  g_clear_pointer (&self->user_dir, g_free);
  g_clear_pointer (&self->cache_dir, g_free);
  g_clear_object (&self->providers);
  g_clear_object (&self->problems);

  G_OBJECT_CLASS (rp_provider_registry_parent_class)->finalize (object);
}

static void
rp_provider_registry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  RpProviderRegistry *self = RP_PROVIDER_REGISTRY (object);

  switch (prop_id)
    {
    case PROP_USER_DIR:
      g_value_set_string (value, self->user_dir);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_provider_registry_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  RpProviderRegistry *self = RP_PROVIDER_REGISTRY (object);

  switch (prop_id)
    {
    case PROP_USER_DIR:
      self->user_dir = g_value_dup_string (value);
      break;
    case PROP_CACHE_DIR:
      self->cache_dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_provider_registry_constructed (GObject *object)
{
  RpProviderRegistry *self = RP_PROVIDER_REGISTRY (object);

  G_OBJECT_CLASS (rp_provider_registry_parent_class)->constructed (object);

  if (self->user_dir == NULL)
    self->user_dir = g_build_filename (g_get_user_config_dir (), "repaint", "providers", NULL);
  if (self->cache_dir == NULL)
    self->cache_dir = g_build_filename (g_get_user_cache_dir (), "repaint", NULL);
}

static void
rp_provider_registry_class_init (RpProviderRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rp_provider_registry_dispose;
  object_class->finalize = rp_provider_registry_finalize;
  object_class->get_property = rp_provider_registry_get_property;
  object_class->set_property = rp_provider_registry_set_property;
  object_class->constructed = rp_provider_registry_constructed;

  properties[PROP_USER_DIR] =
    g_param_spec_string ("user-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_DIR] =
    g_param_spec_string ("cache-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_provider_registry_init (RpProviderRegistry *self)
{
  self->providers = g_list_store_new (RP_TYPE_PROVIDER);
  self->problems = g_list_store_new (RP_TYPE_PROVIDER_PROBLEM);
}

/**
 * rp_provider_registry_new:
 * @user_dir: (nullable): the folder of user definitions; %NULL for
 *   `$XDG_CONFIG_HOME/repaint/providers`
 * @cache_dir: (nullable): where discovered model lists are cached; %NULL for
 *   `$XDG_CACHE_HOME/repaint`
 *
 * The registry is empty until rp_provider_registry_load().
 *
 * Returns: (transfer full): a new registry
 */
RpProviderRegistry *
rp_provider_registry_new (const char *user_dir,
                          const char *cache_dir)
{
  return g_object_new (RP_TYPE_PROVIDER_REGISTRY,
                       "user-dir", user_dir,
                       "cache-dir", cache_dir,
                       NULL);
}

static JsonNode *
parse_definition (const char  *data,
                  gsize        len,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!g_utf8_validate (data, len, NULL))
    {
      g_set_error_literal (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID_JSON,
                           _("The file is not UTF-8 text."));
      return NULL;
    }
  if (!rp_json_depth_ok (data, len, RP_JSON_MAX_DEPTH))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID_JSON,
                   _("The file nests objects or lists more than %d levels deep."),
                   RP_JSON_MAX_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID_JSON,
                   /* Translators: %s is the JSON parser's own message with line and column */
                   _("The file is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID_JSON,
                           _("The file must hold one JSON object { … }."));
      return NULL;
    }
  return json_node_copy (root);
}

/* Reads what is needed to place the file among the others: the id and "extends". */
static Def *
def_new (const char *source,
         const char *data,
         gsize       len,
         gboolean    builtin)
{
  Def *def = g_new0 (Def, 1);
  JsonObject *root;
  const char *id = NULL, *extends = NULL;
  gboolean inherit_models = TRUE;

  def->source = g_strdup (source);
  def->builtin = builtin;
  def->raw = parse_definition (data, len, &def->error);
  if (def->raw == NULL)
    return def;
  root = json_node_get_object (def->raw);
  if (!rp_json_require (root, NULL, "id", &def->error) ||
      !rp_json_read_string (root, NULL, "id", &id, &def->error) ||
      !rp_json_read_string (root, NULL, "extends", &extends, &def->error) ||
      !rp_json_read_bool (root, NULL, "inherit_models", &inherit_models, &def->error) ||
      !rp_provider_validate_id (id, &def->error))
    return def;
  def->id = g_strdup (id);
  if (!builtin && g_str_equal (id, RP_PROVIDER_RESERVED_ID))
    g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_RESERVED_ID,
                 _("The id “%s” is reserved for the offline fill built into Repaint."), id);
  return def;
}

static const char *
def_extends (Def *def)
{
  JsonObject *root = json_node_get_object (def->raw);

  return rp_json_has (root, "extends") ? json_object_get_string_member (root, "extends") : NULL;
}

/* Walks the "extends" chain inside @layer and reports a loop with every step named. */
static gboolean
check_chain (GHashTable  *layer,
             Def         *def,
             GError     **error)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  Def *cur = def;

  g_ptr_array_add (chain, def->id);
  for (;;)
    {
      const char *parent = def_extends (cur);
      Def *next;

      if (parent == NULL || g_str_equal (parent, cur->id))
        return TRUE;
      next = g_hash_table_lookup (layer, parent);
      if (next == NULL || next->raw == NULL || next->id == NULL)
        return TRUE;
      for (guint i = 0; i < chain->len; i++)
        if (g_str_equal (chain->pdata[i], parent))
          {
            g_autofree char *steps = NULL;

            g_ptr_array_add (chain, (char *) parent);
            g_ptr_array_add (chain, NULL);
            steps = g_strjoinv (" → ", (char **) chain->pdata);
            g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_CYCLE,
                         _("“extends” goes round in a loop: %s."), steps);
            return FALSE;
          }
      g_ptr_array_add (chain, (char *) parent);
      cur = next;
    }
}

static const char * const own_keys[] = { "name", "base_url", "api_key_env", NULL };

/* @layer: the definitions of this layer by id; @base: the layer below (built-ins, already
 * resolved) or %NULL. Returns the merged JSON, owned by @def. */
static JsonNode *
resolve_def (GHashTable *layer,
             GHashTable *base,
             Def        *def)
{
  const char *parent_id;
  JsonNode *parent = NULL;
  g_autoptr(JsonNode) trimmed_parent = NULL;
  JsonObject *root, *merged;
  gboolean inherit_models = TRUE;

  if (def->done)
    return def->resolved;
  def->done = TRUE;
  if (def->error != NULL || !check_chain (layer, def, &def->error))
    return NULL;

  root = json_node_get_object (def->raw);
  parent_id = def_extends (def);
  if (parent_id == NULL)
    {
      def->resolved = rp_json_deep_copy (def->raw);
      return def->resolved;
    }

  if (!g_str_equal (parent_id, def->id) && g_hash_table_contains (layer, parent_id))
    {
      Def *pdef = g_hash_table_lookup (layer, parent_id);

      parent = resolve_def (layer, base, pdef);
      if (parent == NULL)
        {
          g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_UNKNOWN_PARENT,
                       _("It extends “%s”, which could not be loaded (%s)."), parent_id,
                       pdef->source);
          return NULL;
        }
    }
  else if (base != NULL && g_hash_table_contains (base, parent_id))
    parent = ((Def *) g_hash_table_lookup (base, parent_id))->resolved;

  if (parent == NULL)
    {
      g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_UNKNOWN_PARENT,
                   _("“extends” names “%s”, but no provider has that id."), parent_id);
      return NULL;
    }

  /* A relay under a new id states its own address and key variable, so that it can never
   * send another service's key to its host by inheriting them. */
  if (!g_str_equal (parent_id, def->id))
    for (guint i = 0; own_keys[i] != NULL; i++)
      if (!rp_json_has (root, own_keys[i]))
        {
          g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” is missing; a definition extending another under a new id must "
                         "state it."),
                       own_keys[i]);
          return NULL;
        }

  rp_json_read_bool (root, NULL, "inherit_models", &inherit_models, NULL);
  trimmed_parent = rp_json_deep_copy (parent);
  if (!inherit_models)
    {
      JsonObject *p = json_node_get_object (trimmed_parent);

      if (json_object_has_member (p, "models"))
        json_object_remove_member (p, "models");
      if (json_object_has_member (p, "default_model"))
        json_object_remove_member (p, "default_model");
    }
  def->resolved = rp_json_merge (trimmed_parent, def->raw, keyed_arrays);
  merged = json_node_get_object (def->resolved);
  if (json_object_has_member (merged, "extends"))
    json_object_remove_member (merged, "extends");
  if (json_object_has_member (merged, "inherit_models"))
    json_object_remove_member (merged, "inherit_models");
  return def->resolved;
}

static void
add_problem (RpProviderRegistry *self,
             Def                *def)
{
  g_autoptr(RpProviderProblem) problem = rp_provider_problem_new (def->source, def->id, def->error);

  if (def->builtin)
    g_critical ("Built-in provider definition %s is invalid: %s", def->source, def->error->message);
  else
    g_debug ("Skipping %s: %s", def->source, def->error->message);
  g_list_store_append (self->problems, problem);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
read_builtins (void)
{
  GPtrArray *defs = g_ptr_array_new_with_free_func ((GDestroyNotify) def_free);
  GResource *resource = rp_core_get_resource ();
  g_auto(GStrv) names = g_resource_enumerate_children (resource, BUILTIN_RESOURCE_DIR,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  guint n = names != NULL ? g_strv_length (names) : 0;

  /* The file names carry the display order ("10-openai.json"). */
  if (names != NULL)
    g_qsort_with_data (names, n, sizeof (char *), compare_strings, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_path ("/", BUILTIN_RESOURCE_DIR, names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;
      const char *data;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;
      bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL)
        {
          g_critical ("Cannot read %s: %s", path, error->message);
          continue;
        }
      data = g_bytes_get_data (bytes, &len);
      g_ptr_array_add (defs, def_new (path, data, len, TRUE));
    }
  return defs;
}

static GPtrArray *
read_user_files (const char *dir_path)
{
  GPtrArray *defs = g_ptr_array_new_with_free_func ((GDestroyNotify) def_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return defs;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json") && name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort_with_data (names, compare_strings, NULL);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, names->pdata[i], NULL);
      g_autoptr(GMappedFile) mapped = NULL;
      g_autoptr(GError) error = NULL;
      Def *def;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      mapped = g_mapped_file_new (path, FALSE, &error);
      if (mapped == NULL || g_mapped_file_get_length (mapped) > RP_PROVIDER_FILE_MAX_BYTES)
        {
          def = g_new0 (Def, 1);
          def->source = g_steal_pointer (&path);
          if (mapped == NULL)
            g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID_JSON,
                         _("The file cannot be read: %s"), error->message);
          else
            g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID_JSON,
                         _("The file is larger than %d KiB; a definition is never that long."),
                         RP_PROVIDER_FILE_MAX_BYTES / 1024);
          g_ptr_array_add (defs, def);
          continue;
        }
      def = def_new (path,
                     g_mapped_file_get_contents (mapped) ? g_mapped_file_get_contents (mapped) : "",
                     g_mapped_file_get_length (mapped), FALSE);
      g_ptr_array_add (defs, def);
    }
  return defs;
}

/* Puts the usable definitions of @defs into @layer by id; the first file wins a duplicate. */
static void
index_layer (GPtrArray  *defs,
             GHashTable *layer)
{
  for (guint i = 0; i < defs->len; i++)
    {
      Def *def = defs->pdata[i];
      Def *first;

      if (def->error != NULL || def->id == NULL)
        continue;
      first = g_hash_table_lookup (layer, def->id);
      if (first != NULL)
        {
          g_autofree char *base = g_path_get_basename (first->source);

          g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DUPLICATE_ID,
                       _("The id “%s” is already defined by %s."), def->id, base);
          continue;
        }
      g_hash_table_insert (layer, def->id, def);
    }
}

static RpProvider *
build_provider (RpProviderRegistry *self,
                GHashTable         *layer,
                GHashTable         *base,
                Def                *def)
{
  JsonNode *resolved = resolve_def (layer, base, def);
  RpProvider *provider;

  if (resolved == NULL)
    return NULL;
  provider = rp_provider_new_from_json (json_node_get_object (resolved), def->source,
                                        def->builtin, &def->error);
  if (provider != NULL && !g_str_equal (rp_provider_get_id (provider), def->id))
    {
      g_set_error (&def->error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("The id changed while resolving “extends”."));
      g_clear_object (&provider);
    }
  return provider;
}

static guint
find_provider (GPtrArray  *providers,
               const char *id)
{
  for (guint i = 0; i < providers->len; i++)
    if (g_str_equal (rp_provider_get_id (providers->pdata[i]), id))
      return i;
  return G_MAXUINT;
}

/**
 * rp_provider_registry_load:
 *
 * (Re)reads the built-in definitions, then every `*.json` in the user folder, which add
 * providers or replace built-ins with the same id. A user file may say
 * `"extends": "<its own id>"` to change a built-in rather than replace it. Files that
 * cannot be used are skipped and listed by rp_provider_registry_get_problems(); loading
 * itself never fails. Cached model lists are applied (a small local read; the network is
 * only used by rp_provider_registry_discover_async()).
 */
void
rp_provider_registry_load (RpProviderRegistry *self)
{
  g_autoptr(GPtrArray) builtin_defs = NULL;
  g_autoptr(GPtrArray) user_defs = NULL;
  g_autoptr(GHashTable) builtins = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) users = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) providers = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (RP_IS_PROVIDER_REGISTRY (self));

  g_list_store_remove_all (self->problems);

  builtin_defs = read_builtins ();
  index_layer (builtin_defs, builtins);
  for (guint i = 0; i < builtin_defs->len; i++)
    {
      Def *def = builtin_defs->pdata[i];
      RpProvider *provider = def->error == NULL ? build_provider (self, builtins, NULL, def) : NULL;

      if (provider != NULL)
        g_ptr_array_add (providers, provider);
      else
        add_problem (self, def);
    }

  user_defs = read_user_files (self->user_dir);
  index_layer (user_defs, users);
  for (guint i = 0; i < user_defs->len; i++)
    {
      Def *def = user_defs->pdata[i];
      RpProvider *provider = def->error == NULL ? build_provider (self, users, builtins,
                                                                  def) : NULL;
      guint pos;

      if (provider == NULL)
        {
          add_problem (self, def);
          continue;
        }
      pos = find_provider (providers, def->id);
      if (pos != G_MAXUINT)
        {
          g_object_unref (providers->pdata[pos]);
          providers->pdata[pos] = provider;
        }
      else
        g_ptr_array_add (providers, provider);
    }

  for (guint i = 0; i < providers->len; i++)
    {
      RpProvider *provider = providers->pdata[i];
      g_autoptr(GError) error = NULL;

      if (rp_provider_has_discovery (provider) &&
          !rp_provider_load_discovery_cache (provider, self->cache_dir, &error) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_debug ("%s: cached model list not used: %s", rp_provider_get_id (provider),
                 error->message);
    }

  g_list_store_splice (self->providers, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->providers)),
                       providers->pdata, providers->len);
}

/**
 * rp_provider_registry_get_user_dir:
 *
 * Returns: (transfer none): the folder user definitions are read from
 */
const char *
rp_provider_registry_get_user_dir (RpProviderRegistry *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_REGISTRY (self), NULL);
  return self->user_dir;
}

/**
 * rp_provider_registry_get_cache_dir:
 *
 * Returns: (transfer none): the folder discovered model lists are cached in
 */
const char *
rp_provider_registry_get_cache_dir (RpProviderRegistry *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_REGISTRY (self), NULL);
  return self->cache_dir;
}

/**
 * rp_provider_registry_get_providers:
 *
 * Built-ins first in their fixed order (a user override takes the built-in's place), then
 * providers only user files define, in file-name order.
 *
 * Returns: (transfer none): a list model of #RpProvider
 */
GListModel *
rp_provider_registry_get_providers (RpProviderRegistry *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_REGISTRY (self), NULL);
  return G_LIST_MODEL (self->providers);
}

/**
 * rp_provider_registry_get_problems:
 *
 * Returns: (transfer none): a list model of #RpProviderProblem, one per skipped file
 */
GListModel *
rp_provider_registry_get_problems (RpProviderRegistry *self)
{
  g_return_val_if_fail (RP_IS_PROVIDER_REGISTRY (self), NULL);
  return G_LIST_MODEL (self->problems);
}

/**
 * rp_provider_registry_lookup:
 * @id: a provider id
 *
 * Returns: (transfer none) (nullable): the provider, or %NULL
 */
RpProvider *
rp_provider_registry_lookup (RpProviderRegistry *self,
                             const char         *id)
{
  guint n;

  g_return_val_if_fail (RP_IS_PROVIDER_REGISTRY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      if (g_str_equal (rp_provider_get_id (provider), id))
        return provider;  /* the store keeps its reference */
    }
  return NULL;
}

typedef struct
{
  guint   pending;
  GError *first_error;
} DiscoverAll;

static void
discover_all_free (DiscoverAll *state)
{
  g_clear_error (&state->first_error);
  g_free (state);
}

/* Takes @error. */
static void
discover_step (GTask  *task,
               GError *error)
{
  DiscoverAll *state = g_task_get_task_data (task);

  if (error != NULL && state->first_error == NULL)
    state->first_error = error;
  else
    g_clear_error (&error);
  if (--state->pending > 0)
    return;
  if (state->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&state->first_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
discover_one_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  rp_provider_discover_finish (RP_PROVIDER (object), result, &error);
  discover_step (task, error);
}

/**
 * rp_provider_registry_discover_async:
 * @cancellable: (nullable): cancels every request
 * @callback: called when every provider with a model list has answered or failed
 * @user_data: for @callback
 *
 * Fetches the model list of every provider that publishes one (Venice), without a key,
 * and caches it. A provider whose list cannot be had keeps its cached or built-in list.
 */
void
rp_provider_registry_discover_async (RpProviderRegistry  *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DiscoverAll *state;
  guint n;

  g_return_if_fail (RP_IS_PROVIDER_REGISTRY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_provider_registry_discover_async);
  state = g_new0 (DiscoverAll, 1);
  g_task_set_task_data (task, state, (GDestroyNotify) discover_all_free);

  if (self->session == NULL)
    {
      g_autofree char *agent = g_strdup_printf ("Repaint/%s ", PACKAGE_VERSION);

      self->session = soup_session_new_with_options ("timeout", RP_DISCOVERY_TIMEOUT_S,
                                                     "user-agent", agent,
                                                     NULL);
    }

  /* Hold a pending count while starting so that a request finishing at once cannot
   * complete the task before the others have started. */
  state->pending = 1;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->providers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (G_LIST_MODEL (self->providers), i);

      if (!rp_provider_has_discovery (provider))
        continue;
      state->pending++;
      rp_provider_discover_async (provider, self->session, self->cache_dir, NULL, cancellable,
                                  discover_one_cb, g_object_ref (task));
    }
  discover_step (task, NULL);
}

/**
 * rp_provider_registry_discover_finish:
 * @error: the first provider's failure; the others are in the debug log
 *
 * Returns: whether every model list was fetched and used
 */
gboolean
rp_provider_registry_discover_finish (RpProviderRegistry  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
