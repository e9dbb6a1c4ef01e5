/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-job"

#include "config.h"

#include "rp-job-private.h"

/* One result of a job: the file as the provider sent it, the same placed back into the
 * full photo, and what the provider said about it. Immutable. */
struct _RpJobResult
{
  GObject        parent_instance;

  guint          index;
  GFile         *raw;
  GFile         *composite;
  GFile         *thumbnail;
  RpImageFormat  format;
  int            width;
  int            height;
  JsonObject    *metadata;
};

G_DEFINE_FINAL_TYPE (RpJobResult, rp_job_result, G_TYPE_OBJECT)

static void
rp_job_result_finalize (GObject *object)
{
  RpJobResult *self = RP_JOB_RESULT (object);

  g_clear_object (&self->raw);
  g_clear_object (&self->composite);
  g_clear_object (&self->thumbnail);
  g_clear_pointer (&self->metadata, json_object_unref);

  G_OBJECT_CLASS (rp_job_result_parent_class)->finalize (object);
}

static void
rp_job_result_class_init (RpJobResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_job_result_finalize;
}

static void
rp_job_result_init (RpJobResult *self)
{
}

RpJobResult *
rp_job_result_new (guint          index,
                   GFile         *raw,
                   GFile         *composite,
                   GFile         *thumbnail,
                   RpImageFormat  format,
                   int            width,
                   int            height,
                   JsonObject    *metadata)
{
  RpJobResult *self = g_object_new (RP_TYPE_JOB_RESULT, NULL);

  self->index = index;
  self->raw = g_object_ref (raw);
  self->composite = composite != NULL ? g_object_ref (composite) : NULL;
  self->thumbnail = thumbnail != NULL ? g_object_ref (thumbnail) : NULL;
  self->format = format;
  self->width = width;
  self->height = height;
  self->metadata = metadata != NULL ? json_object_ref (metadata) : json_object_new ();
  return self;
}

guint
rp_job_result_get_index (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), 0);
  return self->index;
}

/**
 * rp_job_result_get_raw:
 *
 * Returns: (transfer none): the image exactly as the provider sent it (raw-N.<ext>)
 */
GFile *
rp_job_result_get_raw (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), NULL);
  return self->raw;
}

/**
 * rp_job_result_get_composite:
 *
 * Returns: (transfer none): the result placed back into the photo at its full size
 *   (result-N.png); outside the feathered mask its pixels are the photo's
 */
GFile *
rp_job_result_get_composite (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), NULL);
  return self->composite;
}

/**
 * rp_job_result_get_thumbnail:
 *
 * Returns: (transfer none) (nullable): a small picture of the composite for lists
 */
GFile *
rp_job_result_get_thumbnail (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), NULL);
  return self->thumbnail;
}

/**
 * rp_job_result_get_format:
 *
 * Returns: the raw file's format, from its magic bytes
 */
RpImageFormat
rp_job_result_get_format (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), RP_IMAGE_FORMAT_UNKNOWN);
  return self->format;
}

int
rp_job_result_get_width (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), 0);
  return self->width;
}

int
rp_job_result_get_height (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), 0);
  return self->height;
}

/**
 * rp_job_result_get_metadata:
 *
 * Returns: (transfer none): what came with the image: `request_id`, `usage`,
 *   `revised_prompt`, reply members such as `size` and `quality`, and response headers
 *   the definition names (Venice's `violation`, `enhanced_prompt`…)
 */
JsonObject *
rp_job_result_get_metadata (RpJobResult *self)
{
  g_return_val_if_fail (RP_IS_JOB_RESULT (self), NULL);
  return self->metadata;
}
