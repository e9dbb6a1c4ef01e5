/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rp-image.h"

G_BEGIN_DECLS

/* The default cap on what the reader keeps in memory: every member other than image
 * data (URLs, usage, error, size…), counted together. */
#define RP_IMAGES_READER_DEFAULT_MAX_SMALL_BYTES ((gsize) 256 * 1024)
/* Member names longer than this are refused. */
#define RP_IMAGES_READER_MAX_KEY_BYTES 256

/**
 * RpApiError:
 * @message: (nullable): the provider's message
 * @type: (nullable): its `type` (`invalid_request_error`…)
 * @code: (nullable): its `code` (`moderation_blocked`…), numbers written as text
 * @param: (nullable): the offending parameter
 *
 * An error the provider reported in the body, as `{"error":{…}}` (OpenAI and relays) or
 * `{"error":"…"}` (Venice).
 */
typedef struct
{
  const char *message;
  const char *type;
  const char *code;
  const char *param;
} RpApiError;

#define RP_TYPE_IMAGES_READER (rp_images_reader_get_type ())
G_DECLARE_FINAL_TYPE (RpImagesReader, rp_images_reader, RP, IMAGES_READER, GObject)

/**
 * RpImagesSinkFunc:
 * @reader: the reader
 * @index: the image's position in `data` (0 for an image at the top level of an event)
 * @user_data: the data given with the function
 * @error: return location for an error
 *
 * Called when the first decoded bytes of an image are ready. The reader writes the image
 * into the returned stream (blocking writes) and closes it when the image is complete.
 * After a failure the reader drops its reference without closing the stream, so write to
 * a temporary name and rename it once the reader finished without error.
 *
 * Returns: (transfer full) (nullable): where to write the image; %NULL with @error set to
 *   fail, %NULL without to decode and check the image but discard its bytes
 */
typedef GOutputStream *(*RpImagesSinkFunc) (RpImagesReader  *reader,
                                            guint            index,
                                            gpointer         user_data,
                                            GError         **error);

RpImagesReader   *rp_images_reader_new                 (void);
void              rp_images_reader_set_sink_func       (RpImagesReader   *self,
                                                        RpImagesSinkFunc  func,
                                                        gpointer          user_data,
                                                        GDestroyNotify    notify);
void              rp_images_reader_set_max_small_bytes (RpImagesReader   *self,
                                                        gsize             max_bytes);
gboolean          rp_images_reader_feed                (RpImagesReader   *self,
                                                        const char       *data,
                                                        gsize             len,
                                                        GCancellable     *cancellable,
                                                        GError          **error);
gboolean          rp_images_reader_finish              (RpImagesReader   *self,
                                                        GCancellable     *cancellable,
                                                        GError          **error);

guint             rp_images_reader_get_n_images        (RpImagesReader   *self);
goffset           rp_images_reader_get_image_size      (RpImagesReader   *self,
                                                        guint             index);
RpImageFormat     rp_images_reader_get_image_format    (RpImagesReader   *self,
                                                        guint             index);
const char       *rp_images_reader_get_image_url       (RpImagesReader   *self,
                                                        guint             index);
const char       *rp_images_reader_get_revised_prompt  (RpImagesReader   *self,
                                                        guint             index);
JsonObject       *rp_images_reader_get_image_fields    (RpImagesReader   *self,
                                                        guint             index);

JsonObject       *rp_images_reader_get_fields          (RpImagesReader   *self);
const char       *rp_images_reader_get_string          (RpImagesReader   *self,
                                                        const char       *name);
gint64            rp_images_reader_get_int             (RpImagesReader   *self,
                                                        const char       *name,
                                                        gint64            default_value);
JsonNode         *rp_images_reader_get_usage           (RpImagesReader   *self);
const RpApiError *rp_images_reader_get_api_error       (RpImagesReader   *self);

G_END_DECLS
