/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A push tokenizer for JSON (RFC 8259): bytes go in as they arrive, split anywhere;
 * tokens come out through a callback. String values are delivered in pieces, already
 * unescaped and checked to be UTF-8, so a string of any length passes through in
 * constant memory. Member names and numbers are small and delivered whole (capped). */

#define RP_JSON_MAX_DEPTH        64
#define RP_JSON_MAX_NUMBER_CHARS 64

typedef enum {
  RP_JSON_TOKEN_BEGIN_OBJECT,
  RP_JSON_TOKEN_END_OBJECT,
  RP_JSON_TOKEN_BEGIN_ARRAY,
  RP_JSON_TOKEN_END_ARRAY,
  RP_JSON_TOKEN_KEY,           /* text: the complete member name */
  RP_JSON_TOKEN_STRING_BEGIN,
  RP_JSON_TOKEN_STRING_CHUNK,  /* text: the next unescaped bytes of a string value */
  RP_JSON_TOKEN_STRING_END,
  RP_JSON_TOKEN_NUMBER,        /* text: the number as written, grammar already checked */
  RP_JSON_TOKEN_TRUE,
  RP_JSON_TOKEN_FALSE,
  RP_JSON_TOKEN_NULL,
} RpJsonToken;

typedef gboolean (*RpJsonTokenFunc) (RpJsonToken   token,
                                     const char   *text,
                                     gsize         len,
                                     gpointer      user_data,
                                     GError      **error);

typedef struct
{
  /*< private >*/
  RpJsonTokenFunc  func;
  gpointer         user_data;
  gsize            max_key_bytes;

  int              state;
  int              resume_state;   /* where a finished literal or number continues */
  guint8           stack[RP_JSON_MAX_DEPTH];
  guint            depth;

  gboolean         in_key;
  GString         *key;
  guint            utf8_need;
  guint8           utf8_lo;
  guint8           utf8_hi;
  guint32          unicode;
  guint            unicode_digits;
  guint32          high_surrogate;

  char             number[RP_JSON_MAX_NUMBER_CHARS + 1];
  gsize            number_len;
  int              number_state;

  const char      *literal;
  gsize            literal_pos;
  RpJsonToken      literal_token;

  guint64          offset;
  gboolean         failed;
} RpJsonTokenizer;

void     rp_json_tokenizer_init   (RpJsonTokenizer  *tok,
                                   gsize             max_key_bytes,
                                   RpJsonTokenFunc   func,
                                   gpointer          user_data);
void     rp_json_tokenizer_clear  (RpJsonTokenizer  *tok);
gboolean rp_json_tokenizer_feed   (RpJsonTokenizer  *tok,
                                   const char       *data,
                                   gsize             len,
                                   GError          **error);
/* Fails with RP_TRANSPORT_ERROR_TRUNCATED unless one complete value was read. */
gboolean rp_json_tokenizer_finish (RpJsonTokenizer  *tok,
                                   GError          **error);
/* Whether nothing but whitespace has been fed. */
gboolean rp_json_tokenizer_is_empty (RpJsonTokenizer *tok);

G_END_DECLS
