/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "rp-image.h"
#include "rp-mask.h"

G_BEGIN_DECLS

/* The format version written in meta.json; entries of a newer version are skipped. */
#define RP_HISTORY_FORMAT_VERSION 1
#define RP_HISTORY_META_FILE "meta.json"
#define RP_HISTORY_THUMBNAIL_PX 256

#define RP_HISTORY_ERROR (rp_history_error_quark ())

typedef enum {
  RP_HISTORY_ERROR_CORRUPT,
  RP_HISTORY_ERROR_VERSION,
  RP_HISTORY_ERROR_NOT_PENDING,
} RpHistoryError;

typedef enum {
  RP_HISTORY_STATUS_PENDING,      /* on disk before the upload; its job is running */
  RP_HISTORY_STATUS_DONE,
  RP_HISTORY_STATUS_FAILED,
  RP_HISTORY_STATUS_CANCELLED,
  RP_HISTORY_STATUS_INTERRUPTED,  /* pending, but the process that ran it is gone */
} RpHistoryStatus;

typedef enum {
  RP_HISTORY_ROLE_IMAGE,          /* image 1, the one the mask applies to */
  RP_HISTORY_ROLE_MASK,
  RP_HISTORY_ROLE_REFERENCE,
} RpHistoryRole;

#define RP_TYPE_HISTORY_ENTRY (rp_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (RpHistoryEntry, rp_history_entry, RP, HISTORY_ENTRY, GObject)

GQuark           rp_history_error_quark            (void);
const char      *rp_history_status_to_string       (RpHistoryStatus  status);
gboolean         rp_history_status_from_string     (const char      *text,
                                                    RpHistoryStatus *status);
const char      *rp_history_role_to_string         (RpHistoryRole    role);

RpHistoryEntry  *rp_history_entry_load             (GFile           *dir,
                                                    GError         **error);

const char      *rp_history_entry_get_id           (RpHistoryEntry  *self);
GFile           *rp_history_entry_get_dir          (RpHistoryEntry  *self);
RpHistoryStatus  rp_history_entry_get_status       (RpHistoryEntry  *self);
const char      *rp_history_entry_get_prompt       (RpHistoryEntry  *self);
const char      *rp_history_entry_get_provider     (RpHistoryEntry  *self);
const char      *rp_history_entry_get_model        (RpHistoryEntry  *self);
GDateTime       *rp_history_entry_get_created      (RpHistoryEntry  *self);
JsonObject      *rp_history_entry_get_metadata     (RpHistoryEntry  *self);
const char      *rp_history_entry_get_error_message (RpHistoryEntry *self);
guint            rp_history_entry_get_n_inputs     (RpHistoryEntry  *self);
GFile           *rp_history_entry_get_input        (RpHistoryEntry  *self,
                                                    guint            index,
                                                    RpHistoryRole   *role);
guint            rp_history_entry_get_n_outputs    (RpHistoryEntry  *self);
GFile           *rp_history_entry_get_output       (RpHistoryEntry  *self,
                                                    guint            index);
GFile           *rp_history_entry_get_composite    (RpHistoryEntry  *self,
                                                    guint            index);
GFile           *rp_history_entry_get_thumbnail    (RpHistoryEntry  *self);
gboolean         rp_history_entry_get_process_alive (RpHistoryEntry *self);

/* Writing, by the job that owns a pending entry. Each call rewrites meta.json atomically. */
GOutputStream   *rp_history_entry_create_part      (RpHistoryEntry  *self,
                                                    const char      *name,
                                                    GFile          **file,
                                                    GError         **error);
GFile           *rp_history_entry_commit_output    (RpHistoryEntry  *self,
                                                    GFile           *part,
                                                    GError         **error);
GFile           *rp_history_entry_commit_partial   (RpHistoryEntry  *self,
                                                    GFile           *part,
                                                    guint            index,
                                                    GError         **error);
gboolean         rp_history_entry_save_composite   (RpHistoryEntry  *self,
                                                    guint            index,
                                                    GdkPixbuf       *composite,
                                                    GCancellable    *cancellable,
                                                    GError         **error);
gboolean         rp_history_entry_write_composite_files (RpHistoryEntry *self,
                                                    guint            index,
                                                    GdkPixbuf       *composite,
                                                    GCancellable    *cancellable,
                                                    GError         **error);
gboolean         rp_history_entry_record_composite (RpHistoryEntry  *self,
                                                    guint            index,
                                                    GError         **error);
JsonObject      *rp_history_entry_get_output_metadata (RpHistoryEntry *self,
                                                    guint            index);
gboolean         rp_history_entry_set_member       (RpHistoryEntry  *self,
                                                    const char      *name,
                                                    JsonNode        *value,
                                                    GError         **error);
gboolean         rp_history_entry_finish           (RpHistoryEntry  *self,
                                                    RpHistoryStatus  status,
                                                    JsonObject      *error_details,
                                                    GError         **error);
gboolean         rp_history_entry_mark_interrupted (RpHistoryEntry  *self,
                                                    GError         **error);

gboolean         rp_history_entry_has_source       (RpHistoryEntry  *self);
const char      *rp_history_entry_get_source_name  (RpHistoryEntry  *self);
RpImage         *rp_history_entry_load_source      (RpHistoryEntry  *self,
                                                    GCancellable    *cancellable,
                                                    GError         **error);
RpMask          *rp_history_entry_load_source_mask (RpHistoryEntry  *self,
                                                    GCancellable    *cancellable,
                                                    GError         **error);
GPtrArray       *rp_history_entry_load_references  (RpHistoryEntry  *self,
                                                    GCancellable    *cancellable,
                                                    GError         **error);

G_END_DECLS
