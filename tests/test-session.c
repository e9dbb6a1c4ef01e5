/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The saved session: what comes back after a crash or a restart. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rp-core.h"
#include "rp-test-util.h"

static gboolean
pixels_equal (GdkPixbuf *a,
              GdkPixbuf *b)
{
  int y, n_channels = gdk_pixbuf_get_n_channels (a);
  int row = gdk_pixbuf_get_width (a) * n_channels;

  if (gdk_pixbuf_get_width (a) != gdk_pixbuf_get_width (b) ||
      gdk_pixbuf_get_height (a) != gdk_pixbuf_get_height (b) ||
      n_channels != gdk_pixbuf_get_n_channels (b))
    return FALSE;
  for (y = 0; y < gdk_pixbuf_get_height (a); y++)
    if (memcmp (gdk_pixbuf_read_pixels (a) + y * gdk_pixbuf_get_rowstride (a),
                gdk_pixbuf_read_pixels (b) + y * gdk_pixbuf_get_rowstride (b), row) != 0)
      return FALSE;
  return TRUE;
}

static RpImage *
write_and_load (const char *dir,
                const char *name,
                int         width,
                int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (width, height, FALSE);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  RpImage *image;

  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  image = rp_image_load_file (file, NULL, &error);
  g_assert_no_error (error);
  return image;
}

/* A photo from a file is kept by path, pasted pixels as a copy; references likewise, in
 * order; the soft mask, the prompt and the choices come back as they were. */
static void
test_round_trip (void)
{
  g_autofree char *tmp = rp_test_tmpdir ();
  g_autofree char *session_path = g_build_filename (tmp, "state", "session", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (session_path);
  g_autoptr(RpSessionState) state = rp_session_state_new ();
  g_autoptr(RpSessionState) loaded = NULL;
  g_autoptr(GdkPixbuf) pasted = rp_test_pattern_pixbuf (120, 90, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *photo_path = NULL;
  g_autofree char *stored = NULL;
  RpImage *ref;

  state->image = write_and_load (tmp, "photo.png", 200, 150);
  /* The window's name for it: the photo a result applied to photo.png came from. */
  state->name = g_strdup ("kite.jpg");
  state->mask = rp_mask_new (200, 150);
  rp_mask_dab (state->mask, 60, 70, 20, 0.5, RP_MASK_OP_PAINT);
  g_ptr_array_add (state->references, rp_image_new_from_pixbuf (pasted, "Pasted Image"));
  g_ptr_array_add (state->references, write_and_load (tmp, "ref.png", 64, 48));
  state->prompt = g_strdup ("一只风筝 over the sea");
  state->provider = g_strdup ("openai");
  state->model = g_strdup ("gpt-image-1");
  state->params = json_object_new ();
  json_object_set_string_member (state->params, "quality", "high");

  g_assert_true (rp_session_save (dir, state, NULL, &error));
  g_assert_no_error (error);

  /* The pasted reference is stored; the photo and the file reference are not copied. */
  stored = g_build_filename (session_path, "reference-1.png", NULL);
  g_assert_true (g_file_test (stored, G_FILE_TEST_EXISTS));
  g_free (stored);
  stored = g_build_filename (session_path, "reference-2.png", NULL);
  g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));
  g_free (stored);
  stored = g_build_filename (session_path, "image.png", NULL);
  g_assert_false (g_file_test (stored, G_FILE_TEST_EXISTS));

  loaded = rp_session_load (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  photo_path = g_file_get_path (rp_image_get_file (loaded->image));
  g_assert_true (g_str_has_suffix (photo_path, "photo.png"));
  g_assert_cmpstr (loaded->name, ==, "kite.jpg");
  g_assert_true (pixels_equal (rp_image_get_pixbuf (loaded->image), rp_image_get_pixbuf (state->image)));
  /* The soft edge of a half-hard dab keeps its exact coverage. */
  g_assert_cmpint (rp_mask_get_pixel (loaded->mask, 60, 70), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (loaded->mask, 76, 70), ==, rp_mask_get_pixel (state->mask, 76, 70));
  g_assert_cmpint (rp_mask_get_pixel (state->mask, 76, 70), >, 0);
  g_assert_cmpint (rp_mask_get_pixel (state->mask, 76, 70), <, 255);
  g_assert_cmpint (rp_mask_get_pixel (loaded->mask, 190, 10), ==, 0);

  g_assert_cmpuint (loaded->references->len, ==, 2);
  ref = g_ptr_array_index (loaded->references, 0);
  g_assert_cmpstr (rp_image_get_display_name (ref), ==, "Pasted Image");
  g_assert_true (pixels_equal (rp_image_get_pixbuf (ref), pasted));
  ref = g_ptr_array_index (loaded->references, 1);
  g_assert_cmpstr (rp_image_get_display_name (ref), ==, "ref.png");
  g_assert_cmpint (rp_image_get_width (ref), ==, 64);

  g_assert_cmpstr (loaded->prompt, ==, "一只风筝 over the sea");
  g_assert_cmpstr (loaded->provider, ==, "openai");
  g_assert_cmpstr (loaded->model, ==, "gpt-image-1");
  g_assert_cmpstr (json_object_get_string_member (loaded->params, "quality"), ==, "high");

  rp_test_tmpdir_remove (tmp);
}

/* A reference whose file went away is left out; the rest of the session survives. */
static void
test_lost_reference (void)
{
  g_autofree char *tmp = rp_test_tmpdir ();
  g_autofree char *session_path = g_build_filename (tmp, "session", NULL);
  g_autofree char *ref_path = g_build_filename (tmp, "gone.png", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (session_path);
  g_autoptr(RpSessionState) state = rp_session_state_new ();
  g_autoptr(RpSessionState) loaded = NULL;
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (40, 30, FALSE);
  g_autoptr(GError) error = NULL;

  state->image = rp_image_new_from_pixbuf (pixbuf, "Pasted Image");
  g_ptr_array_add (state->references, write_and_load (tmp, "gone.png", 20, 20));
  g_ptr_array_add (state->references, write_and_load (tmp, "kept.png", 30, 20));
  g_assert_true (rp_session_save (dir, state, NULL, &error));
  g_assert_cmpint (g_unlink (ref_path), ==, 0);

  loaded = rp_session_load (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pixels_equal (rp_image_get_pixbuf (loaded->image), pixbuf));
  g_assert_cmpstr (rp_image_get_display_name (loaded->image), ==, "Pasted Image");
  g_assert_null (loaded->name);
  g_assert_true (rp_mask_is_empty (loaded->mask));
  g_assert_cmpuint (loaded->references->len, ==, 1);
  g_assert_cmpstr (rp_image_get_display_name (g_ptr_array_index (loaded->references, 0)), ==, "kept.png");

  rp_test_tmpdir_remove (tmp);
}

/* A damaged or foreign session file is an error, not a crash; saving again replaces it. */
static void
test_damaged (void)
{
  g_autofree char *tmp = rp_test_tmpdir ();
  g_autofree char *session_path = g_build_filename (tmp, "session", NULL);
  g_autofree char *json_path = g_build_filename (session_path, "session.json", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (session_path);
  g_autoptr(RpSessionState) state = rp_session_state_new ();
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (40, 30, FALSE);
  const char *damaged[] = {
    "",
    "{\"version\": 1, \"width\": 40, \"height\": 30",
    "[1, 2]",
    "{\"version\": 99}",
    "{\"version\": 1, \"width\": 40, \"height\": 30}",
    "{\"version\": 1, \"width\": 40, \"height\": 30, \"image_file\": \"../../etc/passwd\"}",
    "{\"version\": 1, \"width\": 41, \"height\": 30, \"image_file\": \"image.png\"}",
  };
  guint i;

  state->image = rp_image_new_from_pixbuf (pixbuf, "Pasted Image");
  g_assert_true (rp_session_save (dir, state, NULL, NULL));

  for (i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RpSessionState) loaded = NULL;

      g_assert_true (g_file_set_contents (json_path, damaged[i], -1, NULL));
      loaded = rp_session_load (dir, NULL, &error);
      g_assert_null (loaded);
      g_assert_nonnull (error);
    }

  /* Nesting deep enough to overflow a recursive parser is refused before parsing. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RpSessionState) loaded = NULL;
    g_autoptr(GString) deep = g_string_new ("{\"version\": 1, \"width\": 40, \"height\": 30, "
                                            "\"image_file\": \"image.png\", \"params\": ");

    for (i = 0; i < 100000; i++)
      g_string_append (deep, "{\"a\":");
    for (i = 0; i < 100000; i++)
      g_string_append_c (deep, '}');
    g_string_append_c (deep, '}');
    g_assert_true (g_file_set_contents (json_path, deep->str, deep->len, NULL));
    loaded = rp_session_load (dir, NULL, &error);
    g_assert_null (loaded);
    g_assert_nonnull (error);
  }

  /* A number too large for a double is read as infinity; saving it again must still give
   * a file that loads (it becomes null). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RpSessionState) loaded = NULL;
    g_autoptr(RpSessionState) reloaded = NULL;

    g_assert_true (g_file_set_contents (json_path,
                                        "{\"version\": 1, \"width\": 40, \"height\": 30, \"image_file\": \"image.png\","
                                        " \"params\": {\"strength\": 1e999, \"n\": 2}}", -1, NULL));
    loaded = rp_session_load (dir, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (rp_session_save (dir, loaded, NULL, &error));
    g_assert_no_error (error);
    reloaded = rp_session_load (dir, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (json_object_get_null_member (reloaded->params, "strength"));
    g_assert_cmpint (json_object_get_int_member (reloaded->params, "n"), ==, 2);
  }

  /* A references member of the wrong type is ignored, not trusted. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RpSessionState) loaded = NULL;

    g_assert_true (g_file_set_contents (json_path,
                                        "{\"version\": 1, \"width\": 40, \"height\": 30, \"image_file\": \"image.png\","
                                        " \"references\": {\"a\": 1}, \"params\": [1]}", -1, NULL));
    loaded = rp_session_load (dir, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (loaded->references->len, ==, 0);
    g_assert_null (loaded->params);
  }

  g_assert_true (rp_session_clear (dir, NULL));
  g_assert_false (g_file_test (session_path, G_FILE_TEST_EXISTS));
  rp_test_tmpdir_remove (tmp);
}

/* Two saves racing (a background save and the one on close): the state taken later wins,
 * whichever finishes last. */
static void
test_newest_wins (void)
{
  g_autofree char *tmp = rp_test_tmpdir ();
  g_autoptr(GFile) dir = g_file_new_build_filename (tmp, "session", NULL);
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (8, 8, FALSE);
  g_autoptr(RpSessionState) older = rp_session_state_new ();
  g_autoptr(RpSessionState) newer = rp_session_state_new ();
  g_autoptr(RpSessionState) loaded = NULL;

  older->image = rp_image_new_from_pixbuf (pixbuf, "Pasted");
  older->prompt = g_strdup ("older");
  older->taken_us = g_get_monotonic_time ();
  newer->image = rp_image_new_from_pixbuf (pixbuf, "Pasted");
  newer->prompt = g_strdup ("newer");
  newer->taken_us = older->taken_us + 1;

  g_assert_true (rp_session_save (dir, newer, NULL, NULL));
  g_assert_true (rp_session_save (dir, older, NULL, NULL));
  loaded = rp_session_load (dir, NULL, NULL);
  g_assert_cmpstr (loaded->prompt, ==, "newer");
  rp_test_tmpdir_remove (tmp);
}

typedef struct
{
  char  *root;
  GFile *dir;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->root = rp_test_tmpdir ();
  f->dir = g_file_new_build_filename (f->root, "session", NULL);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->dir);
  rp_test_tmpdir_remove (f->root);
  g_free (f->root);
}

static void
write_state (Fixture    *f,
             const char *json)
{
  g_autoptr(GFile) file = g_file_get_child (f->dir, "session.json");

  g_assert_true (g_file_replace_contents (file, json, strlen (json), NULL, FALSE, 0, NULL, NULL, NULL));
}

/* A pasted 6 × 4 image with a painted mask, saved as the window does. */
static void
save_pasted (Fixture *f)
{
  g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (6, 4, FALSE);
  g_autoptr(RpSessionState) state = rp_session_state_new ();
  g_autoptr(GError) error = NULL;

  state->image = rp_image_new_from_pixbuf (pixbuf, "Pasted");
  state->mask = rp_mask_new (6, 4);
  rp_mask_fill_rect (state->mask, 1, 1, 2, 2, RP_MASK_OP_PAINT);
  state->prompt = g_strdup ("a kite");
  g_assert_true (rp_session_save (f->dir, state, NULL, &error));
  g_assert_no_error (error);
}

static void
test_pasted_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(RpSessionState) state = NULL;
  g_autoptr(GError) error = NULL;

  save_pasted (f);
  state = rp_session_load (f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (state->image), ==, 6);
  g_assert_cmpint (rp_image_get_height (state->image), ==, 4);
  g_assert_cmpstr (rp_image_get_display_name (state->image), ==, "Pasted");
  g_assert_cmpint (rp_mask_get_pixel (state->mask, 1, 1), ==, 255);
  g_assert_cmpint (rp_mask_get_pixel (state->mask, 0, 0), ==, 0);
  g_assert_cmpstr (state->prompt, ==, "a kite");
}

/* session.json is a plain file: members of the wrong type are bad data, never a critical
 * (fatal in this test). What can be used is; the rest is left out. */
static void
test_edited_state (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *here = g_filename_to_uri (f->root, NULL, NULL);
  g_autofree char *json = NULL;
  g_autoptr(RpSessionState) state = NULL;
  g_autoptr(GError) error = NULL;

  save_pasted (f);

  write_state (f, "{\"version\":\"1\",\"width\":6,\"height\":4,\"image_file\":\"image.png\"}");
  g_assert_null (rp_session_load (f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  write_state (f, "{\"version\":1,\"width\":{},\"height\":[4],\"image_file\":\"image.png\"}");
  g_assert_null (rp_session_load (f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  write_state (f, "{\"version\":1,\"width\":6,\"height\":4,\"image_file\":7,\"image_uri\":[]}");
  g_assert_null (rp_session_load (f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  {
    g_autoptr(GdkPixbuf) ref = rp_test_pattern_pixbuf (5, 5, FALSE);
    g_autofree char *ref_path = g_build_filename (f->root, "ref.png", NULL);

    g_assert_true (gdk_pixbuf_save (ref, ref_path, "png", NULL, NULL));
  }
  json = g_strdup_printf ("{\"version\":1,\"width\":6,\"height\":4,\"image_file\":\"image.png\","
                          "\"name\":{},\"mask_file\":[\"mask.png\"],\"prompt\":5,\"provider\":true,"
                          "\"model\":null,\"params\":[1],\"references\":[5,null,{},\"%s/ref.png\","
                          "{\"image_uri\":\"%s/ref.png\"},{\"image_uri\":\"file:///nonexistent/ref.png\"},"
                          "{\"image_file\":\"../../ref.png\"}]}", here, here);
  write_state (f, json);
  state = rp_session_load (f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_width (state->image), ==, 6);
  g_assert_true (rp_mask_is_empty (state->mask));
  g_assert_null (state->prompt);
  g_assert_null (state->provider);
  g_assert_null (state->model);
  g_assert_null (state->params);
  g_assert_cmpuint (state->references->len, ==, 1);
}

/* A FIFO in place of session.json or of the photo would block start-up for good. */
static void
test_special_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GFile) state_file = g_file_get_child (f->dir, "session.json");
  g_autofree char *state_path = g_file_get_path (state_file);
  g_autofree char *photo_path = g_build_filename (f->root, "photo.png", NULL);
  g_autofree char *photo_uri = g_filename_to_uri (photo_path, NULL, NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_make_directory_with_parents (f->dir, NULL, NULL));
  g_assert_cmpint (mkfifo (state_path, 0600), ==, 0);
  g_assert_null (rp_session_load (f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  g_assert_cmpint (unlink (state_path), ==, 0);
  g_assert_cmpint (mkfifo (photo_path, 0600), ==, 0);
  json = g_strdup_printf ("{\"version\":1,\"width\":6,\"height\":4,\"image_uri\":\"%s\"}", photo_uri);
  write_state (f, json);
  g_assert_null (rp_session_load (f->dir, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
}

/* A session.json of a gigabyte (sparse, so it costs no disk) is refused from its size. */
static void
test_huge_state (Fixture       *f,
                 gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GFile) dir = g_file_new_build_filename (g_getenv ("RP_TEST_SESSION_ROOT"), "session", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpSessionState) state = NULL;
      gsize before_kb = rp_test_peak_vm_kb ();

      state = rp_session_load (dir, NULL, &error);
      g_assert_null (state);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
      g_assert_cmpuint (rp_test_peak_vm_kb () - before_kb, <, 64 * 1024);
      return;
    }
  else
    {
      g_autoptr(GFile) state_file = g_file_get_child (f->dir, "session.json");
      g_autofree char *path = g_file_get_path (state_file);

      save_pasted (f);
      g_assert_cmpint (truncate (path, (off_t) 1024 * 1024 * 1024), ==, 0);
      g_setenv ("RP_TEST_SESSION_ROOT", f->root, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/repaint/session/round-trip", test_round_trip);
  g_test_add_func ("/repaint/session/lost-reference", test_lost_reference);
  g_test_add_func ("/repaint/session/damaged", test_damaged);
  g_test_add_func ("/repaint/session/newest-wins", test_newest_wins);
  g_test_add ("/repaint/session/pasted-round-trip", Fixture, NULL, setup, test_pasted_round_trip, teardown);
  g_test_add ("/repaint/session/edited-state", Fixture, NULL, setup, test_edited_state, teardown);
  g_test_add ("/repaint/session/special-files", Fixture, NULL, setup, test_special_files, teardown);
  g_test_add ("/repaint/session/huge-state", Fixture, NULL, setup, test_huge_state, teardown);
  return g_test_run ();
}
