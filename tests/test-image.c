/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "rp-core.h"
#include "rp-test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = rp_test_tmpdir ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
}

static RpImage *
load_path (const char  *path,
           GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return rp_image_load_file (file, NULL, error);
}

static void
test_sniff (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
  static const guint8 webp[] = { 'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P' };
  static const guint8 wav[] = { 'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E' };
  static const guint8 heic[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c' };
  static const guint8 avif[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f' };

  g_assert_cmpint (rp_image_format_sniff (png, sizeof png), ==, RP_IMAGE_FORMAT_PNG);
  g_assert_cmpint (rp_image_format_sniff (png, 7), ==, RP_IMAGE_FORMAT_UNKNOWN);
  g_assert_cmpint (rp_image_format_sniff (jpeg, sizeof jpeg), ==, RP_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (rp_image_format_sniff (webp, sizeof webp), ==, RP_IMAGE_FORMAT_WEBP);
  g_assert_cmpint (rp_image_format_sniff (wav, sizeof wav), ==, RP_IMAGE_FORMAT_UNKNOWN);
  g_assert_cmpint (rp_image_format_sniff (heic, sizeof heic), ==, RP_IMAGE_FORMAT_HEIF);
  g_assert_cmpint (rp_image_format_sniff (avif, sizeof avif), ==, RP_IMAGE_FORMAT_AVIF);
  g_assert_cmpint (rp_image_format_sniff (NULL, 0), ==, RP_IMAGE_FORMAT_UNKNOWN);
  g_assert_cmpstr (rp_image_format_mime_type (RP_IMAGE_FORMAT_WEBP), ==, "image/webp");
  g_assert_cmpstr (rp_image_format_extension (RP_IMAGE_FORMAT_JPEG), ==, "jpg");
}

static void
test_sample_photo (void)
{
  g_autofree char *path = rp_test_sample_photo ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = load_path (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (image), ==, 2560);
  g_assert_cmpint (rp_image_get_height (image), ==, 1600);
  g_assert_cmpint (rp_image_get_format (image), ==, RP_IMAGE_FORMAT_JPEG);
  g_assert_cmpstr (rp_image_get_display_name (image), ==, "kite.jpg");
  g_assert_true (rp_image_get_pixels_match_file (image));
}

/* The same pixels saved as PNG, lossless WebP and named misleadingly all decode exactly. */
static void
test_formats (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GdkPixbuf) pattern = rp_test_pattern_pixbuf (37, 23, TRUE);
  struct { const char *name; const char *type; RpImageFormat format; } cases[] = {
    { "a.png", "png", RP_IMAGE_FORMAT_PNG },
    { "lies.jpg", "png", RP_IMAGE_FORMAT_PNG },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, cases[i].name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = NULL;
      GdkPixbuf *got;
      int y;

      gdk_pixbuf_save (pattern, path, cases[i].type, &error, NULL);
      g_assert_no_error (error);

      image = load_path (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rp_image_get_format (image), ==, cases[i].format);
      got = rp_image_get_pixbuf (image);
      g_assert_cmpint (gdk_pixbuf_get_width (got), ==, 37);
      g_assert_cmpint (gdk_pixbuf_get_height (got), ==, 23);
      g_assert_true (gdk_pixbuf_get_has_alpha (got));
      for (y = 0; y < 23; y++)
        {
          const guint8 *a = gdk_pixbuf_read_pixels (got) + y * gdk_pixbuf_get_rowstride (got);
          const guint8 *b = gdk_pixbuf_read_pixels (pattern) + y * gdk_pixbuf_get_rowstride (pattern);

          g_assert_cmpmem (a, 37 * 4, b, 37 * 4);
        }
    }
}

/* This system's WebP encoder is lossy: a smooth image must come back close, with alpha. */
static void
test_webp (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GdkPixbuf) smooth = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 40, 30);
  g_autofree char *path = g_build_filename (f->dir, "smooth.webp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = NULL;
  guint8 *px = gdk_pixbuf_get_pixels (smooth);
  int stride = gdk_pixbuf_get_rowstride (smooth);
  const guint8 *got;
  int x, y, got_stride;
  double total_error = 0;

  for (y = 0; y < 30; y++)
    for (x = 0; x < 40; x++)
      {
        guint8 *p = px + y * stride + x * 4;

        p[0] = x * 6;
        p[1] = y * 8;
        p[2] = 128;
        p[3] = 200;
      }
  gdk_pixbuf_save (smooth, path, "webp", &error, NULL);
  g_assert_no_error (error);

  image = load_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_format (image), ==, RP_IMAGE_FORMAT_WEBP);
  g_assert_cmpint (rp_image_get_width (image), ==, 40);
  g_assert_cmpint (rp_image_get_height (image), ==, 30);
  g_assert_true (gdk_pixbuf_get_has_alpha (rp_image_get_pixbuf (image)));
  got = gdk_pixbuf_read_pixels (rp_image_get_pixbuf (image));
  got_stride = gdk_pixbuf_get_rowstride (rp_image_get_pixbuf (image));
  for (y = 0; y < 30; y++)
    for (x = 0; x < 40 * 4; x++)
      total_error += ABS (got[y * got_stride + x] - px[y * stride + x]);
  g_assert_cmpfloat (total_error / (40 * 30 * 4), <, 4.0);
}

static void
assert_close (const guint8 *p,
              int           r,
              int           g,
              int           b)
{
  g_assert_cmpint (ABS (p[0] - r), <, 40);
  g_assert_cmpint (ABS (p[1] - g), <, 40);
  g_assert_cmpint (ABS (p[2] - b), <, 40);
}

/* EXIF orientation 6 means "rotate 90° clockwise to display". */
static void
test_exif_orientation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GdkPixbuf) src = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 32);
  g_autoptr(GdkPixbuf) right = NULL;
  g_autofree char *path = g_build_filename (f->dir, "rotated.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = NULL;
  GdkPixbuf *got;
  const guint8 *px;
  int stride;

  gdk_pixbuf_fill (src, 0xff0000ff);                   /* left half red */
  right = gdk_pixbuf_new_subpixbuf (src, 32, 0, 32, 32);
  gdk_pixbuf_fill (right, 0x0000ffff);                 /* right half blue */
  rp_test_write_jpeg_oriented (path, src, 6);

  image = load_path (path, &error);
  g_assert_no_error (error);
  got = rp_image_get_pixbuf (image);
  g_assert_cmpint (gdk_pixbuf_get_width (got), ==, 32);
  g_assert_cmpint (gdk_pixbuf_get_height (got), ==, 64);
  g_assert_false (rp_image_get_pixels_match_file (image));

  px = gdk_pixbuf_read_pixels (got);
  stride = gdk_pixbuf_get_rowstride (got);
  assert_close (px + 8 * stride + 16 * 3, 255, 0, 0);    /* the left half is now on top */
  assert_close (px + 56 * stride + 16 * 3, 0, 0, 255);
}

static void
assert_load_error (const char *path,
                   GQuark      domain,
                   int         code,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = load_path (path, &error);

  g_assert_null (image);
  g_assert_error (error, domain, code);
  g_test_message ("%s → %s", path, error->message);
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_bad_files (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *empty = g_build_filename (f->dir, "empty.png", NULL);
  g_autofree char *text = g_build_filename (f->dir, "notes.png", NULL);
  g_autofree char *heic = g_build_filename (f->dir, "phone.heic", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "nowhere.png", NULL);
  g_autofree char *truncated_png = g_build_filename (f->dir, "cut.png", NULL);
  g_autofree char *truncated_jpeg = g_build_filename (f->dir, "cut.jpg", NULL);
  g_autoptr(GdkPixbuf) pattern = rp_test_pattern_pixbuf (300, 200, FALSE);
  g_autofree char *bytes = NULL;
  gsize len;
  static const char heic_head[] = "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic";
  g_autoptr(GError) error = NULL;

  g_file_set_contents (empty, "", 0, &error);
  g_file_set_contents (text, "just some words, no pixels\n", -1, &error);
  g_file_set_contents (heic, heic_head, sizeof heic_head, &error);
  g_assert_no_error (error);

  gdk_pixbuf_save_to_buffer (pattern, &bytes, &len, "png", &error, NULL);
  g_assert_no_error (error);
  g_file_set_contents (truncated_png, bytes, len / 2, &error);
  g_clear_pointer (&bytes, g_free);
  gdk_pixbuf_save_to_buffer (pattern, &bytes, &len, "jpeg", &error, NULL);
  g_file_set_contents (truncated_jpeg, bytes, len / 3, &error);
  g_assert_no_error (error);

  assert_load_error (empty, RP_IMAGE_ERROR, RP_IMAGE_ERROR_EMPTY, "empty");
  assert_load_error (text, RP_IMAGE_ERROR, RP_IMAGE_ERROR_UNKNOWN_FORMAT, "not an image");
  assert_load_error (heic, RP_IMAGE_ERROR, RP_IMAGE_ERROR_UNSUPPORTED_FORMAT, "HEIF");
  assert_load_error (truncated_png, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT, "damaged or incomplete");
  assert_load_error (truncated_jpeg, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT, "damaged or incomplete");
  assert_load_error (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Could not read the file");
  assert_load_error (f->dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "folder");
}

/* Limits apply to the header: these files hold no pixel data at all. */
static void
test_pixel_limit (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *bomb = g_build_filename (f->dir, "bomb.png", NULL);
  g_autofree char *over = g_build_filename (f->dir, "over.png", NULL);
  g_autofree char *wide = g_build_filename (f->dir, "wide.png", NULL);
  g_autofree char *small = g_build_filename (f->dir, "small.png", NULL);

  rp_test_write_png_header (bomb, 60000, 60000);
  rp_test_write_png_header (over, 10000, 10001);        /* 100 010 000 px: one row too many */
  rp_test_write_png_header (wide, 32768, 8);            /* edge over 32767 */
  rp_test_write_png_header (small, 1000, 1000);         /* allowed size, but no pixel data */

  assert_load_error (bomb, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE, "60000 × 60000");
  assert_load_error (over, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE, "10000 × 10001");
  assert_load_error (wide, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE, "32768 × 8");
  assert_load_error (small, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT, NULL);
}

/* Decoding the 60000 × 60000 header would need 14 GB; the process gets 256 MB above what it
 * already uses, and the refusal must still come back as an error. */
static void
test_header_bomb_memory (Fixture       *f,
                         gconstpointer  data)
{
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("address space limits do not mix with AddressSanitizer");
#else
  if (g_test_subprocess ())
    {
      g_autofree char *bomb = g_build_filename (g_getenv ("RP_BOMB_DIR"), "bomb.png", NULL);
      g_autofree char *statm = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = NULL;
      struct rlimit limit;
      gsize pages = 0;

      g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL);
      pages = g_ascii_strtoull (statm, NULL, 10);
      limit.rlim_cur = limit.rlim_max = (rlim_t) pages * 4096 + 256 * 1024 * 1024;
      g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);

      image = load_path (bomb, &error);
      g_assert_null (image);
      g_assert_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE);
      return;
    }
  else
    {
      g_autofree char *bomb = g_build_filename (f->dir, "bomb.png", NULL);

      rp_test_write_png_header (bomb, 60000, 60000);
      g_setenv ("RP_BOMB_DIR", f->dir, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
#endif
}

/* A bottom-up 24-bit BMP of 3 × 2 pixels with a 40-byte info header and the pixel data
 * at @data_offset; @info_size overrides the header's stated length. */
static GBytes *
make_bmp (guint32 info_size,
          guint32 data_offset)
{
  GByteArray *bmp = g_byte_array_new ();
  guint8 header[54] = { 'B', 'M', };
  /* Two rows of three BGR pixels, each padded to 12 bytes; the bottom row first. */
  static const guint8 rows[24] = {
    0, 0, 255,   0, 255, 0,   255, 0, 0,    0, 0, 0,
    255, 255, 255, 128, 128, 128, 0, 0, 0,  0, 0, 0,
  };

  header[2] = sizeof header + sizeof rows;
  memcpy (header + 10, &(guint32) { GUINT32_TO_LE (data_offset) }, 4);
  memcpy (header + 14, &(guint32) { GUINT32_TO_LE (info_size) }, 4);
  header[18] = 3;                       /* width */
  header[22] = 2;                       /* height */
  header[26] = 1;                       /* planes */
  header[28] = 24;                      /* bits per pixel */
  g_byte_array_append (bmp, header, sizeof header);
  g_byte_array_append (bmp, rows, sizeof rows);
  return g_byte_array_free_to_bytes (bmp);
}

/* gdk-pixbuf's BMP loader reserves whatever the info header's length and the pixel data
 * offset claim, before the pixel limit can look at the image: 30 bytes could claim 4 GB.
 * Such headers are refused before the loader sees them, and real ones still open. */
static void
test_bmp_header_bomb (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GBytes) info_bomb = make_bmp (0xa1a1a1a1, 54);
      g_autoptr(GBytes) offset_bomb = make_bmp (40, 0xf0000000);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = NULL;
      gsize before_kb = rp_test_peak_vm_kb ();

      image = rp_image_load_bytes (info_bomb, NULL, NULL, &error);
      g_assert_null (image);
      g_assert_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT);
      g_clear_error (&error);
      image = rp_image_load_bytes (offset_bomb, NULL, NULL, &error);
      g_assert_null (image);
      g_assert_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT);
      g_test_message ("peak address space grew by %" G_GSIZE_FORMAT " kB",
                      rp_test_peak_vm_kb () - before_kb);
      g_assert_cmpuint (rp_test_peak_vm_kb () - before_kb, <, 64 * 1024);
    }
  else
    {
      g_autoptr(GBytes) bmp = make_bmp (40, 54);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = rp_image_load_bytes (bmp, NULL, NULL, &error);
      const guint8 *pixels;

      g_assert_no_error (error);
      g_assert_cmpint (rp_image_get_format (image), ==, RP_IMAGE_FORMAT_BMP);
      g_assert_cmpint (rp_image_get_width (image), ==, 3);
      g_assert_cmpint (rp_image_get_height (image), ==, 2);
      pixels = gdk_pixbuf_read_pixels (rp_image_get_pixbuf (image));
      /* Top-left is the first pixel of the second row stored: white. */
      g_assert_cmpint (pixels[0], ==, 255);
      g_assert_cmpint (pixels[1], ==, 255);
      g_assert_cmpint (pixels[2], ==, 255);

      /* A fresh process, so that earlier tests' peaks do not hide this one's. */
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
}

/* gdk-pixbuf's GIF loader treats a frame of zero width or height as a programming error (a
 * critical, fatal in this test) before it refuses it, and restores the area under a frame
 * that sticks out of the screen without clipping it (another critical): such frames must
 * never reach it, while a real GIF still opens. */
static void
test_gif_frames (void)
{
  /* A 1 × 1 GIF: screen, two-colour table, one frame of LZW data, trailer. */
  static const guint8 gif[] = {
    'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0,
    0, 0, 0, 0xff, 0xff, 0xff,
    0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0,
    2, 2, 0x44, 0x01, 0,
    0x3b,
  };
  /* A frame that restores what it covers (disposal 3), placed at (5, 0) on a 4 × 4
   * screen; the shape of a file fuzzing found. */
  static const guint8 outside[] = {
    'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0,
    0, 0, 0, 0xff, 0xff, 0xff,
    0x21, 0xf9, 4, 0x0c, 0, 0, 0, 0,
    0x2c, 5, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0,
    0x3b,
  };
  /* A graphic control extension with an empty first sub-block: gdk-pixbuf reads past it
   * and finds a frame of no width where there is none. A file fuzzing found. */
  g_autofree char *empty_control_path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "image",
                                                                "gif-empty-control-extension.gif", NULL);
  g_autoptr(GFile) empty_control_file = g_file_new_for_path (empty_control_path);
  g_autoptr(GError) empty_control_error = NULL;
  g_autoptr(RpImage) empty_control_image = rp_image_load_file (empty_control_file, NULL, &empty_control_error);
  g_autoptr(GBytes) outside_bytes = g_bytes_new_static (outside, sizeof outside);
  g_autoptr(GError) outside_error = NULL;
  g_autoptr(RpImage) outside_image = rp_image_load_bytes (outside_bytes, NULL, NULL, &outside_error);
  guint8 flat[sizeof gif];
  guint i;

  g_assert_null (outside_image);
  g_assert_error (outside_error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT);
  g_assert_null (empty_control_image);
  g_assert_error (empty_control_error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT);

  for (i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = NULL;

      memcpy (flat, gif, sizeof gif);
      if (i == 1)
        flat[24] = 0;                 /* frame width 0 */
      if (i == 2)
        flat[26] = 0;                 /* frame height 0 */
      bytes = g_bytes_new (flat, sizeof flat);
      image = rp_image_load_bytes (bytes, NULL, NULL, &error);
      if (i == 0)
        {
          g_assert_no_error (error);
          g_assert_cmpint (rp_image_get_format (image), ==, RP_IMAGE_FORMAT_GIF);
          g_assert_cmpint (rp_image_get_width (image), ==, 1);
        }
      else
        {
          g_assert_null (image);
          g_assert_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT);
        }
    }
}

static void
test_bytes_and_stream (void)
{
  g_autoptr(GdkPixbuf) pattern = rp_test_pattern_pixbuf (20, 10, FALSE);
  g_autofree char *buffer = NULL;
  gsize len;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpImage) from_stream = NULL;
  g_autoptr(GInputStream) stream = NULL;

  gdk_pixbuf_save_to_buffer (pattern, &buffer, &len, "png", &error, NULL);
  bytes = g_bytes_new (buffer, len);
  image = rp_image_load_bytes (bytes, "Pasted Image", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (image), ==, 20);
  g_assert_null (rp_image_get_file (image));
  g_assert_false (rp_image_get_pixels_match_file (image));
  g_assert_cmpstr (rp_image_get_display_name (image), ==, "Pasted Image");

  stream = g_memory_input_stream_new_from_bytes (bytes);
  from_stream = rp_image_load_stream (stream, "Dropped", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_height (from_stream), ==, 10);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async_and_cancel (void)
{
  g_autofree char *path = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpImage) none = NULL;

  rp_image_load_file_async (file, NULL, on_loaded, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  image = rp_image_load_file_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (image), ==, 2560);

  g_cancellable_cancel (cancellable);
  rp_image_load_file_async (file, cancellable, on_loaded, &cancelled_result);
  while (cancelled_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  none = rp_image_load_file_finish (cancelled_result, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/image/sniff", test_sniff);
  g_test_add_func ("/repaint/image/sample-photo", test_sample_photo);
  g_test_add ("/repaint/image/formats", Fixture, NULL, fixture_setup, test_formats, fixture_teardown);
  g_test_add ("/repaint/image/webp", Fixture, NULL, fixture_setup, test_webp, fixture_teardown);
  g_test_add ("/repaint/image/exif-orientation", Fixture, NULL, fixture_setup, test_exif_orientation, fixture_teardown);
  g_test_add ("/repaint/image/bad-files", Fixture, NULL, fixture_setup, test_bad_files, fixture_teardown);
  g_test_add ("/repaint/image/pixel-limit", Fixture, NULL, fixture_setup, test_pixel_limit, fixture_teardown);
  g_test_add ("/repaint/image/header-bomb-memory", Fixture, NULL, fixture_setup, test_header_bomb_memory, fixture_teardown);
  g_test_add_func ("/repaint/image/bmp-header-bomb", test_bmp_header_bomb);
  g_test_add_func ("/repaint/image/gif-frames", test_gif_frames);
  g_test_add_func ("/repaint/image/bytes-and-stream", test_bytes_and_stream);
  g_test_add_func ("/repaint/image/async-and-cancel", test_async_and_cancel);

  return g_test_run ();
}
