/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-param-labels"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rp-param-labels.h"
#include "rp-size-rule.h"

/* Labels live here rather than in the definition files because gettext cannot extract
 * strings from JSON; a parameter that only a user file knows shows its raw name. */
static const struct {
  const char *name;
  const char *label;
  const char *description;
} param_labels[] = {
  { "prompt", N_("Prompt"), N_("What to change in the painted region") },
  { "model", N_("Model"), N_("The model that makes the edit") },
  { "n", N_("Number of images"), N_("How many variants to make in one request") },
  { "size", N_("Size"), N_("The size of the image the provider returns") },
  { "quality", N_("Quality"), N_("Higher quality takes longer and costs more") },
  { "background", N_("Background"), N_("Whether the result may be transparent") },
  { "output_format", N_("Output format"), N_("The file format of the result") },
  { "output_compression", N_("Output compression"),
    N_("Compression level in percent for JPEG and WebP results") },
  { "input_fidelity", N_("Input fidelity"),
    N_("How closely the result keeps faces and details of the input") },
  { "moderation", N_("Moderation"), N_("How strictly the provider filters content") },
  { "stream", N_("Stream"), N_("Show partial results while the image is made") },
  { "partial_images", N_("Partial images"), N_("How many previews to send while streaming") },
  { "user", N_("User ID"), N_("An identifier of the end user, for abuse monitoring") },
  { "aspect_ratio", N_("Aspect ratio"), N_("The shape of the result") },
  { "resolution", N_("Resolution"), N_("The resolution tier of the result") },
  { "safe_mode", N_("Safe mode"), N_("Blur results classified as adult content") },
  { "enhance_prompt", N_("Enhance prompt"),
    N_("Let the provider rewrite the prompt first; costs extra and takes longer") },
  { "disable_prompt_optimization_thinking", N_("Skip prompt optimization"),
    N_("Ask models that support it not to reason about the prompt first") },
  { "response_format", N_("Response format"), N_("Whether results come as links or embedded") },
  { "async", N_("Background task"),
    N_("Submit the edit as a task and collect the result when it is ready") },
  { "style", N_("Style"), NULL },
  { "seed", N_("Seed"), N_("The same seed and settings give the same result") },
};

/* Names in the built-in definitions that are words, not brand names: the offline fill's. */
static const char * const definition_texts[] = {
  N_("Offline Fill"),
  N_("Content-Aware Fill"),
};

static const struct {
  const char *name;     /* NULL: any parameter */
  const char *value;
  const char *context;
  const char *label;
} choice_labels[] = {
  { NULL, "auto", "choice", NC_("choice", "Automatic") },
  { NULL, "low", "choice", NC_("choice", "Low") },
  { NULL, "medium", "choice", NC_("choice", "Medium") },
  { NULL, "high", "choice", NC_("choice", "High") },
  { NULL, "standard", "choice", NC_("choice", "Standard") },
  { "background", "opaque", "background", NC_("background", "Opaque") },
  { "background", "transparent", "background", NC_("background", "Transparent") },
  { NULL, "png", "format", NC_("format", "PNG") },
  { NULL, "jpeg", "format", NC_("format", "JPEG") },
  { NULL, "webp", "format", NC_("format", "WebP") },
  { "moderation", "low", "moderation", NC_("moderation", "Less strict") },
  { "response_format", "url", "response format", NC_("response format", "Link") },
  { "response_format", "b64_json", "response format", NC_("response format", "Embedded") },
  { NULL, "true", "switch", NC_("switch", "On") },
  { NULL, "false", "switch", NC_("switch", "Off") },
};

/**
 * rp_definition_text_label:
 * @text: a name written in a built-in definition, e.g. "Offline Fill"
 *
 * Returns: (transfer none): the translated name, or @text itself for a brand name
 */
const char *
rp_definition_text_label (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (definition_texts); i++)
    if (g_str_equal (definition_texts[i], text))
      return g_dgettext (GETTEXT_PACKAGE, definition_texts[i]);
  return text;
}

/**
 * rp_param_label:
 * @name: a parameter name from a definition, e.g. "output_compression"
 *
 * Returns: (transfer none): the translated label, or @name itself when unknown
 */
const char *
rp_param_label (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (param_labels); i++)
    if (g_str_equal (param_labels[i].name, name))
      return g_dgettext (GETTEXT_PACKAGE, param_labels[i].label);
  return name;
}

/**
 * rp_param_description:
 * @name: a parameter name
 *
 * Returns: (transfer none) (nullable): a translated one-line explanation, or %NULL
 */
const char *
rp_param_description (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (param_labels); i++)
    if (g_str_equal (param_labels[i].name, name) && param_labels[i].description != NULL)
      return g_dgettext (GETTEXT_PACKAGE, param_labels[i].description);
  return NULL;
}

/**
 * rp_param_choice_label:
 * @name: (nullable): the parameter the value belongs to
 * @value: a choice as sent on the wire, e.g. "transparent" or "1536x1024"
 *
 * Returns: (transfer full): the translated label; sizes read "1536 × 1024", values without a
 *   translation (aspect ratios, "2K", unknown words) come back unchanged
 */
char *
rp_param_choice_label (const char *name,
                       const char *value)
{
  RpSize size;

  g_return_val_if_fail (value != NULL, NULL);

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (choice_labels); i++)
      {
        gboolean specific = choice_labels[i].name != NULL;

        if (pass == 0 && !(specific && g_strcmp0 (choice_labels[i].name, name) == 0))
          continue;
        if (pass == 1 && specific)
          continue;
        if (g_str_equal (choice_labels[i].value, value))
          return g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, choice_labels[i].context,
                                         choice_labels[i].label));
      }
  if (rp_size_parse (value, &size))
    return g_strdup_printf ("%d × %d", size.width, size.height);
  return g_strdup (value);
}

/**
 * rp_param_choices_text:
 * @name: (nullable): the parameter
 * @values: the values to list
 *
 * Returns: (transfer full): the labels joined for a sentence: "JPEG or WebP",
 *   "PNG, JPEG or WebP"
 */
char *
rp_param_choices_text (const char         *name,
                       const char * const *values)
{
  guint n = values ? g_strv_length ((char **) values) : 0;
  g_autofree char *text = NULL;

  if (n == 0)
    return g_strdup ("");
  text = rp_param_choice_label (name, values[0]);
  for (guint i = 1; i < n; i++)
    {
      g_autofree char *next = rp_param_choice_label (name, values[i]);
      g_autofree char *joined = NULL;

      if (i + 1 == n)
        /* Translators: the last two items of a list of choices, e.g. "JPEG or WebP" */
        joined = g_strdup_printf (_("%s or %s"), text, next);
      else
        /* Translators: joins items of a list of choices, e.g. "PNG, JPEG" */
        joined = g_strdup_printf (_("%s, %s"), text, next);
      g_free (text);
      text = g_steal_pointer (&joined);
    }
  return g_steal_pointer (&text);
}
