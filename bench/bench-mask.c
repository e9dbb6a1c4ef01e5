/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mask benchmarks: dab cost on a small and a huge mask, and mask export. Prints
 * "key value" lines; bench/run.sh puts them beside outside tools measured in the same run. */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "rp-core.h"

#define N_DABS 20000
#define DAB_RADIUS_PX 20.0
#define REPEATS 5

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v,
        int     n)
{
  qsort (v, n, sizeof (double), compare_double);
  return v[n / 2];
}

/* Seconds per dab, stamping N_DABS dabs at deterministic random places. */
static double
dab_cost (int size)
{
  double runs[REPEATS];
  int r;

  for (r = 0; r < REPEATS; r++)
    {
      g_autoptr(RpMask) mask = rp_mask_new (size, size);
      g_autoptr(GRand) rand = g_rand_new_with_seed (42);
      gint64 start;
      int i;

      start = g_get_monotonic_time ();
      for (i = 0; i < N_DABS; i++)
        rp_mask_dab (mask,
                     g_rand_double_range (rand, 0, size), g_rand_double_range (rand, 0, size),
                     DAB_RADIUS_PX, 0.8, RP_MASK_OP_PAINT);
      runs[r] = (g_get_monotonic_time () - start) / 1e6 / N_DABS;
    }
  return median (runs, REPEATS);
}

/* A realistic 4096² mask: a few brushed blobs, a lasso and a rectangle. */
static RpMask *
make_export_mask (void)
{
  RpMask *mask = rp_mask_new (4096, 4096);
  double lasso[] = { 2600, 400, 3500, 700, 3300, 1500, 2500, 1300 };
  RpStroke stroke;
  int i;

  rp_stroke_begin (&stroke, mask, RP_MASK_OP_PAINT, 0.8, 300, 2000, 90);
  for (i = 0; i < 60; i++)
    rp_stroke_to (&stroke, 300 + i * 40, 2000 + 600 * sin (i / 6.0), 90);
  rp_stroke_end (&stroke);
  rp_mask_fill_polygon (mask, lasso, 4, RP_MASK_OP_PAINT);
  rp_mask_fill_rect (mask, 500, 3200, 900, 600, RP_MASK_OP_PAINT);
  return mask;
}

static double
export_time (RpMask     *mask,
             const char *path)
{
  double runs[REPEATS];
  int r;

  for (r = 0; r < REPEATS; r++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      if (!rp_mask_save_png (mask, file, NULL, &error))
        g_error ("%s", error->message);
      runs[r] = (g_get_monotonic_time () - start) / 1e6;
    }
  return median (runs, REPEATS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RpMask) mask = NULL;
  double small, big;
  const char *export_path = argc > 1 ? argv[1] : "bench-mask-4096.png";
  g_autoptr(GFile) file = g_file_new_for_path (export_path);
  g_autoptr(GFileInfo) info = NULL;

  small = dab_cost (1024);
  big = dab_cost (8192);
  printf ("dab_us_1024 %.3f\n", small * 1e6);
  printf ("dab_us_8192 %.3f\n", big * 1e6);
  printf ("dab_ratio %.3f\n", big / small);

  mask = make_export_mask ();
  printf ("export_s %.4f\n", export_time (mask, export_path));
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  printf ("export_bytes %" G_GOFFSET_FORMAT "\n", info ? g_file_info_get_size (info) : 0);
  return 0;
}
