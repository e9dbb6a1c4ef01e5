/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include "rp-core.h"
#include "rp-image-check.h"
#include "fuzz-common.h"

/* Image decoding as a dropped or pasted file reaches it: rp_image_load_bytes() with its
 * format sniffing, pixel limit and container walker. Run it with -rss_limit_mb and
 * -malloc_limit_mb: the limit must keep any input, however it lies about its size, from
 * claiming more than one image at the limit costs. The container walker must reach the
 * same verdict however the bytes are split, and whatever decodes must be whole. */

/* The walker's verdict: bit 0 complete, bit 1 malformed. */
static guint
walk (RpImageFormat  format,
      const guint8  *data,
      gsize          len,
      gsize          step)
{
  RpImageCheck check;

  rp_image_check_init (&check, format);
  while (len > 0)
    {
      gsize n = MIN (step, len);

      rp_image_check_feed (&check, data, n);
      data += n;
      len -= n;
    }
  rp_fuzz_assert (!(rp_image_check_complete (&check) && rp_image_check_malformed (&check)));
  return rp_image_check_complete (&check) | rp_image_check_malformed (&check) << 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = NULL;
  RpImageFormat format = rp_image_format_sniff (data, size);
  guint verdict = walk (format, data, size, G_MAXSIZE);

  rp_fuzz_assert (walk (format, data, size, 1) == verdict);
  rp_fuzz_assert (walk (format, data, size, 7) == verdict);

  image = rp_image_load_bytes (bytes, "fuzz", NULL, &error);
  rp_fuzz_assert ((image == NULL) == (error != NULL));
  if (image == NULL)
    {
      rp_fuzz_assert (error->domain == RP_IMAGE_ERROR);
      return 0;
    }

  /* Whatever decoded is within the limits, in a format we sniffed, and whole. */
  rp_fuzz_assert (rp_image_get_format (image) == format);
  rp_fuzz_assert (verdict == 1);
  rp_fuzz_assert (rp_image_get_width (image) > 0 && rp_image_get_height (image) > 0);
  rp_fuzz_assert (rp_image_get_width (image) <= RP_IMAGE_MAX_EDGE_PX);
  rp_fuzz_assert (rp_image_get_height (image) <= RP_IMAGE_MAX_EDGE_PX);
  rp_fuzz_assert ((gint64) rp_image_get_width (image) * rp_image_get_height (image) <=
                  RP_IMAGE_MAX_PIXELS);
  rp_fuzz_assert (gdk_pixbuf_get_bits_per_sample (rp_image_get_pixbuf (image)) == 8);
  return 0;
}
