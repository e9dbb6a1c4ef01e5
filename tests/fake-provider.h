/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * RpFakeProvider: an HTTP server on 127.0.0.1 that speaks the image-edit dialects of
 * PROVIDERS.md — OpenAI `/v1/images/edits` (multipart and JSON, b64_json and url results,
 * SSE streaming), mixrouter's async tasks, and Venice's `/api/v1/image/edit`,
 * `/image/multi-edit` and `/models` — and misbehaves on demand.
 *
 * It runs in its own thread with its own main context, so tests may use blocking or
 * asynchronous clients from any thread. It parses every request for real (multipart with
 * a strict parser, JSON, embedded images decoded) and records it; it never asserts.
 * Tests read the records.
 *
 * Routes are matched on the end of the path, so any base URL prefix works:
 *   POST …/images/edits            OpenAI dialect; `?async=true` submits an async task
 *   GET  …/async/tasks/{id}        async task status (contract A)
 *   GET  …/images/tasks/{id}       the same (contract B)
 *   POST …/image/edit              Venice, JSON or multipart, raw image bytes back
 *   POST …/image/multi-edit        Venice multi-edit
 *   GET  …/models                  Venice model list (`?type=inpaint`)
 *   GET  /files/{name}             downloads for url results
 */

typedef enum {
  RP_FAKE_OK,                  /* the dialect's honest success reply */
  RP_FAKE_URL_RESULTS,         /* data[].url to /files on this server */
  RP_FAKE_FOREIGN_URL_RESULTS, /* data[].url on the foreign server (another port) */
  RP_FAKE_NOT_IMAGE_URL,       /* data[].url to a text/html page */
  RP_FAKE_EMPTY_DATA,          /* 200 with "data": [] */
  RP_FAKE_DELAY,               /* wait delay_ms before the headers, then succeed */
  RP_FAKE_DRIP,                /* success, body sent bytes at a time every delay_ms */
  RP_FAKE_RATE_LIMIT,          /* 429 rate_limit_exceeded with Retry-After: retry_after_s */
  RP_FAKE_RATE_LIMIT_MS,       /* 429 with retry-after-ms: delay_ms */
  RP_FAKE_QUOTA_429,           /* 429 insufficient_quota (OpenAI: do not retry) */
  RP_FAKE_SERVER_ERROR,        /* status (500, 502, 503, …; default 500) */
  RP_FAKE_INVALID_API_KEY,     /* 401 invalid_api_key (Venice: AUTHENTICATION_FAILED) */
  RP_FAKE_INSUFFICIENT_QUOTA,  /* 403 insufficient_quota (CrazyRouter) */
  RP_FAKE_MODERATION,          /* 400 moderation_blocked; on Venice routes 422 */
  RP_FAKE_PAYMENT_REQUIRED,    /* Venice 402 INSUFFICIENT_BALANCE */
  RP_FAKE_CONTENT_FLAGGED,     /* Venice 200 with x-venice-is-content-violation: true */
  RP_FAKE_INVALID_JSON,        /* 200 application/json that does not parse */
  RP_FAKE_TRUNCATED,           /* Content-Length promises more than is sent, then close */
  RP_FAKE_STALL,               /* read the request, never answer */
  RP_FAKE_SSE_CUT,             /* stream: a partial event, half an event, then close */
  RP_FAKE_SSE_ERROR,           /* stream: a partial event, then an error event */
  RP_FAKE_RESET_UPLOAD,        /* reset the connection after `bytes` of the request body */
  RP_FAKE_REDIRECT,            /* status (default 307) to location (default: same path
                                * with ?redirected=1) */
  RP_FAKE_ASYNC_FAIL,          /* async submit succeeds, the task ends failed */
  RP_FAKE_ASYNC_TASK_ID_ONLY,  /* async submit answers {"task_id"} only (contract B) */
  RP_FAKE_RESET_REPLY,         /* the reply's headers (with its true Content-Length) and
                                * `bytes` of its body (0: half), then a reset */
  RP_FAKE_SSE_EMPTY,           /* stream: the event-stream headers, then close before any
                                * event */
  RP_FAKE_HUGE_LENGTH,         /* the reply claims a Content-Length of `bytes` (0: 2 GiB),
                                * sends its real (small) body and closes; with `status`, an
                                * error reply of that status */
  RP_FAKE_HUGE_BODY,           /* the reply's body followed by spaces up to `bytes` (0:
                                * 100 MiB) in all, without a Content-Length, generated as it
                                * is sent (never held in memory); with `status`, an error
                                * reply of that status, so the JSON still parses whole */
  RP_FAKE_HUGE_ERROR_MESSAGE,  /* `status` (0: 400) error whose message alone is `bytes`
                                * (0: 100 MiB) long, with its Content-Length, generated as
                                * it is sent: no prefix of it parses */
  RP_FAKE_BAD_UTF8,            /* `status` (0: 400) error whose message holds bytes that are
                                * not UTF-8 (a stray 0xff, a cut sequence, an overlong form) */
  RP_FAKE_BAD_SURROGATE,       /* `status` (0: 400) error whose message and code hold a lone
                                * surrogate escape (\ud800), valid JSON that decodes to
                                * bytes that are not UTF-8 */
  RP_FAKE_SSE_HUGE_LINE,       /* stream: a partial event, then one line of spaces that goes
                                * on for `bytes` (0: 100 MiB), generated as it is sent */
  RP_FAKE_SSE_LINGER,          /* stream: every event and [DONE], then the connection stays
                                * open and the body never ends */
} RpFakeBehavior;

/**
 * RpFakeFault:
 * @behavior: what to do
 * @status: HTTP status for %RP_FAKE_SERVER_ERROR, %RP_FAKE_REDIRECT and the error
 *   behaviours %RP_FAKE_HUGE_LENGTH, %RP_FAKE_HUGE_BODY, %RP_FAKE_HUGE_ERROR_MESSAGE,
 *   %RP_FAKE_BAD_UTF8, %RP_FAKE_BAD_SURROGATE (0: default)
 * @delay_ms: %RP_FAKE_DELAY, %RP_FAKE_DRIP (between pieces), %RP_FAKE_RATE_LIMIT_MS
 * @retry_after_s: %RP_FAKE_RATE_LIMIT (0: 1 s)
 * @bytes: %RP_FAKE_DRIP piece size, %RP_FAKE_RESET_UPLOAD body bytes read first,
 *   %RP_FAKE_TRUNCATED and %RP_FAKE_RESET_REPLY body bytes sent, %RP_FAKE_HUGE_LENGTH the
 *   length claimed, %RP_FAKE_HUGE_BODY, %RP_FAKE_HUGE_ERROR_MESSAGE and
 *   %RP_FAKE_SSE_HUGE_LINE the body's size (0: defaults)
 * @location: %RP_FAKE_REDIRECT target, a path on this server or an absolute URL
 */
typedef struct
{
  RpFakeBehavior  behavior;
  guint           status;
  guint           delay_ms;
  guint           retry_after_s;
  gsize           bytes;
  const char     *location;
} RpFakeFault;

/* One part of a multipart/form-data body, in order of arrival. */
typedef struct
{
  char               *name;
  char               *filename;       /* NULL for a text field */
  char               *content_type;   /* NULL when the part had none */
  GBytes             *data;
  SoupMessageHeaders *headers;
} RpFakePart;

/* An image found in a request (file part, base64 string or data URL), decoded. */
typedef struct
{
  char       *field;     /* "image", "image[]", "mask", "images", … */
  GBytes     *data;
  char       *mime_type; /* sniffed from the bytes */
  int         width;     /* -1 when it did not decode */
  int         height;
  gboolean    has_alpha;
} RpFakeImage;

typedef struct _RpFakeRequest RpFakeRequest;

RpFakeRequest      *rp_fake_request_ref              (RpFakeRequest *request);
void                rp_fake_request_unref            (RpFakeRequest *request);
const char         *rp_fake_request_get_method       (RpFakeRequest *request);
const char         *rp_fake_request_get_path         (RpFakeRequest *request);
const char         *rp_fake_request_get_query        (RpFakeRequest *request);
const char         *rp_fake_request_get_query_param  (RpFakeRequest *request,
                                                      const char    *name);
SoupMessageHeaders *rp_fake_request_get_headers      (RpFakeRequest *request);
const char         *rp_fake_request_get_header       (RpFakeRequest *request,
                                                      const char    *name);
GBytes             *rp_fake_request_get_body         (RpFakeRequest *request);
gboolean            rp_fake_request_get_body_complete (RpFakeRequest *request);
const char         *rp_fake_request_get_body_error   (RpFakeRequest *request);
guint               rp_fake_request_get_n_parts      (RpFakeRequest *request);
const RpFakePart   *rp_fake_request_get_part         (RpFakeRequest *request,
                                                      guint          index);
const RpFakePart   *rp_fake_request_find_part        (RpFakeRequest *request,
                                                      const char    *name,
                                                      guint          nth);
const char         *rp_fake_request_get_field        (RpFakeRequest *request,
                                                      const char    *name);
JsonNode           *rp_fake_request_get_json         (RpFakeRequest *request);
guint               rp_fake_request_get_n_images     (RpFakeRequest *request);
const RpFakeImage  *rp_fake_request_get_image        (RpFakeRequest *request,
                                                      guint          index);
RpFakeBehavior      rp_fake_request_get_behavior     (RpFakeRequest *request);
guint               rp_fake_request_get_reply_status (RpFakeRequest *request);
const char         *rp_fake_request_get_request_id   (RpFakeRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RpFakeRequest, rp_fake_request_unref)

#define RP_TYPE_FAKE_PROVIDER (rp_fake_provider_get_type ())
G_DECLARE_FINAL_TYPE (RpFakeProvider, rp_fake_provider, RP, FAKE_PROVIDER, GObject)

RpFakeProvider *rp_fake_provider_new              (void);
RpFakeProvider *rp_fake_provider_new_on_port      (guint16          port,
                                                   GError         **error);
const char     *rp_fake_provider_get_url          (RpFakeProvider  *self);
char           *rp_fake_provider_url              (RpFakeProvider  *self,
                                                   const char      *path);
guint16         rp_fake_provider_get_port         (RpFakeProvider  *self);
RpFakeProvider *rp_fake_provider_get_foreign      (RpFakeProvider  *self);

void            rp_fake_provider_push_fault       (RpFakeProvider    *self,
                                                   const char        *route,
                                                   const RpFakeFault *fault);
void            rp_fake_provider_push             (RpFakeProvider    *self,
                                                   const char        *route,
                                                   RpFakeBehavior     behavior);
void            rp_fake_provider_set_default      (RpFakeProvider    *self,
                                                   const char        *route,
                                                   const RpFakeFault *fault);
void            rp_fake_provider_reset            (RpFakeProvider    *self);

void            rp_fake_provider_set_result_color (RpFakeProvider  *self,
                                                   guint32          rgba);
void            rp_fake_provider_set_result_size  (RpFakeProvider  *self,
                                                   int              width,
                                                   int              height);
void            rp_fake_provider_set_sse_interval (RpFakeProvider  *self,
                                                   guint            interval_ms);
void            rp_fake_provider_set_async_polls  (RpFakeProvider  *self,
                                                   guint            queued_polls,
                                                   guint            running_polls);
char           *rp_fake_provider_add_file         (RpFakeProvider  *self,
                                                   const char      *name,
                                                   GBytes          *data,
                                                   const char      *content_type);

guint           rp_fake_provider_get_n_requests   (RpFakeProvider  *self);
RpFakeRequest  *rp_fake_provider_get_request      (RpFakeProvider  *self,
                                                   guint            index);
RpFakeRequest  *rp_fake_provider_wait_request     (RpFakeProvider  *self,
                                                   guint            index,
                                                   guint            timeout_ms);
void            rp_fake_provider_clear_requests   (RpFakeProvider  *self);
void            rp_fake_provider_set_log          (RpFakeProvider  *self,
                                                   gboolean         log);

/**
 * RpFakeRequestHook:
 * @method: the request's method
 * @path: its path
 * @user_data: the data given with the hook
 *
 * Called in the server's thread as soon as a request's headers arrive, before its body is
 * read: a test can look at the world as it is when the first byte reaches the server
 * (for example, that a journal entry is already on disk).
 */
typedef void (*RpFakeRequestHook) (const char *method,
                                   const char *path,
                                   gpointer    user_data);

void            rp_fake_provider_set_request_hook (RpFakeProvider    *self,
                                                   RpFakeRequestHook  hook,
                                                   gpointer           user_data);

/**
 * RpFakeEvent:
 * @RP_FAKE_EVENT_HEADERS: a request's headers arrived; its body is not read yet
 * @RP_FAKE_EVENT_BODY: a piece of a request's body arrived; `bytes` is how much so far
 * @RP_FAKE_EVENT_ANSWER: the whole request is in and its reply is about to go out
 * @RP_FAKE_EVENT_REPLY: a piece of a paced reply (a stream, %RP_FAKE_DRIP) went out;
 *   `bytes` is how much of the body so far
 *
 * The moments of an exchange at which an event hook is called.
 */
typedef enum {
  RP_FAKE_EVENT_HEADERS,
  RP_FAKE_EVENT_BODY,
  RP_FAKE_EVENT_ANSWER,
  RP_FAKE_EVENT_REPLY,
} RpFakeEvent;

/**
 * RpFakeEventHook:
 *
 * Called in the server's thread at each #RpFakeEvent of every exchange, so that a test
 * can act at a precise moment (a crash test kills its client there).
 */
typedef void (*RpFakeEventHook) (RpFakeEvent  event,
                                 const char  *method,
                                 const char  *path,
                                 gsize        bytes,
                                 gpointer     user_data);

void            rp_fake_provider_set_event_hook   (RpFakeProvider    *self,
                                                   RpFakeEventHook    hook,
                                                   gpointer           user_data);

const char     *rp_fake_behavior_to_string        (RpFakeBehavior   behavior);
gboolean        rp_fake_behavior_from_string      (const char      *name,
                                                   RpFakeBehavior  *behavior);

G_END_DECLS
