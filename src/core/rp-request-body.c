/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-request-body"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-body-stream-private.h"
#include "rp-image.h"
#include "rp-request-body-private.h"
#include "rp-transport.h"

typedef struct
{
  /* RpBodySegment; shared with every stream opened, so frozen once sealed. */
  GPtrArray *segments;
  /* Adjacent text parts coalesce here until a file part (or sealing) needs a new segment. */
  GString   *pending_text;
  char      *content_type;
  goffset    length;
  gboolean   sealed;
} RpRequestBodyPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (RpRequestBody, rp_request_body, G_TYPE_OBJECT)

static void
rp_request_body_finalize (GObject *object)
{
  RpRequestBody *self = RP_REQUEST_BODY (object);
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  g_clear_pointer (&priv->segments, g_ptr_array_unref);
  if (priv->pending_text != NULL)
    g_string_free (g_steal_pointer (&priv->pending_text), TRUE);
  g_clear_pointer (&priv->content_type, g_free);

  G_OBJECT_CLASS (rp_request_body_parent_class)->finalize (object);
}

static void
rp_request_body_class_init (RpRequestBodyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_request_body_finalize;
}

static void
rp_request_body_init (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  priv->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) rp_body_segment_free);
  priv->pending_text = g_string_new (NULL);
}

static void
flush_text (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);
  g_autoptr(GBytes) bytes = NULL;
  gsize len = priv->pending_text->len;

  if (len == 0)
    return;
  bytes = g_bytes_new_take (g_string_free (g_steal_pointer (&priv->pending_text), FALSE), len);
  priv->pending_text = g_string_new (NULL);
  g_ptr_array_add (priv->segments, rp_body_segment_new_bytes (bytes));
  priv->length += len;
}

static void
seal (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  if (priv->sealed)
    return;
  if (RP_REQUEST_BODY_GET_CLASS (self)->seal != NULL)
    RP_REQUEST_BODY_GET_CLASS (self)->seal (self);
  flush_text (self);
  priv->sealed = TRUE;
}

void
rp_request_body_set_content_type (RpRequestBody *self,
                                  const char    *content_type)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  g_return_if_fail (RP_IS_REQUEST_BODY (self));

  g_free (priv->content_type);
  priv->content_type = g_strdup (content_type);
}

gboolean
rp_request_body_is_sealed (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  return priv->sealed;
}

void
rp_request_body_append_text (RpRequestBody *self,
                             const char    *text,
                             gssize         len)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  g_return_if_fail (RP_IS_REQUEST_BODY (self));
  g_return_if_fail (!priv->sealed);

  g_string_append_len (priv->pending_text, text, len);
}

static void
append_file_segment (RpRequestBody     *self,
                     RpBodySegmentKind  kind,
                     GFile             *file,
                     goffset            size)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);
  RpBodySegment *segment;

  g_return_if_fail (RP_IS_REQUEST_BODY (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (size >= 0);
  g_return_if_fail (!priv->sealed);

  flush_text (self);
  segment = rp_body_segment_new_file (kind, file, size);
  priv->length += segment->length;
  g_ptr_array_add (priv->segments, segment);
}

void
rp_request_body_append_file (RpRequestBody *self,
                             GFile         *file,
                             goffset        size)
{
  append_file_segment (self, RP_BODY_SEGMENT_FILE, file, size);
}

void
rp_request_body_append_base64_file (RpRequestBody *self,
                                    GFile         *file,
                                    goffset        size)
{
  append_file_segment (self, RP_BODY_SEGMENT_BASE64_FILE, file, size);
}

gboolean
rp_request_body_content_type_is_safe (const char *text)
{
  const char *p;

  if (text == NULL || strchr (text, '/') == NULL)
    return FALSE;
  for (p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$&^_.+-/;= ", *p) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
rp_request_body_inspect_file (GFile         *file,
                              const char    *content_type,
                              goffset       *size,
                              char         **out_content_type,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  guint8 head[RP_TRANSPORT_SNIFF_BYTES];
  gsize head_len = 0;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("“%s” is not a regular file and cannot be uploaded."), name);
      return FALSE;
    }
  *size = g_file_info_get_size (info);

  if (content_type != NULL)
    {
      *out_content_type = g_strdup (content_type);
      return TRUE;
    }
  in = g_file_read (file, cancellable, error);
  if (in == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &head_len,
                                cancellable, error))
    return FALSE;
  *out_content_type = g_strdup (rp_image_format_mime_type (rp_image_format_sniff (head, head_len)));
  return TRUE;
}

/**
 * rp_request_body_get_content_type:
 * @self: a #RpRequestBody
 *
 * Returns: (transfer none): the value for the Content-Type header, for example
 *   `multipart/form-data; boundary=…` or `application/json`
 */
const char *
rp_request_body_get_content_type (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  g_return_val_if_fail (RP_IS_REQUEST_BODY (self), NULL);

  return priv->content_type;
}

/**
 * rp_request_body_get_length:
 * @self: a #RpRequestBody
 *
 * The exact Content-Length, computed from the planned parts and the sizes the files had
 * when they were added; no file is read. Seals the body.
 *
 * Returns: the body's length in bytes
 */
goffset
rp_request_body_get_length (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  g_return_val_if_fail (RP_IS_REQUEST_BODY (self), 0);

  seal (self);
  return priv->length;
}

/**
 * rp_request_body_open:
 * @self: a #RpRequestBody
 *
 * Opens a new stream over the whole body. Files are opened one at a time as the stream
 * reaches them; a file whose size changed since it was added fails the read with
 * %RP_TRANSPORT_ERROR_FILE_CHANGED rather than sending a body that contradicts its
 * Content-Length. Seals the body; any number of streams may be opened (one per attempt).
 *
 * Returns: (transfer full): a stream of rp_request_body_get_length() bytes
 */
RpBodyStream *
rp_request_body_open (RpRequestBody *self)
{
  RpRequestBodyPrivate *priv = rp_request_body_get_instance_private (self);

  g_return_val_if_fail (RP_IS_REQUEST_BODY (self), NULL);

  seal (self);
  return rp_body_stream_new (priv->segments);
}

