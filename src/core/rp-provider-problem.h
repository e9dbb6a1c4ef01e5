/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define RP_TYPE_PROVIDER_PROBLEM (rp_provider_problem_get_type ())
G_DECLARE_FINAL_TYPE (RpProviderProblem, rp_provider_problem, RP, PROVIDER_PROBLEM, GObject)

RpProviderProblem *rp_provider_problem_new         (const char        *path,
                                                    const char        *provider_id,
                                                    const GError      *error);
const char        *rp_provider_problem_get_path    (RpProviderProblem *self);
const char        *rp_provider_problem_get_provider_id (RpProviderProblem *self);
const char        *rp_provider_problem_get_message (RpProviderProblem *self);
int                rp_provider_problem_get_code    (RpProviderProblem *self);

G_END_DECLS
