/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rp-test-util.h"

char *
rp_test_sample_photo (void)
{
  return g_build_filename (RP_TEST_SOURCE_ROOT, "data", "sample", "kite.jpg", NULL);
}

static const guint8 *
pixel_at (GdkPixbuf *pixbuf,
          int        x,
          int        y)
{
  return gdk_pixbuf_read_pixels (pixbuf) + (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
         x * gdk_pixbuf_get_n_channels (pixbuf);
}

/* In the sample photo's sky blue is always the strongest channel. */
guint
rp_test_sample_count_not_sky (GdkPixbuf *pixbuf,
                              int        x,
                              int        y,
                              int        width,
                              int        height)
{
  guint n = 0;

  for (int py = y; py < y + height; py++)
    for (int px = x; px < x + width; px++)
      {
        const guint8 *p = pixel_at (pixbuf, px, py);

        n += p[2] < MAX (p[0], p[1]);
      }
  return n;
}

void
rp_test_assert_untouched_outside (GdkPixbuf *photo,
                                  GdkPixbuf *result,
                                  int        x,
                                  int        y,
                                  int        width,
                                  int        height,
                                  int        margin)
{
  int pw = gdk_pixbuf_get_width (photo), ph = gdk_pixbuf_get_height (photo);
  guint64 checked = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (result), ==, pw);
  g_assert_cmpint (gdk_pixbuf_get_height (result), ==, ph);
  for (int py = 0; py < ph; py++)
    for (int px = 0; px < pw; px++)
      {
        const guint8 *a = pixel_at (photo, px, py), *b = pixel_at (result, px, py);

        if (px >= x - margin && px < x + width + margin && py >= y - margin && py < y + height + margin)
          continue;
        if (a[0] != b[0] || a[1] != b[1] || a[2] != b[2])
          g_error ("pixel %d,%d changed outside the mask: %02x%02x%02x → %02x%02x%02x",
                   px, py, a[0], a[1], a[2], b[0], b[1], b[2]);
        checked++;
      }
  g_assert_cmpuint (checked, >, (guint64) pw * ph / 2);
}

char *
rp_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("repaint-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_recursive (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

          remove_recursive (child);
          g_object_unref (info);
        }
    }
  g_file_delete (file, NULL, NULL);
}

void
rp_test_tmpdir_remove (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  remove_recursive (file);
}

GdkPixbuf *
rp_test_pattern_pixbuf (int      width,
                        int      height,
                        gboolean has_alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, has_alpha, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);
  int x, y;

  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + (gsize) x * n;

        p[0] = (x * 7 + y * 3) & 0xff;
        p[1] = (x * 5 + y * 11 + 64) & 0xff;
        p[2] = (x * 13 + y * 2 + 128) & 0xff;
        if (has_alpha)
          p[3] = 128 + ((x + 3 * y) % 128);
      }
  return pixbuf;
}

RpImage *
rp_test_pattern_image (const char *dir,
                       const char *name,
                       int         width,
                       int         height)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (width, height, FALSE);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  RpImage *image;

  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  image = rp_image_load_file (file, NULL, &error);
  g_assert_no_error (error);
  return image;
}

RpMask *
rp_test_rect_mask (RpImage *image,
                   int      x,
                   int      y,
                   int      width,
                   int      height)
{
  RpMask *mask = rp_mask_new (rp_image_get_width (image), rp_image_get_height (image));

  rp_mask_fill_rect (mask, x, y, width, height, RP_MASK_OP_PAINT);
  return mask;
}

guint32
rp_test_crc32 (const guint8 *data,
               gsize         len)
{
  guint32 crc = 0xffffffffu;
  gsize i;
  int k;

  for (i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return crc ^ 0xffffffffu;
}

static void
put32 (guint8  *p,
       guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

void
rp_test_write_png_header (const char *path,
                          guint32     width,
                          guint32     height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 buf[8 + 25 + 14 + 12];
  g_autoptr(GError) error = NULL;

  memcpy (buf, signature, 8);
  put32 (buf + 8, 13);
  memcpy (buf + 12, "IHDR", 4);
  put32 (buf + 16, width);
  put32 (buf + 20, height);
  buf[24] = 8;    /* bit depth */
  buf[25] = 6;    /* RGBA */
  buf[26] = 0;
  buf[27] = 0;
  buf[28] = 0;
  put32 (buf + 29, rp_test_crc32 (buf + 12, 17));
  /* The start of a zlib stream in an IDAT: decoders learn the size on reaching it. */
  put32 (buf + 33, 2);
  memcpy (buf + 37, "IDAT", 4);
  buf[41] = 0x78;
  buf[42] = 0x9c;
  put32 (buf + 43, rp_test_crc32 (buf + 37, 6));
  put32 (buf + 47, 0);
  memcpy (buf + 51, "IEND", 4);
  put32 (buf + 55, rp_test_crc32 (buf + 51, 4));

  g_file_set_contents (path, (const char *) buf, sizeof buf, &error);
  g_assert_no_error (error);
}

void
rp_test_write_jpeg_oriented (const char *path,
                             GdkPixbuf  *pixbuf,
                             int         orientation)
{
  /* APP1 "Exif" with a little-endian TIFF header and one IFD entry: Orientation (0x0112). */
  guint8 app1[] = {
    0xff, 0xe1, 0x00, 0x22,
    'E', 'x', 'i', 'f', 0, 0,
    'I', 'I', 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x01, 0x00,
    0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, (guint8) orientation, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
  };
  g_autofree char *jpeg = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();

  gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &len, "jpeg", &error, "quality", "95", NULL);
  g_assert_no_error (error);
  g_assert_cmpint ((guint8) jpeg[0], ==, 0xff);
  g_assert_cmpint ((guint8) jpeg[1], ==, 0xd8);
  g_byte_array_append (out, (const guint8 *) jpeg, 2);
  g_byte_array_append (out, app1, sizeof app1);
  g_byte_array_append (out, (const guint8 *) jpeg + 2, len - 2);
  g_file_set_contents (path, (const char *) out->data, out->len, &error);
  g_assert_no_error (error);
}

static gsize
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line ? (gsize) g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

gsize
rp_test_peak_rss_kb (void)
{
  return status_kb ("VmHWM:");
}

gsize
rp_test_peak_vm_kb (void)
{
  return status_kb ("VmPeak:");
}

gboolean
rp_test_bytes_contain (const guint8 *data,
                       gsize         len,
                       const char   *needle)
{
  gsize n = strlen (needle);
  const guint8 *p = data, *end = data + len;

  while (n > 0 && n <= (gsize) (end - p) && (p = memchr (p, needle[0], end - p - n + 1)) != NULL)
    {
      if (memcmp (p, needle, n) == 0)
        return TRUE;
      p++;
    }
  return FALSE;
}

void
rp_test_for_each_file (GFile          *dir,
                       RpTestFileFunc  func,
                       gpointer        user_data)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        rp_test_for_each_file (child, func, user_data);
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        func (child, user_data);
      g_object_unref (info);
    }
}
