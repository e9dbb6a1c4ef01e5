/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-model-info.h"
#include "rp-model-spec.h"
#include "rp-provider-config.h"

G_BEGIN_DECLS

/* The id of the offline fill: only the built-in definition may take it. */
#define RP_PROVIDER_RESERVED_ID "local"
/* The value of a definition's optional "schema" key. */
#define RP_PROVIDER_SCHEMA "repaint-provider/1"

#define RP_PROVIDER_ERROR (rp_provider_error_quark ())

/**
 * RpProviderError:
 * @RP_PROVIDER_ERROR_INVALID_JSON: the file is not JSON, or not a JSON object
 * @RP_PROVIDER_ERROR_INVALID: a key is unknown, missing or has the wrong type or value
 * @RP_PROVIDER_ERROR_UNKNOWN_PARENT: "extends" names no known definition
 * @RP_PROVIDER_ERROR_CYCLE: "extends" (or an operation's "inherits") loops
 * @RP_PROVIDER_ERROR_RESERVED_ID: the id is reserved for Repaint itself
 * @RP_PROVIDER_ERROR_DUPLICATE_ID: another user file already defines the id
 * @RP_PROVIDER_ERROR_INSECURE_URL: a base URL is not https and not on this computer
 * @RP_PROVIDER_ERROR_NO_OPERATION: the model has no operation for these inputs
 * @RP_PROVIDER_ERROR_DISCOVERY: the provider's model list could not be used
 */
typedef enum {
  RP_PROVIDER_ERROR_INVALID_JSON,
  RP_PROVIDER_ERROR_INVALID,
  RP_PROVIDER_ERROR_UNKNOWN_PARENT,
  RP_PROVIDER_ERROR_CYCLE,
  RP_PROVIDER_ERROR_RESERVED_ID,
  RP_PROVIDER_ERROR_DUPLICATE_ID,
  RP_PROVIDER_ERROR_INSECURE_URL,
  RP_PROVIDER_ERROR_NO_OPERATION,
  RP_PROVIDER_ERROR_DISCOVERY,
} RpProviderError;

/**
 * RpProviderEngine:
 * @RP_PROVIDER_ENGINE_HTTP: edits are sent to a web service (the default)
 * @RP_PROVIDER_ENGINE_LOCAL: edits run on this computer, with no key and no network (the
 *   offline fill); only definitions built into Repaint may use it
 *
 * What carries out a provider's edits: a definition's top-level "engine".
 */
typedef enum {
  RP_PROVIDER_ENGINE_HTTP,
  RP_PROVIDER_ENGINE_LOCAL,
} RpProviderEngine;

#define RP_TYPE_PROVIDER (rp_provider_get_type ())
G_DECLARE_FINAL_TYPE (RpProvider, rp_provider, RP, PROVIDER, GObject)

GQuark               rp_provider_error_quark          (void);

RpProvider          *rp_provider_new_from_json        (JsonObject     *definition,
                                                       const char     *source,
                                                       gboolean        builtin,
                                                       GError        **error);
gboolean             rp_provider_validate_base_url    (const char     *url,
                                                       GError        **error);
gboolean             rp_provider_validate_id          (const char     *id,
                                                       GError        **error);

const char          *rp_provider_get_id               (RpProvider     *self);
RpProviderEngine     rp_provider_get_engine           (RpProvider     *self);
gboolean             rp_provider_is_local             (RpProvider     *self);
const char          *rp_provider_get_name             (RpProvider     *self);
const char          *rp_provider_get_base_url         (RpProvider     *self);
const char          *rp_provider_get_api_key_env      (RpProvider     *self);
const char          *rp_provider_get_website          (RpProvider     *self);
const char          *rp_provider_get_check_path       (RpProvider     *self,
                                                       gboolean       *verifies_key);
const char          *rp_provider_get_source           (RpProvider     *self);
gboolean             rp_provider_get_builtin          (RpProvider     *self);
JsonObject          *rp_provider_get_definition       (RpProvider     *self);
char                *rp_provider_build_url            (RpProvider     *self,
                                                       const char     *path);

const RpAuthSpec    *rp_provider_get_auth             (RpProvider     *self);
const char * const  *rp_provider_get_headers          (RpProvider     *self);
const RpHttpConfig  *rp_provider_get_http_config      (RpProvider     *self);
const RpRetryPolicy *rp_provider_get_retry_policy     (RpProvider     *self);
const RpErrorConfig *rp_provider_get_error_config     (RpProvider     *self);

GListModel          *rp_provider_get_models           (RpProvider     *self);
RpModelInfo         *rp_provider_lookup_model         (RpProvider     *self,
                                                       const char     *model_id);
const char          *rp_provider_get_default_model    (RpProvider     *self);
gboolean             rp_provider_has_discovery        (RpProvider     *self);
gboolean             rp_provider_get_models_discovered (RpProvider    *self);

char               **rp_provider_dup_operations       (RpProvider     *self,
                                                       const char     *model_id);
const char          *rp_provider_select_operation     (RpProvider     *self,
                                                       const char     *model_id,
                                                       guint           n_images,
                                                       gboolean        has_mask,
                                                       GError        **error);
RpModelSpec         *rp_provider_resolve              (RpProvider     *self,
                                                       const char     *model_id,
                                                       const char     *operation,
                                                       GError        **error);
RpModelSpec         *rp_provider_resolve_for_inputs   (RpProvider     *self,
                                                       const char     *model_id,
                                                       guint           n_images,
                                                       gboolean        has_mask,
                                                       GError        **error);

G_END_DECLS
