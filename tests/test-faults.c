/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fake-provider-private.h"
#include "rp-test-service.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

/* Faults injected by the fake provider, each run as a whole edit through RpService. Every
 * one must end — in time, with the short timeouts set here — in a clear error of the right
 * kind (or a result), with memory bounded, and with the journal entry kept: its inputs on
 * disk, its status final, no half-written file left, readable by a fresh load. */

/* A fake key: compared, never printed. */
#define TEST_KEY "sk-test-faults-3c5e7a9b1d2f4e6a8c0b"

/* Generous: a reply held whole would take 100 MiB, a believed 2 GiB length far more. */
#define MEMORY_BOUND_KB      (48 * 1024)
/* Messages a person reads: a sentence, not a dump. */
#define MESSAGE_MAX_CHARS    300
#define PROVIDER_MAX_CHARS   2000
/* More than a reply that only lists result URLs. */
#define CANCEL_AFTER_BYTES   1024

/* OpenAI with every reply capped at 8 MiB. */
#define OPENAI_CAPPED \
  "{\"id\":\"openai\",\"extends\":\"openai\",\"http\":{\"max_response_bytes\":8388608}}"
#define MIXROUTER_FAST \
  "{\"id\":\"mixrouter\",\"extends\":\"mixrouter\",\"operations\":{\"edit\":{\"responses\":" \
  "{\"async\":{\"poll\":{\"interval_s\":0.1,\"timeout_s\":30}}}}}}"
#define VENICE_CAPPED \
  "{\"id\":\"venice\",\"extends\":\"venice\",\"http\":{\"max_response_bytes\":8388608}}"
#define CRAZYROUTER_CAPPED \
  "{\"id\":\"crazyrouter\",\"extends\":\"crazyrouter\",\"http\":{\"max_response_bytes\":8388608}}"

typedef enum {
  EXPECT_PROVIDER_MESSAGE = 1 << 0,  /* the provider's words are kept */
  EXPECT_NO_PROVIDER_MESSAGE = 1 << 1,
  EVERY_ATTEMPT = 1 << 2,            /* the fault answers every request, not just the first */
  STREAM = 1 << 3,                   /* ask for server-sent events */
  BIG_UPLOAD = 1 << 4,               /* a reference too large for loopback to swallow at once */
  SUCCEEDS = 1 << 5,
  CANCEL_RECEIVING = 1 << 6,         /* the person cancels after CANCEL_AFTER_BYTES of replies */
  TO_FOREIGN = 1 << 7,               /* the redirect points at the foreign host, which must
                                      * see nothing */
  ASYNC = 1 << 8,                    /* ask for an async task */
} CaseFlags;

typedef struct
{
  const char  *name;
  const char  *provider;
  const char  *model;
  const char  *route;            /* where the fault goes */
  RpFakeFault  fault;
  RpFakeFault  download;         /* a fault for the result download (".png"), if any */
  const char  *definition;       /* a user definition loaded first, or NULL */
  double       read_timeout_s;   /* 0: the service's default */
  CaseFlags    flags;
  RpJobError   kind;
  guint        n_requests;       /* requests the fake sees in all (0: not checked) */
  const char  *provider_words;   /* part of the provider's message, or NULL */
} FaultCase;

#define OPENAI "openai", "gpt-image-1.5", "/images/edits"
#define VENICE "venice", "firered-image-edit", "/image/edit"
#define CRAZY  "crazyrouter", "gpt-image-2", "/images/edits"
#define URLS   { RP_FAKE_URL_RESULTS }
#define MIXROUTER "mixrouter", "gpt-image-1.5", "/async/tasks/"

static const FaultCase fault_cases[] = {
  /* The connection breaks. */
  { "reset-upload-every-attempt", OPENAI, { RP_FAKE_RESET_UPLOAD, .bytes = 64 * 1024 }, { 0 }, NULL, 0,
    EVERY_ATTEMPT | BIG_UPLOAD, RP_JOB_ERROR_NETWORK, 3, NULL },
  { "reset-reply", OPENAI, { RP_FAKE_RESET_REPLY }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "reset-reply-venice", VENICE, { RP_FAKE_RESET_REPLY }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "reset-reply-at-once", OPENAI, { RP_FAKE_RESET_REPLY, .bytes = 1 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "reset-reply-stream", OPENAI, { RP_FAKE_RESET_REPLY }, { 0 }, NULL, 0,
    STREAM, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "reset-download", CRAZY, URLS, { RP_FAKE_RESET_REPLY }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 2, NULL },
  { "truncated", OPENAI, { RP_FAKE_TRUNCATED }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  /* Streams that end early. */
  { "sse-cut", OPENAI, { RP_FAKE_SSE_CUT }, { 0 }, NULL, 0,
    STREAM, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "sse-empty", OPENAI, { RP_FAKE_SSE_EMPTY }, { 0 }, NULL, 0,
    STREAM, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  /* [DONE] ends a stream even when the connection stays open. */
  { "sse-linger", OPENAI, { RP_FAKE_SSE_LINGER }, { 0 }, NULL, 0.5,
    STREAM | SUCCEEDS, 0, 1, NULL },
  /* Cancelled halfway through a reply: silent, and nothing half-written stays. */
  { "cancel-receiving", OPENAI, { RP_FAKE_DRIP, .delay_ms = 20, .bytes = 256 }, { 0 }, NULL, 0,
    CANCEL_RECEIVING, 0, 1, NULL },
  { "cancel-receiving-stream", OPENAI, { RP_FAKE_DRIP, .delay_ms = 20, .bytes = 256 }, { 0 }, NULL, 0,
    STREAM | CANCEL_RECEIVING, 0, 1, NULL },
  { "cancel-receiving-huge", OPENAI, { RP_FAKE_HUGE_BODY }, { 0 }, NULL, 0,
    CANCEL_RECEIVING, 0, 1, NULL },
  { "cancel-downloading", CRAZY, URLS, { RP_FAKE_DRIP, .delay_ms = 20, .bytes = 256 }, NULL, 0,
    CANCEL_RECEIVING, 0, 2, NULL },
  /* Slow replies: fine while bytes keep coming, a timeout when they stop too long. */
  { "drip-completes", OPENAI, { RP_FAKE_DRIP, .delay_ms = 20, .bytes = 256 }, { 0 }, NULL, 1.0,
    SUCCEEDS, 0, 1, NULL },
  { "drip-completes-stream", OPENAI, { RP_FAKE_DRIP, .delay_ms = 20, .bytes = 256 }, { 0 }, NULL, 1.0,
    STREAM | SUCCEEDS, 0, 1, NULL },
  { "drip-times-out", OPENAI, { RP_FAKE_DRIP, .delay_ms = 3000, .bytes = 256 }, { 0 }, NULL, 0.3,
    0, RP_JOB_ERROR_TIMEOUT, 1, NULL },
  { "drip-times-out-stream", OPENAI, { RP_FAKE_DRIP, .delay_ms = 3000, .bytes = 256 }, { 0 }, NULL, 0.3,
    STREAM, RP_JOB_ERROR_TIMEOUT, 1, NULL },
  { "stall-download", CRAZY, URLS, { RP_FAKE_STALL }, NULL, 0.3,
    0, RP_JOB_ERROR_TIMEOUT, 2, NULL },
  /* Sizes that lie or are too large. */
  { "huge-length", OPENAI, { RP_FAKE_HUGE_LENGTH }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "huge-length-venice", VENICE, { RP_FAKE_HUGE_LENGTH }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "huge-length-download", CRAZY, URLS, { RP_FAKE_HUGE_LENGTH }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 2, NULL },
  { "huge-length-error", OPENAI, { RP_FAKE_HUGE_LENGTH, .status = 400 }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "too large to process" },
  { "huge-body-over-cap", OPENAI, { RP_FAKE_HUGE_BODY }, { 0 }, OPENAI_CAPPED, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "huge-body-over-cap-venice", VENICE, { RP_FAKE_HUGE_BODY }, { 0 }, VENICE_CAPPED, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "sse-huge-line", OPENAI, { RP_FAKE_SSE_HUGE_LINE }, { 0 }, NULL, 0,
    STREAM, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "huge-download-over-cap", CRAZY, URLS, { RP_FAKE_HUGE_BODY }, CRAZYROUTER_CAPPED, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 2, NULL },
  /* Error replies of 100 MiB: their start is enough. */
  { "huge-error", OPENAI, { RP_FAKE_HUGE_BODY, .status = 400 }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "too large to process" },
  { "huge-error-over-cap", OPENAI, { RP_FAKE_HUGE_BODY, .status = 400 }, { 0 }, OPENAI_CAPPED, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "too large to process" },
  { "huge-error-venice", VENICE, { RP_FAKE_HUGE_BODY, .status = 413 }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "too large to process" },
  { "huge-error-message", OPENAI, { RP_FAKE_HUGE_ERROR_MESSAGE }, { 0 }, NULL, 0,
    EXPECT_NO_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, NULL },
  { "huge-error-message-503", OPENAI, { RP_FAKE_HUGE_ERROR_MESSAGE, .status = 503 }, { 0 }, NULL, 0,
    EXPECT_NO_PROVIDER_MESSAGE | EVERY_ATTEMPT, RP_JOB_ERROR_SERVER, 3, NULL },
  /* Text that is not UTF-8. */
  { "bad-utf8", OPENAI, { RP_FAKE_BAD_UTF8 }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "The image is broken" },
  { "bad-surrogate", OPENAI, { RP_FAKE_BAD_SURROGATE }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "The image is broken" },
  { "bad-utf8-venice", VENICE, { RP_FAKE_BAD_UTF8 }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "The image is broken" },
  { "bad-surrogate-venice", VENICE, { RP_FAKE_BAD_SURROGATE }, { 0 }, NULL, 0,
    EXPECT_PROVIDER_MESSAGE, RP_JOB_ERROR_INVALID, 1, "The image is broken" },
  { "bad-utf8-in-success", OPENAI, { RP_FAKE_BAD_UTF8, .status = 200 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  { "bad-surrogate-in-success", OPENAI, { RP_FAKE_BAD_SURROGATE, .status = 200 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_BAD_RESPONSE, 1, NULL },
  /* Redirects of the edit itself: never followed, so never sent twice nor elsewhere. */
  { "redirect-301", OPENAI, { RP_FAKE_REDIRECT, .status = 301 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_INVALID, 1, NULL },
  { "redirect-302", OPENAI, { RP_FAKE_REDIRECT, .status = 302 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_INVALID, 1, NULL },
  { "redirect-303", OPENAI, { RP_FAKE_REDIRECT, .status = 303 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_INVALID, 1, NULL },
  { "redirect-308", OPENAI, { RP_FAKE_REDIRECT, .status = 308 }, { 0 }, NULL, 0,
    0, RP_JOB_ERROR_INVALID, 1, NULL },
  { "redirect-loop", OPENAI, { RP_FAKE_REDIRECT, .status = 307, .location = "/v1/images/edits" },
    { 0 }, NULL, 0, EVERY_ATTEMPT, RP_JOB_ERROR_INVALID, 1, NULL },
  { "redirect-file", OPENAI, { RP_FAKE_REDIRECT, .status = 302, .location = "file:///etc/passwd" },
    { 0 }, NULL, 0, 0, RP_JOB_ERROR_INVALID, 1, NULL },
  { "redirect-foreign", OPENAI, { RP_FAKE_REDIRECT, .status = 307 }, { 0 }, NULL, 0,
    TO_FOREIGN, RP_JOB_ERROR_INVALID, 1, NULL },
  /* An async task's status is asked again where a redirect says, on the provider's own
   * address only: elsewhere the key would have to go along. */
  { "redirect-poll", MIXROUTER, { RP_FAKE_REDIRECT, .status = 302 }, { 0 }, MIXROUTER_FAST, 0,
    ASYNC | SUCCEEDS, 0, 0, NULL },
  { "redirect-poll-loop", MIXROUTER, { RP_FAKE_REDIRECT, .status = 307 }, { 0 }, MIXROUTER_FAST, 0,
    ASYNC | EVERY_ATTEMPT, RP_JOB_ERROR_BAD_RESPONSE, 7, NULL },
  { "redirect-poll-foreign", MIXROUTER, { RP_FAKE_REDIRECT, .status = 302 }, { 0 }, MIXROUTER_FAST, 0,
    ASYNC | EVERY_ATTEMPT | TO_FOREIGN, RP_JOB_ERROR_BAD_RESPONSE, 2, NULL },
  /* Redirects of a result download: followed a few times, over http(s) only. */
  { "download-redirect-loop", CRAZY, URLS, { RP_FAKE_REDIRECT, .status = 302 }, NULL, 0,
    EVERY_ATTEMPT, RP_JOB_ERROR_BAD_RESPONSE, 7, NULL },
  { "download-redirect-file", CRAZY, URLS, { RP_FAKE_REDIRECT, .status = 302, .location = "file:///etc/passwd" },
    NULL, 0, 0, RP_JOB_ERROR_BAD_RESPONSE, 2, NULL },
};

typedef struct
{
  RpTestService t;
  gboolean      measured;
  gsize         rss_before_kb;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  rp_test_service_init (&f->t, TEST_KEY);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rp_test_service_clear (&f->t);
}

/* ---- Checks ----------------------------------------------------------------------------- */

static void
measure_begin (Fixture *f)
{
  f->measured = rp_test_reset_peak_rss ();
  f->rss_before_kb = rp_test_current_rss_kb ();
}

static void
assert_memory_bounded (Fixture *f)
{
  gsize peak = rp_test_peak_rss_kb ();
  gsize growth = peak > f->rss_before_kb ? peak - f->rss_before_kb : 0;

  if (!f->measured)
    {
      g_test_message ("peak memory cannot be measured here");
      return;
    }
  g_test_message ("peak memory above the start: %" G_GSIZE_FORMAT " kB", growth);
  g_assert_cmpuint (growth, <, MEMORY_BOUND_KB);
}

static char *
file_text (GFile *file)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_load_contents (file, NULL, &data, NULL, NULL, &error);
  g_assert_no_error (error);
  return data;
}

static guint
count_parts (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                    0, NULL, NULL);
  GFileInfo *info;
  guint n = 0;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      if (g_str_has_suffix (g_file_info_get_name (info), ".part"))
        n++;
      g_object_unref (info);
    }
  return n;
}

/* A message a person can read: valid UTF-8, one short sentence, no markup or JSON. */
static void
assert_readable (const char *text,
                 gsize       max_chars)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (text, -1), >, 0);
  g_assert_cmpuint (g_utf8_strlen (text, -1), <=, max_chars);
  g_assert_null (strchr (text, '{'));
  g_assert_null (strchr (text, '<'));
  g_assert_null (strstr (text, TEST_KEY));
}

/* The entry of a failed job: final, its inputs whole, nothing half-written, and the same
 * after a fresh load (as the next start of the app would see it). */
static void
assert_journal_kept (Fixture        *f,
                     RpJob          *job,
                     RpHistoryStatus status)
{
  RpHistoryEntry *entry = rp_job_get_entry (job);
  g_autoptr(GFile) dir = g_file_new_for_path (f->t.history_dir);
  g_autoptr(RpHistory) fresh = rp_history_new (dir);
  g_autoptr(GFile) meta = NULL;
  g_autofree char *meta_text = NULL;
  g_autoptr(GError) error = NULL;
  RpHistoryEntry *reloaded;

  g_assert_nonnull (entry);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, status);
  g_assert_cmpuint (rp_history_entry_get_n_inputs (entry), >, 0);
  for (guint i = 0; i < rp_history_entry_get_n_inputs (entry); i++)
    {
      g_autoptr(GFile) input = rp_history_entry_get_input (entry, i, NULL);
      g_autoptr(GFileInfo) info = g_file_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (g_file_info_get_size (info), >, 0);
    }
  g_assert_true (rp_history_entry_has_source (entry));
  g_assert_cmpuint (count_parts (rp_history_entry_get_dir (entry)), ==, 0);
  meta = g_file_get_child (rp_history_entry_get_dir (entry), RP_HISTORY_META_FILE);
  meta_text = file_text (meta);
  g_assert_true (g_utf8_validate (meta_text, -1, NULL));
  g_assert_null (strstr (meta_text, TEST_KEY));

  g_assert_true (rp_history_load (fresh, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rp_history_get_n_skipped (fresh), ==, 0);
  reloaded = rp_history_lookup (fresh, rp_history_entry_get_id (entry));
  g_assert_nonnull (reloaded);
  g_assert_cmpint (rp_history_entry_get_status (reloaded), ==, status);
  g_assert_cmpuint (rp_history_entry_get_n_inputs (reloaded), ==, rp_history_entry_get_n_inputs (entry));
  g_assert_cmpstr (rp_history_entry_get_error_message (reloaded), ==,
                   rp_history_entry_get_error_message (entry));
}

static void
assert_done (RpJob *job)
{
  RpHistoryEntry *entry = rp_job_get_entry (job);

  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_DONE);
  g_assert_cmpint (rp_history_entry_get_status (entry), ==, RP_HISTORY_STATUS_DONE);
  g_assert_cmpuint (rp_history_entry_get_n_outputs (entry), >, 0);
  for (guint i = 0; i < rp_history_entry_get_n_outputs (entry); i++)
    {
      g_autoptr(GFile) composite = rp_history_entry_get_composite (entry, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(RpImage) image = rp_image_load_file (composite, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (rp_image_get_width (image), ==, rp_image_get_width (rp_job_get_image (job)));
    }
  g_assert_cmpuint (count_parts (rp_history_entry_get_dir (entry)), ==, 0);
}

static void
assert_failed_clearly (RpJob           *job,
                       const GError    *error,
                       const FaultCase *c)
{
  const char *words = rp_job_get_provider_message (job);

  g_assert_error (error, RP_JOB_ERROR, (gint) c->kind);
  g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_FAILED);
  assert_readable (error->message, MESSAGE_MAX_CHARS);
  assert_readable (rp_job_get_next_step (job), MESSAGE_MAX_CHARS);
  g_assert_cmpuint (g_list_model_get_n_items (rp_job_get_results (job)), ==, 0);
  if (c->flags & EXPECT_NO_PROVIDER_MESSAGE)
    g_assert_null (words);
  if (c->flags & EXPECT_PROVIDER_MESSAGE)
    g_assert_nonnull (words);
  if (words != NULL)
    {
      g_assert_true (g_utf8_validate (words, -1, NULL));
      g_assert_cmpuint (strlen (words), <=, PROVIDER_MAX_CHARS);
      /* The provider's sentence, not the raw JSON around it. */
      g_assert_null (strstr (words, "\"error\""));
      g_assert_null (strstr (words, TEST_KEY));
    }
  if (c->provider_words != NULL)
    g_assert_nonnull (strstr (words, c->provider_words));
  g_test_message ("%s: %s%s%s", rp_job_error_kind_to_string (c->kind), error->message,
                  words ? " — " : "", words ? words : "");
}

/* The provider's own address: every request there carries the key. */
static void
assert_key_on_every_request (RpFakeProvider *fake)
{
  for (guint i = 0; i < rp_fake_provider_get_n_requests (fake); i++)
    {
      g_autoptr(RpFakeRequest) request = rp_fake_provider_get_request (fake, i);

      g_assert_cmpstr (rp_fake_request_get_header (request, "Authorization"), ==, "Bearer " TEST_KEY);
    }
}

/* ---- Running a fault ---------------------------------------------------------------------- */

static void
push (RpFakeProvider    *fake,
      const char        *route,
      const RpFakeFault *fault,
      gboolean           every)
{
  if (every)
    rp_fake_provider_set_default (fake, route, fault);
  else
    rp_fake_provider_push_fault (fake, route, fault);
}

static RpJob *
case_job (Fixture         *f,
          const FaultCase *c)
{
  g_autoptr(RpImage) photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  g_autoptr(RpMask) mask = rp_mask_new (640, 480);
  g_autoptr(RpParams) params = rp_test_service_params (&f->t, c->provider, c->model);
  g_autoptr(GError) error = NULL;
  RpJob *job;

  rp_mask_fill_rect (mask, 200, 150, 160, 120, RP_MASK_OP_PAINT);
  if (c->flags & STREAM)
    {
      rp_params_set_boolean (params, "stream", TRUE, &error);
      g_assert_no_error (error);
      rp_params_set_int (params, "partial_images", 1, &error);
      g_assert_no_error (error);
    }
  if (c->flags & ASYNC)
    {
      rp_params_set_boolean (params, "async", TRUE, &error);
      g_assert_no_error (error);
    }
  job = rp_test_service_job (&f->t, photo, c->flags & ASYNC || g_str_equal (c->provider, "venice") ? NULL : mask,
                             params);
  if (c->flags & BIG_UPLOAD)
    {
      g_autoptr(RpImage) big = rp_test_service_photo (&f->t, "big.png", 2400, 2400, TRUE);

      rp_job_add_reference (job, big);
    }
  return job;
}

static void
cancel_once_receiving (RpJob      *job,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  if (rp_job_get_bytes_received (job) > CANCEL_AFTER_BYTES && !rp_job_is_finished (job))
    rp_job_cancel (job);
}

static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const FaultCase *c = data;
  gboolean every = (c->flags & EVERY_ATTEMPT) != 0;
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (c->definition != NULL)
    rp_test_service_add_definition (&f->t, "override.json", c->definition);
  rp_test_service_start (&f->t);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (f->t.registry)), ==, 0);
  if (c->read_timeout_s > 0)
    rp_service_set_read_timeout (f->t.service, c->read_timeout_s);
  job = case_job (f, c);

  if (c->flags & TO_FOREIGN)
    {
      RpFakeFault redirect = c->fault;
      g_autofree char *target = rp_fake_provider_url (rp_fake_provider_get_foreign (f->t.fake),
                                                      "/v1/images/edits");

      redirect.location = target;
      push (f->t.fake, c->route, &redirect, every);
    }
  else
    push (f->t.fake, c->route, &c->fault, every && c->download.behavior == RP_FAKE_OK);
  if (c->download.behavior != RP_FAKE_OK)
    push (f->t.fake, ".png", &c->download, every);

  if (c->flags & CANCEL_RECEIVING)
    g_signal_connect (job, "notify::bytes-received", G_CALLBACK (cancel_once_receiving), NULL);

  measure_begin (f);
  ok = rp_test_service_run (&f->t, job, &error);
  assert_memory_bounded (f);

  if (c->n_requests > 0)
    g_assert_cmpuint (rp_fake_provider_get_n_requests (f->t.fake), ==, c->n_requests);
  if (c->flags & TO_FOREIGN)
    g_assert_cmpuint (rp_fake_provider_get_n_requests (rp_fake_provider_get_foreign (f->t.fake)), ==, 0);
  if (c->flags & SUCCEEDS)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      assert_done (job);
      assert_key_on_every_request (f->t.fake);
      return;
    }
  g_assert_false (ok);
  if (c->flags & CANCEL_RECEIVING)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (rp_job_get_state (job), ==, RP_JOB_STATE_CANCELLED);
      g_assert_null (rp_job_get_next_step (job));
      g_assert_cmpint (rp_job_get_bytes_received (job), >, CANCEL_AFTER_BYTES);
      assert_journal_kept (f, job, RP_HISTORY_STATUS_CANCELLED);
      return;
    }
  assert_failed_clearly (job, error, c);
  assert_journal_kept (f, job, RP_HISTORY_STATUS_FAILED);
}

/* ---- Network policy -------------------------------------------------------------------- */

static void
test_https_job_base_url (Fixture       *f,
                         gconstpointer  data)
{
  static const struct { const char *url; gboolean ok; int code; } cases[] = {
    { "https://relay.example.com/v1", TRUE, 0 },
    { "http://127.0.0.1:8080/v1", TRUE, 0 },
    { "http://localhost:8080/v1", TRUE, 0 },
    { "http://[::1]:8080/v1", TRUE, 0 },
    { "http://relay.example.com/v1", FALSE, RP_PROVIDER_ERROR_INSECURE_URL },
    { "http://127.0.0.1.example.com/v1", FALSE, RP_PROVIDER_ERROR_INSECURE_URL },
    { "http://localhost@relay.example.com/v1", FALSE, RP_PROVIDER_ERROR_INVALID },
    { "ftp://127.0.0.1/v1", FALSE, RP_PROVIDER_ERROR_INVALID },
    { "file:///tmp/v1", FALSE, RP_PROVIDER_ERROR_INVALID },
  };
  g_autoptr(RpImage) photo = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(RpJob) job = NULL;

  rp_test_service_start (&f->t);
  photo = rp_test_service_photo (&f->t, "photo.png", 64, 64, FALSE);
  params = rp_test_service_params (&f->t, "openai", "gpt-image-1.5");
  job = rp_test_service_job (&f->t, photo, NULL, params);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = rp_job_set_base_url (job, cases[i].url, &error);

      g_test_message ("%s → %s", cases[i].url, ok ? "used" : error->message);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpstr (rp_job_get_base_url (job), ==, cases[i].url);
      else
        {
          /* Refused: the job keeps the address it had. */
          g_assert_error (error, RP_PROVIDER_ERROR, cases[i].code);
          g_assert_cmpstr (rp_job_get_base_url (job), !=, cases[i].url);
          assert_readable (error->message, MESSAGE_MAX_CHARS * 2);
        }
    }
}

static void
test_https_definitions (Fixture       *f,
                        gconstpointer  data)
{
  GListModel *problems;
  guint insecure = 0;

  rp_test_service_add_definition (&f->t, "plain.json",
                                  "{\"id\":\"plainrelay\",\"extends\":\"openai\",\"name\":\"Plain\","
                                  "\"base_url\":\"http://relay.example.com/v1\",\"api_key_env\":\"PLAIN_KEY\"}");
  rp_test_service_add_definition (&f->t, "openai.json",
                                  "{\"id\":\"openai\",\"extends\":\"openai\","
                                  "\"base_url\":\"http://api.openai.com/v1\"}");
  rp_test_service_add_definition (&f->t, "local.json",
                                  "{\"id\":\"localrelay\",\"extends\":\"openai\",\"name\":\"Local\","
                                  "\"base_url\":\"http://127.0.0.1:9/v1\",\"api_key_env\":\"LOCAL_KEY\"}");
  rp_test_service_start (&f->t);

  /* A plain-http relay elsewhere is refused, and so is an override moving a built-in off
   * https: the built-in stays as it was. A relay on this computer may use http. */
  g_assert_null (rp_provider_registry_lookup (f->t.registry, "plainrelay"));
  g_assert_cmpstr (rp_provider_get_base_url (rp_provider_registry_lookup (f->t.registry, "openai")), ==,
                   "https://api.openai.com/v1");
  g_assert_cmpstr (rp_provider_get_base_url (rp_provider_registry_lookup (f->t.registry, "localrelay")), ==,
                   "http://127.0.0.1:9/v1");
  problems = rp_provider_registry_get_problems (f->t.registry);
  g_assert_cmpuint (g_list_model_get_n_items (problems), ==, 2);
  for (guint i = 0; i < g_list_model_get_n_items (problems); i++)
    {
      g_autoptr(RpProviderProblem) problem = g_list_model_get_item (problems, i);

      g_test_message ("%s: %s", rp_provider_problem_get_path (problem), rp_provider_problem_get_message (problem));
      if (rp_provider_problem_get_code (problem) == RP_PROVIDER_ERROR_INSECURE_URL)
        insecure++;
      g_assert_nonnull (strstr (rp_provider_problem_get_message (problem), "https"));
    }
  g_assert_cmpuint (insecure, ==, 2);
}

/* The only requests the fake saw with the key; every other one must have had none. */
static guint
count_with_key (RpFakeProvider *fake,
                const char     *path_prefix,
                gboolean        with_key)
{
  guint n = 0;

  for (guint i = 0; i < rp_fake_provider_get_n_requests (fake); i++)
    {
      g_autoptr(RpFakeRequest) request = rp_fake_provider_get_request (fake, i);
      const char *auth = rp_fake_request_get_header (request, "Authorization");
      const char *query_key = rp_fake_request_get_query_param (request, "key");
      gboolean has_key = (auth != NULL && strstr (auth, TEST_KEY) != NULL) ||
                         g_strcmp0 (query_key, TEST_KEY) == 0;

      if (g_str_has_prefix (rp_fake_request_get_path (request), path_prefix) && has_key == with_key)
        n++;
    }
  return n;
}

typedef struct
{
  gboolean    query_auth;  /* the key in the query string rather than a header */
  gboolean    from_foreign;
} DownloadCase;

static const DownloadCase download_cases[] = {
  { FALSE, FALSE }, { FALSE, TRUE }, { TRUE, FALSE }, { TRUE, TRUE },
};

/* A result URL that redirects: from the provider's host to another host, or from another
 * host back to the provider's. Only a download whose every hop so far is on the
 * provider's own address carries the key. */
static void
test_download_redirect_key (Fixture       *f,
                            gconstpointer  data)
{
  const DownloadCase *c = data;
  RpFakeProvider *home = f->t.fake;
  RpFakeProvider *foreign = rp_fake_provider_get_foreign (home);
  g_autoptr(GBytes) image = rp_fake_solid_image (640, 480, 0x00ff00ff, "png");
  g_autofree char *target = NULL;
  g_autoptr(RpImage) photo = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GError) error = NULL;
  RpFakeFault redirect = { RP_FAKE_REDIRECT, .status = 302 };

  if (c->query_auth)
    rp_test_service_add_definition (&f->t, "query.json",
                                    "{\"id\":\"crazyrouter\",\"extends\":\"crazyrouter\","
                                    "\"auth\":{\"in\":\"query\",\"name\":\"key\",\"format\":\"{key}\"}}");
  rp_test_service_start (&f->t);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (f->t.registry)), ==, 0);
  photo = rp_test_service_photo (&f->t, "photo.png", 640, 480, FALSE);
  params = rp_test_service_params (&f->t, "crazyrouter", "gpt-image-2");
  job = rp_test_service_job (&f->t, photo, NULL, params);

  /* The result moved: the first host answers the download with a redirect to the other. */
  target = rp_fake_provider_add_file (c->from_foreign ? home : foreign, "moved.png", image, "image/png");
  redirect.location = target;
  rp_fake_provider_push (home, "/images/edits", c->from_foreign ? RP_FAKE_FOREIGN_URL_RESULTS
                                                                : RP_FAKE_URL_RESULTS);
  rp_fake_provider_push_fault (c->from_foreign ? foreign : home, ".png", &redirect);

  g_assert_true (rp_test_service_run (&f->t, job, &error));
  g_assert_no_error (error);
  assert_done (job);
  g_assert_cmpuint (count_with_key (home, "/v1/images/edits", TRUE), ==, 1);
  g_assert_cmpuint (count_with_key (foreign, "/", TRUE), ==, 0);
  g_assert_cmpuint (count_with_key (foreign, "/files/", FALSE), ==, 1);
  if (c->from_foreign)
    /* Back on the provider's host, but sent there by another: still no key. */
    g_assert_cmpuint (count_with_key (home, "/files/", FALSE), ==, 1);
  else
    g_assert_cmpuint (count_with_key (home, "/files/", TRUE), ==, 1);
  g_assert_cmpuint (count_with_key (home, "/files/", TRUE) + count_with_key (home, "/files/", FALSE), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/repaint/faults/%s", fault_cases[i].name);

      g_test_add (path, Fixture, &fault_cases[i], fixture_setup, test_fault, fixture_teardown);
    }

  g_test_add ("/repaint/network-policy/https/job-base-url", Fixture, NULL, fixture_setup,
              test_https_job_base_url, fixture_teardown);
  g_test_add ("/repaint/network-policy/https/definitions", Fixture, NULL, fixture_setup,
              test_https_definitions, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (download_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/repaint/network-policy/download-key/%s-%s",
                                               download_cases[i].query_auth ? "query" : "header",
                                               download_cases[i].from_foreign ? "foreign-to-home"
                                                                              : "home-to-foreign");

      g_test_add (path, Fixture, &download_cases[i], fixture_setup, test_download_redirect_key,
                  fixture_teardown);
    }

  return g_test_run ();
}
