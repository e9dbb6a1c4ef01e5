/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

#define RP_TYPE_JOB_ROW (rp_job_row_get_type ())
G_DECLARE_FINAL_TYPE (RpJobRow, rp_job_row, RP, JOB_ROW, GtkListBoxRow)

GtkWidget  *rp_job_row_new        (RpJob    *job,
                                   guint     number);
guint       rp_job_row_get_number (RpJobRow *self);
RpJob      *rp_job_row_get_job    (RpJobRow *self);
const char *rp_job_row_get_status (RpJobRow *self);
char       *rp_job_row_describe_progress (RpJob *job);
const char *rp_job_row_title      (RpJob    *job);

G_END_DECLS
