/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opens the history page of the real window on a history of 2,000 edits and reports the
 * time until its first frame with entries listed (the newest come first, in a small
 * batch), until all 2,000 are listed, until every visible thumbnail is shown, and the
 * peak memory. Prints "key value" lines. Run under tools/headless-run. */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>

#include "rp-application.h"
#include "rp-gallery.h"
#include "rp-window.h"

#define N_ENTRIES 2000
/* The cards a 1280×800 window shows: five columns of three rows and part of a fourth. */
#define N_IN_VIEW 20

static gsize
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static gsize
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

/* Entries as the service leaves them: a 2048×1536 input, a result, its composite and
 * thumbnail. Written with the same API; not timed. */
static void
populate (GFile *dir)
{
  g_autoptr(RpHistory) history = rp_history_new (dir);
  g_autoptr(GdkPixbuf) photo = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 2048, 1536);
  g_autoptr(GdkPixbuf) thumb_src = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 256, 192);
  g_autofree char *photo_png = NULL;
  gsize photo_len;
  int i;

  gdk_pixbuf_fill (photo, 0x336699ff);
  gdk_pixbuf_save_to_buffer (photo, &photo_png, &photo_len, "png", NULL, "compression", "1", NULL);
  for (i = 0; i < N_ENTRIES; i++)
    {
      g_autoptr(RpHistoryDraft) draft = rp_history_draft_new (history, NULL);
      g_autoptr(JsonObject) meta = json_object_new ();
      g_autoptr(GFile) input = NULL;
      g_autoptr(GFile) part = NULL;
      g_autoptr(GFile) raw = NULL;
      g_autoptr(RpHistoryEntry) entry = NULL;
      g_autoptr(GOutputStream) out = rp_history_draft_create_input (draft, RP_HISTORY_ROLE_IMAGE, "png", &input, NULL);
      g_autoptr(GOutputStream) result = NULL;
      g_autofree char *prompt = g_strdup_printf ("edit number %d: replace the sky", i);
      g_autoptr(GFile) thumb = NULL;

      g_output_stream_write_all (out, photo_png, photo_len, NULL, NULL, NULL);
      g_output_stream_close (out, NULL, NULL);
      rp_history_draft_add_input (draft, RP_HISTORY_ROLE_IMAGE, input, "image/png", 2048, 1536, NULL);
      json_object_set_string_member (meta, "prompt", prompt);
      json_object_set_string_member (meta, "provider", i % 3 ? "openai" : "venice");
      json_object_set_string_member (meta, "model", "gpt-image-1.5");
      entry = rp_history_draft_commit (draft, meta, NULL);
      result = rp_history_entry_create_part (entry, "raw", &part, NULL);
      g_output_stream_write_all (result, photo_png, photo_len, NULL, NULL, NULL);
      g_output_stream_close (result, NULL, NULL);
      raw = rp_history_entry_commit_output (entry, part, NULL);
      /* The composite is the same full-size picture; the gallery must never read it. */
      g_file_copy (raw, g_file_get_child (rp_history_entry_get_dir (entry), "result-0.png"), 0, NULL, NULL, NULL, NULL);
      gdk_pixbuf_fill (thumb_src, 0x20202000 | ((i * 37) & 0xff) << 24 | 0xff);
      thumb = g_file_get_child (rp_history_entry_get_dir (entry), "thumb-0.png");
      {
        g_autofree char *buf = NULL;
        gsize len;

        gdk_pixbuf_save_to_buffer (thumb_src, &buf, &len, "png", NULL, NULL);
        g_file_replace_contents (thumb, buf, len, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, NULL);
      }
      {
        JsonObject *m = rp_history_entry_get_metadata (entry);
        JsonObject *o = json_node_get_object (json_array_get_element (json_object_get_array_member (m, "outputs"), 0));

        json_object_set_string_member (o, "composite", "result-0.png");
        json_object_set_string_member (o, "thumbnail", "thumb-0.png");
      }
      rp_history_entry_finish (entry, RP_HISTORY_STATUS_DONE, NULL, NULL);
    }
}

static gboolean loaded;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  loaded = rp_history_load_finish (RP_HISTORY (source), result, NULL);
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* bench-gallery --populate DATA_DIR   writes the history (not measured)
 * bench-gallery DATA_DIR              measures the gallery on it, in a fresh process */
int
main (int   argc,
      char *argv[])
{
  g_autofree char *data = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(RpApplication) app = NULL;
  RpWindow *window;
  RpGallery *gallery;
  RpHistory *history;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gint64 start, first_frame, all_listed, in_view = 0, thumbs_done;
  gsize idle_kb;
  guint visible_thumbs;

  if (argc == 3 && g_str_equal (argv[1], "--populate"))
    {
      g_autoptr(GFile) target = g_file_new_build_filename (argv[2], "repaint", "history", NULL);

      populate (target);
      return 0;
    }
  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-gallery [--populate] DATA_DIR\n");
      return 2;
    }
  data = g_strdup (argv[1]);
  dir = g_file_new_build_filename (data, "repaint", "history", NULL);
  {
    /* The application starts on an empty history; the 2,000 edits are loaded when measured. */
    g_autofree char *empty = g_dir_make_tmp ("repaint-bench-empty-XXXXXX", NULL);

    g_setenv ("XDG_DATA_HOME", empty, TRUE);
  }
  gtk_init ();
  app = rp_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = rp_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.page", "s", "history");
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  history = rp_application_get_history (app);
  /* Wait out the load started at start-up, then measure a load of our own. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_usleep (200000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  idle_kb = rss_kb ();

  gallery = rp_window_get_gallery (window);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);

  {
    g_autoptr(RpHistory) fresh = rp_history_new (dir);

    rp_gallery_set_history (gallery, fresh);
    start = g_get_monotonic_time ();
    rp_history_load_async (fresh, NULL, on_loaded, NULL);
    while (g_list_model_get_n_items (G_LIST_MODEL (fresh)) == 0)
      g_main_context_iteration (NULL, TRUE);
    painted = FALSE;
    gtk_widget_queue_draw (GTK_WIDGET (window));
    while (!painted)
      g_main_context_iteration (NULL, TRUE);
    first_frame = g_get_monotonic_time ();
    while (!loaded)
      {
        g_main_context_iteration (NULL, TRUE);
        if (in_view == 0 && rp_thumbnail_cache_get_n_decoded (rp_gallery_get_thumbnails (gallery)) >= N_IN_VIEW)
          in_view = g_get_monotonic_time ();
      }
    all_listed = g_get_monotonic_time ();

    /* Every thumbnail in view, decoded in worker threads. */
    visible_thumbs = 0;
    while (TRUE)
      {
        guint n = rp_thumbnail_cache_get_n_decoded (rp_gallery_get_thumbnails (gallery));

        if (in_view == 0 && n >= N_IN_VIEW)
          in_view = g_get_monotonic_time ();

        if (n > 0 && n == visible_thumbs)
          break;
        visible_thumbs = n;
        g_main_context_iteration (NULL, TRUE);
        g_usleep (20000);
        while (g_main_context_iteration (NULL, FALSE))
          ;
      }
    thumbs_done = g_get_monotonic_time ();

    printf ("gallery_entries %u\n", g_list_model_get_n_items (G_LIST_MODEL (fresh)));
    printf ("gallery_first_frame_s %.3f\n", (first_frame - start) / 1e6);
    printf ("gallery_all_listed_s %.3f\n", (all_listed - start) / 1e6);
    printf ("gallery_in_view_s %.3f\n", (in_view - start) / 1e6);
    printf ("gallery_thumbnails_s %.3f\n", (thumbs_done - start) / 1e6);
    printf ("gallery_thumbnails_decoded %u\n", visible_thumbs);
    printf ("gallery_peak_rss_mb %.1f\n", peak_rss_kb () / 1024.0);
    printf ("gallery_idle_rss_mb %.1f\n", idle_kb / 1024.0);
    printf ("gallery_growth_mb %.1f\n", (peak_rss_kb () - (double) idle_kb) / 1024.0);
    rp_gallery_set_history (gallery, history);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
