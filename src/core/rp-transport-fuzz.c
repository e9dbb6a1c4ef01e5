/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-transport-fuzz"

#include "config.h"

#include "rp-images-reader.h"
#include "rp-sse-parser.h"
#include "rp-transport-fuzz.h"

/* Small caps, so inputs of a few kilobytes reach the limits too. */
#define FUZZ_MAX_EVENT_BYTES 4096
#define FUZZ_MAX_SMALL_BYTES 2048

/* Chunk sizes 1…255 come from the first byte; 0 feeds everything at once. */
static gsize
chunk_size (const guint8 **data,
            gsize         *len)
{
  gsize size;

  if (*len == 0)
    return 1;
  size = (*data)[0] != 0 ? (*data)[0] : G_MAXSIZE;
  (*data)++;
  (*len)--;
  return size;
}

static GOutputStream *
memory_sink (RpImagesReader  *reader,
             guint            index,
             gpointer         user_data,
             GError         **error)
{
  return g_memory_output_stream_new_resizable ();
}

static RpImagesReader *
new_reader (void)
{
  RpImagesReader *reader = rp_images_reader_new ();

  rp_images_reader_set_max_small_bytes (reader, FUZZ_MAX_SMALL_BYTES);
  rp_images_reader_set_sink_func (reader, memory_sink, NULL, NULL);
  return reader;
}

static void
read_results (RpImagesReader *reader)
{
  guint i;

  for (i = 0; i < rp_images_reader_get_n_images (reader); i++)
    {
      (void) rp_images_reader_get_image_format (reader, i);
      (void) rp_images_reader_get_image_url (reader, i);
      (void) rp_images_reader_get_revised_prompt (reader, i);
    }
  (void) rp_images_reader_get_api_error (reader);
  (void) rp_images_reader_get_usage (reader);
}

/**
 * rp_transport_fuzz_images_reader:
 * @data: (array length=len): arbitrary bytes; the first picks the chunk size
 * @len: how many
 *
 * Feeds the rest of @data to an #RpImagesReader with a small cap and memory sinks.
 *
 * Returns: 0
 */
int
rp_transport_fuzz_images_reader (const guint8 *data,
                                 gsize         len)
{
  g_autoptr(RpImagesReader) reader = new_reader ();
  gsize step = chunk_size (&data, &len);
  gboolean ok = TRUE;

  while (ok && len > 0)
    {
      gsize n = MIN (step, len);

      ok = rp_images_reader_feed (reader, (const char *) data, n, NULL, NULL);
      data += n;
      len -= n;
    }
  if (ok && rp_images_reader_finish (reader, NULL, NULL))
    read_results (reader);
  return 0;
}

/* Event data goes through an images reader, as the service does with a stream. */
typedef struct
{
  RpImagesReader *reader;
} FuzzStream;

static gboolean
on_data (const char  *data,
         gsize        len,
         gpointer     user_data,
         GError     **error)
{
  FuzzStream *stream = user_data;

  if (stream->reader == NULL)
    stream->reader = new_reader ();
  return rp_images_reader_feed (stream->reader, data, len, NULL, error);
}

static gboolean
on_event (const RpSseEvent  *event,
          gpointer           user_data,
          GError           **error)
{
  FuzzStream *stream = user_data;
  g_autoptr(RpImagesReader) reader = g_steal_pointer (&stream->reader);

  if (event->data != NULL && !event->done)
    {
      reader = new_reader ();
      if (!rp_images_reader_feed (reader, event->data, event->data_len, NULL, error))
        return FALSE;
    }
  if (reader != NULL && rp_images_reader_finish (reader, NULL, NULL))
    read_results (reader);
  return TRUE;
}

static void
run_sse (const guint8 *data,
         gsize         len,
         gsize         step,
         gboolean      streaming)
{
  FuzzStream stream = { NULL };
  g_autoptr(RpSseParser) parser = rp_sse_parser_new (FUZZ_MAX_EVENT_BYTES, on_event, &stream);
  gboolean ok = TRUE;

  if (streaming)
    rp_sse_parser_set_data_func (parser, on_data);
  while (ok && len > 0)
    {
      gsize n = MIN (step, len);

      ok = rp_sse_parser_feed (parser, (const char *) data, n, NULL);
      data += n;
      len -= n;
    }
  if (ok)
    (void) rp_sse_parser_finish (parser, NULL);
  (void) rp_sse_parser_get_retry_ms (parser);
  g_clear_object (&stream.reader);
}

/**
 * rp_transport_fuzz_sse:
 * @data: (array length=len): arbitrary bytes; the first picks the chunk size
 * @len: how many
 *
 * Runs the rest of @data through an #RpSseParser in buffered and in streaming mode,
 * passing every event's data through an #RpImagesReader.
 *
 * Returns: 0
 */
int
rp_transport_fuzz_sse (const guint8 *data,
                       gsize         len)
{
  gsize step = chunk_size (&data, &len);

  run_sse (data, len, step, FALSE);
  run_sse (data, len, step, TRUE);
  return 0;
}
