/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rp-core.h"
#include "rp-test-util.h"

static RpDocument *
make_document (int width,
               int height)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (width, height, FALSE);
  g_autoptr(RpImage) image = rp_image_new_from_pixbuf (pixbuf, "test.png");

  return rp_document_new (image);
}

static void
stroke (RpDocument *doc,
        double      x)
{
  rp_document_begin_mask_edit (doc);
  rp_mask_dab (rp_document_get_mask (doc), x, 50, 8, 1.0, RP_MASK_OP_PAINT);
  g_assert_true (rp_document_end_mask_edit (doc, "Brush Stroke"));
}

static void
test_undo_redo (void)
{
  g_autoptr(RpDocument) doc = make_document (400, 100);
  RpMask *mask = rp_document_get_mask (doc);

  g_assert_false (rp_document_get_can_undo (doc));
  stroke (doc, 50);
  stroke (doc, 150);
  g_assert_true (rp_document_get_can_undo (doc));
  g_assert_cmpstr (rp_document_get_undo_label (doc), ==, "Brush Stroke");

  g_assert_true (rp_document_undo (doc));
  g_assert_cmpint (rp_mask_get_pixel (mask, 150, 50), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, 50, 50), ==, 255);
  g_assert_true (rp_document_get_can_redo (doc));
  g_assert_true (rp_document_redo (doc));
  g_assert_cmpint (rp_mask_get_pixel (mask, 150, 50), ==, 255);

  /* A new edit after undo drops the redo branch. */
  g_assert_true (rp_document_undo (doc));
  stroke (doc, 300);
  g_assert_false (rp_document_get_can_redo (doc));
  g_assert_false (rp_document_redo (doc));
}

/* At least 50 steps are kept; the oldest beyond the cap are dropped; memory holds touched
 * tiles only (each stroke touches one 256² tile). */
static void
test_depth_and_memory (void)
{
  g_autoptr(RpDocument) doc = make_document (4096, 256);
  RpMask *mask = rp_document_get_mask (doc);
  int i;

  for (i = 0; i < RP_DOCUMENT_MAX_UNDO_STEPS + 20; i++)
    stroke (doc, 20 + (i % 16) * 256);
  g_assert_cmpuint (rp_document_get_undo_depth (doc), ==, RP_DOCUMENT_MAX_UNDO_STEPS);
  g_assert_cmpuint (rp_document_get_undo_bytes (doc), <=,
                    (gsize) RP_DOCUMENT_MAX_UNDO_STEPS * (RP_MASK_TILE_SIZE * RP_MASK_TILE_SIZE + 64));

  for (i = 0; i < 50; i++)
    g_assert_true (rp_document_undo (doc));
  g_assert_cmpuint (rp_document_get_undo_depth (doc), ==, RP_DOCUMENT_MAX_UNDO_STEPS - 50);
  for (i = 0; i < RP_DOCUMENT_MAX_UNDO_STEPS - 50; i++)
    g_assert_true (rp_document_undo (doc));
  g_assert_false (rp_document_undo (doc));
  /* The 20 oldest strokes were dropped from history, so they remain painted. */
  g_assert_false (rp_mask_is_empty (mask));
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           int        *count)
{
  (*count)++;
}

static void
test_replace_image (void)
{
  g_autoptr(RpDocument) doc = make_document (200, 100);
  g_autoptr(GdkPixbuf) bigger = rp_test_pattern_pixbuf (300, 150, FALSE);
  g_autoptr(RpImage) result = rp_image_new_from_pixbuf (bigger, "result.png");
  RpImage *original = rp_document_get_image (doc);
  int notified = 0;

  stroke (doc, 50);
  g_signal_connect (doc, "notify::image", G_CALLBACK (on_notify), &notified);
  rp_document_replace_image (doc, result, "Apply Result");
  g_assert_true (rp_document_get_image (doc) == result);
  g_assert_cmpint (rp_mask_get_width (rp_document_get_mask (doc)), ==, 300);
  g_assert_true (rp_mask_is_empty (rp_document_get_mask (doc)));
  g_assert_cmpint (notified, ==, 1);

  g_assert_true (rp_document_undo (doc));
  g_assert_true (rp_document_get_image (doc) == original);
  g_assert_cmpint (rp_mask_get_pixel (rp_document_get_mask (doc), 50, 50), ==, 255);
  g_assert_true (rp_document_redo (doc));
  g_assert_true (rp_document_get_image (doc) == result);
}

/* An applied result keeps the document's name; another photo brings its own, and undo
 * takes it back. */
static void
test_name (void)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (200, 100, FALSE);
  g_autoptr(RpImage) photo = rp_image_new_from_pixbuf (pixbuf, "kite.jpg");
  g_autoptr(RpImage) result = rp_image_new_from_pixbuf (pixbuf, "result-0.png");
  g_autoptr(RpImage) other = rp_image_new_from_pixbuf (pixbuf, "lamp.png");
  g_autoptr(RpDocument) doc = rp_document_new (photo);
  int notified = 0;

  g_assert_cmpstr (rp_document_get_name (doc), ==, "kite.jpg");
  g_signal_connect (doc, "notify::name", G_CALLBACK (on_notify), &notified);
  rp_document_replace_image (doc, result, "Apply Result");
  g_assert_cmpstr (rp_document_get_name (doc), ==, "kite.jpg");
  g_assert_cmpint (notified, ==, 0);

  rp_document_replace_image_named (doc, other, "lamp.png", "Use Reference as Base Image");
  g_assert_cmpstr (rp_document_get_name (doc), ==, "lamp.png");
  g_assert_cmpint (notified, ==, 1);
  g_assert_true (rp_document_undo (doc));
  g_assert_true (rp_document_get_image (doc) == result);
  g_assert_cmpstr (rp_document_get_name (doc), ==, "kite.jpg");
  g_assert_cmpint (notified, ==, 2);
  g_assert_true (rp_document_redo (doc));
  g_assert_cmpstr (rp_document_get_name (doc), ==, "lamp.png");
  g_assert_true (rp_document_undo (doc));
  g_assert_true (rp_document_undo (doc));
  g_assert_true (rp_document_get_image (doc) == photo);
  g_assert_cmpstr (rp_document_get_name (doc), ==, "kite.jpg");

  rp_document_set_name (doc, "beach.png");
  g_assert_cmpstr (rp_document_get_name (doc), ==, "beach.png");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/document/undo-redo", test_undo_redo);
  g_test_add_func ("/repaint/document/depth-and-memory", test_depth_and_memory);
  g_test_add_func ("/repaint/document/replace-image", test_replace_image);
  g_test_add_func ("/repaint/document/name", test_name);

  return g_test_run ();
}
