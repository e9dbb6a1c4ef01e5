/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Images arriving by drag-and-drop or the clipboard: a list of files (a file manager), or
 * encoded image data (a browser, an image viewer). Raw encoded bytes are read, never a
 * decoded GdkTexture, so everything goes through the same limits as opening a file.
 */

/**
 * RpImagesReceived:
 * @files: (array length=n_files): the files, in the order they came
 * @stream: (nullable): encoded image data, when no files came
 * @user_data: data of the caller
 *
 * Called once with what arrived: files, a stream, or neither (nothing usable, or
 * cancelled).
 */
typedef void (*RpImagesReceived) (GFile        **files,
                                  guint          n_files,
                                  GInputStream  *stream,
                                  gpointer       user_data);

GdkContentFormats *rp_image_transfer_formats        (void);
gboolean           rp_image_transfer_has_images     (GdkContentFormats *formats);
GtkDropTargetAsync *rp_image_transfer_drop_target   (RpImagesReceived   callback,
                                                     gpointer           user_data,
                                                     GDestroyNotify     destroy);
void               rp_image_transfer_read_clipboard (GdkClipboard      *clipboard,
                                                     GCancellable      *cancellable,
                                                     RpImagesReceived   callback,
                                                     gpointer           user_data,
                                                     GDestroyNotify     destroy);

G_END_DECLS
