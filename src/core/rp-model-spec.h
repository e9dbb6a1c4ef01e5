/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-image.h"
#include "rp-param-spec.h"
#include "rp-provider-config.h"

G_BEGIN_DECLS

/**
 * RpFieldStyle:
 * @RP_FIELD_STYLE_PLAIN: one part named `image` (only meaningful for a single file)
 * @RP_FIELD_STYLE_BRACKETS: parts named `image[]`
 * @RP_FIELD_STYLE_REPEAT: parts all named `image`
 * @RP_FIELD_STYLE_INDEXED: parts named `image[0]`, `image[1]`, …
 * @RP_FIELD_STYLE_DOTTED: parts named `image.0`, `image.1`, …
 *
 * How multipart file parts are named.
 */
typedef enum {
  RP_FIELD_STYLE_PLAIN,
  RP_FIELD_STYLE_BRACKETS,
  RP_FIELD_STYLE_REPEAT,
  RP_FIELD_STYLE_INDEXED,
  RP_FIELD_STYLE_DOTTED,
} RpFieldStyle;

/**
 * RpJsonContainer:
 * @RP_JSON_CONTAINER_SCALAR: the member holds one image item
 * @RP_JSON_CONTAINER_ARRAY: the member is an array of items, even for one image
 * @RP_JSON_CONTAINER_ARRAY_IF_MANY: one image as a scalar, several as an array
 */
typedef enum {
  RP_JSON_CONTAINER_SCALAR,
  RP_JSON_CONTAINER_ARRAY,
  RP_JSON_CONTAINER_ARRAY_IF_MANY,
} RpJsonContainer;

/**
 * RpJsonItem:
 * @RP_JSON_ITEM_B64: bare base64 without a `data:` prefix
 * @RP_JSON_ITEM_DATA_URL: `data:image/png;base64,…`
 * @RP_JSON_ITEM_URL: an http(s) URL of an image the server fetches
 * @RP_JSON_ITEM_IMAGE_URL_OBJECT: `{"image_url": "<data URL or URL>"}` (OpenAI)
 * @RP_JSON_ITEM_FILE_ID_OBJECT: `{"file_id": "file-…"}` (OpenAI)
 *
 * How one image is written inside a JSON body.
 */
typedef enum {
  RP_JSON_ITEM_B64,
  RP_JSON_ITEM_DATA_URL,
  RP_JSON_ITEM_URL,
  RP_JSON_ITEM_IMAGE_URL_OBJECT,
  RP_JSON_ITEM_FILE_ID_OBJECT,
} RpJsonItem;

/**
 * RpMaskSupport:
 * @RP_MASK_SUPPORT_NONE: the operation takes no mask
 * @RP_MASK_SUPPORT_FIELD: the mask is its own field (`mask`)
 * @RP_MASK_SUPPORT_LAYER: the mask is sent as the image after the first one (Venice
 *   multi-edit) and counts towards the image limit
 */
typedef enum {
  RP_MASK_SUPPORT_NONE,
  RP_MASK_SUPPORT_FIELD,
  RP_MASK_SUPPORT_LAYER,
} RpMaskSupport;

/* Input images of one operation for one model. Zero means "no limit". */
typedef struct
{
  guint            min_count;
  guint            max_count;
  gint64           max_bytes;
  gint64           min_pixels;
  gint64           max_pixels;
  int              max_edge;
  gboolean         square;
  gboolean         alpha_without_mask;   /* without a mask the image must carry transparency */
  RpImageFormat   *formats;              /* accepted formats; n_formats == 0: any */
  guint            n_formats;
  char            *multipart_field;
  RpFieldStyle     multipart_multi;
  gboolean         multipart_single_plain;
  char            *json_field;
  RpJsonContainer  json_container;
  RpJsonItem       json_item;
  gint64           json_max_item_chars;
} RpImageSpec;

typedef struct
{
  RpMaskSupport    support;
  gboolean         required;
  RpImageFormat   *formats;
  guint            n_formats;
  gint64           max_bytes;
  gboolean         same_size;            /* same pixel dimensions as the first image */
  char            *multipart_field;
  char            *json_field;           /* NULL: no mask in JSON bodies */
  RpJsonItem       json_item;
} RpMaskSpec;

/**
 * RpResponseKind:
 * @RP_RESPONSE_JSON_IMAGES: an ImagesResponse-like JSON body with base64 or URLs
 * @RP_RESPONSE_RAW_BYTES: the body is the image itself
 * @RP_RESPONSE_SSE: server-sent events with partial and final images
 * @RP_RESPONSE_ASYNC_TASK: a task id, then polling until a result
 */
typedef enum {
  RP_RESPONSE_JSON_IMAGES,
  RP_RESPONSE_RAW_BYTES,
  RP_RESPONSE_SSE,
  RP_RESPONSE_ASYNC_TASK,
} RpResponseKind;

typedef struct
{
  char     *path;       /* "data[].b64_json": [] walks an array */
  gboolean  is_url;     /* FALSE: base64 without a data: prefix */
  gboolean  download;   /* fetch the URL at once (it expires) */
} RpImagePath;

typedef struct
{
  char     *key;        /* "violation", "enhanced_prompt", … */
  char     *header;     /* lower case */
  gboolean  url_decode;
} RpMetaHeader;

typedef struct
{
  char            *name;        /* the key in "responses" */
  RpResponseKind   kind;

  /* json_images; also what an async task's embedded result is read with */
  RpImagePath     *images;
  guint            n_images;
  char            *usage_path;
  char           **meta;

  /* raw_bytes */
  char           **content_types;
  RpMetaHeader    *meta_headers;
  guint            n_meta_headers;

  /* sse */
  struct {
    char *partial_event;
    char *partial_b64;
    char *partial_index;
    char *final_event;
    char *final_b64;
    char *final_url;
    char *final_usage;
    char *error_event;
    char *error_field;
    char *done;
  } sse;

  /* async_task */
  struct {
    char   **id_paths;
    char   **poll_url_paths;
    char    *poll_method;
    char   **poll_path_templates;   /* "{id}" is replaced by the task id */
    gboolean poll_root_relative;    /* templates are relative to the host, not base_url */
    double   poll_interval_s;
    double   poll_backoff;          /* factor applied to the interval after each poll */
    double   poll_timeout_s;
    char   **status_paths;
    char   **pending;
    char   **success;
    char   **failure;
    char   **result_embedded;
    char    *result_then;           /* the response (by name) the embedded result is */
    char   **error_paths;
    gboolean verified;              /* FALSE: inferred from look-alike services */
  } async;
} RpResponseSpec;

#define RP_TYPE_MODEL_SPEC (rp_model_spec_get_type ())
G_DECLARE_FINAL_TYPE (RpModelSpec, rp_model_spec, RP, MODEL_SPEC, GObject)

const char           *rp_model_spec_get_model_id       (RpModelSpec *self);
const char           *rp_model_spec_get_display_name   (RpModelSpec *self);
const char           *rp_model_spec_get_operation      (RpModelSpec *self);
const char           *rp_model_spec_get_method         (RpModelSpec *self);
const char           *rp_model_spec_get_path           (RpModelSpec *self);
const char * const   *rp_model_spec_get_query          (RpModelSpec *self);
RpEncoding            rp_model_spec_get_encodings      (RpModelSpec *self);
RpEncoding            rp_model_spec_get_default_encoding (RpModelSpec *self);
GListModel           *rp_model_spec_get_params         (RpModelSpec *self);
RpParamSpec          *rp_model_spec_lookup_param       (RpModelSpec *self,
                                                        const char  *name);
gboolean              rp_model_spec_is_removed_param   (RpModelSpec *self,
                                                        const char  *name);
const RpImageSpec    *rp_model_spec_get_images         (RpModelSpec *self);
const RpMaskSpec     *rp_model_spec_get_mask           (RpModelSpec *self);
const char * const   *rp_model_spec_get_modes          (RpModelSpec *self);
const RpResponseSpec *rp_model_spec_get_response       (RpModelSpec *self,
                                                        const char  *mode);
guint                 rp_model_spec_get_select_max_images (RpModelSpec *self);
guint                 rp_model_spec_get_select_min_images (RpModelSpec *self);

char                 *rp_image_spec_field_name         (const RpImageSpec *images,
                                                        guint              index,
                                                        guint              count);
gboolean              rp_image_spec_accepts_format     (const RpImageSpec *images,
                                                        RpImageFormat      format);

G_END_DECLS
