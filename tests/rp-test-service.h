/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fake-provider.h"
#include "rp-core.h"

G_BEGIN_DECLS

/*
 * RpTestService: an RpService with its own journal, provider registry and fake provider in
 * a throw-away folder. Tests write user definitions first (rp_test_service_add_definition),
 * then rp_test_service_start() loads the registry and makes the service, with @key set for
 * every built-in provider.
 */
typedef struct
{
  char               *dir;
  char               *history_dir;
  char               *user_dir;
  char               *cache_dir;
  char               *base_url;   /* the fake provider's "/v1" */
  const char         *key;
  RpFakeProvider     *fake;
  RpProviderRegistry *registry;
  RpHistory          *history;
  RpService          *service;
} RpTestService;

void       rp_test_service_init           (RpTestService  *t,
                                           const char     *key);
void       rp_test_service_add_definition (RpTestService  *t,
                                           const char     *file_name,
                                           const char     *json);
void       rp_test_service_start          (RpTestService  *t);
void       rp_test_service_clear          (RpTestService  *t);

/* A PNG of @width × @height in the test's folder: a pattern, or noise that does not
 * compress (its file is about as large as its pixels). */
RpImage   *rp_test_service_photo          (RpTestService  *t,
                                           const char     *name,
                                           int             width,
                                           int             height,
                                           gboolean        noise);
RpParams  *rp_test_service_params         (RpTestService  *t,
                                           const char     *provider_id,
                                           const char     *model);
/* A job on @photo (mask @mask or none) sent to the fake provider. */
RpJob     *rp_test_service_job            (RpTestService  *t,
                                           RpImage        *photo,
                                           RpMask         *mask,
                                           RpParams       *params);
/* A job's end, as rp_test_service_start_job() records it. */
typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RpTestWait;

void       rp_test_service_start_job      (RpService      *service,
                                           RpJob          *job,
                                           RpTestWait     *wait);
/* Iterates this thread's main context until the job ended; a minute at most. */
void       rp_test_wait                   (RpTestWait     *wait);
/* Both: runs @job to its end with the fixture's service. */
gboolean   rp_test_service_run            (RpTestService  *t,
                                           RpJob          *job,
                                           GError        **error);

G_END_DECLS
