/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

static RpProviderRegistry *registry;

static RpParams *
params_for (const char *provider_id,
            const char *model)
{
  RpProvider *provider = rp_provider_registry_lookup (registry, provider_id);
  g_autoptr(GError) error = NULL;
  RpParams *params;

  g_assert_nonnull (provider);
  params = rp_params_new (provider, model, &error);
  g_assert_no_error (error);
  return params;
}

/* Applies "name=value;name=value", typed by the model's spec. Returns FALSE, with @error,
 * at the first value refused outright. */
static gboolean
apply_settings (RpParams    *params,
                const char  *settings,
                GError     **error)
{
  g_auto(GStrv) pairs = g_strsplit (settings, ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);
      RpParamSpec *spec;
      gboolean ok;

      if (*pairs[i] == '\0')
        continue;
      g_assert_cmpuint (g_strv_length (kv), ==, 2);
      spec = rp_model_spec_lookup_param (rp_params_get_spec (params), kv[0]);
      switch (spec != NULL ? rp_param_spec_get_param_type (spec) : RP_PARAM_STRING)
        {
        case RP_PARAM_INT:
          ok = rp_params_set_int (params, kv[0], g_ascii_strtoll (kv[1], NULL, 10), error);
          break;
        case RP_PARAM_NUMBER:
          ok = rp_params_set_double (params, kv[0], g_ascii_strtod (kv[1], NULL), error);
          break;
        case RP_PARAM_BOOL:
          ok = rp_params_set_boolean (params, kv[0], g_str_equal (kv[1], "true"), error);
          break;
        case RP_PARAM_STRING:
        case RP_PARAM_ENUM:
        case RP_PARAM_SIZE:
        default:
          ok = rp_params_set_string (params, kv[0], kv[1], error);
          break;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *provider;
  const char *model;
  const char *settings;
  const char *bad;      /* NULL: accepted; else the parameter the error must name */
  int         code;
} Case;

/* Documented combinations are accepted; forbidden ones are refused naming the parameter.
 * PROVIDERS.md §1.10 for OpenAI, §4 for CrazyRouter, §1.4 for gpt-image-2 sizes. */
static const Case cases[] = {
  /* OpenAI, GPT image models */
  { "openai", "gpt-image-1.5", "", NULL, 0 },
  { "openai", "gpt-image-1.5", "quality=high;size=1536x1024;n=4", NULL, 0 },
  { "openai", "gpt-image-1.5", "size=auto;quality=low;input_fidelity=high", NULL, 0 },
  { "openai", "gpt-image-1.5", "background=transparent", NULL, 0 },                    /* PNG by default */
  { "openai", "gpt-image-1.5", "background=transparent;output_format=webp", NULL, 0 },
  { "openai", "gpt-image-1.5", "background=transparent;output_format=jpeg", "background", RP_PARAMS_ERROR_CONFLICT },
  { "openai", "gpt-image-1.5", "output_format=jpeg;output_compression=80", NULL, 0 },
  { "openai", "gpt-image-1.5", "output_format=webp;output_compression=0", NULL, 0 },
  { "openai", "gpt-image-1.5", "output_format=png;output_compression=80", "output_compression", RP_PARAMS_ERROR_CONFLICT },
  { "openai", "gpt-image-1.5", "output_compression=80", "output_compression", RP_PARAMS_ERROR_CONFLICT },
  { "openai", "gpt-image-1.5", "output_format=webp;output_compression=101", "output_compression", RP_PARAMS_ERROR_RANGE },
  { "openai", "gpt-image-1.5", "stream=true;partial_images=2", NULL, 0 },
  { "openai", "gpt-image-1.5", "partial_images=2", "partial_images", RP_PARAMS_ERROR_CONFLICT },
  { "openai", "gpt-image-1.5", "stream=false;partial_images=1", "partial_images", RP_PARAMS_ERROR_CONFLICT },
  { "openai", "gpt-image-1.5", "stream=true;partial_images=4", "partial_images", RP_PARAMS_ERROR_RANGE },
  { "openai", "gpt-image-1.5", "response_format=b64_json", "response_format", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "gpt-image-1", "response_format=url", "response_format", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "gpt-image-1.5", "style=vivid", "style", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "gpt-image-1.5", "size=2048x2048", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-1.5", "quality=standard", "quality", RP_PARAMS_ERROR_CHOICE },
  { "openai", "gpt-image-1.5", "n=0", "n", RP_PARAMS_ERROR_RANGE },
  { "openai", "gpt-image-1.5", "n=11", "n", RP_PARAMS_ERROR_RANGE },
  { "openai", "gpt-image-1.5", "moderation=low", "moderation", RP_PARAMS_ERROR_ENCODING },
  { "openai", "gpt-image-1-mini", "input_fidelity=high", "input_fidelity", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "gpt-image-1-mini", "background=opaque;quality=medium", NULL, 0 },
  /* gpt-image-2: the arbitrary size rule through the definition */
  { "openai", "gpt-image-2", "size=3840x2160", NULL, 0 },
  { "openai", "gpt-image-2", "size=2160x3840", NULL, 0 },
  { "openai", "gpt-image-2", "size=1024x640", NULL, 0 },
  { "openai", "gpt-image-2", "size=2400x800", NULL, 0 },
  { "openai", "gpt-image-2", "size=1000x1000", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-2", "size=1024x624", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-2", "size=3856x2160", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-2", "size=3840x2176", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-2", "size=2416x800", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-2", "size=wide", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "gpt-image-2", "input_fidelity=low", "input_fidelity", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "gpt-image-2", "background=transparent;output_format=png", NULL, 0 },
  /* dall-e-2 */
  { "openai", "dall-e-2", "", NULL, 0 },
  { "openai", "dall-e-2", "size=512x512;quality=standard;response_format=url;n=3", NULL, 0 },
  { "openai", "dall-e-2", "size=1536x1024", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "dall-e-2", "size=auto", "size", RP_PARAMS_ERROR_SIZE },
  { "openai", "dall-e-2", "quality=high", "quality", RP_PARAMS_ERROR_CHOICE },
  { "openai", "dall-e-2", "background=opaque", "background", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "dall-e-2", "output_format=png", "output_format", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "dall-e-2", "output_compression=50", "output_compression", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "dall-e-2", "input_fidelity=low", "input_fidelity", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "dall-e-2", "stream=true", "stream", RP_PARAMS_ERROR_UNKNOWN },
  { "openai", "dall-e-2", "partial_images=1", "partial_images", RP_PARAMS_ERROR_UNKNOWN },
  /* CrazyRouter gpt-image-2: what the relay rejects */
  { "crazyrouter", "gpt-image-2", "quality=high;size=2048x1152;moderation=low;n=2", NULL, 0 },
  { "crazyrouter", "gpt-image-2", "output_format=jpeg;output_compression=50", NULL, 0 },
  { "crazyrouter", "gpt-image-2", "stream=true;partial_images=3;user=u1", NULL, 0 },
  { "crazyrouter", "gpt-image-2", "background=opaque", NULL, 0 },
  { "crazyrouter", "gpt-image-2", "response_format=url", "response_format", RP_PARAMS_ERROR_UNKNOWN },
  { "crazyrouter", "gpt-image-2", "style=natural", "style", RP_PARAMS_ERROR_UNKNOWN },
  { "crazyrouter", "gpt-image-2", "input_fidelity=high", "input_fidelity", RP_PARAMS_ERROR_UNKNOWN },
  { "crazyrouter", "gpt-image-2", "background=transparent", "background", RP_PARAMS_ERROR_CHOICE },
  { "crazyrouter", "gpt-image-2", "quality=standard", "quality", RP_PARAMS_ERROR_CHOICE },
  { "crazyrouter", "gpt-image-2", "output_format=png;output_compression=50", "output_compression", RP_PARAMS_ERROR_CONFLICT },
  { "crazyrouter", "gpt-image-2", "partial_images=1", "partial_images", RP_PARAMS_ERROR_CONFLICT },
  { "crazyrouter", "gpt-image-2", "size=2416x800", "size", RP_PARAMS_ERROR_SIZE },
  /* mixrouter: moderation on multipart, and the async mode */
  { "mixrouter", "gpt-image-1.5", "moderation=low;quality=high", NULL, 0 },
  { "mixrouter", "gpt-image-1", "async=true", NULL, 0 },
  { "mixrouter", "gpt-image-1.5", "async=true;stream=true", "async", RP_PARAMS_ERROR_CONFLICT },
  { "mixrouter", "gpt-image-1.5", "response_format=url", "response_format", RP_PARAMS_ERROR_UNKNOWN },
  /* QuickRouter */
  { "quickrouter", "gpt-image-1", "quality=high;background=transparent;moderation=low", NULL, 0 },
  { "quickrouter", "gpt-image-1", "response_format=url", "response_format", RP_PARAMS_ERROR_UNKNOWN },
  { "quickrouter", "gpt-image-1", "stream=true", "stream", RP_PARAMS_ERROR_UNKNOWN },
  { "quickrouter", "gpt-image-1-all", "quality=high", "quality", RP_PARAMS_ERROR_UNKNOWN },
  { "quickrouter", "flux-kontext-pro", "aspect_ratio=16:9;response_format=b64_json", NULL, 0 },
  { "quickrouter", "flux-kontext-max", "aspect_ratio=9:21", NULL, 0 },
  { "quickrouter", "flux-kontext-pro", "aspect_ratio=5:4", "aspect_ratio", RP_PARAMS_ERROR_CHOICE },
  { "quickrouter", "flux-kontext-pro", "size=1024x1024", "size", RP_PARAMS_ERROR_UNKNOWN },
  /* Venice */
  { "venice", "firered-image-edit", "aspect_ratio=16:9;resolution=2K;output_format=webp;safe_mode=false", NULL, 0 },
  { "venice", "firered-image-edit", "enhance_prompt=true;disable_prompt_optimization_thinking=true", NULL, 0 },
  { "venice", "firered-image-edit", "aspect_ratio=7:3", "aspect_ratio", RP_PARAMS_ERROR_CHOICE },
  { "venice", "firered-image-edit", "resolution=8K", "resolution", RP_PARAMS_ERROR_CHOICE },
  { "venice", "firered-image-edit", "n=2", "n", RP_PARAMS_ERROR_UNKNOWN },
  { "venice", "gpt-image-2-edit", "quality=medium;resolution=4K", NULL, 0 },
  { "venice", "gpt-image-2-edit", "quality=auto", "quality", RP_PARAMS_ERROR_CHOICE },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr(RpParams) params = params_for (c->provider, c->model);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_assert_true (rp_params_set_string (params, "prompt", "Replace the kite with a red balloon",
                                           NULL));
      ok = apply_settings (params, c->settings, &error) && rp_params_validate (params, NULL,
                                                                               &error);
      g_test_message ("%s %s [%s] → %s", c->provider, c->model, c->settings,
                      ok ? "ok" : error->message);
      if (c->bad == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, RP_PARAMS_ERROR, c->code);
      g_assert_cmpstr (rp_params_error_get_param (error), ==, c->bad);
      /* The message names the parameter the way the sidebar labels it. */
      g_assert_nonnull (strstr (error->message, rp_param_label (c->bad)));
    }
}

static void
test_prompt (void)
{
  g_autoptr(RpParams) dalle = params_for ("openai", "dall-e-2");
  g_autoptr(RpParams) gpt = params_for ("openai", "gpt-image-1.5");
  g_autofree char *long_prompt = g_strnfill (1001, 'a');
  g_autofree char *longer_prompt = g_strnfill (32001, 'b');
  /* 1000 characters of three bytes each: the limit counts characters. */
  g_autoptr(GString) cjk = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (rp_params_validate (gpt, NULL, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_REQUIRED);
  g_assert_cmpstr (rp_params_error_get_param (error), ==, "prompt");
  g_clear_error (&error);
  g_assert_true (rp_params_set_string (gpt, "prompt", "   ", NULL));
  g_assert_false (rp_params_validate (gpt, NULL, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_REQUIRED);
  g_clear_error (&error);

  g_assert_true (rp_params_set_string (dalle, "prompt", long_prompt, NULL));
  g_assert_false (rp_params_validate (dalle, NULL, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "1000"));
  g_clear_error (&error);
  for (guint i = 0; i < 1000; i++)
    g_string_append (cjk, "画");
  g_assert_true (rp_params_set_string (dalle, "prompt", cjk->str, NULL));
  g_assert_true (rp_params_validate (dalle, NULL, NULL));

  g_assert_true (rp_params_set_string (gpt, "prompt", long_prompt, NULL));
  g_assert_true (rp_params_validate (gpt, NULL, NULL));
  g_assert_true (rp_params_set_string (gpt, "prompt", longer_prompt, NULL));
  g_assert_false (rp_params_validate (gpt, NULL, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_TOO_LONG);
}

static void
test_type_errors (void)
{
  g_autoptr(RpParams) params = params_for ("openai", "gpt-image-1.5");
  g_autoptr(GError) error = NULL;

  g_assert_false (rp_params_set_string (params, "n", "two", &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_TYPE);
  g_assert_cmpstr (rp_params_error_get_param (error), ==, "n");
  g_clear_error (&error);
  g_assert_false (rp_params_set_int (params, "stream", 1, &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_TYPE);
  g_clear_error (&error);
  /* The model comes from the model list. */
  g_assert_false (rp_params_set_string (params, "model", "gpt-image-2", &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_TYPE);
  g_clear_error (&error);
  /* An int32 variant is taken as a whole number. */
  g_assert_true (rp_params_set_value (params, "n", g_variant_new_int32 (3), NULL));
  g_assert_cmpint (g_variant_get_int64 (rp_params_get_value (params, "n")), ==, 3);
  /* An empty string unsets. */
  g_assert_true (rp_params_set_string (params, "user", "someone", NULL));
  g_assert_true (rp_params_is_set (params, "user"));
  g_assert_true (rp_params_set_string (params, "user", "", NULL));
  g_assert_false (rp_params_is_set (params, "user"));
  /* check_value judges one candidate without storing it. */
  g_assert_false (rp_params_check_value (params, "output_compression", g_variant_new_int64 (150),
                                         &error));
  g_assert_error (error, RP_PARAMS_ERROR, RP_PARAMS_ERROR_RANGE);
  g_assert_false (rp_params_is_set (params, "output_compression"));
}

/* ---- inputs ---- */

#define MB ((gint64) 1024 * 1024)

static const RpInputImage png_1024 = { RP_IMAGE_FORMAT_PNG, 2 * MB, 1024, 1024, FALSE };
static const RpInputImage png_1024_alpha = { RP_IMAGE_FORMAT_PNG, 3 * MB, 1024, 1024, TRUE };
static const RpInputImage jpeg_photo = { RP_IMAGE_FORMAT_JPEG, 5 * MB, 2560, 1600, FALSE };
static const RpInputImage gif_image = { RP_IMAGE_FORMAT_GIF, 1 * MB, 512, 512, FALSE };
static const RpInputImage huge_png = { RP_IMAGE_FORMAT_PNG, 60 * MB, 4096, 4096, FALSE };
static const RpInputImage wide_png = { RP_IMAGE_FORMAT_PNG, 2 * MB, 1024, 768, TRUE };
static const RpInputImage heavy_square = { RP_IMAGE_FORMAT_PNG, 5 * MB, 1024, 1024, TRUE };
static const RpInputImage tiny_png = { RP_IMAGE_FORMAT_PNG, 10000, 200, 200, FALSE };
static const RpInputImage mask_1024 = { RP_IMAGE_FORMAT_PNG, 100000, 1024, 1024, TRUE };
static const RpInputImage mask_photo = { RP_IMAGE_FORMAT_PNG, 100000, 2560, 1600, TRUE };
static const RpInputImage mask_800 = { RP_IMAGE_FORMAT_PNG, 100000, 800, 800, TRUE };
static const RpInputImage mask_jpeg = { RP_IMAGE_FORMAT_JPEG, 100000, 1024, 1024, FALSE };
static const RpInputImage mask_opaque = { RP_IMAGE_FORMAT_PNG, 100000, 1024, 1024, FALSE };
static const RpInputImage mask_heavy = { RP_IMAGE_FORMAT_PNG, 5 * MB, 1024, 1024, TRUE };

typedef struct
{
  const char         *provider;
  const char         *model;
  const RpInputImage *images[20];
  guint               n_images;
  const RpInputImage *mask;
  const char          *operation;  /* the operation the inputs select */
  int                 code;        /* -1: accepted */
  const char         *bad;
} InputCase;

static const InputCase input_cases[] = {
  { "openai", "gpt-image-1.5", { &png_1024 }, 1, &mask_1024, "edit", -1, NULL },
  { "openai", "gpt-image-1.5", { &jpeg_photo, &png_1024, &png_1024 }, 3, &mask_photo, "edit", -1, NULL },
  { "openai", "gpt-image-1.5", { &jpeg_photo }, 1, NULL, "edit", -1, NULL },
  { "openai", "gpt-image-1.5", { &png_1024, &png_1024, &png_1024, &png_1024, &png_1024, &png_1024, &png_1024,
                                 &png_1024, &png_1024, &png_1024, &png_1024, &png_1024, &png_1024, &png_1024,
                                 &png_1024, &png_1024, &png_1024 }, 17, NULL, "edit",
    RP_PARAMS_ERROR_IMAGE_COUNT, "images" },
  { "openai", "gpt-image-1.5", { &gif_image }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_FORMAT, "images" },
  { "openai", "gpt-image-1.5", { &huge_png }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_TOO_LARGE, "images" },
  { "openai", "gpt-image-1.5", { &png_1024 }, 1, &mask_jpeg, "edit", RP_PARAMS_ERROR_MASK_FORMAT, "mask" },
  { "openai", "gpt-image-1.5", { &png_1024 }, 1, &mask_opaque, "edit", RP_PARAMS_ERROR_MASK_FORMAT, "mask" },
  { "openai", "gpt-image-1.5", { &png_1024 }, 1, &mask_800, "edit", RP_PARAMS_ERROR_MASK_SIZE, "mask" },
  { "openai", "gpt-image-1.5", { &png_1024 }, 1, &mask_heavy, "edit", RP_PARAMS_ERROR_MASK_TOO_LARGE, "mask" },
  /* The mask goes with the first image, not the references. */
  { "openai", "gpt-image-1.5", { &png_1024, &jpeg_photo }, 2, &mask_photo, "edit", RP_PARAMS_ERROR_MASK_SIZE, "mask" },
  /* dall-e-2: one square PNG under 4 MB; without a mask it must be transparent somewhere */
  { "openai", "dall-e-2", { &png_1024 }, 1, &mask_1024, "edit", -1, NULL },
  { "openai", "dall-e-2", { &png_1024_alpha }, 1, NULL, "edit", -1, NULL },
  { "openai", "dall-e-2", { &png_1024 }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_NO_ALPHA, "images" },
  { "openai", "dall-e-2", { &jpeg_photo }, 1, &mask_photo, "edit", RP_PARAMS_ERROR_IMAGE_FORMAT, "images" },
  { "openai", "dall-e-2", { &wide_png }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_NOT_SQUARE, "images" },
  { "openai", "dall-e-2", { &heavy_square }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_TOO_LARGE, "images" },
  { "openai", "dall-e-2", { &png_1024, &png_1024 }, 2, &mask_1024, "edit", RP_PARAMS_ERROR_IMAGE_COUNT, "images" },
  /* Venice: the inputs pick the endpoint; the mask is a layer counted as an image */
  { "venice", "firered-image-edit", { &jpeg_photo }, 1, NULL, "edit", -1, NULL },
  { "venice", "firered-image-edit", { &jpeg_photo }, 1, &mask_photo, "multi_edit", -1, NULL },
  { "venice", "firered-image-edit", { &jpeg_photo, &png_1024 }, 2, &mask_photo, "multi_edit", -1, NULL },
  { "venice", "firered-image-edit", { &jpeg_photo, &png_1024, &png_1024 }, 3, &mask_photo, "multi_edit",
    RP_PARAMS_ERROR_IMAGE_COUNT, "images" },
  { "venice", "firered-image-edit", { &tiny_png }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_PIXELS, "images" },
  { "venice", "luma-uni-1-edit", { &jpeg_photo }, 1, NULL, "edit", -1, NULL },
  { "venice", "luma-uni-1-edit", { &jpeg_photo }, 1, &mask_photo, NULL, RP_PARAMS_ERROR_MASK_UNSUPPORTED, "mask" },
  { "quickrouter", "gpt-image-1", { &huge_png }, 1, NULL, "edit", RP_PARAMS_ERROR_IMAGE_TOO_LARGE, "images" },
};

static void
test_inputs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (input_cases); i++)
    {
      const InputCase *c = &input_cases[i];
      g_autoptr(RpParams) params = params_for (c->provider, c->model);
      g_autofree RpInputImage *images = g_new0 (RpInputImage, c->n_images);
      RpInputs inputs = { images, c->n_images, c->mask };
      g_autoptr(GError) error = NULL;
      gboolean ok;

      for (guint k = 0; k < c->n_images; k++)
        images[k] = *c->images[k];
      g_assert_true (rp_params_set_string (params, "prompt", "Make it dusk", NULL));
      ok = rp_params_validate (params, &inputs, &error);
      g_test_message ("%s %s case %u → %s (%s)", c->provider, c->model, i,
                      ok ? "ok" : error->message,
                      rp_params_get_operation (params));
      if (c->code < 0)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, RP_PARAMS_ERROR, c->code);
          g_assert_cmpstr (rp_params_error_get_param (error), ==, c->bad);
        }
      if (c->operation != NULL)
        g_assert_cmpstr (rp_params_get_operation (params), ==, c->operation);
    }
}

/* ---- the wire ---- */

static void
assert_fields (GPtrArray          *fields,
               const char * const *expected)
{
  guint n = 0;

  for (guint i = 0; i < fields->len; i++)
    {
      RpWireField *field = fields->pdata[i];

      g_test_message ("  %s=%s", field->name, field->text);
      g_assert_nonnull (expected[2 * i]);
      g_assert_cmpstr (field->name, ==, expected[2 * i]);
      g_assert_cmpstr (field->text, ==, expected[2 * i + 1]);
      g_assert_cmpstr (field->text, !=, "");
      n++;
    }
  g_assert_null (expected[2 * n]);
}

static void
test_wire_fields (void)
{
  g_autoptr(RpParams) gpt = params_for ("openai", "gpt-image-1.5");
  g_autoptr(RpParams) dalle = params_for ("openai", "dall-e-2");
  g_autoptr(RpParams) venice = params_for ("venice", "firered-image-edit");
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) json = NULL;
  g_autoptr(GPtrArray) venice_fields = NULL;
  g_autoptr(GPtrArray) venice_edit = NULL;
  g_autoptr(GPtrArray) dalle_fields = NULL;
  RpWireField *n_field = NULL;

  /* Set out of order: the wire follows the definition's order. */
  g_assert_true (apply_settings (gpt,
                                 "partial_images=2;stream=true;output_compression=80;output_format=webp;"
                                      "quality=high;size=1536x1024;n=2", NULL));
  g_assert_true (rp_params_set_string (gpt, "prompt", "a red kite", NULL));
  g_assert_true (rp_params_validate (gpt, NULL, NULL));
  fields = rp_params_build_fields (gpt, RP_ENCODING_MULTIPART);
  assert_fields (fields, (const char * const[]) {
    "prompt", "a red kite", "model", "gpt-image-1.5", "n", "2", "size", "1536x1024", "quality", "high",
    "output_format", "webp", "output_compression", "80", "stream", "true", "partial_images", "2", NULL });
  g_assert_cmpstr (rp_params_get_mode (gpt), ==, "stream");
  g_assert_cmpint (rp_params_get_response (gpt)->kind, ==, RP_RESPONSE_SSE);
  g_assert_cmpstr (rp_params_get_response (gpt)->sse.partial_event, ==, "image_edit.partial_image");

  /* Moderation exists only in the JSON body; there numbers stay numbers. */
  g_assert_true (rp_params_set_string (gpt, "moderation", "low", NULL));
  g_assert_true (rp_params_set_encoding (gpt, RP_ENCODING_JSON, NULL));
  g_assert_true (rp_params_validate (gpt, NULL, NULL));
  json = rp_params_build_fields (gpt, RP_ENCODING_JSON);
  g_assert_true (rp_params_set_encoding (gpt, RP_ENCODING_MULTIPART, NULL));
  g_assert_false (rp_params_applies (gpt, "moderation", NULL));
  for (guint i = 0; i < json->len; i++)
    if (g_str_equal (((RpWireField *) json->pdata[i])->name, "n"))
      n_field = json->pdata[i];
  g_assert_nonnull (n_field);
  g_assert_true (g_variant_is_of_type (n_field->value, G_VARIANT_TYPE_INT64));
  assert_fields (json, (const char * const[]) {
    "prompt", "a red kite", "model", "gpt-image-1.5", "n", "2", "size", "1536x1024", "quality", "high",
    "output_format", "webp", "output_compression", "80", "moderation", "low", "stream", "true",
    "partial_images", "2", NULL });
  g_clear_pointer (&fields, g_ptr_array_unref);
  fields = rp_params_build_fields (gpt, RP_ENCODING_MULTIPART);
  for (guint i = 0; i < fields->len; i++)
    g_assert_cmpstr (((RpWireField *) fields->pdata[i])->name, !=, "moderation");

  /* dall-e-2 always asks for base64: a URL would expire. */
  g_assert_true (rp_params_set_string (dalle, "prompt", "a cat", NULL));
  dalle_fields = rp_params_build_fields (dalle, RP_ENCODING_MULTIPART);
  assert_fields (dalle_fields, (const char * const[]) {
    "prompt", "a cat", "model", "dall-e-2", "response_format", "b64_json", NULL });

  /* Venice: safe_mode is sent even at its default; multi-edit names the model modelId. */
  g_assert_true (rp_params_set_string (venice, "prompt", "remove the pole", NULL));
  g_assert_true (rp_params_set_string (venice, "aspect_ratio", "3:2", NULL));
  g_assert_true (rp_params_set_inputs (venice, 1, TRUE, NULL));
  venice_fields = rp_params_build_fields (venice, RP_ENCODING_JSON);
  assert_fields (venice_fields, (const char * const[]) {
    "prompt", "remove the pole", "modelId", "firered-image-edit", "aspect_ratio", "3:2",
    "safe_mode", "true", NULL });
  g_assert_true (rp_params_set_inputs (venice, 1, FALSE, NULL));
  g_assert_cmpstr (rp_params_get_operation (venice), ==, "edit");
  venice_edit = rp_params_build_fields (venice, RP_ENCODING_JSON);
  assert_fields (venice_edit, (const char * const[]) {
    "prompt", "remove the pole", "model", "firered-image-edit", "aspect_ratio", "3:2",
    "safe_mode", "true", NULL });
}

/* No GPT image model of any provider ever gets response_format, whatever was stored. */
static void
test_never_response_format (void)
{
  GListModel *providers = rp_provider_registry_get_providers (registry);
  guint checked = 0;

  for (guint i = 0; i < g_list_model_get_n_items (providers); i++)
    {
      g_autoptr(RpProvider) provider = g_list_model_get_item (providers, i);
      GListModel *models = rp_provider_get_models (provider);

      for (guint m = 0; m < g_list_model_get_n_items (models); m++)
        {
          g_autoptr(RpModelInfo) info = g_list_model_get_item (models, m);
          g_autoptr(RpParams) params = NULL;
          g_autoptr(GPtrArray) fields = NULL;
          g_autoptr(JsonNode) stored = json_from_string ("{\"response_format\": \"url\", "
                                                         "\"prompt\": \"x\"}", NULL);

          if (!g_str_has_prefix (rp_model_info_get_id (info), "gpt-image"))
            continue;
          params = rp_params_new (provider, rp_model_info_get_id (info), NULL);
          rp_params_load_json (params, stored);
          g_assert_false (rp_params_is_set (params, "response_format"));
          for (RpEncoding e = RP_ENCODING_MULTIPART; e <= RP_ENCODING_JSON; e <<= 1)
            {
              fields = rp_params_build_fields (params, e);
              for (guint k = 0; k < fields->len; k++)
                g_assert_cmpstr (((RpWireField *) fields->pdata[k])->name, !=, "response_format");
              g_clear_pointer (&fields, g_ptr_array_unref);
            }
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 10);
}

static void
test_query (void)
{
  g_autoptr(RpParams) mix = params_for ("mixrouter", "gpt-image-1.5");
  g_autoptr(GPtrArray) query = NULL;
  g_autoptr(GPtrArray) fields = NULL;

  query = rp_params_build_query (mix);
  g_assert_cmpuint (query->len, ==, 0);
  g_clear_pointer (&query, g_ptr_array_unref);
  g_assert_true (rp_params_set_boolean (mix, "async", TRUE, NULL));
  g_assert_true (rp_params_set_string (mix, "prompt", "x", NULL));
  query = rp_params_build_query (mix);
  g_assert_cmpuint (query->len, ==, 1);
  g_assert_cmpstr (((RpWireField *) query->pdata[0])->name, ==, "async");
  g_assert_cmpstr (((RpWireField *) query->pdata[0])->text, ==, "true");
  /* A query parameter is not a body field. */
  fields = rp_params_build_fields (mix, RP_ENCODING_MULTIPART);
  for (guint i = 0; i < fields->len; i++)
    g_assert_cmpstr (((RpWireField *) fields->pdata[i])->name, !=, "async");
}

static void
count_change (RpParams   *params,
              const char *name,
              guint      *count)
{
  g_assert_cmpstr (name, ==, "output_format");
  (*count)++;
}

static void
test_applies (void)
{
  g_autoptr(RpParams) params = params_for ("openai", "gpt-image-1.5");
  g_autofree char *reason = NULL;
  g_autofree char *stream_reason = NULL;
  g_autofree char *choice_reason = NULL;
  guint format_changes = 0;

  g_signal_connect (params, "value-changed::output_format", G_CALLBACK (count_change),
                    &format_changes);

  g_assert_false (rp_params_applies (params, "output_compression", &reason));
  g_assert_nonnull (strstr (reason, "Output format"));
  g_assert_nonnull (strstr (reason, "JPEG or WebP"));
  g_assert_false (rp_params_applies (params, "partial_images", &stream_reason));
  g_assert_nonnull (strstr (stream_reason, "Stream"));
  g_assert_true (rp_params_applies (params, "quality", NULL));
  g_assert_false (rp_params_applies (params, "response_format", NULL));

  g_assert_true (rp_params_set_string (params, "output_format", "jpeg", NULL));
  g_assert_true (rp_params_applies (params, "output_compression", NULL));
  g_assert_false (rp_params_choice_applies (params, "background", "transparent", &choice_reason));
  g_assert_nonnull (strstr (choice_reason, "PNG or WebP"));
  g_assert_true (rp_params_choice_applies (params, "background", "opaque", NULL));

  /* Switching back to PNG leaves the compression stranded: prune removes it. */
  g_assert_true (rp_params_set_int (params, "output_compression", 70, NULL));
  g_assert_true (rp_params_set_string (params, "output_format", "png", NULL));
  g_assert_false (rp_params_validate (params, NULL, NULL));
  g_assert_cmpuint (rp_params_prune (params), ==, 1);
  g_assert_false (rp_params_is_set (params, "output_compression"));
  /* Setting the same value again is no change. */
  g_assert_true (rp_params_set_string (params, "output_format", "png", NULL));
  g_assert_cmpuint (format_changes, ==, 2);
}

static void
test_persistence (void)
{
  g_autoptr(RpParams) params = params_for ("venice", "gpt-image-2-edit");
  g_autoptr(RpParams) again = params_for ("venice", "gpt-image-2-edit");
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) reloaded = NULL;
  g_autoptr(JsonNode) junk = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  g_assert_true (apply_settings (params,
                                 "quality=low;aspect_ratio=16:9;safe_mode=false;resolution=2K", NULL));
  g_assert_true (rp_params_set_string (params, "prompt", "a lighthouse", NULL));
  /* quality belongs to both operations here; after switching to the plain edit it stays. */
  g_assert_true (rp_params_set_inputs (params, 1, FALSE, NULL));
  saved = rp_params_to_json (params);
  text = json_to_string (saved, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"aspect_ratio\":\"16:9\",\"prompt\":\"a lighthouse\",\"quality\":\"low\","
                   "\"resolution\":\"2K\",\"safe_mode\":false}");
  g_assert_cmpuint (rp_params_load_json (again, saved), ==, 5);
  reloaded = rp_params_to_json (again);
  text_again = json_to_string (reloaded, FALSE);
  g_assert_cmpstr (text_again, ==, text);

  /* A stale file: unknown names, wrong types and the model are skipped, the rest taken. */
  junk = json_from_string ("{\"quality\": 3, \"colour\": \"red\", \"model\": \"other\","
                           " \"safe_mode\": true, \"resolution\": null}", NULL);
  g_assert_cmpuint (rp_params_load_json (again, junk), ==, 1);
  g_assert_true (g_variant_get_boolean (rp_params_get_value (again, "safe_mode")));
  g_assert_cmpstr (g_variant_get_string (rp_params_get_value (again, "quality"), NULL), ==, "low");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *empty = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  dir = rp_test_tmpdir ();
  empty = g_build_filename (dir, "none", NULL);
  registry = rp_provider_registry_new (empty, empty);
  rp_provider_registry_load (registry);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (registry)), ==, 0);

  g_test_add_func ("/repaint/params/table", test_table);
  g_test_add_func ("/repaint/params/prompt", test_prompt);
  g_test_add_func ("/repaint/params/types", test_type_errors);
  g_test_add_func ("/repaint/params/inputs", test_inputs);
  g_test_add_func ("/repaint/params/wire-fields", test_wire_fields);
  g_test_add_func ("/repaint/params/never-response-format", test_never_response_format);
  g_test_add_func ("/repaint/params/query", test_query);
  g_test_add_func ("/repaint/params/applies", test_applies);
  g_test_add_func ("/repaint/params/persistence", test_persistence);

  ret = g_test_run ();
  g_clear_object (&registry);
  rp_test_tmpdir_remove (dir);
  return ret;
}
