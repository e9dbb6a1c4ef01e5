/* SPDX-License-Identifier: GPL-3.0-or-later */
/* API keys against a real gnome-keyring on a private session bus. */
#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-secrets.h"
#include "rp-test-util.h"

#define KEYRING_PASSWORD "test"
#define WAIT_LIMIT_S     30

/* The schema as another program would see it, to check the key really is in the keyring. */
static const SecretSchema outside_schema = {
  "io.github.repaint.Repaint.ApiKey", SECRET_SCHEMA_NONE,
  { { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
};

typedef struct
{
  char               *dir;
  GTestDBus          *bus;
  GSubprocess        *keyring;
  RpProviderRegistry *registry;
  RpProvider         *openai;
  RpProvider         *venice;
} Fixture;

static void
start_keyring (Fixture *f)
{
  g_autofree char *data_dir = g_build_filename (f->dir, "data", NULL);
  g_autofree char *runtime_dir = g_build_filename (f->dir, "runtime", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *stdin_pipe;

  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (runtime_dir, 0700), ==, 0);
  /* stdout belongs to TAP; the daemon prints its environment there. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                g_test_dbus_get_bus_address (f->bus), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  f->keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon",
                                            "--foreground",
                                            "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  stdin_pipe = g_subprocess_get_stdin_pipe (f->keyring);
  g_output_stream_write_all (stdin_pipe, KEYRING_PASSWORD, strlen (KEYRING_PASSWORD), NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, NULL);
  g_assert_true (rp_test_wait_bus_name (g_test_dbus_get_bus_address (f->bus),
                                        "org.freedesktop.secrets",
                                        WAIT_LIMIT_S));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *nowhere = NULL;
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");

  if (daemon == NULL)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }
  /* libsecret 0.20 keeps a reference to the session connection for the life of the
   * process, which a private test bus cannot outlive. So the parent owns the bus, the daemon
   * and the folder, and each test runs in a child process that inherits them. */
  if (g_test_subprocess ())
    f->dir = g_strdup (g_getenv ("RP_TEST_SECRETS_DIR"));
  else
    {
      f->dir = rp_test_tmpdir ();
      g_assert_cmpint (g_chmod (f->dir, 0700), ==, 0);
      f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (f->bus);
      start_keyring (f);
      g_setenv ("RP_TEST_SECRETS_DIR", f->dir, TRUE);
    }

  nowhere = g_build_filename (f->dir, "none", NULL);
  f->registry = rp_provider_registry_new (nowhere, nowhere);
  rp_provider_registry_load (f->registry);
  f->openai = g_object_ref (rp_provider_registry_lookup (f->registry, "openai"));
  f->venice = g_object_ref (rp_provider_registry_lookup (f->registry, "venice"));
  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("VENICE_API_KEY");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->dir == NULL)
    return;
  g_clear_object (&f->openai);
  g_clear_object (&f->venice);
  g_clear_object (&f->registry);
  if (g_test_subprocess ())
    {
      /* The parent's bus, daemon and folder: the parent cleans them up. */
      g_clear_pointer (&f->dir, g_free);
      return;
    }
  /* Only the daemon this test started, by its own handle. */
  g_subprocess_force_exit (f->keyring);
  g_subprocess_wait (f->keyring, NULL, NULL);
  g_clear_object (&f->keyring);
  /* GDBus drops its last references to the connection from idle callbacks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
}

/* Asks the Secret Service directly, as another program would. A private connection rather
 * than libsecret's shared one, which outlives the test's bus. */
static char *
outside_lookup (const char *provider_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_open_sync (SECRET_TYPE_SERVICE, NULL,
                                                               SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_autoptr(GHashTable) attributes = secret_attributes_build (&outside_schema, "provider",
                                                              provider_id, NULL);
  SecretValue *value;
  char *text;

  g_assert_no_error (error);
  value = secret_service_lookup_sync (service, &outside_schema, attributes, NULL, &error);
  g_assert_no_error (error);
  if (value == NULL)
    return NULL;
  text = g_strdup (secret_value_get_text (value));
  secret_value_unref (value);
  return text;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(RpSecrets) secrets = NULL;
  g_autoptr(RpSecrets) later = NULL;
  g_autoptr(GError) error = NULL;
  RpSecretSource source = RP_SECRET_SOURCE_KEYRING;
  g_autoptr(RpSecretsKey) key = NULL;
  g_autofree char *outside = NULL;

  if (f->dir == NULL)
    return;
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  secrets = rp_secrets_new ();
  g_assert_cmpint (rp_secrets_get_keyring_state (secrets), ==, RP_KEYRING_STATE_UNKNOWN);

  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, f->openai, &source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_NONE);
  g_assert_cmpint (rp_secrets_get_keyring_state (secrets), ==, RP_KEYRING_STATE_AVAILABLE);

  /* Pasted with a stray newline: trimmed. */
  g_assert_true (rp_test_secrets_store (WAIT_LIMIT_S, secrets, f->openai,
                                        "  " RP_TEST_SECRET_KEY "\n", &source, &error));
  g_assert_no_error (error);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_KEYRING);
  outside = outside_lookup ("openai");
  g_assert_cmpstr (outside, ==, RP_TEST_SECRET_KEY);
  g_clear_pointer (&outside, rp_secrets_key_free);
  g_assert_null (outside_lookup ("venice"));

  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, f->openai, &source);
  g_assert_cmpstr (key, ==, RP_TEST_SECRET_KEY);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_KEYRING);
  g_clear_pointer (&key, rp_secrets_key_free);

  /* A fresh instance (the next start) finds it in the keyring, even with the variable set. */
  later = rp_secrets_new ();
  g_setenv ("OPENAI_API_KEY", "sk-from-the-environment", TRUE);
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, later, f->openai, &source);
  g_assert_cmpstr (key, ==, RP_TEST_SECRET_KEY);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_KEYRING);
  g_clear_pointer (&key, rp_secrets_key_free);
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, later, f->venice, &source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_NONE);

  /* Cleared: the environment variable is next. */
  g_assert_true (rp_test_secrets_clear (WAIT_LIMIT_S, later, f->openai, &error));
  g_assert_no_error (error);
  g_assert_null (outside_lookup ("openai"));
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, f->openai, &source);
  g_assert_cmpstr (key, ==, "sk-from-the-environment");
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_ENVIRONMENT);
  g_clear_pointer (&key, rp_secrets_key_free);
  g_unsetenv ("OPENAI_API_KEY");
  key = rp_test_secrets_lookup (WAIT_LIMIT_S, secrets, f->openai, &source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_NONE);
  /* Clearing what is not there is fine. */
  g_assert_true (rp_test_secrets_clear (WAIT_LIMIT_S, secrets, f->openai, NULL));

  /* Not a key at all: refused before the keyring sees it. */
  g_assert_false (rp_test_secrets_store (WAIT_LIMIT_S, secrets, f->openai, "two words", &source, &error));
  g_assert_error (error, RP_SECRETS_ERROR, RP_SECRETS_ERROR_INVALID_KEY);
  g_assert_cmpint (source, ==, RP_SECRET_SOURCE_NONE);
  g_assert_null (strstr (error->message, "two words"));
  g_clear_error (&error);

  /* The key was logged about, never logged; and no file holds it in the clear. */
  g_assert_nonnull (strstr (rp_test_captured_logs (), "openai: key from the keyring"));
  g_assert_null (strstr (rp_test_captured_logs (), RP_TEST_SECRET_KEY));
  g_assert_false (rp_test_tree_contains (f->dir, RP_TEST_SECRET_KEY));
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(RpSecrets) secrets = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  if (f->dir == NULL)
    return;
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  secrets = rp_secrets_new ();
  g_cancellable_cancel (cancellable);
  rp_secrets_lookup_async (secrets, f->openai, cancellable, rp_test_store_result, &result);
  key = rp_secrets_lookup_finish (secrets, rp_test_wait_result (&result, WAIT_LIMIT_S), NULL,
                                  &error);
  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  rp_test_capture_logs ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/repaint/secrets/keyring-round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/repaint/secrets/cancel", Fixture, NULL, fixture_set_up, test_cancel,
              fixture_tear_down);

  return g_test_run ();
}
