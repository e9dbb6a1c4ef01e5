/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Iterates the main context until @cond(@data) holds; fails the test after @timeout_s. */
void        rp_test_wait_until      (gboolean  (*cond) (gpointer data),
                                     gpointer    data,
                                     guint       timeout_s);
/* Presents @window and waits until it is mapped and has painted a frame. */
void        rp_test_show_window     (GtkWindow  *window);
/* Waits for one more frame of @widget to be painted. */
void        rp_test_wait_frame      (GtkWidget  *widget);
/* Renders @widget with its window's renderer; the result is what is on screen. */
GdkTexture *rp_test_render          (GtkWidget  *widget);
/* Saves @texture as tests/artifacts/@name in the build tree and returns the path. */
char       *rp_test_save_artifact   (GdkTexture *texture,
                                     const char *name);
/* Renders @widget and saves it as tests/artifacts/@name. */
void        rp_test_save_screenshot (GtkWidget  *widget,
                                     const char *name);
/* The pixels of a texture, downloaded once, for probing. */
typedef struct
{
  int     width;
  int     height;
  guint8 *bgra;   /* premultiplied BGRA, as gdk_texture_download() gives on little-endian */
} RpTestPixels;

RpTestPixels *rp_test_pixels_new  (GdkTexture   *texture);
void          rp_test_pixels_free (RpTestPixels *pixels);
/* The pixel at (@x, @y) as RGBA with straight alpha. */
void          rp_test_pixels_get  (RpTestPixels *pixels,
                                   int           x,
                                   int           y,
                                   guint8        rgba[4]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpTestPixels, rp_test_pixels_free)

/* The visible AdwMessageDialog, if any, and a condition for rp_test_wait_until(). */
GtkWidget  *rp_test_find_message_dialog   (void);
gboolean    rp_test_message_dialog_shown  (gpointer    unused);
/* The text of every label of @widget on screen, a line each, in widget order. */
char       *rp_test_visible_text          (GtkWidget  *widget);
/* Whether one of those labels reads exactly @line. */
gboolean    rp_test_shows_line            (GtkWidget  *widget,
                                           const char *line);
/* Does what pressing @accel (e.g. "<Control>w") in @window does: the window's own
 * shortcuts, then the application's accelerators if the window is the application's.
 * Returns whether anything was bound to the key. */
gboolean    rp_test_press_accel           (GtkWindow  *window,
                                           const char *accel);
/* Activates @action of @window, which opens a save dialog; returns the file name the
 * dialog suggests and closes it, as Escape would. GTK's own dialog, outside the sandbox. */
char       *rp_test_suggested_file_name   (GtkWindow  *window,
                                           const char *action);
/* Points XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_CACHE_HOME into @root, so a test's files
 * and settings stay its own. */
void        rp_test_use_private_dirs      (const char *root);

G_END_DECLS
