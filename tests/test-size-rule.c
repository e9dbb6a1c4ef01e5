/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rp-core.h"

/* gpt-image-2, PROVIDERS.md §1.4 */
static const RpSizeRule gpt_image_2 = {
  .allow_auto = TRUE,
  .multiple_of = 16,
  .max_edge = 3840,
  .min_pixels = 655360,
  .max_pixels = 8294400,
  .max_ratio = 3,
  .warn_above_pixels = 3686400,
};

static void
test_parse (void)
{
  RpSize s;

  g_assert_true (rp_size_parse ("1024x1536", &s));
  g_assert_cmpint (s.width, ==, 1024);
  g_assert_cmpint (s.height, ==, 1536);
  g_assert_true (rp_size_parse ("640×480", &s));
  g_assert_cmpint (s.height, ==, 480);
  g_assert_false (rp_size_parse ("1024", &s));
  g_assert_false (rp_size_parse ("0x10", &s));
  g_assert_false (rp_size_parse ("-16x16", &s));
  g_assert_false (rp_size_parse ("16x16x16", &s));
  g_assert_false (rp_size_parse (NULL, &s));
}

static void
test_gpt_image_2_edges (void)
{
  struct { const char *size; gboolean ok; int code; } cases[] = {
    { "auto", TRUE, 0 },
    { "1024x1024", TRUE, 0 },
    { "1024x640", TRUE, 0 },                 /* exactly the minimum: 655 360 px */
    { "1024x624", FALSE, RP_SIZE_RULE_ERROR_PIXELS },
    { "3840x2160", TRUE, 0 },                /* exactly the maximum: 8 294 400 px */
    { "2160x3840", TRUE, 0 },                /* portrait */
    { "3856x2160", FALSE, RP_SIZE_RULE_ERROR_EDGE },
    { "3840x2176", FALSE, RP_SIZE_RULE_ERROR_PIXELS },
    { "1000x1000", FALSE, RP_SIZE_RULE_ERROR_MULTIPLE },
    { "2400x800", TRUE, 0 },                 /* exactly 3:1 */
    { "2416x800", FALSE, RP_SIZE_RULE_ERROR_RATIO },
    { "800x2416", FALSE, RP_SIZE_RULE_ERROR_RATIO },
    { "big", FALSE, RP_SIZE_RULE_ERROR_SYNTAX },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = rp_size_rule_check (&gpt_image_2, cases[i].size, &error);

      g_test_message ("%s → %s", cases[i].size, error ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!cases[i].ok)
        g_assert_error (error, RP_SIZE_RULE_ERROR, cases[i].code);
    }
}

static void
test_warns (void)
{
  RpSize big = { 3840, 2160 }, fine = { 2560, 1440 };

  g_assert_true (rp_size_rule_warns (&gpt_image_2, &big));
  g_assert_false (rp_size_rule_warns (&gpt_image_2, &fine));
}

static void
test_fixed_sizes (void)
{
  RpSizeRule rule = { .allow_auto = TRUE, .n_sizes = 3,
                      .sizes = { { 1024, 1024 }, { 1536, 1024 }, { 1024, 1536 } } };
  RpSize best;

  g_assert_true (rp_size_rule_check (&rule, "1536x1024", NULL));
  g_assert_false (rp_size_rule_check (&rule, "2048x2048", NULL));
  g_assert_true (rp_size_rule_best_for (&rule, 2560, 1600, &best));
  g_assert_cmpint (best.width, ==, 1536);
  g_assert_cmpint (best.height, ==, 1024);
  g_assert_true (rp_size_rule_best_for (&rule, 300, 310, &best));
  g_assert_cmpint (best.width, ==, 1024);
  g_assert_cmpint (best.height, ==, 1024);
}

/* The best arbitrary size always passes the rule and keeps the aspect closely. */
static void
test_best_arbitrary (void)
{
  int regions[][2] = { { 2560, 1600 }, { 6000, 4000 }, { 300, 200 }, { 5000, 500 }, { 1000, 1000 }, { 17, 4000 } };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      RpSize best;
      g_autofree char *text = NULL;
      double want = (double) regions[i][0] / regions[i][1];
      double got;

      g_assert_true (rp_size_rule_best_for (&gpt_image_2, regions[i][0], regions[i][1], &best));
      text = rp_size_to_string (&best);
      g_test_message ("%dx%d → %s", regions[i][0], regions[i][1], text);
      g_assert_true (rp_size_rule_check (&gpt_image_2, text, NULL));
      got = (double) best.width / best.height;
      want = CLAMP (want, 1.0 / 3, 3.0);
      g_assert_cmpfloat (ABS (got - want) / want, <, 0.05);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/size-rule/parse", test_parse);
  g_test_add_func ("/repaint/size-rule/gpt-image-2-edges", test_gpt_image_2_edges);
  g_test_add_func ("/repaint/size-rule/warns", test_warns);
  g_test_add_func ("/repaint/size-rule/fixed-sizes", test_fixed_sizes);
  g_test_add_func ("/repaint/size-rule/best-arbitrary", test_best_arbitrary);

  return g_test_run ();
}
