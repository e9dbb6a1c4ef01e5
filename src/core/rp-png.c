/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-png"

#include "config.h"

#include <string.h>
#include <zlib.h>

#include "rp-png.h"

#define OUT_CHUNK_BYTES (256 * 1024)

struct _RpPngWriter
{
  GOutputStream *stream;
  z_stream       z;
  gboolean       z_ready;
  int            width;
  int            height;
  int            rows_written;
  int            bpp;
  RpPngColor     color;
  gsize          row_bytes;
  RpPngFilter    filter;
  guint8        *filtered;   /* filter byte + row */
  guint8        *previous;   /* previous raw row, for the Up filter */
  guint8        *out;        /* "IDAT" + compressed bytes, CRC appended on flush */
};

static gboolean
write_chunk (GOutputStream  *stream,
             const char     *type,
             const guint8   *data,
             gsize           len,
             GCancellable   *cancellable,
             GError        **error)
{
  guint8 header[8];
  guint8 trailer[4];
  uLong crc;

  header[0] = (len >> 24) & 0xff;
  header[1] = (len >> 16) & 0xff;
  header[2] = (len >> 8) & 0xff;
  header[3] = len & 0xff;
  memcpy (header + 4, type, 4);
  crc = crc32 (0, (const Bytef *) type, 4);
  if (len > 0)
    crc = crc32 (crc, data, len);
  trailer[0] = (crc >> 24) & 0xff;
  trailer[1] = (crc >> 16) & 0xff;
  trailer[2] = (crc >> 8) & 0xff;
  trailer[3] = crc & 0xff;

  return g_output_stream_write_all (stream, header, 8, NULL, cancellable, error) &&
         (len == 0 || g_output_stream_write_all (stream, data, len, NULL, cancellable, error)) &&
         g_output_stream_write_all (stream, trailer, 4, NULL, cancellable, error);
}

/**
 * rp_png_writer_new:
 * @stream: where the PNG goes; the signature and header are written on the first row
 *
 * Returns: (transfer full): a writer; feed it exactly @height rows, then finish it
 */
RpPngWriter *
rp_png_writer_new (GOutputStream *stream,
                   int            width,
                   int            height,
                   RpPngColor     color,
                   RpPngPreset    preset)
{
  RpPngWriter *w;
  int level, strategy;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  w = g_new0 (RpPngWriter, 1);
  w->stream = g_object_ref (stream);
  w->width = width;
  w->height = height;
  w->bpp = color == RP_PNG_COLOR_RGBA ? 4 : color == RP_PNG_COLOR_RGB ? 3 : 1;
  w->row_bytes = (gsize) width * w->bpp;
  w->filtered = g_malloc (w->row_bytes + 1);
  w->previous = g_malloc0 (w->row_bytes);
  w->out = g_malloc (OUT_CHUNK_BYTES);

  switch (preset)
    {
    case RP_PNG_SPEED_FLAT:
      w->filter = RP_PNG_FILTER_SUB;
      level = 1;
      strategy = Z_RLE;
      break;
    case RP_PNG_SMALL:
      w->filter = RP_PNG_FILTER_UP;
      level = 6;
      strategy = Z_DEFAULT_STRATEGY;
      break;
    case RP_PNG_SPEED_PHOTO:
    default:
      w->filter = RP_PNG_FILTER_UP;
      level = 1;
      strategy = Z_DEFAULT_STRATEGY;
      break;
    }

  if (deflateInit2 (&w->z, level, Z_DEFLATED, 15, 8, strategy) == Z_OK)
    w->z_ready = TRUE;
  w->z.next_out = w->out;
  w->z.avail_out = OUT_CHUNK_BYTES;

  w->color = color;
  return w;
}

static gboolean
write_header (RpPngWriter   *w,
              GCancellable  *cancellable,
              GError       **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13];

  ihdr[0] = (w->width >> 24) & 0xff;
  ihdr[1] = (w->width >> 16) & 0xff;
  ihdr[2] = (w->width >> 8) & 0xff;
  ihdr[3] = w->width & 0xff;
  ihdr[4] = (w->height >> 24) & 0xff;
  ihdr[5] = (w->height >> 16) & 0xff;
  ihdr[6] = (w->height >> 8) & 0xff;
  ihdr[7] = w->height & 0xff;
  ihdr[8] = 8;
  ihdr[9] = w->color == RP_PNG_COLOR_RGBA ? 6 : w->color == RP_PNG_COLOR_RGB ? 2 : 0;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;

  return g_output_stream_write_all (w->stream, signature, 8, NULL, cancellable, error) &&
         write_chunk (w->stream, "IHDR", ihdr, 13, cancellable, error);
}

static gboolean
flush_out (RpPngWriter   *w,
           GCancellable  *cancellable,
           GError       **error)
{
  gsize len = OUT_CHUNK_BYTES - w->z.avail_out;
  gboolean ok = TRUE;

  if (len > 0)
    ok = write_chunk (w->stream, "IDAT", w->out, len, cancellable, error);
  w->z.next_out = w->out;
  w->z.avail_out = OUT_CHUNK_BYTES;
  return ok;
}

static gboolean
deflate_bytes (RpPngWriter   *w,
               const guint8  *data,
               gsize          len,
               int            flush,
               GCancellable  *cancellable,
               GError       **error)
{
  w->z.next_in = (Bytef *) data;
  w->z.avail_in = len;

  for (;;)
    {
      int ret = deflate (&w->z, flush);

      if (ret == Z_STREAM_ERROR)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "zlib stream error");
          return FALSE;
        }
      if (w->z.avail_out == 0)
        {
          if (!flush_out (w, cancellable, error))
            return FALSE;
          continue;
        }
      if (flush == Z_FINISH ? ret == Z_STREAM_END : w->z.avail_in == 0)
        return TRUE;
    }
}

/**
 * rp_png_writer_write_row:
 * @row: one row of raw samples (width × channels bytes)
 */
gboolean
rp_png_writer_write_row (RpPngWriter   *w,
                         const guint8  *row,
                         GCancellable  *cancellable,
                         GError       **error)
{
  guint8 *dst;
  gsize i;

  g_return_val_if_fail (w != NULL, FALSE);
  g_return_val_if_fail (w->rows_written < w->height, FALSE);

  if (!w->z_ready)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "zlib unavailable");
      return FALSE;
    }
  if (w->rows_written == 0 && !write_header (w, cancellable, error))
    return FALSE;

  dst = w->filtered + 1;
  w->filtered[0] = (guint8) w->filter;
  switch (w->filter)
    {
    case RP_PNG_FILTER_SUB:
      memcpy (dst, row, w->bpp);
      for (i = w->bpp; i < w->row_bytes; i++)
        dst[i] = row[i] - row[i - w->bpp];
      break;
    case RP_PNG_FILTER_UP:
      for (i = 0; i < w->row_bytes; i++)
        dst[i] = row[i] - w->previous[i];
      memcpy (w->previous, row, w->row_bytes);
      break;
    case RP_PNG_FILTER_NONE:
    default:
      memcpy (dst, row, w->row_bytes);
      break;
    }

  w->rows_written++;
  return deflate_bytes (w, w->filtered, w->row_bytes + 1, Z_NO_FLUSH, cancellable, error);
}

gboolean
rp_png_writer_finish (RpPngWriter   *w,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (w != NULL, FALSE);

  if (w->rows_written != w->height)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "PNG writer got %d of %d rows", w->rows_written, w->height);
      return FALSE;
    }
  return deflate_bytes (w, NULL, 0, Z_FINISH, cancellable, error) &&
         flush_out (w, cancellable, error) &&
         write_chunk (w->stream, "IEND", NULL, 0, cancellable, error);
}

void
rp_png_writer_free (RpPngWriter *w)
{
  if (w == NULL)
    return;
  if (w->z_ready)
    deflateEnd (&w->z);
  g_object_unref (w->stream);
  g_free (w->filtered);
  g_free (w->previous);
  g_free (w->out);
  g_free (w);
}

/**
 * rp_png_save_pixbuf:
 * @pixbuf: 8-bit RGB or RGBA pixels
 * @stream: destination
 *
 * Encodes @pixbuf as PNG, keeping its alpha channel if it has one.
 */
gboolean
rp_png_save_pixbuf (GdkPixbuf     *pixbuf,
                    GOutputStream *stream,
                    RpPngPreset    preset,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(RpPngWriter) writer = NULL;
  const guint8 *pixels;
  int width, height, stride, y;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), FALSE);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, FALSE);

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  writer = rp_png_writer_new (stream, width, height,
                              gdk_pixbuf_get_has_alpha (pixbuf) ? RP_PNG_COLOR_RGBA : RP_PNG_COLOR_RGB,
                              preset);

  for (y = 0; y < height; y++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!rp_png_writer_write_row (writer, pixels + (gsize) y * stride, cancellable, error))
        return FALSE;
    }
  return rp_png_writer_finish (writer, cancellable, error);
}
