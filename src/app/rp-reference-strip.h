/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rp-core.h"

G_BEGIN_DECLS

/* No limit on the number of references. */
#define RP_REFERENCE_STRIP_UNLIMITED G_MAXUINT

#define RP_TYPE_REFERENCE_STRIP (rp_reference_strip_get_type ())
G_DECLARE_FINAL_TYPE (RpReferenceStrip, rp_reference_strip, RP, REFERENCE_STRIP, GtkWidget)

GtkWidget  *rp_reference_strip_new            (void);
GListModel *rp_reference_strip_get_model      (RpReferenceStrip *self);
guint       rp_reference_strip_get_n_references (RpReferenceStrip *self);
guint       rp_reference_strip_get_max        (RpReferenceStrip *self);
void        rp_reference_strip_set_max        (RpReferenceStrip *self,
                                               guint             max_references);
gboolean    rp_reference_strip_get_can_add    (RpReferenceStrip *self);
gboolean    rp_reference_strip_get_busy       (RpReferenceStrip *self);
void        rp_reference_strip_add_files      (RpReferenceStrip *self,
                                               GFile           **files,
                                               guint             n_files);
void        rp_reference_strip_add_stream     (RpReferenceStrip *self,
                                               GInputStream     *stream,
                                               const char       *display_name);
void        rp_reference_strip_append         (RpReferenceStrip *self,
                                               RpImage          *image);
void        rp_reference_strip_replace        (RpReferenceStrip *self,
                                               guint             position,
                                               RpImage          *image);
void        rp_reference_strip_remove         (RpReferenceStrip *self,
                                               guint             position);
void        rp_reference_strip_move           (RpReferenceStrip *self,
                                               guint             from,
                                               guint             to);
void        rp_reference_strip_clear          (RpReferenceStrip *self);
void        rp_reference_strip_choose_files   (RpReferenceStrip *self);
GtkWidget  *rp_reference_strip_get_tile       (RpReferenceStrip *self,
                                               guint             position);

G_END_DECLS
