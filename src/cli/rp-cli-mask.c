/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-cli.h"
#include "rp-core.h"

/* repaint-cli mask --image FILE --rect X,Y,W,H [--rect …] --output MASK.png */
int
rp_cli_mask (int    argc,
             char **argv)
{
  g_autofree char *image_path = NULL;
  g_autofree char *output_path = NULL;
  g_auto(GStrv) rects = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) image_file = NULL;
  g_autoptr(GFile) output_file = NULL;
  g_autoptr(RpImage) image = NULL;
  g_autoptr(RpMask) mask = NULL;
  guint i;
  GOptionEntry entries[] = {
    { "image", 0, 0, G_OPTION_ARG_FILENAME, &image_path, N_("The photo the mask is for"), N_("FILE") },
    { "rect", 0, 0, G_OPTION_ARG_STRING_ARRAY, &rects, N_("A rectangle to edit (repeatable)"), N_("X,Y,W,H") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path, N_("Where to write the mask PNG"), N_("MASK.png") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Write a mask PNG of the photo’s exact size whose alpha is 0 "
                                  "inside the rectangles (the region to edit) and 255 elsewhere."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      rp_cli_error ("%s", error->message);
      return RP_CLI_EXIT_USAGE;
    }
  if (image_path == NULL || output_path == NULL || rects == NULL)
    {
      rp_cli_error ("%s", _("mask needs --image, --rect and --output"));
      return RP_CLI_EXIT_USAGE;
    }

  image_file = g_file_new_for_commandline_arg (image_path);
  image = rp_image_load_file (image_file, NULL, &error);
  if (image == NULL)
    {
      rp_cli_error ("%s: %s", image_path, error->message);
      return RP_CLI_EXIT_USAGE;
    }

  mask = rp_mask_new (rp_image_get_width (image), rp_image_get_height (image));
  for (i = 0; rects[i] != NULL; i++)
    {
      int x, y, w, h;

      if (!rp_cli_parse_rect (rects[i], &x, &y, &w, &h))
        {
          rp_cli_error (_("“%s” is not a rectangle; use X,Y,W,H with a positive width and height"), rects[i]);
          return RP_CLI_EXIT_USAGE;
        }
      if (x >= rp_image_get_width (image) || y >= rp_image_get_height (image) ||
          x + w <= 0 || y + h <= 0)
        {
          rp_cli_error (_("The rectangle %s lies outside the %d × %d photo"), rects[i],
                        rp_image_get_width (image), rp_image_get_height (image));
          return RP_CLI_EXIT_USAGE;
        }
      rp_mask_fill_rect (mask, x, y, w, h, RP_MASK_OP_PAINT);
    }

  output_file = g_file_new_for_commandline_arg (output_path);
  if (!rp_mask_save_png (mask, output_file, NULL, &error))
    {
      rp_cli_error ("%s: %s", output_path, error->message);
      return RP_CLI_EXIT_FAILURE;
    }
  g_print ("%s\n", output_path);
  return RP_CLI_EXIT_OK;
}
