/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-request-body.h"

G_BEGIN_DECLS

/* For subclasses: the parts of a body, appended in the order they go on the wire. Nothing
 * may be appended once the body is sealed (its length asked for or a stream opened). */
void     rp_request_body_set_content_type   (RpRequestBody  *self,
                                             const char     *content_type);
gboolean rp_request_body_is_sealed          (RpRequestBody  *self);
void     rp_request_body_append_text        (RpRequestBody  *self,
                                             const char     *text,
                                             gssize          len);
void     rp_request_body_append_file        (RpRequestBody  *self,
                                             GFile          *file,
                                             goffset         size);
void     rp_request_body_append_base64_file (RpRequestBody  *self,
                                             GFile          *file,
                                             goffset         size);

/* Measures @file (it must be a regular file) without reading it; when @content_type is
 * %NULL, reads its first bytes to name the image type it holds. */
gboolean rp_request_body_inspect_file       (GFile          *file,
                                             const char     *content_type,
                                             goffset        *size,
                                             char          **out_content_type,
                                             GCancellable   *cancellable,
                                             GError        **error);
/* Whether @text is a plain "type/subtype" token that can be written unescaped. */
gboolean rp_request_body_content_type_is_safe (const char   *text);

G_END_DECLS
