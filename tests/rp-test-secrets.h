/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-secrets.h"

G_BEGIN_DECLS

/* The key the secrets tests store; it must never show up in a log line or a file. */
#define RP_TEST_SECRET_KEY "sk-test-7fQ2xZr9PqLmW4vN8bTc"

/* Captures every log message (debug included) of the process; call before g_test_init(). */
void         rp_test_capture_logs      (void);
const char  *rp_test_captured_logs     (void);
/* Whether any regular file under @dir contains @needle. */
gboolean     rp_test_tree_contains     (const char   *dir,
                                        const char   *needle);
/* Runs the main context until *@slot is set; fails the test after @limit_s seconds. */
GAsyncResult *rp_test_wait_result      (GAsyncResult **slot,
                                        guint          limit_s);
void         rp_test_store_result      (GObject       *object,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
/* Waits until @name has an owner on the bus at @address. */
gboolean     rp_test_wait_bus_name     (const char    *address,
                                        const char    *name,
                                        guint          limit_s);
/* RpSecrets' calls, each waited for at most @limit_s seconds; a lookup must not fail. */
char        *rp_test_secrets_lookup    (guint            limit_s,
                                        RpSecrets       *secrets,
                                        RpProvider      *provider,
                                        RpSecretSource  *source);
gboolean     rp_test_secrets_store     (guint            limit_s,
                                        RpSecrets       *secrets,
                                        RpProvider      *provider,
                                        const char      *key,
                                        RpSecretSource  *where,
                                        GError         **error);
gboolean     rp_test_secrets_clear     (guint            limit_s,
                                        RpSecrets       *secrets,
                                        RpProvider      *provider,
                                        GError         **error);

G_END_DECLS
