/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-local-fill"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "rp-core.h"

/* Runs the offline fill on one photo and mask and writes the whole image back with the
 * region composited in, so that outside tools can score it. Prints one line of figures:
 *   ms=<fill time> levels=<n> work=<w>x<h> hole=<px> distances=<n> region=<x,y,w,h>
 * The mask is a PNG in Repaint's export format (alpha 0 where the fill goes). */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) image_file = NULL;
  g_autoptr(GFile) mask_file = NULL;
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpMask) mask = NULL;
  g_autoptr(RpLocalFill) fill = NULL;
  g_autoptr(GdkPixbuf) region_px = NULL;
  g_autoptr(GdkPixbuf) whole = NULL;
  cairo_rectangle_int_t region;
  RpLocalFillStats stats;
  gint64 start, end;
  guint32 seed = 1;

  if (argc < 4 || argc > 5)
    {
      g_printerr ("usage: %s IMAGE MASK.png OUTPUT.png [SEED]\n", argv[0]);
      return 2;
    }
  if (argc == 5)
    seed = (guint32) strtoul (argv[4], NULL, 10);

  image_file = g_file_new_for_commandline_arg (argv[1]);
  mask_file = g_file_new_for_commandline_arg (argv[2]);
  image = rp_image_load_file (image_file, NULL, &error);
  if (image != NULL)
    mask = rp_mask_load_file (mask_file, rp_image_get_width (image),
                              rp_image_get_height (image), NULL, &error);
  if (mask == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  fill = rp_local_fill_new (rp_image_get_pixbuf (image), mask);
  rp_local_fill_set_seed (fill, seed);
  start = g_get_monotonic_time ();
  region_px = rp_local_fill_run (fill, NULL, NULL, NULL, &error);
  end = g_get_monotonic_time ();
  if (region_px == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  rp_local_fill_get_region (fill, &region);
  rp_local_fill_get_stats (fill, &stats);

  whole = gdk_pixbuf_copy (rp_image_get_pixbuf (image));
  gdk_pixbuf_copy_area (region_px, 0, 0, region.width, region.height, whole,
                        region.x, region.y);
  if (!gdk_pixbuf_save (whole, argv[3], "png", &error, "compression", "1", NULL))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  printf ("ms=%.1f levels=%u work=%dx%d hole=%" G_GINT64_FORMAT " distances=%" G_GUINT64_FORMAT
          " region=%d,%d,%d,%d\n",
          (end - start) / 1000.0, stats.n_levels, stats.work_width, stats.work_height,
          stats.n_hole_px, stats.n_distances, region.x, region.y, region.width, region.height);
  return 0;
}
