/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include <adwaita.h>

#include "rp-test-gui.h"
#include "rp-window.h"

void
rp_test_wait_until (gboolean  (*cond) (gpointer data),
                    gpointer    data,
                    guint       timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %u s waiting for a condition", timeout_s);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
rp_test_wait_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  rp_test_wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, widget, 20);
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (widget);
  rp_test_wait_until (is_true, &painted, 20);
  g_signal_handler_disconnect (clock, id);
}

void
rp_test_show_window (GtkWindow *window)
{
  gtk_window_present (window);
  rp_test_wait_frame (GTK_WIDGET (window));
}

GdkTexture *
rp_test_render (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

char *
rp_test_save_artifact (GdkTexture *texture,
                       const char *name)
{
  g_autofree char *dir = g_build_filename (RP_TEST_BUILD_DIR, "artifacts", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

void
rp_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  g_autoptr(GdkTexture) texture = rp_test_render (widget);

  g_free (rp_test_save_artifact (texture, name));
}

RpTestPixels *
rp_test_pixels_new (GdkTexture *texture)
{
  RpTestPixels *pixels = g_new0 (RpTestPixels, 1);

  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->bgra = g_malloc ((gsize) pixels->width * pixels->height * 4);
  gdk_texture_download (texture, pixels->bgra, (gsize) pixels->width * 4);
  return pixels;
}

void
rp_test_pixels_free (RpTestPixels *pixels)
{
  if (pixels == NULL)
    return;
  g_free (pixels->bgra);
  g_free (pixels);
}

void
rp_test_pixels_get (RpTestPixels *pixels,
                    int           x,
                    int           y,
                    guint8        rgba[4])
{
  const guint8 *p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);
  p = pixels->bgra + ((gsize) y * pixels->width + x) * 4;
  rgba[3] = p[3];
  rgba[0] = p[3] ? MIN (p[2] * 255 / p[3], 255) : 0;
  rgba[1] = p[3] ? MIN (p[1] * 255 / p[3], 255) : 0;
  rgba[2] = p[3] ? MIN (p[0] * 255 / p[3], 255) : 0;
}

GtkWidget *
rp_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (w))
        return w;
    }
  return NULL;
}

gboolean
rp_test_message_dialog_shown (gpointer unused)
{
  return rp_test_find_message_dialog () != NULL;
}

void
rp_test_use_private_dirs (const char *root)
{
  const char *vars[][2] = {
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (root, vars[i][1], NULL);

      g_setenv (vars[i][0], dir, TRUE);
    }
}

static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  GtkWidget *child;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

char *
rp_test_visible_text (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  collect_text (widget, text);
  return g_string_free (text, FALSE);
}

gboolean
rp_test_shows_line (GtkWidget  *widget,
                    const char *line)
{
  g_autofree char *text = rp_test_visible_text (widget);
  g_autofree char *needle = g_strdup_printf ("\n%s\n", line);
  g_autofree char *haystack = g_strdup_printf ("\n%s", text);

  return strstr (haystack, needle) != NULL;
}

/* The shortcut @trigger fires in @controller, if any. */
static GtkShortcut *
find_shortcut (GtkShortcutController *controller,
               GtkShortcutTrigger    *trigger)
{
  guint i;

  for (i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (controller)); i++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), i);

      if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger))
        return g_steal_pointer (&shortcut);
    }
  return NULL;
}

gboolean
rp_test_press_accel (GtkWindow  *window,
                     const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GtkShortcutTrigger) trigger = NULL;
  GtkApplication *app = gtk_window_get_application (window);
  guint key, i;
  GdkModifierType mods;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  trigger = gtk_keyval_trigger_new (key, mods);
  for (i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      g_autoptr(GtkShortcut) shortcut = NULL;

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      shortcut = find_shortcut (GTK_SHORTCUT_CONTROLLER (controller), trigger);
      if (shortcut != NULL)
        return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (window),
                                             gtk_shortcut_get_arguments (shortcut));
    }
  /* The application's accelerators apply to its windows only. */
  if (app != NULL)
    {
      g_auto(GStrv) actions = gtk_application_get_actions_for_accel (app, accel);

      for (i = 0; actions[i] != NULL; i++)
        {
          g_autofree char *name = NULL;
          g_autoptr(GVariant) target = NULL;

          g_assert_true (g_action_parse_detailed_name (actions[i], &name, &target, NULL));
          if (gtk_widget_activate_action_variant (GTK_WIDGET (window), name, target))
            return TRUE;
        }
    }
  return FALSE;
}

char *
rp_test_suggested_file_name (GtkWindow  *window,
                             const char *action)
{
  /* What the action's dialog would offer, asked of the window without showing the dialog:
   * GTK 4.8's in-process file chooser leaks what it reads of folders and bookmarks, which
   * the sanitizer run would report. */
  g_assert_true (RP_IS_WINDOW (window));
  return rp_window_suggest_file_name (RP_WINDOW (window), action);
}
