/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-image.h"
#include "rp-mask.h"

G_BEGIN_DECLS

/* Undo keeps at most this many steps and this many bytes of saved tiles and images; the
 * oldest steps go first. */
#define RP_DOCUMENT_MAX_UNDO_STEPS 100
#define RP_DOCUMENT_MAX_UNDO_BYTES ((gsize) 512 * 1024 * 1024)

#define RP_TYPE_DOCUMENT (rp_document_get_type ())
G_DECLARE_FINAL_TYPE (RpDocument, rp_document, RP, DOCUMENT, GObject)

RpDocument *rp_document_new             (RpImage    *image);
RpImage    *rp_document_get_image       (RpDocument *self);
RpMask     *rp_document_get_mask        (RpDocument *self);
const char *rp_document_get_name        (RpDocument *self);
void        rp_document_set_name        (RpDocument *self,
                                         const char *name);

void        rp_document_begin_mask_edit (RpDocument *self);
gboolean    rp_document_end_mask_edit   (RpDocument *self,
                                         const char *label);
gboolean    rp_document_in_mask_edit    (RpDocument *self);
void        rp_document_replace_image   (RpDocument *self,
                                         RpImage    *image,
                                         const char *label);
void        rp_document_replace_image_named (RpDocument *self,
                                         RpImage    *image,
                                         const char *name,
                                         const char *label);

gboolean    rp_document_get_can_undo    (RpDocument *self);
gboolean    rp_document_get_can_redo    (RpDocument *self);
const char *rp_document_get_undo_label  (RpDocument *self);
const char *rp_document_get_redo_label  (RpDocument *self);
guint       rp_document_get_undo_depth  (RpDocument *self);
gsize       rp_document_get_undo_bytes  (RpDocument *self);
gboolean    rp_document_undo            (RpDocument *self);
gboolean    rp_document_redo            (RpDocument *self);

G_END_DECLS
