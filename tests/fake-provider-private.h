/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fake-provider.h"

G_BEGIN_DECLS

struct _RpFakeRequest
{
  gatomicrefcount     ref_count;

  char               *method;
  char               *path;
  char               *query;          /* raw, without '?'; NULL when absent */
  GHashTable         *query_params;
  SoupMessageHeaders *headers;
  GBytes             *body;
  gboolean            body_complete;
  char               *body_error;     /* why the body did not parse, or NULL */
  GPtrArray          *parts;          /* RpFakePart */
  JsonNode           *json;
  GPtrArray          *images;         /* RpFakeImage */
  GHashTable         *fields;         /* scalar parameters, name → text */

  /* Filled in by the server before the record is published; constant afterwards. */
  RpFakeBehavior      behavior;
  guint               reply_status;
  char               *request_id;
};

/* What a route answers before transport faults (delay, drip, truncation…) apply. A body
 * is either one block or a list of chunks (server-sent events). */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  GPtrArray          *chunks;   /* GBytes, or NULL */
} RpFakeReply;

RpFakeRequest *rp_fake_request_new            (const char         *method,
                                               const char         *path,
                                               const char         *query,
                                               SoupMessageHeaders *headers,
                                               GBytes             *body,
                                               gboolean            complete);
gboolean       rp_fake_parse_multipart        (GBytes             *body,
                                               const char         *boundary,
                                               GPtrArray          *parts,
                                               char              **error);

RpFakeReply   *rp_fake_reply_new              (guint               status,
                                               const char         *content_type);
void           rp_fake_reply_free             (RpFakeReply        *reply);
void           rp_fake_reply_set_json         (RpFakeReply        *reply,
                                               JsonBuilder        *builder);
void           rp_fake_reply_set_text         (RpFakeReply        *reply,
                                               const char         *text);
GBytes        *rp_fake_reply_flatten          (RpFakeReply        *reply);

GBytes        *rp_fake_solid_image            (int                 width,
                                               int                 height,
                                               guint32             rgba,
                                               const char         *format);

typedef enum {
  RP_FAKE_DIALECT_OPENAI,
  RP_FAKE_DIALECT_VENICE,
} RpFakeDialect;

RpFakeReply   *rp_fake_error_reply            (RpFakeDialect       dialect,
                                               guint               status,
                                               const char         *message,
                                               const char         *type,
                                               const char         *code,
                                               const char         *param);
RpFakeReply   *rp_fake_fault_reply            (RpFakeDialect       dialect,
                                               const RpFakeFault  *fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpFakeReply, rp_fake_reply_free)

G_END_DECLS
