/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

#define MB (1024 * 1024)

/* PROVIDERS.md §1.3/§1.4: gpt-image-1's fixed sizes, gpt-image-2's arbitrary rule,
 * dall-e-2's squares. */
static const RpSizeRule gpt_image_1 = {
  .allow_auto = TRUE, .n_sizes = 3,
  .sizes = { { 1024, 1024 }, { 1536, 1024 }, { 1024, 1536 } },
};
static const RpSizeRule gpt_image_2 = {
  .allow_auto = TRUE, .multiple_of = 16, .max_edge = 3840,
  .min_pixels = 655360, .max_pixels = 8294400, .max_ratio = 3, .warn_above_pixels = 3686400,
};
static const RpSizeRule dall_e_2 = {
  .n_sizes = 3, .sizes = { { 256, 256 }, { 512, 512 }, { 1024, 1024 } },
};

typedef enum {
  MODEL_GPT_IMAGE_1,
  MODEL_GPT_IMAGE_2,
  MODEL_DALL_E_2,
  MODEL_VENICE,
  N_MODELS
} Model;

static const char *model_names[] = { "gpt-image-1", "gpt-image-2", "dall-e-2", "venice" };

static void
options_for (Model               model,
             RpPlacementOptions *o)
{
  switch (model)
    {
    case MODEL_GPT_IMAGE_1:
      rp_placement_options_init (o, &gpt_image_1);
      o->max_bytes = 50 * MB;
      o->original_formats = RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_PNG) |
                            RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_JPEG) |
                            RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_WEBP);
      break;
    case MODEL_GPT_IMAGE_2:
      rp_placement_options_init (o, &gpt_image_2);
      o->max_bytes = 50 * MB;
      o->original_formats = RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_PNG) |
                            RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_JPEG);
      break;
    case MODEL_DALL_E_2:
      rp_placement_options_init (o, &dall_e_2);
      o->square_only = TRUE;
      o->max_bytes = 4 * MB;
      o->original_formats = RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_PNG);
      break;
    case MODEL_VENICE:
      /* No `size` parameter: any size within the input pixel and byte limits. */
      rp_placement_options_init (o, NULL);
      o->min_pixels = 65536;
      o->max_pixels = 33177600;
      o->max_bytes = 25 * MB;
      break;
    case N_MODELS:
    default:
      g_assert_not_reached ();
    }
}

static RpImage *
decode_png (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  RpImage *image = rp_image_load_bytes (bytes, "upload.png", NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (rp_image_get_format (image), ==, RP_IMAGE_FORMAT_PNG);
  return image;
}

static GBytes *
write_image_bytes (RpPlacement *placement,
                   GdkPixbuf   *photo)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_placement_write_image (placement, photo, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static GBytes *
write_mask_bytes (RpPlacement *placement,
                  RpMask      *mask)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (rp_placement_write_mask (placement, mask, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Width and height from a PNG's IHDR, without decoding. */
static void
png_dimensions (GBytes *png,
                int    *width,
                int    *height)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (png, &len);

  g_assert_cmpuint (len, >, 24);
  g_assert_cmpmem (p + 12, 4, "IHDR", 4);
  *width = (p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19];
  *height = (p[20] << 24) | (p[21] << 16) | (p[22] << 8) | p[23];
}

static gboolean
rect_contains (const cairo_rectangle_int_t *outer,
               const cairo_rectangle_int_t *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y &&
         inner->x + inner->width <= outer->x + outer->width &&
         inner->y + inner->height <= outer->y + outer->height;
}

typedef enum {
  MASK_NONE,
  MASK_SMALL_CENTRE,
  MASK_SMALL_TOP_LEFT,
  MASK_SMALL_BOTTOM_RIGHT,
  MASK_EDGE_STRIP,
  MASK_THIN_LINE,
  MASK_LARGE,
  MASK_FULL,
  N_MASKS
} MaskKind;

static const char *mask_names[] = {
  "none", "small-centre", "small-top-left", "small-bottom-right", "edge-strip", "thin-line",
  "large", "full",
};

static RpMask *
make_mask (MaskKind kind,
           int      w,
           int      h)
{
  RpMask *mask;
  double s = MAX (MIN (w, h) / 20.0, 2.0);

  if (kind == MASK_NONE)
    return NULL;
  mask = rp_mask_new (w, h);
  switch (kind)
    {
    case MASK_SMALL_CENTRE:
      rp_mask_dab (mask, w / 2.0, h / 2.0, s, 0.5, RP_MASK_OP_PAINT);
      break;
    case MASK_SMALL_TOP_LEFT:
      rp_mask_fill_rect (mask, 0, 0, s, s, RP_MASK_OP_PAINT);
      break;
    case MASK_SMALL_BOTTOM_RIGHT:
      rp_mask_dab (mask, w - 1, h - 1, s, 1.0, RP_MASK_OP_PAINT);
      break;
    case MASK_EDGE_STRIP:
      rp_mask_fill_rect (mask, 0, h - s, w, s, RP_MASK_OP_PAINT);
      break;
    case MASK_THIN_LINE:
      {
        /* A hard 2-px stroke along the diagonal, one dab per pixel of length. */
        double len = hypot (w * 0.8, h * 0.6);
        int i;

        for (i = 0; i <= (int) len; i++)
          rp_mask_dab (mask, w * (0.1 + 0.8 * i / len), h * (0.2 + 0.6 * i / len), 1.0, 1.0,
                       RP_MASK_OP_PAINT);
      }
      break;
    case MASK_LARGE:
      rp_mask_fill_rect (mask, w * 0.1, h * 0.1, w * 0.8, h * 0.8, RP_MASK_OP_PAINT);
      break;
    case MASK_FULL:
      rp_mask_fill_rect (mask, 0, 0, w, h, RP_MASK_OP_PAINT);
      break;
    case MASK_NONE:
    case N_MASKS:
    default:
      g_assert_not_reached ();
    }
  return mask;
}

static void
check_accepted (Model                     model,
                const RpPlacementOptions *o,
                RpPlacement              *p)
{
  g_autoptr(GError) error = NULL;
  const char *size = rp_placement_get_size_param (p);
  RpSize parsed;
  gint64 pixels;

  g_assert_true (rp_size_parse (size, &parsed));
  g_assert_cmpint (parsed.width, ==, rp_placement_get_upload_width (p));
  g_assert_cmpint (parsed.height, ==, rp_placement_get_upload_height (p));
  g_assert_true (rp_size_rule_check (&o->size_rule, size, &error));
  g_assert_no_error (error);
  pixels = (gint64) parsed.width * parsed.height;
  if (o->min_pixels > 0)
    g_assert_cmpint (pixels, >=, o->min_pixels);
  if (o->max_pixels > 0)
    g_assert_cmpint (pixels, <=, o->max_pixels);
  if (o->square_only)
    g_assert_cmpint (parsed.width, ==, parsed.height);
  (void) model;
}

/* The region lies in the photo and holds the mask; the content keeps the region's aspect
 * to within the rounding of one pixel and lies in the upload. */
static void
check_geometry (RpPlacement *p,
                RpMask      *mask,
                int          w,
                int          h)
{
  cairo_rectangle_int_t photo = { 0, 0, w, h }, region, content, upload, bounds;
  double aspect_error;

  rp_placement_get_region (p, &region);
  rp_placement_get_content_rect (p, &content);
  upload.x = upload.y = 0;
  upload.width = rp_placement_get_upload_width (p);
  upload.height = rp_placement_get_upload_height (p);

  g_assert_true (rect_contains (&photo, &region));
  g_assert_cmpint (region.width, >, 0);
  g_assert_cmpint (region.height, >, 0);
  g_assert_true (rect_contains (&upload, &content));
  if (mask != NULL && rp_mask_get_bounds (mask, &bounds))
    g_assert_true (rect_contains (&region, &bounds));
  if (!rp_placement_get_is_cropped (p))
    g_assert_true (region.width == w && region.height == h);

  /* One uniform scale: the aspect differs only by rounding the short side to pixels. */
  aspect_error = ((double) content.width / content.height) /
                 ((double) region.width / region.height) - 1.0;
  g_assert_cmpfloat (fabs (aspect_error), <=, 1.0 / MIN (content.width, content.height) + 1e-9);
}

/* Every combination of photo size, mask and model gives an accepted size, a sound
 * geometry, and an uploaded mask of exactly the uploaded image's dimensions. */
static void
test_plans (void)
{
  static const int sizes[][2] = {
    { 6000, 4000 }, { 2560, 1600 }, { 1536, 1024 }, { 1024, 1024 },
    { 1000, 1000 }, { 640, 480 }, { 300, 200 }, { 100, 100 }, { 5000, 500 }, { 500, 5000 },
    { 17, 1200 }, { 3840, 2160 }, { 257, 4099 },
  };
  guint si;
  guint n_plans = 0, n_encoded = 0;

  for (si = 0; si < G_N_ELEMENTS (sizes); si++)
    {
      int w = sizes[si][0], h = sizes[si][1];
      g_autoptr(GdkPixbuf) small_photo = NULL;
      MaskKind mk;

      if ((gint64) w * h <= 700 * 700)
        small_photo = rp_test_pattern_pixbuf (w, h, FALSE);

      for (mk = MASK_NONE; mk < N_MASKS; mk++)
        {
          g_autoptr(RpMask) mask = make_mask (mk, w, h);
          Model model;

          for (model = 0; model < N_MODELS; model++)
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(RpPlacement) p = NULL;
              g_autoptr(GBytes) mask_png = NULL;
              RpPlacementOptions o;
              int mw, mh;

              options_for (model, &o);
              p = rp_placement_new_for_size (w, h, FALSE, mask, &o, &error);
              g_assert_no_error (error);
              g_assert_nonnull (p);
              n_plans++;
              g_test_message ("%dx%d %s %s: %s -> %s", w, h, mask_names[mk], model_names[model],
                              rp_placement_get_is_cropped (p) ? "crop" : "whole",
                              rp_placement_get_size_param (p));
              check_accepted (model, &o, p);
              check_geometry (p, mask, w, h);

              /* Encoding every large mask would take long; large uploads are encoded for
               * two mask kinds, small ones for all. */
              if (mask != NULL &&
                  ((gint64) rp_placement_get_upload_width (p) * rp_placement_get_upload_height (p) <= 1536 * 1024 ||
                   mk == MASK_SMALL_CENTRE || mk == MASK_FULL))
                {
                  mask_png = write_mask_bytes (p, mask);
                  png_dimensions (mask_png, &mw, &mh);
                  g_assert_cmpint (mw, ==, rp_placement_get_upload_width (p));
                  g_assert_cmpint (mh, ==, rp_placement_get_upload_height (p));
                }
              /* Images for the whole-photo, centred-crop and border-crop geometries. */
              if (small_photo != NULL &&
                  (mk == MASK_NONE || mk == MASK_SMALL_CENTRE || mk == MASK_SMALL_BOTTOM_RIGHT))
                {
                  g_autoptr(GBytes) image_png = write_image_bytes (p, small_photo);
                  int iw, ih;

                  png_dimensions (image_png, &iw, &ih);
                  g_assert_cmpint (iw, ==, rp_placement_get_upload_width (p));
                  g_assert_cmpint (ih, ==, rp_placement_get_upload_height (p));
                  if (mask_png != NULL)
                    {
                      png_dimensions (mask_png, &mw, &mh);
                      g_assert_cmpint (iw, ==, mw);
                      g_assert_cmpint (ih, ==, mh);
                    }
                  else
                    {
                      /* And the file really is a complete PNG of that size. */
                      g_autoptr(RpImage) decoded = decode_png (image_png);

                      g_assert_cmpint (rp_image_get_width (decoded), ==, iw);
                      g_assert_cmpint (rp_image_get_height (decoded), ==, ih);
                    }
                  n_encoded++;
                }
            }
        }
    }
  g_test_message ("%u plans, %u images encoded", n_plans, n_encoded);
}

/* A small mask uploads only its neighbourhood; a large one the whole photo. */
static void
test_crop_small_not_large (void)
{
  Model model;

  for (model = 0; model < N_MODELS; model++)
    {
      g_autoptr(RpMask) small = rp_mask_new (4000, 3000);
      g_autoptr(RpMask) large = rp_mask_new (4000, 3000);
      g_autoptr(RpPlacement) ps = NULL;
      g_autoptr(RpPlacement) pl = NULL;
      g_autoptr(GError) error = NULL;
      cairo_rectangle_int_t region, bounds;
      RpPlacementOptions o;

      options_for (model, &o);
      rp_mask_dab (small, 2500, 1200, 60, 1.0, RP_MASK_OP_PAINT);
      rp_mask_fill_rect (large, 300, 300, 3200, 2200, RP_MASK_OP_PAINT);

      ps = rp_placement_new_for_size (4000, 3000, FALSE, small, &o, &error);
      g_assert_no_error (error);
      g_assert_true (rp_placement_get_is_cropped (ps));
      rp_placement_get_region (ps, &region);
      rp_mask_get_bounds (small, &bounds);
      g_assert_true (rect_contains (&region, &bounds));
      /* Context on every side (the mask is far from the borders). */
      g_assert_cmpint (bounds.x - region.x, >=, RP_PLACEMENT_DEFAULT_CONTEXT_PX);
      g_assert_cmpint (region.x + region.width - bounds.x - bounds.width, >=, RP_PLACEMENT_DEFAULT_CONTEXT_PX);
      g_assert_cmpint (bounds.y - region.y, >=, RP_PLACEMENT_DEFAULT_CONTEXT_PX);
      g_assert_cmpint (region.y + region.height - bounds.y - bounds.height, >=, RP_PLACEMENT_DEFAULT_CONTEXT_PX);
      g_assert_cmpint ((gint64) region.width * region.height, <, 4000 * 3000 / 10);
      /* A small area is enlarged, not shrunk, for the model. */
      g_assert_cmpfloat (rp_placement_get_scale (ps), >=, 1.0);

      pl = rp_placement_new_for_size (4000, 3000, FALSE, large, &o, &error);
      g_assert_no_error (error);
      g_assert_false (rp_placement_get_is_cropped (pl));
      rp_placement_get_region (pl, &region);
      g_assert_cmpint (region.width, ==, 4000);
      g_assert_cmpint (region.height, ==, 3000);
    }
}

static void
test_fixed_size_choices (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RpPlacement) p = NULL;
  cairo_rectangle_int_t content;
  RpPlacementOptions o;

  /* 2560×1600 (1.6) onto 1536×1024 (1.5): shrink by 0.6 and pad top and bottom. */
  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (2560, 1600, FALSE, NULL, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_placement_get_size_param (p), ==, "1536x1024");
  rp_placement_get_content_rect (p, &content);
  g_assert_cmpint (content.width, ==, 1536);
  g_assert_cmpint (content.height, ==, 960);
  g_assert_cmpint (content.y, ==, 32);
  g_assert_true (rp_placement_get_is_padded (p));
  g_assert_cmpfloat_with_epsilon (rp_placement_get_scale (p), 0.6, 1e-9);
  g_clear_object (&p);

  /* gpt-image-2 takes a 2048×1536 photo as it is. */
  options_for (MODEL_GPT_IMAGE_2, &o);
  p = rp_placement_new_for_size (2048, 1536, FALSE, NULL, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_placement_get_size_param (p), ==, "2048x1536");
  g_assert_true (rp_placement_get_is_identity (p));
  g_clear_object (&p);

  /* 1000×1000 is not a multiple of 16: padded by 4 px each side at scale 1, not resampled. */
  p = rp_placement_new_for_size (1000, 1000, FALSE, NULL, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_placement_get_size_param (p), ==, "1008x1008");
  rp_placement_get_content_rect (p, &content);
  g_assert_cmpint (content.x, ==, 4);
  g_assert_cmpint (content.width, ==, 1000);
  g_assert_cmpfloat (rp_placement_get_scale (p), ==, 1.0);
  g_assert_false (rp_placement_get_is_identity (p));
  g_clear_object (&p);

  /* 24 MP exceeds gpt-image-2's pixel limit: shrink, and warn (experimental size). */
  p = rp_placement_new_for_size (6000, 4000, FALSE, NULL, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (rp_placement_get_scale (p), <, 0.6);
  g_assert_true (rp_placement_get_size_warns (p));
  g_clear_object (&p);

  /* dall-e-2: a landscape photo becomes a padded square. */
  options_for (MODEL_DALL_E_2, &o);
  p = rp_placement_new_for_size (1600, 900, FALSE, NULL, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rp_placement_get_upload_width (p), ==, rp_placement_get_upload_height (p));
  g_assert_true (rp_placement_get_is_padded (p));
}

static void
test_errors (void)
{
  g_autoptr(RpMask) empty = rp_mask_new (800, 600);
  g_autoptr(RpMask) wrong = rp_mask_new (600, 800);
  g_autoptr(RpMask) faint = rp_mask_new (800, 600);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpPlacement) p = NULL;
  RpPlacementOptions o;

  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (800, 600, FALSE, empty, &o, &error);
  g_assert_null (p);
  g_assert_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_EMPTY_MASK);
  g_clear_error (&error);

  /* Coverage below the export threshold would upload an all-keep mask. */
  rp_mask_dab (faint, 400, 300, 30, 0.0, RP_MASK_OP_PAINT);
  rp_mask_dab (faint, 400, 300, 40, 1.0, RP_MASK_OP_ERASE);
  rp_mask_fill_rect (faint, 10, 10, 0.3, 0.3, RP_MASK_OP_PAINT);
  p = rp_placement_new_for_size (800, 600, FALSE, faint, &o, &error);
  g_assert_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_EMPTY_MASK);
  g_clear_error (&error);

  rp_mask_fill_rect (wrong, 0, 0, 10, 10, RP_MASK_OP_PAINT);
  p = rp_placement_new_for_size (800, 600, FALSE, wrong, &o, &error);
  g_assert_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_SIZE_MISMATCH);
  g_clear_error (&error);

  /* The provider allows fewer pixels than any fixed size has. */
  o.max_pixels = 512 * 512;
  p = rp_placement_new_for_size (800, 600, FALSE, NULL, &o, &error);
  g_assert_error (error, RP_PLACEMENT_ERROR, RP_PLACEMENT_ERROR_NO_SIZE);
}

static char *
write_temp_png (const char *dir,
                const char *name,
                GdkPixbuf  *pixbuf)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  return path;
}

static GdkPixbuf *
noise_pixbuf (int      w,
              int      h,
              gboolean alpha)
{
  GdkPixbuf *pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, w, h);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 *px = gdk_pixbuf_get_pixels (pb);
  gsize i, len = (gsize) gdk_pixbuf_get_rowstride (pb) * h;

  for (i = 0; i < len; i++)
    px[i] = g_rand_int (rand) & 0xff;
  return pb;
}

static goffset
query_size (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  g_assert_nonnull (info);
  return g_file_info_get_size (info);
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} AsyncWait;

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
prepare_sync (RpPlacement       *p,
              RpImage           *photo,
              RpMask            *mask,
              GFile             *image_file,
              GFile             *mask_file,
              GCancellable      *cancellable,
              RpPlacementUpload *upload,
              GError           **error)
{
  AsyncWait wait = { g_main_loop_new (NULL, FALSE), NULL };
  gboolean ok;

  rp_placement_prepare_async (p, photo, mask, image_file, mask_file, cancellable,
                              on_async_done, &wait);
  g_main_loop_run (wait.loop);
  ok = rp_placement_prepare_finish (p, wait.result, upload, error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return ok;
}

static gboolean
pixbufs_equal (GdkPixbuf *a,
               GdkPixbuf *b)
{
  int w = gdk_pixbuf_get_width (a), h = gdk_pixbuf_get_height (a);
  int n = gdk_pixbuf_get_n_channels (a);
  int y;

  if (w != gdk_pixbuf_get_width (b) || h != gdk_pixbuf_get_height (b) ||
      n != gdk_pixbuf_get_n_channels (b))
    return FALSE;
  for (y = 0; y < h; y++)
    if (memcmp (gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a),
                gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b),
                (gsize) w * n) != 0)
      return FALSE;
  return TRUE;
}

/* An identity plan sends the original file's bytes; the mask is the plain export. */
static void
test_identity_sends_original (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(GdkPixbuf) pattern = rp_test_pattern_pixbuf (1536, 1024, FALSE);
  g_autofree char *path = write_temp_png (dir, "photo.png", pattern);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(RpImage) photo = NULL;
  g_autoptr(RpMask) mask = rp_mask_new (1536, 1024);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_path = g_build_filename (dir, "image", NULL);
  g_autofree char *mask_path = g_build_filename (dir, "mask.png", NULL);
  g_autoptr(GFile) image_file = g_file_new_for_path (image_path);
  g_autoptr(GFile) mask_file = g_file_new_for_path (mask_path);
  g_autoptr(GOutputStream) plain = g_memory_output_stream_new_resizable ();
  g_autofree char *original = NULL, *sent = NULL, *sent_mask = NULL;
  gsize original_len, sent_len, sent_mask_len;
  RpPlacementUpload upload;
  RpPlacementOptions o;

  photo = rp_image_load_file (file, NULL, &error);
  g_assert_no_error (error);
  rp_mask_fill_rect (mask, 100, 100, 1300, 800, RP_MASK_OP_PAINT);

  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new (photo, mask, &o, &error);
  g_assert_no_error (error);
  g_assert_true (rp_placement_get_is_identity (p));
  g_assert_true (rp_placement_get_sends_original (p));

  g_assert_true (prepare_sync (p, photo, mask, image_file, mask_file, NULL, &upload, &error));
  g_assert_no_error (error);
  g_assert_true (upload.image_is_original);
  g_assert_cmpint (upload.image_format, ==, RP_IMAGE_FORMAT_PNG);
  g_assert_cmpint (upload.width, ==, 1536);
  g_assert_cmpint (upload.height, ==, 1024);

  g_file_get_contents (path, &original, &original_len, NULL);
  g_file_get_contents (image_path, &sent, &sent_len, NULL);
  g_assert_cmpmem (sent, sent_len, original, original_len);
  g_assert_cmpint (upload.image_bytes, ==, original_len);

  /* At the identity the upload mask is byte for byte the plain mask export. */
  g_assert_true (rp_mask_write_png (mask, plain, NULL, NULL));
  g_output_stream_close (plain, NULL, NULL);
  g_file_get_contents (mask_path, &sent_mask, &sent_mask_len, NULL);
  g_assert_cmpmem (sent_mask, sent_mask_len,
                   g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (plain)),
                   g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (plain)));
  g_assert_cmpint (upload.mask_bytes, ==, sent_mask_len);
  g_clear_object (&p);

  /* A format the provider does not list is re-encoded; the geometry is still the
   * identity, so the encoded pixels equal the photo's exactly. */
  o.original_formats = RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_JPEG);
  p = rp_placement_new (photo, mask, &o, &error);
  g_assert_no_error (error);
  g_assert_false (rp_placement_get_sends_original (p));
  g_assert_true (rp_placement_get_is_identity (p));
  g_assert_true (prepare_sync (p, photo, mask, image_file, NULL, NULL, &upload, &error));
  g_assert_false (upload.image_is_original);
  g_assert_cmpint (upload.image_format, ==, RP_IMAGE_FORMAT_PNG);
  g_assert_cmpint (upload.mask_bytes, ==, -1);
  {
    g_autoptr(RpImage) reloaded = rp_image_load_file (image_file, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (pixbufs_equal (rp_image_get_pixbuf (reloaded), pattern));
  }
  g_clear_object (&p);

  /* A file over the byte limit is not sent; the re-encoded upload is planned to fit
   * (fewer pixels if need be). Noise, so that the file is large. */
  {
    g_autoptr(GdkPixbuf) noise = noise_pixbuf (1536, 1024, FALSE);
    g_autofree char *noise_path = write_temp_png (dir, "noise.png", noise);
    g_autoptr(GFile) noise_file = g_file_new_for_path (noise_path);
    g_autoptr(RpImage) noisy = rp_image_load_file (noise_file, NULL, &error);

    g_assert_no_error (error);
    options_for (MODEL_GPT_IMAGE_2, &o);
    p = rp_placement_new (noisy, NULL, &o, &error);
    g_assert_true (rp_placement_get_sends_original (p));
    g_clear_object (&p);
    o.max_bytes = query_size (noise_file) - 1;
    p = rp_placement_new (noisy, NULL, &o, &error);
    g_assert_no_error (error);
    g_assert_false (rp_placement_get_sends_original (p));
    g_assert_true (prepare_sync (p, noisy, NULL, image_file, NULL, NULL, &upload, &error));
    g_assert_false (upload.image_is_original);
    g_assert_cmpint (upload.image_bytes, <=, o.max_bytes);
  }

  rp_test_tmpdir_remove (dir);
}

/* At scale 1 (gpt-image-2, native crop) the upload's content is the region, exactly, the
 * padding repeats its edges, and the mask marks exactly the painted pixels. */
static void
test_upload_content_native (void)
{
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (3000, 2000, TRUE);
  g_autoptr(RpMask) mask = rp_mask_new (3000, 2000);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL, mask_png = NULL;
  g_autoptr(RpImage) up = NULL, up_mask = NULL;
  cairo_rectangle_int_t region, content;
  RpPlacementOptions o;
  GdkPixbuf *u, *um;
  int x, y;

  rp_mask_fill_rect (mask, 1000, 700, 700, 500, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_2, &o);
  p = rp_placement_new_for_size (3000, 2000, TRUE, mask, &o, &error);
  g_assert_no_error (error);
  g_assert_true (rp_placement_get_is_cropped (p));
  g_assert_cmpfloat (rp_placement_get_scale (p), ==, 1.0);
  rp_placement_get_region (p, &region);
  rp_placement_get_content_rect (p, &content);
  g_assert_cmpint (content.width, ==, region.width);

  png = write_image_bytes (p, photo);
  up = decode_png (png);
  u = rp_image_get_pixbuf (up);
  g_assert_true (gdk_pixbuf_get_has_alpha (u));
  for (y = 0; y < gdk_pixbuf_get_height (u); y++)
    for (x = 0; x < gdk_pixbuf_get_width (u); x++)
      {
        int px = region.x + CLAMP (x - content.x, 0, content.width - 1);
        int py = region.y + CLAMP (y - content.y, 0, content.height - 1);
        const guint8 *a = gdk_pixbuf_read_pixels (u) + (gsize) y * gdk_pixbuf_get_rowstride (u) + 4 * x;
        const guint8 *b = gdk_pixbuf_read_pixels (photo) + (gsize) py * gdk_pixbuf_get_rowstride (photo) + 4 * px;

        g_assert_cmpmem (a, 4, b, 4);
      }

  mask_png = write_mask_bytes (p, mask);
  up_mask = decode_png (mask_png);
  um = rp_image_get_pixbuf (up_mask);
  for (y = 0; y < gdk_pixbuf_get_height (um); y++)
    for (x = 0; x < gdk_pixbuf_get_width (um); x++)
      {
        guint8 alpha = gdk_pixbuf_read_pixels (um)[(gsize) y * gdk_pixbuf_get_rowstride (um) + 4 * x + 3];
        gboolean inside = x >= content.x && x < content.x + content.width &&
                          y >= content.y && y < content.y + content.height;
        gboolean painted = inside &&
          rp_mask_get_pixel (mask, region.x + x - content.x, region.y + y - content.y) >= RP_MASK_EXPORT_THRESHOLD;

        g_assert_cmpint (alpha, ==, painted ? 0 : 255);
      }
}

/* Shrinking the mask for upload never loses a one-pixel stroke. */
static void
test_mask_downscale_keeps_strokes (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (6000, 4000);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(RpImage) up = NULL;
  RpPlacementOptions o;
  GdkPixbuf *pb;
  int u;

  /* A frame of 1-px lines: the bounding box is the whole photo, so no crop. */
  rp_mask_fill_rect (mask, 50, 50, 5900, 1, RP_MASK_OP_PAINT);
  rp_mask_fill_rect (mask, 50, 3950, 5900, 1, RP_MASK_OP_PAINT);
  rp_mask_fill_rect (mask, 3001, 50, 1, 3900, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (6000, 4000, FALSE, mask, &o, &error);
  g_assert_no_error (error);
  g_assert_false (rp_placement_get_is_cropped (p));
  g_assert_cmpfloat (rp_placement_get_scale (p), <, 0.3);

  png = write_mask_bytes (p, mask);
  up = decode_png (png);
  pb = rp_image_get_pixbuf (up);
  /* Every upload column under the horizontal line has an edit pixel near the line. */
  for (u = 0; u < gdk_pixbuf_get_width (pb); u++)
    {
      double px, py;
      int v, hits = 0;

      rp_placement_result_to_photo (p, gdk_pixbuf_get_width (pb), gdk_pixbuf_get_height (pb),
                                    u + 0.5, 0, &px, &py);
      /* Away from the frame's ends and from the vertical line. */
      if (px < 60 || px > 5940 || fabs (px - 3001) < 30)
        continue;
      for (v = 0; v < gdk_pixbuf_get_height (pb) / 2; v++)
        hits += gdk_pixbuf_read_pixels (pb)[(gsize) v * gdk_pixbuf_get_rowstride (pb) + 4 * u + 3] == 0;
      g_assert_cmpint (hits, >=, 1);
      g_assert_cmpint (hits, <=, 3);
    }
}

static GdkPixbuf *
solid_pixbuf (int     w,
              int     h,
              guint32 rgba,
              gboolean alpha)
{
  GdkPixbuf *pb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, w, h);

  gdk_pixbuf_fill (pb, rgba);
  return pb;
}

static GdkPixbuf *
composite (RpPlacement *p,
           GdkPixbuf   *photo,
           RpMask      *mask,
           GdkPixbuf   *result,
           double       feather)
{
  g_autoptr(GError) error = NULL;
  GdkPixbuf *out = rp_placement_composite (p, photo, mask, result, feather, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static const guint8 *
pixel (GdkPixbuf *pb,
       int        x,
       int        y)
{
  return gdk_pixbuf_read_pixels (pb) + (gsize) y * gdk_pixbuf_get_rowstride (pb) +
         (gsize) x * gdk_pixbuf_get_n_channels (pb);
}

/* Painted pixels within distance @reach (Chebyshev), i.e. a superset of where the feather
 * can reach; computed by brute force from the mask, independently of the code under test. */
static guint8 *
near_paint (RpMask *mask,
            int     reach)
{
  int w = rp_mask_get_width (mask), h = rp_mask_get_height (mask);
  g_autofree guint8 *rows = g_malloc0 ((gsize) w * h);
  guint8 *out = g_malloc0 ((gsize) w * h);
  int x, y, k;

  /* Separable dilation: first along x, then along y. */
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      if (rp_mask_get_pixel (mask, x, y) >= RP_MASK_EXPORT_THRESHOLD)
        for (k = MAX (x - reach, 0); k <= MIN (x + reach, w - 1); k++)
          rows[(gsize) y * w + k] = 1;
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      if (rows[(gsize) y * w + x])
        for (k = MAX (y - reach, 0); k <= MIN (y + reach, h - 1); k++)
          out[(gsize) k * w + x] = 1;
  return out;
}

/* The core invariant: everything the feathered mask does not reach is the original byte
 * for byte, and painted pixels are the result. Exhaustive over the photo, for plain and
 * alpha photos, crops and whole-photo plans, masks in the middle and on every border. */
static void
check_composite_invariant (int       w,
                           int       h,
                           gboolean  alpha,
                           RpMask   *mask,
                           Model     model,
                           double    feather)
{
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (w, h, alpha);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *near = near_paint (mask, (int) ceil (feather) + 1);
  RpPlacementOptions o;
  gsize changed = 0, painted = 0;
  int x, y, n = alpha ? 4 : 3;

  options_for (model, &o);
  p = rp_placement_new_for_size (w, h, alpha, mask, &o, &error);
  g_assert_no_error (error);
  result = solid_pixbuf (rp_placement_get_upload_width (p), rp_placement_get_upload_height (p),
                         0xff00ffff, FALSE);
  out = composite (p, photo, mask, result, feather);
  g_assert_cmpint (gdk_pixbuf_get_has_alpha (out), ==, alpha);

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        const guint8 *a = pixel (photo, x, y), *b = pixel (out, x, y);
        guint8 c = rp_mask_get_pixel (mask, x, y);

        if (c >= RP_MASK_EXPORT_THRESHOLD)
          {
            painted++;
            g_assert_cmpint (b[0], ==, 255);
            g_assert_cmpint (b[1], ==, 0);
            g_assert_cmpint (b[2], ==, 255);
            if (alpha)
              g_assert_cmpint (b[3], ==, 255);
          }
        else if (c == 0 && !near[(gsize) y * w + x])
          {
            if (memcmp (a, b, n) != 0)
              g_error ("pixel %d,%d changed outside the feathered mask", x, y);
          }
        changed += memcmp (a, b, n) != 0;
      }
  g_assert_cmpuint (painted, >, 0);
  g_assert_cmpuint (changed, >=, painted);
}

static void
test_composite_invariant (void)
{
  static const struct { int w, h; } sizes[] = { { 900, 700 }, { 640, 1100 } };
  guint si;

  for (si = 0; si < G_N_ELEMENTS (sizes); si++)
    {
      int w = sizes[si].w, h = sizes[si].h;
      MaskKind mk;

      for (mk = MASK_SMALL_CENTRE; mk < N_MASKS; mk++)
        {
          g_autoptr(RpMask) mask = make_mask (mk, w, h);
          Model model;

          for (model = 0; model < N_MODELS; model++)
            {
              g_test_message ("%dx%d %s %s", w, h, mask_names[mk], model_names[model]);
              /* Plain and alpha photos take turns, with different feathers. */
              if ((model + mk + si) % 2 == 0)
                check_composite_invariant (w, h, FALSE, mask, model, 6.0);
              else
                check_composite_invariant (w, h, TRUE, mask, model, 3.5);
            }
        }
    }
}

/* Masks touching each border and corner, cropped plans clamp to the photo. */
static void
test_border_masks (void)
{
  static const double spots[][2] = {
    { 0, 0 }, { 0.5, 0 }, { 1, 0 }, { 1, 0.5 }, { 1, 1 }, { 0.5, 1 }, { 0, 1 }, { 0, 0.5 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (spots); i++)
    {
      g_autoptr(RpMask) mask = rp_mask_new (1200, 900);
      g_autoptr(RpPlacement) p = NULL;
      g_autoptr(GError) error = NULL;
      cairo_rectangle_int_t region;
      RpPlacementOptions o;

      rp_mask_dab (mask, spots[i][0] * 1200, spots[i][1] * 900, 40, 0.7, RP_MASK_OP_PAINT);
      options_for (MODEL_GPT_IMAGE_1, &o);
      p = rp_placement_new_for_size (1200, 900, FALSE, mask, &o, &error);
      g_assert_no_error (error);
      g_assert_true (rp_placement_get_is_cropped (p));
      rp_placement_get_region (p, &region);
      g_assert_cmpint (region.x, >=, 0);
      g_assert_cmpint (region.y, >=, 0);
      g_assert_cmpint (region.x + region.width, <=, 1200);
      g_assert_cmpint (region.y + region.height, <=, 900);
      check_composite_invariant (1200, 900, i % 2 == 0, mask, MODEL_GPT_IMAGE_1, 10.0);
      check_composite_invariant (1200, 900, i % 2 == 1, mask, MODEL_GPT_IMAGE_2, 10.0);
    }
}

/* A result whose colour encodes its own coordinates lands where the inverse transform
 * says, whatever size the provider returned. */
static void
test_result_size_differs (void)
{
  static const int result_sizes[][2] = { { 1024, 1024 }, { 512, 512 }, { 2048, 2048 }, { 1000, 700 } };
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (2000, 1500, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (2000, 1500);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GError) error = NULL;
  RpPlacementOptions o;
  guint i;

  rp_mask_fill_rect (mask, 600, 500, 300, 250, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (2000, 1500, FALSE, mask, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rp_placement_get_size_param (p), ==, "1024x1024");

  for (i = 0; i < G_N_ELEMENTS (result_sizes); i++)
    {
      int rw = result_sizes[i][0], rh = result_sizes[i][1];
      g_autoptr(GdkPixbuf) result = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, rw, rh);
      g_autoptr(GdkPixbuf) out = NULL;
      int x, y;

      /* Linear ramps: red grows along x, green along y, over the whole result. */
      for (y = 0; y < rh; y++)
        for (x = 0; x < rw; x++)
          {
            guint8 *q = gdk_pixbuf_get_pixels (result) + (gsize) y * gdk_pixbuf_get_rowstride (result) + 3 * x;

            q[0] = (guint8) floor ((x + 0.5) * 255.0 / rw + 0.5);
            q[1] = (guint8) floor ((y + 0.5) * 255.0 / rh + 0.5);
            q[2] = 7;
          }
      out = composite (p, photo, mask, result, 0.0);

      for (y = 510; y < 740; y += 7)
        for (x = 610; x < 890; x += 7)
          {
            double ux, uy;
            const guint8 *q = pixel (out, x, y);

            /* Where the photo pixel's centre lies in the upload, as a fraction. */
            rp_placement_photo_to_upload (p, x + 0.5, y + 0.5, &ux, &uy);
            g_assert_cmpfloat (fabs (q[0] - ux / 1024 * 255), <=, 2.0);
            g_assert_cmpfloat (fabs (q[1] - uy / 1024 * 255), <=, 2.0);
            g_assert_cmpint (q[2], ==, 7);
          }
    }
}

static void
test_transform_round_trip (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (4000, 3000);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GError) error = NULL;
  RpPlacementOptions o;
  double ux, uy, px, py;

  rp_mask_dab (mask, 3000, 800, 100, 1.0, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (4000, 3000, FALSE, mask, &o, &error);
  g_assert_no_error (error);

  rp_placement_photo_to_upload (p, 3012.25, 777.5, &ux, &uy);
  /* The upload viewed as a result of twice its size. */
  rp_placement_result_to_photo (p, 2 * rp_placement_get_upload_width (p),
                                2 * rp_placement_get_upload_height (p), 2 * ux, 2 * uy, &px, &py);
  g_assert_cmpfloat_with_epsilon (px, 3012.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (py, 777.5, 1e-6);
}

/* Blend weights beyond the painted edge fall smoothly and reach farther with a larger
 * feather. Photo grey 0, result white: the output value is the weight × 255. */
static void
test_feather_widens (void)
{
  g_autoptr(GdkPixbuf) photo = solid_pixbuf (800, 600, 0x000000ff, FALSE);
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(RpMask) mask = rp_mask_new (800, 600);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GError) error = NULL;
  static const double feathers[] = { 0, 2, 6, 12, 24 };
  gsize last_changed = 0;
  RpPlacementOptions o;
  guint i;

  /* A hard-edged rectangle: pixels x ≥ 400 are painted on rows 200–400. */
  rp_mask_fill_rect (mask, 400, 200, 100, 200, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_2, &o);
  p = rp_placement_new_for_size (800, 600, FALSE, mask, &o, &error);
  g_assert_no_error (error);
  result = solid_pixbuf (rp_placement_get_upload_width (p), rp_placement_get_upload_height (p),
                         0xffffffff, FALSE);

  for (i = 0; i < G_N_ELEMENTS (feathers); i++)
    {
      g_autoptr(GdkPixbuf) out = composite (p, photo, mask, result, feathers[i]);
      gsize changed = 0;
      int x, y, prev = 255, reach = 0;

      for (y = 0; y < 600; y++)
        for (x = 0; x < 800; x++)
          changed += pixel (out, x, y)[0] != 0;
      g_test_message ("feather %.0f: %" G_GSIZE_FORMAT " pixels changed", feathers[i], changed);
      g_assert_cmpuint (changed, >, last_changed);
      last_changed = changed;

      /* Walking left from the edge on the middle row: never rising, gone past the reach. */
      for (x = 399; x >= 0; x--)
        {
          int v = pixel (out, x, 300)[0];

          g_assert_cmpint (v, <=, prev);
          if (v > 0)
            reach = 400 - x;
          if (feathers[i] >= 6 && v > 0 && prev < 255)
            g_assert_cmpint (prev - v, <=, 255 / feathers[i] * 1.6 + 1);
          prev = v;
        }
      g_assert_cmpint (reach, <=, (int) feathers[i] + 1);
      if (feathers[i] >= 2)
        g_assert_cmpint (reach, >=, (int) feathers[i] - 1);
    }
}

/* Alpha photos: outside stays as it was (alpha included), inside takes the result's alpha. */
static void
test_rgba_alpha (void)
{
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (500, 400, TRUE);
  g_autoptr(RpMask) mask = rp_mask_new (500, 400);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(GError) error = NULL;
  RpPlacementOptions o;

  rp_mask_fill_rect (mask, 200, 150, 50, 50, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (500, 400, TRUE, mask, &o, &error);
  g_assert_no_error (error);
  /* A half-transparent result. */
  result = solid_pixbuf (1024, 1024, 0x20408080, TRUE);
  out = composite (p, photo, mask, result, 0.0);

  g_assert_cmpmem (pixel (out, 10, 10), 4, pixel (photo, 10, 10), 4);
  g_assert_cmpmem (pixel (out, 499, 399), 4, pixel (photo, 499, 399), 4);
  g_assert_cmpint (pixel (out, 225, 175)[0], ==, 0x20);
  g_assert_cmpint (pixel (out, 225, 175)[1], ==, 0x40);
  g_assert_cmpint (pixel (out, 225, 175)[2], ==, 0x80);
  g_assert_cmpint (pixel (out, 225, 175)[3], ==, 0x80);
}

/* Without a mask the whole photo takes the result (a fusion or global edit). */
static void
test_whole_image_no_mask (void)
{
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (700, 500, FALSE);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(GError) error = NULL;
  RpPlacementOptions o;
  int x, y;

  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new_for_size (700, 500, FALSE, NULL, &o, &error);
  g_assert_no_error (error);
  g_assert_false (rp_placement_get_is_cropped (p));
  result = solid_pixbuf (1536, 1024, 0x11aa33ff, FALSE);
  out = composite (p, photo, NULL, result, 4.0);
  for (y = 0; y < 500; y++)
    for (x = 0; x < 700; x++)
      {
        const guint8 *q = pixel (out, x, y);

        g_assert_true (q[0] == 0x11 && q[1] == 0xaa && q[2] == 0x33);
      }
}

/* A byte limit is met by the actual encoded file, even for incompressible noise. */
static void
test_max_bytes (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autoptr(GdkPixbuf) noise = noise_pixbuf (1500, 1200, TRUE);
  g_autoptr(RpImage) photo = NULL;
  g_autofree char *image_path = g_build_filename (dir, "image.png", NULL);
  g_autoptr(GFile) image_file = g_file_new_for_path (image_path);
  Model models[] = { MODEL_DALL_E_2, MODEL_GPT_IMAGE_2 };
  guint m;

  photo = rp_image_new_from_pixbuf (noise, "noise");

  for (m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr(RpPlacement) p = NULL;
      g_autoptr(GError) error = NULL;
      RpPlacementUpload upload;
      RpPlacementOptions o;

      options_for (models[m], &o);
      if (models[m] == MODEL_GPT_IMAGE_2)
        o.max_bytes = 3 * MB;
      p = rp_placement_new (photo, NULL, &o, &error);
      g_assert_no_error (error);
      g_assert_true (prepare_sync (p, photo, NULL, image_file, NULL, NULL, &upload, &error));
      g_assert_no_error (error);
      g_test_message ("%s: %s, %" G_GOFFSET_FORMAT " bytes", model_names[models[m]],
                      rp_placement_get_size_param (p), upload.image_bytes);
      g_assert_cmpint (upload.image_bytes, <=, o.max_bytes);
      if (models[m] == MODEL_DALL_E_2)
        {
          /* An RGBA 1024² PNG may exceed 4 MB in the worst case, so 512² it is. */
          g_assert_cmpstr (rp_placement_get_size_param (p), ==, "512x512");
        }
      else
        {
          /* Noise barely compresses: the limit was met by choosing fewer pixels, not many
           * fewer than needed. */
          g_assert_cmpint (upload.image_bytes, >, o.max_bytes * 8 / 10);
        }
    }
  rp_test_tmpdir_remove (dir);
}

static void
test_describe (void)
{
  g_autoptr(RpMask) mask = rp_mask_new (4000, 3000);
  g_autoptr(RpPlacement) crop = NULL, whole = NULL;
  g_autofree char *a = NULL, *b = NULL;
  RpPlacementOptions o;

  rp_mask_dab (mask, 1000, 1000, 50, 1.0, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_1, &o);
  crop = rp_placement_new_for_size (4000, 3000, FALSE, mask, &o, NULL);
  whole = rp_placement_new_for_size (1024, 1024, FALSE, NULL, &o, NULL);
  a = rp_placement_describe (crop);
  b = rp_placement_describe (whole);
  g_test_message ("%s / %s", a, b);
  g_assert_nonnull (strstr (a, "1024 × 1024"));
  g_assert_nonnull (strstr (a, "×"));
  g_assert_nonnull (strstr (b, "1024 × 1024"));
  g_assert_cmpstr (a, !=, b);
}

static void
test_async_and_cancel (void)
{
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (1200, 800, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (1200, 800);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GdkPixbuf) result = solid_pixbuf (1024, 1024, 0x0000ffff, FALSE);
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = rp_image_new_from_pixbuf (photo, "photo");
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "image.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AsyncWait wait = { g_main_loop_new (NULL, FALSE), NULL };
  RpPlacementOptions o;

  rp_mask_dab (mask, 600, 400, 60, 1.0, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_1, &o);
  p = rp_placement_new (image, mask, &o, &error);
  g_assert_no_error (error);

  rp_placement_composite_async (p, photo, mask, result, 5.0, NULL, on_async_done, &wait);
  /* The mask was copied: painting now does not change the running composite. */
  rp_mask_clear (mask);
  g_main_loop_run (wait.loop);
  out = rp_placement_composite_finish (p, wait.result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pixel (out, 600, 400)[2], ==, 255);
  g_assert_cmpint (pixel (out, 600, 400)[0], ==, 0);
  g_clear_object (&wait.result);

  g_cancellable_cancel (cancelled);
  rp_placement_composite_async (p, photo, NULL, result, 5.0, cancelled, on_async_done, &wait);
  g_main_loop_run (wait.loop);
  g_assert_null (rp_placement_composite_finish (p, wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&wait.result);

  g_assert_false (prepare_sync (p, image, NULL, file, NULL, cancelled, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_query_exists (file, NULL));

  g_main_loop_unref (wait.loop);
  rp_test_tmpdir_remove (dir);
}

/* 24 MP: the composite touches only the region, and memory stays near two photos' worth. */
static void
test_large_photo (void)
{
  g_autoptr(GdkPixbuf) photo = rp_test_pattern_pixbuf (6000, 4000, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (6000, 4000);
  g_autoptr(RpPlacement) p = NULL;
  g_autoptr(GdkPixbuf) result = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  gsize photo_kb = (gsize) gdk_pixbuf_get_rowstride (photo) * 4000 / 1024;
  gsize before_kb = rp_test_peak_rss_kb ();
  gint64 t0;
  RpPlacementOptions o;

  rp_mask_dab (mask, 4500, 1000, 300, 0.8, RP_MASK_OP_PAINT);
  options_for (MODEL_GPT_IMAGE_2, &o);
  p = rp_placement_new_for_size (6000, 4000, FALSE, mask, &o, &error);
  g_assert_no_error (error);
  g_assert_true (rp_placement_get_is_cropped (p));
  result = solid_pixbuf (rp_placement_get_upload_width (p), rp_placement_get_upload_height (p),
                         0x00ff00ff, FALSE);

  t0 = g_get_monotonic_time ();
  out = composite (p, photo, mask, result, 16.0);
  g_test_message ("24 MP composite: %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (pixel (out, 4500, 1000)[1], ==, 255);
  g_assert_cmpmem (pixel (out, 100, 3900), 3, pixel (photo, 100, 3900), 3);
  g_assert_cmpmem (pixel (out, 5999, 0), 3, pixel (photo, 5999, 0), 3);

  t0 = g_get_monotonic_time ();
  g_assert_true (rp_placement_write_image (p, photo, sink, NULL, &error));
  g_test_message ("crop upload: %.0f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_clear_object (&p);

  /* The whole 24 MP photo shrunk to gpt-image-2's limit. */
  g_output_stream_close (sink, NULL, NULL);
  g_clear_object (&sink);
  sink = g_memory_output_stream_new_resizable ();
  p = rp_placement_new_for_size (6000, 4000, FALSE, NULL, &o, &error);
  t0 = g_get_monotonic_time ();
  g_assert_true (rp_placement_write_image (p, photo, sink, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("whole upload %s: %.0f ms", rp_placement_get_size_param (p),
                  (g_get_monotonic_time () - t0) / 1000.0);

  /* The output copy is the only photo-sized allocation; allow 48 MB for everything else. */
  g_test_message ("peak RSS grew by %" G_GSIZE_FORMAT " kB (photo %" G_GSIZE_FORMAT " kB)",
                  rp_test_peak_rss_kb () - before_kb, photo_kb);
  g_assert_cmpuint (rp_test_peak_rss_kb () - before_kb, <, photo_kb + 48 * 1024 +
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (sink)) / 1024 * 2);
}

/* The options follow the definition: size rules, image limits, formats sent unchanged. */
static void
test_options_for_params (void)
{
  g_autofree char *dir = rp_test_tmpdir ();
  g_autofree char *nowhere = g_build_filename (dir, "none", NULL);
  g_autoptr(RpProviderRegistry) registry = rp_provider_registry_new (nowhere, nowhere);
  g_autoptr(RpParams) gpt = NULL, dalle = NULL, crazy = NULL, venice = NULL;
  RpPlacementOptions options;

  rp_provider_registry_load (registry);
  gpt = rp_params_new (rp_provider_registry_lookup (registry, "openai"), "gpt-image-1.5", NULL);
  rp_placement_options_for_params (&options, gpt);
  g_assert_true (options.size_rule.allow_auto);
  g_assert_cmpuint (options.size_rule.n_sizes, ==, 3);
  g_assert_false (options.square_only);
  g_assert_true (options.original_formats & RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_JPEG));
  g_assert_true (rp_params_set_string (gpt, "size", "1024x1536", NULL));
  rp_placement_options_for_params (&options, gpt);
  g_assert_cmpuint (options.size_rule.n_sizes, ==, 1);
  g_assert_cmpint (options.size_rule.sizes[0].width, ==, 1024);
  g_assert_cmpint (options.size_rule.sizes[0].height, ==, 1536);
  g_assert_false (options.size_rule.allow_auto);

  dalle = rp_params_new (rp_provider_registry_lookup (registry, "openai"), "dall-e-2", NULL);
  rp_placement_options_for_params (&options, dalle);
  g_assert_true (options.square_only);
  g_assert_cmpint (options.max_bytes, ==, 4194304);
  g_assert_cmpuint (options.original_formats, ==, RP_PLACEMENT_FORMAT_BIT (RP_IMAGE_FORMAT_PNG));

  crazy = rp_params_new (rp_provider_registry_lookup (registry, "crazyrouter"), "gpt-image-2", NULL);
  rp_placement_options_for_params (&options, crazy);
  g_assert_true (rp_size_rule_is_arbitrary (&options.size_rule));
  g_assert_cmpint (options.size_rule.multiple_of, ==, 16);

  venice = rp_params_new (rp_provider_registry_lookup (registry, "venice"), "firered-image-edit", NULL);
  rp_placement_options_for_params (&options, venice);
  g_assert_cmpint (options.max_pixels, ==, 33177600);
  rp_test_tmpdir_remove (dir);
}

/* The person's choice of context: closer crops smaller, "whole" never crops. */
static void
test_context_choices (void)
{
  const char *order[] = { "close", "auto", "wide", "very-wide", "whole" };
  g_autoptr(RpMask) mask = rp_mask_new (4000, 3000);
  int last_area = 0;
  guint i;

  rp_mask_fill_rect (mask, 1800, 1400, 120, 90, RP_MASK_OP_PAINT);
  for (i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(RpPlacement) p = NULL;
      g_autoptr(GError) error = NULL;
      RpPlacementOptions o;
      cairo_rectangle_int_t region;

      rp_placement_options_init (&o, NULL);
      g_assert_true (rp_placement_options_set_context (&o, order[i]));
      p = rp_placement_new_for_size (4000, 3000, FALSE, mask, &o, &error);
      g_assert_no_error (error);
      rp_placement_get_region (p, &region);
      /* Every choice keeps the painted box inside what goes out. */
      g_assert_cmpint (region.x, <=, 1800);
      g_assert_cmpint (region.y, <=, 1400);
      g_assert_cmpint (region.x + region.width, >=, 1920);
      g_assert_cmpint (region.y + region.height, >=, 1490);
      g_assert_cmpint (region.width * region.height, >, last_area);
      last_area = region.width * region.height;
      g_assert_true (rp_placement_get_is_cropped (p) == !g_str_equal (order[i], "whole"));
    }
  {
    RpPlacementOptions o;

    rp_placement_options_init (&o, NULL);
    g_assert_false (rp_placement_options_set_context (&o, "everything"));
    g_assert_cmpint (o.context_px, ==, RP_PLACEMENT_DEFAULT_CONTEXT_PX);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/placement/plans", test_plans);
  g_test_add_func ("/repaint/placement/crop-small-not-large", test_crop_small_not_large);
  g_test_add_func ("/repaint/placement/fixed-size-choices", test_fixed_size_choices);
  g_test_add_func ("/repaint/placement/errors", test_errors);
  g_test_add_func ("/repaint/placement/identity-sends-original", test_identity_sends_original);
  g_test_add_func ("/repaint/placement/upload-content-native", test_upload_content_native);
  g_test_add_func ("/repaint/placement/mask-downscale-keeps-strokes", test_mask_downscale_keeps_strokes);
  g_test_add_func ("/repaint/placement/composite-invariant", test_composite_invariant);
  g_test_add_func ("/repaint/placement/border-masks", test_border_masks);
  g_test_add_func ("/repaint/placement/result-size-differs", test_result_size_differs);
  g_test_add_func ("/repaint/placement/transform-round-trip", test_transform_round_trip);
  g_test_add_func ("/repaint/placement/feather-widens", test_feather_widens);
  g_test_add_func ("/repaint/placement/rgba-alpha", test_rgba_alpha);
  g_test_add_func ("/repaint/placement/whole-image-no-mask", test_whole_image_no_mask);
  g_test_add_func ("/repaint/placement/max-bytes", test_max_bytes);
  g_test_add_func ("/repaint/placement/describe", test_describe);
  g_test_add_func ("/repaint/placement/async-and-cancel", test_async_and_cancel);
  g_test_add_func ("/repaint/placement/large-photo", test_large_photo);

  g_test_add_func ("/repaint/placement/options-for-params", test_options_for_params);
  g_test_add_func ("/repaint/placement/context-choices", test_context_choices);

  return g_test_run ();
}
