/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-body-stream.h"

G_BEGIN_DECLS

#define RP_TYPE_REQUEST_BODY (rp_request_body_get_type ())
G_DECLARE_DERIVABLE_TYPE (RpRequestBody, rp_request_body, RP, REQUEST_BODY, GObject)

/**
 * RpRequestBodyClass:
 * @seal: appends what closes the body (a final boundary, a closing brace); called once,
 *   before the length is first asked for or a stream first opened
 *
 * A request body planned from small in-memory parts and files on disk. Its length is
 * exact before anything is read; every call to rp_request_body_open() streams it again
 * from the files, so memory does not grow with the number or size of the files.
 * Subclasses add parts through rp-request-body-private.h.
 */
struct _RpRequestBodyClass
{
  GObjectClass parent_class;

  void (*seal) (RpRequestBody *self);

  /*< private >*/
  gpointer padding[8];
};

const char   *rp_request_body_get_content_type (RpRequestBody *self);
goffset       rp_request_body_get_length       (RpRequestBody *self);
RpBodyStream *rp_request_body_open             (RpRequestBody *self);

G_END_DECLS
