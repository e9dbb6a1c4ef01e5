/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-provider.h"

G_BEGIN_DECLS

/* How long the Secret Service may take to answer at all; a keyring that does not answer
 * within this is treated as absent. */
#define RP_SECRETS_CONNECT_TIMEOUT_MS   (5 * 1000)
/* How long one keyring operation may take once connected. It can include an unlock prompt
 * a person has to type into, hence the generous limit. */
#define RP_SECRETS_OPERATION_TIMEOUT_MS (60 * 1000)
/* No real API key is longer. */
#define RP_SECRETS_MAX_KEY_CHARS 4096

#define RP_SECRETS_ERROR (rp_secrets_error_quark ())

/**
 * RpSecretsError:
 * @RP_SECRETS_ERROR_NO_KEYRING: no Secret Service answered in time; a stored key is kept in
 *   memory for this session only
 * @RP_SECRETS_ERROR_INVALID_KEY: the key is empty, too long or holds characters no key has
 * @RP_SECRETS_ERROR_FAILED: the keyring answered but refused (for example it stayed locked)
 */
typedef enum {
  RP_SECRETS_ERROR_NO_KEYRING,
  RP_SECRETS_ERROR_INVALID_KEY,
  RP_SECRETS_ERROR_FAILED,
} RpSecretsError;

/**
 * RpSecretSource:
 * @RP_SECRET_SOURCE_NONE: no key was found
 * @RP_SECRET_SOURCE_KEYRING: the Secret Service (the login keyring)
 * @RP_SECRET_SOURCE_ENVIRONMENT: the environment variable the provider names
 * @RP_SECRET_SOURCE_SESSION: process memory, because no keyring answered when it was stored
 */
typedef enum {
  RP_SECRET_SOURCE_NONE,
  RP_SECRET_SOURCE_KEYRING,
  RP_SECRET_SOURCE_ENVIRONMENT,
  RP_SECRET_SOURCE_SESSION,
} RpSecretSource;

/**
 * RpKeyringState:
 * @RP_KEYRING_STATE_UNKNOWN: not asked yet
 * @RP_KEYRING_STATE_AVAILABLE: the last keyring operation got an answer
 * @RP_KEYRING_STATE_UNAVAILABLE: the last keyring operation got none
 */
typedef enum {
  RP_KEYRING_STATE_UNKNOWN,
  RP_KEYRING_STATE_AVAILABLE,
  RP_KEYRING_STATE_UNAVAILABLE,
} RpKeyringState;

#define RP_TYPE_SECRETS (rp_secrets_get_type ())
G_DECLARE_FINAL_TYPE (RpSecrets, rp_secrets, RP, SECRETS, GObject)

GQuark          rp_secrets_error_quark          (void);
const char     *rp_secret_source_get_label      (RpSecretSource       source);

RpSecrets      *rp_secrets_new                  (void);
guint           rp_secrets_get_connect_timeout  (RpSecrets           *self);
void            rp_secrets_set_connect_timeout  (RpSecrets           *self,
                                                 guint                timeout_ms);
guint           rp_secrets_get_operation_timeout (RpSecrets          *self);
void            rp_secrets_set_operation_timeout (RpSecrets          *self,
                                                 guint                timeout_ms);
RpKeyringState  rp_secrets_get_keyring_state    (RpSecrets           *self);

void            rp_secrets_lookup_async         (RpSecrets           *self,
                                                 RpProvider          *provider,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char           *rp_secrets_lookup_finish        (RpSecrets           *self,
                                                 GAsyncResult        *result,
                                                 RpSecretSource      *source,
                                                 GError             **error);
void            rp_secrets_store_async          (RpSecrets           *self,
                                                 RpProvider          *provider,
                                                 const char          *key,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        rp_secrets_store_finish         (RpSecrets           *self,
                                                 GAsyncResult        *result,
                                                 RpSecretSource      *stored_in,
                                                 GError             **error);
void            rp_secrets_clear_async          (RpSecrets           *self,
                                                 RpProvider          *provider,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        rp_secrets_clear_finish         (RpSecrets           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void            rp_secrets_key_free             (char                *key);

/* g_autoptr(RpSecretsKey) wipes the key when it goes out of scope. */
typedef char RpSecretsKey;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpSecretsKey, rp_secrets_key_free)

G_END_DECLS
