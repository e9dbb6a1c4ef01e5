/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Edit service benchmarks, each beside an outside tool doing the same work in the same run:
 *
 *   bench-service upload DIR   16 references of 20 MB sent by RpService to a loopback sink,
 *                              and the same multipart sent by curl
 *   bench-service decode DIR   a reply holding ten 4096² images as b64_json read by
 *                              RpService, and the same base64 through `base64 -d`
 *   bench-service serve [FILE] the sink: a server in its own process that discards request
 *                              bodies and answers with FILE (or one small image)
 *
 * Prints "key value" lines for bench/run.sh. The sink runs in a child process so that
 * what it holds does not count towards the measured process's memory. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rp-core.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

#define N_REFERENCES        16
#define REFERENCE_BYTES     (20 * 1024 * 1024)
#define FILLER_CHUNK_BYTES  (1024 * 1024)
#define N_RESULTS           10
#define RESULT_EDGE_PX      4096
#define BENCH_KEY           "sk-bench-not-a-real-key"

static double
now_s (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static void
put_chunk (GByteArray   *png,
           const char   *type,
           const guint8 *data,
           guint32       len)
{
  guint8 be[4] = { len >> 24, len >> 16, len >> 8, len };
  g_autofree guint8 *crc_input = g_malloc (4 + len);
  guint32 crc;
  guint8 crc_be[4];

  memcpy (crc_input, type, 4);
  memcpy (crc_input + 4, data, len);
  crc = rp_test_crc32 (crc_input, 4 + len);
  crc_be[0] = crc >> 24;
  crc_be[1] = crc >> 16;
  crc_be[2] = crc >> 8;
  crc_be[3] = crc;
  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  g_byte_array_append (png, crc_be, 4);
}

/* A valid PNG of @pixbuf with private ancillary chunks inserted before IEND, so that it
 * is @pad_to bytes long (0: none) or a multiple of 3 bytes (@pad_to == 3). */
static GByteArray *
png_with_filler (GdkPixbuf *pixbuf,
                 gsize      pad_to,
                 guint64    seed)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *filler = g_malloc (FILLER_CHUNK_BYTES);
  GByteArray *png = g_byte_array_new ();
  const guint8 *data;
  gsize len;

  rp_png_save_pixbuf (pixbuf, out, RP_PNG_SPEED_PHOTO, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  data = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out));
  len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  g_byte_array_append (png, data, len - 12);   /* all but IEND */

  if (pad_to > 3)
    while (png->len + 12 < pad_to)
      {
        gsize n = MIN (FILLER_CHUNK_BYTES, pad_to - 12 - png->len - 12);

        rp_test_pattern_fill (&seed, filler, n);
        put_chunk (png, "rpFl", filler, n);
      }
  else if (pad_to == 3)
    {
      gsize d = (3 - (png->len + 12 + 12) % 3) % 3;

      put_chunk (png, "rpFl", filler, d);
    }
  put_chunk (png, "IEND", NULL, 0);
  return png;
}

/* ---- The sink (child process) --------------------------------------------------------- */

static GBytes *reply_body;

static void
on_early (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Type",
                                "application/json");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), reply_body);
  soup_message_body_complete (soup_server_message_get_response_body (msg));
}

static gboolean
on_stdin (GIOChannel   *channel,
          GIOCondition  condition,
          gpointer      loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
serve (const char *payload)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GIOChannel) input = g_io_channel_unix_new (STDIN_FILENO);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  if (payload != NULL)
    {
      char *data = NULL;
      gsize len = 0;

      g_file_get_contents (payload, &data, &len, &error);
      g_assert_no_error (error);
      reply_body = g_bytes_new_take (data, len);
    }
  else
    {
      g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (64, 64, FALSE);
      g_autoptr(GByteArray) png = png_with_filler (pixbuf, 0, 1);
      g_autofree char *b64 = g_base64_encode (png->data, png->len);
      char *json = g_strdup_printf ("{\"data\":[{\"b64_json\":\"%s\"}]}", b64);

      reply_body = g_bytes_new_take (json, strlen (json));
    }
  soup_server_add_early_handler (server, NULL, on_early, NULL, NULL);
  soup_server_add_handler (server, NULL, on_request, NULL, NULL);
  soup_server_listen (server, address, 0, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  printf ("%d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_io_add_watch (input, G_IO_IN | G_IO_HUP, on_stdin, loop);
  g_main_loop_run (loop);
  return 0;
}

typedef struct
{
  GSubprocess *proc;
  char        *url;
} Sink;

static void
sink_start (Sink       *sink,
            const char *self,
            const char *payload)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *port = NULL;

  sink->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 self, "serve", payload, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sink->proc));
  port = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  sink->url = g_strdup_printf ("http://127.0.0.1:%s/v1", port);
}

static void
sink_stop (Sink *sink)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (sink->proc), NULL, NULL);
  g_subprocess_wait (sink->proc, NULL, NULL);
  g_clear_object (&sink->proc);
  g_clear_pointer (&sink->url, g_free);
}

/* ---- Running a job and watching it ------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  double    t_uploading;
  double    t_waiting;
  double    t_receiving;
  double    t_received;
  gint64    expect_bytes;
  gsize     peak_kb;
  gboolean  cancel_when_received;
} Watch;

static void
on_state (RpJob      *job,
          GParamSpec *pspec,
          Watch      *w)
{
  switch (rp_job_get_state (job))
    {
    case RP_JOB_STATE_UPLOADING:
      if (w->t_uploading == 0)
        w->t_uploading = now_s ();
      break;
    case RP_JOB_STATE_WAITING:
      if (w->t_waiting == 0)
        {
          w->t_waiting = now_s ();
          w->peak_kb = rp_test_peak_rss_kb ();
        }
      break;
    case RP_JOB_STATE_RECEIVING:
      if (w->t_receiving == 0)
        w->t_receiving = now_s ();
      break;
    case RP_JOB_STATE_QUEUED:
    case RP_JOB_STATE_PREPARING:
    case RP_JOB_STATE_DONE:
    case RP_JOB_STATE_FAILED:
    case RP_JOB_STATE_CANCELLED:
    default:
      break;
    }
}

/* The bytes are counted before they are fed: the next read is the end of the reply. */
static gboolean
received_all (gpointer data)
{
  Watch *w = data;

  w->t_received = now_s ();
  w->peak_kb = rp_test_peak_rss_kb ();
  return G_SOURCE_REMOVE;
}

static void
on_received (RpJob      *job,
             GParamSpec *pspec,
             Watch      *w)
{
  if (w->expect_bytes > 0 && rp_job_get_bytes_received (job) >= w->expect_bytes && w->t_received == 0)
    {
      /* The last chunk is decoded right after this notification returns. */
      g_idle_add_full (G_PRIORITY_HIGH, received_all, w, NULL);
    }
}

static void
on_result (RpJob       *job,
           RpJobResult *result,
           Watch       *w)
{
  if (w->cancel_when_received)
    rp_job_cancel (job);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Watch *w = user_data;

  w->ok = rp_service_run_job_finish (RP_SERVICE (source), result, NULL);
  w->done = TRUE;
}

static RpProvider *
bench_provider (const char *dir,
                const char *url)
{
  g_autofree char *user = g_build_filename (dir, "providers", NULL);
  g_autofree char *path = g_build_filename (user, "bench.json", NULL);
  g_autofree char *json = g_strdup_printf ("{\"id\":\"bench\",\"name\":\"Bench\",\"extends\":\"openai\","
                                           "\"base_url\":\"%s\",\"api_key_env\":\"BENCH_KEY\","
                                           "\"operations\":{\"edit\":{\"images\":{\"max\":%d}}}}",
                                           url, N_REFERENCES + 1);
  g_autoptr(RpProviderRegistry) registry = NULL;

  g_mkdir_with_parents (user, 0700);
  g_file_set_contents (path, json, -1, NULL);
  registry = rp_provider_registry_new (user, dir);
  rp_provider_registry_load (registry);
  g_assert_cmpuint (g_list_model_get_n_items (rp_provider_registry_get_problems (registry)), ==, 0);
  return g_object_ref (rp_provider_registry_lookup (registry, "bench"));
}

static RpImage *
load (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  RpImage *image = rp_image_load_file (file, NULL, &error);

  g_assert_no_error (error);
  return image;
}

/* ---- (a) Upload ------------------------------------------------------------------------ */

static double
curl_upload (const char *url,
             char      **files)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  double t0;

  g_ptr_array_add (args, g_strdup ("curl"));
  g_ptr_array_add (args, g_strdup ("-s"));
  g_ptr_array_add (args, g_strdup ("-o"));
  g_ptr_array_add (args, g_strdup ("/dev/null"));
  /* No 100-continue round trip: the service does not wait for one either. */
  g_ptr_array_add (args, g_strdup ("-H"));
  g_ptr_array_add (args, g_strdup ("Expect:"));
  g_ptr_array_add (args, g_strdup ("-F"));
  g_ptr_array_add (args, g_strdup ("prompt=bench"));
  g_ptr_array_add (args, g_strdup ("-F"));
  g_ptr_array_add (args, g_strdup ("model=gpt-image-1.5"));
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_ptr_array_add (args, g_strdup ("-F"));
      g_ptr_array_add (args, g_strdup_printf ("image[]=@%s;type=image/png", files[i]));
    }
  g_ptr_array_add (args, g_strdup_printf ("%s/images/edits", url));
  g_ptr_array_add (args, NULL);
  t0 = now_s ();
  proc = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  return now_s () - t0;
}

static int
bench_upload (const char *self,
              const char *dir)
{
  g_autofree char *photo_path = g_build_filename (dir, "photo.png", NULL);
  g_auto(GStrv) files = g_new0 (char *, N_REFERENCES + 2);
  g_autoptr(GdkPixbuf) small = rp_test_pattern_pixbuf (1024, 1024, FALSE);
  g_autoptr(RpImage) photo = NULL;
  g_autoptr(RpProvider) provider = NULL;
  g_autoptr(RpService) service = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(RpJob) job = NULL;
  Watch w = { 0, };
  Sink sink = { 0, };
  double curl_s, repaint_s, total_mb;
  gsize idle_kb;

  gdk_pixbuf_save (small, photo_path, "png", NULL, NULL);
  files[0] = g_strdup (photo_path);
  for (guint i = 0; i < N_REFERENCES; i++)
    {
      g_autofree char *name = g_strdup_printf ("reference-%02u.png", i);
      g_autoptr(GdkPixbuf) pixbuf = rp_test_pattern_pixbuf (64, 64, FALSE);
      g_autoptr(GByteArray) png = png_with_filler (pixbuf, REFERENCE_BYTES, i + 1);

      files[i + 1] = g_build_filename (dir, name, NULL);
      g_file_set_contents (files[i + 1], (const char *) png->data, png->len, NULL);
    }

  sink_start (&sink, self, NULL);
  provider = bench_provider (dir, sink.url);
  photo = load (photo_path);
  params = rp_params_new (provider, "gpt-image-1.5", NULL);
  job = rp_job_new (photo, NULL, "bench", params);
  for (guint i = 0; i < N_REFERENCES; i++)
    {
      g_autoptr(RpImage) reference = load (files[i + 1]);

      rp_job_add_reference (job, reference);
    }
  service = rp_service_new (NULL, NULL);
  rp_service_set_api_key (service, "bench", BENCH_KEY);
  g_signal_connect (job, "notify::state", G_CALLBACK (on_state), &w);

  curl_s = curl_upload (sink.url, files);

  idle_kb = rp_test_current_rss_kb ();
  rp_test_reset_peak_rss ();
  rp_service_run_job_async (service, job, NULL, on_done, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (w.ok);
  repaint_s = w.t_waiting - w.t_uploading;
  total_mb = rp_job_get_bytes_total (job) / (1024.0 * 1024.0);
  sink_stop (&sink);

  printf ("upload_mb %.0f\n", total_mb);
  printf ("upload_repaint_s %.3f\n", repaint_s);
  printf ("upload_curl_s %.3f\n", curl_s);
  printf ("upload_repaint_mb_s %.0f\n", total_mb / repaint_s);
  printf ("upload_curl_mb_s %.0f\n", total_mb / curl_s);
  printf ("upload_throughput_ratio %.2f\n", curl_s / repaint_s);
  printf ("upload_rss_growth_mb %.1f\n", (w.peak_kb > idle_kb ? w.peak_kb - idle_kb : 0) / 1024.0);
  return 0;
}

/* ---- (b) Decode ------------------------------------------------------------------------ */

static GdkPixbuf *
photo_like (int size)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, size, size);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint64 state = 7;

  /* Smooth gradients with a little grain: compresses about as well as a photo. */
  for (int y = 0; y < size; y++)
    {
      guint8 noise[3 * RESULT_EDGE_PX];

      rp_test_pattern_fill (&state, noise, 3 * size);
      for (int x = 0; x < size; x++)
        {
          guint8 *p = pixels + y * stride + 3 * x;

          p[0] = (x / 16) + (noise[3 * x] & 7);
          p[1] = (y / 16) + (noise[3 * x + 1] & 7);
          p[2] = ((x + y) / 32) + (noise[3 * x + 2] & 7);
        }
    }
  return pixbuf;
}

static void
write_payload (const char *json_path,
               const char *b64_path)
{
  g_autoptr(GdkPixbuf) pixbuf = photo_like (RESULT_EDGE_PX);
  g_autoptr(GByteArray) png = png_with_filler (pixbuf, 3, 1);
  g_autofree char *b64 = g_base64_encode (png->data, png->len);
  FILE *json = fopen (json_path, "w");
  FILE *raw = fopen (b64_path, "w");

  fputs ("{\"created\":1713833628,\"data\":[", json);
  for (int i = 0; i < N_RESULTS; i++)
    {
      fprintf (json, "%s{\"b64_json\":\"%s\"}", i ? "," : "", b64);
      fputs (b64, raw);
    }
  fputs ("],\"usage\":{\"input_tokens\":50,\"output_tokens\":50,\"total_tokens\":100}}", json);
  fclose (json);
  fclose (raw);
}

static double
base64_decode (const char *b64_path,
               const char *out_path)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  double t0;

  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  t0 = now_s ();
  proc = g_subprocess_launcher_spawn (launcher, &error, "base64", "-d", b64_path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  return now_s () - t0;
}

static int
bench_decode (const char *self,
              const char *dir)
{
  g_autofree char *json_path = g_build_filename (dir, "reply.json", NULL);
  g_autofree char *b64_path = g_build_filename (dir, "images.b64", NULL);
  g_autofree char *out_path = g_build_filename (dir, "images.bin", NULL);
  g_autofree char *photo_path = g_build_filename (dir, "photo.png", NULL);
  g_autoptr(GdkPixbuf) small = rp_test_pattern_pixbuf (512, 512, FALSE);
  g_autoptr(RpImage) photo = NULL;
  g_autoptr(RpProvider) provider = NULL;
  g_autoptr(RpService) service = NULL;
  g_autoptr(RpParams) params = NULL;
  g_autoptr(RpJob) job = NULL;
  g_autoptr(GFile) json_file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  Watch w = { 0, };
  Sink sink = { 0, };
  double base64_s, repaint_s;
  gsize idle_kb;

  if (!g_file_test (json_path, G_FILE_TEST_EXISTS))
    write_payload (json_path, b64_path);
  json_file = g_file_new_for_path (json_path);
  info = g_file_query_info (json_file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  w.expect_bytes = g_file_info_get_size (info);
  w.cancel_when_received = TRUE;
  gdk_pixbuf_save (small, photo_path, "png", NULL, NULL);

  sink_start (&sink, self, json_path);
  provider = bench_provider (dir, sink.url);
  photo = load (photo_path);
  params = rp_params_new (provider, "gpt-image-1.5", NULL);
  rp_params_set_int (params, "n", N_RESULTS, NULL);
  job = rp_job_new (photo, NULL, "bench", params);
  service = rp_service_new (NULL, NULL);
  rp_service_set_api_key (service, "bench", BENCH_KEY);
  g_signal_connect (job, "notify::state", G_CALLBACK (on_state), &w);
  g_signal_connect (job, "notify::bytes-received", G_CALLBACK (on_received), &w);
  g_signal_connect (job, "result-added", G_CALLBACK (on_result), &w);

  base64_s = base64_decode (b64_path, out_path);
  g_unlink (out_path);

  idle_kb = rp_test_current_rss_kb ();
  rp_test_reset_peak_rss ();
  rp_service_run_job_async (service, job, NULL, on_done, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (w.t_received > 0);
  /* Every image decoded into the journal, checked and handed over. */
  g_assert_cmpuint (rp_history_entry_get_n_outputs (rp_job_get_entry (job)), ==, N_RESULTS);
  repaint_s = w.t_received - w.t_receiving;
  sink_stop (&sink);

  printf ("decode_payload_mb %.0f\n", w.expect_bytes / (1024.0 * 1024.0));
  printf ("decode_repaint_s %.3f\n", repaint_s);
  printf ("decode_base64_s %.3f\n", base64_s);
  printf ("decode_ratio %.2f\n", repaint_s / base64_s);
  printf ("decode_rss_growth_mb %.1f\n", (w.peak_kb > idle_kb ? w.peak_kb - idle_kb : 0) / 1024.0);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 2 && g_str_equal (argv[1], "serve"))
    return serve (argc >= 3 ? argv[2] : NULL);
  if (argc != 3)
    {
      fprintf (stderr, "usage: bench-service upload|decode DIR\n");
      return 2;
    }
  g_log_writer_default_set_use_stderr (TRUE);
  if (g_str_equal (argv[1], "upload"))
    return bench_upload (argv[0], argv[2]);
  if (g_str_equal (argv[1], "decode"))
    return bench_decode (argv[0], argv[2]);
  fprintf (stderr, "usage: bench-service upload|decode DIR\n");
  return 2;
}
