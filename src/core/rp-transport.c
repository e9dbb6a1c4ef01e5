/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-transport"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rp-transport.h"

G_DEFINE_QUARK (rp-transport-error-quark, rp_transport_error)

/* The first byte that is not whitespace, or 0. */
static guint8
first_visible_byte (const guint8 *head,
                    gsize         len)
{
  gsize i;

  for (i = 0; i < len; i++)
    if (!g_ascii_isspace (head[i]))
      return head[i];
  return 0;
}

/**
 * rp_transport_sniff_image:
 * @head: (array length=len): the first bytes of a received body or decoded image
 * @len: how many bytes @head holds; %RP_TRANSPORT_SNIFF_BYTES are enough
 * @content_type: (nullable): the Content-Type the server announced, for the error message
 * @error: return location for an error
 *
 * Identifies a received image by its magic bytes, never by what was requested or what the
 * server announced (a relay may say `image/png` and send JPEG).
 *
 * Returns: the format, or %RP_IMAGE_FORMAT_UNKNOWN with %RP_TRANSPORT_ERROR_NOT_AN_IMAGE set
 */
RpImageFormat
rp_transport_sniff_image (const guint8  *head,
                          gsize          len,
                          const char    *content_type,
                          GError       **error)
{
  RpImageFormat format = rp_image_format_sniff (head, len);
  guint8 first;

  if (format != RP_IMAGE_FORMAT_UNKNOWN)
    return format;

  first = head != NULL ? first_visible_byte (head, len) : 0;
  if (len == 0)
    g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE,
                         _("The provider sent an empty image."));
  else if (first == '{' || first == '[' || first == '<')
    g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE,
                 _("The provider sent a text document (%s) where an image was expected."),
                 content_type != NULL ? content_type : first == '<' ? "HTML" : "JSON");
  else
    g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_NOT_AN_IMAGE,
                 _("The provider sent data that is not a known image format (%s)."),
                 content_type != NULL ? content_type : _("no type given"));
  return RP_IMAGE_FORMAT_UNKNOWN;
}

/**
 * rp_transport_sniff_file:
 * @file: a received image written to disk (raw body or a decoded `b64_json`)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads the first %RP_TRANSPORT_SNIFF_BYTES of @file and identifies the image format.
 * Blocking; call it from a worker thread when the disk may be slow.
 *
 * Returns: the format, or %RP_IMAGE_FORMAT_UNKNOWN with @error set
 */
RpImageFormat
rp_transport_sniff_file (GFile         *file,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  guint8 head[RP_TRANSPORT_SNIFF_BYTES];
  gsize len = 0;

  g_return_val_if_fail (G_IS_FILE (file), RP_IMAGE_FORMAT_UNKNOWN);

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return RP_IMAGE_FORMAT_UNKNOWN;
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &len, cancellable, error))
    return RP_IMAGE_FORMAT_UNKNOWN;
  return rp_transport_sniff_image (head, len, NULL, error);
}
