/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-provider-discovery"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rp-json-util.h"
#include "rp-provider-discovery.h"
#include "rp-provider-private.h"

#define CACHE_VERSION    1
#define READ_CHUNK_BYTES (64 * 1024)

typedef struct
{
  SoupMessage *message;
  GByteArray  *body;
  char        *cache_dir;
} Discovery;

static void
discovery_free (Discovery *d)
{
  g_clear_object (&d->message);
  g_clear_pointer (&d->body, g_byte_array_unref);
  g_free (d->cache_dir);
  g_free (d);
}

/**
 * rp_provider_get_discovery_cache_path:
 * @cache_dir: the application's cache folder
 *
 * Returns: (transfer full): the file the provider's model list is cached in
 */
char *
rp_provider_get_discovery_cache_path (RpProvider *provider,
                                      const char *cache_dir)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (RP_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (cache_dir != NULL, NULL);

  name = g_strconcat (rp_provider_get_id (provider), ".json", NULL);
  return g_build_filename (cache_dir, "models", name, NULL);
}

static JsonNode *
parse_json (const char  *data,
            gsize        len,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!rp_json_parser_load (parser, data, len, error))
    return NULL;
  /* An empty text parses, to no root at all. */
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "empty");
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

/**
 * rp_provider_load_discovery_cache:
 * @cache_dir: the application's cache folder
 * @error: %G_IO_ERROR_NOT_FOUND without a cache, or why it was not used
 *
 * Applies the model list cached by an earlier rp_provider_discover_async(), unless it was
 * fetched from another base URL. On any failure the provider keeps its current list.
 *
 * Returns: whether the cached list is now the provider's list
 */
gboolean
rp_provider_load_discovery_cache (RpProvider  *provider,
                                  const char  *cache_dir,
                                  GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  gsize len;

  g_return_val_if_fail (RP_IS_PROVIDER (provider), FALSE);
  g_return_val_if_fail (cache_dir != NULL, FALSE);

  path = rp_provider_get_discovery_cache_path (provider, cache_dir);
  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
      g_file_info_get_size (info) > RP_DISCOVERY_MAX_REPLY_BYTES * 2 ||
      !g_file_load_contents (file, NULL, &data, &len, NULL, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                     _("The cached model list of %s is not a file Repaint wrote."),
                     rp_provider_get_name (provider));
      return FALSE;
    }
  root = parse_json (data, len, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                   _("The cached model list of %s is damaged."), rp_provider_get_name (provider));
      return FALSE;
    }
  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "version", 0) != CACHE_VERSION ||
      g_strcmp0 (json_object_get_string_member_with_default (object, "base_url", ""),
                 rp_provider_get_base_url (provider)) != 0 ||
      !json_object_has_member (object, "reply"))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                   _("The cached model list of %s is for another address."),
                   rp_provider_get_name (provider));
      return FALSE;
    }
  return rp_provider_apply_discovery (provider, json_object_get_member (object, "reply"), error);
}

static void
cache_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The list is in use either way; a cache that cannot be written only costs a fetch. */
  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_debug ("Model list cache not written: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
write_cache (GTask    *task,
             JsonNode *reply)
{
  RpProvider *provider = g_task_get_source_object (task);
  Discovery *d = g_task_get_task_data (task);
  g_autofree char *path = rp_provider_get_discovery_cache_path (provider, d->cache_dir);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CACHE_VERSION);
  json_builder_set_member_name (builder, "base_url");
  json_builder_add_string_value (builder, rp_provider_get_base_url (provider));
  json_builder_set_member_name (builder, "fetched_unix");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "reply");
  json_builder_add_value (builder, json_node_copy (reply));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = rp_json_to_text (root, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_debug ("Cannot create %s: %s", dir, g_strerror (errno));
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* GIO writes a temporary file and renames it over the old one: a crash mid-write
   * leaves the previous cache intact. */
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       g_task_get_cancellable (task), cache_written_cb,
                                       g_object_ref (task));
}

static void
finish_body (GTask *task)
{
  RpProvider *provider = g_task_get_source_object (task);
  Discovery *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = parse_json (d->body->len > 0 ? (const char *) d->body->data : "",
                                          d->body->len, &error);

  if (reply == NULL)
    {
      g_task_return_new_error (task, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                               _("The model list of %s is not valid JSON."),
                               rp_provider_get_name (provider));
      return;
    }
  if (!rp_provider_apply_discovery (provider, reply, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  write_cache (task, reply);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpProvider *provider = g_task_get_source_object (task);
  Discovery *d = g_task_get_task_data (task);
  GInputStream *stream = G_INPUT_STREAM (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (stream, result, &error);

  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      finish_body (task);
      return;
    }
  if (d->body->len + g_bytes_get_size (chunk) > RP_DISCOVERY_MAX_REPLY_BYTES)
    {
      g_task_return_new_error (task, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                               _("The model list of %s is too large."),
                               rp_provider_get_name (provider));
      return;
    }
  g_byte_array_append (d->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, g_object_ref (task));
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpProvider *provider = g_task_get_source_object (task);
  Discovery *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  guint status;

  if (stream == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                                 /* Translators: Could not fetch the model list of Venice.ai:
                                  * <reason> */
                                 _("Could not fetch the model list of %s: %s"),
                                 rp_provider_get_name (provider), error->message);
      return;
    }
  status = soup_message_get_status (d->message);
  if (status != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                               _("The model list of %s could not be fetched (HTTP %u)."),
                               rp_provider_get_name (provider), status);
      return;
    }
  d->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (stream, READ_CHUNK_BYTES, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, g_object_ref (task));
}

static char *
format_key (const RpAuthSpec *auth,
            const char       *key)
{
  g_autoptr(GString) value = g_string_new (auth->format);

  g_string_replace (value, "{key}", key, 0);
  return g_string_free (g_steal_pointer (&value), FALSE);
}

/**
 * rp_provider_discover_async:
 * @session: the session to use; its timeout bounds the request
 * @cache_dir: where to cache the reply
 * @api_key: (nullable): sent only when the provider's list needs or accepts a key
 * @cancellable: (nullable): cancels the request
 * @callback: called with the result on the thread-default main context
 * @user_data: for @callback
 *
 * Fetches the provider's model list (Venice: `GET {base_url}/models?type=inpaint`), maps
 * each model through the definition's "discovery.map", replaces the provider's model list
 * with the models that resolve, and caches the reply. A bad or unreachable reply changes
 * nothing.
 */
void
rp_provider_discover_async (RpProvider          *provider,
                            SoupSession         *session,
                            const char          *cache_dir,
                            const char          *api_key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  RpDiscoveryAuth auth_mode = RP_DISCOVERY_AUTH_NONE;
  const RpAuthSpec *auth;
  const char * const *headers;
  SoupMessageHeaders *request_headers;
  Discovery *d;

  g_return_if_fail (RP_IS_PROVIDER (provider));
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (cache_dir != NULL);

  task = g_task_new (provider, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_provider_discover_async);
  d = g_new0 (Discovery, 1);
  d->cache_dir = g_strdup (cache_dir);
  g_task_set_task_data (task, d, (GDestroyNotify) discovery_free);

  /* A key with line breaks would smuggle headers into the request: never send one. */
  for (const char *p = api_key; p != NULL && *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        api_key = NULL;
        break;
      }
  url = rp_provider_build_discovery_url (provider, &auth_mode);
  auth = rp_provider_get_auth (provider);
  if (url == NULL || (auth_mode == RP_DISCOVERY_AUTH_REQUIRED && api_key == NULL))
    {
      g_task_return_new_error (task, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                               _("%s has no model list Repaint can read."),
                               rp_provider_get_name (provider));
      return;
    }
  if (api_key != NULL && auth_mode != RP_DISCOVERY_AUTH_NONE && auth->location == RP_AUTH_QUERY)
    {
      g_autofree char *value = format_key (auth, api_key);
      g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);
      char *with_key = g_strdup_printf ("%s%c%s=%s", url, strchr (url, '?') ? '&' : '?',
                                        auth->name, escaped);

      g_free (url);
      url = with_key;
    }
  d->message = soup_message_new (SOUP_METHOD_GET, url);
  if (d->message == NULL)
    {
      g_task_return_new_error (task, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_DISCOVERY,
                               _("%s has no model list Repaint can read."),
                               rp_provider_get_name (provider));
      return;
    }
  request_headers = soup_message_get_request_headers (d->message);
  soup_message_headers_replace (request_headers, "Accept", "application/json");
  headers = rp_provider_get_headers (provider);
  for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (api_key != NULL && auth_mode != RP_DISCOVERY_AUTH_NONE && auth->location == RP_AUTH_HEADER)
    {
      g_autofree char *value = format_key (auth, api_key);

      soup_message_headers_replace (request_headers, auth->name, value);
    }
  g_debug ("%s: fetching the model list", rp_provider_get_id (provider));
  soup_session_send_async (session, d->message, G_PRIORITY_DEFAULT, cancellable, sent_cb,
                           g_steal_pointer (&task));
}

/**
 * rp_provider_discover_finish:
 * @error: why the list was not used (the provider then keeps its previous list)
 *
 * Returns: whether the fetched list is now the provider's list
 */
gboolean
rp_provider_discover_finish (RpProvider    *provider,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
