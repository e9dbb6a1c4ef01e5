/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-test-service.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

#define RUN_LIMIT_S 60

static const char * const builtin_ids[] = { "openai", "mixrouter", "quickrouter", "crazyrouter", "venice" };

void
rp_test_service_init (RpTestService *t,
                      const char    *key)
{
  memset (t, 0, sizeof *t);
  t->key = key;
  t->dir = rp_test_tmpdir ();
  t->history_dir = g_build_filename (t->dir, "history", NULL);
  t->user_dir = g_build_filename (t->dir, "providers", NULL);
  t->cache_dir = g_build_filename (t->dir, "cache", NULL);
  g_mkdir_with_parents (t->user_dir, 0700);
  t->fake = rp_fake_provider_new ();
  rp_fake_provider_set_log (t->fake, g_getenv ("REPAINT_FAKE_LOG") != NULL);
  t->base_url = rp_fake_provider_url (t->fake, "/v1");
}

void
rp_test_service_add_definition (RpTestService *t,
                                const char    *file_name,
                                const char    *json)
{
  g_autofree char *path = g_build_filename (t->user_dir, file_name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

void
rp_test_service_start (RpTestService *t)
{
  g_autoptr(GFile) history = g_file_new_for_path (t->history_dir);

  t->registry = rp_provider_registry_new (t->user_dir, t->cache_dir);
  rp_provider_registry_load (t->registry);
  t->history = rp_history_new (history);
  t->service = rp_service_new (t->history, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (builtin_ids); i++)
    rp_service_set_api_key (t->service, builtin_ids[i], t->key);
}

void
rp_test_service_clear (RpTestService *t)
{
  g_clear_object (&t->service);
  g_clear_object (&t->history);
  g_clear_object (&t->registry);
  g_clear_object (&t->fake);
  rp_test_tmpdir_remove (t->dir);
  g_free (t->dir);
  g_free (t->history_dir);
  g_free (t->user_dir);
  g_free (t->cache_dir);
  g_free (t->base_url);
  memset (t, 0, sizeof *t);
}

RpImage *
rp_test_service_photo (RpTestService *t,
                       const char    *name,
                       int            width,
                       int            height,
                       gboolean       noise)
{
  g_autofree char *path = g_build_filename (t->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  RpImage *image;

  if (noise)
    {
      guint64 state = 42;

      pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
      rp_test_pattern_fill (&state, gdk_pixbuf_get_pixels (pixbuf),
                            (gsize) gdk_pixbuf_get_rowstride (pixbuf) * height);
      out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
      g_assert_no_error (error);
      rp_png_save_pixbuf (pixbuf, G_OUTPUT_STREAM (out), RP_PNG_SPEED_PHOTO, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
    }
  else
    {
      pixbuf = rp_test_pattern_pixbuf (width, height, FALSE);
      gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
    }
  g_assert_no_error (error);
  image = rp_image_load_file (file, NULL, &error);
  g_assert_no_error (error);
  return image;
}

RpParams *
rp_test_service_params (RpTestService *t,
                        const char    *provider_id,
                        const char    *model)
{
  RpProvider *provider = rp_provider_registry_lookup (t->registry, provider_id);
  g_autoptr(GError) error = NULL;
  RpParams *params;

  g_assert_nonnull (provider);
  params = rp_params_new (provider, model, &error);
  g_assert_no_error (error);
  return params;
}

RpJob *
rp_test_service_job (RpTestService *t,
                     RpImage       *photo,
                     RpMask        *mask,
                     RpParams      *params)
{
  g_autoptr(GError) error = NULL;
  RpJob *job = rp_job_new (photo, mask, "replace the kite with a red balloon", params);

  rp_job_set_base_url (job, t->base_url, &error);
  g_assert_no_error (error);
  return job;
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RpTestWait *w = user_data;

  w->ok = rp_service_run_job_finish (RP_SERVICE (source), result, &w->error);
  w->done = TRUE;
}

void
rp_test_service_start_job (RpService  *service,
                           RpJob      *job,
                           RpTestWait *wait)
{
  memset (wait, 0, sizeof *wait);
  rp_service_run_job_async (service, job, NULL, on_job_done, wait);
}

void
rp_test_wait (RpTestWait *wait)
{
  gint64 deadline = g_get_monotonic_time () + RUN_LIMIT_S * G_USEC_PER_SEC;

  while (!wait->done)
    {
      /* Not a speed test: the job has to end, however it ends. */
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

gboolean
rp_test_service_run (RpTestService  *t,
                     RpJob          *job,
                     GError        **error)
{
  RpTestWait w;

  rp_test_service_start_job (t->service, job, &w);
  rp_test_wait (&w);
  if (w.error != NULL)
    {
      g_test_message ("job: %s (%s)", w.error->message,
                      rp_job_get_provider_message (job) ? rp_job_get_provider_message (job) : "");
      g_propagate_error (error, w.error);
    }
  return w.ok;
}
