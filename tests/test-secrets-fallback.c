/* SPDX-License-Identifier: GPL-3.0-or-later */
/* API keys when no Secret Service answers: none on the bus, one that never replies, no bus. */
#include "config.h"

#include <libsecret/secret.h>

#include <glib/gstdio.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-secrets.h"
#include "rp-test-util.h"

/* Short timeouts so the silent keyring costs little; the bounds below leave room for a
 * loaded machine while still failing long before the 25 s D-Bus default. */
#define TEST_TIMEOUT_MS 300
#define FAST_LIMIT_US   (5 * G_USEC_PER_SEC)
#define WAIT_LIMIT_S    20
#define ENV_KEY         "sk-env-Hk3mP0qR"

typedef struct
{
  char               *dir;
  GTestDBus          *bus;
  RpProviderRegistry *registry;
  RpProvider         *openai;
  RpProvider         *venice;
} Fixture;

static void
load_providers (Fixture *f)
{
  g_autofree char *nowhere = g_build_filename (f->dir, "none", NULL);

  f->registry = rp_provider_registry_new (nowhere, nowhere);
  rp_provider_registry_load (f->registry);
  f->openai = g_object_ref (rp_provider_registry_lookup (f->registry, "openai"));
  f->venice = g_object_ref (rp_provider_registry_lookup (f->registry, "venice"));
  g_setenv ("OPENAI_API_KEY", ENV_KEY, TRUE);
  g_unsetenv ("VENICE_API_KEY");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = rp_test_tmpdir ();
  /* A bus whose service folder is empty: nothing provides org.freedesktop.secrets. */
  f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (f->bus);
  load_providers (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->openai);
  g_clear_object (&f->venice);
  g_clear_object (&f->registry);
  /* libsecret keeps one shared connection to the Secret Service; let it go with the bus. */
  secret_service_disconnect ();
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
}

static void
assert_key_never_leaked (const char *dir)
{
  const char *headless = g_getenv ("REPAINT_HEADLESS_TMP");

  g_assert_null (strstr (rp_test_captured_logs (), RP_TEST_SECRET_KEY));
  if (dir != NULL)
    g_assert_false (rp_test_tree_contains (dir, RP_TEST_SECRET_KEY));
  /* Under the headless runner every XDG folder is throw-away: none may hold the key. */
  if (headless != NULL)
    g_assert_false (rp_test_tree_contains (headless, RP_TEST_SECRET_KEY));
}

/* The whole fallback story with whatever keyring situation the caller set up. */
static void
check_fallbacks (RpProvider *openai,
                 RpProvider *venice,
                 gboolean    expect_wait)
{
  g_autoptr(RpSecrets) secrets = rp_secrets_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RpSecretsKey) key = NULL;
  RpSecretSource source = RP_SECRET_SOURCE_NONE;
  gint64 start;

  rp_secrets_set_connect_timeout (secrets, TEST_TIMEOUT_MS);
  rp_secrets_set_operation_timeout (secrets, TEST_TIMEOUT_MS);

  start = g_get_monotonic_time ();
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, openai, &source);
  g_assert_cmpint (g_get_monotonic_time () - start, <, FAST_LIMIT_US);
  if (expect_wait)
    g_assert_cmpint (g_get_monotonic_time () - start, >=, TEST_TIMEOUT_MS * 1000 * 8 / 10);
  g_assert_cmpstr (key, ==, ENV_KEY);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_ENVIRONMENT);
  g_assert_cmpint (rp_secrets_get_keyring_state (secrets), ==, RP_KEYRING_STATE_UNAVAILABLE);
  g_clear_pointer (&key, rp_secrets_key_free);

  /* Storing says so, keeps the key for the session, and the session key wins. */
  start = g_get_monotonic_time ();
  g_assert_false (rp_test_secrets_store (WAIT_LIMIT_S, secrets, openai, RP_TEST_SECRET_KEY, &source, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, FAST_LIMIT_US);
  g_assert_error (error, RP_SECRETS_ERROR, RP_SECRETS_ERROR_NO_KEYRING);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "session"));
  g_assert_nonnull (strstr (error->message, "OpenAI"));
  g_assert_null (strstr (error->message, RP_TEST_SECRET_KEY));
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_SESSION);
  g_clear_error (&error);
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, openai, &source);
  g_assert_cmpstr (key, ==, RP_TEST_SECRET_KEY);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_SESSION);
  g_clear_pointer (&key, rp_secrets_key_free);
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, venice, &source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_NONE);

  /* Clearing forgets the session key at once even though the keyring cannot be reached. */
  g_assert_false (rp_test_secrets_clear (WAIT_LIMIT_S, secrets, openai, &error));
  g_assert_error (error, RP_SECRETS_ERROR, RP_SECRETS_ERROR_NO_KEYRING);
  g_clear_error (&error);
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, openai, &source);
  g_assert_cmpstr (key, ==, ENV_KEY);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_ENVIRONMENT);
}

static void
test_no_service (Fixture       *f,
                 gconstpointer  data)
{
  check_fallbacks (f->openai, f->venice, FALSE);
  assert_key_never_leaked (f->dir);
}

static gint dropped_calls;

/* Swallows every method call: a keyring that owns its name but never answers. */
static GDBusMessage *
drop_calls (GDBusConnection *connection,
            GDBusMessage    *message,
            gboolean         incoming,
            gpointer         user_data)
{
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_atomic_int_inc (&dropped_calls);
      g_object_unref (message);
      return NULL;
    }
  return message;
}

static void
test_silent_service (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) silent = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 result = 0;

  silent = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (f->bus),
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (silent, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);   /* primary owner */
  g_dbus_connection_add_filter (silent, drop_calls, NULL, NULL);

  check_fallbacks (f->openai, f->venice, TRUE);
  g_assert_cmpint (g_atomic_int_get (&dropped_calls), >, 0);
  assert_key_never_leaked (f->dir);
  g_dbus_connection_close_sync (silent, NULL, NULL);
}

static void
test_no_bus (void)
{
  if (g_test_subprocess ())
    {
      Fixture f = { 0 };

      /* Before anything connects: a bus address where nothing listens, and no X display that
       * could auto-launch one. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/repaint-test-bus", TRUE);
      g_unsetenv ("DISPLAY");
      f.dir = rp_test_tmpdir ();
      load_providers (&f);
      check_fallbacks (f.openai, f.venice, FALSE);
      assert_key_never_leaked (f.dir);
      g_clear_object (&f.openai);
      g_clear_object (&f.venice);
      g_clear_object (&f.registry);
      rp_test_tmpdir_remove (f.dir);
      g_free (f.dir);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  rp_test_capture_logs ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/repaint/secrets/no-service", Fixture, NULL, fixture_set_up, test_no_service,
              fixture_tear_down);
  g_test_add ("/repaint/secrets/silent-service", Fixture, NULL, fixture_set_up, test_silent_service,
              fixture_tear_down);
  g_test_add_func ("/repaint/secrets/no-bus", test_no_bus);

  return g_test_run ();
}
