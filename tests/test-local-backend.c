/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

/* The offline fill as a provider: real jobs through RpService with the local backend, no
 * key and no network, from the plan to the composite and the journal. */

/* The kite in the sample photo (2560 × 1600). */
#define KITE_X 1650
#define KITE_Y 450
#define KITE_W 350
#define KITE_H 300

typedef struct
{
  char               *dir;
  RpProviderRegistry *registry;
  RpHistory          *history;
  RpService          *service;
  RpParams           *params;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *user_dir = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *history_dir = NULL;
  g_autoptr(GFile) history = NULL;
  g_autoptr(RpLocalBackend) backend = rp_local_backend_new ();
  g_autoptr(GError) error = NULL;

  f->dir = rp_test_tmpdir ();
  user_dir = g_build_filename (f->dir, "providers", NULL);
  cache_dir = g_build_filename (f->dir, "cache", NULL);
  history_dir = g_build_filename (f->dir, "history", NULL);
  f->registry = rp_provider_registry_new (user_dir, cache_dir);
  rp_provider_registry_load (f->registry);
  history = g_file_new_for_path (history_dir);
  f->history = rp_history_new (history);
  /* No key store and no key: the offline fill needs neither. */
  f->service = rp_service_new (f->history, NULL);
  rp_service_add_backend (f->service, RP_PROVIDER_RESERVED_ID, RP_EDIT_BACKEND (backend));
  f->params = rp_params_new (rp_provider_registry_lookup (f->registry, "local"), "patchmatch", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->params);
  g_clear_object (&f->service);
  g_clear_object (&f->history);
  g_clear_object (&f->registry);
  rp_test_tmpdir_remove (f->dir);
  g_free (f->dir);
}

static RpImage *
load_sample (void)
{
  g_autofree char *path = rp_test_sample_photo ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  RpImage *image = rp_image_load_file (file, NULL, &error);

  g_assert_no_error (error);
  return image;
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError **error = user_data;

  if (!rp_service_run_job_finish (RP_SERVICE (source), result, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "failed without an error");
}

static gboolean
run_job (Fixture  *f,
         RpJob    *job,
         GError  **error)
{
  GError *local_error = NULL;

  rp_service_run_job_async (f->service, job, NULL, job_done, &local_error);
  while (!rp_job_is_finished (job))
    g_main_context_iteration (NULL, TRUE);
  /* The callback comes right after the last state change. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static GdkPixbuf *
load_pixbuf (GFile *file)
{
  g_autoptr(RpImage) image = NULL;
  g_autoptr(GError) error = NULL;

  image = rp_image_load_file (file, NULL, &error);
  g_assert_no_error (error);
  return g_object_ref (rp_image_get_pixbuf (image));
}

static guint
count_named (GFile      *dir,
             const char *needle)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  GFileInfo *info;
  guint n = 0;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      if (strstr (g_file_info_get_name (info), needle) != NULL)
        n++;
      g_object_unref (info);
    }
  return n;
}

typedef struct
{
  GArray  *values;    /* double */
  RpJob   *cancel;    /* cancel this job at the first progress inside the fill */
  gint64   cancelled_us;
} Progress;

static void
on_progress (RpJob      *job,
             GParamSpec *pspec,
             Progress   *p)
{
  double value = rp_job_get_progress (job);

  g_array_append_val (p->values, value);
  if (p->cancel == job && value > 0 && value < 1 && p->cancelled_us == 0)
    {
      p->cancelled_us = g_get_monotonic_time ();
      rp_job_cancel (job);
    }
}

/* The kite comes out of the sky: the crop around it goes out at the photo's own resolution,
 * the fill's progress is reported, the filled crop comes back at the upload's size, and the
 * composite changes nothing outside the feathered mask. */
static void
test_fill_kite (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(RpImage) photo = load_sample ();
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, KITE_X, KITE_Y, KITE_W, KITE_H);
  g_autoptr(RpJob) job = rp_job_new (photo, mask, "remove the kite", f->params);
  g_autoptr(RpJobResult) result = NULL;
  g_autoptr(RpHistoryEntry) reloaded = NULL;
  g_autoptr(GdkPixbuf) raw = NULL;
  g_autoptr(GdkPixbuf) composite = NULL;
  g_autoptr(GFile) upload = NULL;
  g_autoptr(GdkPixbuf) upload_pixels = NULL;
  g_autoptr(GError) error = NULL;
  Progress p = { g_array_new (FALSE, FALSE, sizeof (double)), NULL, 0 };
  RpPlacement *placement;
  RpHistoryEntry *entry;
  cairo_rectangle_int_t region;
  guint kite_px, left_px;
  JsonObject *info;

  /* The fill reads no prompt, so the job keeps none. */
  g_assert_cmpstr (rp_job_get_prompt (job), ==, "");
  g_assert_cmpfloat (rp_job_get_progress (job), ==, -1);
  g_signal_connect (job, "notify::progress", G_CALLBACK (on_progress), &p);
  if (!run_job (f, job, &error))
    g_error ("%s", error->message);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);

  /* The plan: the crop around the kite, not scaled. */
  placement = rp_job_get_placement (job);
  rp_placement_get_region (placement, &region);
  g_assert_true (rp_placement_get_is_cropped (placement));
  g_assert_cmpfloat (rp_placement_get_scale (placement), ==, 1.0);
  g_assert_cmpint (rp_placement_get_upload_width (placement), ==, region.width);
  g_assert_cmpint (rp_placement_get_upload_height (placement), ==, region.height);
  g_assert_cmpint (region.x, <=, KITE_X);
  g_assert_cmpint (region.x + region.width, >=, KITE_X + KITE_W);
  g_assert_cmpint (region.width, <, rp_image_get_width (photo));

  /* Progress from 0 to 1, never backwards, with steps in between. */
  g_assert_cmpuint (p.values->len, >=, 3);
  g_assert_cmpfloat (g_array_index (p.values, double, 0), ==, 0);
  g_assert_cmpfloat (g_array_index (p.values, double, p.values->len - 1), ==, 1);
  for (guint i = 1; i < p.values->len; i++)
    g_assert_cmpfloat (g_array_index (p.values, double, i), >=, g_array_index (p.values, double, i - 1));

  /* The journal: the crop sent, one result the upload's size, the entry done on disk. */
  entry = rp_job_get_entry (job);
  g_assert_nonnull (entry);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_DONE);
  reloaded = rp_history_entry_load (rp_history_entry_get_dir (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_history_entry_get_status (reloaded), ==, RP_HISTORY_STATUS_DONE);
  g_assert_cmpstr (rp_history_entry_get_prompt (reloaded), ==, "");
  upload = rp_history_entry_get_input (entry, 0, NULL);
  upload_pixels = load_pixbuf (upload);
  g_assert_cmpint (gdk_pixbuf_get_width (upload_pixels), ==, region.width);
  g_assert_cmpint (gdk_pixbuf_get_height (upload_pixels), ==, region.height);
  g_assert_cmpuint (count_named (rp_history_entry_get_dir (entry), ".part"), ==, 0);

  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 1);
  result = g_list_model_get_item (rp_job_get_results (job), 0);
  g_assert_cmpint (rp_job_result_get_width (result), ==, region.width);
  g_assert_cmpint (rp_job_result_get_height (result), ==, region.height);
  info = rp_job_result_get_metadata (result);
  g_assert_nonnull (info);
  /* No seed was set: the one drawn for this fill is kept with it. */
  g_assert_true (json_object_has_member (info, "seed"));
  raw = load_pixbuf (rp_job_result_get_raw (result));
  /* Outside the hole the raw result is the upload, byte for byte. */
  rp_test_assert_untouched_outside (upload_pixels, raw, KITE_X - region.x, KITE_Y - region.y, KITE_W, KITE_H, 0);

  /* The composite: the photo everywhere but under the feathered mask… */
  composite = load_pixbuf (rp_job_result_get_composite (result));
  rp_test_assert_untouched_outside (rp_image_get_pixbuf (photo), composite, KITE_X, KITE_Y, KITE_W, KITE_H,
                            (int) RP_PLACEMENT_DEFAULT_FEATHER_PX + 2);
  /* …and there, sky instead of the kite. */
  kite_px = rp_test_sample_count_not_sky (rp_image_get_pixbuf (photo), KITE_X, KITE_Y, KITE_W, KITE_H);
  left_px = rp_test_sample_count_not_sky (composite, KITE_X, KITE_Y, KITE_W, KITE_H);
  g_test_message ("pixels not sky: %u before, %u after", kite_px, left_px);
  g_assert_cmpuint (kite_px, >, 5000);
  g_assert_cmpuint (left_px, <, kite_px / 100);

  g_array_unref (p.values);
}

/* Cancel while the fill computes: the job ends cancelled at once and leaves no result. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(RpImage) photo = load_sample ();
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 900, 300, 900, 700);
  g_autoptr(RpJob) job = rp_job_new (photo, mask, NULL, f->params);
  g_autoptr(GError) error = NULL;
  Progress p = { g_array_new (FALSE, FALSE, sizeof (double)), job, 0 };
  RpHistoryEntry *entry;
  gint64 took_us;

  g_signal_connect (job, "notify::progress", G_CALLBACK (on_progress), &p);
  g_assert_false (run_job (f, job, &error));
  took_us = g_get_monotonic_time () - p.cancelled_us;
  g_assert_cmpint (p.cancelled_us, >, 0);
  g_test_message ("ended %.0f ms after the cancel", took_us / 1000.0);
  g_assert_cmpint (took_us, <, G_USEC_PER_SEC / 2);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_CANCELLED);
  g_assert_null (rp_job_get_next_step (job));
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 0);
  entry = rp_job_get_entry (job);
  g_assert_nonnull (entry);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_CANCELLED);
  g_assert_cmpuint (rp_history_entry_get_n_outputs (entry), ==, 0);
  g_assert_cmpuint (count_named (rp_history_entry_get_dir (entry), "raw-"), ==, 0);
  g_assert_cmpuint (count_named (rp_history_entry_get_dir (entry), "result-"), ==, 0);
  g_assert_cmpuint (count_named (rp_history_entry_get_dir (entry), ".part"), ==, 0);
  /* The inputs stay, for Retry. */
  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), ==, 2);
  g_array_unref (p.values);
}

/* Runs @job; returns the raw result's pixels and the seed the fill used. */
static GBytes *
fill (Fixture *f,
      RpJob   *job,
      gint64  *seed)
{
  g_autoptr(RpJobResult) result = NULL;
  g_autoptr(GdkPixbuf) raw = NULL;
  g_autoptr(GError) error = NULL;

  if (!run_job (f, job, &error))
    g_error ("%s", error->message);
  result = g_list_model_get_item (rp_job_get_results (job), 0);
  *seed = json_object_get_int_member (rp_job_result_get_metadata (result), "seed");
  raw = load_pixbuf (rp_job_result_get_raw (result));
  return g_bytes_new (gdk_pixbuf_read_pixels (raw),
                      (gsize) gdk_pixbuf_get_rowstride (raw) * gdk_pixbuf_get_height (raw));
}

static GBytes *
fill_pattern (Fixture *f,
              RpImage *photo,
              RpMask  *mask,
              gint64   seed,
              gint64  *used)
{
  g_autoptr(RpJob) job = NULL;

  if (seed >= 0)
    g_assert_true (rp_params_set_int (f->params, "seed", seed, NULL));
  else
    rp_params_unset (f->params, "seed");
  job = rp_job_new (photo, mask, NULL, f->params);
  return fill (f, job, used);
}

/* The seed parameter is the fill's: the same seed fills the same, another differently;
 * unset, every fill draws its own. */
static void
test_seed (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_pattern_image (f->dir, "pattern.png", 320, 240);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 120, 90, 60, 50);
  gint64 s1, s2, s3, s4, s5;
  g_autoptr(GBytes) one = fill_pattern (f, photo, mask, 1, &s1);
  g_autoptr(GBytes) again = fill_pattern (f, photo, mask, 1, &s2);
  g_autoptr(GBytes) other = fill_pattern (f, photo, mask, 7, &s3);
  g_autoptr(GBytes) drawn = fill_pattern (f, photo, mask, -1, &s4);
  g_autoptr(GBytes) drawn_again = fill_pattern (f, photo, mask, -1, &s5);

  g_assert_cmpint (s1, ==, 1);
  g_assert_cmpint (s2, ==, 1);
  g_assert_cmpint (s3, ==, 7);
  g_assert_true (g_bytes_equal (one, again));
  g_assert_false (g_bytes_equal (one, other));
  g_assert_cmpint (s4, !=, s5);
  g_assert_false (g_bytes_equal (drawn, drawn_again));
}

/* From the history: Retry sends the same fill again (a seed that was set stays), Run Again
 * asks for a new variation. */
static void
test_from_history (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_pattern_image (f->dir, "pattern.png", 320, 240);
  g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 120, 90, 60, 50);
  RpProvider *local = rp_params_get_provider (f->params);
  g_autoptr(RpJob) first = NULL, retry = NULL, variation = NULL;
  g_autoptr(GBytes) original = NULL, retried = NULL, varied = NULL;
  g_autoptr(GError) error = NULL;
  gint64 s1, s2, s3;

  g_assert_true (rp_params_set_int (f->params, "seed", 5, NULL));
  first = rp_job_new (photo, mask, NULL, f->params);
  original = fill (f, first, &s1);
  retry = rp_job_new_from_entry (rp_job_get_entry (first), local, FALSE, NULL, &error);
  g_assert_no_error (error);
  retried = fill (f, retry, &s2);
  variation = rp_job_new_from_entry (rp_job_get_entry (first), local, TRUE, NULL, &error);
  g_assert_no_error (error);
  varied = fill (f, variation, &s3);

  g_assert_cmpint (s1, ==, 5);
  g_assert_cmpint (s2, ==, 5);
  g_assert_true (g_bytes_equal (original, retried));
  g_assert_cmpint (s3, !=, 5);
  g_assert_false (g_bytes_equal (original, varied));
}

/* What cannot be filled is refused with a reason and what to do; without the backend the
 * provider is not sent anywhere else. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(RpImage) photo = rp_test_pattern_image (f->dir, "pattern.png", 320, 240);
  g_autoptr(GError) error = NULL;

  /* Nearly everything painted: too little left to copy from. */
  {
    g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 4, 4, 312, 232);
    g_autoptr(RpJob) job = rp_job_new (photo, mask, NULL, f->params);

    g_assert_false (run_job (f, job, &error));
    g_assert_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID);
    g_test_message ("%s / %s", error->message, rp_job_get_next_step (job));
    g_assert_nonnull (strstr (error->message, "Too much of the photo is painted"));
    g_assert_nonnull (strstr (rp_job_get_next_step (job), "Erase part of the mask"));
    g_assert_cmpint (rp_history_entry_get_status (rp_job_get_entry (job)), ==, RP_HISTORY_STATUS_FAILED);
    g_clear_error (&error);
  }
  /* No mask: refused before anything is written. */
  {
    g_autoptr(RpJob) job = rp_job_new (photo, NULL, NULL, f->params);

    g_assert_false (run_job (f, job, &error));
    g_assert_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID);
    g_assert_cmpstr (rp_job_get_invalid_param (job), ==, RP_PARAMS_INPUT_MASK);
    g_assert_null (rp_job_get_entry (job));
    g_clear_error (&error);
  }
  /* A service without the backend does not hand the job to the HTTP engine. */
  {
    g_autoptr(RpService) bare = rp_service_new (NULL, NULL);
    g_autoptr(RpMask) mask = rp_test_rect_mask (photo, 120, 90, 60, 50);
    g_autoptr(RpJob) job = rp_job_new (photo, mask, NULL, f->params);
    RpService *kept = f->service;

    f->service = bare;
    g_assert_false (run_job (f, job, &error));
    f->service = kept;
    g_assert_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "local"));
    g_assert_null (rp_job_get_entry (job));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/repaint/local-backend/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("fill-kite", test_fill_kite);
  ADD ("cancel", test_cancel);
  ADD ("seed", test_seed);
  ADD ("from-history", test_from_history);
  ADD ("refused", test_refused);
#undef ADD

  return g_test_run ();
}
