/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-provider-config.h"

G_BEGIN_DECLS

gboolean rp_auth_spec_parse      (RpAuthSpec    *auth,
                                  JsonObject    *object,
                                  const char    *path,
                                  GError       **error);
void     rp_auth_spec_clear      (RpAuthSpec    *auth);
gboolean rp_http_config_parse    (RpHttpConfig  *http,
                                  JsonObject    *object,
                                  const char    *path,
                                  GError       **error);
gboolean rp_retry_policy_parse   (RpRetryPolicy *retry,
                                  JsonObject    *object,
                                  const char    *path,
                                  GError       **error);
void     rp_retry_policy_clear   (RpRetryPolicy *retry);
gboolean rp_error_config_parse   (RpErrorConfig *errors,
                                  JsonObject    *object,
                                  const char    *path,
                                  GError       **error);
void     rp_error_config_clear   (RpErrorConfig *errors);

G_END_DECLS
