/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-size-rule"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "rp-size-rule.h"

G_DEFINE_QUARK (rp-size-rule-error-quark, rp_size_rule_error)

/**
 * rp_size_parse:
 * @text: "WxH" with positive integers (also accepts "W×H")
 * @size: (out): the parsed size
 */
gboolean
rp_size_parse (const char *text,
               RpSize     *size)
{
  g_auto(GStrv) parts = NULL;
  guint64 w, h;

  if (text == NULL)
    return FALSE;
  if (strstr (text, "×") != NULL)
    {
      g_autofree char *ascii = g_strdup (text);
      char *mark = strstr (ascii, "×");

      *mark = 'x';
      memmove (mark + 1, mark + strlen ("×"), strlen (mark + strlen ("×")) + 1);
      return rp_size_parse (ascii, size);
    }
  parts = g_strsplit (text, "x", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, 100000, &w, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 100000, &h, NULL))
    return FALSE;
  size->width = w;
  size->height = h;
  return TRUE;
}

char *
rp_size_to_string (const RpSize *size)
{
  return g_strdup_printf ("%dx%d", size->width, size->height);
}

gboolean
rp_size_rule_is_arbitrary (const RpSizeRule *rule)
{
  return rule->n_sizes == 0;
}

/**
 * rp_size_rule_check:
 * @value: "auto" or "WxH"
 *
 * Returns: whether the model accepts @value; @error says which limit it breaks
 */
gboolean
rp_size_rule_check (const RpSizeRule  *rule,
                    const char        *value,
                    GError           **error)
{
  RpSize s;
  gint64 pixels;
  guint i;

  if (g_strcmp0 (value, "auto") == 0)
    {
      if (rule->allow_auto)
        return TRUE;
      g_set_error_literal (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_NOT_ALLOWED,
                           _("This model needs an explicit size."));
      return FALSE;
    }
  if (!rp_size_parse (value, &s))
    {
      g_set_error (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_SYNTAX,
                   _("“%s” is not a size; use width×height, for example 1024x1024."), value);
      return FALSE;
    }

  if (rule->n_sizes > 0)
    {
      for (i = 0; i < rule->n_sizes; i++)
        if (rule->sizes[i].width == s.width && rule->sizes[i].height == s.height)
          return TRUE;
      g_set_error (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_NOT_ALLOWED,
                   _("This model does not offer %d×%d."), s.width, s.height);
      return FALSE;
    }

  if (rule->multiple_of > 0 && (s.width % rule->multiple_of != 0 || s.height % rule->multiple_of != 0))
    {
      g_set_error (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_MULTIPLE,
                   _("Width and height must be multiples of %d."), rule->multiple_of);
      return FALSE;
    }
  if (rule->max_edge > 0 && MAX (s.width, s.height) > rule->max_edge)
    {
      g_set_error (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_EDGE,
                   _("No side may be longer than %d pixels."), rule->max_edge);
      return FALSE;
    }
  pixels = (gint64) s.width * s.height;
  if ((rule->min_pixels > 0 && pixels < rule->min_pixels) ||
      (rule->max_pixels > 0 && pixels > rule->max_pixels))
    {
      g_set_error (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_PIXELS,
                   _("The size must have between %" PRId64 " and %" PRId64 " pixels."),
                   rule->min_pixels, rule->max_pixels > 0 ? rule->max_pixels : G_MAXINT64);
      return FALSE;
    }
  if (rule->max_ratio > 0 &&
      MAX (s.width, s.height) > rule->max_ratio * MIN (s.width, s.height) + 1e-9)
    {
      g_set_error (error, RP_SIZE_RULE_ERROR, RP_SIZE_RULE_ERROR_RATIO,
                   _("The long side may be at most %g times the short side."), rule->max_ratio);
      return FALSE;
    }
  return TRUE;
}

gboolean
rp_size_rule_warns (const RpSizeRule *rule,
                    const RpSize     *size)
{
  return rule->warn_above_pixels > 0 &&
         (gint64) size->width * size->height > rule->warn_above_pixels;
}

static gboolean
check_size (const RpSizeRule *rule,
            int               w,
            int               h)
{
  g_autofree char *text = g_strdup_printf ("%dx%d", w, h);

  return rp_size_rule_check (rule, text, NULL);
}

/**
 * rp_size_rule_best_for:
 * @width: @height: the region to upload
 * @out: (out): the accepted size closest in aspect to the region, and for arbitrary-size
 *   models as large as the region allows (never larger than needed)
 *
 * Returns: %FALSE if the rule allows no explicit size at all
 */
gboolean
rp_size_rule_best_for (const RpSizeRule *rule,
                       int               width,
                       int               height,
                       RpSize           *out)
{
  double aspect;
  guint i;

  g_return_val_if_fail (width > 0 && height > 0, FALSE);
  aspect = (double) width / height;

  if (rule->n_sizes > 0)
    {
      double best = G_MAXDOUBLE;

      for (i = 0; i < rule->n_sizes; i++)
        {
          double a = (double) rule->sizes[i].width / rule->sizes[i].height;
          double d = fabs (log (a / aspect));
          /* Same aspect: prefer the size with the pixel count nearest the region's. */
          double tie = fabs (log ((double) rule->sizes[i].width * rule->sizes[i].height /
                                  ((double) width * height))) * 1e-3;

          if (d + tie < best)
            {
              best = d + tie;
              *out = rule->sizes[i];
            }
        }
      return TRUE;
    }
  else
    {
      int m = MAX (rule->multiple_of, 1);
      double ratio = rule->max_ratio > 0 ? rule->max_ratio : G_MAXDOUBLE;
      double a = CLAMP (aspect, 1.0 / ratio, ratio);
      gint64 target = (gint64) width * height;
      int attempt;

      if (rule->max_pixels > 0)
        target = MIN (target, rule->max_pixels);
      if (rule->min_pixels > 0)
        target = MAX (target, rule->min_pixels);

      /* Shrink until every limit holds; rounding to the multiple can overshoot a bound. */
      for (attempt = 0; attempt < 200; attempt++)
        {
          double h = sqrt (target / a);
          double w = h * a;
          int wi, hi;

          if (rule->max_edge > 0 && MAX (w, h) > rule->max_edge)
            {
              double k = rule->max_edge / MAX (w, h);
              w *= k;
              h *= k;
            }
          wi = MAX ((int) floor (w / m) * m, m);
          hi = MAX ((int) floor (h / m) * m, m);
          if (rule->min_pixels > 0 && (gint64) wi * hi < rule->min_pixels)
            {
              wi = MAX ((int) ceil (w / m) * m, m);
              hi = MAX ((int) ceil (h / m) * m, m);
            }
          if (check_size (rule, wi, hi))
            {
              out->width = wi;
              out->height = hi;
              return TRUE;
            }
          target = (gint64) (target * 0.98);
        }
      return FALSE;
    }
}
