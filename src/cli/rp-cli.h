/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "rp-provider-registry.h"

G_BEGIN_DECLS

/* Exit statuses scripts can rely on. */
#define RP_CLI_EXIT_OK      0
#define RP_CLI_EXIT_FAILURE 1   /* a provider, network or output error */
#define RP_CLI_EXIT_USAGE   2   /* a usage or validation error */

int      rp_cli_mask        (int          argc,
                             char       **argv);
int      rp_cli_providers   (int          argc,
                             char       **argv);
int      rp_cli_models      (int          argc,
                             char       **argv);
int      rp_cli_edit        (int          argc,
                             char       **argv);
int      rp_cli_history     (int          argc,
                             char       **argv);
RpProviderRegistry *rp_cli_load_registry (gboolean report_problems);
void     rp_cli_print_json  (JsonNode    *node);
gboolean rp_cli_parse_rect  (const char  *text,
                             int         *x,
                             int         *y,
                             int         *width,
                             int         *height);
void     rp_cli_error       (const char  *format,
                             ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
