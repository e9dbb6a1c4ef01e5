/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RP_TYPE_BODY_STREAM (rp_body_stream_get_type ())
G_DECLARE_FINAL_TYPE (RpBodyStream, rp_body_stream, RP, BODY_STREAM, GInputStream)

goffset rp_body_stream_get_size       (RpBodyStream *self);
goffset rp_body_stream_get_bytes_read (RpBodyStream *self);

G_END_DECLS
