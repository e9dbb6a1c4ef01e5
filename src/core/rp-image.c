/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-image"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-image.h"
#include "rp-image-check.h"

#define READ_CHUNK_BYTES (256 * 1024)
#define SNIFF_BYTES      32

struct _RpImage
{
  GObject        parent_instance;

  GdkPixbuf     *pixbuf;
  GFile         *file;
  char          *display_name;
  RpImageFormat  format;
  /* TRUE when the decoded pixels are exactly what the file on disk holds (no orientation
   * applied), so the original bytes may be uploaded unchanged. */
  gboolean       pixels_match_file;
};

G_DEFINE_TYPE (RpImage, rp_image, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-image-error-quark, rp_image_error)

static void
rp_image_finalize (GObject *object)
{
  RpImage *self = RP_IMAGE (object);

  g_clear_object (&self->pixbuf);
  g_clear_object (&self->file);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (rp_image_parent_class)->finalize (object);
}

static void
rp_image_class_init (RpImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_image_finalize;
}

static void
rp_image_init (RpImage *self)
{
}

RpImageFormat
rp_image_format_sniff (const guint8 *data,
                       gsize         len)
{
  static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (data == NULL)
    return RP_IMAGE_FORMAT_UNKNOWN;
  if (len >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
    return RP_IMAGE_FORMAT_PNG;
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return RP_IMAGE_FORMAT_JPEG;
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return RP_IMAGE_FORMAT_WEBP;
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return RP_IMAGE_FORMAT_GIF;
  if (len >= 14 && data[0] == 'B' && data[1] == 'M')
    return RP_IMAGE_FORMAT_BMP;
  if (len >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return RP_IMAGE_FORMAT_TIFF;
  if (len >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    {
      if (memcmp (data + 8, "avif", 4) == 0 || memcmp (data + 8, "avis", 4) == 0)
        return RP_IMAGE_FORMAT_AVIF;
      if (memcmp (data + 8, "heic", 4) == 0 || memcmp (data + 8, "heix", 4) == 0 ||
          memcmp (data + 8, "mif1", 4) == 0 || memcmp (data + 8, "msf1", 4) == 0 ||
          memcmp (data + 8, "hevc", 4) == 0)
        return RP_IMAGE_FORMAT_HEIF;
    }
  return RP_IMAGE_FORMAT_UNKNOWN;
}

const char *
rp_image_format_mime_type (RpImageFormat format)
{
  switch (format)
    {
    case RP_IMAGE_FORMAT_PNG:  return "image/png";
    case RP_IMAGE_FORMAT_JPEG: return "image/jpeg";
    case RP_IMAGE_FORMAT_WEBP: return "image/webp";
    case RP_IMAGE_FORMAT_GIF:  return "image/gif";
    case RP_IMAGE_FORMAT_BMP:  return "image/bmp";
    case RP_IMAGE_FORMAT_TIFF: return "image/tiff";
    case RP_IMAGE_FORMAT_HEIF: return "image/heif";
    case RP_IMAGE_FORMAT_AVIF: return "image/avif";
    case RP_IMAGE_FORMAT_UNKNOWN:
    default:
      return "application/octet-stream";
    }
}

const char *
rp_image_format_extension (RpImageFormat format)
{
  switch (format)
    {
    case RP_IMAGE_FORMAT_PNG:  return "png";
    case RP_IMAGE_FORMAT_JPEG: return "jpg";
    case RP_IMAGE_FORMAT_WEBP: return "webp";
    case RP_IMAGE_FORMAT_GIF:  return "gif";
    case RP_IMAGE_FORMAT_BMP:  return "bmp";
    case RP_IMAGE_FORMAT_TIFF: return "tif";
    case RP_IMAGE_FORMAT_HEIF: return "heic";
    case RP_IMAGE_FORMAT_AVIF: return "avif";
    case RP_IMAGE_FORMAT_UNKNOWN:
    default:
      return "bin";
    }
}

const char *
rp_image_format_display_name (RpImageFormat format)
{
  switch (format)
    {
    case RP_IMAGE_FORMAT_PNG:  return "PNG";
    case RP_IMAGE_FORMAT_JPEG: return "JPEG";
    case RP_IMAGE_FORMAT_WEBP: return "WebP";
    case RP_IMAGE_FORMAT_GIF:  return "GIF";
    case RP_IMAGE_FORMAT_BMP:  return "BMP";
    case RP_IMAGE_FORMAT_TIFF: return "TIFF";
    case RP_IMAGE_FORMAT_HEIF: return "HEIF";
    case RP_IMAGE_FORMAT_AVIF: return "AVIF";
    case RP_IMAGE_FORMAT_UNKNOWN:
    default:
      return "?";
    }
}

/* The gdk-pixbuf module that decodes each format we accept. Sniffing ourselves and naming
 * the module means a file can never reach a loader we did not choose (SVG, XPM, ANI…). */
static const char *
loader_type_for_format (RpImageFormat format)
{
  switch (format)
    {
    case RP_IMAGE_FORMAT_PNG:  return "png";
    case RP_IMAGE_FORMAT_JPEG: return "jpeg";
    case RP_IMAGE_FORMAT_WEBP: return "webp";
    case RP_IMAGE_FORMAT_GIF:  return "gif";
    case RP_IMAGE_FORMAT_BMP:  return "bmp";
    case RP_IMAGE_FORMAT_TIFF: return "tiff";
    case RP_IMAGE_FORMAT_HEIF:
    case RP_IMAGE_FORMAT_AVIF:
    case RP_IMAGE_FORMAT_UNKNOWN:
    default:
      return NULL;
    }
}

typedef struct
{
  int      width;
  int      height;
  gboolean too_large;
} SizeCheck;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  SizeCheck       *check)
{
  check->width = width;
  check->height = height;
  if (width <= 0 || height <= 0 ||
      width > RP_IMAGE_MAX_EDGE_PX || height > RP_IMAGE_MAX_EDGE_PX ||
      (gint64) width * height > RP_IMAGE_MAX_PIXELS)
    {
      /* A zero size makes every loader stop before it allocates the pixel buffer. */
      check->too_large = width > 0 && height > 0;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static void
set_too_large_error (GError **error,
                     int      width,
                     int      height)
{
  g_set_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE,
               _("The image is too large (%d × %d pixels). Repaint opens images of up to "
                 "100 megapixels with no side longer than 32767 pixels."),
               width, height);
}

static void
set_corrupt_error (GError     **error,
                   const GError *detail)
{
  if (detail != NULL && detail->message != NULL && *detail->message != '\0')
    g_set_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT,
                 _("The image is damaged or incomplete (%s)."), detail->message);
  else
    g_set_error_literal (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_CORRUPT,
                         _("The image is damaged or incomplete."));
}

static gboolean
check_format (RpImageFormat   format,
              GError        **error)
{
  if (format == RP_IMAGE_FORMAT_HEIF || format == RP_IMAGE_FORMAT_AVIF)
    {
      g_set_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_UNSUPPORTED_FORMAT,
                   _("%s images cannot be opened yet. Convert the photo to PNG, JPEG or WebP."),
                   rp_image_format_display_name (format));
      return FALSE;
    }
  if (format == RP_IMAGE_FORMAT_UNKNOWN)
    {
      g_set_error_literal (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_UNKNOWN_FORMAT,
                           _("This file is not an image Repaint can open. Use a PNG, JPEG or "
                             "WebP photo."));
      return FALSE;
    }
  return TRUE;
}

/* Decodes from @stream, whose first bytes (@head, @head_len) were already read for sniffing. */
static GdkPixbuf *
decode_stream (GInputStream  *stream,
               const guint8  *head,
               gsize          head_len,
               RpImageFormat *out_format,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buffer = NULL;
  RpImageFormat format;
  SizeCheck check = { 0, 0, FALSE };
  RpImageCheck structure;
  GdkPixbuf *pixbuf;
  gboolean ok = TRUE;
  goffset total;

  if (head_len == 0)
    {
      g_set_error_literal (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_EMPTY, _("The file is empty."));
      return NULL;
    }

  format = rp_image_format_sniff (head, head_len);
  if (!check_format (format, error))
    return NULL;
  if (!rp_image_check_header (format, head, head_len))
    {
      set_corrupt_error (error, NULL);
      return NULL;
    }

  loader = gdk_pixbuf_loader_new_with_type (loader_type_for_format (format), &local_error);
  if (loader == NULL)
    {
      g_set_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_UNSUPPORTED_FORMAT,
                   _("This system cannot decode %s images. Install its image loader, or "
                     "convert the photo to PNG or JPEG."),
                   rp_image_format_display_name (format));
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &check);
  rp_image_check_init (&structure, format);
  rp_image_check_feed (&structure, head, head_len);

  /* Bytes reach the decoder only once the structure walker has seen them. */
  ok = !rp_image_check_malformed (&structure) &&
       gdk_pixbuf_loader_write (loader, head, head_len, &local_error);
  buffer = g_malloc (READ_CHUNK_BYTES);
  total = head_len;
  while (ok && !check.too_large)
    {
      gssize n = g_input_stream_read (stream, buffer, READ_CHUNK_BYTES, cancellable, error);

      if (n < 0)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return NULL;
        }
      if (n == 0)
        break;
      total += n;
      if (total > RP_IMAGE_MAX_FILE_BYTES)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          g_set_error_literal (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE,
                               _("The image data is larger than 512 MB."));
          return NULL;
        }
      rp_image_check_feed (&structure, buffer, n);
      ok = !rp_image_check_malformed (&structure) &&
           gdk_pixbuf_loader_write (loader, buffer, n, &local_error);
    }

  if (!check.too_large && ok)
    ok = gdk_pixbuf_loader_close (loader, &local_error);
  else
    gdk_pixbuf_loader_close (loader, NULL);

  if (check.too_large)
    {
      set_too_large_error (error, check.width, check.height);
      return NULL;
    }
  if (!ok)
    {
      set_corrupt_error (error, local_error);
      return NULL;
    }

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  /* gdk-pixbuf's incremental loaders return an image for a file that ends early, with the
   * missing rows blank; a photo that lost its bottom must not open as if it were whole. */
  if (pixbuf == NULL || !rp_image_check_complete (&structure))
    {
      set_corrupt_error (error, NULL);
      return NULL;
    }

  *out_format = format;
  return g_object_ref (pixbuf);
}

static RpImage *
image_from_decoded (GdkPixbuf     *decoded,
                    RpImageFormat  format,
                    GFile         *file,
                    const char    *display_name)
{
  g_autoptr(GdkPixbuf) oriented = gdk_pixbuf_apply_embedded_orientation (decoded);
  RpImage *self = rp_image_new_from_pixbuf (oriented, display_name);

  self->format = format;
  self->file = file ? g_object_ref (file) : NULL;
  self->pixels_match_file = (oriented == decoded);
  return self;
}

static RpImage *
load_stream (GInputStream  *stream,
             GFile         *file,
             const char    *display_name,
             GCancellable  *cancellable,
             GError       **error)
{
  guint8 head[SNIFF_BYTES];
  gsize head_len = 0;
  RpImageFormat format = RP_IMAGE_FORMAT_UNKNOWN;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  if (!g_input_stream_read_all (stream, head, sizeof head, &head_len, cancellable, error))
    return NULL;

  pixbuf = decode_stream (stream, head, head_len, &format, cancellable, error);
  if (pixbuf == NULL)
    return NULL;

  return image_from_decoded (pixbuf, format, file, display_name);
}

/**
 * rp_image_load_stream:
 * @stream: encoded image data (clipboard, drag and drop)
 * @display_name: (nullable): a name to show
 *
 * Like rp_image_load_file() for a stream; at most %RP_IMAGE_MAX_FILE_BYTES are read.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
RpImage *
rp_image_load_stream (GInputStream  *stream,
                      const char    *display_name,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  return load_stream (stream, NULL, display_name, cancellable, error);
}

/**
 * rp_image_new_from_pixbuf:
 * @pixbuf: decoded pixels
 * @display_name: (nullable): a name to show for the image
 *
 * Returns: (transfer full): an image without a file
 */
RpImage *
rp_image_new_from_pixbuf (GdkPixbuf  *pixbuf,
                          const char *display_name)
{
  RpImage *self;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);

  self = g_object_new (RP_TYPE_IMAGE, NULL);
  self->pixbuf = g_object_ref (pixbuf);
  self->display_name = g_strdup (display_name ? display_name : _("Untitled"));
  self->format = RP_IMAGE_FORMAT_PNG;
  self->pixels_match_file = FALSE;
  return self;
}

/**
 * rp_image_load_file:
 * @file: the file to read
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Decodes @file (blocking). The format comes from the file's first bytes, never its name;
 * images over %RP_IMAGE_MAX_PIXELS are refused from their header. EXIF orientation is applied.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
RpImage *
rp_image_load_file (GFile         *file,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not read the file: %s"), local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                           _("This is a folder, not an image."));
      return NULL;
    }
  /* A FIFO would block the read until someone writes to it, a device never ends. A path
   * from a saved session or the history can name one. */
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_SPECIAL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                           _("This is not an image file."));
      return NULL;
    }
  if (g_file_info_get_size (info) > RP_IMAGE_MAX_FILE_BYTES)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      g_set_error (error, RP_IMAGE_ERROR, RP_IMAGE_ERROR_TOO_LARGE,
                   _("The file is too large (%s). Repaint opens files of up to 512 MB."), size);
      return NULL;
    }

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not read the file: %s"), local_error->message);
      return NULL;
    }

  name = g_file_info_get_display_name (info);
  return load_stream (G_INPUT_STREAM (stream), file, name, cancellable, error);
}

/**
 * rp_image_load_bytes:
 * @bytes: encoded image data (e.g. from the clipboard)
 * @display_name: (nullable): a name to show
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Like rp_image_load_file() for data in memory.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
RpImage *
rp_image_load_bytes (GBytes        *bytes,
                     const char    *display_name,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  stream = g_memory_input_stream_new_from_bytes (bytes);
  return load_stream (stream, NULL, display_name, cancellable, error);
}

static void
load_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  RpImage *image = rp_image_load_file (G_FILE (task_data), cancellable, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

void
rp_image_load_file_async (GFile               *file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_image_load_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_file_thread);
}

/**
 * rp_image_load_file_finish:
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
RpImage *
rp_image_load_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GBytes       *bytes;
  GInputStream *stream;
  char         *display_name;
} LoadBytesData;

static void
load_bytes_data_free (gpointer data)
{
  LoadBytesData *d = data;

  g_clear_pointer (&d->bytes, g_bytes_unref);
  g_clear_object (&d->stream);
  g_free (d->display_name);
  g_free (d);
}

static void
load_bytes_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LoadBytesData *d = task_data;
  GError *error = NULL;
  RpImage *image;

  if (d->stream != NULL)
    image = rp_image_load_stream (d->stream, d->display_name, cancellable, &error);
  else
    image = rp_image_load_bytes (d->bytes, d->display_name, cancellable, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, g_object_unref);
}

void
rp_image_load_bytes_async (GBytes              *bytes,
                           const char          *display_name,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadBytesData *d;

  g_return_if_fail (bytes != NULL);

  d = g_new0 (LoadBytesData, 1);
  d->bytes = g_bytes_ref (bytes);
  d->display_name = g_strdup (display_name);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_image_load_bytes_async);
  g_task_set_task_data (task, d, load_bytes_data_free);
  g_task_run_in_thread (task, load_bytes_thread);
}

void
rp_image_load_stream_async (GInputStream        *stream,
                            const char          *display_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadBytesData *d;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  d = g_new0 (LoadBytesData, 1);
  d->stream = g_object_ref (stream);
  d->display_name = g_strdup (display_name);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_image_load_stream_async);
  g_task_set_task_data (task, d, load_bytes_data_free);
  g_task_run_in_thread (task, load_bytes_thread);
}

/**
 * rp_image_load_bytes_finish:
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
RpImage *
rp_image_load_bytes_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

int
rp_image_get_width (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), 0);
  return gdk_pixbuf_get_width (self->pixbuf);
}

int
rp_image_get_height (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), 0);
  return gdk_pixbuf_get_height (self->pixbuf);
}

/**
 * rp_image_get_pixbuf:
 *
 * Returns: (transfer none): the decoded, oriented pixels; never modify them
 */
GdkPixbuf *
rp_image_get_pixbuf (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), NULL);
  return self->pixbuf;
}

/**
 * rp_image_get_file:
 *
 * Returns: (transfer none) (nullable): where the image was read from
 */
GFile *
rp_image_get_file (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), NULL);
  return self->file;
}

const char *
rp_image_get_display_name (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), NULL);
  return self->display_name;
}

RpImageFormat
rp_image_get_format (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), RP_IMAGE_FORMAT_UNKNOWN);
  return self->format;
}

gboolean
rp_image_get_pixels_match_file (RpImage *self)
{
  g_return_val_if_fail (RP_IS_IMAGE (self), FALSE);
  return self->pixels_match_file && self->file != NULL;
}
