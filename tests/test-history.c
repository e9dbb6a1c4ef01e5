/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rp-core.h"
#include "rp-history-private.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

typedef struct
{
  char      *root;
  GFile     *dir;
  RpHistory *history;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->root = rp_test_tmpdir ();
  f->dir = g_file_new_build_filename (f->root, "history", NULL);
  f->history = rp_history_new (f->dir);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->history);
  g_clear_object (&f->dir);
  rp_test_tmpdir_remove (f->root);
  g_free (f->root);
}

static guint
file_mode (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static GBytes *
png_bytes (int w,
           int h)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (w, h, FALSE);
  g_autoptr(GError) error = NULL;
  char *buffer;
  gsize len;

  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, len);
}

static void
write_input (RpHistoryDraft *draft,
             RpHistoryRole   role,
             int             w,
             int             h)
{
  g_autoptr(GBytes) bytes = png_bytes (w, h);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = rp_history_draft_create_input (draft, role, "png", &file, &error);

  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                            NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_true (rp_history_draft_add_input (draft, role, file, "image/png", w, h, &error));
  g_assert_no_error (error);
}

static RpHistoryEntry *
make_pending (RpHistory  *history,
              const char *prompt)
{
  g_autoptr(RpHistoryDraft) draft = NULL;
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autoptr(GError) error = NULL;
  RpHistoryEntry *entry;

  draft = rp_history_draft_new (history, &error);
  g_assert_no_error (error);
  write_input (draft, RP_HISTORY_ROLE_IMAGE, 64, 48);
  write_input (draft, RP_HISTORY_ROLE_MASK, 64, 48);
  write_input (draft, RP_HISTORY_ROLE_REFERENCE, 30, 30);
  json_object_set_string_member (meta, "provider", "openai");
  json_object_set_string_member (meta, "model", "gpt-image-1.5");
  json_object_set_string_member (meta, "prompt", prompt);
  entry = rp_history_draft_commit (draft, meta, &error);
  g_assert_no_error (error);
  return entry;
}

static void
add_output (RpHistoryEntry *entry)
{
  g_autoptr(GBytes) bytes = png_bytes (64, 48);
  g_autoptr(GFile) part = NULL;
  g_autoptr(GFile) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = rp_history_entry_create_part (entry, "incoming", &part, &error);
  g_autoptr(GdkPixbuf) composite = rp_test_pattern_pixbuf (64, 48, FALSE);

  g_assert_no_error (error);
  g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, NULL, &error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  raw = rp_history_entry_commit_output (entry, part, &error);
  g_assert_no_error (error);
  g_assert_true (rp_history_entry_save_composite (entry, rp_history_entry_get_n_outputs (entry) - 1,
                                                  composite, NULL, &error));
  g_assert_no_error (error);
}

/* A pending entry exists, complete and private, before anything could be uploaded. */
static void
test_pending_entry (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RpHistoryEntry) entry = NULL;
  g_autoptr(RpHistoryEntry) reread = NULL;
  g_autoptr(GFile) meta = NULL;
  g_autoptr(GError) error = NULL;
  RpHistoryRole role = RP_HISTORY_ROLE_MASK;
  guint i;

  g_assert_true (rp_history_load (f->history, NULL, &error));
  entry = make_pending (f->history, "a red kite");
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_PENDING);
  g_assert_true (rp_history_entry_get_process_alive (entry));
  g_assert_cmpuint (file_mode (f->dir), ==, 0700);
  g_assert_cmpuint (file_mode (rp_history_entry_get_dir (entry)), ==, 0700);
  meta = g_file_get_child (rp_history_entry_get_dir (entry), "meta.json");
  g_assert_cmpuint (file_mode (meta), ==, 0600);

  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), ==, 3);
  for (i = 0; i < 3; i++)
    {
      g_autoptr(GFile) input = rp_history_entry_get_input (entry, i, &role);

      g_assert_cmpint (role, ==, i);
      g_assert_cmpuint (file_mode (input), ==, 0600);
    }

  /* What is on disk is exactly what the entry says. */
  reread = rp_history_entry_load (rp_history_entry_get_dir (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_history_entry_get_prompt (reread), ==, "a red kite");
  g_assert_cmpstr (rp_history_entry_get_provider (reread), ==, "openai");
  g_assert_cmpint (rp_history_entry_get_status (reread), ==, RP_HISTORY_STATUS_PENDING);
}

static void
test_outputs_and_finish (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RpHistoryEntry) entry = make_pending (f->history, "two results");
  g_autoptr(GFile) stray = NULL;
  g_autoptr(GOutputStream) stray_out = NULL;
  g_autoptr(GFile) raw = NULL;
  g_autoptr(GFile) composite = NULL;
  g_autoptr(GFile) thumb = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpHistoryEntry) reread = NULL;
  int w = 0, h = 0;
  g_autofree char *thumb_path = NULL;

  add_output (entry);
  add_output (entry);
  stray_out = rp_history_entry_create_part (entry, "cut-short", &stray, &error);
  g_output_stream_write_all (stray_out, "\x89PNG", 4, NULL, NULL, &error);
  g_output_stream_close (stray_out, NULL, NULL);

  g_assert_true (rp_history_entry_finish (entry, RP_HISTORY_STATUS_DONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_query_exists (stray, NULL));   /* partial data never stays */
  g_assert_false (rp_history_entry_finish (entry, RP_HISTORY_STATUS_FAILED, NULL, &error));
  g_assert_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_NOT_PENDING);

  reread = rp_history_entry_load (rp_history_entry_get_dir (entry), NULL);
  g_assert_cmpint (rp_history_entry_get_status (reread), ==, RP_HISTORY_STATUS_DONE);
  g_assert_cmpuint (rp_history_entry_get_n_outputs (reread), ==, 2);
  raw = rp_history_entry_get_output (reread, 1);
  composite = rp_history_entry_get_composite (reread, 1);
  g_assert_true (g_str_has_suffix (g_file_peek_path (raw), "raw-1.png"));
  g_assert_true (g_file_query_exists (raw, NULL));
  g_assert_true (g_file_query_exists (composite, NULL));
  g_assert_cmpuint (file_mode (raw), ==, 0600);
  thumb = rp_history_entry_get_thumbnail (reread);
  thumb_path = g_file_get_path (thumb);
  g_assert_nonnull (gdk_pixbuf_get_file_info (thumb_path, &w, &h));
  g_assert_cmpint (MAX (w, h), <=, RP_HISTORY_THUMBNAIL_PX);
  g_assert_null (json_object_get_member (rp_history_entry_get_metadata (reread), "process"));
}

/* A process killed in the middle of a job leaves a pending entry; the next start finds it
 * interrupted (with its inputs intact, so it can be retried). */
static void
test_crash_becomes_interrupted (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  RpHistoryEntry *entry;
  g_autoptr(GFile) input = NULL;

  if (g_test_subprocess ())
    {
      /* The child writes into the parent's folder, whose path comes in the environment. */
      g_autoptr(GFile) dir = g_file_new_build_filename (g_getenv ("RP_TEST_HISTORY_ROOT"), "history", NULL);
      g_autoptr(RpHistory) history = rp_history_new (dir);
      g_autoptr(RpHistoryEntry) pending = make_pending (history, "crashes mid-upload");
      g_autoptr(RpHistoryDraft) draft = rp_history_draft_new (history, NULL);

      write_input (draft, RP_HISTORY_ROLE_IMAGE, 10, 10);   /* a draft that never commits */
      g_assert_nonnull (pending);
      abort ();
    }
  g_setenv ("RP_TEST_HISTORY_ROOT", f->root, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();

  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  entry = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_INTERRUPTED);
  input = rp_history_entry_get_input (entry, 0, NULL);
  g_assert_true (g_file_query_exists (input, NULL));
  g_object_unref (entry);
  /* The abandoned draft was removed; nothing hidden is left but nothing listed is lost. */
  {
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (f->dir, "standard::name", 0, NULL, NULL);
    GFileInfo *info;
    guint n = 0;

    while ((info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_assert_false (g_str_has_prefix (g_file_info_get_name (info), ".draft-"));
        n++;
        g_object_unref (info);
      }
    g_assert_cmpuint (n, ==, 1);
  }
}

static void
write_text (GFile      *dir,
            const char *name,
            const char *text)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);

  g_file_make_directory_with_parents (dir, NULL, NULL);
  g_assert_true (g_file_replace_contents (file, text, strlen (text), NULL, FALSE, 0, NULL, NULL, NULL));
}

/* Broken or foreign folders are skipped; the rest of the history still loads. */
static void
test_corrupt_skipped (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(RpHistoryEntry) good = make_pending (f->history, "good");
  g_autoptr(GFile) broken = g_file_get_child (f->dir, "20260101-000000-000-aaaaaa");
  g_autoptr(GFile) wrong_id = g_file_get_child (f->dir, "20260101-000000-000-bbbbbb");
  g_autoptr(GFile) future = g_file_get_child (f->dir, "20260101-000000-000-cccccc");
  g_autoptr(GFile) foreign = g_file_get_child (f->dir, "holiday-photos");
  g_autoptr(GError) error = NULL;
  g_autofree char *good_meta_before = NULL;
  g_autofree char *good_meta_after = NULL;
  g_autoptr(GFile) good_meta = g_file_get_child (rp_history_entry_get_dir (good), "meta.json");

  g_assert_true (rp_history_entry_finish (good, RP_HISTORY_STATUS_DONE, NULL, &error));
  g_file_load_contents (good_meta, NULL, &good_meta_before, NULL, NULL, NULL);
  write_text (broken, "meta.json", "{\"version\": 1, \"id\": \"20260101-000000-000-aaaaaa\", \"status\": ");
  write_text (wrong_id, "meta.json",
              "{\"version\":1,\"id\":\"someone-else\",\"status\":\"done\",\"created\":\"2026-01-01T00:00:00Z\"}");
  write_text (future, "meta.json",
              "{\"version\":7,\"id\":\"20260101-000000-000-cccccc\",\"status\":\"done\",\"created\":\"2026-01-01T00:00:00Z\"}");
  write_text (foreign, "notes.txt", "not an entry");
  write_text (f->dir, "stray-file", "x");

  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  g_assert_cmpuint (rp_history_get_n_skipped (f->history), ==, 4);
  g_assert_nonnull (rp_history_lookup (f->history, rp_history_entry_get_id (good)));
  /* Loading never rewrites entries it did not need to touch. */
  g_file_load_contents (good_meta, NULL, &good_meta_after, NULL, NULL, NULL);
  g_assert_cmpstr (good_meta_before, ==, good_meta_after);
  g_assert_true (g_file_query_exists (broken, NULL));
}

/* meta.json is a plain file anyone can edit: members of the wrong type are bad data, not
 * a reason for a critical (fatal in this test), and a FIFO or a huge file in its place
 * must neither block the scan nor be read into memory. */
static void
test_edited_metadata (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GFile) odd_id = g_file_get_child (f->dir, "20260101-000000-000-aaaaaa");
  g_autoptr(GFile) odd_types = g_file_get_child (f->dir, "20260101-000000-000-bbbbbb");
  g_autoptr(GFile) fifo_entry = g_file_get_child (f->dir, "20260101-000000-000-cccccc");
  g_autoptr(GFile) fifo = g_file_get_child (fifo_entry, "meta.json");
  g_autofree char *fifo_path = g_file_get_path (fifo);
  g_autoptr(GError) error = NULL;
  RpHistoryEntry *entry;
  RpHistoryRole role = RP_HISTORY_ROLE_REFERENCE;
  g_autoptr(GFile) input = NULL;

  write_text (odd_id, "meta.json",
              "{\"version\":1,\"id\":{\"x\":1},\"status\":\"done\",\"created\":\"2026-01-01T00:00:00Z\"}");
  write_text (odd_types, "meta.json",
              "{\"version\":1,\"id\":\"20260101-000000-000-bbbbbb\",\"status\":\"pending\","
              "\"created\":\"2026-01-01T00:00:00Z\",\"prompt\":5,\"provider\":[\"x\"],\"model\":null,"
              "\"error\":{\"message\":7},\"process\":{\"pid\":\"1\",\"start_time\":true,\"boot_id\":5},"
              "\"inputs\":[5,{\"file\":7,\"role\":3},{\"file\":\"image-0.png\",\"role\":\"mask\"}],"
              "\"outputs\":[{\"raw\":{},\"thumbnail\":[]}]}");
  g_file_make_directory (fifo_entry, NULL, NULL);
  g_assert_cmpint (mkfifo (fifo_path, 0600), ==, 0);

  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_history_get_n_skipped (f->history), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);

  entry = rp_history_lookup (f->history, "20260101-000000-000-bbbbbb");
  g_assert_nonnull (entry);
  /* Its process cannot be proven alive, so the scan marked it interrupted. */
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_INTERRUPTED);
  g_assert_cmpstr (rp_history_entry_get_prompt (entry), ==, "");
  g_assert_cmpstr (rp_history_entry_get_provider (entry), ==, "");
  g_assert_cmpstr (rp_history_entry_get_model (entry), ==, "");
  g_assert_null (rp_history_entry_get_error_message (entry));
  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), ==, 3);
  g_assert_null (rp_history_entry_get_input (entry, 0, &role));
  g_assert_null (rp_history_entry_get_input (entry, 1, &role));
  input = rp_history_entry_get_input (entry, 2, &role);
  g_assert_nonnull (input);
  g_assert_cmpint (role, ==, RP_HISTORY_ROLE_MASK);
  g_assert_null (rp_history_entry_get_output (entry, 0));
  g_assert_null (rp_history_entry_get_thumbnail (entry));
}

/* JSON numbers beyond a double (1e999) are read as infinity, which JSON cannot write back:
 * the rewrite that marks the entry interrupted must still load (they become null). A file
 * nested thousands of levels deep is skipped, not read by a recursive parser into a stack
 * overflow. */
static void
test_unwritable_numbers_and_deep_nesting (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GFile) huge = g_file_get_child (f->dir, "20260101-000000-000-aaaaaa");
  g_autoptr(GFile) deep = g_file_get_child (f->dir, "20260101-000000-000-bbbbbb");
  g_autoptr(GFile) huge_meta = g_file_get_child (huge, "meta.json");
  g_autoptr(GString) nested = g_string_new ("{\"version\":1,\"id\":\"20260101-000000-000-bbbbbb\","
                                            "\"status\":\"done\",\"created\":\"2026-01-01T00:00:00Z\","
                                            "\"usage\":");
  g_autoptr(RpHistoryEntry) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  JsonArray *sizes;

  write_text (huge, "meta.json",
              "{\"version\":1,\"id\":\"20260101-000000-000-aaaaaa\",\"status\":\"pending\","
              "\"created\":\"2026-01-01T00:00:00Z\",\"prompt\":\"kite\","
              "\"usage\":{\"cost\":1e999,\"sizes\":[-1e999,2,0.5]}}");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (nested, ']');
  g_string_append_c (nested, '}');
  write_text (deep, "meta.json", nested->str);

  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  g_assert_cmpuint (rp_history_get_n_skipped (f->history), ==, 1);
  g_assert_true (g_file_query_exists (deep, NULL));

  g_assert_true (g_file_load_contents (huge_meta, NULL, &written, NULL, NULL, NULL));
  g_assert_null (strstr (written, "inf"));
  again = rp_history_entry_load (huge, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_history_entry_get_status (again), ==, RP_HISTORY_STATUS_INTERRUPTED);
  g_assert_cmpstr (rp_history_entry_get_prompt (again), ==, "kite");
  g_assert_true (json_object_get_null_member (rp_json_get_object (rp_history_entry_get_metadata (again),
                                                                  "usage"), "cost"));
  sizes = json_object_get_array_member (rp_json_get_object (rp_history_entry_get_metadata (again), "usage"),
                                        "sizes");
  g_assert_cmpuint (json_array_get_length (sizes), ==, 3);
  g_assert_true (json_array_get_null_element (sizes, 0));
  g_assert_cmpint (json_array_get_int_element (sizes, 1), ==, 2);
  g_assert_cmpfloat (json_array_get_double_element (sizes, 2), ==, 0.5);
}

typedef struct
{
  GArray   *changes;   /* position, removed, added for each items-changed */
  gboolean  done;
} LoadWatch;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  LoadWatch  *watch)
{
  guint change[3] = { position, removed, added };

  g_assert_false (watch->done);
  g_array_append_vals (watch->changes, change, 3);
}

static void
on_load_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  LoadWatch *watch = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_history_load_finish (RP_HISTORY (source), result, &error));
  g_assert_no_error (error);
  watch->done = TRUE;
}

/* A long history is listed newest first in batches, each added at the end of what is
 * listed, so that a view shows the newest at once; the load ends once all are in. */
static void
test_load_in_batches (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(RpHistory) fresh = rp_history_new (f->dir);
  LoadWatch watch = { g_array_new (FALSE, FALSE, sizeof (guint)), FALSE };
  g_autoptr(GError) error = NULL;
  guint n = 120, listed = 0;
  g_autofree char *oldest_id = NULL;
  g_autoptr(RpHistoryEntry) first_listed = NULL;
  gboolean moved_to_top = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("edit %u", i);
      g_autoptr(RpHistoryEntry) entry = make_pending (f->history, prompt);

      /* The oldest folder says (in an edited file) it is the newest edit: it is read last
       * and must still come first. */
      if (i == 0)
        {
          oldest_id = g_strdup (rp_history_entry_get_id (entry));
          g_assert_true (rp_history_entry_set_member (entry, "created",
                                                      json_node_init_string (json_node_alloc (),
                                                                             "2099-01-01T00:00:00Z"),
                                                      &error));
        }
      g_assert_true (rp_history_entry_finish (entry, RP_HISTORY_STATUS_DONE, NULL, &error));
      g_assert_no_error (error);
    }

  g_signal_connect (fresh, "items-changed", G_CALLBACK (on_items_changed), &watch);
  rp_history_load_async (fresh, NULL, on_load_done, &watch);
  while (!watch.done)
    g_main_context_iteration (NULL, TRUE);

  /* Entries are only ever added, never the list replaced: a view keeps what it built.
   * (Edits made within the same millisecond may sort against their folder names; those
   * few go to their own places, the rest extend the list.) */
  g_assert_cmpuint (watch.changes->len / 3, >=, 2);
  for (guint i = 0; i < watch.changes->len; i += 3)
    {
      guint *change = &g_array_index (watch.changes, guint, i);

      g_assert_cmpuint (change[0], <=, listed);
      g_assert_cmpuint (change[1], ==, 0);
      g_assert_cmpuint (change[2], >, 0);
      if (i > 0 && change[0] == 0)
        moved_to_top = TRUE;
      listed += change[2];
    }
  g_assert_true (moved_to_top);
  first_listed = g_list_model_get_item (G_LIST_MODEL (fresh), 0);
  g_assert_cmpstr (rp_history_entry_get_id (first_listed), ==, oldest_id);
  /* The first batch is small: the newest edits come before the rest are read. */
  g_assert_cmpuint (g_array_index (watch.changes, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (watch.changes, guint, 2), <, n / 2);
  g_assert_cmpuint (listed, ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fresh)), ==, n);
  /* Newest first throughout, as a single load lists them. */
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(RpHistoryEntry) newer = g_list_model_get_item (G_LIST_MODEL (fresh), i);
      g_autoptr(RpHistoryEntry) older = g_list_model_get_item (G_LIST_MODEL (fresh), i + 1);
      int c = g_date_time_compare (rp_history_entry_get_created (newer), rp_history_entry_get_created (older));

      g_assert_true (c > 0 || (c == 0 && strcmp (rp_history_entry_get_id (newer),
                                                 rp_history_entry_get_id (older)) > 0));
    }
  g_array_unref (watch.changes);
}

/* A result applied to the photo is a file of its entry. An edit made on it keeps its own
 * link to that file, so deleting the first entry does not take the second one's photo. */
static void
test_source_inside_history (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(RpHistoryEntry) first = make_pending (f->history, "first");
  g_autoptr(RpHistoryDraft) draft = NULL;
  g_autoptr(RpHistoryEntry) second = NULL;
  g_autoptr(GFile) composite = NULL;
  g_autoptr(RpImage) applied = NULL;
  g_autoptr(RpImage) source = NULL;
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *recorded;

  rp_history_insert (f->history, first);
  add_output (first);
  g_assert_true (rp_history_entry_finish (first, RP_HISTORY_STATUS_DONE, NULL, &error));
  composite = rp_history_entry_get_composite (first, 0);
  g_assert_nonnull (composite);
  applied = rp_image_load_file (composite, NULL, &error);
  g_assert_no_error (error);

  draft = rp_history_draft_new (f->history, &error);
  g_assert_no_error (error);
  write_input (draft, RP_HISTORY_ROLE_IMAGE, 64, 48);
  g_assert_true (rp_history_draft_set_source (draft, applied, "kite.jpg", NULL, NULL, &error));
  g_assert_no_error (error);
  second = rp_history_draft_commit (draft, meta, &error);
  g_assert_no_error (error);
  recorded = rp_json_get_object (rp_history_entry_get_metadata (second), "source");
  g_assert_null (rp_json_get_string (recorded, "uri"));
  g_assert_cmpstr (rp_json_get_string (recorded, "file"), ==, "source.png");

  g_assert_true (rp_history_trash (f->history, first, &error));
  g_assert_no_error (error);
  rp_history_purge_trash (f->history);
  g_assert_false (g_file_query_exists (composite, NULL));

  source = rp_history_entry_load_source (second, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (source), ==, 64);
  g_assert_cmpint (rp_image_get_height (source), ==, 48);
  g_assert_cmpstr (rp_image_get_display_name (source), ==, "kite.jpg");
}

/* A draft is kept only while the process its owner file names provably runs: an owner
 * line whose start time cannot be read proves nothing, even for a pid that is gone (the
 * start time the kernel then reports is 0, like an unreadable one). */
static void
test_abandoned_drafts (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *boot = rp_history_boot_id ();
  g_autofree char *gone = g_strdup_printf ("2147483646 x %s\n", boot);
  g_autofree char *live = g_strdup_printf ("%d %" G_GUINT64_FORMAT " %s\n", getpid (),
                                           rp_history_process_start_time (getpid ()), boot);
  g_autoptr(GFile) gone_dir = g_file_get_child (f->dir, ".draft-gone");
  g_autoptr(GFile) live_dir = g_file_get_child (f->dir, ".draft-live");
  g_autoptr(GError) error = NULL;

  write_text (gone_dir, "owner", gone);
  write_text (live_dir, "owner", live);
  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_query_exists (gone_dir, NULL));
  g_assert_true (g_file_query_exists (live_dir, NULL));
}

/* A meta.json of a gigabyte (sparse, so it costs no disk) is refused from its size. */
static void
test_huge_metadata (Fixture       *f,
                    gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GFile) dir = g_file_new_build_filename (g_getenv ("RP_TEST_HISTORY_ROOT"), "history",
                                                        "20260101-000000-000-dddddd", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpHistoryEntry) entry = NULL;
      gsize before_kb = rp_test_peak_vm_kb ();

      entry = rp_history_entry_load (dir, &error);
      g_assert_null (entry);
      g_assert_error (error, RP_HISTORY_ERROR, RP_HISTORY_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "too large"));
      g_assert_cmpuint (rp_test_peak_vm_kb () - before_kb, <, 64 * 1024);
      return;
    }
  else
    {
      g_autoptr(GFile) dir = g_file_get_child (f->dir, "20260101-000000-000-dddddd");
      g_autoptr(GFile) meta = g_file_get_child (dir, "meta.json");
      g_autofree char *path = g_file_get_path (meta);

      write_text (dir, "meta.json", "{\"version\":1}");
      g_assert_cmpint (truncate (path, (off_t) 1024 * 1024 * 1024), ==, 0);
      g_setenv ("RP_TEST_HISTORY_ROOT", f->root, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
}

static void
test_order_trash_restore (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RpHistoryEntry) a = make_pending (f->history, "first");
  g_autoptr(RpHistoryEntry) b = NULL;
  g_autoptr(RpHistoryEntry) c = NULL;
  g_autoptr(GError) error = NULL;
  RpHistoryEntry *top;

  g_usleep (2000);
  b = make_pending (f->history, "second");
  g_usleep (2000);
  c = make_pending (f->history, "third");
  rp_history_entry_finish (a, RP_HISTORY_STATUS_DONE, NULL, NULL);
  rp_history_entry_finish (b, RP_HISTORY_STATUS_FAILED, NULL, NULL);
  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 3);
  top = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  g_assert_cmpstr (rp_history_entry_get_prompt (top), ==, "third");
  g_object_unref (top);

  top = g_list_model_get_item (G_LIST_MODEL (f->history), 1);
  g_assert_true (rp_history_trash (f->history, top, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 2);
  g_assert_false (g_file_query_exists (rp_history_entry_get_dir (top), NULL));
  g_assert_true (rp_history_restore (f->history, top, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 3);
  g_assert_true (g_file_query_exists (rp_history_entry_get_dir (top), NULL));
  g_assert_true (rp_history_trash (f->history, top, &error));
  rp_history_purge_trash (f->history);
  g_object_unref (top);

  /* Clear keeps the entry still running ("third" is pending and its process is us). */
  g_assert_true (rp_history_clear (f->history, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
}

/* The process is killed in the middle of writing a file of the entry: the kernel stops it
 * with SIGXFSZ when a file passes @limit bytes. */
static void
die_writing_past (rlim_t limit)
{
  struct rlimit rl = { limit, limit };

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &rl), ==, 0);
}

/* After such a kill the entry is interrupted with nothing half-written left: not a cut
 * file under a final name, not a .part file, not GIO's temporary file of a rewrite; and
 * meta.json is the one from before. */
static void
test_killed_writing (Fixture       *f,
                     gconstpointer  data)
{
  gboolean in_meta = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpHistoryEntry) entry = NULL;
  g_autoptr(GFileEnumerator) e = NULL;
  GFileInfo *info;

  if (g_test_subprocess ())
    {
      g_autoptr(GFile) dir = g_file_new_build_filename (g_getenv ("RP_TEST_HISTORY_ROOT"), "history", NULL);
      g_autoptr(RpHistory) history = rp_history_new (dir);
      g_autoptr(RpHistoryEntry) pending = make_pending (history, "killed while writing");
      g_autoptr(GdkPixbuf) composite = NULL;
      guint64 state = 7;

      die_writing_past (64 * 1024);
      if (in_meta)
        {
          /* meta.json exists: GIO rewrites it through a temporary file. */
          g_autofree char *big = g_strnfill (128 * 1024, 'x');

          rp_history_entry_set_member (pending, "note", json_node_init_string (json_node_alloc (), big), NULL);
        }
      else
        {
          composite = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 400, 300);
          rp_test_pattern_fill (&state, gdk_pixbuf_get_pixels (composite),
                                (gsize) gdk_pixbuf_get_rowstride (composite) * 300);
          rp_history_entry_write_composite_files (pending, 0, composite, NULL, NULL);
        }
      g_assert_not_reached ();
    }
  g_setenv ("RP_TEST_HISTORY_ROOT", f->root, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();

  g_assert_true (rp_history_load (f->history, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_history_get_n_skipped (f->history), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->history)), ==, 1);
  entry = g_list_model_get_item (G_LIST_MODEL (f->history), 0);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_INTERRUPTED);
  g_assert_cmpstr (rp_history_entry_get_prompt (entry), ==, "killed while writing");
  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), ==, 3);
  e = g_file_enumerate_children (rp_history_entry_get_dir (entry), "standard::name", 0, NULL, &error);
  g_assert_no_error (error);
  while ((info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      g_test_message ("%s", name);
      g_assert_false (g_str_has_prefix (name, "."));
      g_assert_false (g_str_has_suffix (name, ".part"));
      g_assert_false (g_str_has_prefix (name, "result-") || g_str_has_prefix (name, "thumb-"));
      g_object_unref (info);
    }
}

/* Text that is not UTF-8 (a provider's error decoded from a lone surrogate escape, say)
 * must not make meta.json unreadable: the entry would vanish from the history. */
static void
test_meta_stays_utf8 (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(RpHistoryEntry) entry = make_pending (f->history, "a red kite");
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(RpHistory) fresh = rp_history_new (f->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) meta = g_file_get_child (rp_history_entry_get_dir (entry), RP_HISTORY_META_FILE);
  g_autofree char *text = NULL;
  RpHistoryEntry *reloaded;

  json_object_set_string_member (details, "kind", "invalid");
  json_object_set_string_member (details, "message", "The provider refused the request.");
  json_object_set_string_member (details, "provider_message", "lone \xed\xa0\x80 half, stray \xff");
  g_test_expect_message ("rp-history", G_LOG_LEVEL_WARNING, "*not UTF-8*");
  g_assert_true (rp_history_entry_finish (entry, RP_HISTORY_STATUS_FAILED, details, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_assert_true (g_file_load_contents (meta, NULL, &text, NULL, NULL, NULL));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (rp_history_load (fresh, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_history_get_n_skipped (fresh), ==, 0);
  reloaded = rp_history_lookup (fresh, rp_history_entry_get_id (entry));
  g_assert_nonnull (reloaded);
  g_assert_cmpint (rp_history_entry_get_status (reloaded), ==, RP_HISTORY_STATUS_FAILED);
  g_assert_cmpstr (rp_history_entry_get_prompt (reloaded), ==, "a red kite");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/repaint/history/pending-entry", Fixture, NULL, setup, test_pending_entry, teardown);
  g_test_add ("/repaint/history/outputs-and-finish", Fixture, NULL, setup, test_outputs_and_finish, teardown);
  g_test_add ("/repaint/history/crash-becomes-interrupted", Fixture, NULL, setup, test_crash_becomes_interrupted, teardown);
  g_test_add ("/repaint/history/corrupt-skipped", Fixture, NULL, setup, test_corrupt_skipped, teardown);
  g_test_add ("/repaint/history/source-inside-history", Fixture, NULL, setup, test_source_inside_history,
              teardown);
  g_test_add ("/repaint/history/load-in-batches", Fixture, NULL, setup, test_load_in_batches, teardown);
  g_test_add ("/repaint/history/unwritable-numbers-and-deep-nesting", Fixture, NULL, setup,
              test_unwritable_numbers_and_deep_nesting, teardown);
  g_test_add ("/repaint/history/edited-metadata", Fixture, NULL, setup, test_edited_metadata, teardown);
  g_test_add ("/repaint/history/huge-metadata", Fixture, NULL, setup, test_huge_metadata, teardown);
  g_test_add ("/repaint/history/abandoned-drafts", Fixture, NULL, setup, test_abandoned_drafts, teardown);
  g_test_add ("/repaint/history/order-trash-restore", Fixture, NULL, setup, test_order_trash_restore, teardown);
  g_test_add ("/repaint/history/meta-stays-utf8", Fixture, NULL, setup, test_meta_stays_utf8, teardown);
  g_test_add ("/repaint/history/killed-writing/composite", Fixture, GINT_TO_POINTER (FALSE), setup,
              test_killed_writing, teardown);
  g_test_add ("/repaint/history/killed-writing/meta", Fixture, GINT_TO_POINTER (TRUE), setup,
              test_killed_writing, teardown);

  return g_test_run ();
}
