/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "rp-core.h"
#include "rp-thumbnail-cache.h"

G_BEGIN_DECLS

#define RP_TYPE_GALLERY_ITEM (rp_gallery_item_get_type ())
G_DECLARE_FINAL_TYPE (RpGalleryItem, rp_gallery_item, RP, GALLERY_ITEM, GtkWidget)

RpGalleryItem  *rp_gallery_item_new       (RpThumbnailCache *cache,
                                           RpProviderRegistry *registry);
void            rp_gallery_item_set_entry (RpGalleryItem    *self,
                                           RpHistoryEntry   *entry);
RpHistoryEntry *rp_gallery_item_get_entry (RpGalleryItem    *self);
char           *rp_gallery_format_time    (GDateTime        *time,
                                           GDateTime        *now);
const char     *rp_gallery_status_label   (RpHistoryStatus   status);
const char     *rp_gallery_provider_name  (RpProviderRegistry *registry,
                                           const char       *provider_id);
const char     *rp_gallery_model_name     (RpProviderRegistry *registry,
                                           const char       *provider_id,
                                           const char       *model_id);
const char     *rp_gallery_entry_title    (RpProviderRegistry *registry,
                                           RpHistoryEntry   *entry);
char           *rp_gallery_entry_source   (RpProviderRegistry *registry,
                                           RpHistoryEntry   *entry);
gboolean        rp_gallery_entry_is_local (RpProviderRegistry *registry,
                                           RpHistoryEntry   *entry);

G_END_DECLS
