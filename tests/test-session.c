/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rp-core.h"
#include "rp-test-util.h"

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
test_round_trip (Fixture       *f,
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

  json = g_strdup_printf ("{\"version\":1,\"width\":6,\"height\":4,\"image_file\":\"image.png\","
                          "\"name\":{},\"mask_file\":[\"mask.png\"],\"prompt\":5,\"provider\":true,"
                          "\"model\":null,\"params\":[1],\"references\":[5,null,{},\"%s\","
                          "\"file:///nonexistent/ref.png\"]}", here);
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

  g_test_add ("/repaint/session/round-trip", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/repaint/session/edited-state", Fixture, NULL, setup, test_edited_state, teardown);
  g_test_add ("/repaint/session/special-files", Fixture, NULL, setup, test_special_files, teardown);
  g_test_add ("/repaint/session/huge-state", Fixture, NULL, setup, test_huge_state, teardown);

  return g_test_run ();
}
