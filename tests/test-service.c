/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fake-provider.h"
#include "rp-core.h"
#include "rp-test-service.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

/* RpService against the in-process fake provider: bytes on the wire, the journal, retries,
 * failures, cancellation and compositing. */

/* A fake key: compared, never printed. */
#define TEST_KEY "sk-test-service-5f1e2d3c4b5a69788796a5b4"

/* The mixrouter definition with a quick poll, so async tests take a fraction of a second. */
#define MIXROUTER_FAST \
  "{\"id\":\"mixrouter\",\"extends\":\"mixrouter\",\"operations\":{\"edit\":{\"responses\":" \
  "{\"async\":{\"poll\":{\"interval_s\":0.1,\"timeout_s\":30}}}}}}"

typedef struct
{
  RpTestService       t;

  /* What the journal held when the first POST reached the server (server thread). */
  GMutex              lock;
  gboolean            snapped;
  guint               n_entries;
  char               *status;
  GPtrArray          *inputs;     /* GBytes, in input order */
} Fixture;

static void
snapshot_journal (const char *method,
                  const char *path,
                  gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(GFile) dir = g_file_new_for_path (f->t.history_dir);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  if (!g_str_equal (method, "POST"))
    return;
  g_mutex_lock (&f->lock);
  if (f->snapped)
    {
      g_mutex_unlock (&f->lock);
      return;
    }
  f->snapped = TRUE;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);
      g_autoptr(GFile) child = g_file_get_child (dir, name);
      g_autoptr(RpHistoryEntry) entry = NULL;

      if (name[0] != '.' && (entry = rp_history_entry_load (child, NULL)) != NULL)
        {
          f->n_entries++;
          g_free (f->status);
          f->status = g_strdup (rp_history_status_to_string (rp_history_entry_get_status (entry)));
          for (guint i = 0; i < rp_history_entry_get_n_inputs (entry); i++)
            {
              g_autoptr(GFile) input = rp_history_entry_get_input (entry, i, NULL);
              char *data = NULL;
              gsize len = 0;

              if (input != NULL && g_file_load_contents (input, NULL, &data, &len, NULL, NULL))
                g_ptr_array_add (f->inputs, g_bytes_new_take (data, len));
            }
        }
      g_object_unref (info);
    }
  g_mutex_unlock (&f->lock);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  rp_test_service_init (&f->t, TEST_KEY);
  rp_test_service_add_definition (&f->t, "mixrouter.json", MIXROUTER_FAST);
  rp_test_service_start (&f->t);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (f->t.registry)), ==, 0);

  g_mutex_init (&f->lock);
  f->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  rp_fake_provider_set_request_hook (f->t.fake, snapshot_journal, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rp_fake_provider_set_request_hook (f->t.fake, NULL, NULL);
  rp_test_service_clear (&f->t);
  g_clear_pointer (&f->inputs, g_ptr_array_unref);
  g_clear_pointer (&f->status, g_free);
  g_mutex_clear (&f->lock);
}

/* ---- Helpers ------------------------------------------------------------------------- */

static GBytes *
file_bytes (GFile *file)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_load_contents (file, NULL, &data, &len, NULL, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static guint
count_files_with_prefix (GFile      *dir,
                         const char *prefix)
{
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                    0, NULL, NULL);
  GFileInfo *info;
  guint n = 0;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      if (g_str_has_prefix (g_file_info_get_name (info), prefix) ||
          g_str_has_suffix (g_file_info_get_name (info), prefix))
        n++;
      g_object_unref (info);
    }
  return n;
}

/* The meta.json of @entry as text: for looking for the key. */
static char *
meta_text (RpHistoryEntry *entry)
{
  g_autoptr(GFile) meta = g_file_get_child (rp_history_entry_get_dir (entry), RP_HISTORY_META_FILE);
  g_autoptr(GBytes) bytes = file_bytes (meta);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Every pixel farther than the feather from the painted rectangle equals the photo's. */
static void
assert_outside_untouched (RpImage *photo,
                          GFile   *composite_file,
                          int      mx,
                          int      my,
                          int      mw,
                          int      mh,
                          double   feather)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) composite = rp_image_load_file (composite_file, NULL, &error);
  GdkPixbuf *a = rp_image_get_pixbuf (photo), *b;
  int margin = (int) feather + 2, n_a, n_b;
  guint checked = 0;

  g_assert_no_error (error);
  b = rp_image_get_pixbuf (composite);
  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, gdk_pixbuf_get_width (a));
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, gdk_pixbuf_get_height (a));
  n_a = gdk_pixbuf_get_n_channels (a);
  n_b = gdk_pixbuf_get_n_channels (b);
  for (int y = 0; y < gdk_pixbuf_get_height (a); y++)
    {
      const guint8 *ra = gdk_pixbuf_read_pixels (a) + y * gdk_pixbuf_get_rowstride (a);
      const guint8 *rb = gdk_pixbuf_read_pixels (b) + y * gdk_pixbuf_get_rowstride (b);

      for (int x = 0; x < gdk_pixbuf_get_width (a); x++)
        {
          if (x >= mx - margin && x < mx + mw + margin && y >= my - margin && y < my + mh + margin)
            continue;
          if (memcmp (ra + x * n_a, rb + x * n_b, 3) != 0)
            g_error ("pixel %d,%d changed outside the mask", x, y);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
assert_pixel_near (GFile  *file,
                   int     x,
                   int     y,
                   guint8  r,
                   guint8  g,
                   guint8  b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = rp_image_load_file (file, NULL, &error);
  GdkPixbuf *pixbuf;
  const guint8 *p;

  g_assert_no_error (error);
  pixbuf = rp_image_get_pixbuf (image);
  p = gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) +
      x * gdk_pixbuf_get_n_channels (pixbuf);
  g_assert_cmpint (ABS (p[0] - r), <=, 2);
  g_assert_cmpint (ABS (p[1] - g), <=, 2);
  g_assert_cmpint (ABS (p[2] - b), <=, 2);
}

static void
assert_job_failed (RpJob      *job,
                   GError     *error,
                   RpJobError  kind)
{
  g_assert_error (error, RP_JOB_ERROR, (gint) kind);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_FAILED);
  g_assert_nonnull (rp_job_get_next_step (job));
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 0);
  if (rp_job_get_entry (job) != NULL)
    {
      RpHistoryEntry *entry = rp_job_get_entry (job);
      g_autoptr(GFile) raw = rp_history_entry_get_output (entry, 0);

      g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_FAILED);
      g_assert_null (raw);
      g_assert_cmpuint (count_files_with_prefix (rp_history_entry_get_dir (entry), ".part"), ==, 0);
      g_assert_cmpstr (rp_history_entry_get_error_message (entry), ==, error->message);
    }
}

/* ---- The OpenAI dialect, multipart --------------------------------------------------- */

static void
test_openai_one_image (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 200, 150, 160, 120);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, mask, params);
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *meta = NULL;
  const RpFakePart *part;
  RpJobResult *result;
  RpHistoryEntry *entry;
  /* Text fields in definition order, then the image, then the mask. */
  const char *expected[] = { "prompt", "model", "size", "image", "mask" };

  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);

  request = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
  g_assert_cmpstr (rp_fake_request_get_path (request), ==, "/v1/images/edits");
  g_assert_cmpstr (rp_fake_request_get_header (request, "Authorization"), ==, "Bearer " TEST_KEY);
  g_assert_true (rp_fake_request_get_body_complete (request));
  g_assert_cmpuint (rp_fake_request_get_n_parts (request), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (rp_fake_request_get_part (request, i)->name, ==, expected[i]);
  g_assert_cmpstr (rp_fake_request_get_field (request, "model"), ==, "gpt-image-1.5");
  g_assert_cmpstr (rp_fake_request_get_field (request, "prompt"), ==, "replace the kite with a red balloon");
  g_assert_cmpstr (rp_fake_request_get_field (request, "size"), ==,
                   rp_placement_get_size_param (rp_job_get_placement (job)));
  /* Unset parameters are not sent, and never as empty strings. */
  g_assert_null (rp_fake_request_find_part (request, "n", 0));
  g_assert_null (rp_fake_request_find_part (request, "response_format", 0));
  part = rp_fake_request_find_part (request, "image", 0);
  g_assert_cmpstr (part->content_type, ==, "image/png");
  g_assert_true (g_str_has_suffix (part->filename, ".png"));
  part = rp_fake_request_find_part (request, "mask", 0);
  g_assert_cmpstr (part->content_type, ==, "image/png");
  g_assert_cmpstr (part->filename, ==, "mask.png");

  /* The mask has the first image's dimensions. */
  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 2);
  g_assert_cmpstr (rp_fake_request_get_image (request, 0)->field, ==, "image");
  g_assert_cmpstr (rp_fake_request_get_image (request, 1)->field, ==, "mask");
  g_assert_cmpint (rp_fake_request_get_image (request, 1)->width, ==,
                   rp_fake_request_get_image (request, 0)->width);
  g_assert_cmpint (rp_fake_request_get_image (request, 1)->height, ==,
                   rp_fake_request_get_image (request, 0)->height);
  g_assert_true (rp_fake_request_get_image (request, 1)->has_alpha);

  /* When the request arrived, its entry was on disk, pending, holding the exact files. */
  g_assert_true (f->snapped);
  g_assert_cmpuint (f->n_entries, ==, 1);
  g_assert_cmpstr (f->status, ==, "pending");
  g_assert_cmpuint (f->inputs->len, ==, 2);
  g_assert_true (g_bytes_equal (f->inputs->pdata[0], rp_fake_request_find_part (request, "image", 0)->data));
  g_assert_true (g_bytes_equal (f->inputs->pdata[1], rp_fake_request_find_part (request, "mask", 0)->data));

  /* One result, composited back at the photo's size; the entry is done. */
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 1);
  result = g_list_model_get_item (rp_job_get_results (job), 0);
  g_object_unref (result);
  g_assert_cmpint (rp_job_result_get_format (result), ==, RP_IMAGE_FORMAT_PNG);
  g_assert_true (g_file_query_exists (rp_job_result_get_raw (result), NULL));
  g_assert_cmpstr (json_object_get_string_member (rp_job_result_get_metadata (result), "request_id"), ==,
                   rp_fake_request_get_request_id (request));
  g_assert_true (json_object_has_member (rp_job_result_get_metadata (result), "usage"));
  assert_outside_untouched (photo, rp_job_result_get_composite (result), 200, 150, 160, 120,
                            rp_job_get_feather_radius (job));
  assert_pixel_near (rp_job_result_get_composite (result), 280, 210, 0xff, 0x00, 0xff);
  entry = rp_job_get_entry (job);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_DONE);
  g_assert_nonnull (rp_history_lookup (f->t.history, rp_history_entry_get_id (entry)));
  g_assert_cmpuint (rp_history_entry_get_n_outputs (entry), ==, 1);
  g_assert_cmpstr (rp_job_get_request_id (job), ==, rp_fake_request_get_request_id (request));
  meta = meta_text (entry);
  g_assert_null (strstr (meta, TEST_KEY));
  g_assert_nonnull (strstr (meta, rp_fake_request_get_request_id (request)));
  g_assert_cmpuint (count_files_with_prefix (rp_history_entry_get_dir (entry), ".part"), ==, 0);
}

static void
test_openai_several_images (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpImage) ref1 = rp_test_service_photo (&f->t, "ref1.png", 300, 200, FALSE);
  g_autoptr(RpImage) ref2 = rp_test_service_photo (&f->t, "ref2.png", 200, 300, FALSE);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 10, 10, 600, 440);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ref1_bytes = NULL;
  g_autoptr(GBytes) ref2_bytes = NULL;
  guint n_images = 0;

  rp_params_set_int (params, "n", 2, &error);
  g_assert_no_error (error);
  job = rp_test_service_job (&f->t, photo, mask, params);
  rp_job_add_reference (job, ref1);
  rp_job_add_reference (job, ref2);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);

  request = rp_fake_provider_get_request (f->t.fake, 0);
  /* Several images: repeated image[] in order, then the mask. */
  for (guint i = 0; i < rp_fake_request_get_n_parts (request); i++)
    {
      const RpFakePart *part = rp_fake_request_get_part (request, i);

      if (part->filename == NULL)
        {
          g_assert_cmpuint (n_images, ==, 0);
          continue;
        }
      if (n_images < 3)
        g_assert_cmpstr (part->name, ==, "image[]");
      else
        g_assert_cmpstr (part->name, ==, "mask");
      n_images++;
    }
  g_assert_cmpuint (n_images, ==, 4);
  g_assert_null (rp_fake_request_find_part (request, "image", 0));
  g_assert_cmpstr (rp_fake_request_get_field (request, "n"), ==, "2");
  /* References the provider accepts go out unchanged, in order. */
  ref1_bytes = file_bytes (rp_image_get_file (ref1));
  ref2_bytes = file_bytes (rp_image_get_file (ref2));
  g_assert_true (g_bytes_equal (rp_fake_request_find_part (request, "image[]", 1)->data, ref1_bytes));
  g_assert_true (g_bytes_equal (rp_fake_request_find_part (request, "image[]", 2)->data, ref2_bytes));
  g_assert_cmpuint (f->inputs->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_true (g_bytes_equal (f->inputs->pdata[i], rp_fake_request_find_part (request, "image[]", i)->data));
  g_assert_true (g_bytes_equal (f->inputs->pdata[3], rp_fake_request_find_part (request, "mask", 0)->data));

  /* n = 2: two results, each composited. */
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 2);
  g_assert_cmpuint (rp_history_entry_get_n_outputs (rp_job_get_entry (job)), ==, 2);
}

static void
test_quickrouter_repeat (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpImage) ref = rp_test_service_photo (&f->t, "ref.png", 320, 240, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "quickrouter", "gpt-image-1");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(RpJobResult) result = NULL;
  g_autoptr(GError) error = NULL;

  job = rp_test_service_job (&f->t, photo, NULL, params);
  rp_job_add_reference (job, ref);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  request = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpstr (rp_fake_request_get_header (request, "Accept"), ==, "application/json");
  g_assert_nonnull (rp_fake_request_find_part (request, "image", 0));
  g_assert_nonnull (rp_fake_request_find_part (request, "image", 1));
  g_assert_null (rp_fake_request_find_part (request, "image", 2));
  g_assert_null (rp_fake_request_find_part (request, "image[]", 0));
  g_assert_null (rp_fake_request_find_part (request, "mask", 0));
  /* A whole-image edit: the composite is the result scaled to the photo. */
  result = g_list_model_get_item (rp_job_get_results (job), 0);
  assert_pixel_near (rp_job_result_get_composite (result), 5, 5, 0xff, 0x00, 0xff);
}

/* ---- JSON bodies ----------------------------------------------------------------------- */

static void
test_openai_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 1024, 1024, FALSE);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 0, 0, 1024, 600);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *images;
  const char *url;

  rp_params_set_encoding (params, RP_ENCODING_JSON, &error);
  g_assert_no_error (error);
  rp_params_set_string (params, "moderation", "low", &error);
  g_assert_no_error (error);
  job = rp_test_service_job (&f->t, photo, mask, params);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  request = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpstr (rp_fake_request_get_header (request, "Content-Type"), ==, "application/json");
  root = json_node_get_object (rp_fake_request_get_json (request));
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "gpt-image-1.5");
  g_assert_cmpstr (json_object_get_string_member (root, "moderation"), ==, "low");
  images = json_object_get_array_member (root, "images");
  g_assert_cmpuint (json_array_get_length (images), ==, 1);
  url = json_object_get_string_member (json_array_get_object_element (images, 0), "image_url");
  /* The photo fits 1024×1024 exactly: its own bytes go out. */
  g_assert_true (g_str_has_prefix (url, "data:image/png;base64,"));
  g_assert_true (rp_placement_get_sends_original (rp_job_get_placement (job)));
  url = json_object_get_string_member (json_object_get_object_member (root, "mask"), "image_url");
  g_assert_true (g_str_has_prefix (url, "data:image/png;base64,"));
  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 2);
  g_assert_cmpint (rp_fake_request_get_image (request, 0)->width, ==, 1024);
  g_assert_cmpint (rp_fake_request_get_image (request, 1)->width, ==, 1024);
  {
    g_autoptr(GBytes) original = file_bytes (rp_image_get_file (photo));

    g_assert_true (g_bytes_equal (rp_fake_request_get_image (request, 0)->data, original));
    g_assert_true (g_bytes_equal (f->inputs->pdata[0], original));
  }
}

/* ---- Venice: raw bytes back, mask as a layer ------------------------------------------------ */

static void
test_venice_multi_edit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpImage) ref = rp_test_service_photo (&f->t, "ref.png", 400, 300, FALSE);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 50, 50, 500, 380);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "venice", "firered-image-edit");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpJobResult) result = NULL;
  JsonObject *root;
  JsonObject *meta;

  job = rp_test_service_job (&f->t, photo, mask, params);
  rp_job_add_reference (job, ref);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  request = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpstr (rp_fake_request_get_path (request), ==, "/v1/image/multi-edit");
  root = json_node_get_object (rp_fake_request_get_json (request));
  g_assert_cmpstr (json_object_get_string_member (root, "modelId"), ==, "firered-image-edit");
  g_assert_false (json_object_has_member (root, "model"));
  g_assert_true (json_object_get_boolean_member (root, "safe_mode"));
  /* Image, mask, reference: the mask is the layer after the first image. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "images")), ==, 3);
  g_assert_cmpuint (rp_fake_request_get_n_images (request), ==, 3);
  g_assert_true (rp_fake_request_get_image (request, 1)->has_alpha);
  g_assert_cmpint (rp_fake_request_get_image (request, 1)->width, ==, rp_fake_request_get_image (request, 0)->width);
  g_assert_true (g_bytes_equal (f->inputs->pdata[0], rp_fake_request_get_image (request, 0)->data));
  g_assert_true (g_bytes_equal (f->inputs->pdata[1], rp_fake_request_get_image (request, 1)->data));
  g_assert_true (g_bytes_equal (f->inputs->pdata[2], rp_fake_request_get_image (request, 2)->data));

  result = g_list_model_get_item (rp_job_get_results (job), 0);
  meta = rp_job_result_get_metadata (result);
  g_assert_cmpstr (json_object_get_string_member (meta, "model"), ==, "firered-image-edit");
  g_assert_cmpstr (json_object_get_string_member (meta, "violation"), ==, "false");
  g_assert_true (g_str_has_suffix (g_file_peek_path (rp_job_result_get_raw (result)), ".png"));
  assert_outside_untouched (photo, rp_job_result_get_composite (result), 50, 50, 500, 380,
                            rp_job_get_feather_radius (job));
}

static void
test_venice_edit_jpeg (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "venice", "firered-image-edit");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpJobResult) result = NULL;

  rp_params_set_string (params, "resolution", "2K", &error);
  g_assert_no_error (error);
  rp_params_set_boolean (params, "enhance_prompt", TRUE, &error);
  g_assert_no_error (error);
  job = rp_test_service_job (&f->t, photo, NULL, params);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  request = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpstr (rp_fake_request_get_path (request), ==, "/v1/image/edit");
  result = g_list_model_get_item (rp_job_get_results (job), 0);
  /* JPEG at 2K, named by its bytes; the enhanced prompt header decoded. */
  g_assert_cmpint (rp_job_result_get_format (result), ==, RP_IMAGE_FORMAT_JPEG);
  g_assert_true (g_str_has_suffix (g_file_peek_path (rp_job_result_get_raw (result)), ".jpg"));
  g_assert_cmpstr (json_object_get_string_member (rp_job_result_get_metadata (result), "enhanced_prompt"), ==,
                   "replace the kite with a red balloon, highly detailed");
}

/* ---- URL results ----------------------------------------------------------------------- */

static void
test_url_same_host (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "crazyrouter", "gpt-image-2");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(RpFakeRequest) download = NULL;
  g_autoptr(GError) error = NULL;

  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_URL_RESULTS);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 2);
  download = rp_fake_provider_get_request (f->t.fake, 1);
  g_assert_cmpstr (rp_fake_request_get_method (download), ==, "GET");
  g_assert_true (g_str_has_prefix (rp_fake_request_get_path (download), "/files/"));
  /* The provider's own address: the key may go there. */
  g_assert_cmpstr (rp_fake_request_get_header (download, "Authorization"), ==, "Bearer " TEST_KEY);
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 1);
}

static void
test_url_foreign_host (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "crazyrouter", "gpt-image-2");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  RpFakeProvider *foreign = rp_fake_provider_get_foreign (f->t.fake);
  g_autoptr(RpFakeRequest) download = NULL;
  g_autoptr(GError) error = NULL;

  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_FOREIGN_URL_RESULTS);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (foreign), ==, 1);
  download = rp_fake_provider_get_request (foreign, 0);
  /* Another host never sees the key. */
  g_assert_null (rp_fake_request_get_header (download, "Authorization"));
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 1);
}

static void
test_url_not_image (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "crazyrouter", "gpt-image-2");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;

  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_NOT_IMAGE_URL);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_BAD_RESPONSE);
}

/* ---- Streaming ------------------------------------------------------------------------ */

typedef struct
{
  GArray  *indices;
  guint    previews;
  guint    results_before;
  RpJob   *job;
} Partials;

static void
on_partial (RpJob     *job,
            guint      index,
            GFile     *file,
            GdkPixbuf *preview,
            Partials  *p)
{
  g_array_append_val (p->indices, index);
  g_assert_true (g_file_query_exists (file, NULL));
  if (preview != NULL)
    p->previews++;
  p->results_before += g_list_model_get_n_items (rp_job_get_results (job));
}

static void
test_sse (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 100, 100, 100, 100);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(RpFakeRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  Partials p = { g_array_new (FALSE, FALSE, sizeof (guint)), 0, 0, NULL };
  JsonObject *meta;

  rp_params_set_boolean (params, "stream", TRUE, &error);
  g_assert_no_error (error);
  rp_params_set_int (params, "partial_images", 2, &error);
  g_assert_no_error (error);
  job = rp_test_service_job (&f->t, photo, mask, params);
  g_signal_connect (job, "partial-image", G_CALLBACK (on_partial), &p);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  request = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpstr (rp_fake_request_get_field (request, "stream"), ==, "true");
  /* Previews in order, before the result. */
  g_assert_cmpuint (p.indices->len, ==, 2);
  g_assert_cmpuint (g_array_index (p.indices, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (p.indices, guint, 1), ==, 1);
  g_assert_cmpuint (p.previews, ==, 2);
  g_assert_cmpuint (p.results_before, ==, 0);
  g_assert_cmpuint (rp_job_get_n_partials (job), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 1);
  meta = rp_history_entry_get_metadata (rp_job_get_entry (job));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (meta, "partials")), ==, 2);
  g_assert_nonnull (rp_job_get_usage (job));
  g_array_unref (p.indices);
}

static void
test_sse_cut (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;

  rp_params_set_boolean (params, "stream", TRUE, &error);
  g_assert_no_error (error);
  job = rp_test_service_job (&f->t, photo, NULL, params);
  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_SSE_CUT);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_BAD_RESPONSE);
  /* The preview that did arrive is kept; no result is. */
  g_assert_cmpuint (rp_job_get_n_partials (job), <=, 1);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
}

static void
test_sse_error (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;

  rp_params_set_boolean (params, "stream", TRUE, &error);
  g_assert_no_error (error);
  job = rp_test_service_job (&f->t, photo, NULL, params);
  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_SSE_ERROR);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_MODERATION);
  g_assert_nonnull (strstr (rp_job_get_provider_message (job), "safety_violations"));
  g_assert_cmpstr (rp_job_get_provider_code (job), ==, "moderation_blocked");
}

/* ---- Async tasks ----------------------------------------------------------------------- */

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "mixrouter", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpFakeRequest) submit = NULL;
  guint n;

  rp_params_set_boolean (params, "async", TRUE, &error);
  g_assert_no_error (error);
  rp_fake_provider_set_async_polls (f->t.fake, 1, 2);
  job = rp_test_service_job (&f->t, photo, NULL, params);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  submit = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpstr (rp_fake_request_get_query_param (submit, "async"), ==, "true");
  /* Submit, then polls (queued, running, running, succeeded). */
  n = rp_fake_provider_get_n_requests (f->t.fake);
  g_assert_cmpuint (n, ==, 5);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(RpFakeRequest) poll = rp_fake_provider_get_request (f->t.fake, i);

      g_assert_cmpstr (rp_fake_request_get_method (poll), ==, "GET");
      g_assert_true (g_str_has_prefix (rp_fake_request_get_path (poll), "/v1/async/tasks/job_fake_"));
      g_assert_cmpstr (rp_fake_request_get_header (poll, "Authorization"), ==, "Bearer " TEST_KEY);
    }
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 1);
}

static void
test_async_task_id_only (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "mixrouter", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpFakeRequest) poll = NULL;

  rp_params_set_boolean (params, "async", TRUE, &error);
  g_assert_no_error (error);
  rp_fake_provider_set_async_polls (f->t.fake, 0, 0);
  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_ASYNC_TASK_ID_ONLY);
  job = rp_test_service_job (&f->t, photo, NULL, params);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  /* No status URL: the first path template of the definition. */
  poll = rp_fake_provider_get_request (f->t.fake, 1);
  g_assert_true (g_str_has_prefix (rp_fake_request_get_path (poll), "/v1/async/tasks/task_fake_"));
}

static void
test_async_fail (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "mixrouter", "gpt-image-1.5");
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;

  rp_params_set_boolean (params, "async", TRUE, &error);
  g_assert_no_error (error);
  rp_fake_provider_set_async_polls (f->t.fake, 0, 1);
  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_ASYNC_FAIL);
  job = rp_test_service_job (&f->t, photo, NULL, params);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_SERVER);
  g_assert_cmpstr (rp_job_get_provider_message (job), ==, "The upstream provider failed to produce an image.");
}

/* ---- Retries ---------------------------------------------------------------------------- */

static void
test_rate_limit_retry (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  RpFakeFault fault = { RP_FAKE_RATE_LIMIT, .retry_after_s = 1 };
  g_autoptr(RpFakeRequest) first = NULL;
  gint64 t0 = g_get_monotonic_time ();

  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  /* Retry-After: 1 was waited for, then the same request went again and succeeded. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 2);
  first = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_cmpuint (rp_fake_request_get_reply_status (first), ==, 429);
  g_assert_cmpuint (rp_job_get_attempt (job), ==, 2);
  g_assert_cmpint (rp_history_entry_get_status (rp_job_get_entry (job)), ==, RP_HISTORY_STATUS_DONE);
}

static void
test_rate_limit_too_long (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  RpFakeFault fault = { RP_FAKE_RATE_LIMIT, .retry_after_s = 600 };

  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  /* A wait beyond the policy's max_wait_s is given up at once. */
  assert_job_failed (job, error, RP_JOB_ERROR_RATE_LIMIT);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
  g_assert_cmpuint (rp_job_get_http_status (job), ==, 429);
}

static void
test_server_error_retry (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  RpFakeFault fault = { RP_FAKE_SERVER_ERROR, .status = 503 };

  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 2);
}

static void
test_server_error_no_retry (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  RpFakeFault fault = { RP_FAKE_SERVER_ERROR, .status = 500 };

  /* A 500 after the upload may have been billed: reported, not sent again. */
  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_SERVER);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
  g_assert_cmpuint (rp_job_get_http_status (job), ==, 500);
  g_assert_nonnull (rp_job_get_request_id (job));
}

static void
test_reset_during_upload (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 900, 700, FALSE);
  /* A body far larger than what the kernel buffers on loopback, so the reset reaches the
   * client while it is still writing (a body already handed to the kernel whole counts as
   * sent: it may have been received and billed). */
  g_autoptr(RpImage) big = rp_test_service_photo (&f->t, "big.png", 2400, 2400, TRUE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpFakeRequest) first = NULL;
  RpFakeFault fault = { RP_FAKE_RESET_UPLOAD, .bytes = 64 * 1024 };

  rp_job_add_reference (job, big);

  /* The connection broke before the body was complete: nothing was billed, send again. */
  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  first = rp_fake_provider_get_request (f->t.fake, 0);
  g_assert_false (rp_fake_request_get_body_complete (first));
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 2);
  g_assert_cmpuint (rp_job_get_attempt (job), ==, 2);
}

/* ---- Failures ------------------------------------------------------------------------------ */

typedef struct
{
  const char     *provider;
  const char     *model;
  RpFakeBehavior  behavior;
  RpJobError      kind;
  guint           status;
  const char     *message_part;
} FailureCase;

static const FailureCase failure_cases[] = {
  { "openai", "gpt-image-1.5", RP_FAKE_INVALID_API_KEY, RP_JOB_ERROR_AUTH, 401, "Incorrect API key" },
  { "crazyrouter", "gpt-image-2", RP_FAKE_INSUFFICIENT_QUOTA, RP_JOB_ERROR_QUOTA, 403, NULL },
  { "openai", "gpt-image-1.5", RP_FAKE_QUOTA_429, RP_JOB_ERROR_QUOTA, 429, NULL },
  { "openai", "gpt-image-1.5", RP_FAKE_MODERATION, RP_JOB_ERROR_MODERATION, 400, "safety" },
  { "venice", "firered-image-edit", RP_FAKE_MODERATION, RP_JOB_ERROR_MODERATION, 422, NULL },
  { "venice", "firered-image-edit", RP_FAKE_PAYMENT_REQUIRED, RP_JOB_ERROR_QUOTA, 402, NULL },
  { "openai", "gpt-image-1.5", RP_FAKE_INVALID_JSON, RP_JOB_ERROR_BAD_RESPONSE, 200, NULL },
  { "openai", "gpt-image-1.5", RP_FAKE_TRUNCATED, RP_JOB_ERROR_BAD_RESPONSE, 200, NULL },
  { "openai", "gpt-image-1.5", RP_FAKE_EMPTY_DATA, RP_JOB_ERROR_BAD_RESPONSE, 200, NULL },
};

static void
test_failure (Fixture       *f,
              gconstpointer  data)
{
  const FailureCase *c = data;
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, c->provider, c->model);
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  const char *route = g_str_equal (c->provider, "venice") ? "/image/edit" : "/images/edits";

  rp_fake_provider_push (f->t.fake, route, c->behavior);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, c->kind);
  /* None of these is worth (or safe) sending again. */
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
  g_assert_cmpuint (rp_job_get_http_status (job), ==, c->status);
  if (c->message_part != NULL)
    g_assert_nonnull (strstr (rp_job_get_provider_message (job), c->message_part));
  if (c->kind != RP_JOB_ERROR_BAD_RESPONSE)
    g_assert_nonnull (rp_job_get_provider_message (job));
  g_assert_null (strstr (error->message, TEST_KEY));
  {
    g_autofree char *meta = meta_text (rp_job_get_entry (job));

    g_assert_null (strstr (meta, TEST_KEY));
    g_assert_nonnull (strstr (meta, rp_job_error_kind_to_string (c->kind)));
  }
}

static void
test_stall_timeout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  rp_service_set_read_timeout (f->t.service, 1.0);
  rp_fake_provider_push (f->t.fake, "/images/edits", RP_FAKE_STALL);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_TIMEOUT);
  /* The upload was complete: the provider may be billing it, so it is not sent again. */
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
}

static void
test_redirect_not_followed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  RpFakeFault fault = { RP_FAKE_REDIRECT, .status = 307 };

  /* An edit is never sent a second time to wherever a redirect points. */
  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_job_failed (job, error, RP_JOB_ERROR_INVALID);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 1);
  g_assert_cmpuint (rp_job_get_http_status (job), ==, 307);
}

static void
test_invalid_before_send (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "dall-e-2");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;

  /* dall-e-2 takes only square images with transparency (no mask here). */
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  g_assert_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 0);
  g_assert_null (rp_job_get_entry (job));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->t.history)), ==, 0);
}

static void
test_missing_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;

  rp_service_set_api_key (f->t.service, "openai", NULL);
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  g_assert_error (error, RP_JOB_ERROR, RP_JOB_ERROR_AUTH);
  g_assert_nonnull (strstr (rp_job_get_next_step (job), "OPENAI_API_KEY"));
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 0);
  g_assert_null (rp_job_get_entry (job));
}

/* ---- Cancelling -------------------------------------------------------------------------- */

static void
cancel_in_state (RpJob      *job,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  if ((int) rp_job_get_state (job) == GPOINTER_TO_INT (user_data))
    rp_job_cancel (job);
}

static void
assert_cancelled (Fixture *f,
                  RpJob   *job,
                  GError  *error)
{
  RpHistoryEntry *entry = rp_job_get_entry (job);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_CANCELLED);
  g_assert_null (rp_job_get_next_step (job));
  g_assert_nonnull (entry);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_CANCELLED);
  g_assert_cmpuint (rp_history_entry_get_n_outputs (entry), ==, 0);
  g_assert_cmpuint (count_files_with_prefix (rp_history_entry_get_dir (entry), "raw-"), ==, 0);
  g_assert_cmpuint (count_files_with_prefix (rp_history_entry_get_dir (entry), "result-"), ==, 0);
  g_assert_cmpuint (count_files_with_prefix (rp_history_entry_get_dir (entry), ".part"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 0);
  /* The inputs stay for Retry. */
  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), >, 0);
}

static void
test_cancel_upload (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 1500, 1000, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;

  g_signal_connect (job, "notify::state", G_CALLBACK (cancel_in_state),
                    GINT_TO_POINTER (RP_JOB_STATE_UPLOADING));
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_cancelled (f, job, error);
  g_assert_cmpint (rp_job_get_bytes_sent (job), <, rp_job_get_bytes_total (job));
}

static void
test_cancel_waiting (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GError) error = NULL;
  RpFakeFault fault = { RP_FAKE_DELAY, .delay_ms = 5000 };
  gint64 t0 = g_get_monotonic_time ();

  rp_fake_provider_push_fault (f->t.fake, "/images/edits", &fault);
  g_signal_connect (job, "notify::state", G_CALLBACK (cancel_in_state),
                    GINT_TO_POINTER (RP_JOB_STATE_WAITING));
  g_assert_false (rp_test_service_run (&f->t, job, &error));
  assert_cancelled (f, job, error);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpint (rp_job_get_bytes_sent (job), ==, rp_job_get_bytes_total (job));
}

/* ---- Several jobs -------------------------------------------------------------------------- */

static void
test_per_provider_limit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  g_autoptr(RpJob) first = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(RpJob) second = rp_test_service_job (&f->t, photo, NULL, params);
  RpFakeFault slow = { RP_FAKE_DELAY, .delay_ms = 400 };
  RpTestWait w1, w2;

  rp_service_set_max_jobs_per_provider (f->t.service, 1);
  rp_fake_provider_set_default (f->t.fake, "/images/edits", &slow);
  rp_test_service_start_job (f->t.service, first, &w1);
  rp_test_service_start_job (f->t.service, second, &w2);
  g_assert_cmpuint (g_list_model_get_n_items (rp_service_get_jobs (f->t.service)), ==, 2);
  while (rp_job_get_state (first) != RP_JOB_STATE_WAITING)
    g_main_context_iteration (NULL, TRUE);
  /* The first holds the only slot: the second waits, nothing of it sent. */
  g_assert_cmpint (rp_job_get_state (second), ==, RP_JOB_STATE_QUEUED);
  g_assert_null (rp_job_get_entry (second));
  rp_test_wait (&w1);
  g_assert_cmpint (rp_job_get_state (second), !=, RP_JOB_STATE_DONE);
  rp_test_wait (&w2);
  g_assert_true (w1.ok && w2.ok);
  g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (rp_service_get_jobs (f->t.service)), ==, 0);
}

static void
test_no_history (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(RpService) service = rp_service_new (NULL, NULL);
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  RpJob *job = rp_test_service_job (&f->t, photo, NULL, params);
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) raw = NULL;
  g_autoptr(GFile) tmp = g_file_new_for_path (f->t.dir);
  g_autoptr(RpJobResult) result = NULL;
  RpTestWait w = { 0, };

  rp_service_set_api_key (service, "openai", TEST_KEY);
  rp_test_service_start_job (service, job, &w);
  rp_test_wait (&w);
  g_assert_true (w.ok);
  /* The files were written into a private journal before the upload... */
  g_assert_cmpuint (f->n_entries, ==, 0);
  g_assert_cmpuint (f->inputs->len, ==, 0);
  result = g_list_model_get_item (rp_job_get_results (job), 0);
  raw = g_object_ref (rp_job_result_get_raw (result));
  dir = g_file_get_parent (rp_history_entry_get_dir (rp_job_get_entry (job)));
  g_assert_true (g_file_query_exists (raw, NULL));
  g_assert_false (g_file_has_prefix (raw, tmp));
  /* ...which goes away with the job. */
  g_object_unref (job);
  g_assert_false (g_file_query_exists (dir, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/repaint/service/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("openai/one-image", test_openai_one_image);
  ADD ("openai/several-images", test_openai_several_images);
  ADD ("openai/json-body", test_openai_json);
  ADD ("quickrouter/repeated-image", test_quickrouter_repeat);
  ADD ("venice/multi-edit", test_venice_multi_edit);
  ADD ("venice/edit-jpeg", test_venice_edit_jpeg);
  ADD ("url/same-host", test_url_same_host);
  ADD ("url/foreign-host", test_url_foreign_host);
  ADD ("url/not-an-image", test_url_not_image);
  ADD ("sse/partials", test_sse);
  ADD ("sse/cut", test_sse_cut);
  ADD ("sse/error-event", test_sse_error);
  ADD ("async/poll", test_async);
  ADD ("async/task-id-only", test_async_task_id_only);
  ADD ("async/failed", test_async_fail);
  ADD ("retry/rate-limit", test_rate_limit_retry);
  ADD ("retry/rate-limit-too-long", test_rate_limit_too_long);
  ADD ("retry/503", test_server_error_retry);
  ADD ("retry/500-not-retried", test_server_error_no_retry);
  ADD ("retry/reset-during-upload", test_reset_during_upload);
  ADD ("timeout/stall", test_stall_timeout);
  ADD ("redirect/not-followed", test_redirect_not_followed);
  ADD ("invalid/before-send", test_invalid_before_send);
  ADD ("invalid/missing-key", test_missing_key);
  ADD ("cancel/upload", test_cancel_upload);
  ADD ("cancel/waiting", test_cancel_waiting);
  ADD ("jobs/per-provider-limit", test_per_provider_limit);
  ADD ("jobs/no-history", test_no_history);
  for (guint i = 0; i < G_N_ELEMENTS (failure_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/repaint/service/failure/%s-%s",
                                               failure_cases[i].provider,
                                               rp_fake_behavior_to_string (failure_cases[i].behavior));

      g_test_add (path, Fixture, &failure_cases[i], fixture_setup, test_failure, fixture_teardown);
    }
#undef ADD

  return g_test_run ();
}
