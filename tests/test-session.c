/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The saved session: what comes back after a crash or a restart. */
#include "config.h"

#include <glib/gstdio.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/repaint/session/round-trip", test_round_trip);
  g_test_add_func ("/repaint/session/lost-reference", test_lost_reference);
  g_test_add_func ("/repaint/session/damaged", test_damaged);
  return g_test_run ();
}
