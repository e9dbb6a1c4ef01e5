/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

#define RP_TYPE_ENTRY_WINDOW (rp_entry_window_get_type ())
G_DECLARE_FINAL_TYPE (RpEntryWindow, rp_entry_window, RP, ENTRY_WINDOW, AdwWindow)

RpEntryWindow  *rp_entry_window_new        (GtkWindow      *parent,
                                            RpHistoryEntry *entry,
                                            RpProviderRegistry *registry);
RpHistoryEntry *rp_entry_window_get_entry  (RpEntryWindow  *self);
guint           rp_entry_window_get_result (RpEntryWindow  *self);
void            rp_entry_window_set_result (RpEntryWindow  *self,
                                            guint           index);
GFile          *rp_entry_window_get_shown_file (RpEntryWindow *self);
gboolean        rp_entry_window_get_comparing (RpEntryWindow *self);
void            rp_entry_window_set_comparing (RpEntryWindow *self,
                                            gboolean        comparing);
gboolean        rp_entry_window_get_loading (RpEntryWindow *self);

G_END_DECLS
