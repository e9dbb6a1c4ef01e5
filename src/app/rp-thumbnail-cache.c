/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-thumbnail-cache"

#include "config.h"

#include "rp-core.h"
#include "rp-thumbnail-cache.h"

/* Thumbnails are ours and small; a bigger file is not decoded as one. */
#define MAX_THUMBNAIL_FILE_BYTES (4 * 1024 * 1024)

struct _RpThumbnailCache
{
  GObject     parent_instance;

  GHashTable *textures;   /* uri → GdkTexture */
  GQueue      order;      /* uris, most recently used first */
  GHashTable *pending;    /* uri → GPtrArray of GTask waiting for the same file */
  guint       max_items;
  guint       n_decoded;
};

G_DEFINE_FINAL_TYPE (RpThumbnailCache, rp_thumbnail_cache, G_TYPE_OBJECT)

static void
rp_thumbnail_cache_finalize (GObject *object)
{
  RpThumbnailCache *self = RP_THUMBNAIL_CACHE (object);

  g_hash_table_unref (self->textures);
  g_hash_table_unref (self->pending);
  g_queue_clear_full (&self->order, g_free);

  G_OBJECT_CLASS (rp_thumbnail_cache_parent_class)->finalize (object);
}

static void
rp_thumbnail_cache_class_init (RpThumbnailCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_thumbnail_cache_finalize;
}

static void
rp_thumbnail_cache_init (RpThumbnailCache *self)
{
  self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
}

/**
 * rp_thumbnail_cache_new:
 * @max_items: how many textures to keep (least recently used go first)
 *
 * Returns: (transfer full): a cache that decodes off the main thread
 */
RpThumbnailCache *
rp_thumbnail_cache_new (guint max_items)
{
  RpThumbnailCache *self = g_object_new (RP_TYPE_THUMBNAIL_CACHE, NULL);

  self->max_items = MAX (max_items, 1);
  return self;
}

static void
touch (RpThumbnailCache *self,
       const char       *uri)
{
  GList *link = g_queue_find_custom (&self->order, uri, (GCompareFunc) g_strcmp0);

  if (link != NULL)
    {
      g_queue_unlink (&self->order, link);
      g_queue_push_head_link (&self->order, link);
    }
}

/**
 * rp_thumbnail_cache_lookup:
 *
 * Returns: (transfer full) (nullable): the texture if it is already decoded
 */
GdkTexture *
rp_thumbnail_cache_lookup (RpThumbnailCache *self,
                           GFile            *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GdkTexture *texture = g_hash_table_lookup (self->textures, uri);

  if (texture == NULL)
    return NULL;
  touch (self, uri);
  return g_object_ref (texture);
}

static void
insert (RpThumbnailCache *self,
        const char       *uri,
        GdkTexture       *texture)
{
  if (g_hash_table_contains (self->textures, uri))
    return;
  g_hash_table_insert (self->textures, g_strdup (uri), g_object_ref (texture));
  g_queue_push_head (&self->order, g_strdup (uri));
  while (self->order.length > self->max_items)
    {
      g_autofree char *oldest = g_queue_pop_tail (&self->order);

      g_hash_table_remove (self->textures, oldest);
    }
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(RpImage) image = NULL;
  GError *error = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_file_info_get_size (info) > MAX_THUMBNAIL_FILE_BYTES)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a thumbnail");
      return;
    }
  /* Through RpImage: the same format and size checks as every other image. */
  image = rp_image_load_file (file, cancellable, &error);
  if (image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, gdk_texture_new_for_pixbuf (rp_image_get_pixbuf (image)),
                         g_object_unref);
}

static void
decode_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RpThumbnailCache *self = RP_THUMBNAIL_CACHE (source);
  g_autofree char *uri = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) waiting = NULL;
  g_autofree char *pending_uri = NULL;
  guint i;

  if (texture != NULL)
    {
      self->n_decoded++;
      insert (self, uri, texture);
    }
  /* Stealing frees neither key nor value: both are ours now. */
  g_hash_table_steal_extended (self->pending, uri, (gpointer *) &pending_uri, (gpointer *) &waiting);
  for (i = 0; waiting != NULL && i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (texture != NULL)
        g_task_return_pointer (task, g_object_ref (texture), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

/**
 * rp_thumbnail_cache_load_async:
 *
 * Decodes @file in a worker thread (once, however many ask) and caches the texture.
 */
void
rp_thumbnail_cache_load_async (RpThumbnailCache    *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GdkTexture) cached = rp_thumbnail_cache_lookup (self, file);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *waiting;

  g_task_set_source_tag (task, rp_thumbnail_cache_load_async);
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&cached), g_object_unref);
      g_object_unref (task);
      return;
    }

  waiting = g_hash_table_lookup (self->pending, uri);
  if (waiting == NULL)
    {
      g_autoptr(GTask) decode = g_task_new (self, NULL, decode_done, g_strdup (uri));

      waiting = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->pending, g_strdup (uri), waiting);
      g_task_set_task_data (decode, g_object_ref (file), g_object_unref);
      g_task_run_in_thread (decode, decode_thread);
    }
  g_ptr_array_add (waiting, task);
}

/**
 * rp_thumbnail_cache_load_finish:
 *
 * Returns: (transfer full): the texture, or %NULL with @error set
 */
GdkTexture *
rp_thumbnail_cache_load_finish (RpThumbnailCache  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* How many files were decoded so far (the gallery benchmark reads it). */
guint
rp_thumbnail_cache_get_n_decoded (RpThumbnailCache *self)
{
  g_return_val_if_fail (RP_IS_THUMBNAIL_CACHE (self), 0);
  return self->n_decoded;
}
