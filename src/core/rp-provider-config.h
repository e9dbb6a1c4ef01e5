/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the HTTP engine needs to know about a provider besides the request itself. These are
 * plain read-only records owned by the #RpProvider they came from; every field was checked
 * when the definition loaded. Zero means "no limit" for sizes. */

/**
 * RpAuthLocation:
 * @RP_AUTH_HEADER: the key goes in a request header
 * @RP_AUTH_QUERY: the key goes in a URL query parameter
 * @RP_AUTH_NONE: the provider takes no key
 */
typedef enum {
  RP_AUTH_HEADER,
  RP_AUTH_QUERY,
  RP_AUTH_NONE,
} RpAuthLocation;

typedef struct
{
  RpAuthLocation  location;
  char           *name;     /* "Authorization" */
  char           *format;   /* "Bearer {key}": {key} is replaced by the key */
} RpAuthSpec;

typedef struct
{
  double  connect_timeout_s;
  double  read_timeout_s;
  gint64  max_request_bytes;
  gint64  max_response_bytes;
} RpHttpConfig;

/**
 * RpResetFormat:
 * @RP_RESET_DURATION: "6m0s", "1.5s" (OpenAI)
 * @RP_RESET_UNIX: a Unix timestamp in seconds (Venice)
 * @RP_RESET_SECONDS: a number of seconds
 */
typedef enum {
  RP_RESET_DURATION,
  RP_RESET_UNIX,
  RP_RESET_SECONDS,
} RpResetFormat;

typedef struct
{
  char          *name;
  RpResetFormat  format;
} RpResetHeader;

typedef struct
{
  int           *statuses;          /* HTTP statuses worth another attempt */
  guint          n_statuses;
  guint          max_retries;
  double         initial_backoff_s;
  double         max_backoff_s;
  double         max_wait_s;        /* a longer Retry-After means give up */
  char         **honor_headers;     /* "retry-after-ms", "retry-after", "x-should-retry" */
  RpResetHeader *reset_headers;
  guint          n_reset_headers;
  char         **never_codes;       /* provider error codes that are never retried */
  gboolean       retry_connect_failures;
} RpRetryPolicy;

/**
 * RpErrorKind:
 * @RP_ERROR_KIND_UNKNOWN: nothing matched
 * @RP_ERROR_KIND_INVALID: the request was wrong; do not retry
 * @RP_ERROR_KIND_AUTH: the key is missing, wrong or not allowed
 * @RP_ERROR_KIND_QUOTA: out of credit; never retried
 * @RP_ERROR_KIND_RATE_LIMIT: too many requests; wait and retry
 * @RP_ERROR_KIND_MODERATION: refused by a content filter; change the prompt or image
 * @RP_ERROR_KIND_TRANSIENT: a server hiccup
 * @RP_ERROR_KIND_NOT_FOUND: unknown model or path
 */
typedef enum {
  RP_ERROR_KIND_UNKNOWN,
  RP_ERROR_KIND_INVALID,
  RP_ERROR_KIND_AUTH,
  RP_ERROR_KIND_QUOTA,
  RP_ERROR_KIND_RATE_LIMIT,
  RP_ERROR_KIND_MODERATION,
  RP_ERROR_KIND_TRANSIENT,
  RP_ERROR_KIND_NOT_FOUND,
} RpErrorKind;

/* A rule matches when every criterion it states matches (a status in @statuses, a code in
 * @codes, a type in @types, a message containing one of @message_contains). */
typedef struct
{
  RpErrorKind   kind;
  int          *statuses;
  guint         n_statuses;
  char        **codes;
  char        **types;
  char        **message_contains;
} RpErrorRule;

typedef struct
{
  char        **message_paths;      /* dotted paths into the error body, first match wins */
  char        **code_paths;
  char        **type_paths;
  char        **param_paths;
  char        **request_id_headers;
  RpErrorRule  *rules;
  guint         n_rules;
} RpErrorConfig;

RpErrorKind  rp_error_config_classify   (const RpErrorConfig *config,
                                         guint                status,
                                         const char          *code,
                                         const char          *type,
                                         const char          *message);
const char  *rp_error_kind_to_string    (RpErrorKind          kind);
gboolean     rp_retry_policy_allows     (const RpRetryPolicy *policy,
                                         guint                status,
                                         const char          *code);

G_END_DECLS
