/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RP_TYPE_THUMBNAIL_CACHE (rp_thumbnail_cache_get_type ())
G_DECLARE_FINAL_TYPE (RpThumbnailCache, rp_thumbnail_cache, RP, THUMBNAIL_CACHE, GObject)

RpThumbnailCache *rp_thumbnail_cache_new         (guint                max_items);
GdkTexture       *rp_thumbnail_cache_lookup      (RpThumbnailCache    *self,
                                                  GFile               *file);
void              rp_thumbnail_cache_load_async  (RpThumbnailCache    *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GdkTexture       *rp_thumbnail_cache_load_finish (RpThumbnailCache    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
guint             rp_thumbnail_cache_get_n_decoded (RpThumbnailCache  *self);

G_END_DECLS
