/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-request-body.h"

G_BEGIN_DECLS

/* RFC 2046 allows boundaries of 1 to 70 characters. */
#define RP_MULTIPART_MAX_BOUNDARY_CHARS 70

#define RP_TYPE_MULTIPART_BODY (rp_multipart_body_get_type ())
G_DECLARE_FINAL_TYPE (RpMultipartBody, rp_multipart_body, RP, MULTIPART_BODY, RpRequestBody)

RpMultipartBody *rp_multipart_body_new               (void);
RpMultipartBody *rp_multipart_body_new_with_boundary (const char       *boundary);
const char      *rp_multipart_body_get_boundary      (RpMultipartBody  *self);
void             rp_multipart_body_add_field         (RpMultipartBody  *self,
                                                      const char       *name,
                                                      const char       *value);
gboolean         rp_multipart_body_add_file          (RpMultipartBody  *self,
                                                      const char       *name,
                                                      GFile            *file,
                                                      const char       *filename,
                                                      const char       *content_type,
                                                      GCancellable     *cancellable,
                                                      GError          **error);

G_END_DECLS
