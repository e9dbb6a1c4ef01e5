/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "rp-core.h"
#include "rp-thumbnail-cache.h"

G_BEGIN_DECLS

#define RP_TYPE_GALLERY (rp_gallery_get_type ())
G_DECLARE_FINAL_TYPE (RpGallery, rp_gallery, RP, GALLERY, GtkWidget)

RpGallery        *rp_gallery_new              (void);
void              rp_gallery_set_history      (RpGallery   *self,
                                               RpHistory   *history);
RpHistory        *rp_gallery_get_history      (RpGallery   *self);
void              rp_gallery_set_registry     (RpGallery   *self,
                                               RpProviderRegistry *registry);
RpProviderRegistry *rp_gallery_get_registry   (RpGallery   *self);
void              rp_gallery_set_search       (RpGallery   *self,
                                               const char  *text);
void              rp_gallery_set_filter       (RpGallery   *self,
                                               const char  *provider,
                                               int          status);
GListModel       *rp_gallery_get_visible      (RpGallery   *self);
RpThumbnailCache *rp_gallery_get_thumbnails   (RpGallery   *self);
void              rp_gallery_focus_search     (RpGallery   *self);

G_END_DECLS
