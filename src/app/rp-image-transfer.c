/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-image-transfer"

#include "config.h"

#include "rp-image-transfer.h"

static const char *image_mime_types[] = {
  "image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp", "image/tiff", NULL
};

/* Returns: (transfer full): file lists and the image types Repaint reads */
GdkContentFormats *
rp_image_transfer_formats (void)
{
  GdkContentFormatsBuilder *builder = gdk_content_formats_builder_new ();
  guint i;

  gdk_content_formats_builder_add_gtype (builder, GDK_TYPE_FILE_LIST);
  for (i = 0; image_mime_types[i] != NULL; i++)
    gdk_content_formats_builder_add_mime_type (builder, image_mime_types[i]);
  return gdk_content_formats_builder_free_to_formats (builder);
}

/* Whether @formats offer files or image data. */
gboolean
rp_image_transfer_has_images (GdkContentFormats *formats)
{
  guint i;

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    return TRUE;
  for (i = 0; image_mime_types[i] != NULL; i++)
    if (gdk_content_formats_contain_mime_type (formats, image_mime_types[i]))
      return TRUE;
  return FALSE;
}

typedef struct
{
  RpImagesReceived  callback;
  gpointer          user_data;
  GDestroyNotify    destroy;
  GdkDrop          *drop;     /* finished once read */
} Receiver;

static Receiver *
receiver_new (RpImagesReceived callback,
              gpointer         user_data,
              GDestroyNotify   destroy)
{
  Receiver *r = g_new0 (Receiver, 1);

  r->callback = callback;
  r->user_data = user_data;
  r->destroy = destroy;
  return r;
}

static void
receiver_free (Receiver *r)
{
  if (r->destroy != NULL)
    r->destroy (r->user_data);
  g_clear_object (&r->drop);
  g_free (r);
}

/* Hands the files of a GdkFileList value over, then frees @r. */
static void
deliver_files (Receiver     *r,
               const GValue *value)
{
  GSList *list = value ? g_value_get_boxed (value) : NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  for (GSList *l = list; l != NULL; l = l->next)
    g_ptr_array_add (files, l->data);
  if (r->drop != NULL)
    gdk_drop_finish (r->drop, files->len > 0 ? GDK_ACTION_COPY : 0);
  r->callback ((GFile **) files->pdata, files->len, NULL, r->user_data);
  receiver_free (r);
}

static void
deliver_stream (Receiver     *r,
                GInputStream *stream)
{
  if (r->drop != NULL)
    gdk_drop_finish (r->drop, stream ? GDK_ACTION_COPY : 0);
  r->callback (NULL, 0, stream, r->user_data);
  receiver_free (r);
}

/* Drops */

static void
on_drop_files (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  deliver_files (user_data, gdk_drop_read_value_finish (GDK_DROP (source), result, NULL));
}

static void
on_drop_stream (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GInputStream) stream = gdk_drop_read_finish (GDK_DROP (source), result, NULL, NULL);

  deliver_stream (user_data, stream);
}

static GdkDragAction
on_drag_enter (GtkDropTargetAsync *target,
               GdkDrop            *drop,
               double              x,
               double              y,
               gpointer            user_data)
{
  return GDK_ACTION_COPY;
}

static gboolean
on_drop (GtkDropTargetAsync *target,
         GdkDrop            *drop,
         double              x,
         double              y,
         Receiver           *proto)
{
  /* The widget stays alive until its drop is read. */
  Receiver *r = receiver_new (proto->callback, g_object_ref (proto->user_data), g_object_unref);

  r->drop = g_object_ref (drop);
  if (gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), GDK_TYPE_FILE_LIST))
    gdk_drop_read_value_async (drop, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL, on_drop_files, r);
  else
    gdk_drop_read_async (drop, image_mime_types, G_PRIORITY_DEFAULT, NULL, on_drop_stream, r);
  return TRUE;
}

/**
 * rp_image_transfer_drop_target:
 * @callback: called with each drop's files or image data
 * @user_data: a GObject (the widget), held while a drop is read
 * @destroy: frees @user_data with the target
 *
 * Returns: (transfer full): a drop target for files and images to add to a widget
 */
GtkDropTargetAsync *
rp_image_transfer_drop_target (RpImagesReceived callback,
                               gpointer         user_data,
                               GDestroyNotify   destroy)
{
  GtkDropTargetAsync *target = gtk_drop_target_async_new (rp_image_transfer_formats (), GDK_ACTION_COPY);

  g_signal_connect (target, "drag-enter", G_CALLBACK (on_drag_enter), NULL);
  g_signal_connect (target, "drag-motion", G_CALLBACK (on_drag_enter), NULL);
  g_signal_connect_data (target, "drop", G_CALLBACK (on_drop), receiver_new (callback, user_data, destroy),
                         (GClosureNotify) (void (*) (void)) receiver_free, 0);
  return target;
}

/* The clipboard */

static void
on_clipboard_files (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  deliver_files (user_data, gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, NULL));
}

static void
on_clipboard_stream (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GInputStream) stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, NULL);

  deliver_stream (user_data, stream);
}

/**
 * rp_image_transfer_read_clipboard:
 *
 * Reads the files or the image on @clipboard; @callback gets neither when it holds none.
 */
void
rp_image_transfer_read_clipboard (GdkClipboard     *clipboard,
                                  GCancellable     *cancellable,
                                  RpImagesReceived  callback,
                                  gpointer          user_data,
                                  GDestroyNotify    destroy)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);
  Receiver *r = receiver_new (callback, user_data, destroy);

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, cancellable,
                                    on_clipboard_files, r);
  else if (rp_image_transfer_has_images (formats))
    gdk_clipboard_read_async (clipboard, image_mime_types, G_PRIORITY_DEFAULT, cancellable,
                              on_clipboard_stream, r);
  else
    deliver_stream (r, NULL);
}
