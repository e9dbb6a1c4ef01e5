/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The edit in the window: prompt, references, the crop box. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fake-provider.h"
#include "rp-application.h"
#include "rp-canvas-private.h"
#include "rp-job-row.h"
#include "rp-test-gui.h"
#include "rp-test-util.h"
#include "rp-window.h"

#define TEST_KEY "sk-edit-test-0123456789abcdef"

static RpApplication *app;
static char *root;
static RpFakeProvider *fake;

/* A stand-in for the desktop's notification server (org.gtk.Notifications, as GNOME Shell
 * has it) on the test's private bus: it records what the application sends. */
static GPtrArray *notifications;   /* char *: "title\nbody" */

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "<method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='a{sv}' direction='in'/></method>"
  "<method name='RemoveNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "</interface></node>";

static void
on_notification_call (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *path,
                      const char            *interface,
                      const char            *method,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  if (g_str_equal (method, "AddNotification"))
    {
      g_autoptr(GVariant) props = g_variant_get_child_value (parameters, 2);
      const char *title = "", *body = "";

      g_variant_lookup (props, "title", "&s", &title);
      g_variant_lookup (props, "body", "&s", &body);
      g_ptr_array_add (notifications, g_strdup_printf ("%s\n%s", title, body));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
serve_notifications (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) info = NULL;
  static const GDBusInterfaceVTable vtable = { on_notification_call, NULL, NULL, { 0 } };

  notifications = g_ptr_array_new_with_free_func (g_free);
  if (bus == NULL)
    return;
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0], &vtable,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
}

static const char *provider_ids[] = { "openai", "mixrouter", "quickrouter", "crazyrouter", "venice" };

/* Every provider goes to the fake, with a key for this session. */
static void
route_to_fake (void)
{
  g_autofree char *base = rp_fake_provider_url (fake, "/v1");
  GVariantBuilder urls;
  guint i;

  g_variant_builder_init (&urls, G_VARIANT_TYPE ("a{ss}"));
  for (i = 0; i < G_N_ELEMENTS (provider_ids); i++)
    {
      g_variant_builder_add (&urls, "{ss}", provider_ids[i], base);
      rp_service_set_api_key (rp_application_get_service (app), provider_ids[i], TEST_KEY);
    }
  g_settings_set_value (rp_application_get_settings (app), "base-urls", g_variant_builder_end (&urls));
}

static gboolean
document_ready (gpointer data)
{
  RpWindow *window = data;

  return rp_window_get_document (window) != NULL && !rp_window_get_loading (window) &&
         !rp_canvas_get_busy (rp_window_get_canvas (window));
}

static gboolean
strip_idle (gpointer data)
{
  return !rp_reference_strip_get_busy (data);
}

static RpWindow *
open_photo (void)
{
  RpWindow *window = rp_window_new (GTK_APPLICATION (app));
  g_autofree char *photo = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (photo);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  rp_test_show_window (GTK_WINDOW (window));
  rp_window_open_file (window, file);
  rp_test_wait_until (document_ready, window, 30);
  return window;
}

static GFile *
write_reference (const char *name,
                 int         width,
                 int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (width, height, FALSE);
  g_autofree char *path = g_build_filename (root, name, NULL);

  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));
  return g_file_new_for_path (path);
}

static const char *
reference_name (RpReferenceStrip *strip,
                guint             position)
{
  g_autoptr(RpImage) image = g_list_model_get_item (rp_reference_strip_get_model (strip), position);

  return image ? rp_image_get_display_name (image) : NULL;
}

static void
paint_rect (RpWindow *window,
            int       x,
            int       y,
            int       width,
            int       height)
{
  RpDocument *document = rp_window_get_document (window);

  rp_document_begin_mask_edit (document);
  rp_mask_fill_rect (rp_document_get_mask (document), x, y, width, height, RP_MASK_OP_PAINT);
  rp_document_end_mask_edit (document, "Rectangle");
}

static char *last_message;

static void
on_message (RpReferenceStrip *strip,
            const char       *text)
{
  g_free (last_message);
  last_message = g_strdup (text);
}

/* References arrive as a drop does (several files, one not an image), keep their order,
 * reorder and go; one becomes the photo, undoably; the model's limit is shown and held. */
static void
test_references (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpReferenceStrip *strip = rp_sidebar_get_reference_strip (sidebar);
  RpDocument *document = rp_window_get_document (window);
  g_autoptr(RpImage) photo = g_object_ref (rp_document_get_image (document));
  g_autofree char *bogus_path = g_build_filename (root, "notes.png", NULL);
  GFile *files[3];
  GtkWidget *tile;

  g_signal_connect (strip, "message", G_CALLBACK (on_message), NULL);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  g_assert_cmpuint (rp_reference_strip_get_max (strip), ==, 15);

  g_assert_true (g_file_set_contents (bogus_path, "not an image at all", -1, NULL));
  files[0] = write_reference ("fabric.png", 300, 200);
  files[1] = g_file_new_for_path (bogus_path);
  files[2] = write_reference ("lamp.png", 120, 160);
  rp_reference_strip_add_files (strip, files, 3);
  rp_test_wait_until (strip_idle, strip, 20);
  g_assert_cmpuint (rp_reference_strip_get_n_references (strip), ==, 2);
  g_assert_cmpstr (reference_name (strip, 0), ==, "fabric.png");
  g_assert_cmpstr (reference_name (strip, 1), ==, "lamp.png");
  /* The file that is not an image is named; the others still came in. */
  g_assert_nonnull (last_message);
  g_assert_nonnull (strstr (last_message, "notes.png"));

  /* The tiles number the images of the request: the photo is 1. */
  rp_test_wait_frame (GTK_WIDGET (window));
  tile = rp_reference_strip_get_tile (strip, 0);
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (tile), "image 2"));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-references.png");

  /* Reorder from the tile's menu, then back by dragging's code path. */
  g_assert_true (gtk_widget_activate_action (tile, "tile.move", "i", 1));
  g_assert_cmpstr (reference_name (strip, 0), ==, "lamp.png");
  rp_reference_strip_move (strip, 1, 0);
  g_assert_cmpstr (reference_name (strip, 0), ==, "fabric.png");

  /* Use as base image: the reference becomes the photo and the photo a reference. */
  tile = rp_reference_strip_get_tile (strip, 1);
  g_assert_true (gtk_widget_activate_action (tile, "tile.use-as-base", NULL));
  g_assert_cmpstr (rp_image_get_display_name (rp_document_get_image (document)), ==, "lamp.png");
  g_assert_true (reference_name (strip, 1) == rp_image_get_display_name (photo));
  g_assert_cmpint (rp_mask_get_width (rp_document_get_mask (document)), ==, 120);
  /* Another photo, under its own name; undo brings back the first and its name. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "lamp.png — Repaint");
  g_assert_true (rp_document_undo (document));
  g_assert_true (rp_document_get_image (document) == photo);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "kite.jpg — Repaint");

  /* DALL·E 2 takes the photo alone: the references stay but are marked, Generate says why. */
  g_assert_true (rp_sidebar_select (sidebar, "openai", "dall-e-2"));
  g_assert_cmpuint (rp_reference_strip_get_max (strip), ==, 0);
  g_assert_false (rp_reference_strip_get_can_add (strip));
  rp_window_update_plan (window);
  g_assert_nonnull (rp_window_get_blocker (window));
  g_test_message ("blocker: %s", rp_window_get_blocker (window));
  g_assert_nonnull (strstr (rp_window_get_blocker (window), "at most 1 image"));
  g_assert_true (gtk_widget_has_css_class (rp_reference_strip_get_tile (strip, 0), "rp-over-limit"));
  g_clear_pointer (&last_message, g_free);
  rp_reference_strip_add_files (strip, files, 1);
  g_assert_nonnull (last_message);
  g_assert_cmpuint (rp_reference_strip_get_n_references (strip), ==, 2);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-references-over-limit.png");

  /* Removing both lifts the block (the prompt still missing aside). */
  g_assert_true (gtk_widget_activate_action (rp_reference_strip_get_tile (strip, 0), "tile.remove", NULL));
  rp_reference_strip_remove (strip, 0);
  g_assert_cmpuint (rp_reference_strip_get_n_references (strip), ==, 0);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a red lamp");
  rp_window_update_plan (window);
  /* Without a mask DALL·E 2 edits only transparent pixels, and the photo has none. */
  g_assert_nonnull (strstr (rp_window_get_blocker (window), "Paint a mask"));
  paint_rect (window, 1000, 700, 200, 200);
  rp_window_update_plan (window);
  /* It wants a square image: the plan crops or pads to one, so nothing blocks. */
  g_assert_null (rp_window_get_blocker (window));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);
  g_clear_pointer (&last_message, g_free);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The prompt counts characters against the model's limit; a prompt too long blocks Generate
 * with the reason on the prompt; recent prompts come back. */
static void
test_prompt (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpPromptBox *prompt = rp_sidebar_get_prompt_box (sidebar);
  GSettings *settings = rp_application_get_settings (app);
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_auto(GStrv) recent = NULL;

  g_assert_true (rp_sidebar_select (sidebar, "openai", "dall-e-2"));
  g_assert_cmpuint (rp_prompt_box_get_max_length (prompt), ==, 1000);
  paint_rect (window, 1000, 700, 200, 200);
  rp_window_update_plan (window);
  g_assert_nonnull (rp_window_get_blocker (window));

  /* Characters, not bytes: 1000 CJK characters fit, 1001 do not. */
  for (guint i = 0; i < 1000; i++)
    g_string_append (long_text, "风");
  rp_prompt_box_set_text (prompt, long_text->str);
  g_assert_cmpuint (rp_prompt_box_get_length (prompt), ==, 1000);
  rp_window_update_plan (window);
  g_assert_null (rp_window_get_blocker (window));
  g_string_append (long_text, "筝");
  rp_prompt_box_set_text (prompt, long_text->str);
  rp_window_update_plan (window);
  g_assert_nonnull (rp_window_get_blocker (window));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (rp_prompt_box_get_text_view (prompt)), "error") ||
                 gtk_widget_has_css_class (gtk_widget_get_ancestor (rp_prompt_box_get_text_view (prompt), GTK_TYPE_SCROLLED_WINDOW), "error"));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-prompt-too-long.png");

  /* GPT Image takes 32000. */
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  rp_window_update_plan (window);
  g_assert_null (rp_window_get_blocker (window));

  /* Recent prompts: newest first, no duplicates. */
  g_settings_reset (settings, "recent-prompts");
  rp_prompt_box_set_text (prompt, "remove the kite");
  rp_prompt_box_remember (prompt);
  rp_prompt_box_set_text (prompt, "  a seagull instead  ");
  rp_prompt_box_remember (prompt);
  rp_prompt_box_set_text (prompt, "remove the kite");
  rp_prompt_box_remember (prompt);
  recent = g_settings_get_strv (settings, "recent-prompts");
  g_assert_cmpuint (g_strv_length (recent), ==, 2);
  g_assert_cmpstr (recent[0], ==, "remove the kite");
  g_assert_cmpstr (recent[1], ==, "a seagull instead");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The crop box: a small mask sends only the part around it, drawn on the canvas with the
 * upload size; the rest of the photo is dimmed; "Whole Photo" sends everything. */
static void
test_crop_box (void)
{
  RpWindow *window = open_photo ();
  RpCanvas *canvas = rp_window_get_canvas (window);
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  GSettings *settings = rp_application_get_settings (app);
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  g_autoptr(RpTestPixels) pb = NULL;
  g_autoptr(RpTestPixels) pa = NULL;
  RpPlacement *placement;
  cairo_rectangle_int_t region;
  graphene_point_t far;
  double vx, vy;
  guint8 rb[4], ra[4];

  g_settings_set_string (settings, "crop-context", "auto");
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  rp_window_update_plan (window);
  g_assert_null (rp_canvas_get_placement (canvas) ? NULL : (gpointer) 1);
  g_assert_false (rp_placement_get_is_cropped (rp_canvas_get_placement (canvas)));
  rp_test_wait_frame (GTK_WIDGET (window));
  before = rp_test_render (GTK_WIDGET (window));

  paint_rect (window, 1700, 560, 160, 120);
  rp_window_update_plan (window);
  placement = rp_canvas_get_placement (canvas);
  g_assert_nonnull (placement);
  g_assert_true (rp_placement_get_is_cropped (placement));
  rp_placement_get_region (placement, &region);
  g_assert_cmpint (region.x, <=, 1700);
  g_assert_cmpint (region.x + region.width, >=, 1860);
  g_assert_cmpint (region.width, <, 1200);

  rp_test_wait_frame (GTK_WIDGET (window));
  after = rp_test_render (GTK_WIDGET (window));
  g_free (rp_test_save_artifact (after, "edit-crop-box.png"));
  pb = rp_test_pixels_new (before);
  pa = rp_test_pixels_new (after);
  /* Far from the box (the lower left of the photo) the photo is dimmed. */
  rp_viewport_image_to_view (rp_canvas_get_viewport (canvas), 300, 1400, &vx, &vy);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (vx, vy), &far));
  rp_test_pixels_get (pb, far.x, far.y, rb);
  rp_test_pixels_get (pa, far.x, far.y, ra);
  g_assert_cmpint (ra[0] + ra[1] + ra[2], <, (rb[0] + rb[1] + rb[2]) * 3 / 4);

  /* Whole Photo: nothing is cropped, nothing dimmed. */
  g_settings_set_string (settings, "crop-context", "whole");
  rp_window_update_plan (window);
  g_assert_false (rp_placement_get_is_cropped (rp_canvas_get_placement (canvas)));
  g_settings_set_string (settings, "crop-context", "auto");

  gtk_window_destroy (GTK_WINDOW (window));
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

static gboolean
job_finished (gpointer data)
{
  return rp_job_is_finished (data);
}

static gboolean
review_ready (gpointer data)
{
  return rp_window_get_review_image (data) != NULL && !rp_canvas_get_busy (rp_window_get_canvas (data));
}

static void
pixel_at (GdkPixbuf *pixbuf,
          int        x,
          int        y,
          guint8     rgb[3])
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) + (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
                    x * gdk_pixbuf_get_n_channels (pixbuf);

  memcpy (rgb, p, 3);
}

static gboolean previewed;

static void
on_partial (RpJob     *job,
            guint      index,
            GFile     *file,
            GdkPixbuf *preview,
            RpWindow  *window)
{
  /* The window's own handler ran first: the preview is on the canvas now. */
  if (rp_canvas_get_preview (rp_window_get_canvas (window)) != NULL && !previewed)
    {
      previewed = TRUE;
      rp_test_wait_frame (GTK_WIDGET (window));
      rp_test_save_screenshot (GTK_WIDGET (window), "edit-partial-preview.png");
    }
}

/* The whole job in the window: a painted photo, two references added as a drop adds them,
 * a prompt, Generate; partial previews drawn on the canvas; the result placed back with
 * every pixel outside the mask untouched; Apply (undoable); a second, chained edit. */
static void
test_generate_apply_chain (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpReferenceStrip *strip = rp_sidebar_get_reference_strip (sidebar);
  RpDocument *document = rp_window_get_document (window);
  g_autoptr(RpImage) photo = g_object_ref (rp_document_get_image (document));
  g_autoptr(RpImage) applied = NULL;
  RpParams *params;
  RpJob *job;
  GFile *files[2];
  RpFakeRequest *request;
  const RpFakeImage *mask;
  guint8 rgb[3];

  route_to_fake ();
  rp_fake_provider_reset (fake);
  rp_fake_provider_clear_requests (fake);
  rp_fake_provider_set_result_color (fake, 0x20c040ff);
  rp_fake_provider_set_sse_interval (fake, 150);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  params = rp_sidebar_get_params (sidebar);
  g_assert_true (rp_params_set_boolean (params, "stream", TRUE, NULL));
  g_assert_true (rp_params_set_int (params, "partial_images", 2, NULL));

  paint_rect (window, 1700, 560, 200, 140);
  files[0] = write_reference ("fabric.png", 300, 200);
  files[1] = write_reference ("lamp.png", 120, 160);
  rp_reference_strip_add_files (strip, files, 2);
  rp_test_wait_until (strip_idle, strip, 20);
  g_assert_cmpuint (rp_reference_strip_get_n_references (strip), ==, 2);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a green kite");
  rp_window_update_plan (window);
  g_assert_null (rp_window_get_blocker (window));

  previewed = FALSE;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  job = g_list_model_get_item (rp_service_get_jobs (rp_application_get_service (app)), 0);
  g_assert_nonnull (job);
  g_signal_connect (job, "partial-image", G_CALLBACK (on_partial), window);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-job-running.png");
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);
  g_assert_true (previewed);

  /* On the wire: the photo then the references as image[], the mask with alpha. */
  request = rp_fake_provider_get_request (fake, 0);
  g_assert_cmpstr (rp_fake_request_get_field (request, "prompt"), ==, "a green kite");
  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 4);
  g_assert_cmpstr (rp_fake_request_get_image (request, 0)->field, ==, "image[]");
  g_assert_cmpstr (rp_fake_request_get_image (request, 2)->field, ==, "image[]");
  mask = rp_fake_request_get_image (request, 3);
  g_assert_cmpstr (mask->field, ==, "mask");
  g_assert_true (mask->has_alpha);
  g_assert_cmpint (mask->width, ==, rp_fake_request_get_image (request, 0)->width);
  rp_fake_request_unref (request);

  /* The result is shown for review, placed back at full resolution. */
  rp_test_wait_until (review_ready, window, 30);
  g_assert_true (rp_window_get_review_job (window) == job);
  rp_test_assert_untouched_outside (rp_image_get_pixbuf (photo), rp_image_get_pixbuf (rp_window_get_review_image (window)),
                            1700, 560, 200, 140, 10);
  pixel_at (rp_image_get_pixbuf (rp_window_get_review_image (window)), 1800, 630, rgb);
  g_assert_cmpint (rgb[0], ==, 0x20);
  g_assert_cmpint (rgb[1], ==, 0xc0);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-result-review.png");

  /* Compare shows the photo as it was. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  g_assert_true (rp_canvas_get_show_original (rp_window_get_canvas (window)));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-result-compare.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));

  /* Apply: the result is the photo now, as one undoable step. */
  applied = g_object_ref (rp_window_get_review_image (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-result", NULL));
  g_assert_true (rp_document_get_image (document) == applied);
  g_assert_null (rp_window_get_review_job (window));
  /* Its row goes: the person dealt with it. */
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (rp_sidebar_get_job_list (sidebar))));
  g_assert_cmpstr (rp_document_get_undo_label (document), ==, "Apply Result");
  g_assert_true (rp_document_undo (document));
  g_assert_true (rp_document_get_image (document) == photo);
  g_assert_true (rp_document_redo (document));
  g_assert_true (rp_document_get_image (document) == applied);
  /* It is still the photo that was opened, edited: its name stays, in the title and in
   * the names offered for saving. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "kite.jpg — Repaint");
  {
    g_autofree char *name = rp_test_suggested_file_name (GTK_WINDOW (window), "win.export-mask");

    g_assert_cmpstr (name, ==, "kite-mask.png");
  }

  /* A second edit starts from the first one's result. */
  rp_fake_provider_clear_requests (fake);
  rp_fake_provider_set_result_color (fake, 0xe02020ff);
  rp_document_begin_mask_edit (document);
  rp_mask_clear (rp_document_get_mask (document));
  rp_document_end_mask_edit (document, "Clear");
  paint_rect (window, 400, 1100, 160, 120);
  rp_reference_strip_clear (strip);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a red balloon");
  g_clear_object (&job);
  job = rp_window_generate (window);
  g_assert_nonnull (job);
  g_object_ref (job);
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);
  rp_test_wait_until (review_ready, window, 30);
  rp_test_assert_untouched_outside (rp_image_get_pixbuf (applied), rp_image_get_pixbuf (rp_window_get_review_image (window)),
                            400, 1100, 160, 120, 10);
  /* The first edit is still there in the second result. */
  pixel_at (rp_image_get_pixbuf (rp_window_get_review_image (window)), 1800, 630, rgb);
  g_assert_cmpint (rgb[1], ==, 0xc0);
  pixel_at (rp_image_get_pixbuf (rp_window_get_review_image (window)), 480, 1160, rgb);
  g_assert_cmpint (rgb[0], ==, 0xe0);
  {
    g_autofree char *name = rp_test_suggested_file_name (GTK_WINDOW (window), "win.save-result");

    g_assert_cmpstr (name, ==, "kite (edited).png");
  }
  /* The history knows the second edit was made on kite.jpg too. */
  {
    JsonObject *source = json_object_get_object_member (rp_history_entry_get_metadata (rp_job_get_entry (job)), "source");

    g_assert_cmpstr (json_object_get_string_member (source, "name"), ==, "kite.jpg");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-result", NULL));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "kite.jpg — Repaint");
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-chained.png");

  g_object_unref (job);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_object_unref (files[i]);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A refusal by the service's moderation: its message, what to do, and nothing lost. */
static void
test_moderation_keeps_inputs (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpDocument *document = rp_window_get_document (window);
  g_autoptr(RpMask) before = NULL;
  g_autofree char *prompt = NULL;
  GtkWidget *dialog;
  RpJob *job;

  route_to_fake ();
  rp_fake_provider_reset (fake);
  rp_fake_provider_push (fake, "/images/edits", RP_FAKE_MODERATION);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  paint_rect (window, 1000, 700, 300, 200);
  before = rp_mask_copy (rp_document_get_mask (document));
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "something the service refuses");

  job = g_object_ref (rp_window_generate (window));
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_FAILED);
  rp_test_wait_until (rp_test_message_dialog_shown, NULL, 10);
  dialog = rp_test_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "The Service Refused the Request");
  g_assert_nonnull (rp_job_get_provider_message (job));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), rp_job_get_provider_message (job)));
  g_assert_null (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), TEST_KEY));
  rp_test_wait_frame (dialog);
  rp_test_save_screenshot (dialog, "edit-moderation-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Nothing was lost: same photo, mask, prompt. */
  prompt = rp_prompt_box_get_text (rp_sidebar_get_prompt_box (sidebar));
  g_assert_cmpstr (prompt, ==, "something the service refuses");
  for (int y = 650; y < 950; y += 7)
    for (int x = 950; x < 1350; x += 7)
      g_assert_cmpint (rp_mask_get_pixel (rp_document_get_mask (document), x, y), ==, rp_mask_get_pixel (before, x, y));
  g_assert_null (rp_window_get_review_job (window));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-failed-row.png");

  g_object_unref (job);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
cancel_when_uploading (RpJob      *job,
                       GParamSpec *pspec,
                       RpWindow   *window)
{
  guint number = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (job), "rp-job-number"));

  /* What the row's Cancel button does. */
  if (rp_job_get_state (job) == RP_JOB_STATE_UPLOADING)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-job", "u", number));
}

/* Cancel during the upload: the edit stops, no dialog, the inputs stay. */
static void
test_cancel_upload (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpJob *job;

  route_to_fake ();
  rp_fake_provider_reset (fake);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  paint_rect (window, 1000, 700, 300, 200);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "never mind");
  job = rp_window_generate (window);
  g_assert_nonnull (job);
  g_object_ref (job);
  g_signal_connect (job, "notify::state", G_CALLBACK (cancel_when_uploading), window);
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_CANCELLED);
  g_assert_null (rp_test_find_message_dialog ());
  g_assert_null (rp_window_get_review_job (window));
  g_assert_false (rp_mask_is_empty (rp_document_get_mask (rp_window_get_document (window))));
  g_object_unref (job);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Each built-in dialect, through the window: a result comes back and is placed back. */
static void
test_every_dialect (void)
{
  static const struct { const char *provider; const char *model; } cases[] = {
    { "openai", "gpt-image-1.5" },
    { "openai", "dall-e-2" },
    { "mixrouter", NULL },
    { "quickrouter", NULL },
    { "crazyrouter", NULL },
    { "venice", NULL },
  };
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpDocument *document = rp_window_get_document (window);
  RpImage *photo = rp_document_get_image (document);
  guint i;

  route_to_fake ();
  rp_fake_provider_reset (fake);
  paint_rect (window, 1200, 800, 180, 150);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a small boat");
  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RpJob) job = NULL;
      g_autofree char *name = NULL;

      g_test_message ("%s %s", cases[i].provider, cases[i].model ? cases[i].model : "(default model)");
      g_assert_true (rp_sidebar_select (sidebar, cases[i].provider, cases[i].model));
      rp_window_update_plan (window);
      if (rp_window_get_blocker (window) != NULL)
        g_error ("%s: %s", cases[i].provider, rp_window_get_blocker (window));
      job = g_object_ref (rp_window_generate (window));
      rp_test_wait_until (job_finished, job, 60);
      if (rp_job_get_state (job) != RP_JOB_STATE_DONE)
        g_error ("%s: %s", cases[i].provider, rp_job_get_error (job)->message);
      rp_test_wait_until (review_ready, window, 30);
      rp_test_assert_untouched_outside (rp_image_get_pixbuf (photo), rp_image_get_pixbuf (rp_window_get_review_image (window)),
                                1200, 800, 180, 150, 12);
      name = g_strdup_printf ("edit-dialect-%s%s%s.png", cases[i].provider, cases[i].model ? "-" : "",
                              cases[i].model ? cases[i].model : "");
      rp_test_wait_frame (GTK_WIDGET (window));
      rp_test_save_screenshot (GTK_WIDGET (window), name);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.discard-result", NULL));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Several results: a choice, stepped with the keyboard; each can be saved (PNG as
 * composited, JPEG, WebP), copied, and dragged out as a file. */
static void
test_results_choice_save_copy (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpJob *job;
  GListModel *results;
  g_autoptr(RpJobResult) second = NULL;
  GtkWidget *choice;
  GListModel *controllers;
  GdkContentProvider *provider = NULL;
  GValue value = G_VALUE_INIT;
  GSList *files;
  const char *formats[] = { "png", "jpg", "webp" };

  route_to_fake ();
  rp_fake_provider_reset (fake);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  g_assert_true (rp_params_set_int (rp_sidebar_get_params (sidebar), "n", 2, NULL));
  paint_rect (window, 900, 900, 200, 150);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "two kinds of cloud");
  job = g_object_ref (rp_window_generate (window));
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);
  results = rp_job_get_results (job);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 2);
  rp_test_wait_until (review_ready, window, 30);

  /* Page Down / Page Up step through the results. */
  {
    g_autoptr(RpJobResult) first = g_list_model_get_item (results, 0);

    g_assert_true (g_file_equal (rp_image_get_file (rp_window_get_review_image (window)),
                                 rp_job_result_get_composite (first)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-result", NULL));
    rp_test_wait_until (review_ready, window, 30);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-result", NULL));
    rp_test_wait_until (review_ready, window, 30);
    g_assert_true (g_file_equal (rp_image_get_file (rp_window_get_review_image (window)),
                                 rp_job_result_get_composite (first)));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next-result", NULL));
  rp_test_wait_until (review_ready, window, 30);
  second = g_list_model_get_item (results, 1);
  g_assert_true (g_file_equal (rp_image_get_file (rp_window_get_review_image (window)),
                               rp_job_result_get_composite (second)));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-results-choice.png");

  /* Save As in each format: what is written decodes to the result's pixels and size. */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("saved.%s", formats[i]);
      g_autofree char *path = g_build_filename (root, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GAsyncResult) saved = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) back = NULL;

      rp_window_save_result_async (window, file, NULL, store_result, &saved);
      rp_test_wait_until (result_ready, &saved, 30);
      if (!rp_window_save_result_finish (window, saved, &error))
        g_error ("saving %s: %s", name, error->message);
      back = rp_image_load_file (file, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rp_image_get_width (back), ==, rp_image_get_width (rp_window_get_review_image (window)));
      if (g_str_equal (formats[i], "png"))
        {
          g_autofree char *a = NULL, *b = NULL;
          gsize la, lb;

          /* PNG: the composite itself, byte for byte. */
          g_assert_true (g_file_load_contents (file, NULL, &a, &la, NULL, NULL));
          g_assert_true (g_file_load_contents (rp_job_result_get_composite (second), NULL, &b, &lb, NULL, NULL));
          g_assert_cmpmem (a, la, b, lb);
        }
      else
        g_assert_cmpint (rp_image_get_format (back), ==,
                         g_str_equal (formats[i], "jpg") ? RP_IMAGE_FORMAT_JPEG : RP_IMAGE_FORMAT_WEBP);
    }

  /* Copy puts the result on the clipboard. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-result", NULL));
  g_assert_true (gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (gtk_widget_get_clipboard (GTK_WIDGET (window))),
                                                   GDK_TYPE_TEXTURE));

  /* Dragging a result out offers its file, as a file manager expects. */
  choice = NULL;
  {
    GtkWidget *bar = NULL;
    GtkWidget *w;

    /* The choices sit in the result bar above the canvas. */
    for (w = GTK_WIDGET (rp_window_get_canvas (window)); w != NULL && bar == NULL; w = gtk_widget_get_parent (w))
      if (GTK_IS_OVERLAY (w))
        bar = w;
    g_assert_nonnull (bar);
    for (w = gtk_widget_get_first_child (bar); w != NULL; w = gtk_widget_get_next_sibling (w))
      if (gtk_widget_has_css_class (w, "rp-result-bar"))
        choice = gtk_widget_get_first_child (gtk_widget_get_first_child (w));
  }
  g_assert_nonnull (choice);
  controllers = gtk_widget_observe_controllers (choice);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && provider == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        g_signal_emit_by_name (controller, "prepare", 10.0, 10.0, &provider);
    }
  g_object_unref (controllers);
  g_assert_nonnull (provider);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_assert_true (gdk_content_provider_get_value (provider, &value, NULL));
  files = g_value_get_boxed (&value);
  g_assert_nonnull (files);
  g_assert_true (g_file_query_exists (files->data, NULL));
  g_assert_true (g_str_has_suffix (g_file_peek_path (files->data), ".png"));
  g_value_unset (&value);
  g_object_unref (provider);

  g_object_unref (job);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
notified (gpointer data)
{
  return notifications->len > GPOINTER_TO_UINT (data);
}

static gboolean
window_inactive (gpointer data)
{
  return !gtk_window_is_active (data);
}

/* An edit that ends while the person is in another window is announced on the desktop. */
static void
test_notification (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  GtkWidget *other;
  guint before = notifications->len;
  RpJob *job;

  route_to_fake ();
  rp_fake_provider_reset (fake);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  paint_rect (window, 900, 900, 200, 150);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a lighthouse");
  job = g_object_ref (rp_window_generate (window));

  /* Another window takes the focus. */
  other = gtk_window_new ();
  rp_test_show_window (GTK_WINDOW (other));
  rp_test_wait_until (window_inactive, window, 10);

  rp_test_wait_until (job_finished, job, 60);
  rp_test_wait_until (notified, GUINT_TO_POINTER (before), 10);
  g_assert_cmpstr (g_ptr_array_index (notifications, before), ==, "Edit Finished\na lighthouse");

  /* The offline fill reads no prompt: the notification names the fill, as its row does. */
  g_clear_object (&job);
  before = notifications->len;
  g_assert_true (rp_sidebar_select (sidebar, "local", NULL));
  job = g_object_ref (rp_window_generate (window));
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);
  rp_test_wait_until (notified, GUINT_TO_POINTER (before), 10);
  g_assert_cmpstr (g_ptr_array_index (notifications, before), ==, "Edit Finished\nContent-Aware Fill");

  gtk_window_destroy (GTK_WINDOW (other));
  g_object_unref (job);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
default_found (gpointer data)
{
  return !rp_sidebar_get_finding_default (rp_window_get_sidebar (data));
}

static RpJobRow *
first_job_row (RpWindow *window)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (rp_sidebar_get_job_list (rp_window_get_sidebar (window))));

  return RP_IS_JOB_ROW (child) ? RP_JOB_ROW (child) : NULL;
}

static char *filling_status;

static void
on_fill_progress (RpJob      *job,
                  GParamSpec *pspec,
                  RpWindow   *window)
{
  RpJobRow *row = first_job_row (window);

  /* The row as the person sees it while the fill computes. */
  if (filling_status == NULL && row != NULL && rp_job_get_progress (job) >= 0.25 && rp_job_get_progress (job) < 1)
    {
      filling_status = g_strdup (rp_job_row_get_status (row));
      rp_test_wait_frame (GTK_WIDGET (window));
      rp_test_save_screenshot (GTK_WIDGET (window), "edit-local-filling.png");
    }
}

/* With no key anywhere the window starts with the offline fill: no key row but a note, the
 * prompt marked unused; the kite painted over is filled from the sky around it on this
 * computer, placed back with everything else untouched, applied, and kept in the history. */
static void
test_local_fill (void)
{
  RpWindow *window;
  RpSidebar *sidebar;
  RpDocument *document;
  RpPromptBox *prompt;
  g_autoptr(RpImage) photo = NULL;
  g_autoptr(RpImage) applied = NULL;
  g_autoptr(RpJob) job = NULL;
  g_autofree char *saved_provider = NULL;
  RpHistoryEntry *entry;
  RpPlacement *placement;
  guint before, after;

  g_settings_reset (rp_application_get_settings (app), "provider");
  window = open_photo ();
  sidebar = rp_window_get_sidebar (window);
  document = rp_window_get_document (window);
  prompt = rp_sidebar_get_prompt_box (sidebar);
  photo = g_object_ref (rp_document_get_image (document));
  rp_test_wait_until (default_found, window, 30);
  g_assert_cmpstr (rp_provider_get_id (rp_sidebar_get_provider (sidebar)), ==, "local");
  g_assert_cmpstr (rp_params_get_model_id (rp_sidebar_get_params (sidebar)), ==, "patchmatch");
  /* An automatic choice is not saved: a key set up later takes over next time. */
  saved_provider = g_settings_get_string (rp_application_get_settings (app), "provider");
  g_assert_cmpstr (saved_provider, ==, "");
  g_assert_true (gtk_widget_get_visible (rp_sidebar_get_row (sidebar, "local-note")));
  g_assert_false (gtk_widget_get_visible (rp_sidebar_get_row (sidebar, "key")));
  g_assert_false (rp_prompt_box_get_used (prompt));
  g_assert_false (rp_reference_strip_get_can_add (rp_sidebar_get_reference_strip (sidebar)));
  /* Its one option, the seed, waits under More Options, empty: each fill draws its own. */
  {
    GtkWidget *seed = rp_sidebar_get_row (sidebar, "seed");
    GtkWidget *more = gtk_widget_get_ancestor (seed, ADW_TYPE_EXPANDER_ROW);
    GtkWidget *spin = find_descendant (seed, GTK_TYPE_SPIN_BUTTON);
    GtkWidget *scroller = find_descendant (GTK_WIDGET (sidebar), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    g_assert_nonnull (more);
    g_assert_nonnull (spin);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin)), ==, "");

    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (more), TRUE);
    rp_test_wait_frame (GTK_WIDGET (window));
    rp_test_wait_frame (GTK_WIDGET (window));
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    rp_test_wait_frame (GTK_WIDGET (window));
    rp_test_save_screenshot (GTK_WIDGET (sidebar), "edit-local-sidebar.png");
    /* A click on + sets it, and the fill below uses it. */
    gtk_spin_button_spin (GTK_SPIN_BUTTON (spin), GTK_SPIN_STEP_FORWARD, 1);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin)), ==, "1");
    g_assert_nonnull (rp_params_get_explicit_value (rp_sidebar_get_params (sidebar), "seed"));
    g_assert_cmpint (g_variant_get_int64 (rp_params_get_explicit_value (rp_sidebar_get_params (sidebar), "seed")), ==, 1);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (more), FALSE);
    gtk_adjustment_set_value (adjustment, 0);
  }

  /* Nothing painted: Generate says so. */
  rp_window_update_plan (window);
  g_assert_nonnull (rp_window_get_blocker (window));
  g_assert_nonnull (strstr (rp_window_get_blocker (window), "mask"));

  /* What is typed stays in the box, but the fill does not get it. */
  rp_prompt_box_set_text (prompt, "remove the kite");
  paint_rect (window, 1650, 450, 350, 300);
  rp_window_update_plan (window);
  g_assert_null (rp_window_get_blocker (window));
  placement = rp_canvas_get_placement (rp_window_get_canvas (window));
  g_assert_true (rp_placement_get_is_cropped (placement));
  g_assert_cmpfloat (rp_placement_get_scale (placement), ==, 1.0);

  g_clear_pointer (&filling_status, g_free);
  job = g_object_ref (rp_window_generate (window));
  g_assert_nonnull (job);
  g_assert_cmpstr (rp_job_get_provider_id (job), ==, "local");
  g_assert_cmpstr (rp_job_get_prompt (job), ==, "");
  g_signal_connect (job, "notify::progress", G_CALLBACK (on_fill_progress), window);
  rp_test_wait_until (job_finished, job, 60);
  if (rp_job_get_state (job) != RP_JOB_STATE_DONE)
    g_error ("%s", rp_job_get_error (job)->message);
  g_test_message ("while filling: %s", filling_status);
  g_assert_nonnull (filling_status);
  g_assert_true (g_str_has_prefix (filling_status, "Filling… "));
  g_assert_true (g_str_has_suffix (filling_status, " %"));

  /* Placed back for review: the kite is gone, nothing outside the mask changed. */
  rp_test_wait_until (review_ready, window, 30);
  g_assert_true (rp_window_get_review_job (window) == job);
  rp_test_assert_untouched_outside (rp_image_get_pixbuf (photo), rp_image_get_pixbuf (rp_window_get_review_image (window)),
                            1650, 450, 350, 300, 10);
  before = rp_test_sample_count_not_sky (rp_image_get_pixbuf (photo), 1650, 450, 350, 300);
  after = rp_test_sample_count_not_sky (rp_image_get_pixbuf (rp_window_get_review_image (window)), 1650, 450, 350, 300);
  g_test_message ("pixels not sky: %u before, %u after", before, after);
  g_assert_cmpuint (before, >, 5000);
  g_assert_cmpuint (after, <, before / 100);
  {
    g_autoptr(RpJobResult) result = g_list_model_get_item (rp_job_get_results (job), 0);

    g_assert_cmpint (json_object_get_int_member (rp_job_result_get_metadata (result), "seed"), ==, 1);
  }
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-local-result.png");

  /* Apply, as with any provider. */
  applied = g_object_ref (rp_window_get_review_image (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-result", NULL));
  g_assert_true (rp_document_get_image (document) == applied);
  g_assert_cmpstr (rp_document_get_undo_label (document), ==, "Apply Result");
  {
    g_autofree char *kept = rp_prompt_box_get_text (prompt);

    g_assert_cmpstr (kept, ==, "remove the kite");
  }

  /* In the history, done, with the provider and no prompt. */
  entry = rp_job_get_entry (job);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_DONE);
  g_assert_cmpstr (rp_history_entry_get_provider (entry), ==, "local");
  g_assert_cmpstr (rp_history_entry_get_prompt (entry), ==, "");
  g_assert_true (rp_history_lookup (rp_application_get_history (app), rp_history_entry_get_id (entry)) == entry);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-local-applied.png");

  /* Choosing a provider that reads the prompt brings the prompt back into use. */
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  g_assert_true (rp_prompt_box_get_used (prompt));
  g_assert_true (gtk_widget_get_visible (rp_sidebar_get_row (sidebar, "key")));
  g_assert_false (gtk_widget_get_visible (rp_sidebar_get_row (sidebar, "local-note")));
  g_settings_reset (rp_application_get_settings (app), "provider");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With a key in a provider's environment variable, that provider is the default. */
static void
test_default_with_key (void)
{
  RpWindow *window;

  g_settings_reset (rp_application_get_settings (app), "provider");
  g_setenv ("QUICKROUTER_API_KEY", TEST_KEY, TRUE);
  window = open_photo ();
  rp_test_wait_until (default_found, window, 30);
  g_assert_cmpstr (rp_provider_get_id (rp_sidebar_get_provider (rp_window_get_sidebar (window))), ==, "quickrouter");
  g_unsetenv ("QUICKROUTER_API_KEY");
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (rp_application_get_settings (app), "provider");
}

static gboolean
history_has (gpointer data)
{
  RpHistory *history = rp_application_get_history (app);
  guint wanted = GPOINTER_TO_UINT (data);
  guint done = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (history)); i++)
    {
      g_autoptr(RpHistoryEntry) entry = g_list_model_get_item (G_LIST_MODEL (history), i);

      if (rp_history_entry_get_status (entry) == RP_HISTORY_STATUS_DONE)
        done++;
    }
  return done >= wanted;
}

static gboolean
document_is_not (gpointer data)
{
  RpWindow *window = ((gpointer *) data)[0];

  return rp_window_get_document (window) != NULL && rp_window_get_document (window) != ((gpointer *) data)[1] &&
         !rp_canvas_get_busy (rp_window_get_canvas (window));
}

/* From the history: continue editing a result with that edit's mask, prompt and references
 * back; run an edit again for new variations. */
static void
test_from_history (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpReferenceStrip *strip = rp_sidebar_get_reference_strip (sidebar);
  RpHistory *history = rp_application_get_history (app);
  g_autoptr(RpMask) painted = NULL;
  g_autoptr(RpHistoryEntry) entry = NULL;
  g_autoptr(GFile) reference = write_reference ("shell.png", 90, 60);
  g_autoptr(GFile) composite = NULL;
  g_autofree char *prompt = NULL;
  gpointer pair[2];
  guint done_before;
  RpJob *job;
  RpDocument *document;

  route_to_fake ();
  rp_fake_provider_reset (fake);
  rp_fake_provider_clear_requests (fake);
  rp_fake_provider_set_result_color (fake, 0x3070f0ff);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  paint_rect (window, 600, 400, 220, 160);
  painted = rp_mask_copy (rp_document_get_mask (rp_window_get_document (window)));
  rp_reference_strip_add_files (strip, &reference, 1);
  rp_test_wait_until (strip_idle, strip, 20);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a blue sail");
  job = g_object_ref (rp_window_generate (window));
  rp_test_wait_until (job_finished, job, 60);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);
  entry = g_object_ref (rp_job_get_entry (job));
  g_assert_true (rp_history_entry_has_source (entry));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.discard-result", NULL));

  /* Another photo, another prompt, no references: then continue from that result. */
  rp_reference_strip_clear (strip);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "something else");
  pair[0] = window;
  pair[1] = rp_window_get_document (window);
  rp_window_continue_from_entry (window, entry, 0);
  rp_test_wait_until (document_is_not, pair, 30);
  document = rp_window_get_document (window);
  composite = rp_history_entry_get_composite (entry, 0);
  g_assert_true (g_file_equal (rp_image_get_file (rp_document_get_image (document)), composite));
  /* It is kite.jpg, edited: the title says so, not the result's file name. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "kite.jpg — Repaint");
  for (int y = 380; y < 580; y += 5)
    for (int x = 580; x < 840; x += 5)
      g_assert_cmpint (rp_mask_get_pixel (rp_document_get_mask (document), x, y), ==, rp_mask_get_pixel (painted, x, y));
  g_assert_cmpuint (rp_reference_strip_get_n_references (strip), ==, 1);
  prompt = rp_prompt_box_get_text (rp_sidebar_get_prompt_box (sidebar));
  g_assert_cmpstr (prompt, ==, "a blue sail");
  /* Undo takes back the restored mask, not the result. */
  g_assert_cmpstr (rp_document_get_undo_label (document), ==, "Restore the Mask");
  g_assert_true (rp_document_undo (document));
  g_assert_true (rp_mask_is_empty (rp_document_get_mask (document)));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "edit-continued.png");

  /* Run Again sends the same edit for new results: a new entry, from the original photo. */
  done_before = 0;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (history)); i++)
    {
      g_autoptr(RpHistoryEntry) e = g_list_model_get_item (G_LIST_MODEL (history), i);

      done_before += rp_history_entry_get_status (e) == RP_HISTORY_STATUS_DONE;
    }
  rp_fake_provider_clear_requests (fake);
  rp_window_run_entry (window, entry, TRUE);
  rp_test_wait_until (history_has, GUINT_TO_POINTER (done_before + 1), 60);
  {
    g_autoptr(RpFakeRequest) request = rp_fake_provider_get_request (fake, 0);

    g_assert_cmpstr (rp_fake_request_get_field (request, "prompt"), ==, "a blue sail");
    /* The photo, the reference, the mask: as the first time. */
    g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 3);
  }

  g_object_unref (job);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_window_destroyed (GtkWidget *widget,
                     gboolean  *destroyed)
{
  *destroyed = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Closing the window while an edit is on its way asks first; Keep Working keeps both, Stop
 * and Close cancels the edit and closes. */
static void
test_close_while_running (void)
{
  RpWindow *window = open_photo ();
  RpSidebar *sidebar = rp_window_get_sidebar (window);
  RpFakeFault slow = { RP_FAKE_DELAY, 0, 20000, 0, 0, NULL };
  gboolean destroyed = FALSE;
  GtkWidget *dialog;
  RpJob *job;

  route_to_fake ();
  rp_fake_provider_reset (fake);
  rp_fake_provider_push_fault (fake, "/images/edits", &slow);
  g_assert_true (rp_sidebar_select (sidebar, "openai", "gpt-image-1.5"));
  paint_rect (window, 900, 900, 200, 150);
  rp_prompt_box_set_text (rp_sidebar_get_prompt_box (sidebar), "a slow one");
  job = g_object_ref (rp_window_generate (window));
  g_signal_connect (window, "destroy", G_CALLBACK (on_window_destroyed), &destroyed);

  gtk_window_close (GTK_WINDOW (window));
  rp_test_wait_until (rp_test_message_dialog_shown, NULL, 10);
  dialog = rp_test_find_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Stop the Running Edit?");
  rp_test_wait_frame (dialog);
  rp_test_save_screenshot (dialog, "edit-close-while-running.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_false (destroyed);
  g_assert_false (rp_job_is_finished (job));

  gtk_window_close (GTK_WINDOW (window));
  rp_test_wait_until (rp_test_message_dialog_shown, NULL, 10);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (rp_test_find_message_dialog ()), "stop");
  rp_test_wait_until (flag_set, &destroyed, 10);
  rp_test_wait_until (job_finished, job, 30);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_CANCELLED);
  g_object_unref (job);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  root = rp_test_tmpdir ();
  rp_test_use_private_dirs (root);
  /* No key anywhere: the window starts with the offline fill. */
  for (const char * const *env = (const char * const[]) {
         "OPENAI_API_KEY", "MIXROUTER_API_KEY", "QUICKROUTER_API_KEY", "CRAZYROUTER_API_KEY",
         "VENICE_API_KEY", NULL };
       *env != NULL; env++)
    g_unsetenv (*env);

  {
    g_autofree char *providers = g_build_filename (g_get_user_config_dir (), "repaint", "providers", NULL);
    g_autofree char *mixrouter = g_build_filename (providers, "mixrouter.json", NULL);

    /* mixrouter's task is polled every 0.1 s here, not every few seconds. */
    g_mkdir_with_parents (providers, 0700);
    g_assert_true (g_file_set_contents (mixrouter,
                                        "{\"id\":\"mixrouter\",\"extends\":\"mixrouter\",\"operations\":{\"edit\":"
                                        "{\"responses\":{\"async\":{\"poll\":{\"interval_s\":0.1,\"timeout_s\":30}}}}}}",
                                        -1, NULL));
  }

  gtk_test_init (&argc, &argv, NULL);
  serve_notifications ();
  fake = rp_fake_provider_new ();
  app = rp_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/repaint/edit/references", test_references);
  g_test_add_func ("/repaint/edit/prompt", test_prompt);
  g_test_add_func ("/repaint/edit/crop-box", test_crop_box);
  g_test_add_func ("/repaint/edit/generate-apply-chain", test_generate_apply_chain);
  g_test_add_func ("/repaint/edit/moderation-keeps-inputs", test_moderation_keeps_inputs);
  g_test_add_func ("/repaint/edit/cancel-upload", test_cancel_upload);
  g_test_add_func ("/repaint/edit/close-while-running", test_close_while_running);
  g_test_add_func ("/repaint/edit/results-choice-save-copy", test_results_choice_save_copy);
  g_test_add_func ("/repaint/edit/notification", test_notification);
  g_test_add_func ("/repaint/edit/from-history", test_from_history);
  g_test_add_func ("/repaint/edit/every-dialect", test_every_dialect);
  g_test_add_func ("/repaint/edit/local-fill", test_local_fill);
  g_test_add_func ("/repaint/edit/default-with-key", test_default_with_key);

  status = g_test_run ();
  g_clear_object (&fake);
  g_clear_pointer (&notifications, g_ptr_array_unref);
  rp_test_tmpdir_remove (root);
  return status;
}
