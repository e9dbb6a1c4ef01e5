/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RP_SIZE_RULE_MAX_SIZES 16

#define RP_SIZE_RULE_ERROR (rp_size_rule_error_quark ())

typedef enum {
  RP_SIZE_RULE_ERROR_SYNTAX,
  RP_SIZE_RULE_ERROR_NOT_ALLOWED,
  RP_SIZE_RULE_ERROR_MULTIPLE,
  RP_SIZE_RULE_ERROR_EDGE,
  RP_SIZE_RULE_ERROR_PIXELS,
  RP_SIZE_RULE_ERROR_RATIO,
} RpSizeRuleError;

typedef struct
{
  int width;
  int height;
} RpSize;

/* What a model accepts as its output `size`: either a list of fixed sizes (dall-e-2,
 * gpt-image-1) or an arbitrary-size rule (gpt-image-2, PROVIDERS.md §1.4), plus "auto".
 * A zero field in the rule means "no limit". */
typedef struct
{
  gboolean allow_auto;
  guint    n_sizes;
  RpSize   sizes[RP_SIZE_RULE_MAX_SIZES];
  int      multiple_of;
  int      max_edge;
  gint64   min_pixels;
  gint64   max_pixels;
  double   max_ratio;          /* long side / short side */
  gint64   warn_above_pixels;  /* allowed, but the provider calls it experimental */
} RpSizeRule;

GQuark   rp_size_rule_error_quark (void);

gboolean rp_size_parse            (const char        *text,
                                   RpSize            *size);
char    *rp_size_to_string        (const RpSize      *size);
gboolean rp_size_rule_is_arbitrary (const RpSizeRule *rule);
gboolean rp_size_rule_check       (const RpSizeRule  *rule,
                                   const char        *value,
                                   GError           **error);
gboolean rp_size_rule_warns       (const RpSizeRule  *rule,
                                   const RpSize      *size);
gboolean rp_size_rule_best_for    (const RpSizeRule  *rule,
                                   int                width,
                                   int                height,
                                   RpSize            *out);

G_END_DECLS
