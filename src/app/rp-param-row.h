/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

#define RP_TYPE_PARAM_ROW (rp_param_row_get_type ())
G_DECLARE_FINAL_TYPE (RpParamRow, rp_param_row, RP, PARAM_ROW, GObject)

/* The row for one parameter of the sidebar, built from its RpParamSpec: enums as combo
 * rows, booleans as switches, numbers as spin buttons with the spec's range, strings as
 * entry rows, sizes as the model's sizes plus a checked custom size when the model takes
 * any size. Choices, bounds and defaults all come from the definition. */
RpParamRow  *rp_param_row_new        (RpParams    *params,
                                      RpParamSpec *spec);
const char  *rp_param_row_get_name   (RpParamRow  *self);
GtkWidget   *rp_param_row_get_widget (RpParamRow  *self);
GtkWidget   *rp_param_row_get_extra  (RpParamRow  *self);
void         rp_param_row_refresh    (RpParamRow  *self);
const char  *rp_param_row_get_problem (RpParamRow *self);
void         rp_param_row_set_check_problem (RpParamRow *self,
                                             const char *problem);

G_END_DECLS
