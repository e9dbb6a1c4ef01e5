/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "fuzz-common.h"

/* The SSE parser over arbitrary bytes. Besides crashes, leaks and criticals it checks
 * that how the bytes are split and which mode reads them changes nothing: buffered
 * parsing of the whole stream, buffered parsing in chunks, and streaming mode in chunks
 * must see the same events. Last, the bytes go through the SSE → images reader
 * pipeline the service uses (rp_transport_fuzz_sse()). */

/* Small, so that short inputs reach the cap too. */
#define MAX_EVENT_BYTES 4096

typedef struct
{
  char       *type;
  char       *id;
  GByteArray *data;
  gboolean    done;
} Event;

typedef struct
{
  GPtrArray  *events;     /* Event */
  GByteArray *pending;    /* streaming mode: the current event's data so far */
  gboolean    ok;
  GQuark      domain;
  int         code;
} Run;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_free (event->type);
  g_free (event->id);
  g_byte_array_unref (event->data);
  g_free (event);
}

static void
run_init (Run *run)
{
  memset (run, 0, sizeof *run);
  run->events = g_ptr_array_new_with_free_func (event_free);
  run->pending = g_byte_array_new ();
}

static void
run_clear (Run *run)
{
  g_ptr_array_unref (run->events);
  g_byte_array_unref (run->pending);
}

static gboolean
on_data (const char  *data,
         gsize        len,
         gpointer     user_data,
         GError     **error)
{
  Run *run = user_data;

  rp_fuzz_assert (len > 0);
  g_byte_array_append (run->pending, (const guint8 *) data, len);
  return TRUE;
}

static gboolean
on_event (const RpSseEvent  *sse_event,
          gpointer           user_data,
          GError           **error)
{
  Run *run = user_data;
  Event *event = g_new0 (Event, 1);

  rp_fuzz_assert (sse_event->event != NULL && g_utf8_validate (sse_event->event, -1, NULL));
  rp_fuzz_assert (sse_event->id == NULL || g_utf8_validate (sse_event->id, -1, NULL));
  event->type = g_strdup (sse_event->event);
  event->id = g_strdup (sse_event->id);
  event->done = sse_event->done;
  event->data = g_byte_array_new ();
  if (sse_event->data != NULL)
    {
      /* The promise of RpSseEvent: NUL-terminated, valid UTF-8, data_len long. */
      rp_fuzz_assert (sse_event->data[sse_event->data_len] == '\0');
      rp_fuzz_assert (g_utf8_validate (sse_event->data, sse_event->data_len, NULL));
      g_byte_array_append (event->data, (const guint8 *) sse_event->data, sse_event->data_len);
    }
  else
    {
      /* Streaming mode: what the data func received, made valid as buffered mode does. */
      if (!event->done && run->pending->len > 0)
        {
          g_autofree char *valid = g_utf8_make_valid ((const char *) run->pending->data,
                                                      run->pending->len);

          g_byte_array_append (event->data, (const guint8 *) valid, strlen (valid));
        }
      g_byte_array_set_size (run->pending, 0);
    }
  g_ptr_array_add (run->events, event);
  return TRUE;
}

static void
parse (Run          *run,
       const guint8 *data,
       gsize         len,
       gsize         step,
       gboolean      streaming)
{
  g_autoptr(RpSseParser) parser = rp_sse_parser_new (MAX_EVENT_BYTES, on_event, run);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (streaming)
    rp_sse_parser_set_data_func (parser, on_data);
  while (ok && len > 0)
    {
      gsize n = MIN (step, len);

      ok = rp_sse_parser_feed (parser, (const char *) data, n, &error);
      data += n;
      len -= n;
    }
  if (ok)
    ok = rp_sse_parser_finish (parser, &error);
  rp_fuzz_assert (ok == (error == NULL));
  run->ok = ok;
  if (error != NULL)
    {
      run->domain = error->domain;
      run->code = error->code;
    }
}

static gboolean
events_equal (Event *a,
              Event *b)
{
  /* Streaming mode never passes on the sentinel's data: its done flag says it all. */
  return g_strcmp0 (a->type, b->type) == 0 && g_strcmp0 (a->id, b->id) == 0 &&
         a->done == b->done &&
         (a->done || rp_fuzz_bytes_equal (a->data->data, a->data->len, b->data->data, b->data->len));
}

/* Whether the first @n events of @a and @b agree. */
static gboolean
prefix_equal (Run   *a,
              Run   *b,
              guint  n)
{
  guint i;

  if (a->events->len < n || b->events->len < n)
    return FALSE;
  for (i = 0; i < n; i++)
    if (!events_equal (g_ptr_array_index (a->events, i), g_ptr_array_index (b->events, i)))
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint8 *stream = data;
  gsize len = size;
  gsize step = rp_fuzz_chunk_size (&stream, &len);
  Run whole, chunked, streamed;

  run_init (&whole);
  run_init (&chunked);
  run_init (&streamed);

  parse (&whole, stream, len, G_MAXSIZE, FALSE);
  parse (&chunked, stream, len, step, FALSE);
  rp_fuzz_assert (whole.ok == chunked.ok);
  rp_fuzz_assert (whole.domain == chunked.domain && whole.code == chunked.code);
  rp_fuzz_assert (whole.events->len == chunked.events->len);
  rp_fuzz_assert (prefix_equal (&whole, &chunked, whole.events->len));

  /* The cap does not apply to streamed data, so streaming may go on where buffering
   * stopped; up to there both agree. */
  parse (&streamed, stream, len, step, TRUE);
  if (whole.ok)
    {
      rp_fuzz_assert (streamed.ok);
      rp_fuzz_assert (streamed.events->len == whole.events->len);
    }
  else
    rp_fuzz_assert (whole.code == RP_TRANSPORT_ERROR_TOO_LARGE ||
                    whole.code == RP_TRANSPORT_ERROR_TRUNCATED);
  rp_fuzz_assert (prefix_equal (&whole, &streamed, whole.events->len));

  run_clear (&whole);
  run_clear (&chunked);
  run_clear (&streamed);

  rp_transport_fuzz_sse (data, size);
  return 0;
}
