/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rp-image.h"

G_BEGIN_DECLS

/* The transport building blocks and how a request uses them:
 *
 * Sending. Build an RpMultipartBody (fields, then files from the journal under the field
 * names the provider wants) or an RpJsonBody (small members from a JsonObject, images as
 * base64, data URLs or {"image_url": …}). rp_request_body_open() streams it with the
 * exact length rp_request_body_get_length() promised; the HTTP engine sends that stream
 * with rp_http_send_async() and counts what it wrote for progress.
 *
 * Receiving. Feed a JSON body chunk by chunk to an RpImagesReader whose sink function
 * opens a file per image in the journal; check rp_images_reader_get_api_error() after
 * finishing. For `text/event-stream`, put an RpSseParser in streaming mode: its data
 * function feeds a fresh RpImagesReader per event and its event function finishes it
 * (`[DONE]` ends the stream). A raw image body goes straight to a file; identify it with
 * rp_transport_sniff_file(). Waits come from rp_retry_delay_from_headers().
 *
 * Each piece caps what it holds in memory and reports cuts, malformed input and oversized
 * fields as RP_TRANSPORT_ERROR. */

/* The error domain of the transport pieces: request bodies, the SSE parser and the
 * ImagesResponse reader. I/O failures keep their G_IO_ERROR codes. */
#define RP_TRANSPORT_ERROR (rp_transport_error_quark ())

/**
 * RpTransportError:
 * @RP_TRANSPORT_ERROR_MALFORMED: the bytes break the grammar of their format (JSON, SSE)
 * @RP_TRANSPORT_ERROR_TRUNCATED: the input ended inside a value or an event
 * @RP_TRANSPORT_ERROR_TOO_LARGE: a size cap was exceeded
 * @RP_TRANSPORT_ERROR_INVALID_BASE64: an image string is not valid base64
 * @RP_TRANSPORT_ERROR_UNEXPECTED: valid JSON of the wrong shape
 * @RP_TRANSPORT_ERROR_FILE_CHANGED: a file changed size after its request body was planned
 * @RP_TRANSPORT_ERROR_NOT_AN_IMAGE: received bytes are not an image format Repaint knows
 */
typedef enum {
  RP_TRANSPORT_ERROR_MALFORMED,
  RP_TRANSPORT_ERROR_TRUNCATED,
  RP_TRANSPORT_ERROR_TOO_LARGE,
  RP_TRANSPORT_ERROR_INVALID_BASE64,
  RP_TRANSPORT_ERROR_UNEXPECTED,
  RP_TRANSPORT_ERROR_FILE_CHANGED,
  RP_TRANSPORT_ERROR_NOT_AN_IMAGE,
} RpTransportError;

/* How many leading bytes rp_transport_sniff_image() looks at. */
#define RP_TRANSPORT_SNIFF_BYTES 32

GQuark        rp_transport_error_quark (void);

RpImageFormat rp_transport_sniff_image (const guint8  *head,
                                        gsize          len,
                                        const char    *content_type,
                                        GError       **error);
RpImageFormat rp_transport_sniff_file  (GFile         *file,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_END_DECLS
