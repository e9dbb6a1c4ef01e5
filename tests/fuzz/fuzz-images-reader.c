/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include <string.h>

#include "rp-core.h"
#include "fuzz-common.h"

/* An ImagesResponse body, read whole and in chunks (so base64 is decoded across every
 * possible split), with memory sinks and without sinks. All three readings must agree on
 * the outcome, the images' bytes, URLs and the other fields; a sink must receive exactly
 * the bytes the reader counts. The first byte of an input is the chunk size. */

/* Small, so that short inputs reach the cap too. */
#define MAX_SMALL_BYTES 2048

typedef struct
{
  GPtrArray *sinks;       /* GMemoryOutputStream or NULL, by image index */
  gboolean   use_sinks;
  gboolean   ok;
  GQuark     domain;
  int        code;
  guint      n_images;
  GPtrArray *summary;     /* char *: one line of text per result */
} Run;

static GOutputStream *
open_sink (RpImagesReader  *reader,
           guint            index,
           gpointer         user_data,
           GError         **error)
{
  Run *run = user_data;
  GOutputStream *sink;

  if (!run->use_sinks)
    return NULL;
  /* Each image opens its sink once, when its first bytes are decoded. */
  if (index >= run->sinks->len)
    g_ptr_array_set_size (run->sinks, index + 1);
  rp_fuzz_assert (g_ptr_array_index (run->sinks, index) == NULL);
  sink = g_memory_output_stream_new_resizable ();
  g_ptr_array_index (run->sinks, index) = g_object_ref (sink);
  return sink;
}

static void
clear_sink (gpointer data)
{
  g_clear_object (&data);
}

static void
add_line (Run        *run,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
add_line (Run        *run,
          const char *format,
          ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (run->summary, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
summarise_image (Run            *run,
                 RpImagesReader *reader,
                 guint           i)
{
  GMemoryOutputStream *sink = i < run->sinks->len ? g_ptr_array_index (run->sinks, i) : NULL;
  goffset size = rp_images_reader_get_image_size (reader, i);
  const char *url = rp_images_reader_get_image_url (reader, i);
  const char *prompt = rp_images_reader_get_revised_prompt (reader, i);
  JsonObject *fields = rp_images_reader_get_image_fields (reader, i);

  rp_fuzz_assert (size >= 0);
  rp_fuzz_assert (fields != NULL);
  rp_fuzz_assert (url == NULL || (*url != '\0' && g_utf8_validate (url, -1, NULL)));
  rp_fuzz_assert (prompt == NULL || g_utf8_validate (prompt, -1, NULL));
  if (run->use_sinks)
    {
      /* Image data went to the sink, all of it and nothing else. */
      rp_fuzz_assert ((sink != NULL) == (size > 0));
      if (sink != NULL)
        {
          g_autofree char *hex = NULL;

          rp_fuzz_assert (g_output_stream_is_closed (G_OUTPUT_STREAM (sink)));
          rp_fuzz_assert ((goffset) g_memory_output_stream_get_data_size (sink) == size);
          hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                             g_memory_output_stream_get_data (sink), size);
          add_line (run, "sink %u %s", i, hex);
        }
    }
  add_line (run, "image %u size %" G_GOFFSET_FORMAT " format %d url %s prompt %s", i, size,
            rp_images_reader_get_image_format (reader, i), url ? url : "-",
            prompt ? prompt : "-");
}

static void
summarise (Run            *run,
           RpImagesReader *reader)
{
  const RpApiError *api_error = rp_images_reader_get_api_error (reader);
  JsonNode *usage = rp_images_reader_get_usage (reader);
  g_autofree char *usage_text = usage ? json_to_string (usage, FALSE) : NULL;
  guint i;

  run->n_images = rp_images_reader_get_n_images (reader);
  for (i = 0; i < run->n_images; i++)
    summarise_image (run, reader, i);
  if (api_error != NULL)
    {
      rp_fuzz_assert (api_error->message == NULL || g_utf8_validate (api_error->message, -1, NULL));
      add_line (run, "error %s / %s / %s / %s", api_error->message ? api_error->message : "-",
                api_error->type ? api_error->type : "-", api_error->code ? api_error->code : "-",
                api_error->param ? api_error->param : "-");
    }
  add_line (run, "usage %s", usage_text ? usage_text : "-");
  add_line (run, "size %s created %" G_GINT64_FORMAT,
            rp_images_reader_get_string (reader, "size") ? rp_images_reader_get_string (reader, "size") : "-",
            rp_images_reader_get_int (reader, "created", -1));
}

static void
read_body (Run          *run,
           const guint8 *data,
           gsize         len,
           gsize         step,
           gboolean      use_sinks)
{
  g_autoptr(RpImagesReader) reader = rp_images_reader_new ();
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  memset (run, 0, sizeof *run);
  run->sinks = g_ptr_array_new_with_free_func (clear_sink);
  run->summary = g_ptr_array_new_with_free_func (g_free);
  run->use_sinks = use_sinks;
  rp_images_reader_set_max_small_bytes (reader, MAX_SMALL_BYTES);
  rp_images_reader_set_sink_func (reader, open_sink, run, NULL);

  while (ok && len > 0)
    {
      gsize n = MIN (step, len);

      ok = rp_images_reader_feed (reader, (const char *) data, n, NULL, &error);
      data += n;
      len -= n;
    }
  if (ok)
    ok = rp_images_reader_finish (reader, NULL, &error);
  rp_fuzz_assert (ok == (error == NULL));
  run->ok = ok;
  if (error != NULL)
    {
      run->domain = error->domain;
      run->code = error->code;
      return;
    }
  summarise (run, reader);
}

static void
run_clear (Run *run)
{
  g_ptr_array_unref (run->sinks);
  g_ptr_array_unref (run->summary);
}

static gboolean
same_outcome (Run *a,
              Run *b)
{
  return a->ok == b->ok && a->domain == b->domain && a->code == b->code;
}

/* Whether @b's lines are @a's, ignoring the lines about sink contents @b does not have. */
static gboolean
same_summary (Run *a,
              Run *b)
{
  guint i, j = 0;

  for (i = 0; i < a->summary->len; i++)
    {
      const char *line = g_ptr_array_index (a->summary, i);

      if (!b->use_sinks && g_str_has_prefix (line, "sink "))
        continue;
      if (j >= b->summary->len || strcmp (line, g_ptr_array_index (b->summary, j)) != 0)
        return FALSE;
      j++;
    }
  return j == b->summary->len;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint8 *body = data;
  gsize len = size;
  gsize step = rp_fuzz_chunk_size (&body, &len);
  Run whole, chunked, discarded;

  read_body (&whole, body, len, G_MAXSIZE, TRUE);
  read_body (&chunked, body, len, step, TRUE);
  read_body (&discarded, body, len, step, FALSE);

  rp_fuzz_assert (same_outcome (&whole, &chunked));
  rp_fuzz_assert (same_outcome (&whole, &discarded));
  if (whole.ok)
    {
      rp_fuzz_assert (same_summary (&whole, &chunked));
      rp_fuzz_assert (same_summary (&whole, &discarded));
    }

  run_clear (&whole);
  run_clear (&chunked);
  run_clear (&discarded);

  /* The entry point the transport code ships for fuzzing reads the same input. */
  rp_transport_fuzz_images_reader (data, size);
  return 0;
}
