/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-provider.h"

G_BEGIN_DECLS

/* How long Test Connection waits for an answer. */
#define RP_PROVIDER_CHECK_TIMEOUT_S 20

typedef enum {
  RP_CHECK_KEY_WORKS,          /* the provider answered and accepted the key */
  RP_CHECK_REACHABLE,          /* it answered; the check does not involve the key */
  RP_CHECK_KEY_REFUSED,        /* 401/403: the key is wrong, expired or not allowed */
  RP_CHECK_NO_KEY,             /* no key to test with, and the check needs one */
  RP_CHECK_FAILED,             /* no usable answer: see the error */
} RpCheckResult;

void          rp_provider_check_async  (RpProvider          *provider,
                                        const char          *base_url,
                                        const char          *key,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
RpCheckResult rp_provider_check_finish (RpProvider          *provider,
                                        GAsyncResult        *result,
                                        GError             **error);
char         *rp_check_result_describe (RpCheckResult        result,
                                        RpProvider          *provider,
                                        const GError        *error);

G_END_DECLS
