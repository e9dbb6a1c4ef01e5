/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "rp-secrets.h"

/* Keys are looked up by provider id, so a relay defined in a user file gets its own entry. */
static const SecretSchema api_key_schema = {
  "io.github.repaint.Repaint.ApiKey", SECRET_SCHEMA_NONE,
  {
    { "provider", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

struct _RpSecrets
{
  GObject         parent_instance;

  GHashTable     *session_keys;      /* provider id → key, when no keyring took it */
  guint           connect_timeout_ms;
  guint           operation_timeout_ms;
  RpKeyringState  keyring_state;
};

enum {
  PROP_0,
  PROP_CONNECT_TIMEOUT,
  PROP_OPERATION_TIMEOUT,
  PROP_KEYRING_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum {
  OP_LOOKUP,
  OP_STORE,
  OP_CLEAR,
} OpKind;

/* One call's state. Each keyring step runs under its own cancellable, cancelled by the
 * caller's cancellable or by the step's timeout, whichever comes first. */
typedef struct
{
  OpKind        kind;
  char         *provider_id;
  char         *provider_name;
  char         *env_name;
  char         *key;              /* store: the key to keep */
  GCancellable *step;
  GCancellable *caller;
  gulong        caller_handler;
  GSource      *timeout;
  gboolean      timed_out;
} Op;

G_DEFINE_FINAL_TYPE (RpSecrets, rp_secrets, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-secrets-error-quark, rp_secrets_error)

/**
 * rp_secrets_key_free:
 * @key: (nullable) (transfer full): a key from rp_secrets_lookup_finish()
 *
 * Overwrites the key before freeing it.
 */
void
rp_secrets_key_free (char *key)
{
  if (key == NULL)
    return;
  {
    volatile char *p = key;

    while (*p != '\0')
      *p++ = '\0';
  }
  g_free (key);
}

static void
op_disarm (Op *op)
{
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_clear_pointer (&op->timeout, g_source_unref);
    }
  if (op->caller != NULL && op->caller_handler != 0)
    g_cancellable_disconnect (op->caller, op->caller_handler);
  op->caller_handler = 0;
  g_clear_object (&op->step);
}

static void
op_free (Op *op)
{
  op_disarm (op);
  g_clear_object (&op->caller);
  g_free (op->provider_id);
  g_free (op->provider_name);
  g_free (op->env_name);
  rp_secrets_key_free (op->key);
  g_free (op);
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
step_timeout_cb (gpointer user_data)
{
  Op *op = user_data;

  op->timed_out = TRUE;
  g_cancellable_cancel (op->step);
  return G_SOURCE_REMOVE;
}

static GCancellable *
op_arm (GTask *task,
        guint  timeout_ms)
{
  Op *op = g_task_get_task_data (task);

  op_disarm (op);
  op->timed_out = FALSE;
  op->step = g_cancellable_new ();
  if (op->caller != NULL)
    op->caller_handler = g_cancellable_connect (op->caller, G_CALLBACK (caller_cancelled_cb),
                                                g_object_ref (op->step), g_object_unref);
  op->timeout = g_timeout_source_new (timeout_ms);
  g_source_set_callback (op->timeout, step_timeout_cb, op, NULL);
  g_source_set_static_name (op->timeout, "[repaint] keyring timeout");
  g_source_attach (op->timeout, g_task_get_context (task));
  return op->step;
}


static void
rp_secrets_finalize (GObject *object)
{
  RpSecrets *self = RP_SECRETS (object);

  g_clear_pointer (&self->session_keys, g_hash_table_unref);

  G_OBJECT_CLASS (rp_secrets_parent_class)->finalize (object);
}

static void
rp_secrets_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  RpSecrets *self = RP_SECRETS (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    case PROP_OPERATION_TIMEOUT:
      g_value_set_uint (value, self->operation_timeout_ms);
      break;
    case PROP_KEYRING_STATE:
      g_value_set_int (value, self->keyring_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_secrets_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  RpSecrets *self = RP_SECRETS (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      rp_secrets_set_connect_timeout (self, g_value_get_uint (value));
      break;
    case PROP_OPERATION_TIMEOUT:
      rp_secrets_set_operation_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_secrets_class_init (RpSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rp_secrets_finalize;
  object_class->get_property = rp_secrets_get_property;
  object_class->set_property = rp_secrets_set_property;

  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 1, G_MAXUINT, RP_SECRETS_CONNECT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPERATION_TIMEOUT] =
    g_param_spec_uint ("operation-timeout", NULL, NULL, 1, G_MAXUINT,
                       RP_SECRETS_OPERATION_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* An RpKeyringState; the Preferences window says "kept for this session only" when
   * it is UNAVAILABLE. */
  properties[PROP_KEYRING_STATE] =
    g_param_spec_int ("keyring-state", NULL, NULL, RP_KEYRING_STATE_UNKNOWN,
                      RP_KEYRING_STATE_UNAVAILABLE,
                      RP_KEYRING_STATE_UNKNOWN,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rp_secrets_init (RpSecrets *self)
{
  self->session_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) rp_secrets_key_free);
  self->connect_timeout_ms = RP_SECRETS_CONNECT_TIMEOUT_MS;
  self->operation_timeout_ms = RP_SECRETS_OPERATION_TIMEOUT_MS;
}

/**
 * rp_secrets_new:
 *
 * Returns: (transfer full): a key store; keep one per application so that keys kept for the
 *   session are found again
 */
RpSecrets *
rp_secrets_new (void)
{
  return g_object_new (RP_TYPE_SECRETS, NULL);
}

/**
 * rp_secret_source_get_label:
 *
 * Returns: (transfer none): where a key came from, translated, for the Preferences window
 */
const char *
rp_secret_source_get_label (RpSecretSource source)
{
  switch (source)
    {
    case RP_SECRET_SOURCE_KEYRING:
      return _("Stored in the keyring");
    case RP_SECRET_SOURCE_ENVIRONMENT:
      return _("From an environment variable");
    case RP_SECRET_SOURCE_SESSION:
      return _("Kept for this session only");
    case RP_SECRET_SOURCE_NONE:
    default:
      return _("No key");
    }
}

/**
 * rp_secrets_get_connect_timeout:
 *
 * Returns: how long, in milliseconds, the Secret Service may take to answer at all
 */
guint
rp_secrets_get_connect_timeout (RpSecrets *self)
{
  g_return_val_if_fail (RP_IS_SECRETS (self), 0);
  return self->connect_timeout_ms;
}

/**
 * rp_secrets_set_connect_timeout:
 * @timeout_ms: milliseconds, at least 1
 */
void
rp_secrets_set_connect_timeout (RpSecrets *self,
                                guint      timeout_ms)
{
  g_return_if_fail (RP_IS_SECRETS (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->connect_timeout_ms == timeout_ms)
    return;
  self->connect_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

/**
 * rp_secrets_get_operation_timeout:
 *
 * Returns: how long, in milliseconds, one keyring operation may take once connected
 */
guint
rp_secrets_get_operation_timeout (RpSecrets *self)
{
  g_return_val_if_fail (RP_IS_SECRETS (self), 0);
  return self->operation_timeout_ms;
}

/**
 * rp_secrets_set_operation_timeout:
 * @timeout_ms: milliseconds, at least 1
 */
void
rp_secrets_set_operation_timeout (RpSecrets *self,
                                  guint      timeout_ms)
{
  g_return_if_fail (RP_IS_SECRETS (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->operation_timeout_ms == timeout_ms)
    return;
  self->operation_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPERATION_TIMEOUT]);
}

/**
 * rp_secrets_get_keyring_state:
 *
 * Returns: whether the last keyring operation got an answer
 */
RpKeyringState
rp_secrets_get_keyring_state (RpSecrets *self)
{
  g_return_val_if_fail (RP_IS_SECRETS (self), RP_KEYRING_STATE_UNKNOWN);
  return self->keyring_state;
}

static void
set_keyring_state (RpSecrets      *self,
                   RpKeyringState  state)
{
  if (self->keyring_state == state)
    return;
  self->keyring_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_STATE]);
}

/* Trims what pasting adds and refuses what no key contains: a line break in a key would
 * end up inside an HTTP header. */
static char *
clean_key (const char  *key,
           GError     **error)
{
  g_autoptr(RpSecretsKey) copy = NULL;
  gsize len;

  if (key == NULL)
    goto invalid;
  copy = g_strstrip (g_strdup (key));
  len = strlen (copy);
  if (len == 0 || len > RP_SECRETS_MAX_KEY_CHARS)
    goto invalid;
  for (gsize i = 0; i < len; i++)
    if ((guchar) copy[i] <= 0x20 || (guchar) copy[i] >= 0x7f)
      goto invalid;
  return g_steal_pointer (&copy);

invalid:
  g_set_error_literal (error, RP_SECRETS_ERROR, RP_SECRETS_ERROR_INVALID_KEY,
                       _("This is not an API key: keys are one word of letters, digits and "
                         "punctuation."));
  return NULL;
}

static gboolean
caller_cancelled (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  return op->caller != NULL && g_cancellable_is_cancelled (op->caller);
}

/* Whether @error means "no Secret Service here": nothing on the bus, no bus, or no answer. */
static gboolean
is_no_keyring (Op           *op,
               const GError *error)
{
  if (op->timed_out)
    return TRUE;
  return error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR ||
         g_error_matches (error, SECRET_ERROR, SECRET_ERROR_PROTOCOL);
}

static void run_keyring_step (GTask *task);
static void keyring_failed   (GTask *task, const GError *error);

static char *
env_key (Op *op)
{
  const char *value = op->env_name != NULL ? g_getenv (op->env_name) : NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  if (value == NULL || *value == '\0')
    return NULL;
  key = clean_key (value, &error);
  if (key == NULL)
    g_debug ("%s: ignoring %s, which does not hold a key", op->provider_id, op->env_name);
  return key;
}

typedef struct
{
  char           *key;
  RpSecretSource  source;
} Found;

static void
found_free (Found *found)
{
  rp_secrets_key_free (found->key);
  g_free (found);
}

/* Takes @key. */
static void
return_key (GTask          *task,
            char           *key,
            RpSecretSource  source)
{
  Op *op = g_task_get_task_data (task);
  Found *found = g_new0 (Found, 1);

  g_debug ("%s: key %s", op->provider_id,
           source == RP_SECRET_SOURCE_NONE ? "not found" :
           source == RP_SECRET_SOURCE_KEYRING ? "from the keyring" :
           source == RP_SECRET_SOURCE_ENVIRONMENT ? "from the environment" : "from this session");
  found->key = key;
  found->source = source;
  g_task_return_pointer (task, found, (GDestroyNotify) found_free);
}

static void
keyring_failed (GTask        *task,
                const GError *error)
{
  RpSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  gboolean absent = is_no_keyring (op, error);

  op_disarm (op);
  if (caller_cancelled (task))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
      return;
    }
  g_debug ("%s: keyring %s: %s", op->provider_id, op->timed_out ? "timed out" : "failed",
           error->message);
  if (absent)
    set_keyring_state (self, RP_KEYRING_STATE_UNAVAILABLE);

  switch (op->kind)
    {
    case OP_LOOKUP:
      {
        char *key = env_key (op);

        return_key (task, key, key != NULL ? RP_SECRET_SOURCE_ENVIRONMENT : RP_SECRET_SOURCE_NONE);
        return;
      }
    case OP_STORE:
      g_hash_table_replace (self->session_keys, g_strdup (op->provider_id),
                            g_steal_pointer (&op->key));
      if (absent)
        g_task_return_new_error (task, RP_SECRETS_ERROR, RP_SECRETS_ERROR_NO_KEYRING,
                                 _("No keyring answered, so the key for %s is kept for this "
                                   "session only. Unlock or set up a keyring (for example GNOME "
                                   "Keyring) to keep it."),
                                 op->provider_name);
      else
        g_task_return_new_error (task, RP_SECRETS_ERROR, RP_SECRETS_ERROR_FAILED,
                                 _("The keyring did not take the key for %s, so it is kept for "
                                   "this session only."),
                                 op->provider_name);
      return;
    case OP_CLEAR:
      if (absent)
        g_task_return_new_error (task, RP_SECRETS_ERROR, RP_SECRETS_ERROR_NO_KEYRING,
                                 _("No keyring answered; a key stored there for %s could not be "
                                   "removed."),
                                 op->provider_name);
      else
        g_task_return_new_error (task, RP_SECRETS_ERROR, RP_SECRETS_ERROR_FAILED,
                                 _("The keyring did not remove the key for %s."),
                                 op->provider_name);
      return;
    default:
      g_assert_not_reached ();
    }
}

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_finish (result, &error);
  char *key = NULL;

  if (error != NULL)
    {
      keyring_failed (task, error);
      return;
    }
  op_disarm (op);
  set_keyring_state (self, RP_KEYRING_STATE_AVAILABLE);
  if (password != NULL)
    {
      key = clean_key (password, NULL);
      secret_password_free (password);
    }
  if (key != NULL)
    return_key (task, key, RP_SECRET_SOURCE_KEYRING);
  else
    {
      key = env_key (op);
      return_key (task, key, key != NULL ? RP_SECRET_SOURCE_ENVIRONMENT : RP_SECRET_SOURCE_NONE);
    }
}

static void
store_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT, "dismissed");
      keyring_failed (task, error);
      return;
    }
  op_disarm (op);
  set_keyring_state (self, RP_KEYRING_STATE_AVAILABLE);
  g_hash_table_remove (self->session_keys, op->provider_id);
  g_debug ("%s: key stored in the keyring", op->provider_id);
  g_task_return_boolean (task, TRUE);
}

static void
clear_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* FALSE without an error means there was nothing to remove. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      keyring_failed (task, error);
      return;
    }
  op_disarm (op);
  set_keyring_state (self, RP_KEYRING_STATE_AVAILABLE);
  g_task_return_boolean (task, TRUE);
}

static void
run_keyring_step (GTask *task)
{
  RpSecrets *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  /* Connecting to the keyring happens inside each call, so the limit covers both. */
  GCancellable *step = op_arm (task, self->connect_timeout_ms + self->operation_timeout_ms);
  g_autoptr(GHashTable) attributes = secret_attributes_build (&api_key_schema,
                                                              "provider", op->provider_id, NULL);

  /* The secret_password calls pick the backend: the Secret Service on the host, the
   * sandbox's own store unlocked through the Secret portal inside Flatpak. */
  switch (op->kind)
    {
    case OP_LOOKUP:
      secret_password_lookupv (&api_key_schema, attributes, step, lookup_done_cb, g_object_ref (task));
      break;
    case OP_STORE:
      {
        g_autofree char *label = g_strdup_printf (_("Repaint API key for %s"), op->provider_name);

        secret_password_storev (&api_key_schema, attributes, SECRET_COLLECTION_DEFAULT, label,
                                op->key, step, store_done_cb, g_object_ref (task));
      }
      break;
    case OP_CLEAR:
      secret_password_clearv (&api_key_schema, attributes, step, clear_done_cb, g_object_ref (task));
      break;
    default:
      g_assert_not_reached ();
    }
}

static GTask *
op_task_new (RpSecrets           *self,
             OpKind               kind,
             RpProvider          *provider,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data,
             gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  op->kind = kind;
  op->provider_id = g_strdup (rp_provider_get_id (provider));
  op->provider_name = g_strdup (rp_provider_get_name (provider));
  op->env_name = g_strdup (rp_provider_get_api_key_env (provider));
  op->caller = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  return task;
}

/**
 * rp_secrets_lookup_async:
 * @provider: whose key
 * @cancellable: (nullable): cancels the lookup
 * @callback: called on the thread-default main context
 * @user_data: for @callback
 *
 * Looks in order at: a key kept for this session (stored while no keyring answered), the
 * Secret Service, and the environment variable the provider names. The keyring gets
 * #RpSecrets:connect-timeout to answer and #RpSecrets:operation-timeout to finish; when it
 * does not, the lookup goes on to the environment, so it always completes.
 */
void
rp_secrets_lookup_async (RpSecrets           *self,
                         RpProvider          *provider,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *session_key;

  g_return_if_fail (RP_IS_SECRETS (self));
  g_return_if_fail (RP_IS_PROVIDER (provider));

  task = op_task_new (self, OP_LOOKUP, provider, cancellable, callback, user_data,
                      rp_secrets_lookup_async);
  session_key = g_hash_table_lookup (self->session_keys, rp_provider_get_id (provider));
  if (session_key != NULL)
    {
      return_key (task, g_strdup (session_key), RP_SECRET_SOURCE_SESSION);
      return;
    }
  run_keyring_step (task);
}

/**
 * rp_secrets_lookup_finish:
 * @source: (out) (optional): where the key came from
 * @error: only %G_IO_ERROR_CANCELLED; a missing key is not an error
 *
 * Returns: (transfer full) (nullable): the key, to be freed with rp_secrets_key_free(),
 *   or %NULL when there is none (then @source is %RP_SECRET_SOURCE_NONE)
 */
char *
rp_secrets_lookup_finish (RpSecrets       *self,
                          GAsyncResult    *result,
                          RpSecretSource  *source,
                          GError         **error)
{
  Found *found;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (source != NULL)
    *source = RP_SECRET_SOURCE_NONE;
  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return NULL;
  if (source != NULL)
    *source = found->source;
  key = g_steal_pointer (&found->key);
  found_free (found);
  return key;
}

/**
 * rp_secrets_store_async:
 * @provider: whose key
 * @key: the key; surrounding white space is trimmed
 * @cancellable: (nullable): cancels the store
 * @callback: called on the thread-default main context
 * @user_data: for @callback
 *
 * Stores the key in the Secret Service. When no keyring answers in time the key is kept in
 * this process's memory instead, and the finish function says so.
 */
void
rp_secrets_store_async (RpSecrets           *self,
                        RpProvider          *provider,
                        const char          *key,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Op *op;

  g_return_if_fail (RP_IS_SECRETS (self));
  g_return_if_fail (RP_IS_PROVIDER (provider));

  task = op_task_new (self, OP_STORE, provider, cancellable, callback, user_data,
                      rp_secrets_store_async);
  op = g_task_get_task_data (task);
  op->key = clean_key (key, &error);
  if (op->key == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  run_keyring_step (task);
}

/**
 * rp_secrets_store_finish:
 * @stored_in: (out) (optional): %RP_SECRET_SOURCE_KEYRING on success; after
 *   %RP_SECRETS_ERROR_NO_KEYRING or %RP_SECRETS_ERROR_FAILED, %RP_SECRET_SOURCE_SESSION (the
 *   key is kept in memory and lookups find it); otherwise %RP_SECRET_SOURCE_NONE
 * @error: why the keyring did not take the key, translated; never contains the key
 *
 * Returns: whether the key is in the keyring
 */
gboolean
rp_secrets_store_finish (RpSecrets       *self,
                         GAsyncResult    *result,
                         RpSecretSource  *stored_in,
                         GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  ok = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (stored_in != NULL)
    {
      if (ok)
        *stored_in = RP_SECRET_SOURCE_KEYRING;
      else if (local_error->domain == RP_SECRETS_ERROR &&
               local_error->code != RP_SECRETS_ERROR_INVALID_KEY)
        *stored_in = RP_SECRET_SOURCE_SESSION;
      else
        *stored_in = RP_SECRET_SOURCE_NONE;
    }
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

/**
 * rp_secrets_clear_async:
 * @provider: whose key
 * @cancellable: (nullable): cancels the removal
 * @callback: called on the thread-default main context
 * @user_data: for @callback
 *
 * Forgets a key kept for this session at once, and removes the keyring's copy. The
 * environment variable, if set, still provides a key afterwards.
 */
void
rp_secrets_clear_async (RpSecrets           *self,
                        RpProvider          *provider,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (RP_IS_SECRETS (self));
  g_return_if_fail (RP_IS_PROVIDER (provider));

  task = op_task_new (self, OP_CLEAR, provider, cancellable, callback, user_data,
                      rp_secrets_clear_async);
  g_hash_table_remove (self->session_keys, rp_provider_get_id (provider));
  run_keyring_step (task);
}

/**
 * rp_secrets_clear_finish:
 * @error: why the keyring's copy may remain, translated
 *
 * Returns: whether no key for the provider remains in the keyring or the session
 */
gboolean
rp_secrets_clear_finish (RpSecrets     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
