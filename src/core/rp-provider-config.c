/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-provider-config"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-json-util.h"
#include "rp-provider.h"
#include "rp-provider-config-private.h"

/* Used when a definition says nothing: long enough for a high-quality edit with several
 * large inputs (those run past 180 s), capped so a misbehaving server cannot fill memory. */
#define DEFAULT_CONNECT_TIMEOUT_S   15.0
#define DEFAULT_READ_TIMEOUT_S      600.0
#define DEFAULT_MAX_RESPONSE_BYTES  ((gint64) 512 * 1024 * 1024)
#define DEFAULT_MAX_RETRIES         2
#define DEFAULT_INITIAL_BACKOFF_S   0.5
#define DEFAULT_MAX_BACKOFF_S       8.0
#define DEFAULT_MAX_WAIT_S          120.0
#define MAX_TIMEOUT_S               (24.0 * 3600.0)
#define MAX_BYTES_LIMIT             ((gint64) 1 << 40)

static const char * const error_kind_names[] = {
  "unknown", "invalid", "auth", "quota", "rate_limit", "moderation", "transient", "not_found", NULL
};

gboolean
rp_auth_spec_parse (RpAuthSpec  *auth,
                    JsonObject  *object,
                    const char  *path,
                    GError     **error)
{
  static const char * const keys[] = { "in", "name", "format", "note", NULL };
  static const char * const locations[] = { "header", "query", "none", NULL };
  const char *name = "Authorization", *format = "Bearer {key}";
  int location = RP_AUTH_HEADER;

  if (object != NULL &&
      (!rp_json_check_members (object, path, keys, error) ||
       !rp_json_read_choice (object, path, "in", locations, &location, error) ||
       !rp_json_read_string (object, path, "name", &name, error) ||
       !rp_json_read_string (object, path, "format", &format, error)))
    return FALSE;
  if (location != RP_AUTH_NONE && (strstr (format, "{key}") == NULL || *name == '\0'))
    {
      g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                   _("“%s” needs a “name” and a “format” containing {key}."), path);
      return FALSE;
    }
  auth->location = location;
  auth->name = g_strdup (name);
  auth->format = g_strdup (format);
  return TRUE;
}

void
rp_auth_spec_clear (RpAuthSpec *auth)
{
  g_clear_pointer (&auth->name, g_free);
  g_clear_pointer (&auth->format, g_free);
}

gboolean
rp_http_config_parse (RpHttpConfig  *http,
                      JsonObject    *object,
                      const char    *path,
                      GError       **error)
{
  static const char * const keys[] = {
    "connect_timeout_s", "read_timeout_s", "max_request_bytes", "max_response_bytes", "note", NULL
  };

  http->connect_timeout_s = DEFAULT_CONNECT_TIMEOUT_S;
  http->read_timeout_s = DEFAULT_READ_TIMEOUT_S;
  http->max_request_bytes = 0;
  http->max_response_bytes = DEFAULT_MAX_RESPONSE_BYTES;
  if (object == NULL)
    return TRUE;
  return rp_json_check_members (object, path, keys, error) &&
         rp_json_read_double (object, path, "connect_timeout_s", 0.1, MAX_TIMEOUT_S,
                              &http->connect_timeout_s, error) &&
         rp_json_read_double (object, path, "read_timeout_s", 1.0, MAX_TIMEOUT_S,
                              &http->read_timeout_s, error) &&
         rp_json_read_int (object, path, "max_request_bytes", 1, MAX_BYTES_LIMIT,
                           &http->max_request_bytes, error) &&
         rp_json_read_int (object, path, "max_response_bytes", 1, MAX_BYTES_LIMIT,
                           &http->max_response_bytes, error);
}

static gboolean
read_statuses (JsonObject  *object,
               const char  *path,
               const char  *key,
               int        **out,
               guint       *n_out,
               GError     **error)
{
  g_autoptr(GArray) list = NULL;

  if (!rp_json_read_int_list (object, path, key, 100, 599, &list, error))
    return FALSE;
  if (list != NULL)
    {
      g_free (*out);
      *n_out = list->len;
      *out = (int *) (void *) g_array_free (g_steal_pointer (&list), FALSE);
    }
  return TRUE;
}

static gboolean
parse_reset_headers (RpRetryPolicy  *retry,
                     JsonObject     *object,
                     const char     *path,
                     GError        **error)
{
  static const char * const keys[] = { "name", "format", NULL };
  static const char * const formats[] = { "duration", "unix", "seconds", NULL };
  g_autofree char *where = rp_json_path_join (path, "reset_headers");
  JsonArray *array = NULL;

  if (!rp_json_read_array (object, path, "reset_headers", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  retry->reset_headers = g_new0 (RpResetHeader, json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *ipath = rp_json_path_index (where, i);
      const char *name = NULL;
      int format = RP_RESET_SECONDS;
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” must be an object."), ipath);
          return FALSE;
        }
      entry = json_node_get_object (node);
      if (!rp_json_check_members (entry, ipath, keys, error) ||
          !rp_json_require (entry, ipath, "name", error) ||
          !rp_json_read_string (entry, ipath, "name", &name, error) ||
          !rp_json_read_choice (entry, ipath, "format", formats, &format, error))
        return FALSE;
      retry->reset_headers[i].name = g_ascii_strdown (name, -1);
      retry->reset_headers[i].format = format;
      retry->n_reset_headers++;
    }
  return TRUE;
}

gboolean
rp_retry_policy_parse (RpRetryPolicy  *retry,
                       JsonObject     *object,
                       const char     *path,
                       GError        **error)
{
  static const char * const keys[] = {
    "statuses", "max_retries", "initial_backoff_s", "max_backoff_s", "max_wait_s",
    "honor_headers", "reset_headers", "never_codes", "retry_connect_failures", "note", NULL
  };
  static const int default_statuses[] = { 429, 502, 503 };
  gint64 max_retries = DEFAULT_MAX_RETRIES;

  retry->statuses = g_memdup2 (default_statuses, sizeof default_statuses);
  retry->n_statuses = G_N_ELEMENTS (default_statuses);
  retry->initial_backoff_s = DEFAULT_INITIAL_BACKOFF_S;
  retry->max_backoff_s = DEFAULT_MAX_BACKOFF_S;
  retry->max_wait_s = DEFAULT_MAX_WAIT_S;
  retry->retry_connect_failures = TRUE;
  if (object == NULL)
    {
      retry->max_retries = max_retries;
      retry->honor_headers = g_strdupv ((char *[]) { (char *) "retry-after", NULL });
      retry->never_codes = g_new0 (char *, 1);
      return TRUE;
    }
  if (!rp_json_check_members (object, path, keys, error) ||
      !read_statuses (object, path, "statuses", &retry->statuses, &retry->n_statuses, error) ||
      !rp_json_read_int (object, path, "max_retries", 0, 10, &max_retries, error) ||
      !rp_json_read_double (object, path, "initial_backoff_s", 0.0, 600.0,
                            &retry->initial_backoff_s, error) ||
      !rp_json_read_double (object, path, "max_backoff_s", 0.0, 3600.0, &retry->max_backoff_s,
                            error) ||
      !rp_json_read_double (object, path, "max_wait_s", 0.0, 3600.0, &retry->max_wait_s, error) ||
      !rp_json_read_strv (object, path, "honor_headers", &retry->honor_headers, error) ||
      !rp_json_read_strv (object, path, "never_codes", &retry->never_codes, error) ||
      !rp_json_read_bool (object, path, "retry_connect_failures", &retry->retry_connect_failures,
                          error) ||
      !parse_reset_headers (retry, object, path, error))
    return FALSE;
  retry->max_retries = max_retries;
  if (retry->honor_headers == NULL)
    retry->honor_headers = g_new0 (char *, 1);
  for (guint i = 0; retry->honor_headers[i] != NULL; i++)
    {
      char *lower = g_ascii_strdown (retry->honor_headers[i], -1);

      g_free (retry->honor_headers[i]);
      retry->honor_headers[i] = lower;
    }
  if (retry->never_codes == NULL)
    retry->never_codes = g_new0 (char *, 1);
  return TRUE;
}

void
rp_retry_policy_clear (RpRetryPolicy *retry)
{
  g_clear_pointer (&retry->statuses, g_free);
  g_clear_pointer (&retry->honor_headers, g_strfreev);
  g_clear_pointer (&retry->never_codes, g_strfreev);
  for (guint i = 0; i < retry->n_reset_headers; i++)
    g_free (retry->reset_headers[i].name);
  g_clear_pointer (&retry->reset_headers, g_free);
  retry->n_reset_headers = 0;
}

static gboolean
parse_error_rules (RpErrorConfig  *errors,
                   JsonArray      *array,
                   const char     *path,
                   GError        **error)
{
  static const char * const keys[] = {
    "kind", "statuses", "codes", "types", "message_contains", "note", NULL
  };

  errors->rules = g_new0 (RpErrorRule, json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *ipath = rp_json_path_index (path, i);
      RpErrorRule *rule = &errors->rules[i];
      int kind = RP_ERROR_KIND_UNKNOWN;
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” must be an object."), ipath);
          return FALSE;
        }
      entry = json_node_get_object (node);
      errors->n_rules++;
      if (!rp_json_check_members (entry, ipath, keys, error) ||
          !rp_json_require (entry, ipath, "kind", error) ||
          !rp_json_read_choice (entry, ipath, "kind", error_kind_names, &kind, error) ||
          !read_statuses (entry, ipath, "statuses", &rule->statuses, &rule->n_statuses, error) ||
          !rp_json_read_strv (entry, ipath, "codes", &rule->codes, error) ||
          !rp_json_read_strv (entry, ipath, "types", &rule->types, error) ||
          !rp_json_read_strv (entry, ipath, "message_contains", &rule->message_contains, error))
        return FALSE;
      rule->kind = kind;
      if (rule->n_statuses == 0 && rule->codes == NULL && rule->types == NULL &&
          rule->message_contains == NULL)
        {
          g_set_error (error, RP_PROVIDER_ERROR, RP_PROVIDER_ERROR_INVALID,
                       _("“%s” matches every error; give it statuses, codes, types or "
                         "message_contains."),
                       ipath);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
rp_error_config_parse (RpErrorConfig  *errors,
                       JsonObject     *object,
                       const char     *path,
                       GError        **error)
{
  static const char * const keys[] = {
    "message_paths", "code_paths", "type_paths", "param_paths", "request_id_headers",
    "classify", "note", NULL
  };
  JsonArray *classify = NULL;

  if (object != NULL &&
      (!rp_json_check_members (object, path, keys, error) ||
       !rp_json_read_strv (object, path, "message_paths", &errors->message_paths, error) ||
       !rp_json_read_strv (object, path, "code_paths", &errors->code_paths, error) ||
       !rp_json_read_strv (object, path, "type_paths", &errors->type_paths, error) ||
       !rp_json_read_strv (object, path, "param_paths", &errors->param_paths, error) ||
       !rp_json_read_strv (object, path, "request_id_headers", &errors->request_id_headers,
                           error) ||
       !rp_json_read_array (object, path, "classify", &classify, error)))
    return FALSE;
  if (errors->message_paths == NULL)
    errors->message_paths = g_strdupv ((char *[]) { (char *) "error.message", (char *) "error",
                                                    (char *) "message", NULL });
  if (errors->code_paths == NULL)
    errors->code_paths = g_strdupv ((char *[]) { (char *) "error.code", (char *) "code", NULL });
  if (errors->type_paths == NULL)
    errors->type_paths = g_strdupv ((char *[]) { (char *) "error.type", NULL });
  if (errors->param_paths == NULL)
    errors->param_paths = g_strdupv ((char *[]) { (char *) "error.param", NULL });
  if (errors->request_id_headers == NULL)
    errors->request_id_headers = g_strdupv ((char *[]) { (char *) "x-request-id", NULL });
  if (classify != NULL)
    {
      g_autofree char *where = rp_json_path_join (path, "classify");

      return parse_error_rules (errors, classify, where, error);
    }
  return TRUE;
}

void
rp_error_config_clear (RpErrorConfig *errors)
{
  g_clear_pointer (&errors->message_paths, g_strfreev);
  g_clear_pointer (&errors->code_paths, g_strfreev);
  g_clear_pointer (&errors->type_paths, g_strfreev);
  g_clear_pointer (&errors->param_paths, g_strfreev);
  g_clear_pointer (&errors->request_id_headers, g_strfreev);
  for (guint i = 0; i < errors->n_rules; i++)
    {
      g_free (errors->rules[i].statuses);
      g_strfreev (errors->rules[i].codes);
      g_strfreev (errors->rules[i].types);
      g_strfreev (errors->rules[i].message_contains);
    }
  g_clear_pointer (&errors->rules, g_free);
  errors->n_rules = 0;
}

static gboolean
int_in (const int *list,
        guint      n,
        int        value)
{
  for (guint i = 0; i < n; i++)
    if (list[i] == value)
      return TRUE;
  return FALSE;
}

static gboolean
message_contains_any (const char         *message,
                      const char * const *needles)
{
  g_autofree char *folded = NULL;

  if (message == NULL)
    return FALSE;
  folded = g_utf8_casefold (message, -1);
  for (guint i = 0; needles[i] != NULL; i++)
    {
      g_autofree char *needle = g_utf8_casefold (needles[i], -1);

      if (strstr (folded, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
rule_matches (const RpErrorRule *rule,
              guint              status,
              const char        *code,
              const char        *type,
              const char        *message)
{
  if (rule->n_statuses > 0 && !int_in (rule->statuses, rule->n_statuses, status))
    return FALSE;
  if (rule->codes != NULL && (code == NULL || !g_strv_contains ((const char * const *) rule->codes,
                                                                code)))
    return FALSE;
  if (rule->types != NULL && (type == NULL || !g_strv_contains ((const char * const *) rule->types,
                                                                type)))
    return FALSE;
  if (rule->message_contains != NULL &&
      !message_contains_any (message, (const char * const *) rule->message_contains))
    return FALSE;
  return TRUE;
}

/**
 * rp_error_config_classify:
 * @config: the provider's error configuration
 * @status: the HTTP status
 * @code: (nullable): the provider's error code, read through #RpErrorConfig.code_paths
 * @type: (nullable): the error type
 * @message: (nullable): the error message
 *
 * Relays rewrite `type` and append request ids to messages, so the definition's rules come
 * first (codes before messages); only when none matches does the HTTP status decide.
 *
 * Returns: what kind of failure this is
 */
RpErrorKind
rp_error_config_classify (const RpErrorConfig *config,
                          guint                status,
                          const char          *code,
                          const char          *type,
                          const char          *message)
{
  g_return_val_if_fail (config != NULL, RP_ERROR_KIND_UNKNOWN);

  for (guint i = 0; i < config->n_rules; i++)
    if (rule_matches (&config->rules[i], status, code, type, message))
      return config->rules[i].kind;

  if (status == 401 || status == 403)
    return RP_ERROR_KIND_AUTH;
  if (status == 402)
    return RP_ERROR_KIND_QUOTA;
  if (status == 404)
    return RP_ERROR_KIND_NOT_FOUND;
  if (status == 429)
    return RP_ERROR_KIND_RATE_LIMIT;
  if (status >= 500 && status <= 599)
    return RP_ERROR_KIND_TRANSIENT;
  if (status >= 400 && status <= 499)
    return RP_ERROR_KIND_INVALID;
  return RP_ERROR_KIND_UNKNOWN;
}

/**
 * rp_error_kind_to_string:
 *
 * Returns: (transfer none): the name definitions use for @kind ("rate_limit")
 */
const char *
rp_error_kind_to_string (RpErrorKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (error_kind_names) - 1)
    return "unknown";
  return error_kind_names[kind];
}

/**
 * rp_retry_policy_allows:
 * @policy: the provider's retry policy
 * @status: the HTTP status of the failed attempt
 * @code: (nullable): the provider's error code
 *
 * An edit is billed work: this only says whether the status and code are of the retryable
 * kind. The caller still decides whether the body may already have been processed.
 *
 * Returns: whether another attempt may be made
 */
gboolean
rp_retry_policy_allows (const RpRetryPolicy *policy,
                        guint                status,
                        const char          *code)
{
  g_return_val_if_fail (policy != NULL, FALSE);

  if (policy->max_retries == 0)
    return FALSE;
  if (code != NULL && policy->never_codes != NULL &&
      g_strv_contains ((const char * const *) policy->never_codes, code))
    return FALSE;
  return int_in (policy->statuses, policy->n_statuses, status);
}
