/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-reference-strip"

#include "config.h"

#include <glib/gi18n.h>

#include "rp-file-chooser.h"
#include "rp-image-transfer.h"
#include "rp-reference-strip.h"

/*
 * RpReferenceStrip: the reference images of a multi-image edit, as a wrapping strip of
 * thumbnails. The photo being edited is image 1 of the request; the references follow as
 * images 2, 3, …, which is the number each tile shows. Images come from the file manager
 * (several at once), the clipboard or a file chooser; tiles reorder by dragging or from
 * their menu, which also removes them or makes one the base image.
 */

#define TILE_SIZE 64
#define THUMB_DATA "rp-reference-thumbnail"


struct _RpReferenceStrip
{
  GtkWidget     parent_instance;

  GListStore   *store;        /* RpImage */
  GtkWidget    *flow;
  GtkWidget    *caption;
  GCancellable *cancellable;
  guint         max;
  guint         busy;
};

enum {
  PROP_0,
  PROP_N_REFERENCES,
  PROP_MAX,
  PROP_CAN_ADD,
  PROP_BUSY,
  N_PROPS
};

enum {
  USE_AS_BASE,
  MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RpReferenceStrip, rp_reference_strip, GTK_TYPE_WIDGET)

static void
message (RpReferenceStrip *self,
         const char       *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
set_busy (RpReferenceStrip *self,
          gboolean          busy)
{
  gboolean was_busy = self->busy > 0;

  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  if (was_busy != (self->busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Thumbnails: a centred square, cut from the image and scaled in a worker thread. */

static GdkPixbuf *
make_thumbnail (RpImage *image,
                int      size)
{
  GdkPixbuf *pixbuf = rp_image_get_pixbuf (image);
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int side = MIN (width, height);
  g_autoptr(GdkPixbuf) square = gdk_pixbuf_new_subpixbuf (pixbuf, (width - side) / 2, (height - side) / 2, side, side);

  return gdk_pixbuf_scale_simple (square, MIN (size, side), MIN (size, side), GDK_INTERP_BILINEAR);
}

static void
attach_thumbnail (RpImage   *image,
                  GdkPixbuf *thumbnail)
{
  if (thumbnail != NULL)
    g_object_set_data_full (G_OBJECT (image), THUMB_DATA, gdk_texture_new_for_pixbuf (thumbnail), g_object_unref);
}

static GdkTexture *
get_thumbnail (RpImage *image)
{
  GdkTexture *texture = g_object_get_data (G_OBJECT (image), THUMB_DATA);

  if (texture == NULL)
    {
      g_autoptr(GdkPixbuf) thumbnail = make_thumbnail (image, 2 * TILE_SIZE);

      attach_thumbnail (image, thumbnail);
      texture = g_object_get_data (G_OBJECT (image), THUMB_DATA);
    }
  return texture;
}

/* Tiles */

typedef struct
{
  RpReferenceStrip *strip;
  RpImage          *image;
  GtkWidget        *button;
  GtkWidget        *badge;
  GSimpleActionGroup *actions;
} Tile;

static void
tile_free (Tile *tile)
{
  g_object_unref (tile->image);
  g_object_unref (tile->actions);
  g_free (tile);
}

static gboolean
tile_position (Tile  *tile,
               guint *position)
{
  return g_list_store_find (tile->strip->store, tile->image, position);
}

static void
on_tile_use_as_base (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  Tile *tile = user_data;
  g_autoptr(RpImage) image = g_object_ref (tile->image);

  g_signal_emit (tile->strip, signals[USE_AS_BASE], 0, image);
}

static void
on_tile_move (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  Tile *tile = user_data;
  int delta = g_variant_get_int32 (parameter);
  guint position;

  if (tile_position (tile, &position) && (int) position + delta >= 0)
    rp_reference_strip_move (tile->strip, position, position + delta);
}

static void
on_tile_remove (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  Tile *tile = user_data;
  guint position;

  if (tile_position (tile, &position))
    rp_reference_strip_remove (tile->strip, position);
}

static GdkContentProvider *
on_tile_drag_prepare (GtkDragSource *source,
                      double         x,
                      double         y,
                      Tile          *tile)
{
  return gdk_content_provider_new_typed (RP_TYPE_IMAGE, tile->image);
}

static void
on_tile_drag_begin (GtkDragSource *source,
                    GdkDrag       *drag,
                    Tile          *tile)
{
  gtk_drag_source_set_icon (source, GDK_PAINTABLE (get_thumbnail (tile->image)), TILE_SIZE / 2, TILE_SIZE / 2);
}

static GMenuModel *
tile_menu (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) order = g_menu_new ();
  g_autoptr(GMenu) end = g_menu_new ();

  g_menu_append (menu, _("Use as _Base Image"), "tile.use-as-base");
  g_menu_append (order, _("Move _Earlier"), "tile.move(-1)");
  g_menu_append (order, _("Move _Later"), "tile.move(1)");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (order));
  g_menu_append (end, _("_Remove"), "tile.remove");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (end));
  return G_MENU_MODEL (menu);
}

static GtkWidget *
create_tile (gpointer item,
             gpointer user_data)
{
  RpReferenceStrip *self = user_data;
  RpImage *image = item;
  static const GActionEntry entries[] = {
    { "use-as-base", on_tile_use_as_base },
    { "move", on_tile_move, "i" },
    { "remove", on_tile_remove },
  };
  g_autoptr(GMenuModel) menu = tile_menu ();
  Tile *tile = g_new0 (Tile, 1);
  GtkWidget *button, *overlay, *picture, *remove;
  GtkDragSource *source;

  tile->strip = self;
  tile->image = g_object_ref (image);
  tile->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (tile->actions), entries, G_N_ELEMENTS (entries), tile);

  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (get_thumbnail (image)));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, TILE_SIZE, TILE_SIZE);
  gtk_widget_add_css_class (picture, "rp-reference-picture");
  gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);

  tile->badge = gtk_label_new (NULL);
  gtk_widget_set_halign (tile->badge, GTK_ALIGN_START);
  gtk_widget_set_valign (tile->badge, GTK_ALIGN_END);
  gtk_widget_add_css_class (tile->badge, "rp-reference-badge");
  gtk_widget_set_can_target (tile->badge, FALSE);

  remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_set_valign (remove, GTK_ALIGN_START);
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_add_css_class (remove, "osd");
  gtk_widget_add_css_class (remove, "rp-reference-remove");
  gtk_widget_set_focusable (remove, FALSE);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "tile.remove");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove"), -1);

  overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), tile->badge);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);

  button = gtk_menu_button_new ();
  tile->button = button;
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), overlay);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), menu);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "rp-reference");
  gtk_widget_insert_action_group (button, "tile", G_ACTION_GROUP (tile->actions));
  g_object_set_data_full (G_OBJECT (button), "rp-tile", tile, (GDestroyNotify) tile_free);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_tile_drag_prepare), tile);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_tile_drag_begin), tile);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (source));
  return button;
}

static Tile *
tile_at (RpReferenceStrip *self,
         guint             position)
{
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->flow), position);

  if (child == NULL)
    return NULL;
  return g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (child)), "rp-tile");
}

/* Numbers, limits and the menu's choices follow every change of the list or the limit. */
static void
refresh (RpReferenceStrip *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_autofree char *caption = NULL;
  guint i;

  for (i = 0; i < n; i++)
    {
      Tile *tile = tile_at (self, i);
      GtkWidget *button;
      g_autofree char *number = NULL;
      g_autofree char *tooltip = NULL;
      gboolean over = i >= self->max;
      GAction *action;

      if (tile == NULL)
        continue;
      button = tile->button;
      number = g_strdup_printf ("%u", i + 2);
      gtk_label_set_label (GTK_LABEL (tile->badge), number);
      if (over)
        {
          gtk_widget_add_css_class (button, "rp-over-limit");
          /* Translators: tooltip of a reference image the chosen model cannot take; %s is its name */
          tooltip = g_strdup_printf (_("%s — not sent: this model takes fewer references"),
                                     rp_image_get_display_name (tile->image));
        }
      else
        {
          gtk_widget_remove_css_class (button, "rp-over-limit");
          /* Translators: tooltip of a reference image: its name, the image number in the request, its size */
          tooltip = g_strdup_printf (_("%s — image %u, %d × %d"), rp_image_get_display_name (tile->image),
                                     i + 2, rp_image_get_width (tile->image), rp_image_get_height (tile->image));
        }
      gtk_widget_set_tooltip_text (button, tooltip);
      /* Translators: accessible name of a reference image tile; %u is its number in the request */
      {
        g_autofree char *label = g_strdup_printf (_("Reference image %u: %s"), i + 2,
                                                  rp_image_get_display_name (tile->image));
        gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      }
      action = g_action_map_lookup_action (G_ACTION_MAP (tile->actions), "move");
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), n > 1);
    }

  if (self->max == 0)
    caption = g_strdup (_("This model takes only the photo"));
  else if (n == 0)
    caption = g_strdup (_("Drop images here for the model to draw from"));
  else if (self->max == RP_REFERENCE_STRIP_UNLIMITED)
    caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reference", "%u references", n), n);
  else
    /* Translators: "2 of 15 references" */
    caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u reference", "%u of %u references", self->max),
                               n, self->max);
  gtk_label_set_label (GTK_LABEL (self->caption), caption);
  if (n > self->max)
    gtk_widget_add_css_class (self->caption, "error");
  else
    gtk_widget_remove_css_class (self->caption, "error");
  gtk_widget_set_visible (self->flow, n > 0);
}

static void
on_items_changed (RpReferenceStrip *self,
                  guint             position,
                  guint             removed,
                  guint             added)
{
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_REFERENCES]);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_ADD]);
}

/* How many of @wanted more images fit; says so when not all do. */
static guint
room_for (RpReferenceStrip *self,
          guint             wanted)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint room = n >= self->max ? 0 : self->max - n;

  if (wanted > room)
    {
      g_autofree char *text = NULL;

      if (self->max == 0)
        text = g_strdup (_("This model takes no reference images"));
      else
        /* Translators: %u is the most reference images the chosen model takes */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "This model takes at most %u reference image",
                                             "This model takes at most %u reference images",
                                             self->max), self->max);
      message (self, text);
    }
  return MIN (wanted, room);
}

/* Loading files: one worker thread per batch, so a drop of several files keeps its order. */

typedef struct
{
  GPtrArray *files;    /* GFile */
  GPtrArray *images;   /* RpImage, or NULL where loading failed */
  GPtrArray *errors;   /* char*, or NULL where it worked */
} Batch;

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->files);
  g_ptr_array_unref (batch->images);
  g_ptr_array_unref (batch->errors);
  g_free (batch);
}

static void
load_batch_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Batch *batch = task_data;
  guint i;

  for (i = 0; i < batch->files->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = rp_image_load_file (g_ptr_array_index (batch->files, i), cancellable, &error);

      if (image != NULL)
        {
          g_autoptr(GdkPixbuf) thumbnail = make_thumbnail (image, 2 * TILE_SIZE);

          g_object_set_data_full (G_OBJECT (image), "rp-pending-thumbnail", g_steal_pointer (&thumbnail), g_object_unref);
        }
      g_ptr_array_add (batch->images, g_steal_pointer (&image));
      g_ptr_array_add (batch->errors, error ? g_strdup (error->message) : NULL);
    }
  g_task_return_boolean (task, !g_cancellable_is_cancelled (cancellable));
}

static void
take_loaded (RpReferenceStrip *self,
             RpImage          *image)
{
  GdkPixbuf *thumbnail = g_object_get_data (G_OBJECT (image), "rp-pending-thumbnail");

  attach_thumbnail (image, thumbnail);
  g_object_set_data (G_OBJECT (image), "rp-pending-thumbnail", NULL);
  g_list_store_append (self->store, image);
}

static void
on_batch_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RpReferenceStrip) self = user_data;
  Batch *batch = g_task_get_task_data (G_TASK (result));
  guint i, loaded = 0, room;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  for (i = 0; i < batch->images->len; i++)
    if (g_ptr_array_index (batch->images, i) != NULL)
      loaded++;
  room = room_for (self, loaded);

  for (i = 0; i < batch->images->len; i++)
    {
      RpImage *image = g_ptr_array_index (batch->images, i);

      if (image != NULL && room > 0)
        {
          take_loaded (self, image);
          room--;
        }
      else if (image == NULL)
        {
          g_autofree char *name = g_file_get_basename (g_ptr_array_index (batch->files, i));
          g_autofree char *text = NULL;

          /* Translators: %s is a file name, then why it could not be opened */
          text = g_strdup_printf (_("Could not add “%s”: %s"), name, (char *) g_ptr_array_index (batch->errors, i));
          message (self, text);
        }
    }
}

/**
 * rp_reference_strip_add_files:
 *
 * Adds the images in @files, in order, as far as the limit allows. Files that are not
 * images Repaint can open are named in a message; the others are still added.
 */
void
rp_reference_strip_add_files (RpReferenceStrip  *self,
                              GFile            **files,
                              guint              n_files)
{
  g_autoptr(GTask) task = NULL;
  Batch *batch;
  guint i;

  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));

  if (n_files == 0 || room_for (self, 1) == 0)
    return;
  batch = g_new0 (Batch, 1);
  batch->files = g_ptr_array_new_with_free_func (g_object_unref);
  batch->images = g_ptr_array_new_with_free_func (unref_nullable);
  batch->errors = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < n_files; i++)
    g_ptr_array_add (batch->files, g_object_ref (files[i]));
  set_busy (self, TRUE);
  task = g_task_new (NULL, self->cancellable, on_batch_loaded, g_object_ref (self));
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  g_task_run_in_thread (task, load_batch_thread);
}

static void
thumbnail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr(GdkPixbuf) thumbnail = make_thumbnail (task_data, 2 * TILE_SIZE);

  g_object_set_data_full (G_OBJECT (task_data), "rp-pending-thumbnail", g_steal_pointer (&thumbnail), g_object_unref);
  g_task_return_boolean (task, TRUE);
}

static void
on_thumbnail_made (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RpReferenceStrip) self = user_data;

  set_busy (self, FALSE);
  if (g_task_propagate_boolean (G_TASK (result), NULL) && room_for (self, 1) > 0)
    take_loaded (self, g_task_get_task_data (G_TASK (result)));
}

typedef struct
{
  RpReferenceStrip *strip;
  char             *name;
} StreamData;

static void
on_stream_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  StreamData *d = user_data;
  g_autoptr(RpReferenceStrip) self = d->strip;
  g_autofree char *name = d->name;
  g_autoptr(GError) error = NULL;
  g_autoptr(RpImage) image = rp_image_load_bytes_finish (result, &error);

  g_free (d);
  if (image == NULL)
    {
      set_busy (self, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Could not add “%s”: %s"), name, error->message);

          message (self, text);
        }
      return;
    }
  {
    g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, on_thumbnail_made, g_object_ref (self));

    g_task_set_task_data (task, g_steal_pointer (&image), g_object_unref);
    g_task_run_in_thread (task, thumbnail_thread);
  }
}

/**
 * rp_reference_strip_add_stream:
 *
 * Adds the encoded image read from @stream (a paste or a drop of image data). It goes
 * through the same limits as a file.
 */
void
rp_reference_strip_add_stream (RpReferenceStrip *self,
                               GInputStream     *stream,
                               const char       *display_name)
{
  StreamData *d;

  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  if (room_for (self, 1) == 0)
    return;
  d = g_new0 (StreamData, 1);
  d->strip = g_object_ref (self);
  d->name = g_strdup (display_name);
  set_busy (self, TRUE);
  rp_image_load_stream_async (stream, display_name, self->cancellable, on_stream_loaded, d);
}

/* Drops: files from a file manager or image data from another application add references;
 * a tile dragged within the strip moves. */

static void
on_dropped (GFile        **files,
            guint          n_files,
            GInputStream  *stream,
            gpointer       user_data)
{
  RpReferenceStrip *self = user_data;

  if (n_files > 0)
    rp_reference_strip_add_files (self, files, n_files);
  else if (stream != NULL)
    rp_reference_strip_add_stream (self, stream, _("Dropped Image"));
}

/* The position a tile dropped at (@x, @y) of the strip takes. */
static guint
drop_position (RpReferenceStrip *self,
               double            x,
               double            y)
{
  graphene_point_t point = GRAPHENE_POINT_INIT (x, y), in_flow;
  GtkFlowBoxChild *child;

  if (!gtk_widget_compute_point (GTK_WIDGET (self), self->flow, &point, &in_flow))
    return G_MAXUINT;
  child = gtk_flow_box_get_child_at_pos (GTK_FLOW_BOX (self->flow), in_flow.x, in_flow.y);
  if (child == NULL)
    return G_MAXUINT;
  return gtk_flow_box_child_get_index (child);
}

static gboolean
on_tile_drop (GtkDropTarget    *target,
              const GValue     *value,
              double            x,
              double            y,
              RpReferenceStrip *self)
{
  RpImage *image = g_value_get_object (value);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint from, to = drop_position (self, x, y);

  if (image == NULL)
    return FALSE;
  if (to >= n)
    to = n - (n > 0 ? 1 : 0);
  if (g_list_store_find (self->store, image, &from))
    {
      rp_reference_strip_move (self, from, to);
      return TRUE;
    }
  /* A reference from another window of Repaint. */
  if (room_for (self, 1) == 0)
    return FALSE;
  g_list_store_insert (self->store, MIN (to, n), image);
  return TRUE;
}

static void
setup_drop_targets (RpReferenceStrip *self)
{
  GtkDropTargetAsync *external = rp_image_transfer_drop_target (on_dropped, self, NULL);
  GtkDropTarget *internal;

  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (external));

  internal = gtk_drop_target_new (RP_TYPE_IMAGE, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  g_signal_connect (internal, "drop", G_CALLBACK (on_tile_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (internal));
}

/* The + button's file chooser. */

static void
on_files_chosen (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(RpReferenceStrip) self = user_data;
  g_autoptr(GListModel) files = rp_file_chooser_finish_multiple (result, NULL);
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  if (files == NULL)
    return;
  for (i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  rp_reference_strip_add_files (self, (GFile **) array->pdata, array->len);
}

/**
 * rp_reference_strip_choose_files:
 *
 * Asks for reference images with a file chooser (several may be chosen).
 */
void
rp_reference_strip_choose_files (RpReferenceStrip *self)
{
  GtkRoot *root;

  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));

  if (room_for (self, 1) == 0)
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  rp_file_chooser_open_multiple_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Add Reference Images"),
                                       RP_FILE_KIND_IMAGE, NULL, self->cancellable, on_files_chosen,
                                       g_object_ref (self));
}

/* Public API */

GtkWidget *
rp_reference_strip_new (void)
{
  return g_object_new (RP_TYPE_REFERENCE_STRIP, NULL);
}

/**
 * rp_reference_strip_get_model:
 *
 * Returns: (transfer none): the references (RpImage), in request order
 */
GListModel *
rp_reference_strip_get_model (RpReferenceStrip *self)
{
  g_return_val_if_fail (RP_IS_REFERENCE_STRIP (self), NULL);
  return G_LIST_MODEL (self->store);
}

guint
rp_reference_strip_get_n_references (RpReferenceStrip *self)
{
  g_return_val_if_fail (RP_IS_REFERENCE_STRIP (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->store));
}

guint
rp_reference_strip_get_max (RpReferenceStrip *self)
{
  g_return_val_if_fail (RP_IS_REFERENCE_STRIP (self), 0);
  return self->max;
}

/**
 * rp_reference_strip_set_max:
 * @max_references: how many references the chosen model takes, or
 *   %RP_REFERENCE_STRIP_UNLIMITED
 *
 * References beyond a lower limit stay (the person may switch back) but are marked as not
 * sent; new ones are refused past the limit.
 */
void
rp_reference_strip_set_max (RpReferenceStrip *self,
                            guint             max_references)
{
  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));

  if (self->max == max_references)
    return;
  self->max = max_references;
  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_ADD]);
}

gboolean
rp_reference_strip_get_can_add (RpReferenceStrip *self)
{
  g_return_val_if_fail (RP_IS_REFERENCE_STRIP (self), FALSE);
  return g_list_model_get_n_items (G_LIST_MODEL (self->store)) < self->max;
}

/* Whether images are still being read (for tests and the busy indicator). */
gboolean
rp_reference_strip_get_busy (RpReferenceStrip *self)
{
  g_return_val_if_fail (RP_IS_REFERENCE_STRIP (self), FALSE);
  return self->busy > 0;
}

/* Appends @image whatever the limit (a restored session). */
void
rp_reference_strip_append (RpReferenceStrip *self,
                           RpImage          *image)
{
  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));
  g_return_if_fail (RP_IS_IMAGE (image));
  g_list_store_append (self->store, image);
}

void
rp_reference_strip_replace (RpReferenceStrip *self,
                            guint             position,
                            RpImage          *image)
{
  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));
  g_return_if_fail (RP_IS_IMAGE (image));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->store)));
  g_list_store_splice (self->store, position, 1, (gpointer *) &image, 1);
}

void
rp_reference_strip_remove (RpReferenceStrip *self,
                           guint             position)
{
  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));

  if (position < g_list_model_get_n_items (G_LIST_MODEL (self->store)))
    g_list_store_remove (self->store, position);
}

/* Moves the reference at @from to @to (clamped), keeping the focus on it. */
void
rp_reference_strip_move (RpReferenceStrip *self,
                         guint             from,
                         guint             to)
{
  guint n;
  g_autoptr(RpImage) image = NULL;
  GtkFlowBoxChild *child;

  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  if (from >= n)
    return;
  to = MIN (to, n - 1);
  if (from == to)
    return;
  image = g_list_model_get_item (G_LIST_MODEL (self->store), from);
  g_list_store_remove (self->store, from);
  g_list_store_insert (self->store, to, image);
  child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->flow), to);
  if (child != NULL && gtk_widget_get_mapped (self->flow))
    gtk_widget_grab_focus (gtk_flow_box_child_get_child (child));
}

void
rp_reference_strip_clear (RpReferenceStrip *self)
{
  g_return_if_fail (RP_IS_REFERENCE_STRIP (self));
  g_list_store_remove_all (self->store);
}

/**
 * rp_reference_strip_get_tile:
 *
 * Returns: (transfer none) (nullable): the button showing the reference at @position
 */
GtkWidget *
rp_reference_strip_get_tile (RpReferenceStrip *self,
                             guint             position)
{
  GtkFlowBoxChild *child;

  g_return_val_if_fail (RP_IS_REFERENCE_STRIP (self), NULL);

  child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->flow), position);
  return child ? gtk_flow_box_child_get_child (child) : NULL;
}

/* Keyboard: Delete removes the focused tile, Alt+Left/Right move it. */
static Tile *
focused_tile (RpReferenceStrip *self)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)));
  GtkWidget *button = focus ? gtk_widget_get_ancestor (focus, GTK_TYPE_MENU_BUTTON) : NULL;

  if (button == NULL || !gtk_widget_is_ancestor (button, GTK_WIDGET (self)))
    return NULL;
  return g_object_get_data (G_OBJECT (button), "rp-tile");
}

static gboolean
on_remove_key (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  RpReferenceStrip *self = RP_REFERENCE_STRIP (widget);
  Tile *tile = focused_tile (self);
  guint position, n;

  if (tile == NULL || !tile_position (tile, &position))
    return FALSE;
  rp_reference_strip_remove (self, position);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  if (n > 0)
    gtk_widget_grab_focus (rp_reference_strip_get_tile (self, MIN (position, n - 1)));
  return TRUE;
}

static gboolean
on_move_key (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  RpReferenceStrip *self = RP_REFERENCE_STRIP (widget);
  Tile *tile = focused_tile (self);
  int delta = g_variant_get_int32 (args);
  guint position;

  if (tile == NULL || !tile_position (tile, &position) || (int) position + delta < 0)
    return FALSE;
  rp_reference_strip_move (self, position, position + delta);
  return TRUE;
}

static void
rp_reference_strip_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  RpReferenceStrip *self = RP_REFERENCE_STRIP (object);

  switch (prop_id)
    {
    case PROP_N_REFERENCES:
      g_value_set_uint (value, rp_reference_strip_get_n_references (self));
      break;
    case PROP_MAX:
      g_value_set_uint (value, self->max);
      break;
    case PROP_CAN_ADD:
      g_value_set_boolean (value, rp_reference_strip_get_can_add (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rp_reference_strip_dispose (GObject *object)
{
  RpReferenceStrip *self = RP_REFERENCE_STRIP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->flow, gtk_widget_unparent);
  g_clear_pointer (&self->caption, gtk_widget_unparent);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (rp_reference_strip_parent_class)->dispose (object);
}

static void
rp_reference_strip_class_init (RpReferenceStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rp_reference_strip_get_property;
  object_class->dispose = rp_reference_strip_dispose;

  properties[PROP_N_REFERENCES] =
    g_param_spec_uint ("n-references", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX] =
    g_param_spec_uint ("max", NULL, NULL, 0, G_MAXUINT, RP_REFERENCE_STRIP_UNLIMITED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_ADD] =
    g_param_spec_boolean ("can-add", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RpReferenceStrip::use-as-base:
   * @image: the reference to edit instead of the photo
   */
  signals[USE_AS_BASE] = g_signal_new ("use-as-base", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, RP_TYPE_IMAGE);
  /**
   * RpReferenceStrip::message:
   * @text: a short translated note for the person (a file that could not be added…)
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, on_remove_key, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_BackSpace, 0, on_remove_key, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_ALT_MASK, on_move_key, "i", -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, GDK_ALT_MASK, on_move_key, "i", 1);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rpreferencestrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rp_reference_strip_init (RpReferenceStrip *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->max = RP_REFERENCE_STRIP_UNLIMITED;
  self->cancellable = g_cancellable_new ();
  self->store = g_list_store_new (RP_TYPE_IMAGE);

  self->flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->flow), TRUE);
  gtk_widget_set_halign (self->flow, GTK_ALIGN_START);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (self->flow), 3);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow), 4);
  gtk_flow_box_bind_model (GTK_FLOW_BOX (self->flow), G_LIST_MODEL (self->store), create_tile, self, NULL);
  gtk_widget_set_parent (self->flow, GTK_WIDGET (self));

  self->caption = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->caption), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->caption), 0);
  gtk_widget_add_css_class (self->caption, "dim-label");
  gtk_widget_add_css_class (self->caption, "caption");
  gtk_widget_set_parent (self->caption, GTK_WIDGET (self));

  g_signal_connect_swapped (self->store, "items-changed", G_CALLBACK (on_items_changed), self);
  setup_drop_targets (self);
  refresh (self);
}
