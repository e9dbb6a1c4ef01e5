/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-image"

#include "config.h"

#include <string.h>

#include "rp-image-check.h"

enum {
  /* PNG */
  PNG_SIGNATURE,
  PNG_CHUNK_HEADER,
  /* JPEG */
  JPEG_SOI,
  JPEG_MARKER,
  JPEG_LENGTH,
  JPEG_ENTROPY,
  /* WebP */
  WEBP_HEADER,
  WEBP_BODY,
  /* GIF */
  GIF_SCREEN,
  GIF_BLOCK,
  GIF_EXTENSION,
  GIF_EXTENSION_FIRST,
  GIF_FRAME,
  GIF_LZW_SIZE,
  GIF_SUB_BLOCK,
  /* everything else, and the end */
  DONE,
};

void
rp_image_check_init (RpImageCheck  *check,
                     RpImageFormat  format)
{
  memset (check, 0, sizeof *check);
  check->format = format;
  switch (format)
    {
    case RP_IMAGE_FORMAT_PNG:
      check->state = PNG_SIGNATURE;
      check->want = 8;
      break;
    case RP_IMAGE_FORMAT_JPEG:
      check->state = JPEG_SOI;
      check->want = 2;
      break;
    case RP_IMAGE_FORMAT_WEBP:
      check->state = WEBP_HEADER;
      check->want = 12;
      break;
    case RP_IMAGE_FORMAT_GIF:
      /* Signature and logical screen descriptor. */
      check->state = GIF_SCREEN;
      check->want = 13;
      check->complete = TRUE;
      break;
    case RP_IMAGE_FORMAT_UNKNOWN:
    case RP_IMAGE_FORMAT_BMP:
    case RP_IMAGE_FORMAT_TIFF:
    case RP_IMAGE_FORMAT_HEIF:
    case RP_IMAGE_FORMAT_AVIF:
    default:
      /* Formats without a cheap end marker are trusted to the decoder. */
      check->state = DONE;
      check->complete = TRUE;
      break;
    }
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint
le16 (const guint8 *p)
{
  return ((guint) p[1] << 8) | p[0];
}

static guint32
le32 (const guint8 *p)
{
  return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
}

static void
expect (RpImageCheck *check,
        int           state,
        guint         want)
{
  check->state = state;
  check->want = want;
  check->header_len = 0;
}

/* A JPEG marker was read: decide what follows it. */
static void
jpeg_marker (RpImageCheck *check,
             guint8        marker)
{
  check->marker = marker;
  if (marker == 0xd9)                                  /* EOI */
    {
      check->complete = TRUE;
      check->state = DONE;
    }
  else if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01)
    expect (check, check->state == JPEG_ENTROPY ? JPEG_ENTROPY : JPEG_MARKER, 2);
  else
    expect (check, JPEG_LENGTH, 2);
}

/* The colour table that follows a GIF header whose flags byte is @flags. */
static guint64
gif_color_table_bytes (guint8 flags)
{
  return (flags & 0x80) ? 3 * ((guint64) 2 << (flags & 0x07)) : 0;
}

static gboolean
gif_header_done (RpImageCheck *check)
{
  const guint8 *h = check->header;

  switch (check->state)
    {
    case GIF_SCREEN:
      check->screen_width = le16 (h + 6);
      check->screen_height = le16 (h + 8);
      check->skip = gif_color_table_bytes (h[10]);
      expect (check, GIF_BLOCK, 1);
      return TRUE;
    case GIF_BLOCK:
      if (h[0] == 0x21)                                /* extension: label, sub-blocks */
        expect (check, GIF_EXTENSION, 1);
      else if (h[0] == 0x2c)                           /* image descriptor */
        expect (check, GIF_FRAME, 9);
      else if (h[0] == 0x3b)                           /* trailer */
        check->state = DONE;
      else
        return FALSE;
      return TRUE;
    case GIF_EXTENSION:
      check->gif_label = h[0];
      expect (check, GIF_EXTENSION_FIRST, 1);
      return TRUE;
    case GIF_EXTENSION_FIRST:
      /* After a graphic control or application extension whose first sub-block is empty
       * (the format gives them 4 and 11 bytes), gdk-pixbuf reads one more run of
       * sub-blocks and so takes the rest of the file for something else than it is: a
       * frame of no width, a critical. Such a file is refused. */
      if ((check->gif_label == 0xf9 || check->gif_label == 0xff) && h[0] == 0)
        return FALSE;
      check->skip = h[0];
      expect (check, h[0] == 0 ? GIF_BLOCK : GIF_SUB_BLOCK, 1);
      return TRUE;
    case GIF_FRAME:
      /* gdk-pixbuf takes a frame of no width or height for a programming error (a
       * critical) before it refuses it, and restores or clears the area under a frame
       * that sticks out of the logical screen without clipping it: a critical, or a
       * write of a negative length. */
      if (le16 (h + 4) == 0 || le16 (h + 6) == 0 ||
          le16 (h) + le16 (h + 4) > check->screen_width ||
          le16 (h + 2) + le16 (h + 6) > check->screen_height)
        return FALSE;
      check->skip = gif_color_table_bytes (h[8]);
      expect (check, GIF_LZW_SIZE, 1);
      return TRUE;
    case GIF_LZW_SIZE:
      expect (check, GIF_SUB_BLOCK, 1);
      return TRUE;
    case GIF_SUB_BLOCK:
      /* A zero length ends the block's data. */
      check->skip = h[0];
      expect (check, h[0] == 0 ? GIF_BLOCK : GIF_SUB_BLOCK, 1);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* Handles a complete fixed-size header; returns FALSE if the stream is malformed. */
static gboolean
header_done (RpImageCheck *check)
{
  const guint8 *h = check->header;

  switch (check->state)
    {
    case PNG_SIGNATURE:
      expect (check, PNG_CHUNK_HEADER, 8);
      return TRUE;
    case PNG_CHUNK_HEADER:
      if (memcmp (h + 4, "IEND", 4) == 0)
        {
          check->complete = TRUE;
          check->state = DONE;
          return TRUE;
        }
      check->skip = (guint64) be32 (h) + 4;            /* data and CRC */
      expect (check, PNG_CHUNK_HEADER, 8);
      return TRUE;
    case JPEG_SOI:
      if (h[0] != 0xff || h[1] != 0xd8)
        return FALSE;
      expect (check, JPEG_MARKER, 2);
      return TRUE;
    case JPEG_MARKER:
      if (h[0] != 0xff)
        return FALSE;
      if (h[1] == 0xff)                                /* fill byte: read one more */
        {
          check->header[0] = 0xff;
          check->header_len = 1;
          return TRUE;
        }
      jpeg_marker (check, h[1]);
      return TRUE;
    case JPEG_LENGTH:
      {
        guint length = ((guint) h[0] << 8) | h[1];

        if (length < 2)
          return FALSE;
        check->skip = length - 2;
        /* After a scan header comes entropy-coded data, which has no length. */
        if (check->marker == 0xda)
          {
            check->state = JPEG_ENTROPY;
            check->after_ff = FALSE;
          }
        else
          expect (check, JPEG_MARKER, 2);
        return TRUE;
      }
    case WEBP_HEADER:
      check->riff_end = 8 + (guint64) le32 (h + 4);
      check->state = WEBP_BODY;
      return TRUE;
    case GIF_SCREEN:
    case GIF_BLOCK:
    case GIF_EXTENSION:
    case GIF_EXTENSION_FIRST:
    case GIF_FRAME:
    case GIF_LZW_SIZE:
    case GIF_SUB_BLOCK:
      return gif_header_done (check);
    default:
      return TRUE;
    }
}

void
rp_image_check_feed (RpImageCheck *check,
                     const guint8 *data,
                     gsize         len)
{
  gsize i = 0;

  check->seen += len;
  while (i < len && check->state != DONE)
    {
      if (check->skip > 0)
        {
          gsize n = MIN (check->skip, len - i);

          check->skip -= n;
          i += n;
          continue;
        }
      if (check->state == WEBP_BODY)
        {
          if (check->seen >= check->riff_end)
            {
              check->complete = TRUE;
              check->state = DONE;
            }
          return;
        }
      if (check->state == JPEG_ENTROPY)
        {
          /* Scan for a marker: FF followed by anything but 00 (stuffing), FF or RSTn. */
          while (i < len)
            {
              guint8 b = data[i++];

              if (!check->after_ff)
                {
                  const guint8 *ff = memchr (data + i - 1, 0xff, len - (i - 1));

                  if (ff == NULL)
                    {
                      i = len;
                      break;
                    }
                  i = (ff - data) + 1;
                  check->after_ff = TRUE;
                  continue;
                }
              if (b == 0x00 || (b >= 0xd0 && b <= 0xd7))
                check->after_ff = FALSE;
              else if (b != 0xff)
                {
                  check->after_ff = FALSE;
                  check->state = JPEG_MARKER;
                  jpeg_marker (check, b);
                  break;
                }
            }
          continue;
        }

      g_assert (check->header_len < sizeof check->header);
      check->header[check->header_len++] = data[i++];
      if (check->header_len == check->want)
        {
          check->header_len = 0;
          if (!header_done (check))
            {
              check->state = DONE;
              check->malformed = TRUE;
              check->complete = FALSE;
            }
        }
    }
  if (check->state == WEBP_BODY && check->seen >= check->riff_end)
    {
      check->complete = TRUE;
      check->state = DONE;
    }
}

gboolean
rp_image_check_complete (RpImageCheck *check)
{
  return check->complete;
}

/* Whether the bytes so far already break the format's structure: feeding them to a
 * decoder is pointless, and for some decoders unsafe. */
gboolean
rp_image_check_malformed (RpImageCheck *check)
{
  return check->malformed;
}

/**
 * rp_image_check_header:
 * @format: the sniffed format
 * @head: (array length=len): the first bytes of the file
 * @len: how many (at least the first 18 are looked at)
 *
 * Some decoders reserve memory for what a header field claims before they know the
 * image's size, where the pixel limit cannot stop them: gdk-pixbuf's BMP loader grows
 * its buffer to the info header's stated length, and later to the stated offset of the
 * pixel data, so 30 bytes can claim 4 GB. This refuses such fields beyond what a real
 * file needs, before the decoder sees them.
 *
 * Returns: %FALSE when the header cannot belong to a real image
 */
gboolean
rp_image_check_header (RpImageFormat  format,
                       const guint8  *head,
                       gsize          len)
{
  static const guint32 bmp_info_sizes[] = { 12, 40, 52, 56, 64, 108, 124 };
  guint32 info_size;
  guint i;

  if (format != RP_IMAGE_FORMAT_BMP || len < 18)
    return TRUE;
  if (le32 (head + 10) > RP_IMAGE_CHECK_MAX_BMP_DATA_OFFSET)
    return FALSE;
  /* The versions of the info header there are; the loader refuses any other size too,
   * but only after reserving it. */
  info_size = le32 (head + 14);
  for (i = 0; i < G_N_ELEMENTS (bmp_info_sizes); i++)
    if (info_size == bmp_info_sizes[i])
      return TRUE;
  return FALSE;
}
