/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rp-images-reader.h"
#include "rp-request-body.h"
#include "rp-service-private.h"
#include "rp-sse-parser.h"
#include "rp-transport.h"

G_BEGIN_DECLS

/* Shared by the two halves of the HTTP engine: rp-http-backend.c (the request, attempts,
 * retries, error replies) and rp-http-response.c (reading every kind of reply). */

typedef struct _RpHttpRequest RpHttpRequest;
typedef void (*RpHttpFunc) (RpHttpRequest *req);

/* One result waiting to be handed over, in reply order: a finished .part file, or a URL
 * still to be downloaded into one. */
typedef struct
{
  GFile      *part;
  char       *url;
  JsonObject *meta;
} RpOutItem;

typedef enum {
  RP_READ_NONE,
  RP_READ_ERROR,      /* an error reply, kept whole up to a cap */
  RP_READ_JSON,       /* an ImagesResponse, decoded while it arrives */
  RP_READ_SSE,        /* server-sent events */
  RP_READ_RAW,        /* the body is the image */
  RP_READ_SUBMIT,     /* an async task's submit reply */
  RP_READ_POLL,       /* an async task's status */
  RP_READ_DOWNLOAD,   /* a result URL */
} RpReadMode;

typedef struct
{
  RpReadMode      mode;
  GByteArray     *buffer;
  gsize           buffer_cap;
  RpImagesReader *reader;
  GPtrArray      *parts;        /* GFile per image index of the reader (or NULL) */
  RpSseParser    *sse;
  int             event_kind;
  gboolean        sse_done;
  guint           n_partials;
  GOutputStream  *out;
  GFile          *part;
  guint8          head[RP_TRANSPORT_SNIFF_BYTES];
  gsize           head_len;
  gboolean        sniffed;
  guint           redirects;
  gboolean        keyless;      /* a download hop left the provider's origin */
} RpHttpReading;

/* One HTTP message and everything tied to it. */
typedef struct
{
  SoupMessage    *msg;
  GCancellable   *attempt_cancel;   /* cancelled by the job, the watchdog or the next attempt */
  gulong          job_cancel_id;
  guint           watchdog;
  gboolean        timed_out;
  gboolean        connected;
  gboolean        upload_done;
  gint64          sent;
  gint64          last_progress_us; /* last upload progress passed on */
  gint64          last_io_us;       /* last byte either way, for the watchdog */
  GInputStream   *stream;
  guint           status;
  gint64          received;
  gint64          content_length;   /* -1 when the reply did not say */
} RpHttpExchange;

struct _RpHttpRequest
{
  RpHttpBackend         *backend;
  RpEditRun             *run;          /* valid until the task returns */
  GTask                 *task;         /* borrowed: every pending operation holds a ref */
  GCancellable          *cancellable;  /* the job's */
  RpProvider            *provider;
  RpParams              *params;
  const RpResponseSpec  *response;
  const char            *method;
  char                  *url;          /* without the key: fine to log */
  char                  *url_with_key;
  char                  *base_url;
  char                  *origin;
  char                  *auth_value;   /* "Bearer sk-…": wiped on free */
  RpRequestBody         *body;
  gint64                 body_length;
  gint64                 max_response_bytes;
  guint                  attempt;
  gboolean               over;

  RpHttpExchange         ex;
  RpHttpReading          rd;

  /* Results. */
  GQueue                 outputs;      /* RpOutItem */
  guint                  part_serial;
  gboolean               stream_done;
  gboolean               downloading;
  JsonObject            *reply_meta;
  JsonNode              *usage;

  /* Async tasks. */
  char                  *task_id;
  char                  *poll_url;
  gint64                 poll_deadline_us;
  double                 poll_interval_s;
  guint                  poll_failures;
  guint                  poll_redirects;   /* of the status request under way */

  GPtrArray             *wait_sources;
  RpHttpFunc             wait_func;
};

SoupSession *rp_http_backend_get_session    (RpHttpBackend *self);

gboolean     rp_http_request_is_over        (RpHttpRequest *req);
void         rp_http_request_fail           (RpHttpRequest *req,
                                             GError        *error);
void         rp_http_request_fail_kind      (RpHttpRequest *req,
                                             RpJobError     kind,
                                             const char    *provider_message,
                                             guint          status,
                                             const char    *code,
                                             const char    *next_step,
                                             const char    *format,
                                             ...) G_GNUC_PRINTF (7, 8);
void         rp_http_request_succeed        (RpHttpRequest *req);
const char  *rp_http_request_provider_name  (RpHttpRequest *req);
gboolean     rp_http_request_same_origin    (RpHttpRequest *req,
                                             const char    *url);
char        *rp_http_request_authorize      (RpHttpRequest *req,
                                             SoupMessage   *msg,
                                             const char    *url);
void         rp_http_request_wait           (RpHttpRequest *req,
                                             double         seconds,
                                             RpHttpFunc     func);
gboolean     rp_http_request_retry_unsent   (RpHttpRequest *req);
void         rp_http_request_handle_error   (RpHttpRequest *req,
                                             guint          status,
                                             JsonNode      *body,
                                             const char    *raw_text,
                                             gboolean       may_retry);

SoupMessage *rp_http_exchange_begin         (RpHttpRequest *req,
                                             const char    *method,
                                             const char    *url,
                                             gboolean       with_key);
void         rp_http_exchange_clear         (RpHttpRequest *req);
void         rp_http_exchange_progress      (RpHttpRequest *req);
void         rp_http_exchange_fail_io       (RpHttpRequest *req,
                                             const GError  *error,
                                             gboolean       replied);

char        *rp_http_lookup_text            (JsonNode      *root,
                                             char         **paths);
char        *rp_http_text_excerpt          (const char    *data,
                                             gsize          len);
JsonNode    *rp_http_parse_json             (const char    *data,
                                             gsize          len);

/* rp-http-response.c */
void         rp_http_response_begin         (RpHttpRequest *req);
void         rp_http_reading_clear          (RpHttpRequest *req);

G_END_DECLS
