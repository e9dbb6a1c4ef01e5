/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-secrets.h"
#include "rp-test-util.h"

static GString *captured;
static GMutex captured_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_autofree char *line = g_log_writer_format_fields (level, fields, n_fields, FALSE);

  g_mutex_lock (&captured_lock);
  g_string_append (captured, line);
  g_string_append_c (captured, '\n');
  g_mutex_unlock (&captured_lock);
  /* stdout belongs to TAP. */
  fprintf (stderr, "%s\n", line);
  return G_LOG_WRITER_HANDLED;
}

void
rp_test_capture_logs (void)
{
  captured = g_string_new (NULL);
  /* Debug messages are only formatted when asked for; ask for all of them. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);
}

const char *
rp_test_captured_logs (void)
{
  return captured->str;
}

gboolean
rp_test_tree_contains (const char *dir,
                       const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (rp_test_tree_contains (path, needle))
            return TRUE;
          continue;
        }
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
          g_file_get_contents (path, &contents, &len, NULL) &&
          /* Binary files (the keyring's) may hold NUL bytes, so no str* search. */
          rp_test_bytes_contain ((const guint8 *) contents, len, needle))
        return TRUE;
    }
  return FALSE;
}

void
rp_test_store_result (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
rp_test_wait_result (GAsyncResult **slot,
                     guint          limit_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) limit_s * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return *slot;
}

gboolean
rp_test_wait_bus_name (const char *address,
                       const char *name,
                       guint       limit_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  gint64 deadline = g_get_monotonic_time () + (gint64) limit_s * G_USEC_PER_SEC;

  g_assert_no_error (error);
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)",
                                                                                            name),
                                     G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      gboolean has_owner = FALSE;

      g_assert_no_error (error);
      g_variant_get (reply, "(b)", &has_owner);
      if (has_owner)
        {
          g_dbus_connection_close_sync (connection, NULL, NULL);
          return TRUE;
        }
      g_usleep (20 * 1000);
    }
  g_dbus_connection_close_sync (connection, NULL, NULL);
  return FALSE;
}

char *
rp_test_secrets_lookup (guint            limit_s,
                        RpSecrets       *secrets,
                        RpProvider      *provider,
                        RpSecretSource  *source)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  rp_secrets_lookup_async (secrets, provider, NULL, rp_test_store_result, &result);
  key = rp_secrets_lookup_finish (secrets, rp_test_wait_result (&result, limit_s), source,
                                  &error);
  g_assert_no_error (error);
  return key;
}

gboolean
rp_test_secrets_store (guint            limit_s,
                       RpSecrets       *secrets,
                       RpProvider      *provider,
                       const char      *key,
                       RpSecretSource  *where,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rp_secrets_store_async (secrets, provider, key, NULL, rp_test_store_result, &result);
  return rp_secrets_store_finish (secrets, rp_test_wait_result (&result, limit_s), where,
                                  error);
}

gboolean
rp_test_secrets_clear (guint            limit_s,
                       RpSecrets       *secrets,
                       RpProvider      *provider,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rp_secrets_clear_async (secrets, provider, NULL, rp_test_store_result, &result);
  return rp_secrets_clear_finish (secrets, rp_test_wait_result (&result, limit_s), error);
}
