/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-local-backend"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rp-local-backend.h"
#include "rp-local-fill.h"
#include "rp-png.h"
#include "rp-service-private.h"

/*
 * One run, in three steps, each blocking part off the main context:
 *
 *  1. decode the image and the mask the service wrote into the journal (a worker thread).
 *     The definition has no size rule, so the image is the crop around the mask at the
 *     photo's own resolution, or the whole photo;
 *  2. fill (RpLocalFill's threads), its progress passed on to the job;
 *  3. paste the filled region into a copy of the crop and encode it as the entry's .part
 *     file (a worker thread), then hand it to the service, which composites it back.
 */

#define OUTPUT_BUFFER_BYTES (1024 * 1024)

struct _RpLocalBackend
{
  GObject parent_instance;
};

static void edit_backend_iface_init (RpEditBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RpLocalBackend, rp_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RP_TYPE_EDIT_BACKEND, edit_backend_iface_init))

typedef struct
{
  RpEditRun             *run;        /* the service keeps it until the task returns */
  GFile                 *image_file;
  GFile                 *mask_file;
  int                    width;
  int                    height;
  guint32                seed;

  GdkPixbuf             *crop;       /* the uploaded image, decoded */
  RpMask                *mask;       /* the uploaded mask, as coverage */
  RpLocalFill           *fill;
  GdkPixbuf             *filled;     /* the fill's region of the crop only */
  cairo_rectangle_int_t  region;
  GOutputStream         *out;
  GFile                 *part;
} LocalRun;

static void
local_run_free (LocalRun *r)
{
  g_clear_object (&r->image_file);
  g_clear_object (&r->mask_file);
  g_clear_object (&r->crop);
  g_clear_object (&r->mask);
  g_clear_object (&r->fill);
  g_clear_object (&r->filled);
  g_clear_object (&r->out);
  /* A result never handed over is never shown: remove what was written of it. */
  if (r->part != NULL)
    g_file_delete (r->part, NULL, NULL);
  g_clear_object (&r->part);
  g_free (r);
}

static void
rp_local_backend_class_init (RpLocalBackendClass *klass)
{
}

static void
rp_local_backend_init (RpLocalBackend *self)
{
}

/**
 * rp_local_backend_new:
 *
 * Returns: (transfer full): the offline fill's backend, to give to rp_service_add_backend()
 *   for the provider %RP_PROVIDER_RESERVED_ID
 */
RpLocalBackend *
rp_local_backend_new (void)
{
  return g_object_new (RP_TYPE_LOCAL_BACKEND, NULL);
}

/* A failure of the fill as the job reports it (takes @error), with what to do next. */
static GError *
job_error (RpEditRun *run,
           GError    *error)
{
  GError *mapped;

  if (error->domain != RP_LOCAL_FILL_ERROR)
    return error;
  switch (error->code)
    {
    case RP_LOCAL_FILL_ERROR_EMPTY_MASK:
      mapped = g_error_new_literal (RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                                    _("Paint over the object to remove first."));
      rp_edit_run_set_failure_details (run, NULL, 0, NULL,
                                       _("Brush over it in the photo, then fill again."));
      break;
    case RP_LOCAL_FILL_ERROR_NO_SOURCE:
      mapped = g_error_new (RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                            _("Too much of the photo is painted: leave at least %d %% of it "
                              "unpainted for the fill to copy from."),
                            RP_LOCAL_FILL_MIN_SOURCE_PERCENT);
      rp_edit_run_set_failure_details (run, NULL, 0, NULL,
                                       _("Erase part of the mask, or choose a wider context "
                                         "around it."));
      break;
    default:
      mapped = g_error_new_literal (RP_JOB_ERROR, RP_JOB_ERROR_LOCAL, error->message);
      rp_edit_run_set_failure_details (run, NULL, 0, NULL,
                                       _("Paint a smaller region, or choose a closer context "
                                         "around it."));
      break;
    }
  g_error_free (error);
  return mapped;
}

static void
fail (GTask  *task,
      GError *error)
{
  LocalRun *r = g_task_get_task_data (task);

  g_task_return_error (task, job_error (r->run, error));
}

/* ---- 3. The result ------------------------------------------------------------------- */

static void
compose_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LocalRun *r = task_data;
  g_autoptr(GdkPixbuf) result = gdk_pixbuf_copy (r->crop);
  g_autoptr(GOutputStream) buffered = NULL;
  GError *error = NULL;

  if (result == NULL)
    {
      g_task_return_new_error (task, RP_JOB_ERROR, RP_JOB_ERROR_LOCAL,
                               _("There is not enough memory for the result."));
      return;
    }
  /* The fill returns its own region of the crop; the service expects the upload's size. */
  gdk_pixbuf_copy_area (r->filled, 0, 0, r->region.width, r->region.height,
                        result, r->region.x, r->region.y);
  buffered = g_buffered_output_stream_new_sized (r->out, OUTPUT_BUFFER_BYTES);
  if (!rp_png_save_pixbuf (result, buffered, RP_PNG_SPEED_PHOTO, cancellable, &error) ||
      !g_output_stream_close (buffered, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
compose_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LocalRun *r = g_task_get_task_data (task);
  g_autoptr(JsonObject) info = json_object_new ();
  g_autoptr(GFile) part = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (task, error);
      return;
    }
  /* What it takes to make the same fill again. */
  json_object_set_int_member (info, "seed", r->seed);
  part = g_steal_pointer (&r->part);
  if (!rp_edit_run_add_output (r->run, part, info, &error))
    {
      g_file_delete (part, NULL, NULL);
      fail (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* ---- 2. The fill --------------------------------------------------------------------- */

static void
on_fill_progress (double   fraction,
                  gpointer user_data)
{
  LocalRun *r = user_data;

  rp_edit_run_set_progress (r->run, fraction);
}

static void
fill_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LocalRun *r = g_task_get_task_data (task);
  g_autoptr(GTask) compose = NULL;
  GError *error = NULL;

  r->filled = rp_local_fill_run_finish (RP_LOCAL_FILL (source), result, &error);
  if (r->filled == NULL)
    {
      fail (task, error);
      return;
    }
  rp_edit_run_set_progress (r->run, 1.0);
  rp_local_fill_get_region (r->fill, &r->region);
  r->out = rp_history_entry_create_part (rp_edit_run_get_entry (r->run), "fill", &r->part, &error);
  if (r->out == NULL)
    {
      fail (task, error);
      return;
    }
  compose = g_task_new (NULL, g_task_get_cancellable (task), compose_done_cb, g_object_ref (task));
  g_task_set_source_tag (compose, compose_thread);
  g_task_set_task_data (compose, r, NULL);
  g_task_run_in_thread (compose, compose_thread);
}

/* ---- 1. The inputs ------------------------------------------------------------------- */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LocalRun *r = task_data;
  g_autoptr(RpImage) image = NULL;
  GError *error = NULL;

  image = rp_image_load_file (r->image_file, cancellable, &error);
  if (image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (rp_image_get_width (image) != r->width || rp_image_get_height (image) != r->height)
    {
      g_task_return_new_error (task, RP_JOB_ERROR, RP_JOB_ERROR_LOCAL,
                               _("The image in the history is not the size that was planned."));
      return;
    }
  r->mask = rp_mask_load_file (r->mask_file, r->width, r->height, cancellable, &error);
  if (r->mask == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  r->crop = g_object_ref (rp_image_get_pixbuf (image));
  g_task_return_boolean (task, TRUE);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LocalRun *r = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (task, error);
      return;
    }
  r->fill = rp_local_fill_new (r->crop, r->mask);
  rp_local_fill_set_seed (r->fill, r->seed);
  rp_local_fill_run_async (r->fill, on_fill_progress, r, g_task_get_cancellable (task),
                           fill_done_cb, g_object_ref (task));
}

/* The seed the person set, or a new one for each fill, as services do with theirs: Run
 * Again then gives another variation, and the result's info keeps what was used. */
static guint32
seed_of (RpEditRun *run)
{
  RpParams *params = rp_edit_run_get_params (run);
  GVariant *value = params != NULL ? rp_params_get_value (params, "seed") : NULL;

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return (guint32) CLAMP (g_variant_get_int64 (value), 0, G_MAXUINT32);
  return g_random_int ();
}

static void
local_run_async (RpEditBackend       *backend,
                 RpEditRun           *run,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);
  g_autoptr(GTask) load = NULL;
  LocalRun *r = g_new0 (LocalRun, 1);

  g_task_set_source_tag (task, local_run_async);
  g_task_set_task_data (task, r, (GDestroyNotify) local_run_free);
  r->run = run;
  r->seed = seed_of (run);
  for (guint i = 0; i < rp_edit_run_get_n_uploads (run); i++)
    {
      const RpEditUpload *upload = rp_edit_run_get_upload (run, i);

      if (upload->role == RP_HISTORY_ROLE_IMAGE && r->image_file == NULL)
        {
          r->image_file = g_object_ref (upload->file);
          r->width = upload->width;
          r->height = upload->height;
        }
      else if (upload->role == RP_HISTORY_ROLE_MASK)
        r->mask_file = g_object_ref (upload->file);
    }
  if (r->image_file == NULL || r->mask_file == NULL)
    {
      g_task_return_error (task, job_error (run, g_error_new_literal (RP_LOCAL_FILL_ERROR,
                                                                     RP_LOCAL_FILL_ERROR_EMPTY_MASK,
                                                                     "")));
      return;
    }

  /* Nothing is sent anywhere: from here on the job waits for this computer, and says how
   * far it is from the start. */
  rp_edit_run_set_progress (run, 0.0);
  rp_edit_run_set_state (run, RP_JOB_STATE_WAITING);
  load = g_task_new (NULL, cancellable, load_done_cb, g_object_ref (task));
  g_task_set_source_tag (load, load_thread);
  g_task_set_task_data (load, r, NULL);
  g_task_run_in_thread (load, load_thread);
}

static gboolean
local_run_finish (RpEditBackend  *backend,
                  GAsyncResult   *result,
                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
edit_backend_iface_init (RpEditBackendInterface *iface)
{
  iface->run_async = local_run_async;
  iface->run_finish = local_run_finish;
}
