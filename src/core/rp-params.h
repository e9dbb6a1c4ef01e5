/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rp-image.h"
#include "rp-model-spec.h"
#include "rp-provider.h"

G_BEGIN_DECLS

#define RP_PARAMS_ERROR (rp_params_error_quark ())

/**
 * RpParamsError:
 * @RP_PARAMS_ERROR_UNKNOWN: the model does not take this parameter
 * @RP_PARAMS_ERROR_TYPE: the value has the wrong type
 * @RP_PARAMS_ERROR_REQUIRED: a required value is missing
 * @RP_PARAMS_ERROR_RANGE: a number is outside its range
 * @RP_PARAMS_ERROR_CHOICE: a value is not one of the choices
 * @RP_PARAMS_ERROR_TOO_LONG: a text is longer than allowed
 * @RP_PARAMS_ERROR_SIZE: a size breaks the model's size rule
 * @RP_PARAMS_ERROR_CONFLICT: the value does not go with another parameter's value
 * @RP_PARAMS_ERROR_ENCODING: the parameter is not sent in this request encoding
 * @RP_PARAMS_ERROR_NO_OPERATION: no operation of the model takes these inputs
 * @RP_PARAMS_ERROR_IMAGE_COUNT: too few or too many images
 * @RP_PARAMS_ERROR_IMAGE_FORMAT: an image's file format is not accepted
 * @RP_PARAMS_ERROR_IMAGE_TOO_LARGE: an image file is too large
 * @RP_PARAMS_ERROR_IMAGE_PIXELS: an image has too few or too many pixels
 * @RP_PARAMS_ERROR_IMAGE_NOT_SQUARE: the model needs a square image
 * @RP_PARAMS_ERROR_IMAGE_NO_ALPHA: without a mask the image must be transparent somewhere
 * @RP_PARAMS_ERROR_MASK_UNSUPPORTED: the model takes no mask
 * @RP_PARAMS_ERROR_MASK_REQUIRED: the model needs a mask
 * @RP_PARAMS_ERROR_MASK_FORMAT: the mask is not a PNG with alpha (or the format required)
 * @RP_PARAMS_ERROR_MASK_TOO_LARGE: the mask file is too large
 * @RP_PARAMS_ERROR_MASK_SIZE: the mask's dimensions differ from the first image's
 *
 * Every error carries the name of the parameter at fault, see rp_params_error_get_param().
 */
typedef enum {
  RP_PARAMS_ERROR_UNKNOWN,
  RP_PARAMS_ERROR_TYPE,
  RP_PARAMS_ERROR_REQUIRED,
  RP_PARAMS_ERROR_RANGE,
  RP_PARAMS_ERROR_CHOICE,
  RP_PARAMS_ERROR_TOO_LONG,
  RP_PARAMS_ERROR_SIZE,
  RP_PARAMS_ERROR_CONFLICT,
  RP_PARAMS_ERROR_ENCODING,
  RP_PARAMS_ERROR_NO_OPERATION,
  RP_PARAMS_ERROR_IMAGE_COUNT,
  RP_PARAMS_ERROR_IMAGE_FORMAT,
  RP_PARAMS_ERROR_IMAGE_TOO_LARGE,
  RP_PARAMS_ERROR_IMAGE_PIXELS,
  RP_PARAMS_ERROR_IMAGE_NOT_SQUARE,
  RP_PARAMS_ERROR_IMAGE_NO_ALPHA,
  RP_PARAMS_ERROR_MASK_UNSUPPORTED,
  RP_PARAMS_ERROR_MASK_REQUIRED,
  RP_PARAMS_ERROR_MASK_FORMAT,
  RP_PARAMS_ERROR_MASK_TOO_LARGE,
  RP_PARAMS_ERROR_MASK_SIZE,
} RpParamsError;

/* The name rp_params_error_get_param() gives for errors about the input images / the mask. */
#define RP_PARAMS_INPUT_IMAGES "images"
#define RP_PARAMS_INPUT_MASK   "mask"

/**
 * RpInputImage:
 * @format: the format sniffed from the bytes that would be uploaded
 * @n_bytes: the size of those bytes
 * @width: width in pixels
 * @height: height in pixels
 * @has_alpha: whether the file has an alpha channel
 *
 * One file as it would be uploaded: the photo (or the crop of it), a reference or the mask.
 */
typedef struct
{
  RpImageFormat format;
  gint64        n_bytes;
  int           width;
  int           height;
  gboolean      has_alpha;
} RpInputImage;

/**
 * RpInputs:
 * @images: the images in upload order, the one being edited first
 * @n_images: how many
 * @mask: (nullable): the mask for the first image, or %NULL
 */
typedef struct
{
  const RpInputImage *images;
  guint               n_images;
  const RpInputImage *mask;
} RpInputs;

/**
 * RpWireField:
 * @name: the field name on the wire
 * @text: the value as form text: "true"/"false", decimal numbers, never empty
 * @value: the typed value, for JSON bodies
 */
typedef struct
{
  char     *name;
  char     *text;
  GVariant *value;
} RpWireField;

void rp_wire_field_free (RpWireField *field);

#define RP_TYPE_PARAMS (rp_params_get_type ())
G_DECLARE_FINAL_TYPE (RpParams, rp_params, RP, PARAMS, GObject)

GQuark                rp_params_error_quark        (void);
const char           *rp_params_error_get_param    (const GError  *error);

RpParams             *rp_params_new                (RpProvider    *provider,
                                                    const char    *model_id,
                                                    GError       **error);
RpProvider           *rp_params_get_provider       (RpParams      *self);
const char           *rp_params_get_model_id       (RpParams      *self);
RpModelSpec          *rp_params_get_spec           (RpParams      *self);
const char           *rp_params_get_operation      (RpParams      *self);
guint                 rp_params_get_max_images     (RpParams      *self);
gboolean              rp_params_set_inputs         (RpParams      *self,
                                                    guint          n_images,
                                                    gboolean       has_mask,
                                                    GError       **error);
RpEncoding            rp_params_get_encoding       (RpParams      *self);
gboolean              rp_params_set_encoding       (RpParams      *self,
                                                    RpEncoding     encoding,
                                                    GError       **error);

gboolean              rp_params_set_value          (RpParams      *self,
                                                    const char    *name,
                                                    GVariant      *value,
                                                    GError       **error);
gboolean              rp_params_set_string         (RpParams      *self,
                                                    const char    *name,
                                                    const char    *value,
                                                    GError       **error);
gboolean              rp_params_set_int            (RpParams      *self,
                                                    const char    *name,
                                                    gint64         value,
                                                    GError       **error);
gboolean              rp_params_set_double         (RpParams      *self,
                                                    const char    *name,
                                                    double         value,
                                                    GError       **error);
gboolean              rp_params_set_boolean        (RpParams      *self,
                                                    const char    *name,
                                                    gboolean       value,
                                                    GError       **error);
void                  rp_params_unset              (RpParams      *self,
                                                    const char    *name);
gboolean              rp_params_is_set             (RpParams      *self,
                                                    const char    *name);
GVariant             *rp_params_get_value          (RpParams      *self,
                                                    const char    *name);
GVariant             *rp_params_get_explicit_value (RpParams      *self,
                                                    const char    *name);

gboolean              rp_params_applies            (RpParams      *self,
                                                    const char    *name,
                                                    char         **reason);
gboolean              rp_params_choice_applies     (RpParams      *self,
                                                    const char    *name,
                                                    const char    *choice,
                                                    char         **reason);
guint                 rp_params_prune              (RpParams      *self);
gboolean              rp_params_check_value        (RpParams      *self,
                                                    const char    *name,
                                                    GVariant      *value,
                                                    GError       **error);
gboolean              rp_params_validate           (RpParams      *self,
                                                    const RpInputs *inputs,
                                                    GError       **error);

const char           *rp_params_get_mode           (RpParams      *self);
const RpResponseSpec *rp_params_get_response       (RpParams      *self);
GPtrArray            *rp_params_build_fields       (RpParams      *self,
                                                    RpEncoding     encoding);
GPtrArray            *rp_params_build_query        (RpParams      *self);

JsonNode             *rp_params_to_json            (RpParams      *self);
guint                 rp_params_load_json          (RpParams      *self,
                                                    JsonNode      *node);

G_END_DECLS
