/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rp-core.h"
#include "rp-json-util.h"
#include "rp-test-util.h"

typedef struct
{
  char               *dir;
  char               *user_dir;
  char               *cache_dir;
  RpProviderRegistry *registry;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = rp_test_tmpdir ();
  f->user_dir = g_build_filename (f->dir, "providers", NULL);
  f->cache_dir = g_build_filename (f->dir, "cache", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->user_dir, 0700), ==, 0);
  f->registry = rp_provider_registry_new (f->user_dir, f->cache_dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->registry);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
  g_free (f->user_dir);
  g_free (f->cache_dir);
}

static void
write_user_file (Fixture    *f,
                 const char *name,
                 const char *contents)
{
  g_autofree char *path = g_build_filename (f->user_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static RpProviderProblem *
find_problem (Fixture    *f,
              const char *file_name)
{
  GListModel *problems = rp_provider_registry_get_problems (f->registry);
  g_autofree char *path = g_build_filename (f->user_dir, file_name, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (problems); i++)
    {
      g_autoptr(RpProviderProblem) problem = g_list_model_get_item (problems, i);

      if (g_str_equal (rp_provider_problem_get_path (problem), path))
        return problem;
    }
  return NULL;
}

static const struct {
  const char *id;
  const char *base_url;
  const char *env;
} builtins[] = {
  { "local", NULL, NULL },
  { "openai", "https://api.openai.com/v1", "OPENAI_API_KEY" },
  { "mixrouter", "https://api.mixrouter.com/v1", "MIXROUTER_API_KEY" },
  { "quickrouter", "https://api.quickrouter.ai/v1", "QUICKROUTER_API_KEY" },
  { "crazyrouter", "https://cn.crazyrouter.com/v1", "CRAZYROUTER_API_KEY" },
  { "venice", "https://api.venice.ai/api/v1", "VENICE_API_KEY" },
};

/* Where the built-in @id is listed. */
static guint
builtin_position (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (g_str_equal (builtins[i].id, id))
      return i;
  g_assert_not_reached ();
}

static void
test_builtins_load (Fixture       *f,
                    gconstpointer  data)
{
  GListModel *providers = rp_provider_registry_get_providers (f->registry);

  rp_provider_registry_load (f->registry);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (f->registry)), ==,
                    0);
  g_assert_cmpuint (g_list_model_get_n_items (providers), ==, G_N_ELEMENTS (builtins));
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);

      g_assert_cmpstr (rp_provider_get_id (provider), ==, builtins[i].id);
      g_assert_cmpstr (rp_provider_get_base_url (provider), ==, builtins[i].base_url);
      g_assert_cmpstr (rp_provider_get_api_key_env (provider), ==, builtins[i].env);
      g_assert_true (rp_provider_get_builtin (provider));
      g_assert_true (rp_provider_registry_lookup (f->registry, builtins[i].id) == provider);
      g_assert_nonnull (rp_provider_get_default_model (provider));
      g_assert_nonnull (rp_provider_lookup_model (provider,
                                                  rp_provider_get_default_model (provider)));
    }
  /* The offline fill is listed first; it alone runs on this computer. */
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    g_assert_cmpint (rp_provider_is_local (rp_provider_registry_lookup (f->registry, builtins[i].id)), ==,
                     g_str_equal (builtins[i].id, RP_PROVIDER_RESERVED_ID));
  g_assert_cmpstr (rp_provider_get_default_model (rp_provider_registry_lookup (f->registry,
                                                                               "venice")),
                   ==, "firered-image-edit");
  g_assert_cmpstr (rp_provider_get_default_model (rp_provider_registry_lookup (f->registry,
                                                                               "crazyrouter")),
                   ==, "gpt-image-2");
}

static gboolean
has_model (RpProvider *provider,
           const char *id)
{
  return rp_provider_lookup_model (provider, id) != NULL;
}

/* The models the issue names, each resolving for every operation it allows, with the
 * essentials in place. */
static void
test_models_resolve (Fixture       *f,
                     gconstpointer  data)
{
  static const struct { const char *provider; const char *models[8]; } expected[] = {
    { "openai", { "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2", "dall-e-2" } },
    { "mixrouter", { "gpt-image-1", "gpt-image-1.5" } },
    { "quickrouter", { "gpt-image-1", "gpt-image-1-all", "flux-kontext-pro", "flux-kontext-max" } },
    { "crazyrouter", { "gpt-image-2" } },
    { "venice", { "firered-image-edit", "qwen-edit-uncensored", "gpt-image-2-edit", "luma-uni-1-edit",
                  "nano-banana-pro-edit", "seedream-v4-edit" } },
  };
  GListModel *providers = rp_provider_registry_get_providers (f->registry);
  guint resolved = 0;

  rp_provider_registry_load (f->registry);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    for (guint k = 0; expected[i].models[k] != NULL; k++)
      g_assert_true (has_model (rp_provider_registry_lookup (f->registry, expected[i].provider),
                                expected[i].models[k]));
  g_assert_false (has_model (rp_provider_registry_lookup (f->registry, "mixrouter"),
                             "gpt-image-2"));

  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);
      GListModel *models = rp_provider_get_models (provider);

      for (guint m = 0; m < g_list_model_get_n_items (models); m++)
        {
          g_autoptr(RpModelInfo) info = g_list_model_get_item (models, m);
          g_auto(GStrv) operations = rp_provider_dup_operations (provider,
                                                                 rp_model_info_get_id (info));

          g_assert_nonnull (operations[0]);
          for (guint o = 0; operations[o] != NULL; o++)
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(RpModelSpec) spec = rp_provider_resolve (provider,
                                                                 rp_model_info_get_id (info),
                                                                 operations[o], &error);
              RpParamSpec *prompt, *model;

              g_assert_no_error (error);
              g_assert_cmpstr (rp_model_spec_get_model_id (spec), ==, rp_model_info_get_id (info));
              if (rp_provider_is_local (provider))
                {
                  /* Nothing goes on the wire: no prompt, model field, method or reply. */
                  g_assert_null (rp_model_spec_lookup_param (spec, "prompt"));
                  g_assert_null (rp_model_spec_lookup_param (spec, "model"));
                  g_assert_null (rp_model_spec_get_method (spec));
                  g_assert_null (rp_model_spec_get_path (spec));
                  g_assert_null (rp_model_spec_get_response (spec, NULL));
                  continue;
                }
              prompt = rp_model_spec_lookup_param (spec, "prompt");
              model = rp_model_spec_lookup_param (spec, "model");
              g_assert_nonnull (prompt);
              g_assert_true (rp_param_spec_get_required (prompt));
              g_assert_cmpuint (rp_param_spec_get_max_length (prompt), >, 0);
              g_assert_nonnull (model);
              g_assert_true (rp_param_spec_get_implicit (model));
              g_assert_cmpstr (rp_model_spec_get_method (spec), ==, "POST");
              g_assert_nonnull (rp_model_spec_get_response (spec, NULL));
              g_assert_cmpuint (rp_model_spec_get_images (spec)->min_count, >=, 1);
              resolved++;
            }
        }
    }
  g_assert_cmpuint (resolved, >, 30);
}

/* The Test Connection request: a GET the definition names, inherited by relays. */
static void
test_check (Fixture       *f,
            gconstpointer  data)
{
  gboolean verifies = FALSE;
  RpProviderProblem *problem;

  write_user_file (f, "relay.json",
                   "{\"id\": \"myrelay\", \"name\": \"My Relay\", \"extends\": \"openai\",\n"
                   " \"base_url\": \"https://relay.example.com/v1\", \"api_key_env\": \"MY_RELAY_API_KEY\"}");
  write_user_file (f, "bad-check.json",
                   "{\"id\": \"badcheck\", \"name\": \"Bad\", \"extends\": \"openai\",\n"
                   " \"base_url\": \"https://bad.example.com/v1\", \"api_key_env\": \"BAD_API_KEY\",\n"
                   " \"check\": {\"path\": \"https://elsewhere.example.com/models\"}}");
  rp_provider_registry_load (f->registry);

  g_assert_cmpstr (rp_provider_get_check_path (rp_provider_registry_lookup (f->registry, "openai"), &verifies), ==, "/models");
  g_assert_true (verifies);
  g_assert_cmpstr (rp_provider_get_check_path (rp_provider_registry_lookup (f->registry, "venice"), &verifies), ==, "/models");
  g_assert_false (verifies);   /* Venice answers without a key */
  g_assert_cmpstr (rp_provider_get_check_path (rp_provider_registry_lookup (f->registry, "myrelay"), &verifies), ==, "/models");
  g_assert_true (verifies);
  g_assert_cmpstr (rp_provider_get_check_path (rp_provider_registry_lookup (f->registry, "crazyrouter"), NULL), ==, "/models");
  g_assert_null (rp_provider_registry_lookup (f->registry, "badcheck"));
  problem = find_problem (f, "bad-check.json");
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (rp_provider_problem_get_message (problem), "check.path"));
}

static void
test_paths (Fixture       *f,
            gconstpointer  data)
{
  RpProvider *openai, *venice;
  g_autoptr(RpModelSpec) edit = NULL, multi = NULL, gpt = NULL;
  g_autofree char *url = NULL, *venice_url = NULL, *multi_url = NULL;

  rp_provider_registry_load (f->registry);
  openai = rp_provider_registry_lookup (f->registry, "openai");
  venice = rp_provider_registry_lookup (f->registry, "venice");
  gpt = rp_provider_resolve (openai, "gpt-image-1.5", NULL, NULL);
  url = rp_provider_build_url (openai, rp_model_spec_get_path (gpt));
  g_assert_cmpstr (url, ==, "https://api.openai.com/v1/images/edits");
  edit = rp_provider_resolve (venice, "firered-image-edit", "edit", NULL);
  multi = rp_provider_resolve (venice, "firered-image-edit", "multi_edit", NULL);
  venice_url = rp_provider_build_url (venice, rp_model_spec_get_path (edit));
  multi_url = rp_provider_build_url (venice, rp_model_spec_get_path (multi));
  g_assert_cmpstr (venice_url, ==, "https://api.venice.ai/api/v1/image/edit");
  g_assert_cmpstr (multi_url, ==, "https://api.venice.ai/api/v1/image/multi-edit");

  /* Multi-edit names the model field modelId and takes the mask as a layer. */
  g_assert_cmpstr (rp_param_spec_get_wire_name (rp_model_spec_lookup_param (edit, "model")), ==,
                   "model");
  g_assert_cmpstr (rp_param_spec_get_wire_name (rp_model_spec_lookup_param (multi, "model")), ==,
                   "modelId");
  g_assert_cmpint (rp_model_spec_get_mask (edit)->support, ==, RP_MASK_SUPPORT_NONE);
  g_assert_cmpint (rp_model_spec_get_mask (multi)->support, ==, RP_MASK_SUPPORT_LAYER);
  g_assert_null (rp_model_spec_lookup_param (edit, "quality"));
  g_assert_nonnull (rp_model_spec_lookup_param (multi, "quality"));
  g_assert_cmpint (rp_model_spec_get_response (edit, NULL)->kind, ==, RP_RESPONSE_RAW_BYTES);
  g_assert_cmpint (rp_model_spec_get_default_encoding (edit), ==, RP_ENCODING_JSON);
  g_assert_cmpint (rp_model_spec_get_images (edit)->max_pixels, ==, 33177600);
}

static void
test_operation_select (Fixture       *f,
                       gconstpointer  data)
{
  static const struct {
    const char *provider;
    const char *model;
    guint       n_images;
    gboolean    mask;
    const char *operation;   /* NULL: refused */
  } cases[] = {
    { "venice", "firered-image-edit", 1, FALSE, "edit" },
    { "venice", "firered-image-edit", 1, TRUE, "multi_edit" },
    { "venice", "firered-image-edit", 2, FALSE, "multi_edit" },
    { "venice", "gpt-image-2-edit", 3, TRUE, "multi_edit" },
    { "venice", "luma-uni-1-edit", 1, FALSE, "edit" },
    { "venice", "luma-uni-1-edit", 1, TRUE, NULL },
    { "venice", "luma-uni-1-max-edit", 2, FALSE, NULL },
    { "openai", "gpt-image-1.5", 1, TRUE, "edit" },
    { "openai", "gpt-image-1.5", 16, FALSE, "edit" },
    { "openai", "dall-e-2", 1, TRUE, "edit" },
  };

  rp_provider_registry_load (f->registry);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      RpProvider *provider = rp_provider_registry_lookup (f->registry, cases[i].provider);
      g_autoptr(GError) error = NULL;
      const char *op = rp_provider_select_operation (provider, cases[i].model, cases[i].n_images,
                                                     cases[i].mask, &error);

      g_test_message ("%s %s %u %d → %s", cases[i].provider, cases[i].model, cases[i].n_images,
                      cases[i].mask, op ? op : error->message);
      g_assert_cmpstr (op, ==, cases[i].operation);
      if (cases[i].operation == NULL)
        {
          g_assert_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_NO_OPERATION);
          g_assert_nonnull (strstr (error->message, cases[i].model));
        }
    }
}

static void
test_field_names (Fixture       *f,
                  gconstpointer  data)
{
  static const struct {
    const char *provider, *model, *operation;
    guint index, count;
    const char *name;
  } cases[] = {
    { "openai", "gpt-image-1.5", "edit", 0, 1, "image" },
    { "openai", "gpt-image-1.5", "edit", 1, 3, "image[]" },
    { "crazyrouter", "gpt-image-2", "edit", 0, 2, "image[]" },
    { "quickrouter", "gpt-image-1", "edit", 0, 1, "image" },
    { "quickrouter", "gpt-image-1", "edit", 1, 2, "image" },
    { "venice", "firered-image-edit", "edit", 0, 1, "image" },
    { "venice", "firered-image-edit", "multi_edit", 0, 1, "images" },
    { "venice", "firered-image-edit", "multi_edit", 2, 3, "images" },
  };

  rp_provider_registry_load (f->registry);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      RpProvider *provider = rp_provider_registry_lookup (f->registry, cases[i].provider);
      g_autoptr(RpModelSpec) spec = rp_provider_resolve (provider, cases[i].model,
                                                         cases[i].operation, NULL);
      g_autofree char *name = rp_image_spec_field_name (rp_model_spec_get_images (spec),
                                                        cases[i].index, cases[i].count);

      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

/* The five-line relay of docs/provider-format.md. */
static void
test_user_relay (Fixture       *f,
                 gconstpointer  data)
{
  RpProvider *relay, *openai;
  g_autofree char *path = g_build_filename (f->user_dir, "myrelay.json", NULL);
  g_autoptr(RpModelSpec) spec = NULL;
  GListModel *providers;

  write_user_file (f, "myrelay.json",
                   "{\n"
                   "  \"id\": \"myrelay\",\n"
                   "  \"name\": \"My Relay\",\n"
                   "  \"extends\": \"openai\",\n"
                   "  \"base_url\": \"https://relay.example.com/v1\",\n"
                   "  \"api_key_env\": \"MYRELAY_API_KEY\"\n"
                   "}\n");
  rp_provider_registry_load (f->registry);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (f->registry)), ==,
                    0);
  providers = rp_provider_registry_get_providers (f->registry);
  g_assert_cmpuint (g_list_model_get_n_items (providers), ==, G_N_ELEMENTS (builtins) + 1);

  relay = rp_provider_registry_lookup (f->registry, "myrelay");
  openai = rp_provider_registry_lookup (f->registry, "openai");
  g_assert_nonnull (relay);
  g_assert_true (g_list_model_get_item (providers, G_N_ELEMENTS (builtins)) == (gpointer) relay);
  g_object_unref (relay);
  g_assert_cmpstr (rp_provider_get_name (relay), ==, "My Relay");
  g_assert_cmpstr (rp_provider_get_base_url (relay), ==, "https://relay.example.com/v1");
  g_assert_cmpstr (rp_provider_get_api_key_env (relay), ==, "MYRELAY_API_KEY");
  g_assert_cmpstr (rp_provider_get_source (relay), ==, path);
  g_assert_false (rp_provider_get_builtin (relay));
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_get_models (relay)), ==,
                    g_list_model_get_n_items (rp_provider_get_models (openai)));
  g_assert_cmpstr (rp_provider_get_default_model (relay), ==,
                   rp_provider_get_default_model (openai));
  spec = rp_provider_resolve (relay, "gpt-image-2", NULL, NULL);
  g_assert_true (rp_size_rule_is_arbitrary (rp_param_spec_get_size_rule (rp_model_spec_lookup_param (spec, "size"))));
  /* OpenAI itself is untouched. */
  g_assert_cmpstr (rp_provider_get_base_url (openai), ==, "https://api.openai.com/v1");
}

static void
test_user_override (Fixture       *f,
                    gconstpointer  data)
{
  RpProvider *openai, *crazy;
  g_autoptr(RpProvider) openai_item = NULL, crazy_item = NULL;
  g_autoptr(RpModelSpec) spec = NULL;

  /* Extending its own id changes the built-in rather than replacing it. */
  write_user_file (f, "openai-proxy.json",
                   "{\"id\": \"openai\", \"extends\": \"openai\", \"base_url\": "
                   "\"http://127.0.0.1:8080/v1\","
                   " \"models\": [{\"id\": \"gpt-image-1.5\", \"params\": {\"n\": {\"max\": "
                   "4}}}]}");
  /* Without "extends" the file replaces the built-in entirely. */
  write_user_file (f, "crazy.json",
                   "{\"id\": \"crazyrouter\", \"name\": \"Crazy (mine)\", \"base_url\": "
                   "\"https://crazy.example/v1\","
                   " \"api_key_env\": \"MY_CRAZY_KEY\","
                   " \"operations\": {\"edit\": {\"path\": \"/images/edits\","
                   "   \"params\": {\"prompt\": {\"type\": \"string\", \"required\": true, "
                   "\"max_len\": 100},"
                   "                \"model\": {\"type\": \"string\", \"required\": true}},"
                   "   \"responses\": {\"default\": {\"kind\": \"json_images\", \"images\": "
                   "[{\"path\": \"data[].url\", \"as\": \"url\"}]}}}},"
                   " \"models\": [{\"id\": \"only-model\"}]}");
  rp_provider_registry_load (f->registry);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (f->registry)), ==,
                    0);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_providers (f->registry)), ==,
                    G_N_ELEMENTS (builtins));

  openai = rp_provider_registry_lookup (f->registry, "openai");
  openai_item = g_list_model_get_item (rp_provider_registry_get_providers (f->registry),
                                      builtin_position ("openai"));
  g_assert_true (openai_item == openai);
  g_assert_cmpstr (rp_provider_get_base_url (openai), ==, "http://127.0.0.1:8080/v1");
  g_assert_cmpstr (rp_provider_get_name (openai), ==, "OpenAI");
  g_assert_false (rp_provider_get_builtin (openai));
  g_assert_true (has_model (openai, "dall-e-2"));
  spec = rp_provider_resolve (openai, "gpt-image-1.5", NULL, NULL);
  {
    double max = 0;

    g_assert_true (rp_param_spec_get_maximum (rp_model_spec_lookup_param (spec, "n"), &max));
    g_assert_cmpfloat (max, ==, 4);
  }

  crazy = rp_provider_registry_lookup (f->registry, "crazyrouter");
  crazy_item = g_list_model_get_item (rp_provider_registry_get_providers (f->registry),
                                     builtin_position ("crazyrouter"));
  g_assert_true (crazy_item == crazy);
  g_assert_cmpstr (rp_provider_get_name (crazy), ==, "Crazy (mine)");
  g_assert_false (has_model (crazy, "gpt-image-2"));
  g_assert_true (has_model (crazy, "only-model"));
}

static const char relay_head[] =
  "\"name\": \"Broken\", \"extends\": \"openai\", \"base_url\": \"https://broken.example/v1\","
  " \"api_key_env\": \"BROKEN_KEY\"";

static void
test_broken_files (Fixture       *f,
                   gconstpointer  data)
{
  static const struct {
    const char *file;
    const char *contents;
    int         code;
    const char *needle;   /* the message names this */
  } cases[] = {
    { "syntax.json", "{ \"id\": \"syntax\", ", RP_PROVIDER_ERROR_INVALID_JSON, "JSON" },
    { "array.json", "[1, 2, 3]", RP_PROVIDER_ERROR_INVALID_JSON, "object" },
    { "empty.json", "", RP_PROVIDER_ERROR_INVALID_JSON, "object" },
    { "latin1.json", "{\"id\": \"caf\xe9\"}", RP_PROVIDER_ERROR_INVALID_JSON, "UTF-8" },
    { "no-id.json", "{\"name\": \"x\"}", RP_PROVIDER_ERROR_INVALID, "id" },
    { "id-type.json", "{\"id\": 7}", RP_PROVIDER_ERROR_INVALID, "id" },
    { "bad-id.json", "{\"id\": \"My Relay\"}", RP_PROVIDER_ERROR_INVALID, "My Relay" },
    { "wrong-type.json",
      "{\"id\": \"wrongtype\", @HEAD@, \"operations\": {\"edit\": {\"params\": {\"n\": {\"max\": "
      "\"ten\"}}}}}",
      RP_PROVIDER_ERROR_INVALID, "operations.edit.params.n.max" },
    { "wrong-bool.json",
      "{\"id\": \"wrongbool\", @HEAD@, \"models\": [{\"id\": \"gpt-image-1\", \"images\": "
      "{\"square\": \"yes\"}}]}",
      RP_PROVIDER_ERROR_INVALID, "images.square" },
    { "camel.json", "{\"id\": \"camel\", @HEAD@, \"baseUrl\": \"https://x.example\"}", RP_PROVIDER_ERROR_INVALID, "baseUrl" },
    { "unknown-parent.json",
      "{\"id\": \"orphan\", \"name\": \"O\", \"extends\": \"nosuchprovider\", \"base_url\": "
      "\"https://o.example/v1\","
      " \"api_key_env\": \"O_KEY\"}",
      RP_PROVIDER_ERROR_UNKNOWN_PARENT, "nosuchprovider" },
    { "cycle-a.json",
      "{\"id\": \"cyclea\", \"name\": \"A\", \"extends\": \"cycleb\", \"base_url\": "
      "\"https://a.example/v1\","
      " \"api_key_env\": \"A_KEY\"}",
      RP_PROVIDER_ERROR_CYCLE, "cyclea → cycleb → cyclea" },
    { "cycle-b.json",
      "{\"id\": \"cycleb\", \"name\": \"B\", \"extends\": \"cyclea\", \"base_url\": "
      "\"https://b.example/v1\","
      " \"api_key_env\": \"B_KEY\"}",
      RP_PROVIDER_ERROR_CYCLE, "cycleb → cyclea → cycleb" },
    { "local.json",
      "{\"id\": \"local\", \"name\": \"Local\", \"extends\": \"openai\", \"base_url\": "
      "\"http://127.0.0.1:1/v1\","
      " \"api_key_env\": \"LOCAL_KEY\"}",
      RP_PROVIDER_ERROR_RESERVED_ID, "local" },
    { "engine-local.json",
      "{\"id\": \"myfill\", \"name\": \"My Fill\", \"engine\": \"local\", \"operations\": "
      "{\"edit\": {\"mask\": {\"required\": true}, \"params\": {}}}, \"models\": [{\"id\": \"mine\"}]}",
      RP_PROVIDER_ERROR_INVALID, "built into Repaint" },
    { "relay-local.json", "{\"id\": \"relaylocal\", @HEAD@, \"engine\": \"local\"}",
      RP_PROVIDER_ERROR_INVALID, "built into Repaint" },
    { "extends-local.json",
      "{\"id\": \"fill2\", \"name\": \"Fill 2\", \"extends\": \"local\", \"base_url\": "
      "\"https://f.example/v1\", \"api_key_env\": \"F_KEY\"}",
      RP_PROVIDER_ERROR_INVALID, "built into Repaint" },
    { "engine-typo.json", "{\"id\": \"enginetypo\", @HEAD@, \"engine\": \"offline\"}",
      RP_PROVIDER_ERROR_INVALID, "engine" },
    { "plain-http.json",
      "{\"id\": \"plainhttp\", \"name\": \"P\", \"extends\": \"openai\", \"base_url\": "
      "\"http://relay.example.com/v1\","
      " \"api_key_env\": \"P_KEY\"}",
      RP_PROVIDER_ERROR_INSECURE_URL, "http://relay.example.com/v1" },
    { "no-env.json",
      "{\"id\": \"noenv\", \"name\": \"N\", \"extends\": \"openai\", \"base_url\": "
      "\"https://n.example/v1\"}",
      RP_PROVIDER_ERROR_INVALID, "api_key_env" },
    { "zz-duplicate.json",
      "{\"id\": \"goodrelay\", \"name\": \"Again\", \"extends\": \"openai\", \"base_url\": "
      "\"https://g.example/v1\","
      " \"api_key_env\": \"G_KEY\"}",
      RP_PROVIDER_ERROR_DUPLICATE_ID, "goodrelay" },
    { "bad-default.json", "{\"id\": \"baddefault\", @HEAD@, \"default_model\": \"gpt-9\"}",
      RP_PROVIDER_ERROR_INVALID, "gpt-9" },
    { "bad-size.json",
      "{\"id\": \"badsize\", @HEAD@, \"models\": [{\"id\": \"gpt-image-1\", \"params\": "
      "{\"size\": {\"choices\": [\"big\"]}}}]}",
      RP_PROVIDER_ERROR_INVALID, "big" },
    { "bad-condition.json",
      "{\"id\": \"badcond\", @HEAD@, \"operations\": {\"edit\": {\"params\": {\"stream\": "
      "{\"requires\": {\"n\": 2}}}}}}",
      RP_PROVIDER_ERROR_INVALID, "requires.n" },
  };
  GListModel *problems = rp_provider_registry_get_problems (f->registry);
  g_autofree char *local_path = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) contents = g_string_new (cases[i].contents);

      g_string_replace (contents, "@HEAD@", relay_head, 0);
      write_user_file (f, cases[i].file, contents->str);
    }
  /* Nested deep enough to overflow the parser's stack: refused before parsing. */
  {
    g_autoptr(GString) deep = g_string_new ("{\"id\": \"deep\", \"note\": ");

    for (guint i = 0; i < 200000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 200000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    write_user_file (f, "deep.json", deep->str);
  }
  /* Valid neighbours keep working: loopback http is allowed. */
  write_user_file (f, "good.json",
                   "{\"id\": \"goodrelay\", \"name\": \"Good\", \"extends\": \"openai\","
                   " \"base_url\": \"http://localhost:8080/v1\", \"api_key_env\": \"GOOD_KEY\"}");
  write_user_file (f, "notes.txt", "not a definition");

  rp_provider_registry_load (f->registry);
  g_assert_cmpuint (g_list_model_get_n_items (problems), ==, G_N_ELEMENTS (cases) + 1);
  g_assert_cmpint (rp_provider_problem_get_code (find_problem (f, "deep.json")), ==,
                   RP_PROVIDER_ERROR_INVALID_JSON);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      RpProviderProblem *problem = find_problem (f, cases[i].file);

      g_assert_nonnull (problem);
      g_test_message ("%s: %s", cases[i].file, rp_provider_problem_get_message (problem));
      g_assert_cmpint (rp_provider_problem_get_code (problem), ==, cases[i].code);
      g_assert_nonnull (strstr (rp_provider_problem_get_message (problem), cases[i].needle));
    }
  g_assert_nonnull (rp_provider_registry_lookup (f->registry, "goodrelay"));
  g_assert_cmpstr (rp_provider_get_name (rp_provider_registry_lookup (f->registry, "goodrelay")),
                   ==, "Good");
  /* The user's "local" did not replace the offline fill, nor did the others join it. */
  g_assert_true (rp_provider_get_builtin (rp_provider_registry_lookup (f->registry, "local")));
  g_assert_true (rp_provider_is_local (rp_provider_registry_lookup (f->registry, "local")));
  g_assert_null (rp_provider_registry_lookup (f->registry, "myfill"));
  g_assert_null (rp_provider_registry_lookup (f->registry, "relaylocal"));
  g_assert_null (rp_provider_registry_lookup (f->registry, "fill2"));
  g_assert_null (rp_provider_registry_lookup (f->registry, "plainhttp"));
  g_assert_null (rp_provider_registry_lookup (f->registry, "cyclea"));
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_providers (f->registry)), ==,
                    G_N_ELEMENTS (builtins) + 1);

  /* Reloading after a fix replaces the problem list. */
  local_path = g_build_filename (f->user_dir, "local.json", NULL);
  g_assert_cmpint (g_unlink (local_path), ==, 0);
  rp_provider_registry_load (f->registry);
  g_assert_cmpuint (g_list_model_get_n_items (problems), ==, G_N_ELEMENTS (cases));
  g_assert_null (find_problem (f, "local.json"));
}

static void
test_base_url (void)
{
  static const struct { const char *url; gboolean ok; int code; } cases[] = {
    { "https://api.example.com/v1", TRUE, 0 },
    { "HTTPS://api.example.com", TRUE, 0 },
    { "http://127.0.0.1:8080/v1", TRUE, 0 },
    { "http://localhost/v1", TRUE, 0 },
    { "http://[::1]:9000/v1", TRUE, 0 },
    { "http://api.example.com/v1", FALSE, RP_PROVIDER_ERROR_INSECURE_URL },
    { "http://127.0.0.2/v1", FALSE, RP_PROVIDER_ERROR_INSECURE_URL },
    { "http://localhost.example.com/v1", FALSE, RP_PROVIDER_ERROR_INSECURE_URL },
    { "ftp://api.example.com", FALSE, RP_PROVIDER_ERROR_INVALID },
    { "https://user:secret@api.example.com", FALSE, RP_PROVIDER_ERROR_INVALID },
    { "https://api.example.com/v1?key=1", FALSE, RP_PROVIDER_ERROR_INVALID },
    { "api.example.com", FALSE, RP_PROVIDER_ERROR_INVALID },
    { "", FALSE, RP_PROVIDER_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = rp_provider_validate_base_url (cases[i].url, &error);

      g_test_message ("%s → %s", cases[i].url, ok ? "ok" : error->message);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, RP_PROVIDER_ERROR, cases[i].code);
    }
}

static void
test_error_classify (Fixture       *f,
                     gconstpointer  data)
{
  static const struct {
    const char *provider;
    guint status;
    const char *code, *type, *message;
    RpErrorKind kind;
    gboolean retry;
  } cases[] = {
    { "openai", 429, "rate_limit_exceeded", "requests", "Rate limit reached for images per minute", RP_ERROR_KIND_RATE_LIMIT, TRUE },
    { "openai", 429, "insufficient_quota", NULL, "You exceeded your current quota", RP_ERROR_KIND_QUOTA, FALSE },
    { "openai", 400, "moderation_blocked", "image_generation_user_error", "safety_violations=[x]", RP_ERROR_KIND_MODERATION, FALSE },
    { "openai", 400, "unknown_parameter", "invalid_request_error", "Unknown parameter", RP_ERROR_KIND_INVALID, FALSE },
    { "openai", 401, "invalid_api_key", NULL, NULL, RP_ERROR_KIND_AUTH, FALSE },
    { "openai", 503, NULL, NULL, NULL, RP_ERROR_KIND_TRANSIENT, TRUE },
    { "crazyrouter", 403, "insufficient_quota", NULL, NULL, RP_ERROR_KIND_QUOTA, FALSE },
    { "crazyrouter", 403, NULL, NULL, "model not allowed", RP_ERROR_KIND_AUTH, FALSE },
    { "mixrouter", 400, NULL, "shell_api_error", "Your request was rejected by the safety system "
                                                 "(request id: 1)", RP_ERROR_KIND_MODERATION, FALSE },
    { "venice", 402, "INSUFFICIENT_BALANCE", NULL, NULL, RP_ERROR_KIND_QUOTA, FALSE },
    { "venice", 422, NULL, NULL, "Violates our Content Policy", RP_ERROR_KIND_MODERATION, FALSE },
    { "venice", 422, "IMAGE_TOO_LARGE", NULL, "Image too large", RP_ERROR_KIND_INVALID, FALSE },
    { "venice", 429, "RATE_LIMIT_EXCEEDED", NULL, NULL, RP_ERROR_KIND_RATE_LIMIT, TRUE },
  };

  rp_provider_registry_load (f->registry);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      RpProvider *provider = rp_provider_registry_lookup (f->registry, cases[i].provider);
      RpErrorKind kind = rp_error_config_classify (rp_provider_get_error_config (provider),
                                                   cases[i].status,
                                                   cases[i].code, cases[i].type, cases[i].message);

      g_test_message ("%s %u → %s", cases[i].provider, cases[i].status,
                      rp_error_kind_to_string (kind));
      g_assert_cmpint (kind, ==, cases[i].kind);
      g_assert_cmpint (rp_retry_policy_allows (rp_provider_get_retry_policy (provider),
                                               cases[i].status,
                                               cases[i].code), ==, cases[i].retry);
    }
}

static void
test_transport_config (Fixture       *f,
                       gconstpointer  data)
{
  RpProvider *openai, *quick, *mix, *venice;
  g_autoptr(RpParams) params = NULL;
  const RpResponseSpec *async;

  rp_provider_registry_load (f->registry);
  openai = rp_provider_registry_lookup (f->registry, "openai");
  quick = rp_provider_registry_lookup (f->registry, "quickrouter");
  mix = rp_provider_registry_lookup (f->registry, "mixrouter");
  venice = rp_provider_registry_lookup (f->registry, "venice");

  g_assert_cmpfloat (rp_provider_get_http_config (openai)->read_timeout_s, >=, 300);
  g_assert_cmpint (rp_provider_get_auth (openai)->location, ==, RP_AUTH_HEADER);
  g_assert_cmpstr (rp_provider_get_auth (openai)->format, ==, "Bearer {key}");
  g_assert_cmpstr (rp_provider_get_headers (quick)[0], ==, "Accept");
  g_assert_cmpstr (rp_provider_get_headers (quick)[1], ==, "application/json");
  g_assert_cmpuint (rp_provider_get_retry_policy (venice)->n_reset_headers, ==, 1);
  g_assert_cmpint (rp_provider_get_retry_policy (venice)->reset_headers[0].format, ==,
                   RP_RESET_UNIX);
  g_assert_cmpuint (rp_provider_get_retry_policy (mix)->n_reset_headers, ==, 0);

  params = rp_params_new (mix, "gpt-image-1.5", NULL);
  g_assert_nonnull (params);
  g_assert_true (rp_params_set_boolean (params, "async", TRUE, NULL));
  g_assert_cmpstr (rp_params_get_mode (params), ==, "async");
  async = rp_params_get_response (params);
  g_assert_cmpint (async->kind, ==, RP_RESPONSE_ASYNC_TASK);
  g_assert_false (async->async.verified);
  g_assert_cmpstr (async->async.poll_path_templates[0], ==, "/v1/async/tasks/{id}");
  g_assert_true (g_strv_contains ((const char * const *) async->async.success, "succeeded"));
  g_assert_cmpstr (async->async.result_then, ==, "default");
}

/* The offline fill: a built-in with no address, key or transport, one model that takes the
 * photo and a mask, no prompt, and a seed tucked away. */
static void
test_local (Fixture       *f,
            gconstpointer  data)
{
  RpProvider *local;
  g_autoptr(RpModelInfo) model = NULL;
  g_autoptr(RpModelSpec) spec = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(GError) error = NULL;
  RpParamSpec *seed;
  const RpImageSpec *images;
  RpInputImage photo = { RP_IMAGE_FORMAT_JPEG, 1000, 640, 480, FALSE };
  RpInputImage mask = { RP_IMAGE_FORMAT_PNG, 100, 640, 480, TRUE };
  RpInputs inputs = { &photo, 1, NULL };
  gboolean verifies = TRUE;
  double bound = 0;

  rp_provider_registry_load (f->registry);
  local = rp_provider_registry_lookup (f->registry, "local");
  g_assert_nonnull (local);
  g_assert_cmpint (rp_provider_get_engine (local), ==, RP_PROVIDER_ENGINE_LOCAL);
  g_assert_cmpstr (rp_provider_get_name (local), ==, "Offline Fill");
  g_assert_null (rp_provider_get_base_url (local));
  g_assert_null (rp_provider_get_api_key_env (local));
  g_assert_null (rp_provider_get_website (local));
  g_assert_null (rp_provider_get_check_path (local, &verifies));
  g_assert_false (rp_provider_has_discovery (local));
  g_assert_cmpint (rp_provider_get_auth (local)->location, ==, RP_AUTH_NONE);

  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_get_models (local)), ==, 1);
  model = g_list_model_get_item (rp_provider_get_models (local), 0);
  g_assert_cmpstr (rp_model_info_get_id (model), ==, "patchmatch");
  g_assert_cmpstr (rp_model_info_get_name (model), ==, "Content-Aware Fill");
  g_assert_cmpstr (rp_provider_get_default_model (local), ==, "patchmatch");

  spec = rp_provider_resolve_for_inputs (local, "patchmatch", 1, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_model_spec_get_display_name (spec), ==, "Content-Aware Fill");
  images = rp_model_spec_get_images (spec);
  g_assert_cmpuint (images->min_count, ==, 1);
  g_assert_cmpuint (images->max_count, ==, 1);
  g_assert_true (rp_model_spec_get_mask (spec)->required);
  g_assert_null (rp_model_spec_lookup_param (spec, "prompt"));
  seed = rp_model_spec_lookup_param (spec, "seed");
  g_assert_nonnull (seed);
  g_assert_true (rp_param_spec_get_advanced (seed));
  g_assert_true (rp_param_spec_get_maximum (seed, &bound));
  g_assert_cmpfloat (bound, ==, G_MAXUINT32);

  /* An edit without a mask is refused, and so are references. */
  params = rp_params_new (local, "patchmatch", &error);
  g_assert_no_error (error);
  g_assert_false (rp_params_validate (params, &inputs, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_MASK_REQUIRED);
  g_clear_error (&error);
  inputs.mask = &mask;
  g_assert_true (rp_params_validate (params, &inputs, &error));
  g_assert_no_error (error);
  {
    RpInputImage two[2] = { photo, photo };
    RpInputs with_reference = { two, 2, &mask };

    g_assert_false (rp_params_validate (params, &with_reference, &error));
    g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_IMAGE_COUNT);
    g_clear_error (&error);
  }
  g_assert_true (rp_params_check_value (params, "seed", g_variant_new_int64 (G_MAXUINT32), &error));
  g_assert_false (rp_params_check_value (params, "seed", g_variant_new_int64 (-1), &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_RANGE);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* "engine": "local" takes no network keys, at the top or in an operation, and is only for
 * definitions that ship with Repaint. */
static void
test_local_engine_keys (void)
{
  static const char head[] =
    "{\"id\": \"fill\", \"name\": \"Fill\", \"engine\": \"local\", "
    "\"models\": [{\"id\": \"m\"}], ";
  static const struct {
    const char *rest;
    const char *needle;   /* NULL: loads */
  } cases[] = {
    { "\"operations\": {\"edit\": {\"params\": {}}}}", NULL },
    { "\"base_url\": \"https://x.example/v1\", \"operations\": {\"edit\": {\"params\": {}}}}", "“base_url”" },
    { "\"api_key_env\": \"X_KEY\", \"operations\": {\"edit\": {\"params\": {}}}}", "“api_key_env”" },
    { "\"auth\": {\"in\": \"none\"}, \"operations\": {\"edit\": {\"params\": {}}}}", "“auth”" },
    { "\"check\": {\"path\": \"/models\"}, \"operations\": {\"edit\": {\"params\": {}}}}", "“check”" },
    { "\"http\": {}, \"operations\": {\"edit\": {\"params\": {}}}}", "“http”" },
    { "\"retry\": {}, \"operations\": {\"edit\": {\"params\": {}}}}", "“retry”" },
    { "\"errors\": {}, \"operations\": {\"edit\": {\"params\": {}}}}", "“errors”" },
    { "\"discovery\": {\"path\": \"/models\", \"map\": {}}, \"operations\": {\"edit\": {\"params\": {}}}}", "“discovery”" },
    { "\"operations\": {\"edit\": {\"path\": \"/edit\", \"params\": {}}}}", "“operations.edit.path”" },
    { "\"operations\": {\"edit\": {\"method\": \"POST\", \"params\": {}}}}", "“operations.edit.method”" },
    { "\"operations\": {\"edit\": {\"params\": {}, \"responses\": {}}}}", "“operations.edit.responses”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat (head, cases[i].rest, NULL);
      g_autoptr(JsonObject) definition = parse_object (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpProvider) provider = rp_provider_new_from_json (definition, "test", TRUE, &error);

      if (cases[i].needle == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (rp_provider_is_local (provider));
          g_assert_null (rp_provider_get_base_url (provider));
          continue;
        }
      g_assert_null (provider);
      g_test_message ("%s", error->message);
      g_assert_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_nonnull (strstr (error->message, "this computer"));
    }

  /* The same, valid definition from a user file. */
  {
    g_autofree char *text = g_strconcat (head, cases[0].rest, NULL);
    g_autoptr(JsonObject) definition = parse_object (text);
    g_autoptr(GError) error = NULL;
    g_autoptr(RpProvider) provider = rp_provider_new_from_json (definition, "mine.json", FALSE, &error);

    g_assert_null (provider);
    g_assert_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "built into Repaint"));
  }
  /* An HTTP definition still needs its address and key variable. */
  {
    g_autoptr(JsonObject) definition =
      parse_object ("{\"id\": \"web\", \"name\": \"Web\", \"models\": [{\"id\": \"m\"}], "
                    "\"operations\": {\"edit\": {\"params\": {}}}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(RpProvider) provider = rp_provider_new_from_json (definition, "test", TRUE, &error);

    g_assert_null (provider);
    g_assert_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "base_url"));
  }
}

static void
test_labels (void)
{
  g_autofree char *size = rp_param_choice_label ("size", "1536x1024");
  g_autofree char *ratio = rp_param_choice_label ("aspect_ratio", "16:9");
  g_autofree char *formats = rp_param_choices_text ("output_format",
                                                    (const char * const[]) { "png", "jpeg", "webp", NULL });

  g_assert_cmpstr (rp_param_label ("output_compression"), ==, "Output compression");
  g_assert_cmpstr (rp_param_label ("my_custom_knob"), ==, "my_custom_knob");
  g_assert_nonnull (rp_param_description ("safe_mode"));
  g_assert_null (rp_param_description ("my_custom_knob"));
  g_assert_cmpstr (size, ==, "1536 × 1024");
  g_assert_cmpstr (ratio, ==, "16:9");
  g_assert_cmpstr (formats, ==, "PNG, JPEG or WebP");
  for (const char * const *name = (const char * const[]) {
         "prompt", "n", "size", "quality", "background", "output_format", "output_compression",
         "input_fidelity", "moderation", "stream", "partial_images", "user", "aspect_ratio",
         "resolution", "safe_mode", "enhance_prompt", "response_format", NULL };
       *name != NULL; name++)
    g_assert_cmpstr (rp_param_label (*name), !=, *name);
}

static void
test_glob (void)
{
  static const struct { const char *pattern, *text; gboolean match; } cases[] = {
    { "gpt-image-2*", "gpt-image-2", TRUE },
    { "gpt-image-2*", "gpt-image-2-2026-04-21", TRUE },
    { "gpt-image-2*", "gpt-image-1", FALSE },
    { "flux-kontext-*", "flux-kontext-max", TRUE },
    { "*-edit", "qwen-image-2-edit", TRUE },
    { "*-edit", "qwen-image-2-editor", FALSE },
    { "luma-*-edit", "luma-uni-1-max-edit", TRUE },
    { "dall-e-2", "dall-e-2", TRUE },
    { "dall-e-2", "dall-e-3", FALSE },
    { "*", "", TRUE },
    { "a*", "", FALSE },
  };
  g_autofree char *text = g_strnfill (200, 'a');
  g_autoptr(GString) hostile = g_string_new (NULL);
  gint64 start;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (rp_json_glob_match (cases[i].pattern, cases[i].text), ==, cases[i].match);

  /* Thirty stars against a long id that almost matches: no exponential backtracking. */
  for (guint i = 0; i < 30; i++)
    g_string_append (hostile, "a*");
  g_string_append_c (hostile, 'b');
  start = g_get_monotonic_time ();
  g_assert_false (rp_json_glob_match (hostile->str, text));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/repaint/providers/check", test_check);
  ADD ("/repaint/providers/builtins-load", test_builtins_load);
  ADD ("/repaint/providers/models-resolve", test_models_resolve);
  ADD ("/repaint/providers/paths", test_paths);
  ADD ("/repaint/providers/operation-select", test_operation_select);
  ADD ("/repaint/providers/field-names", test_field_names);
  ADD ("/repaint/providers/user-relay", test_user_relay);
  ADD ("/repaint/providers/user-override", test_user_override);
  ADD ("/repaint/providers/broken-files", test_broken_files);
  ADD ("/repaint/providers/error-classify", test_error_classify);
  ADD ("/repaint/providers/transport-config", test_transport_config);
  ADD ("/repaint/providers/local", test_local);
#undef ADD
  g_test_add_func ("/repaint/providers/local-engine-keys", test_local_engine_keys);
  g_test_add_func ("/repaint/providers/base-url", test_base_url);
  g_test_add_func ("/repaint/providers/labels", test_labels);
  g_test_add_func ("/repaint/providers/glob", test_glob);

  return g_test_run ();
}
