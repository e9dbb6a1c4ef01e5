/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

/* Runs repaint-cli with @argv (NULL-terminated, without the program), returns its exit
 * status and captures stdout/stderr. */
static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("REPAINT_CLI"));
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", *err);
  return g_subprocess_get_exit_status (proc);
}

static void
test_mask_rect (void)
{
  g_autofree char *sample = rp_test_sample_photo ();
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *output = g_build_filename (dir, "mask.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (output);
  g_autoptr(RpImage) mask = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *px;
  int stride, x, y;

  g_assert_cmpint (run_cli (&out, &err, "mask", "--image", sample, "--rect", "100,200,300,400",
                            "--rect", "2500,1550,200,200", "--output", output, NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, output);

  mask = rp_image_load_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (mask), ==, 2560);
  g_assert_cmpint (rp_image_get_height (mask), ==, 1600);
  g_assert_true (gdk_pixbuf_get_has_alpha (rp_image_get_pixbuf (mask)));
  px = gdk_pixbuf_read_pixels (rp_image_get_pixbuf (mask));
  stride = gdk_pixbuf_get_rowstride (rp_image_get_pixbuf (mask));
  for (y = 0; y < 1600; y++)
    for (x = 0; x < 2560; x++)
      {
        gboolean inside = (x >= 100 && x < 400 && y >= 200 && y < 600) ||
                          (x >= 2500 && y >= 1550);   /* clipped at the edge */

        g_assert_cmpint (px[(gsize) y * stride + x * 4 + 3], ==, inside ? 0 : 255);
      }
  rp_test_tmpdir_remove (dir);
}

static void
test_mask_errors (void)
{
  g_autofree char *sample = rp_test_sample_photo ();
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *output = g_build_filename (dir, "mask.png", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "missing", "deeper", "mask.png", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.jpg", NULL);
  struct { const char *args[8]; int status; const char *says; } cases[] = {
    { { "mask", "--image", sample, "--output", output, NULL }, 2, "--rect" },
    { { "mask", "--image", sample, "--rect", "1,2,3", "--output", output, NULL }, 2, "X,Y,W,H" },
    { { "mask", "--image", sample, "--rect", "1,2,0,5", "--output", output, NULL }, 2, "X,Y,W,H" },
    { { "mask", "--image", sample, "--rect", "3000,10,5,5", "--output", output, NULL }, 2, "outside" },
    { { "mask", "--image", text, "--rect", "1,1,5,5", "--output", output, NULL }, 2, "not an image" },
    { { "mask", "--image", sample, "--rect", "1,1,5,5", "--output", nowhere, NULL }, 1, "mask.png" },
    { { "frobnicate", NULL }, 2, "unknown command" },
  };
  guint i;

  g_file_set_contents (text, "hello", -1, NULL);
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char **a = cases[i].args;
      int status = run_cli (&out, &err, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);

      g_assert_cmpint (status, ==, cases[i].status);
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_cmpstr (out, ==, "");
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }
  rp_test_tmpdir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/cli/mask-rect", test_mask_rect);
  g_test_add_func ("/repaint/cli/mask-errors", test_mask_errors);

  return g_test_run ();
}
