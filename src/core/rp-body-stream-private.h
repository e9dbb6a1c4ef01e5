/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rp-body-stream.h"

G_BEGIN_DECLS

/* A request body is planned as a list of segments whose lengths are known before a byte
 * is read, so Content-Length is exact and the files are only opened while they stream. */
typedef enum {
  RP_BODY_SEGMENT_BYTES,        /* literal bytes held in memory (headers, small fields) */
  RP_BODY_SEGMENT_FILE,         /* a file's bytes, unchanged */
  RP_BODY_SEGMENT_BASE64_FILE,  /* a file's bytes as base64 without line breaks */
} RpBodySegmentKind;

typedef struct
{
  RpBodySegmentKind  kind;
  GBytes            *bytes;
  GFile             *file;
  goffset            file_size;  /* what the file measured when planned; reading checks it */
  goffset            length;     /* bytes this segment adds to the body */
} RpBodySegment;

RpBodySegment *rp_body_segment_new_bytes (GBytes            *bytes);
RpBodySegment *rp_body_segment_new_file  (RpBodySegmentKind  kind,
                                          GFile             *file,
                                          goffset            file_size);
void           rp_body_segment_free      (RpBodySegment     *segment);

/* Length of the unbroken base64 text of @n bytes, padding included. */
static inline goffset
rp_body_base64_length (goffset n)
{
  return ((n + 2) / 3) * 4;
}

/* @segments: (element-type RpBodySegment): shared with other streams and never changed
 * again; the stream takes a reference. */
RpBodyStream  *rp_body_stream_new        (GPtrArray         *segments);

G_END_DECLS
