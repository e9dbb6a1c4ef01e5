/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *rp_definition_text_label (const char *text);
const char *rp_param_label        (const char *name);
const char *rp_param_description  (const char *name);
char       *rp_param_choice_label (const char *name,
                                   const char *value);
char       *rp_param_choices_text (const char         *name,
                                   const char * const *values);

G_END_DECLS
