/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-history-entry.h"

G_BEGIN_DECLS

RpHistoryEntry *rp_history_entry_new_from_meta (GFile       *dir,
                                                JsonObject  *meta,
                                                GError     **error);
gboolean        rp_history_write_meta          (GFile       *dir,
                                                JsonObject  *meta,
                                                GError     **error);
gboolean        rp_history_save_png            (GFile         *file,
                                                GdkPixbuf     *pixbuf,
                                                GCancellable  *cancellable,
                                                GError       **error);
gboolean        rp_history_save_thumbnail      (GFile       *file,
                                                GdkPixbuf   *pixbuf,
                                                GError     **error);
guint64         rp_history_process_start_time  (int          pid);
char           *rp_history_boot_id             (void);

G_END_DECLS
