/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-provider-check"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rp-provider-check.h"

/* A check reply is a small model list; nothing bigger is read. */
#define MAX_CHECK_BYTES (4 * 1024 * 1024)

typedef struct
{
  SoupSession *session;
  SoupMessage *message;
  gboolean     verifies_key;
} CheckData;

static void
check_data_free (CheckData *d)
{
  g_clear_object (&d->message);
  g_clear_object (&d->session);
  g_free (d);
}

static char *
apply_format (const char *format,
              const char *key)
{
  g_auto(GStrv) parts = g_strsplit (format, "{key}", -1);

  return g_strjoinv (key, parts);
}

/* Builds the request with the key where the definition wants it; returns NULL (error set)
 * if the URL is not usable. The key never appears in an error. */
static SoupMessage *
build_message (RpProvider  *provider,
               const char  *base_url,
               const char  *path,
               const char  *key,
               GError     **error)
{
  const RpAuthSpec *auth = rp_provider_get_auth (provider);
  const char * const *headers = rp_provider_get_headers (provider);
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  SoupMessage *message;

  if (base_url != NULL && !rp_provider_validate_base_url (base_url, error))
    return NULL;
  if (base_url != NULL)
    {
      g_autofree char *trimmed = g_strdup (base_url);

      while (g_str_has_suffix (trimmed, "/"))
        trimmed[strlen (trimmed) - 1] = '\0';
      url = g_strconcat (trimmed, path, NULL);
    }
  else
    url = rp_provider_build_url (provider, path);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;
  if (key != NULL && auth->location == RP_AUTH_QUERY)
    {
      g_autofree char *value = apply_format (auth->format, key);
      g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);
      g_autofree char *query = g_strdup_printf ("%s=%s", auth->name, escaped);
      GUri *with_key = soup_uri_copy (uri, SOUP_URI_QUERY, query, SOUP_URI_NONE);

      g_uri_unref (uri);
      uri = with_key;
    }
  message = soup_message_new_from_uri ("GET", uri);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (message), headers[i], headers[i + 1]);
  if (key != NULL && auth->location == RP_AUTH_HEADER)
    {
      g_autofree char *value = apply_format (auth->format, key);

      soup_message_headers_replace (soup_message_get_request_headers (message), auth->name, value);
    }
  return message;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status;

  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, error->domain, error->code,
                                 _("%s could not be reached: %s"),
                                 g_uri_get_host (soup_message_get_uri (d->message)), error->message);
      return;
    }
  status = soup_message_get_status (d->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    g_task_return_int (task, RP_CHECK_KEY_REFUSED);
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_int (task, d->verifies_key ? RP_CHECK_KEY_WORKS : RP_CHECK_REACHABLE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("%s answered with HTTP %u %s."),
                             g_uri_get_host (soup_message_get_uri (d->message)), status,
                             soup_message_get_reason_phrase (d->message));
}

/**
 * rp_provider_check_async:
 * @provider: the provider to try
 * @base_url: (nullable): the base URL to use instead of the definition's
 * @key: (nullable): the API key to try (never logged, never in an error)
 *
 * Sends the definition's check request (a cheap GET, e.g. the model list) to learn whether
 * the provider answers and accepts the key.
 */
void
rp_provider_check_async (RpProvider          *provider,
                         const char          *base_url,
                         const char          *key,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  const char *path;
  CheckData *d;
  gboolean verifies_key = TRUE;

  g_return_if_fail (RP_IS_PROVIDER (provider));

  g_task_set_source_tag (task, rp_provider_check_async);
  path = rp_provider_get_check_path (provider, &verifies_key);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s has no connection test."), rp_provider_get_name (provider));
      return;
    }
  if (verifies_key && (key == NULL || *key == '\0'))
    {
      g_task_return_int (task, RP_CHECK_NO_KEY);
      return;
    }

  d = g_new0 (CheckData, 1);
  d->verifies_key = verifies_key;
  g_task_set_task_data (task, d, (GDestroyNotify) check_data_free);
  d->message = build_message (provider, base_url, path, verifies_key ? key : NULL, &error);
  if (d->message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  d->session = soup_session_new_with_options ("timeout", RP_PROVIDER_CHECK_TIMEOUT_S,
                                              "idle-timeout", RP_PROVIDER_CHECK_TIMEOUT_S,
                                              "max-conns-per-host", 1, NULL);
  soup_session_send_and_read_async (d->session, d->message, G_PRIORITY_DEFAULT, cancellable,
                                    on_read, g_object_ref (task));
}

RpCheckResult
rp_provider_check_finish (RpProvider    *provider,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, provider), RP_CHECK_FAILED);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return RP_CHECK_FAILED;
    }
  return (RpCheckResult) value;
}

/**
 * rp_check_result_describe:
 *
 * Returns: (transfer full): one translated sentence for the person
 */
char *
rp_check_result_describe (RpCheckResult  result,
                          RpProvider    *provider,
                          const GError  *error)
{
  const char *name = rp_provider_get_name (provider);

  switch (result)
    {
    case RP_CHECK_KEY_WORKS:
      return g_strdup_printf (_("%s accepted the key."), name);
    case RP_CHECK_REACHABLE:
      return g_strdup_printf (_("%s answers. (Its test does not use the key, so a wrong key shows "
                                "only when you generate.)"), name);
    case RP_CHECK_KEY_REFUSED:
      return g_strdup_printf (_("%s refused the key. Check that it is complete and still valid."), name);
    case RP_CHECK_NO_KEY:
      return g_strdup_printf (_("Enter a key for %s first."), name);
    case RP_CHECK_FAILED:
    default:
      return g_strdup (error != NULL ? error->message : _("The test failed."));
    }
}
