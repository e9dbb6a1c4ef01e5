/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

/* Generous: the fake server answers at once, this only stops a broken test from hanging. */
#define WAIT_LIMIT_S 20

/* Shaped like Venice's GET /models?type=inpaint (PROVIDERS.md §5.5): one known model, one
 * new one, one of another type and one whose constraints are unusable. */
static const char good_reply[] =
  "{\"object\": \"list\", \"type\": \"inpaint\", \"data\": ["
  " {\"id\": \"gpt-image-2-edit\", \"type\": \"inpaint\", \"model_spec\": {\"name\": \"GPT Image "
  "2 (edit)\","
  "   \"pricing\": {\"inpaint\": {\"usd\": 0.34}},"
  "   \"constraints\": {\"aspectRatios\": [\"auto\", \"1:1\", \"16:9\", \"9:16\"], "
  "\"promptCharacterLimit\": 1500,"
  "     \"combineImages\": true, \"maxInputImages\": 14, \"defaultResolution\": \"2K\","
  "     \"resolutions\": [\"1K\", \"2K\", \"4K\"], \"defaultQuality\": \"medium\","
  "     \"qualities\": [\"low\", \"medium\", \"high\"]}}},"
  " {\"id\": \"brand-new-edit\", \"type\": \"inpaint\", \"model_spec\": {\"name\": \"Brand New "
  "Edit\","
  "   \"constraints\": {\"aspectRatios\": [\"auto\", \"1:1\"], \"promptCharacterLimit\": 900,"
  "     \"combineImages\": false}}},"
  " {\"id\": \"some-upscaler\", \"type\": \"upscale\", \"model_spec\": {\"name\": \"Upscaler\"}},"
  " {\"id\": \"garbled-edit\", \"type\": \"inpaint\", \"model_spec\": {\"constraints\": "
  "{\"aspectRatios\": [1, 2],"
  "     \"promptCharacterLimit\": \"lots\", \"combineImages\": true}}}"
  "]}";

typedef struct
{
  char               *dir;
  char               *user_dir;
  char               *cache_dir;
  SoupServer         *server;
  guint               port;
  const char         *reply;      /* NULL: answer 500 */
  guint               requests;
  char               *last_query;
  char               *last_authorization;
} Fixture;

static void
models_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  f->requests++;
  g_free (f->last_query);
  f->last_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_free (f->last_authorization);
  f->last_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  if (f->reply == NULL)
    {
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, f->reply,
                                    strlen (f->reply));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  f->dir = rp_test_tmpdir ();
  f->user_dir = g_build_filename (f->dir, "providers", NULL);
  f->cache_dir = g_build_filename (f->dir, "cache", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->user_dir, 0700), ==, 0);
  f->reply = good_reply;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/api/v1/models", models_handler, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  /* Let the server finish with connections the clients have closed. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
  g_free (f->user_dir);
  g_free (f->cache_dir);
  g_free (f->last_query);
  g_free (f->last_authorization);
}

/* Points Venice at the fake server: the user file changes only the base URL. */
static void
point_venice_at (Fixture *f,
                 guint    port)
{
  g_autofree char *path = g_build_filename (f->user_dir, "venice-local.json", NULL);
  g_autofree char *contents = g_strdup_printf ("{\"id\": \"venice\", \"extends\": \"venice\","
                                               " \"base_url\": \"http://127.0.0.1:%u/api/v1\"}", port);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static RpProviderRegistry *
load_registry (Fixture *f)
{
  RpProviderRegistry *registry = rp_provider_registry_new (f->user_dir, f->cache_dir);

  rp_provider_registry_load (registry);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (registry)), ==, 0);
  return registry;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_S * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *slot;
}

static gboolean
discover (RpProviderRegistry  *registry,
          GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rp_provider_registry_discover_async (registry, NULL, store_result, &result);
  return rp_provider_registry_discover_finish (registry, wait_for (&result), error);
}

static char **
model_ids (RpProvider *provider)
{
  GListModel *models = rp_provider_get_models (provider);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(RpModelInfo) info = g_list_model_get_item (models, i);

      g_strv_builder_add (builder, rp_model_info_get_id (info));
    }
  return g_strv_builder_end (builder);
}

static void
assert_discovered_list (RpProvider *venice)
{
  g_auto(GStrv) ids = model_ids (venice);
  RpModelInfo *gpt, *fresh;

  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "gpt-image-2-edit");
  g_assert_cmpstr (ids[1], ==, "brand-new-edit");
  g_assert_true (rp_provider_get_models_discovered (venice));
  gpt = rp_provider_lookup_model (venice, "gpt-image-2-edit");
  fresh = rp_provider_lookup_model (venice, "brand-new-edit");
  g_assert_true (rp_model_info_get_discovered (gpt));
  /* The definition's name wins over the list's; a model only the list knows takes its name. */
  g_assert_cmpstr (rp_model_info_get_name (gpt), ==, "GPT Image 2 Edit");
  g_assert_cmpstr (rp_model_info_get_name (fresh), ==, "Brand New Edit");
  g_assert_nonnull (rp_model_info_get_pricing (gpt));
  /* The definition's default is gone from the list, so the first listed model is offered. */
  g_assert_cmpstr (rp_provider_get_default_model (venice), ==, "gpt-image-2-edit");
}

static void
assert_discovered_specs (RpProvider *venice)
{
  g_autoptr(RpModelSpec) gpt = rp_provider_resolve (venice, "gpt-image-2-edit", "multi_edit", NULL);
  g_autoptr(RpModelSpec) fresh = rp_provider_resolve (venice, "brand-new-edit", "multi_edit", NULL);
  g_autoptr(RpModelSpec) fresh_edit = rp_provider_resolve (venice, "brand-new-edit", "edit", NULL);
  g_autoptr(RpParams) params = NULL;
  RpParamSpec *ratio, *quality, *resolution;
  g_autoptr(GError) error = NULL;
  static const RpInputImage photo = { RP_IMAGE_FORMAT_JPEG, 2000000, 2048, 1536, FALSE };
  static const RpInputImage mask = { RP_IMAGE_FORMAT_PNG, 50000, 2048, 1536, TRUE };
  RpInputs inputs = { &photo, 1, &mask };

  g_assert_nonnull (gpt);
  ratio = rp_model_spec_lookup_param (gpt, "aspect_ratio");
  g_assert_cmpstrv (rp_param_spec_get_choices (ratio), ((const char * const[]) { "auto", "1:1",
                                                        "16:9", "9:16", NULL }));
  g_assert_cmpuint (rp_param_spec_get_max_length (rp_model_spec_lookup_param (gpt, "prompt")), ==,
                    1500);
  g_assert_cmpuint (rp_model_spec_get_images (gpt)->max_count, ==, 14);
  quality = rp_model_spec_lookup_param (gpt, "quality");
  g_assert_cmpstr (g_variant_get_string (rp_param_spec_get_default (quality), NULL), ==, "medium");
  resolution = rp_model_spec_lookup_param (gpt, "resolution");
  g_assert_cmpstr (g_variant_get_string (rp_param_spec_get_default (resolution), NULL), ==, "2K");

  /* combineImages false and no maxInputImages: one image, so not even room for a mask layer. */
  g_assert_nonnull (fresh);
  g_assert_cmpuint (rp_model_spec_get_images (fresh)->max_count, ==, 1);
  g_assert_cmpuint (rp_param_spec_get_max_length (rp_model_spec_lookup_param (fresh, "prompt")),
                    ==, 900);
  /* No qualities in its constraints: the plain edit does not grow a quality parameter. */
  g_assert_null (rp_model_spec_lookup_param (fresh_edit, "quality"));
  params = rp_params_new (venice, "brand-new-edit", NULL);
  g_assert_true (rp_params_set_string (params, "prompt", "a boat", NULL));
  g_assert_false (rp_params_validate (params, &inputs, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_IMAGE_COUNT);
}

static void
test_discover_and_cache (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RpProviderRegistry) registry = NULL;
  g_autoptr(RpProviderRegistry) next_start = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(JsonNode) cached = NULL;
  RpProvider *venice;

  point_venice_at (f, f->port);
  registry = load_registry (f);
  venice = rp_provider_registry_lookup (registry, "venice");
  /* Loading never touches the network. */
  g_assert_cmpuint (f->requests, ==, 0);
  g_assert_false (rp_provider_get_models_discovered (venice));
  g_assert_nonnull (rp_provider_lookup_model (venice, "firered-image-edit"));

  g_assert_true (discover (registry, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 1);
  g_assert_cmpstr (f->last_query, ==, "type=inpaint");
  g_assert_null (f->last_authorization);
  assert_discovered_list (venice);
  assert_discovered_specs (venice);
  g_assert_null (rp_provider_lookup_model (venice, "firered-image-edit"));
  g_assert_null (rp_provider_lookup_model (venice, "garbled-edit"));

  /* The reply is cached as written, with the address it came from. */
  cache_path = rp_provider_get_discovery_cache_path (venice, f->cache_dir);
  g_assert_true (g_str_has_prefix (cache_path, f->cache_dir));
  g_assert_true (g_file_get_contents (cache_path, &cache, NULL, NULL));
  cached = json_from_string (cache, NULL);
  g_assert_nonnull (cached);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (cached), "base_url"), ==,
                   rp_provider_get_base_url (venice));

  /* The next start uses the cache without asking the server. */
  next_start = load_registry (f);
  g_assert_cmpuint (f->requests, ==, 1);
  assert_discovered_list (rp_provider_registry_lookup (next_start, "venice"));
  assert_discovered_specs (rp_provider_registry_lookup (next_start, "venice"));
}

static void
test_bad_replies (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) deep = g_string_new ("{\"data\": ");
  const char *replies[] = {
    NULL,   /* nested far too deep, filled in below */
    "",
    "not json at all {",
    "[\"a list\", \"not an object\"]",
    "{\"data\": \"nope\"}",
    "{\"data\": []}",
    "{\"data\": [{\"id\": \"garbled-edit\", \"type\": \"inpaint\", \"model_spec\": "
    "{\"constraints\": {\"aspectRatios\": [1]}}}]}",
    NULL,   /* HTTP 500 */
  };
  g_autofree char *cache_path = g_build_filename (f->cache_dir, "models", "venice.json", NULL);

  for (guint i = 0; i < 300000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 300000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  replies[0] = deep->str;

  point_venice_at (f, f->port);
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autoptr(RpProviderRegistry) registry = load_registry (f);
      RpProvider *venice = rp_provider_registry_lookup (registry, "venice");
      g_autoptr(GError) error = NULL;
      guint before = g_list_model_get_n_items (rp_provider_get_models (venice));

      f->reply = replies[i];
      g_assert_false (discover (registry, &error));
      g_test_message ("reply %u → %s", i, error->message);
      g_assert_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY);
      g_assert_nonnull (strstr (error->message, "Venice.ai"));
      if (replies[i] == NULL)
        g_assert_nonnull (strstr (error->message, "500"));
      /* Nothing changed: the built-in list stays and nothing was cached. */
      g_assert_false (rp_provider_get_models_discovered (venice));
      g_assert_cmpuint (g_list_model_get_n_items (rp_provider_get_models (venice)), ==, before);
      g_assert_nonnull (rp_provider_lookup_model (venice, "firered-image-edit"));
      g_assert_false (g_file_test (cache_path, G_FILE_TEST_EXISTS));
    }
}

static void
test_bad_reply_keeps_cache (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(RpProviderRegistry) first = NULL;
  g_autoptr(RpProviderRegistry) second = NULL;
  g_autoptr(RpProviderRegistry) elsewhere = NULL;
  g_autofree char *cache_path = g_build_filename (f->cache_dir, "models", "venice.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  point_venice_at (f, f->port);
  first = load_registry (f);
  g_assert_true (discover (first, NULL));
  g_assert_true (g_file_get_contents (cache_path, &before, NULL, NULL));

  f->reply = "{ broken";
  second = load_registry (f);
  g_assert_false (discover (second, &error));
  assert_discovered_list (rp_provider_registry_lookup (second, "venice"));
  g_assert_true (g_file_get_contents (cache_path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  /* A cache fetched from another address is not used. */
  point_venice_at (f, f->port + 1);
  elsewhere = load_registry (f);
  g_assert_false (rp_provider_get_models_discovered (rp_provider_registry_lookup (elsewhere,
                                                                                  "venice")));
  g_assert_nonnull (rp_provider_lookup_model (rp_provider_registry_lookup (elsewhere, "venice"),
                                              "firered-image-edit"));
}

/* Whatever sits where the cache should be, start-up goes on with the built-in list. */
static void
test_odd_cache (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *cache_path = g_build_filename (f->cache_dir, "models", "venice.json", NULL);
  static const char *contents[] = {
    "",
    "{\"version\": 1, \"base_url\": \"http://127.0.0.1:1/api/v1\", \"reply\": {\"data\": []}}",
    "{\"version\": 99}",
    "\x89PNG not json",
  };

  point_venice_at (f, f->port);
  g_assert_cmpint (g_mkdir_with_parents (cache_path, 0700), ==, 0);
  for (guint i = 0; i <= G_N_ELEMENTS (contents); i++)
    {
      g_autoptr(RpProviderRegistry) registry = NULL;
      RpProvider *venice;

      if (i > 0)
        {
          g_assert_cmpint (g_remove (cache_path), ==, 0);
          g_assert_true (g_file_set_contents (cache_path, contents[i - 1], -1, NULL));
        }
      registry = load_registry (f);
      venice = rp_provider_registry_lookup (registry, "venice");
      g_assert_false (rp_provider_get_models_discovered (venice));
      g_assert_nonnull (rp_provider_lookup_model (venice, "firered-image-edit"));
    }
  g_assert_cmpuint (f->requests, ==, 0);
}

static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(RpProviderRegistry) registry = NULL;
  g_autoptr(GError) error = NULL;
  guint port = f->port;

  /* Nothing listens there once the server is gone. */
  soup_server_disconnect (f->server);
  point_venice_at (f, port);
  registry = load_registry (f);
  g_assert_false (discover (registry, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY);
  g_assert_nonnull (rp_provider_lookup_model (rp_provider_registry_lookup (registry, "venice"),
                                              "firered-image-edit"));
}

static void
test_key_and_cancel (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(RpProviderRegistry) registry = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  RpProvider *venice;

  point_venice_at (f, f->port);
  registry = load_registry (f);
  venice = rp_provider_registry_lookup (registry, "venice");

  /* Venice's list takes a key when there is one; it goes in the provider's auth header. */
  rp_provider_discover_async (venice, session, f->cache_dir, "test-key-123", NULL, store_result,
                              &result);
  g_assert_true (rp_provider_discover_finish (venice, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_authorization, ==, "Bearer test-key-123");

  /* A key with a line break would inject headers: it is not sent at all. */
  g_clear_object (&result);
  rp_provider_discover_async (venice, session, f->cache_dir, "bad\r\nX-Evil: 1", NULL,
                              store_result, &result);
  g_assert_true (rp_provider_discover_finish (venice, wait_for (&result), NULL));
  g_assert_null (f->last_authorization);

  g_cancellable_cancel (cancellable);
  rp_provider_discover_async (venice, session, f->cache_dir, NULL, cancellable, store_result,
                              &cancelled_result);
  g_assert_false (rp_provider_discover_finish (venice, wait_for (&cancelled_result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  soup_session_abort (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/repaint/discovery/discover-and-cache", test_discover_and_cache);
  ADD ("/repaint/discovery/bad-replies", test_bad_replies);
  ADD ("/repaint/discovery/bad-reply-keeps-cache", test_bad_reply_keeps_cache);
  ADD ("/repaint/discovery/odd-cache", test_odd_cache);
  ADD ("/repaint/discovery/unreachable", test_unreachable);
  ADD ("/repaint/discovery/key-and-cancel", test_key_and_cancel);
#undef ADD

  return g_test_run ();
}
