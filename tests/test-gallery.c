/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "rp-application.h"
#include "rp-entry-window.h"
#include "rp-gallery.h"
#include "rp-test-gui.h"
#include "rp-test-util.h"
#include "rp-window.h"

static RpApplication *app;
static char *data_home;

static GBytes *
encode_png (GdkPixbuf *pixbuf)
{
  char *buffer;
  gsize len;

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", NULL, NULL));
  return g_bytes_new_take (buffer, len);
}

/* Writes @bytes to @stream, closes it and drops it. */
static void
write_stream (GOutputStream *stream,
              GBytes        *bytes)
{
  g_autoptr(GOutputStream) out = stream;

  g_assert_true (g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                            NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
}

/* A finished edit made the way the service makes them: inputs, results, composites. */
static RpHistoryEntry *
make_entry_with_model (RpHistory       *history,
                       const char      *prompt,
                       const char      *provider,
                       const char      *model,
                       RpHistoryStatus  status,
                       guint32          result_rgba,
                       guint            n_results)
{
  g_autoptr(GdkPixbuf) original = rp_test_pattern_pixbuf (320, 200, FALSE);
  g_autoptr(GBytes) original_png = encode_png (original);
  g_autoptr(RpHistoryDraft) draft = rp_history_draft_new (history, NULL);
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(GFile) input = NULL;
  g_autoptr(GError) error = NULL;
  RpHistoryEntry *entry;
  guint i;

  write_stream (rp_history_draft_create_input (draft, RP_HISTORY_ROLE_IMAGE, "png", &input, &error), original_png);
  g_assert_true (rp_history_draft_add_input (draft, RP_HISTORY_ROLE_IMAGE, input, "image/png", 320, 200, &error));
  g_assert_true (rp_history_draft_set_thumbnail (draft, original, &error));
  json_object_set_string_member (meta, "prompt", prompt);
  json_object_set_string_member (meta, "provider", provider);
  json_object_set_string_member (meta, "model", model);
  json_object_set_string_member (params, "quality", "high");
  json_object_set_int_member (params, "n", n_results);
  json_object_set_object_member (meta, "params", g_steal_pointer (&params));
  entry = rp_history_draft_commit (draft, meta, &error);
  g_assert_no_error (error);

  for (i = 0; status == RP_HISTORY_STATUS_DONE && i < n_results; i++)
    {
      g_autoptr(GdkPixbuf) result = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 200);
      g_autoptr(GBytes) result_png = NULL;
      g_autoptr(GFile) part = NULL;
      g_autoptr(GFile) raw = NULL;

      gdk_pixbuf_fill (result, result_rgba + (i << 24));
      result_png = encode_png (result);
      write_stream (rp_history_entry_create_part (entry, "raw", &part, &error), result_png);
      raw = rp_history_entry_commit_output (entry, part, &error);
      g_assert_no_error (error);
      g_assert_true (rp_history_entry_save_composite (entry, i, result, NULL, &error));
    }
  if (status != RP_HISTORY_STATUS_PENDING)
    {
      g_autoptr(JsonObject) details = NULL;

      if (status == RP_HISTORY_STATUS_FAILED)
        {
          details = json_object_new ();
          json_object_set_string_member (details, "message", "Your request was rejected by the safety system.");
        }
      g_assert_true (rp_history_entry_finish (entry, status, details, &error));
    }
  return entry;
}

static RpHistoryEntry *
make_entry (RpHistory       *history,
            const char      *prompt,
            const char      *provider,
            RpHistoryStatus  status,
            guint32          result_rgba,
            guint            n_results)
{
  return make_entry_with_model (history, prompt, provider, "gpt-image-1.5", status, result_rgba, n_results);
}

static gboolean
history_has (gpointer data)
{
  RpHistory *history = rp_application_get_history (app);

  return g_list_model_get_n_items (G_LIST_MODEL (history)) == GPOINTER_TO_UINT (data);
}

/* Reads the history the entries were written to and shows it in a new window. */
static RpWindow *
show_history (guint n_entries)
{
  RpWindow *window;

  g_assert_true (rp_history_load (rp_application_get_history (app), NULL, NULL));
  rp_test_wait_until (history_has, GUINT_TO_POINTER (n_entries), 10);
  window = rp_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  rp_test_show_window (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page", "s", "history"));
  return window;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (w))
        return GTK_WINDOW (w);
    }
  return NULL;
}

static gboolean
entry_window_ready (gpointer data)
{
  GtkWindow *w = find_toplevel (RP_TYPE_ENTRY_WINDOW);

  return w != NULL && !rp_entry_window_get_loading (RP_ENTRY_WINDOW (w));
}

static gboolean
document_ready (gpointer data)
{
  return rp_window_get_document (data) != NULL && !rp_window_get_loading (data);
}

static void
test_gallery (void)
{
  RpHistory *history = rp_application_get_history (app);
  g_autoptr(RpHistory) writer = NULL;
  g_autoptr(RpHistoryEntry) kite = NULL;
  g_autoptr(RpHistoryEntry) boat = NULL;
  g_autoptr(RpHistoryEntry) sky = NULL;
  g_autoptr(RpHistoryEntry) failed = NULL;
  GListModel *visible;
  RpWindow *window;
  RpGallery *gallery;
  RpEntryWindow *entry_window;
  g_autoptr(GFile) shown = NULL;
  g_autoptr(GFile) original = NULL;
  GtkWidget *dialog;
  RpDocument *doc;

  /* Entries written by "another process" (a second history object on the same folder). */
  writer = rp_history_new (rp_history_get_dir (history));
  kite = make_entry (writer, "a red kite over the sea", "openai", RP_HISTORY_STATUS_DONE, 0xd62a2aff, 2);
  g_usleep (2000);
  boat = make_entry (writer, "remove the boat", "crazyrouter", RP_HISTORY_STATUS_DONE, 0x2a8ad6ff, 1);
  g_usleep (2000);
  failed = make_entry (writer, "replace the sky with a storm", "venice", RP_HISTORY_STATUS_FAILED, 0, 0);
  g_usleep (2000);
  sky = make_entry (writer, "make the sky golden", "openai", RP_HISTORY_STATUS_DONE, 0xe8b32aff, 1);

  window = show_history (4);
  gallery = rp_window_get_gallery (window);
  visible = rp_gallery_get_visible (gallery);
  g_test_message ("history items %u, filtered %u, underlying %p", g_list_model_get_n_items (G_LIST_MODEL (history)), g_list_model_get_n_items (visible), (void *) gtk_filter_list_model_get_model (GTK_FILTER_LIST_MODEL (visible)));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 4);
  {
    g_autoptr(RpHistoryEntry) first = g_list_model_get_item (visible, 0);

    g_assert_cmpstr (rp_history_entry_get_prompt (first), ==, "make the sky golden");   /* newest first */
  }
  /* Let the thumbnails arrive from their worker threads before the screenshot. */
  while (rp_thumbnail_cache_get_n_decoded (rp_gallery_get_thumbnails (gallery)) < 4)
    g_main_context_iteration (NULL, TRUE);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "gallery.png");

  /* Search by prompt text, and filters. */
  rp_gallery_set_search (gallery, "KITE");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "gallery-search.png");
  rp_gallery_set_search (gallery, "");
  rp_gallery_set_filter (gallery, "openai", -1);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 2);
  rp_gallery_set_filter (gallery, NULL, RP_HISTORY_STATUS_FAILED);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  rp_gallery_set_filter (gallery, NULL, -1);

  /* Open an entry: its results, with press-and-hold comparison to the original. */
  entry_window = RP_ENTRY_WINDOW (rp_window_show_entry (window, rp_history_lookup (history, rp_history_entry_get_id (kite))));
  rp_test_wait_until (entry_window_ready, NULL, 10);
  rp_test_wait_frame (GTK_WIDGET (entry_window));
  rp_test_save_screenshot (GTK_WIDGET (entry_window), "entry-window.png");
  shown = rp_entry_window_get_shown_file (entry_window);
  g_assert_true (g_str_has_suffix (g_file_peek_path (shown), "result-0.png"));
  rp_entry_window_set_result (entry_window, 1);
  g_clear_object (&shown);
  shown = rp_entry_window_get_shown_file (entry_window);
  g_assert_true (g_str_has_suffix (g_file_peek_path (shown), "result-1.png"));
  rp_entry_window_set_comparing (entry_window, TRUE);
  original = rp_entry_window_get_shown_file (entry_window);
  g_assert_true (g_str_has_suffix (g_file_peek_path (original), "input-0-image.png"));
  rp_entry_window_set_comparing (entry_window, FALSE);

  /* Continue editing from result 2: it becomes the photo in the editor. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (entry_window), "entry.continue", NULL));
  rp_test_wait_until (document_ready, window, 10);
  doc = rp_window_get_document (window);
  g_assert_cmpstr (rp_image_get_display_name (rp_document_get_image (doc)), ==, "result-1.png");

  /* Delete with Undo, then delete for good. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.page", "s", "history"));
  {
    RpHistoryEntry *listed = rp_history_lookup (history, rp_history_entry_get_id (boat));
    g_autoptr(GFile) dir = g_object_ref (rp_history_entry_get_dir (listed));

    g_signal_emit_by_name (gallery, "delete-requested", listed);
    g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 3);
    g_assert_false (g_file_query_exists (dir, NULL));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete", "s",
                                               rp_history_entry_get_id (boat)));
    g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 4);
    g_assert_true (g_file_query_exists (dir, NULL));
  }

  /* Clear History asks first; confirming removes every finished edit and its files. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-history", NULL));
  dialog = GTK_WIDGET (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  rp_test_wait_frame (dialog);
  rp_test_save_screenshot (dialog, "gallery-clear-dialog.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "clear");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);
  g_assert_false (g_file_query_exists (rp_history_entry_get_dir (kite), NULL));
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "gallery-empty.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkDropDown *
find_provider_filter (GtkWidget *widget)
{
  GtkWidget *child;

  if (GTK_IS_DROP_DOWN (widget))
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      if (GTK_IS_STRING_LIST (model) &&
          g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), "All Providers") == 0)
        return GTK_DROP_DOWN (widget);
    }
  for (child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkDropDown *found = find_provider_filter (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
string_position (GListModel *list,
                 const char *text)
{
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (list), i), text) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static GtkWindow *
open_entry (RpWindow       *window,
            RpHistoryEntry *entry)
{
  RpHistory *history = rp_application_get_history (app);
  GtkWindow *entry_window = rp_window_show_entry (window, rp_history_lookup (history, rp_history_entry_get_id (entry)));

  rp_test_wait_until (entry_window_ready, NULL, 10);
  rp_test_wait_frame (GTK_WIDGET (entry_window));
  return entry_window;
}

static gboolean
no_entry_window (gpointer data)
{
  return find_toplevel (RP_TYPE_ENTRY_WINDOW) == NULL;
}

/* Cards, the provider filter and the entry window name providers and models as the
 * sidebar does; the offline fill's edits, which have no prompt, are named after the fill;
 * a provider no longer set up shows the id the history kept. */
static void
test_names (void)
{
  RpHistory *history = rp_application_get_history (app);
  g_autoptr(RpHistory) writer = rp_history_new (rp_history_get_dir (history));
  g_autoptr(RpHistoryEntry) fill = NULL;
  g_autoptr(RpHistoryEntry) kite = NULL;
  g_autoptr(RpHistoryEntry) relay = NULL;
  g_autofree char *cards = NULL;
  g_autofree char *details = NULL;
  GListModel *visible, *providers;
  GtkDropDown *filter;
  GtkWindow *entry_window;
  RpWindow *window;
  RpGallery *gallery;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 0);
  fill = make_entry_with_model (writer, "", "local", "patchmatch", RP_HISTORY_STATUS_DONE, 0x5a8ad6ff, 1);
  g_usleep (2000);
  kite = make_entry (writer, "a red kite over the sea", "openai", RP_HISTORY_STATUS_DONE, 0xd62a2aff, 1);
  g_usleep (2000);
  /* A relay the person has removed since. */
  relay = make_entry_with_model (writer, "a blue door", "my-relay", "flux-door", RP_HISTORY_STATUS_DONE, 0x2a2ad6ff, 1);
  window = show_history (3);
  gallery = rp_window_get_gallery (window);
  visible = rp_gallery_get_visible (gallery);
  while (rp_thumbnail_cache_get_n_decoded (rp_gallery_get_thumbnails (gallery)) < 3)
    g_main_context_iteration (NULL, TRUE);
  rp_test_wait_frame (GTK_WIDGET (window));
  rp_test_save_screenshot (GTK_WIDGET (window), "gallery-names.png");

  /* The cards. */
  cards = rp_test_visible_text (GTK_WIDGET (gallery));
  g_test_message ("cards:\n%s", cards);
  g_assert_true (rp_test_shows_line (GTK_WIDGET (gallery), "Content-Aware Fill"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (gallery), "Offline Fill"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (gallery), "a red kite over the sea"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (gallery), "OpenAI · GPT Image 1.5"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (gallery), "my-relay · flux-door"));
  g_assert_null (strstr (cards, "No prompt"));
  g_assert_null (strstr (cards, "local"));
  g_assert_null (strstr (cards, "patchmatch"));
  g_assert_null (strstr (cards, "gpt-image"));

  /* The provider filter lists names and filters by the provider behind the name. */
  filter = find_provider_filter (GTK_WIDGET (gallery));
  g_assert_nonnull (filter);
  providers = gtk_drop_down_get_model (filter);
  g_assert_cmpuint (g_list_model_get_n_items (providers), ==, 4);
  g_assert_cmpuint (string_position (providers, "OpenAI"), !=, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (string_position (providers, "my-relay"), !=, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (string_position (providers, "openai"), ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (string_position (providers, "local"), ==, GTK_INVALID_LIST_POSITION);
  gtk_drop_down_set_selected (filter, string_position (providers, "Offline Fill"));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  {
    g_autoptr(RpHistoryEntry) shown = g_list_model_get_item (visible, 0);

    g_assert_cmpstr (rp_history_entry_get_id (shown), ==, rp_history_entry_get_id (fill));
  }
  gtk_drop_down_set_selected (filter, 0);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 3);
  /* Search finds an edit by the name on its card. */
  rp_gallery_set_search (gallery, "content-aware");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  rp_gallery_set_search (gallery, "");

  /* The offline fill's edit: named after the fill, no empty prompt, and what it kept is its
   * input, not an upload. */
  entry_window = open_entry (window, fill);
  rp_test_save_screenshot (GTK_WIDGET (entry_window), "entry-window-offline-fill.png");
  details = rp_test_visible_text (GTK_WIDGET (entry_window));
  g_test_message ("entry window:\n%s", details);
  g_assert_cmpstr (gtk_window_get_title (entry_window), ==, "Content-Aware Fill");
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "Content-Aware Fill"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "Offline Fill"));
  g_assert_false (rp_test_shows_line (GTK_WIDGET (entry_window), "Prompt"));
  g_assert_false (rp_test_shows_line (GTK_WIDGET (entry_window), "Sent"));
  g_assert_false (rp_test_shows_line (GTK_WIDGET (entry_window), "The exact files that were uploaded"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "Input"));
  g_assert_null (strstr (details, "patchmatch"));
  g_assert_null (strstr (details, "No prompt"));
  /* Ctrl+W closes it, as the Keyboard Shortcuts window says. */
  g_assert_true (rp_test_press_accel (entry_window, "<Control>w"));
  rp_test_wait_until (no_entry_window, NULL, 10);

  /* An edit with a prompt: the prompt names it; the files were sent. */
  entry_window = open_entry (window, kite);
  g_clear_pointer (&details, g_free);
  details = rp_test_visible_text (GTK_WIDGET (entry_window));
  g_assert_cmpstr (gtk_window_get_title (entry_window), ==, "a red kite over the sea");
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "a red kite over the sea"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "OpenAI · GPT Image 1.5"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "Prompt"));
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "Sent"));
  g_assert_null (strstr (details, "gpt-image"));
  g_assert_true (rp_test_press_accel (entry_window, "Escape"));
  rp_test_wait_until (no_entry_window, NULL, 10);

  /* A provider no longer set up: the ids the history kept. */
  entry_window = open_entry (window, relay);
  g_assert_true (rp_test_shows_line (GTK_WIDGET (entry_window), "my-relay · flux-door"));
  g_assert_true (rp_test_press_accel (entry_window, "<Control>w"));
  rp_test_wait_until (no_entry_window, NULL, 10);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* A history of this test's own, read by the application at start-up. */
  data_home = rp_test_tmpdir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  app = rp_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/repaint/gallery/browse-open-delete-clear", test_gallery);
  /* After the first: it starts from the history that one cleared. */
  g_test_add_func ("/repaint/gallery/names", test_names);
  status = g_test_run ();
  rp_test_tmpdir_remove (data_home);
  return status;
}
