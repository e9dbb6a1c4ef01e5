/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "rp-application.h"
#include "rp-canvas-private.h"
#include "rp-test-gui.h"
#include "rp-test-util.h"
#include "rp-window.h"

typedef struct
{
  double x0, y0, x1, y1;   /* image pixels */
} Segment;

/* Two strokes: one across the kite, one in the lower left sky. */
static const Segment strokes[] = {
  { 1700, 600, 1950, 680 },
  { 500, 1150, 950, 1250 },
};

static RpApplication *app;

static RpWindow *
new_window (void)
{
  return rp_window_new (GTK_APPLICATION (app));
}

static gboolean
document_ready (gpointer data)
{
  RpWindow *window = data;

  return rp_window_get_document (window) != NULL && !rp_window_get_loading (window) &&
         !rp_canvas_get_busy (rp_window_get_canvas (window));
}

static gboolean
not_loading (gpointer data)
{
  return !rp_window_get_loading (RP_WINDOW (data));
}

static void
paint_segment (RpCanvas      *canvas,
               const Segment *s)
{
  RpViewport *vp = rp_canvas_get_viewport (canvas);
  double vx, vy;
  int i;

  rp_viewport_image_to_view (vp, s->x0, s->y0, &vx, &vy);
  rp_canvas_input_begin (canvas, GDK_BUTTON_PRIMARY, vx, vy, 1.0, 0);
  for (i = 1; i <= 10; i++)
    {
      double t = i / 10.0;

      rp_viewport_image_to_view (vp, s->x0 + (s->x1 - s->x0) * t, s->y0 + (s->y1 - s->y0) * t, &vx, &vy);
      rp_canvas_input_update (canvas, vx, vy, 1.0);
    }
  rp_canvas_input_end (canvas, vx, vy);
}

/* Window pixel over image point (ix, iy). */
static void
window_pixel (RpWindow     *window,
              RpTestPixels *pixels,
              double        ix,
              double        iy,
              guint8        rgba[4])
{
  RpCanvas *canvas = rp_window_get_canvas (window);
  graphene_point_t p;
  double vx, vy;

  rp_viewport_image_to_view (rp_canvas_get_viewport (canvas), ix, iy, &vx, &vy);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (vx, vy), &p));
  rp_test_pixels_get (pixels, (int) p.x, (int) p.y, rgba);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_paint_and_export (void)
{
  g_autofree char *sample = rp_test_sample_photo ();
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *mask_path = g_build_filename (dir, "mask.png", NULL);
  g_autofree char *bomb_path = g_build_filename (dir, "bomb.png", NULL);
  g_autoptr(GFile) sample_file = g_file_new_for_path (sample);
  g_autoptr(GFile) mask_file = g_file_new_for_path (mask_path);
  g_autoptr(GFile) bomb_file = g_file_new_for_path (bomb_path);
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  g_autoptr(GdkTexture) error_shot = NULL;
  g_autoptr(RpTestPixels) before_px = NULL;
  g_autoptr(RpTestPixels) after_px = NULL;
  g_autoptr(GAsyncResult) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) mask_image = NULL;
  g_autofree char *shot = NULL;
  RpWindow *window;
  RpCanvas *canvas;
  RpDocument *document;
  RpMask *mask;
  GtkWidget *dialog;
  guint8 a[4], b[4];
  const guint8 *px;
  int stride, x, y;
  gsize transparent = 0;
  double expected_area = 0;
  guint i;

  window = new_window ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  rp_test_show_window (GTK_WINDOW (window));
  g_assert_null (rp_window_get_document (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "window-empty.png");

  rp_window_open_file (window, sample_file);
  rp_test_wait_until (document_ready, window, 30);
  rp_test_wait_frame (GTK_WIDGET (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "kite.jpg — Repaint");
  canvas = rp_window_get_canvas (window);
  document = rp_window_get_document (window);
  mask = rp_document_get_mask (document);
  g_assert_cmpfloat (rp_canvas_get_brush_size (canvas), ==, 80);
  /* A hard brush: its binary footprint is exactly the nominal 40 px radius. */
  rp_canvas_set_brush_hardness (canvas, 1.0);

  before = rp_test_render (GTK_WIDGET (window));
  for (i = 0; i < G_N_ELEMENTS (strokes); i++)
    paint_segment (canvas, &strokes[i]);
  rp_test_wait_frame (GTK_WIDGET (window));
  after = rp_test_render (GTK_WIDGET (window));
  shot = rp_test_save_artifact (after, "window-paint-strokes.png");
  before_px = rp_test_pixels_new (before);
  after_px = rp_test_pixels_new (after);

  /* The tint is on screen along each stroke (over the kite and the sky alike) … */
  for (i = 0; i < G_N_ELEMENTS (strokes); i++)
    {
      double t;

      for (t = 0; t <= 1.0; t += 0.25)
        {
          double ix = strokes[i].x0 + (strokes[i].x1 - strokes[i].x0) * t;
          double iy = strokes[i].y0 + (strokes[i].y1 - strokes[i].y0) * t;

          window_pixel (window, before_px, ix, iy, b);
          window_pixel (window, after_px, ix, iy, a);
          g_assert_cmpint (ABS (a[0] - b[0]) + ABS (a[1] - b[1]) + ABS (a[2] - b[2]), >, 60);
        }
      expected_area += hypot (strokes[i].x1 - strokes[i].x0, strokes[i].y1 - strokes[i].y0) * 80 + G_PI * 40 * 40;
    }
  /* … and nowhere else. */
  window_pixel (window, before_px, 200, 200, b);
  window_pixel (window, after_px, 200, 200, a);
  g_assert_cmpmem (a, 4, b, 4);
  window_pixel (window, before_px, 2300, 1400, b);
  window_pixel (window, after_px, 2300, 1400, a);
  g_assert_cmpmem (a, 4, b, 4);

  /* Export Mask offers a name after the photo's. */
  {
    g_autofree char *name = rp_test_suggested_file_name (GTK_WINDOW (window), "win.export-mask");

    g_assert_cmpstr (name, ==, "kite-mask.png");
  }

  /* Export Mask writes the API format at the photo's exact size. */
  rp_window_export_mask_async (window, mask_file, NULL, store_result, &exported);
  rp_test_wait_until (result_ready, &exported, 30);
  g_assert_true (rp_window_export_mask_finish (window, exported, &error));
  g_assert_no_error (error);
  mask_image = rp_image_load_file (mask_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (mask_image), ==, 2560);
  g_assert_cmpint (rp_image_get_height (mask_image), ==, 1600);
  px = gdk_pixbuf_read_pixels (rp_image_get_pixbuf (mask_image));
  stride = gdk_pixbuf_get_rowstride (rp_image_get_pixbuf (mask_image));
  for (y = 0; y < 1600; y++)
    for (x = 0; x < 2560; x++)
      {
        guint8 alpha = px[(gsize) y * stride + x * 4 + 3];

        g_assert_cmpint (alpha, ==, rp_mask_get_pixel (mask, x, y) >= 128 ? 0 : 255);
        transparent += alpha == 0;
      }
  g_assert_cmpfloat (fabs (transparent - expected_area) / expected_area, <, 0.03);
  g_assert_cmpint (px[(gsize) 640 * stride + 1800 * 4 + 3], ==, 0);
  g_assert_cmpint (px[(gsize) 200 * stride + 200 * 4 + 3], ==, 255);

  /* Undo takes back the last stroke only; redo brings it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpint (rp_mask_get_pixel (mask, 700, 1195), ==, 0);
  g_assert_cmpint (rp_mask_get_pixel (mask, 1800, 630), ==, 255);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpint (rp_mask_get_pixel (mask, 700, 1195), ==, 255);

  /* A header bomb is refused with a message; the work stays as it was. */
  rp_test_write_png_header (bomb_path, 60000, 60000);
  rp_window_open_file (window, bomb_file);
  rp_test_wait_until (not_loading, window, 30);
  rp_test_wait_until (rp_test_message_dialog_shown, NULL, 10);
  dialog = rp_test_find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "bomb.png"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "60000 × 60000"));
  rp_test_wait_frame (dialog);
  error_shot = rp_test_render (dialog);
  g_free (rp_test_save_artifact (error_shot, "window-open-error.png"));
  g_assert_true (rp_window_get_document (window) == document);
  g_assert_cmpint (rp_mask_get_pixel (mask, 1800, 630), ==, 255);
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (window));
  rp_test_tmpdir_remove (dir);
}

static GtkWindow *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (w))
        return GTK_WINDOW (w);
    }
  return NULL;
}

static gboolean
file_chooser_shown (gpointer unused)
{
  return find_file_chooser () != NULL;
}

/* A window closed after one of its file dialogs was used and dismissed must not reach the
 * freed dialog (it did: a critical, then a use-after-free). Run in a child process without
 * leak detection, as GTK 4.8's in-process file chooser leaks what it reads of folders and
 * bookmarks; the sanitizers and fatal criticals still watch everything else. */
static void
test_dialog_then_close (void)
{
  g_autofree char *sample = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  RpWindow *window;
  GtkWindow *chooser;

  if (!g_test_subprocess ())
    {
      g_autofree char *saved = g_strdup (g_getenv ("ASAN_OPTIONS"));
      g_autofree char *options = g_strconcat (saved ? saved : "", saved ? ":" : "",
                                              "detect_leaks=0", NULL);

      g_setenv ("ASAN_OPTIONS", options, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      if (saved != NULL)
        g_setenv ("ASAN_OPTIONS", saved, TRUE);
      else
        g_unsetenv ("ASAN_OPTIONS");
      g_test_trap_assert_passed ();
      return;
    }

  sample = rp_test_sample_photo ();
  file = g_file_new_for_path (sample);
  window = new_window ();
  rp_test_show_window (GTK_WINDOW (window));
  rp_window_open_file (window, file);
  rp_test_wait_until (document_ready, window, 30);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-mask", NULL));
  rp_test_wait_until (file_chooser_shown, NULL, 30);
  chooser = find_file_chooser ();
  /* Closed before its first frame, GTK 4.8 later sends a resize to the finalized dialog. */
  rp_test_wait_frame (GTK_WIDGET (chooser));
  name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
  g_assert_cmpstr (name, ==, "kite-mask.png");
  gtk_window_close (chooser);
  rp_test_wait_frame (GTK_WIDGET (window));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_zoom_actions (void)
{
  g_autofree char *sample = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  RpWindow *window = new_window ();
  RpCanvas *canvas;
  double fit;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  rp_test_show_window (GTK_WINDOW (window));
  rp_window_open_file (window, file);
  rp_test_wait_until (document_ready, window, 30);
  rp_test_wait_frame (GTK_WIDGET (window));
  canvas = rp_window_get_canvas (window);

  fit = rp_canvas_get_zoom (canvas);
  g_assert_cmpfloat (fit, <, 0.5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-actual", NULL));
  g_assert_cmpfloat (rp_canvas_get_zoom (canvas), ==, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL));
  g_assert_cmpfloat (rp_canvas_get_zoom (canvas), ==, RP_VIEWPORT_ZOOM_STEP);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-fit", NULL));
  g_assert_cmpfloat (rp_canvas_get_zoom (canvas), ==, fit);

  /* Brush size keys. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.brush-bigger", NULL));
  g_assert_cmpfloat (rp_canvas_get_brush_size (canvas), ==, 96);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.brush-smaller", NULL));
  g_assert_cmpfloat (rp_canvas_get_brush_size (canvas), ==, 80);
  /* A hard brush: its binary footprint is exactly the nominal 40 px radius. */
  rp_canvas_set_brush_hardness (canvas, 1.0);

  /* Tools through the stateful action the tool buttons use. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "lasso"));
  g_assert_cmpint (rp_canvas_get_tool (canvas), ==, RP_TOOL_LASSO);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "brush"));
  g_assert_cmpint (rp_canvas_get_tool (canvas), ==, RP_TOOL_BRUSH);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
document_is (gpointer data)
{
  gpointer *pair = data;

  return rp_window_get_document (pair[0]) != NULL && rp_window_get_document (pair[0]) != pair[1] &&
         !rp_window_get_loading (pair[0]);
}

/* Waits until @window holds a document other than @old. */
static RpDocument *
wait_new_document (RpWindow   *window,
                   RpDocument *old)
{
  gpointer pair[2] = { window, old };

  rp_test_wait_until (document_is, pair, 30);
  return rp_window_get_document (window);
}

/* Ctrl+V with an image (as another app would copy it) and with a copied file. */
static void
test_paste (void)
{
  g_autoptr(GdkPixbuf) pattern = rp_test_pattern_pixbuf (321, 123, TRUE);
  g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pattern);
  g_autofree char *sample = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  GdkClipboard *clipboard;
  RpWindow *window = new_window ();
  RpDocument *doc;
  RpImage *image;
  GSList *files;

  rp_test_show_window (GTK_WINDOW (window));
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));

  gdk_clipboard_set_texture (clipboard, texture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
  doc = wait_new_document (window, NULL);
  image = rp_document_get_image (doc);
  g_assert_cmpint (rp_image_get_width (image), ==, 321);
  g_assert_cmpint (rp_image_get_height (image), ==, 123);
  g_assert_null (rp_image_get_file (image));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Pasted Image — Repaint");

  files = g_slist_prepend (NULL, file);
  gdk_clipboard_set (clipboard, GDK_TYPE_FILE_LIST, files);
  g_slist_free (files);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
  doc = wait_new_document (window, doc);
  g_assert_cmpint (rp_image_get_width (rp_document_get_image (doc)), ==, 2560);
  g_assert_true (g_file_equal (rp_image_get_file (rp_document_get_image (doc)), file));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Import Mask reads an exported mask back as one undo step; a mask of another size is
 * refused and the painted mask stays. */
static void
test_import_mask (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.png", NULL);
  g_autofree char *small = g_build_filename (dir, "small.png", NULL);
  g_autofree char *photo = g_build_filename (dir, "photo.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (300, 200, FALSE);
  g_autoptr(RpMask) source = rp_mask_new (300, 200);
  g_autoptr(RpMask) wrong = rp_mask_new (299, 200);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(GFile) small_file = g_file_new_for_path (small);
  g_autoptr(GFile) photo_file = g_file_new_for_path (photo);
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(GAsyncResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  RpWindow *window = new_window ();
  RpDocument *doc;
  RpMask *mask;

  gdk_pixbuf_save (pixbuf, photo, "png", &error, NULL);
  rp_mask_fill_rect (source, 10, 10, 50, 40, RP_MASK_OP_PAINT);
  g_assert_true (rp_mask_save_png (source, good_file, NULL, &error));
  g_assert_true (rp_mask_save_png (wrong, small_file, NULL, &error));
  g_assert_no_error (error);

  rp_test_show_window (GTK_WINDOW (window));
  rp_window_open_file (window, photo_file);
  doc = wait_new_document (window, NULL);
  mask = rp_document_get_mask (doc);

  rp_window_import_mask_async (window, good_file, NULL, store_result, &imported);
  rp_test_wait_until (result_ready, &imported, 30);
  g_assert_true (rp_window_import_mask_finish (window, imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_mask_get_pixel (mask, 30, 30), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (mask, 70, 30), ==, 0);
  g_assert_cmpstr (rp_document_get_undo_label (doc), ==, "Import Mask");

  rp_window_import_mask_async (window, small_file, NULL, store_result, &refused);
  rp_test_wait_until (result_ready, &refused, 30);
  g_assert_false (rp_window_import_mask_finish (window, refused, &error));
  g_assert_error (error, RP_MASK_ERROR, RP_MASK_ERROR_SIZE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "299 × 200"));
  g_assert_cmpint (rp_mask_get_pixel (mask, 30, 30), ==, 255);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (rp_mask_is_empty (mask));
  gtk_window_destroy (GTK_WINDOW (window));
  rp_test_tmpdir_remove (dir);
}

/* The middle button and Space+drag pan instead of painting. */
static void
test_pan (void)
{
  g_autofree char *sample = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  RpWindow *window = new_window ();
  RpCanvas *canvas;
  RpViewport *vp;
  RpMask *mask;
  double x0, y0;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  rp_test_show_window (GTK_WINDOW (window));
  rp_window_open_file (window, file);
  rp_test_wait_until (document_ready, window, 30);
  canvas = rp_window_get_canvas (window);
  vp = rp_canvas_get_viewport (canvas);
  mask = rp_document_get_mask (rp_window_get_document (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-actual", NULL));
  x0 = rp_viewport_get_offset_x (vp);
  y0 = rp_viewport_get_offset_y (vp);

  rp_canvas_input_begin (canvas, GDK_BUTTON_MIDDLE, 400, 300, 1.0, 0);
  rp_canvas_input_update (canvas, 300, 250, 1.0);
  rp_canvas_input_end (canvas, 300, 250);
  g_assert_cmpfloat (rp_viewport_get_offset_x (vp), ==, x0 + 100);
  g_assert_cmpfloat (rp_viewport_get_offset_y (vp), ==, y0 + 50);

  rp_canvas_input_set_space (canvas, TRUE);
  rp_canvas_input_begin (canvas, GDK_BUTTON_PRIMARY, 300, 250, 1.0, 0);
  rp_canvas_input_update (canvas, 400, 300, 1.0);
  rp_canvas_input_end (canvas, 400, 300);
  rp_canvas_input_set_space (canvas, FALSE);
  g_assert_cmpfloat (rp_viewport_get_offset_x (vp), ==, x0);
  g_assert_cmpfloat (rp_viewport_get_offset_y (vp), ==, y0);
  g_assert_true (rp_mask_is_empty (mask));
  g_assert_false (rp_document_get_can_undo (rp_window_get_document (window)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
file_exists (gpointer data)
{
  return g_file_query_exists (G_FILE (data), NULL);
}

static void
assert_same_mask (RpMask *a,
                  RpMask *b)
{
  int w = rp_mask_get_width (a), h = rp_mask_get_height (a);
  g_autofree guint8 *pa = g_malloc ((gsize) w * h);
  g_autofree guint8 *pb = g_malloc ((gsize) w * h);

  g_assert_cmpint (rp_mask_get_width (b), ==, w);
  g_assert_cmpint (rp_mask_get_height (b), ==, h);
  rp_mask_read (a, 0, 0, w, h, pa, w);
  rp_mask_read (b, 0, 0, w, h, pb, w);
  g_assert_cmpmem (pa, (gsize) w * h, pb, (gsize) w * h);
}

static gboolean
session_has_prompt (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_load_contents (data, NULL, &text, NULL, NULL, NULL) && strstr (text, "\"prompt\" : \"a red kite\"") != NULL &&
         strstr (text, "reference-1.png") != NULL;
}

static gboolean
session_has_result (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_load_contents (data, NULL, &text, NULL, NULL, NULL) && strstr (text, "result-0.png") != NULL;
}

static gboolean
strip_has_one (gpointer data)
{
  return !rp_reference_strip_get_busy (data) && rp_reference_strip_get_n_references (data) == 1;
}

/* The photo and the mask (soft edges included), the prompt and a pasted reference come
 * back in a new window after the first one is gone, as after a crash or a restart. */
static void
test_session_restore (void)
{
  g_autofree char *sample = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (sample);
  g_autoptr(GFile) session = g_file_new_build_filename (g_get_user_data_dir (), "repaint", "session", NULL);
  g_autoptr(GFile) state_file = g_file_get_child (session, "session.json");
  g_autoptr(GFile) image_file = g_file_get_child (session, "image.png");
  g_autoptr(RpMask) painted = NULL;
  g_autoptr(GdkPixbuf) pattern = rp_test_pattern_pixbuf (200, 150, FALSE);
  g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pattern);
  RpWindow *first, *second, *third;
  RpCanvas *canvas;
  RpDocument *doc;
  Segment s = { 300, 300, 900, 500 };

  rp_session_clear (session, NULL);
  first = new_window ();
  rp_test_show_window (GTK_WINDOW (first));
  rp_window_open_file (first, file);
  rp_test_wait_until (document_ready, first, 30);
  /* References need a model that takes them: the offline fill, chosen while no key is set
   * up, takes none. */
  g_assert_true (rp_sidebar_select (rp_window_get_sidebar (first), "openai", NULL));
  canvas = rp_window_get_canvas (first);
  rp_canvas_set_brush_hardness (canvas, 0.3);   /* soft edges must survive */
  paint_segment (canvas, &s);
  painted = rp_mask_copy (rp_document_get_mask (rp_window_get_document (first)));
  /* Shift+Ctrl+V pastes a reference. */
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (first)), texture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.paste-reference", NULL));
  rp_test_wait_until (strip_has_one, rp_sidebar_get_reference_strip (rp_window_get_sidebar (first)), 20);
  g_assert_cmpuint (rp_reference_strip_get_n_references (rp_sidebar_get_reference_strip (rp_window_get_sidebar (first))), ==, 1);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (rp_window_get_sidebar (first)), "a red kite");
  rp_test_wait_until (session_has_prompt, state_file, 20);
  g_assert_false (g_file_query_exists (image_file, NULL));   /* the photo is referenced, not copied */
  gtk_window_destroy (GTK_WINDOW (first));

  second = new_window ();
  rp_test_show_window (GTK_WINDOW (second));
  rp_window_restore_session (second);
  rp_test_wait_until (document_ready, second, 30);
  doc = rp_window_get_document (second);
  g_assert_cmpstr (rp_image_get_display_name (rp_document_get_image (doc)), ==, "kite.jpg");
  assert_same_mask (painted, rp_document_get_mask (doc));
  g_assert_false (rp_document_get_can_undo (doc));
  {
    RpSidebar *sidebar = rp_window_get_sidebar (second);
    RpReferenceStrip *strip = rp_sidebar_get_reference_strip (sidebar);
    g_autofree char *prompt = rp_prompt_box_get_text (rp_sidebar_get_prompt_box (sidebar));
    g_autoptr(RpImage) ref = NULL;

    g_assert_cmpstr (prompt, ==, "a red kite");
    g_assert_cmpuint (rp_reference_strip_get_n_references (strip), ==, 1);
    ref = g_list_model_get_item (rp_reference_strip_get_model (strip), 0);
    g_assert_cmpint (rp_image_get_width (ref), ==, 200);
    g_assert_cmpint (rp_image_get_height (ref), ==, 150);
  }
  rp_test_wait_frame (GTK_WIDGET (second));
  rp_test_save_screenshot (GTK_WIDGET (second), "window-session-restored.png");
  gtk_window_destroy (GTK_WINDOW (second));

  /* A pasted image has no file: the session keeps a copy of its pixels. */
  g_file_delete (state_file, NULL, NULL);
  third = new_window ();
  rp_test_show_window (GTK_WINDOW (third));
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (third)), texture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (third), "win.paste", NULL));
  rp_test_wait_until (document_ready, third, 30);
  rp_test_wait_until (file_exists, state_file, 20);
  g_assert_true (g_file_query_exists (image_file, NULL));
  gtk_window_destroy (GTK_WINDOW (third));
  third = new_window ();
  rp_window_restore_session (third);
  rp_test_wait_until (document_ready, third, 30);
  doc = rp_window_get_document (third);
  g_assert_cmpint (rp_image_get_width (rp_document_get_image (doc)), ==, 200);
  g_assert_cmpstr (rp_image_get_display_name (rp_document_get_image (doc)), ==, "Pasted Image");
  {
    GdkPixbuf *got = rp_image_get_pixbuf (rp_document_get_image (doc));
    int y;

    for (y = 0; y < 150; y++)
      g_assert_cmpmem (gdk_pixbuf_read_pixels (got) + y * gdk_pixbuf_get_rowstride (got), 200 * 3,
                       gdk_pixbuf_read_pixels (pattern) + y * gdk_pixbuf_get_rowstride (pattern), 200 * 3);
  }
  gtk_window_destroy (GTK_WINDOW (third));

  /* An applied result comes in a file of its own ("result-0.png" in the history), but it is
   * the opened photo, edited: after a restart the window still bears the photo's name. */
  g_file_delete (state_file, NULL, NULL);
  third = new_window ();
  rp_test_show_window (GTK_WINDOW (third));
  rp_window_open_file (third, file);
  rp_test_wait_until (document_ready, third, 30);
  {
    RpImage *photo = rp_document_get_image (rp_window_get_document (third));
    g_autoptr(RpImage) result = rp_image_new_from_pixbuf (rp_image_get_pixbuf (photo), "result-0.png");

    rp_document_replace_image (rp_window_get_document (third), result, "Apply Result");
  }
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (third)), ==, "kite.jpg — Repaint");
  rp_test_wait_until (session_has_result, state_file, 20);
  gtk_window_destroy (GTK_WINDOW (third));
  third = new_window ();
  rp_test_show_window (GTK_WINDOW (third));
  rp_window_restore_session (third);
  rp_test_wait_until (document_ready, third, 30);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (third)), ==, "kite.jpg — Repaint");
  gtk_window_destroy (GTK_WINDOW (third));
}

static void
collect_accels (GtkWidget  *widget,
                GHashTable *accels)
{
  GtkWidget *child;

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accel = NULL;
      g_auto(GStrv) parts = NULL;
      guint i;

      g_object_get (widget, "accelerator", &accel, NULL);
      parts = g_strsplit (accel ? accel : "", " ", -1);
      for (i = 0; parts[i] != NULL; i++)
        {
          guint key;
          GdkModifierType mods;

          /* Compare in one spelling: "<Control><Shift>o" and "<Shift><Control>o" are equal. */
          if (*parts[i] != '\0' && gtk_accelerator_parse (parts[i], &key, &mods))
            g_hash_table_add (accels, gtk_accelerator_name (key, mods));
        }
    }
  for (child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_accels (child, accels);
}

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (data));
}

/* Every key binding of the window is listed in the Keyboard Shortcuts window. */
static void
test_shortcuts_window (void)
{
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GListModel) controllers = NULL;
  GtkShortcutsWindow *overlay;
  RpWindow *window;
  guint i, checked = 0;

  window = new_window ();
  rp_test_show_window (GTK_WINDOW (window));
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  rp_test_wait_until (widget_visible, overlay, 10);
  rp_test_wait_frame (GTK_WIDGET (overlay));
  rp_test_save_screenshot (GTK_WIDGET (overlay), "shortcuts-window.png");

  collect_accels (GTK_WIDGET (overlay), listed);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      guint j;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_BUBBLE)
        continue;
      for (j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *text = NULL;
          guint key;
          GdkModifierType mods;

          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action) ||
              !g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "win."))
            continue;
          key = gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger));
          mods = gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger));
          /* The list shows one of several equivalent keys (plus, not equal or KP_Add). */
          if (key == GDK_KEY_equal || key == GDK_KEY_KP_Add || key == GDK_KEY_KP_Subtract ||
              key == GDK_KEY_KP_0 || key == GDK_KEY_KP_1 || key == GDK_KEY_KP_Enter)
            continue;
          text = gtk_accelerator_name (key, mods);
          g_test_message ("binding %s → %s", text, gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
          g_assert_true (g_hash_table_contains (listed, text));
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 20);
  gtk_window_destroy (GTK_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = rp_test_tmpdir ();
  int status;

  /* This test's own data folder: history and session start empty. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* The real application object: it loads style.css and the resource icons. */
  app = rp_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/repaint/window/paint-and-export", test_paint_and_export);
  g_test_add_func ("/repaint/window/dialog-then-close", test_dialog_then_close);
  g_test_add_func ("/repaint/window/zoom-actions", test_zoom_actions);
  g_test_add_func ("/repaint/window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/repaint/window/paste", test_paste);
  g_test_add_func ("/repaint/window/import-mask", test_import_mask);
  g_test_add_func ("/repaint/window/pan", test_pan);
  g_test_add_func ("/repaint/window/session-restore", test_session_restore);

  status = g_test_run ();
  rp_test_tmpdir_remove (data_home);
  return status;
}
