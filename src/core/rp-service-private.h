/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-edit-backend.h"
#include "rp-provider.h"
#include "rp-service.h"

G_BEGIN_DECLS

/* What the HTTP engine reads from a run besides the public RpEditRun accessors. */
RpProvider *rp_edit_run_get_provider        (RpEditRun *run);
RpParams   *rp_edit_run_get_params          (RpEditRun *run);
const char *rp_edit_run_get_api_key         (RpEditRun *run);
const char *rp_edit_run_get_base_url        (RpEditRun *run);
double      rp_edit_run_get_read_timeout    (RpEditRun *run);
double      rp_edit_run_get_connect_timeout (RpEditRun *run);

/* The HTTP engine: one backend for every provider definition. */
#define RP_TYPE_HTTP_BACKEND (rp_http_backend_get_type ())
G_DECLARE_FINAL_TYPE (RpHttpBackend, rp_http_backend, RP, HTTP_BACKEND, GObject)

RpHttpBackend *rp_http_backend_new (void);

/* Used when a reply says nothing better. */
const char *rp_job_error_default_next_step  (RpJobError  kind);

G_END_DECLS
