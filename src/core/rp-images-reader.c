/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-images-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-images-reader.h"
#include "rp-json-tokenizer-private.h"
#include "rp-transport.h"

/* Reads an OpenAI ImagesResponse, or the JSON of one streaming event, while it arrives:
 *
 *   {"created":…, "data":[{"b64_json":"…"} | {"url":"…"}, …], "usage":{…}, …}
 *   {"type":"image_edit.partial_image", "b64_json":"…", "partial_image_index":0, …}
 *
 * `b64_json` strings are decoded straight into the caller's sinks, so image data is
 * never held; every other member is kept as JSON under one shared byte cap. */

#define DECODE_BUFFER_BYTES (64 * 1024)
/* What each kept token costs against the cap besides its text: the nodes it becomes. */
#define TOKEN_COST_BYTES    32
/* The longest `data:…;base64,` header tolerated in front of a b64_json value. */
#define MAX_DATA_URL_HEADER 256

typedef struct
{
  guint          index;
  gboolean       has_b64;
  goffset        size;
  guint8         head[RP_TRANSPORT_SNIFF_BYTES];
  gsize          head_len;
  char          *url;
  JsonObject    *fields;
  GOutputStream *sink;
} Image;

typedef enum {
  VALUE_NONE,
  VALUE_B64,
  VALUE_URL,
  VALUE_CAPTURE,
} ValueKind;

typedef enum {
  PREFIX_CHECK,     /* holding back the first bytes: is this a data URL? */
  PREFIX_HEADER,    /* skipping a data URL's header up to its comma */
  PREFIX_NONE,      /* decoding */
} PrefixState;

struct _RpImagesReader
{
  GObject            parent_instance;

  RpJsonTokenizer    tok;
  RpImagesSinkFunc   sink_func;
  gpointer           sink_data;
  GDestroyNotify     sink_notify;
  gsize              max_small_bytes;
  gsize              small_bytes;
  GCancellable      *cancellable;   /* borrowed, only during a feed */

  /* Where the tokens are. depth counts open containers: 1 is the top object, 2 the
   * `data` array, 3 an item of it. */
  guint              depth;
  gboolean           in_data;
  Image             *item;
  char              *key;
  GPtrArray         *images;        /* Image */
  Image             *event_image;   /* b64_json / url at the top level */
  JsonObject        *fields;

  /* The string or value being read. */
  ValueKind          value_kind;
  Image             *target;
  GString           *text;

  /* Base64 decoding into out[]. */
  PrefixState        prefix_state;
  char               prefix[MAX_DATA_URL_HEADER];
  gsize              prefix_len;
  guint32            quad;
  guint              n_quad;
  guint              n_pad;
  guint8            *out;
  gsize              out_len;

  /* Capturing a kept value. */
  JsonBuilder       *builder;
  JsonObject        *capture_into;
  guint              capture_depth;

  RpApiError         api_error;
  gboolean           has_api_error;
  gboolean           finished;
  gboolean           failed;
};

G_DEFINE_FINAL_TYPE (RpImagesReader, rp_images_reader, G_TYPE_OBJECT)

static gint8 base64_values[256];

static void
image_free (Image *image)
{
  g_clear_pointer (&image->url, g_free);
  g_clear_pointer (&image->fields, json_object_unref);
  g_clear_object (&image->sink);
  g_free (image);
}

static void
clear_api_error (RpImagesReader *self)
{
  g_free ((char *) self->api_error.message);
  g_free ((char *) self->api_error.type);
  g_free ((char *) self->api_error.code);
  g_free ((char *) self->api_error.param);
  memset (&self->api_error, 0, sizeof self->api_error);
}

static void
rp_images_reader_finalize (GObject *object)
{
  RpImagesReader *self = RP_IMAGES_READER (object);

  if (self->sink_notify != NULL)
    self->sink_notify (self->sink_data);
  rp_json_tokenizer_clear (&self->tok);
  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->images, g_ptr_array_unref);
  g_clear_pointer (&self->fields, json_object_unref);
  g_string_free (self->text, TRUE);
  g_clear_pointer (&self->out, g_free);
  g_clear_object (&self->builder);
  clear_api_error (self);

  G_OBJECT_CLASS (rp_images_reader_parent_class)->finalize (object);
}

static void
rp_images_reader_class_init (RpImagesReaderClass *klass)
{
  const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  guint i;

  G_OBJECT_CLASS (klass)->finalize = rp_images_reader_finalize;

  memset (base64_values, -1, sizeof base64_values);
  for (i = 0; i < 64; i++)
    base64_values[(guint8) alphabet[i]] = i;
}

static gboolean on_token (RpJsonToken   token,
                          const char   *text,
                          gsize         len,
                          gpointer      user_data,
                          GError      **error);

static void
rp_images_reader_init (RpImagesReader *self)
{
  rp_json_tokenizer_init (&self->tok, RP_IMAGES_READER_MAX_KEY_BYTES, on_token, self);
  self->max_small_bytes = RP_IMAGES_READER_DEFAULT_MAX_SMALL_BYTES;
  self->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_free);
  self->fields = json_object_new ();
  self->text = g_string_new (NULL);
}

/**
 * rp_images_reader_new:
 *
 * A reader for one ImagesResponse body, or for the data of one streaming event. Feed it
 * the bytes as they arrive; give it a sink function to keep the images.
 *
 * Returns: (transfer full): a new reader
 */
RpImagesReader *
rp_images_reader_new (void)
{
  return g_object_new (RP_TYPE_IMAGES_READER, NULL);
}

/**
 * rp_images_reader_set_sink_func:
 * @self: a #RpImagesReader
 * @func: (nullable): opens the output of each image; without one, images are decoded
 *   and checked but their bytes discarded
 * @user_data: passed to @func
 * @notify: (nullable): frees @user_data when the reader is finalised
 */
void
rp_images_reader_set_sink_func (RpImagesReader   *self,
                                RpImagesSinkFunc  func,
                                gpointer          user_data,
                                GDestroyNotify    notify)
{
  g_return_if_fail (RP_IS_IMAGES_READER (self));

  if (self->sink_notify != NULL)
    self->sink_notify (self->sink_data);
  self->sink_func = func;
  self->sink_data = user_data;
  self->sink_notify = notify;
}

/**
 * rp_images_reader_set_max_small_bytes:
 * @self: a #RpImagesReader
 * @max_bytes: the most the reader keeps besides image data; more fails with
 *   %RP_TRANSPORT_ERROR_TOO_LARGE
 */
void
rp_images_reader_set_max_small_bytes (RpImagesReader *self,
                                      gsize           max_bytes)
{
  g_return_if_fail (RP_IS_IMAGES_READER (self));

  self->max_small_bytes = max_bytes;
}

static gboolean
spend (RpImagesReader  *self,
       gsize            bytes,
       GError         **error)
{
  g_autofree char *cap = NULL;

  self->small_bytes += bytes;
  if (self->small_bytes <= self->max_small_bytes)
    return TRUE;
  cap = g_format_size (self->max_small_bytes);
  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE,
               _("The provider’s reply carries more than %s besides the images."), cap);
  return FALSE;
}

static gboolean
unexpected (GError     **error,
            const char  *what)
{
  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_UNEXPECTED,
               _("The provider’s reply is not an image response: %s."), what);
  return FALSE;
}

static Image *
add_image (RpImagesReader *self)
{
  Image *image = g_new0 (Image, 1);

  image->index = self->images->len;
  image->fields = json_object_new ();
  g_ptr_array_add (self->images, image);
  return image;
}

static Image *
get_image (RpImagesReader *self,
           guint           index)
{
  g_return_val_if_fail (RP_IS_IMAGES_READER (self), NULL);
  g_return_val_if_fail (index < self->images->len, NULL);

  return g_ptr_array_index (self->images, index);
}

/* ---- base64 into the sink ---- */

static gboolean
invalid_base64 (RpImagesReader  *self,
                GError         **error)
{
  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_INVALID_BASE64,
               _("Image %u in the provider’s reply is not valid base64."),
               self->target->index + 1);
  return FALSE;
}

static gboolean
flush_decoded (RpImagesReader  *self,
               GError         **error)
{
  Image *image = self->target;
  gsize head;

  if (self->out_len == 0)
    return TRUE;
  /* Memory and some file streams do not look at the cancellable themselves. */
  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return FALSE;
  if (image->size == 0 && self->sink_func != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      image->sink = self->sink_func (self, image->index, self->sink_data, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  head = MIN (self->out_len, sizeof image->head - image->head_len);
  memcpy (image->head + image->head_len, self->out, head);
  image->head_len += head;
  if (image->sink != NULL &&
      !g_output_stream_write_all (image->sink, self->out, self->out_len, NULL,
                                  self->cancellable, error))
    return FALSE;
  image->size += self->out_len;
  self->out_len = 0;
  return TRUE;
}

static gboolean
decode_base64 (RpImagesReader  *self,
               const char      *text,
               gsize            len,
               GError         **error)
{
  const guint8 *p = (const guint8 *) text;
  const guint8 *end = p + len;

  while (p < end)
    {
      gint8 v;

      /* Whole quads of valid characters, four at a time. */
      while (self->n_quad == 0 && self->n_pad == 0 && end - p >= 4)
        {
          gint8 a = base64_values[p[0]], b = base64_values[p[1]];
          gint8 c = base64_values[p[2]], d = base64_values[p[3]];
          guint32 quad;

          if ((a | b | c | d) < 0)
            break;
          if (self->out_len + 3 > DECODE_BUFFER_BYTES && !flush_decoded (self, error))
            return FALSE;
          quad = (guint32) a << 18 | (guint32) b << 12 | (guint32) c << 6 | (guint32) d;
          self->out[self->out_len++] = quad >> 16;
          self->out[self->out_len++] = quad >> 8;
          self->out[self->out_len++] = quad;
          p += 4;
        }
      if (p == end)
        break;
      v = base64_values[*p];

      /* Padding ends the data: after it only more padding may come. */
      if (v < 0 || self->n_pad > 0)
        {
          if (*p != '=' || self->n_quad + self->n_pad < 2 || self->n_quad + self->n_pad >= 4)
            return invalid_base64 (self, error);
          self->n_pad++;
          p++;
          continue;
        }
      self->quad = (self->quad << 6) | v;
      p++;
      if (++self->n_quad < 4)
        continue;
      if (self->out_len + 3 > DECODE_BUFFER_BYTES && !flush_decoded (self, error))
        return FALSE;
      self->out[self->out_len++] = self->quad >> 16;
      self->out[self->out_len++] = self->quad >> 8;
      self->out[self->out_len++] = self->quad;
      self->n_quad = 0;
      self->quad = 0;
    }
  return TRUE;
}

/* A few relays send a data URL where OpenAI sends bare base64: skip its header. The two
 * cannot be confused, as ':' is not a base64 character. */
static gboolean
b64_chunk (RpImagesReader  *self,
           const char      *text,
           gsize            len,
           GError         **error)
{
  static const char scheme[] = "data:";

  while (len > 0 && self->prefix_state != PREFIX_NONE)
    {
      if (self->prefix_len == sizeof self->prefix)
        return invalid_base64 (self, error);
      self->prefix[self->prefix_len++] = *text;
      text++;
      len--;
      if (self->prefix_state == PREFIX_HEADER)
        {
          if (self->prefix[self->prefix_len - 1] == ',')
            self->prefix_state = PREFIX_NONE;
        }
      else if (strncmp (self->prefix, scheme, MIN (self->prefix_len, strlen (scheme))) != 0)
        {
          self->prefix_state = PREFIX_NONE;
          if (!decode_base64 (self, self->prefix, self->prefix_len, error))
            return FALSE;
        }
      else if (self->prefix_len == strlen (scheme))
        self->prefix_state = PREFIX_HEADER;
    }
  return decode_base64 (self, text, len, error);
}

static void
b64_begin (RpImagesReader *self,
           Image          *image)
{
  self->value_kind = VALUE_B64;
  self->target = image;
  image->has_b64 = TRUE;
  self->prefix_state = PREFIX_CHECK;
  self->prefix_len = 0;
  self->quad = 0;
  self->n_quad = 0;
  self->n_pad = 0;
  self->out_len = 0;
  if (self->out == NULL)
    self->out = g_malloc (DECODE_BUFFER_BYTES);
}

static gboolean
b64_end (RpImagesReader  *self,
         GError         **error)
{
  Image *image = self->target;

  /* A string shorter than "data:" is still held back. */
  if (self->prefix_state == PREFIX_CHECK &&
      !decode_base64 (self, self->prefix, self->prefix_len, error))
    return FALSE;
  if (self->prefix_state == PREFIX_HEADER)
    return invalid_base64 (self, error);
  if (self->n_pad > 0 && self->n_quad + self->n_pad != 4)
    return invalid_base64 (self, error);
  /* Unpadded data is unambiguous except for a lone trailing character. */
  if (self->n_quad == 1)
    return invalid_base64 (self, error);
  if (self->n_quad >= 2)
    {
      if (self->out_len + 2 > DECODE_BUFFER_BYTES && !flush_decoded (self, error))
        return FALSE;
      self->quad <<= 6 * (4 - self->n_quad);
      self->out[self->out_len++] = self->quad >> 16;
      if (self->n_quad == 3)
        self->out[self->out_len++] = self->quad >> 8;
    }
  if (!flush_decoded (self, error))
    return FALSE;

  self->value_kind = VALUE_NONE;
  self->target = NULL;
  if (image->sink != NULL)
    {
      g_autoptr(GOutputStream) sink = g_steal_pointer (&image->sink);

      if (!g_output_stream_close (sink, self->cancellable, error))
        return FALSE;
    }
  /* An empty b64_json (relays send one next to a url) holds no image. */
  if (image->size == 0)
    image->has_b64 = FALSE;
  return TRUE;
}

/* ---- kept values ---- */

static gboolean
capture_done (RpImagesReader *self)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *wrapper;

  json_builder_end_object (self->builder);
  root = json_builder_get_root (self->builder);
  wrapper = json_node_get_object (root);
  json_object_set_member (self->capture_into, self->key,
                          json_node_copy (json_object_get_member (wrapper, self->key)));
  g_clear_object (&self->builder);
  self->value_kind = VALUE_NONE;
  self->capture_into = NULL;
  return TRUE;
}

static void
add_number (JsonBuilder *builder,
            const char  *text)
{
  gint64 value;

  if (strpbrk (text, ".eE") == NULL &&
      g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_double_value (builder, g_ascii_strtod (text, NULL));
}

static gboolean
capture_token (RpImagesReader  *self,
               RpJsonToken      token,
               const char      *text,
               gsize            len,
               GError         **error)
{
  if (!spend (self, len + (token == RP_JSON_TOKEN_STRING_CHUNK ? 0 : TOKEN_COST_BYTES), error))
    return FALSE;

  switch (token)
    {
    case RP_JSON_TOKEN_BEGIN_OBJECT:
      json_builder_begin_object (self->builder);
      self->capture_depth++;
      return TRUE;
    case RP_JSON_TOKEN_BEGIN_ARRAY:
      json_builder_begin_array (self->builder);
      self->capture_depth++;
      return TRUE;
    case RP_JSON_TOKEN_END_OBJECT:
      json_builder_end_object (self->builder);
      break;
    case RP_JSON_TOKEN_END_ARRAY:
      json_builder_end_array (self->builder);
      break;
    case RP_JSON_TOKEN_KEY:
      json_builder_set_member_name (self->builder, text);
      return TRUE;
    case RP_JSON_TOKEN_STRING_BEGIN:
      g_string_truncate (self->text, 0);
      return TRUE;
    case RP_JSON_TOKEN_STRING_CHUNK:
      g_string_append_len (self->text, text, len);
      return TRUE;
    case RP_JSON_TOKEN_STRING_END:
      json_builder_add_string_value (self->builder, self->text->str);
      break;
    case RP_JSON_TOKEN_NUMBER:
      add_number (self->builder, text);
      break;
    case RP_JSON_TOKEN_TRUE:
    case RP_JSON_TOKEN_FALSE:
      json_builder_add_boolean_value (self->builder, token == RP_JSON_TOKEN_TRUE);
      break;
    case RP_JSON_TOKEN_NULL:
      json_builder_add_null_value (self->builder);
      break;
    default:
      g_assert_not_reached ();
    }

  /* A value just ended; the capture is complete when it was the outermost one. */
  if (token == RP_JSON_TOKEN_END_OBJECT || token == RP_JSON_TOKEN_END_ARRAY)
    self->capture_depth--;
  return self->capture_depth > 0 || capture_done (self);
}

/* Starts keeping the value that begins with @token as member self->key of @into. */
static gboolean
capture_begin (RpImagesReader  *self,
               JsonObject      *into,
               RpJsonToken      token,
               const char      *text,
               gsize            len,
               GError         **error)
{
  self->value_kind = VALUE_CAPTURE;
  self->capture_into = into;
  self->capture_depth = 0;
  /* The builder cannot hold a bare scalar, so the value is built inside a wrapper. */
  self->builder = json_builder_new ();
  json_builder_begin_object (self->builder);
  json_builder_set_member_name (self->builder, self->key);
  return capture_token (self, token, text, len, error);
}

/* ---- the response's shape ---- */

static gboolean
url_token (RpImagesReader  *self,
           RpJsonToken      token,
           const char      *text,
           gsize            len,
           GError         **error)
{
  if (token == RP_JSON_TOKEN_STRING_CHUNK)
    {
      g_string_append_len (self->text, text, len);
      return spend (self, len, error);
    }
  g_assert (token == RP_JSON_TOKEN_STRING_END);
  if (self->text->len > 0)
    {
      g_free (self->target->url);
      self->target->url = g_strndup (self->text->str, self->text->len);
    }
  self->value_kind = VALUE_NONE;
  self->target = NULL;
  return TRUE;
}

static gboolean
string_token (RpImagesReader  *self,
              RpJsonToken      token,
              const char      *text,
              gsize            len,
              GError         **error)
{
  if (self->value_kind == VALUE_B64)
    {
      if (token == RP_JSON_TOKEN_STRING_CHUNK)
        return b64_chunk (self, text, len, error);
      return b64_end (self, error);
    }
  return url_token (self, token, text, len, error);
}

/* The value of member self->key of an image object (an item of `data`, or the top
 * object of a streaming event). */
static gboolean
image_member (RpImagesReader  *self,
              Image           *image,
              RpJsonToken      token,
              const char      *text,
              gsize            len,
              GError         **error)
{
  gboolean is_b64 = strcmp (self->key, "b64_json") == 0;
  gboolean is_url = strcmp (self->key, "url") == 0;

  if (!is_b64 && !is_url)
    return capture_begin (self, image == self->event_image ? self->fields : image->fields,
                          token, text, len, error);
  if (token == RP_JSON_TOKEN_NULL)
    return TRUE;
  if (token != RP_JSON_TOKEN_STRING_BEGIN)
    return unexpected (error, is_b64 ? _("b64_json is not a string") : _("url is not a string"));
  if (is_b64)
    {
      if (image->has_b64)
        return unexpected (error, _("an image has two b64_json members"));
      b64_begin (self, image);
      return TRUE;
    }
  self->value_kind = VALUE_URL;
  self->target = image;
  g_string_truncate (self->text, 0);
  return spend (self, TOKEN_COST_BYTES, error);
}

static gboolean
top_member (RpImagesReader  *self,
            RpJsonToken      token,
            const char      *text,
            gsize            len,
            GError         **error)
{
  if (strcmp (self->key, "data") == 0)
    {
      if (token == RP_JSON_TOKEN_NULL)
        return TRUE;
      if (token != RP_JSON_TOKEN_BEGIN_ARRAY)
        return unexpected (error, _("data is not a list"));
      self->in_data = TRUE;
      self->depth = 2;
      return TRUE;
    }
  if (strcmp (self->key, "b64_json") == 0 || strcmp (self->key, "url") == 0)
    {
      if (self->event_image == NULL)
        self->event_image = add_image (self);
      return image_member (self, self->event_image, token, text, len, error);
    }
  return capture_begin (self, self->fields, token, text, len, error);
}

static gboolean
structure_token (RpImagesReader  *self,
                 RpJsonToken      token,
                 const char      *text,
                 gsize            len,
                 GError         **error)
{
  if (self->depth == 0)
    {
      if (token != RP_JSON_TOKEN_BEGIN_OBJECT)
        return unexpected (error, _("it is not a JSON object"));
      self->depth = 1;
      return TRUE;
    }

  if (token == RP_JSON_TOKEN_KEY)
    {
      g_free (self->key);
      self->key = g_strndup (text, len);
      return spend (self, len + TOKEN_COST_BYTES, error);
    }
  if (token == RP_JSON_TOKEN_END_OBJECT)
    {
      /* The top object or a data item closed; the tokenizer checked the nesting. */
      self->depth--;
      self->item = NULL;
      return TRUE;
    }
  if (token == RP_JSON_TOKEN_END_ARRAY)
    {
      self->in_data = FALSE;
      self->depth = 1;
      return TRUE;
    }

  switch (self->depth)
    {
    case 1:
      return top_member (self, token, text, len, error);
    case 2:
      if (token != RP_JSON_TOKEN_BEGIN_OBJECT)
        return unexpected (error, _("an item of data is not an object"));
      self->item = add_image (self);
      self->depth = 3;
      return spend (self, TOKEN_COST_BYTES, error);
    case 3:
      return image_member (self, self->item, token, text, len, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
on_token (RpJsonToken   token,
          const char   *text,
          gsize         len,
          gpointer      user_data,
          GError      **error)
{
  RpImagesReader *self = user_data;

  switch (self->value_kind)
    {
    case VALUE_B64:
    case VALUE_URL:
      return string_token (self, token, text, len, error);
    case VALUE_CAPTURE:
      return capture_token (self, token, text, len, error);
    case VALUE_NONE:
    default:
      return structure_token (self, token, text, len, error);
    }
}

/* ---- running it ---- */

static void
fail (RpImagesReader *self)
{
  guint i;

  self->failed = TRUE;
  /* Dropped without closing: see RpImagesSinkFunc. */
  for (i = 0; i < self->images->len; i++)
    g_clear_object (&((Image *) g_ptr_array_index (self->images, i))->sink);
}

static gboolean
refuse_after_failure (GError **error)
{
  g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_MALFORMED,
                       _("The provider’s reply could not be read."));
  return FALSE;
}

/**
 * rp_images_reader_feed:
 * @self: a #RpImagesReader
 * @data: (array length=len): the next bytes of the body, split anywhere
 * @len: how many
 * @cancellable: (nullable): cancels writes to the sinks
 * @error: return location for an error
 *
 * Parses @data, decoding image data into the sinks as it goes. Blocking when the sinks
 * block; run it in a worker thread if they write to slow storage.
 *
 * Returns: %TRUE on success; %FALSE with @error set (%RP_TRANSPORT_ERROR or the sink's
 *   error), after which the reader refuses more input
 */
gboolean
rp_images_reader_feed (RpImagesReader  *self,
                       const char      *data,
                       gsize            len,
                       GCancellable    *cancellable,
                       GError         **error)
{
  gboolean ok;

  g_return_val_if_fail (RP_IS_IMAGES_READER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (self->failed)
    return refuse_after_failure (error);
  self->cancellable = cancellable;
  ok = rp_json_tokenizer_feed (&self->tok, data, len, error);
  self->cancellable = NULL;
  if (!ok)
    fail (self);
  return ok;
}

static char *
member_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static void
read_api_error (RpImagesReader *self)
{
  JsonNode *node = json_object_get_member (self->fields, "error");

  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      self->api_error.message = member_text (object, "message");
      self->api_error.type = member_text (object, "type");
      self->api_error.code = member_text (object, "code");
      self->api_error.param = member_text (object, "param");
      self->has_api_error = TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      self->api_error.message = g_strdup (json_node_get_string (node));
      self->has_api_error = TRUE;
    }
}

/**
 * rp_images_reader_finish:
 * @self: a #RpImagesReader
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Tells the reader the body is complete. A body that ends inside the JSON fails with
 * %RP_TRANSPORT_ERROR_TRUNCATED. Success means well-formed JSON: check
 * rp_images_reader_get_api_error() for an error body, and the image count, which may be 0.
 *
 * Returns: %TRUE if the whole body was read
 */
gboolean
rp_images_reader_finish (RpImagesReader  *self,
                         GCancellable    *cancellable,
                         GError         **error)
{
  g_return_val_if_fail (RP_IS_IMAGES_READER (self), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  if (self->failed)
    return refuse_after_failure (error);
  self->cancellable = cancellable;
  if (!rp_json_tokenizer_finish (&self->tok, error))
    {
      self->cancellable = NULL;
      fail (self);
      return FALSE;
    }
  self->cancellable = NULL;
  self->finished = TRUE;
  read_api_error (self);
  return TRUE;
}

/**
 * rp_images_reader_get_n_images:
 * @self: a #RpImagesReader
 *
 * Returns: the number of images so far: items of `data`, plus one when the top level
 *   (a streaming event) carries `b64_json` or `url`
 */
guint
rp_images_reader_get_n_images (RpImagesReader *self)
{
  g_return_val_if_fail (RP_IS_IMAGES_READER (self), 0);

  return self->images->len;
}

/**
 * rp_images_reader_get_image_size:
 * @self: a #RpImagesReader
 * @index: an image index
 *
 * Returns: the decoded bytes of image @index written so far; 0 when it has no
 *   `b64_json` (look for a URL then)
 */
goffset
rp_images_reader_get_image_size (RpImagesReader *self,
                                 guint           index)
{
  Image *image = get_image (self, index);

  return image != NULL ? image->size : 0;
}

/**
 * rp_images_reader_get_image_format:
 * @self: a #RpImagesReader
 * @index: an image index
 *
 * Returns: the format found in the first decoded bytes of image @index (never taken
 *   from `output_format`), or %RP_IMAGE_FORMAT_UNKNOWN
 */
RpImageFormat
rp_images_reader_get_image_format (RpImagesReader *self,
                                   guint           index)
{
  Image *image = get_image (self, index);

  if (image == NULL)
    return RP_IMAGE_FORMAT_UNKNOWN;
  return rp_image_format_sniff (image->head, image->head_len);
}

/**
 * rp_images_reader_get_image_url:
 * @self: a #RpImagesReader
 * @index: an image index
 *
 * Returns: (nullable): the image's non-empty `url`, to download at once (they expire)
 */
const char *
rp_images_reader_get_image_url (RpImagesReader *self,
                                guint           index)
{
  Image *image = get_image (self, index);

  return image != NULL ? image->url : NULL;
}

/**
 * rp_images_reader_get_image_fields:
 * @self: a #RpImagesReader
 * @index: an image index
 *
 * Returns: (transfer none): the other members of the `data` item (`revised_prompt`…);
 *   for an image at the top level, the top-level members
 */
JsonObject *
rp_images_reader_get_image_fields (RpImagesReader *self,
                                   guint           index)
{
  Image *image = get_image (self, index);

  if (image == NULL)
    return NULL;
  return image == self->event_image ? self->fields : image->fields;
}

/**
 * rp_images_reader_get_revised_prompt:
 * @self: a #RpImagesReader
 * @index: an image index
 *
 * Returns: (nullable): the image's non-empty `revised_prompt`
 */
const char *
rp_images_reader_get_revised_prompt (RpImagesReader *self,
                                     guint           index)
{
  JsonObject *fields = rp_images_reader_get_image_fields (self, index);
  const char *text;

  if (fields == NULL)
    return NULL;
  text = json_object_get_string_member_with_default (fields, "revised_prompt", NULL);
  return text != NULL && *text != '\0' ? text : NULL;
}

/**
 * rp_images_reader_get_fields:
 * @self: a #RpImagesReader
 *
 * Returns: (transfer none): the top-level members other than `data`, `b64_json` and
 *   `url`: `created`, `usage`, `size`, `quality`, `output_format`, `background`, `type`,
 *   `partial_image_index`, `error`, and whatever else the provider added
 */
JsonObject *
rp_images_reader_get_fields (RpImagesReader *self)
{
  g_return_val_if_fail (RP_IS_IMAGES_READER (self), NULL);

  return self->fields;
}

/**
 * rp_images_reader_get_string:
 * @self: a #RpImagesReader
 * @name: a top-level member (`size`, `quality`, `output_format`, `background`, `type`…)
 *
 * Returns: (nullable): its value when it is a string
 */
const char *
rp_images_reader_get_string (RpImagesReader *self,
                             const char     *name)
{
  JsonNode *node;

  g_return_val_if_fail (RP_IS_IMAGES_READER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  node = json_object_get_member (self->fields, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * rp_images_reader_get_int:
 * @self: a #RpImagesReader
 * @name: a top-level member (`created`, `created_at`, `partial_image_index`…)
 * @default_value: what to return when it is missing or not an integer
 *
 * Returns: its value
 */
gint64
rp_images_reader_get_int (RpImagesReader *self,
                          const char     *name,
                          gint64          default_value)
{
  JsonNode *node;

  g_return_val_if_fail (RP_IS_IMAGES_READER (self), default_value);
  g_return_val_if_fail (name != NULL, default_value);

  node = json_object_get_member (self->fields, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return default_value;
  return json_node_get_int (node);
}

/**
 * rp_images_reader_get_usage:
 * @self: a #RpImagesReader
 *
 * Returns: (transfer none) (nullable): the `usage` member (token counts, for cost)
 */
JsonNode *
rp_images_reader_get_usage (RpImagesReader *self)
{
  g_return_val_if_fail (RP_IS_IMAGES_READER (self), NULL);

  return json_object_get_member (self->fields, "usage");
}

/**
 * rp_images_reader_get_api_error:
 * @self: a #RpImagesReader
 *
 * Returns: (nullable): the error the body reported, once the reader finished
 */
const RpApiError *
rp_images_reader_get_api_error (RpImagesReader *self)
{
  g_return_val_if_fail (RP_IS_IMAGES_READER (self), NULL);

  return self->has_api_error ? &self->api_error : NULL;
}
