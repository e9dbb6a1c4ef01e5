/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-history-entry.h"
#include "rp-image.h"
#include "rp-mask.h"

G_BEGIN_DECLS

#define RP_TYPE_HISTORY (rp_history_get_type ())
G_DECLARE_FINAL_TYPE (RpHistory, rp_history, RP, HISTORY, GObject)

/* A new entry being assembled in a hidden folder; it appears in the history, complete and
 * pending, only when committed. */
typedef struct _RpHistoryDraft RpHistoryDraft;

RpHistory      *rp_history_new                  (GFile           *dir);
GFile          *rp_history_get_dir              (RpHistory       *self);
gboolean        rp_history_load                 (RpHistory       *self,
                                                 GCancellable    *cancellable,
                                                 GError         **error);
void            rp_history_load_async           (RpHistory           *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        rp_history_load_finish          (RpHistory       *self,
                                                 GAsyncResult    *result,
                                                 GError         **error);
guint           rp_history_get_n_skipped        (RpHistory       *self);
RpHistoryEntry *rp_history_lookup               (RpHistory       *self,
                                                 const char      *id);
void            rp_history_insert               (RpHistory       *self,
                                                 RpHistoryEntry  *entry);
gboolean        rp_history_trash                (RpHistory       *self,
                                                 RpHistoryEntry  *entry,
                                                 GError         **error);
gboolean        rp_history_restore              (RpHistory       *self,
                                                 RpHistoryEntry  *entry,
                                                 GError         **error);
void            rp_history_purge_trash          (RpHistory       *self);
void            rp_history_purge                (RpHistory       *self,
                                                 RpHistoryEntry  *entry);
gboolean        rp_history_clear                (RpHistory       *self,
                                                 GError         **error);

RpHistoryDraft *rp_history_draft_new            (RpHistory       *self,
                                                 GError         **error);
GFile          *rp_history_draft_get_dir        (RpHistoryDraft  *draft);
GOutputStream  *rp_history_draft_create_input   (RpHistoryDraft  *draft,
                                                 RpHistoryRole    role,
                                                 const char      *extension,
                                                 GFile          **file,
                                                 GError         **error);
gboolean        rp_history_draft_add_input      (RpHistoryDraft  *draft,
                                                 RpHistoryRole    role,
                                                 GFile           *file,
                                                 const char      *mime,
                                                 int              width,
                                                 int              height,
                                                 GError         **error);
gboolean        rp_history_draft_copy_input     (RpHistoryDraft  *draft,
                                                 RpHistoryRole    role,
                                                 GFile           *source,
                                                 const char      *mime,
                                                 int              width,
                                                 int              height,
                                                 GCancellable    *cancellable,
                                                 GError         **error);
gboolean        rp_history_draft_set_source     (RpHistoryDraft  *draft,
                                                 RpImage         *image,
                                                 const char      *name,
                                                 RpMask          *mask,
                                                 GCancellable    *cancellable,
                                                 GError         **error);
gboolean        rp_history_draft_set_thumbnail  (RpHistoryDraft  *draft,
                                                 GdkPixbuf       *pixbuf,
                                                 GError         **error);
RpHistoryEntry *rp_history_draft_commit         (RpHistoryDraft  *draft,
                                                 JsonObject      *metadata,
                                                 GError         **error);
void            rp_history_draft_free           (RpHistoryDraft  *draft);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpHistoryDraft, rp_history_draft_free)

G_END_DECLS
