/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test Connection against the in-process fake provider. */
#include "config.h"

#include <string.h>

#include "fake-provider.h"
#include "rp-core.h"
#include "rp-test-util.h"

#define TEST_KEY "sk-test-check-0123456789"

typedef struct
{
  RpFakeProvider     *fake;
  RpProviderRegistry *registry;
  char               *dir;
  char               *base;   /* the fake's URL ending in /v1 */
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *nowhere = NULL;

  f->dir = rp_test_tmpdir ();
  nowhere = g_build_filename (f->dir, "none", NULL);
  f->fake = rp_fake_provider_new ();
  f->base = rp_fake_provider_url (f->fake, "/v1");
  f->registry = rp_provider_registry_new (nowhere, nowhere);
  rp_provider_registry_load (f->registry);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->registry);
  g_clear_object (&f->fake);
  g_clear_pointer (&f->base, g_free);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
}

static void
store (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static RpCheckResult
check (Fixture     *f,
       const char  *provider_id,
       const char  *base,
       const char  *key,
       GError     **error)
{
  RpProvider *provider = rp_provider_registry_lookup (f->registry, provider_id);
  g_autoptr(GAsyncResult) result = NULL;

  rp_provider_check_async (provider, base, key, NULL, store, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return rp_provider_check_finish (provider, result, error);
}

static void
test_key_works (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RpFakeRequest *request;

  g_assert_cmpint (check (f, "openai", f->base, TEST_KEY, &error), ==, RP_CHECK_KEY_WORKS);
  g_assert_no_error (error);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->fake), ==, 1);
  request = rp_fake_provider_get_request (f->fake, 0);
  g_assert_cmpstr (rp_fake_request_get_method (request), ==, "GET");
  g_assert_cmpstr (rp_fake_request_get_path (request), ==, "/v1/models");
  g_assert_cmpstr (rp_fake_request_get_header (request, "Authorization"), ==, "Bearer " TEST_KEY);
  rp_fake_request_unref (request);
}

static void
test_key_refused (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  rp_fake_provider_push (f->fake, "/models", RP_FAKE_INVALID_API_KEY);
  g_assert_cmpint (check (f, "openai", f->base, "sk-wrong", &error), ==, RP_CHECK_KEY_REFUSED);
  text = rp_check_result_describe (RP_CHECK_KEY_REFUSED, rp_provider_registry_lookup (f->registry, "openai"), NULL);
  g_assert_nonnull (strstr (text, "refused"));
  g_assert_null (strstr (text, "sk-wrong"));
}

/* Without a key nothing is sent (the check would only say what we know). */
static void
test_no_key (Fixture       *f,
             gconstpointer  data)
{
  g_assert_cmpint (check (f, "openai", f->base, NULL, NULL), ==, RP_CHECK_NO_KEY);
  g_assert_cmpint (check (f, "openai", f->base, "", NULL), ==, RP_CHECK_NO_KEY);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->fake), ==, 0);
}

/* Venice's list needs no key: the check says only that the service answers, and does not
 * send the key there. */
static void
test_reachable_only (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *venice_base = rp_fake_provider_url (f->fake, "/api/v1");
  RpFakeRequest *request;

  g_assert_cmpint (check (f, "venice", venice_base, TEST_KEY, NULL), ==, RP_CHECK_REACHABLE);
  request = rp_fake_provider_get_request (f->fake, 0);
  g_assert_null (rp_fake_request_get_header (request, "Authorization"));
  rp_fake_request_unref (request);
}

static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  RpFakeFault fault = { .behavior = RP_FAKE_SERVER_ERROR, .status = 503 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) unreachable = NULL;
  g_autoptr(GError) insecure = NULL;

  rp_fake_provider_push_fault (f->fake, "/models", &fault);
  g_assert_cmpint (check (f, "openai", f->base, TEST_KEY, &error), ==, RP_CHECK_FAILED);
  g_assert_nonnull (strstr (error->message, "HTTP 503"));
  g_assert_null (strstr (error->message, TEST_KEY));

  /* Port 1 on loopback: nothing listens. */
  g_assert_cmpint (check (f, "openai", "http://127.0.0.1:1/v1", TEST_KEY, &unreachable), ==, RP_CHECK_FAILED);
  g_assert_nonnull (strstr (unreachable->message, "could not be reached"));
  g_assert_null (strstr (unreachable->message, TEST_KEY));

  /* Plain http to another host is refused before anything is sent. */
  g_assert_cmpint (check (f, "openai", "http://api.example.com/v1", TEST_KEY, &insecure), ==, RP_CHECK_FAILED);
  g_assert_error (insecure, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INSECURE_URL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/repaint/provider-check/key-works", Fixture, NULL, setup, test_key_works, teardown);
  g_test_add ("/repaint/provider-check/key-refused", Fixture, NULL, setup, test_key_refused, teardown);
  g_test_add ("/repaint/provider-check/no-key", Fixture, NULL, setup, test_no_key, teardown);
  g_test_add ("/repaint/provider-check/reachable-only", Fixture, NULL, setup, test_reachable_only, teardown);
  g_test_add ("/repaint/provider-check/failures", Fixture, NULL, setup, test_failures, teardown);

  return g_test_run ();
}
