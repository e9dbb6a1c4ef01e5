/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rp-core.h"

#define EPS 1e-6

static RpViewport *
make (int    iw,
      int    ih,
      double vw,
      double vh,
      int    scale)
{
  RpViewport *vp = rp_viewport_new ();

  rp_viewport_set_view_size (vp, vw, vh, scale);
  rp_viewport_set_image_size (vp, iw, ih);
  return vp;
}

static void
test_fit (void)
{
  g_autoptr(RpViewport) vp = make (2560, 1600, 1000, 800, 1);
  double x, y;

  g_assert_true (rp_viewport_get_fit_mode (vp));
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_zoom (vp), 1000.0 / 2560, EPS);
  /* Centred vertically: the image is 625 px tall in an 800 px view. */
  rp_viewport_image_to_view (vp, 0, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 0, EPS);
  g_assert_cmpfloat_with_epsilon (y, (800 - 625) / 2.0, EPS);

  /* Resizing the view refits while in fit mode. */
  rp_viewport_set_view_size (vp, 500, 800, 1);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_zoom (vp), 500.0 / 2560, EPS);
}

static void
test_fit_never_magnifies (void)
{
  g_autoptr(RpViewport) vp = make (300, 200, 1200, 900, 1);

  g_assert_cmpfloat_with_epsilon (rp_viewport_get_zoom (vp), 1.0, EPS);
}

/* Zooming at a point keeps that image point under it. */
static void
test_zoom_keeps_point (void)
{
  g_autoptr(RpViewport) vp = make (4000, 3000, 800, 600, 1);
  double before_x, before_y, after_x, after_y, vx, vy;

  rp_viewport_view_to_image (vp, 600, 150, &before_x, &before_y);
  rp_viewport_zoom_at (vp, 1.0, 600, 150);
  g_assert_false (rp_viewport_get_fit_mode (vp));
  rp_viewport_view_to_image (vp, 600, 150, &after_x, &after_y);
  g_assert_cmpfloat_with_epsilon (before_x, after_x, 1e-6);
  g_assert_cmpfloat_with_epsilon (before_y, after_y, 1e-6);

  rp_viewport_zoom_by (vp, 2.5, 10, 590);
  rp_viewport_image_to_view (vp, after_x, after_y, &vx, &vy);
  rp_viewport_view_to_image (vp, vx, vy, &before_x, &before_y);
  g_assert_cmpfloat_with_epsilon (before_x, after_x, 1e-6);   /* the transforms are inverses */
}

static void
test_clamping (void)
{
  g_autoptr(RpViewport) vp = make (4000, 3000, 800, 600, 1);

  rp_viewport_zoom_centered (vp, 1000);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_zoom (vp), RP_VIEWPORT_MAX_ZOOM, EPS);
  rp_viewport_zoom_centered (vp, 0.0001);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_zoom (vp), rp_viewport_get_min_zoom (vp), EPS);

  rp_viewport_zoom_centered (vp, 1.0);
  rp_viewport_set_offset (vp, -50, 1e9);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_offset_x (vp), 0, EPS);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_offset_y (vp), 3000 - 600, EPS);
  rp_viewport_pan_by (vp, 100, -100);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_offset_x (vp), 100, EPS);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_offset_y (vp), 3000 - 700, EPS);
}

/* On a 2× screen, 100 % shows one image pixel per device pixel: half a logical pixel. */
static void
test_hidpi (void)
{
  g_autoptr(RpViewport) vp = make (2000, 1000, 800, 600, 2);

  rp_viewport_zoom_centered (vp, 1.0);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_image_scale (vp), 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_content_width (vp), 1000, EPS);
  /* Fit uses device pixels too: 1600 device px across for 2000 image px. */
  rp_viewport_fit (vp);
  g_assert_cmpfloat_with_epsilon (rp_viewport_get_zoom (vp), 0.8, EPS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/viewport/fit", test_fit);
  g_test_add_func ("/repaint/viewport/fit-never-magnifies", test_fit_never_magnifies);
  g_test_add_func ("/repaint/viewport/zoom-keeps-point", test_zoom_keeps_point);
  g_test_add_func ("/repaint/viewport/clamping", test_clamping);
  g_test_add_func ("/repaint/viewport/hidpi", test_hidpi);

  return g_test_run ();
}
