/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "rp-image.h"
#include "rp-mask.h"

G_BEGIN_DECLS

/* The photo shipped in data/sample (a real 2560×1600 JPEG). */
char      *rp_test_sample_photo        (void);
/* A fresh temporary directory, removed by rp_test_tmpdir_remove(). */
char      *rp_test_tmpdir              (void);
void       rp_test_tmpdir_remove       (const char *path);
/* How many pixels of a rectangle of the sample photo are not sky (the kite is around
 * x 1650–2000, y 450–750: its red, orange, yellow and green). */
guint      rp_test_sample_count_not_sky (GdkPixbuf *pixbuf,
                                         int        x,
                                         int        y,
                                         int        width,
                                         int        height);
/* A pixbuf with a deterministic pattern (no two neighbouring pixels equal). */
GdkPixbuf *rp_test_pattern_pixbuf      (int         width,
                                        int         height,
                                        gboolean    has_alpha);
/* That pattern saved as @dir/@name (PNG) and loaded back, so the image has its file. */
RpImage   *rp_test_pattern_image       (const char *dir,
                                        const char *name,
                                        int         width,
                                        int         height);
/* A mask at @image's size with the rectangle painted. */
RpMask    *rp_test_rect_mask           (RpImage    *image,
                                        int         x,
                                        int         y,
                                        int         width,
                                        int         height);
/* Fails the test unless every pixel further than @margin from the rectangle holds the
 * same RGB bytes in @result as in @photo (and more than half the photo was compared). */
void       rp_test_assert_untouched_outside (GdkPixbuf *photo,
                                             GdkPixbuf *result,
                                             int        x,
                                             int        y,
                                             int        width,
                                             int        height,
                                             int        margin);
/* Writes a PNG signature, an IHDR claiming @width × @height, the start of an IDAT and IEND. */
void       rp_test_write_png_header    (const char *path,
                                        guint32     width,
                                        guint32     height);
/* A JPEG of @pixbuf carrying an EXIF orientation tag. */
void       rp_test_write_jpeg_oriented (const char *path,
                                        GdkPixbuf  *pixbuf,
                                        int         orientation);
guint32    rp_test_crc32               (const guint8 *data,
                                        gsize         len);
/* Whether @needle occurs in @len bytes of @data, NUL bytes and all. */
gboolean   rp_test_bytes_contain       (const guint8 *data,
                                        gsize         len,
                                        const char   *needle);
/* Calls @func for every regular file below @dir, depth first; symbolic links are not
 * followed. */
typedef void (*RpTestFileFunc) (GFile    *file,
                                gpointer  user_data);
void       rp_test_for_each_file       (GFile          *dir,
                                        RpTestFileFunc  func,
                                        gpointer        user_data);
/* Peak resident memory of this process in kB (VmHWM). */
gsize      rp_test_peak_rss_kb         (void);
/* Peak address space of this process in kB (VmPeak): grows with every large allocation,
 * even one whose pages are never touched. */
gsize      rp_test_peak_vm_kb          (void);

G_END_DECLS
