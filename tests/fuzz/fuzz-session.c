/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include "rp-core.h"
#include "fuzz-common.h"

/* The saved session, restored at start-up. The first byte picks which image.png and
 * mask.png the session folder holds (a 4 × 3 photo, a 3 × 4 one, a damaged file or
 * none; a matching, a wrongly sized or an RGBA mask …); the rest is session.json.
 * Whatever loads must be consistent: an image, and a mask of exactly its size. */

#define PHOTO_W 4
#define PHOTO_H 3

static GFile *
session_dir (void)
{
  static GFile *dir;

  if (dir == NULL)
    {
      dir = g_file_get_child (rp_fuzz_tmpdir (), "session");
      rp_fuzz_assert (g_file_make_directory (dir, NULL, NULL));
    }
  return dir;
}

static GBytes *
encode_png (int      width,
            int      height,
            gboolean grey)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, !grey, 8, width, height);
  g_autoptr(RpMask) mask = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  char *buffer;
  gsize len;

  if (grey)
    {
      /* Repaint's own coverage format, soft values included. */
      mask = rp_mask_new (width, height);
      rp_mask_fill_rect (mask, 1, 0, 2, 2, RP_MASK_OP_PAINT);
      rp_mask_dab (mask, 0, 2, 1.5, 0.5, RP_MASK_OP_PAINT);
      rp_fuzz_assert (rp_mask_write_coverage_png (mask, out, NULL, NULL));
      rp_fuzz_assert (g_output_stream_close (out, NULL, NULL));
      return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    }
  gdk_pixbuf_fill (pixbuf, 0x3366cc80);
  rp_fuzz_assert (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "png", NULL, NULL));
  return g_bytes_new_take (buffer, len);
}

/* Puts variant @variant of @name into the session folder (0: none). */
static void
place (const char *name,
       guint       variant,
       GBytes     *variants[4])
{
  g_autoptr(GFile) file = g_file_get_child (session_dir (), name);

  if (variant == 0)
    g_file_delete (file, NULL, NULL);
  else
    rp_fuzz_write_file (file, g_bytes_get_data (variants[variant], NULL),
                        g_bytes_get_size (variants[variant]));
}

static void
setup (guint8 selector)
{
  static GBytes *images[4], *masks[4];
  static const guint8 damaged[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };

  if (images[1] == NULL)
    {
      images[1] = encode_png (PHOTO_W, PHOTO_H, FALSE);
      images[2] = encode_png (PHOTO_H, PHOTO_W, FALSE);
      images[3] = g_bytes_new_static (damaged, sizeof damaged);
      masks[1] = encode_png (PHOTO_W, PHOTO_H, TRUE);
      masks[2] = encode_png (PHOTO_W + 1, PHOTO_H, TRUE);
      masks[3] = encode_png (PHOTO_W, PHOTO_H, FALSE);
    }
  place ("image.png", selector & 3, images);
  place ("mask.png", (selector >> 2) & 3, masks);
}

static void
assert_text (const char *text)
{
  rp_fuzz_assert (text == NULL || g_utf8_validate (text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GFile) state_file = g_file_get_child (session_dir (), "session.json");
  g_autoptr(RpSessionState) state = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  if (size == 0)
    return 0;
  setup (data[0]);
  rp_fuzz_write_file (state_file, data + 1, size - 1);

  state = rp_session_load (session_dir (), NULL, &error);
  rp_fuzz_assert ((state == NULL) == (error != NULL));
  if (state == NULL)
    return 0;

  rp_fuzz_assert (RP_IS_IMAGE (state->image));
  rp_fuzz_assert (RP_IS_MASK (state->mask));
  rp_fuzz_assert (rp_mask_get_width (state->mask) == rp_image_get_width (state->image));
  rp_fuzz_assert (rp_mask_get_height (state->mask) == rp_image_get_height (state->image));
  assert_text (rp_image_get_display_name (state->image));
  assert_text (state->name);
  assert_text (state->prompt);
  assert_text (state->provider);
  assert_text (state->model);
  for (i = 0; i < state->references->len; i++)
    rp_fuzz_assert (RP_IS_IMAGE (g_ptr_array_index (state->references, i)));
  return 0;
}
