/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "rp-test-util.h"

typedef struct
{
  char     *event;
  char     *data;
  char     *id;
  gboolean  done;
} Event;

typedef struct
{
  GPtrArray   *events;      /* Event */
  GString     *streamed;    /* streaming mode: data received for the current event */
  gboolean     streaming;
  RpSseParser *parser;
  guint        stop_after;  /* ask the parser to stop after this many events (0: never) */
  gboolean     fail_event;
  gboolean     fail_data;
  char        *type_seen_by_data;
} Collector;

static void
event_free (Event *event)
{
  g_free (event->event);
  g_free (event->data);
  g_free (event->id);
  g_free (event);
}

static gboolean
on_event (const RpSseEvent  *sse,
          gpointer           user_data,
          GError           **error)
{
  Collector *c = user_data;
  Event *event = g_new0 (Event, 1);

  if (c->fail_event)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop here");
      event_free (event);
      return FALSE;
    }
  event->event = g_strdup (sse->event);
  event->id = g_strdup (sse->id);
  event->done = sse->done;
  if (c->streaming)
    {
      g_assert_null (sse->data);
      event->data = g_strdup (c->streamed->str);
      g_string_truncate (c->streamed, 0);
    }
  else
    {
      g_assert_nonnull (sse->data);
      g_assert_cmpuint (strlen (sse->data), ==, sse->data_len);
      event->data = g_strdup (sse->data);
    }
  g_ptr_array_add (c->events, event);
  return c->stop_after == 0 || c->events->len < c->stop_after;
}

static gboolean
on_data (const char  *data,
         gsize        len,
         gpointer     user_data,
         GError     **error)
{
  Collector *c = user_data;

  if (c->fail_data)
    {
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_INVALID_BASE64, "bad data");
      return FALSE;
    }
  g_assert_cmpuint (len, >, 0);
  g_string_append_len (c->streamed, data, len);
  g_free (c->type_seen_by_data);
  c->type_seen_by_data = g_strdup (rp_sse_parser_get_event_type (c->parser));
  return TRUE;
}

static void
collector_init (Collector *c,
                gsize      max_event_bytes,
                gboolean   streaming)
{
  memset (c, 0, sizeof *c);
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
  c->streamed = g_string_new (NULL);
  c->streaming = streaming;
  c->parser = rp_sse_parser_new (max_event_bytes, on_event, c);
  if (streaming)
    rp_sse_parser_set_data_func (c->parser, on_data);
}

static void
collector_clear (Collector *c)
{
  g_ptr_array_unref (c->events);
  g_string_free (c->streamed, TRUE);
  rp_sse_parser_free (c->parser);
  g_free (c->type_seen_by_data);
}

/* Feeds @text cut at the given points (ascending, within the text), then finishes. */
static gboolean
parse_split (Collector   *c,
             const char  *text,
             gsize        len,
             const gsize *cuts,
             guint        n_cuts,
             GError     **error)
{
  gsize from = 0;
  guint i;

  for (i = 0; i <= n_cuts; i++)
    {
      gsize to = i < n_cuts ? cuts[i] : len;

      if (!rp_sse_parser_feed (c->parser, text + from, to - from, error))
        return FALSE;
      from = to;
    }
  return rp_sse_parser_finish (c->parser, error);
}

/* ---- the sample stream ---- */

static const char sample[] =
  ": keep-alive comment\n"
  "retry: 3000\n"
  "\n"
  "event: image_edit.partial_image\n"
  "id: 1\n"
  "data: {\"type\":\"image_edit.partial_image\",\"b64_json\":\"QUJD\",\"partial_image_index\":0}\n"
  "\n"
  "data: first line\n"
  "data:second line without space\n"
  "data\n"
  "data:  two spaces keep one\n"
  "\n"
  "event: note\n"
  "data: 画像 ✓ ü\n"
  ":comment in the middle\n"
  "\n"
  "id\n"
  "event: image_edit.completed\n"
  "data: {\"type\":\"image_edit.completed\"}\n"
  "\n"
  "event: no-data-so-never-dispatched\n"
  "\n"
  "data: [DONE]\n"
  "\n"
  "data: after the end\n"
  "\n";

static const Event sample_events[] = {
  { (char *) "image_edit.partial_image", (char *) "{\"type\":\"image_edit.partial_image\",\"b64_json\":\"QUJD\",\"partial_image_index\":0}", (char *) "1", FALSE },
  { (char *) "message", (char *) "first line\nsecond line without space\n\n two spaces keep one", (char *) "1", FALSE },
  { (char *) "note", (char *) "画像 ✓ ü", (char *) "1", FALSE },
  { (char *) "image_edit.completed", (char *) "{\"type\":\"image_edit.completed\"}", NULL, FALSE },
  { (char *) "message", (char *) "[DONE]", NULL, TRUE },
};

static char *
with_line_ends (const char *text,
                const char *eol)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv (eol, lines);
}

static void
assert_sample_events (Collector *c)
{
  guint i;

  g_assert_cmpuint (c->events->len, ==, G_N_ELEMENTS (sample_events));
  for (i = 0; i < c->events->len; i++)
    {
      Event *got = g_ptr_array_index (c->events, i);

      g_assert_cmpstr (got->event, ==, sample_events[i].event);
      g_assert_cmpstr (got->id, ==, sample_events[i].id);
      g_assert_cmpint (got->done, ==, sample_events[i].done);
      /* The sentinel never reaches a data func. */
      if (!(c->streaming && got->done))
        g_assert_cmpstr (got->data, ==, sample_events[i].data);
      else
        g_assert_cmpstr (got->data, ==, "");
    }
  g_assert_cmpint (rp_sse_parser_get_retry_ms (c->parser), ==, 3000);
  g_assert_true (rp_sse_parser_is_done (c->parser));
}

static void
check_sample_splits (const char *eol,
                     gboolean    streaming,
                     gboolean    all_pairs)
{
  g_autofree char *text = with_line_ends (sample, eol);
  gsize len = strlen (text);
  gsize i, j;

  /* Every single cut, including inside CRLF pairs and UTF-8 sequences. */
  for (i = 0; i <= len; i++)
    {
      Collector c;
      g_autoptr(GError) error = NULL;

      collector_init (&c, 4096, streaming);
      g_assert_true (parse_split (&c, text, len, &i, 1, &error));
      g_assert_no_error (error);
      assert_sample_events (&c);
      collector_clear (&c);
    }

  /* One byte at a time. */
  {
    Collector c;
    g_autoptr(GError) error = NULL;

    collector_init (&c, 4096, streaming);
    for (i = 0; i < len; i++)
      g_assert_true (rp_sse_parser_feed (c.parser, text + i, 1, &error));
    g_assert_true (rp_sse_parser_finish (c.parser, &error));
    g_assert_no_error (error);
    assert_sample_events (&c);
    collector_clear (&c);
  }

  if (!all_pairs)
    return;
  for (i = 0; i <= len; i++)
    for (j = i; j <= len; j += 3)
      {
        Collector c;
        g_autoptr(GError) error = NULL;
        gsize cuts[2] = { i, j };

        collector_init (&c, 4096, streaming);
        g_assert_true (parse_split (&c, text, len, cuts, 2, &error));
        assert_sample_events (&c);
        collector_clear (&c);
      }
}

static void
test_splits_lf (void)
{
  check_sample_splits ("\n", FALSE, FALSE);
  check_sample_splits ("\n", TRUE, FALSE);
}

static void
test_splits_crlf (void)
{
  check_sample_splits ("\r\n", FALSE, TRUE);
  check_sample_splits ("\r\n", TRUE, FALSE);
}

static void
test_splits_cr (void)
{
  check_sample_splits ("\r", FALSE, FALSE);
  check_sample_splits ("\r", TRUE, FALSE);
}

/* ---- single behaviours ---- */

typedef struct
{
  const char *stream;
  guint       n_events;
  int         error_code;    /* -1: a clean end */
  const char *last_data;
} EndCase;

static void
test_end_of_stream (void)
{
  static const EndCase cases[] = {
    { "", 0, -1, NULL },
    { ": ping\n", 0, -1, NULL },
    { ": ping", 0, -1, NULL },
    { "data: x\n\n", 1, -1, "x" },
    { "data: x\r\r", 1, -1, "x" },
    { "data: x\n\r\n", 1, -1, "x" },
    { "data: x", 0, RP_TRANSPORT_ERROR_TRUNCATED, NULL },
    { "data: x\n", 0, RP_TRANSPORT_ERROR_TRUNCATED, NULL },
    { "data: x\r", 0, RP_TRANSPORT_ERROR_TRUNCATED, NULL },
    { "event: a\n", 0, RP_TRANSPORT_ERROR_TRUNCATED, NULL },
    { "data: x\n\ndata: {\"partial\":", 1, RP_TRANSPORT_ERROR_TRUNCATED, "x" },
    { "data: [DONE]\n\n", 1, -1, "[DONE]" },
    { "data: [DONE]\n\ndata: {\"cut", 1, -1, "[DONE]" },
    { "\xef\xbb\xbf" "data: bom\n\n", 1, -1, "bom" },
    { "\xef\xbb", 0, RP_TRANSPORT_ERROR_TRUNCATED, NULL },
    { "data: \xff\xfe\n\n", 1, -1, "\xef\xbf\xbd\xef\xbf\xbd" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].stream);
      gsize cut;

      for (cut = 0; cut <= len; cut++)
        {
          Collector c;
          g_autoptr(GError) error = NULL;
          gboolean ok;

          collector_init (&c, 4096, FALSE);
          ok = parse_split (&c, cases[i].stream, len, &cut, 1, &error);
          if (cases[i].error_code < 0)
            {
              g_assert_no_error (error);
              g_assert_true (ok);
            }
          else
            {
              g_assert_error (error, RP_TRANSPORT_ERROR, cases[i].error_code);
              g_assert_false (ok);
            }
          g_assert_cmpuint (c.events->len, ==, cases[i].n_events);
          if (cases[i].last_data != NULL)
            g_assert_cmpstr (((Event *) g_ptr_array_index (c.events, c.events->len - 1))->data, ==,
                             cases[i].last_data);
          collector_clear (&c);
        }
    }
}

static void
test_retry_field (void)
{
  static const struct { const char *stream; gint64 retry_ms; } cases[] = {
    { "retry: 3000\n\n", 3000 },
    { "retry:250\n\n", 250 },
    { "retry: 3s\n\n", -1 },
    { "retry:\n\n", -1 },
    { "retry: -5\n\n", -1 },
    { "retry: 1000\n\nretry: x\n\n", 1000 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Collector c;
      g_autoptr(GError) error = NULL;

      collector_init (&c, 4096, FALSE);
      g_assert_true (parse_split (&c, cases[i].stream, strlen (cases[i].stream), NULL, 0, &error));
      g_assert_cmpint (rp_sse_parser_get_retry_ms (c.parser), ==, cases[i].retry_ms);
      g_assert_cmpuint (c.events->len, ==, 0);
      collector_clear (&c);
    }
}

static char *
data_event (gsize       len,
            const char *event)
{
  g_autofree char *payload = g_strnfill (len, 'A');

  return g_strdup_printf ("%s%s%sdata: %s\n\n", event != NULL ? "event: " : "",
                          event != NULL ? event : "", event != NULL ? "\n" : "", payload);
}

static void
test_cap (void)
{
  const gsize cap = 64;
  g_autofree char *small = data_event (16, NULL);
  g_autofree char *big = data_event (100, NULL);
  g_autofree char *long_name = g_strnfill (100, 'e');
  g_autofree char *big_name = data_event (8, long_name);
  const char *three_lines = "data: 0123456789012345678901234\ndata: 0123456789012345678901234\n"
                            "data: 0123456789012345678901234\n\n";
  Collector c;
  g_autoptr(GError) error = NULL;

  collector_init (&c, cap, FALSE);
  g_assert_true (parse_split (&c, small, strlen (small), NULL, 0, &error));
  g_assert_cmpuint (c.events->len, ==, 1);
  collector_clear (&c);

  /* Too large in one line, or accumulated over lines: a clear error, then nothing more. */
  collector_init (&c, cap, FALSE);
  g_assert_false (rp_sse_parser_feed (c.parser, big, strlen (big), &error));
  g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (rp_sse_parser_feed (c.parser, small, strlen (small), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (rp_sse_parser_finish (c.parser, &error));
  g_clear_error (&error);
  g_assert_cmpuint (c.events->len, ==, 0);
  collector_clear (&c);

  collector_init (&c, cap, FALSE);
  g_assert_false (parse_split (&c, three_lines, strlen (three_lines), NULL, 0, &error));
  g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE);
  g_clear_error (&error);
  collector_clear (&c);

  /* Streaming mode passes large data through; other fields stay capped. */
  collector_init (&c, cap, TRUE);
  g_assert_true (parse_split (&c, big, strlen (big), NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (((Event *) g_ptr_array_index (c.events, 0))->data), ==, 100);
  collector_clear (&c);

  collector_init (&c, cap, TRUE);
  g_assert_false (parse_split (&c, big_name, strlen (big_name), NULL, 0, &error));
  g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE);
  collector_clear (&c);
}

/* 32 MB of data in one event passes through a parser capped at 1 kB in streaming mode. */
static void
test_streaming_large_event (void)
{
  const gsize chunk_bytes = 64 * 1024, payload_bytes = 32 * 1024 * 1024;
  g_autofree char *chunk = g_strnfill (chunk_bytes, 'Q');
  g_autoptr(GError) error = NULL;
  Collector c;
  gsize done;

  collector_init (&c, 1024, TRUE);
  g_assert_true (rp_sse_parser_feed (c.parser, "event: image_edit.completed\r\ndata: ", 35, &error));
  for (done = 0; done < payload_bytes; done += chunk_bytes)
    {
      g_assert_true (rp_sse_parser_feed (c.parser, chunk, chunk_bytes, &error));
      /* Nothing is held back once the data cannot be the sentinel any more. */
      g_assert_cmpuint (c.streamed->len, ==, chunk_bytes);
      g_string_truncate (c.streamed, 0);
    }
  g_assert_true (rp_sse_parser_feed (c.parser, "\r\n\r\n", 4, &error));
  g_assert_true (rp_sse_parser_finish (c.parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.events->len, ==, 1);
  g_assert_cmpstr (((Event *) g_ptr_array_index (c.events, 0))->event, ==, "image_edit.completed");
  g_assert_cmpstr (c.type_seen_by_data, ==, "image_edit.completed");
  collector_clear (&c);
}

static void
test_callbacks (void)
{
  const char *stream = "data: one\n\ndata: two\n\ndata: three\n\n";
  g_autoptr(GError) error = NULL;
  Collector c;

  /* The event func stops the parser: later events are not read, the end is clean. */
  collector_init (&c, 4096, FALSE);
  c.stop_after = 2;
  g_assert_true (parse_split (&c, stream, strlen (stream), NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.events->len, ==, 2);
  g_assert_true (rp_sse_parser_is_done (c.parser));
  collector_clear (&c);

  /* A failing event func fails the feed with its error. */
  collector_init (&c, 4096, FALSE);
  c.fail_event = TRUE;
  g_assert_false (rp_sse_parser_feed (c.parser, stream, strlen (stream), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  collector_clear (&c);

  /* So does a failing data func. */
  collector_init (&c, 4096, TRUE);
  c.fail_data = TRUE;
  g_assert_false (parse_split (&c, stream, strlen (stream), NULL, 0, &error));
  g_assert_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_INVALID_BASE64);
  collector_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/sse/splits-lf", test_splits_lf);
  g_test_add_func ("/repaint/sse/splits-crlf", test_splits_crlf);
  g_test_add_func ("/repaint/sse/splits-cr", test_splits_cr);
  g_test_add_func ("/repaint/sse/end-of-stream", test_end_of_stream);
  g_test_add_func ("/repaint/sse/retry", test_retry_field);
  g_test_add_func ("/repaint/sse/cap", test_cap);
  g_test_add_func ("/repaint/sse/streaming-large-event", test_streaming_large_event);
  g_test_add_func ("/repaint/sse/callbacks", test_callbacks);

  return g_test_run ();
}
