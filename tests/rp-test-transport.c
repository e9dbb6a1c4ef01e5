/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "rp-http-send-private.h"
#include "rp-test-transport.h"

#define CHUNK_BYTES (64 * 1024)

void
rp_test_pattern_fill (guint64 *state,
                      guint8  *buf,
                      gsize    len)
{
  gsize i;

  for (i = 0; i < len; i++)
    {
      *state ^= *state << 13;
      *state ^= *state >> 7;
      *state ^= *state << 17;
      buf[i] = *state >> 24;
    }
}

char *
rp_test_write_file (const char *dir,
                    const char *name,
                    const void *data,
                    gsize       len)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

char *
rp_test_write_pattern_file (const char *dir,
                            const char *name,
                            gsize       size,
                            guint64     seed)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_autofree guint8 *buf = g_malloc (CHUNK_BYTES);
  guint64 state = seed;
  gsize done = 0;

  g_assert_no_error (error);
  while (done < size)
    {
      gsize n = MIN (CHUNK_BYTES, size - done);

      rp_test_pattern_fill (&state, buf, n);
      g_output_stream_write_all (G_OUTPUT_STREAM (out), buf, n, NULL, NULL, &error);
      g_assert_no_error (error);
      done += n;
    }
  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error);
  g_assert_no_error (error);
  return path;
}

GBytes *
rp_test_read_stream (GInputStream *stream,
                     gsize         chunk)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree guint8 *buf = g_malloc (chunk);
  g_autoptr(GError) error = NULL;
  gssize n;

  while ((n = g_input_stream_read (stream, buf, chunk, NULL, &error)) > 0)
    g_byte_array_append (out, buf, n);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
rp_test_files_equal (const char *a,
                     const char *b)
{
  g_autoptr(GFile) fa = g_file_new_for_path (a);
  g_autoptr(GFile) fb = g_file_new_for_path (b);
  g_autoptr(GFileInputStream) ia = g_file_read (fa, NULL, NULL);
  g_autoptr(GFileInputStream) ib = g_file_read (fb, NULL, NULL);
  g_autofree guint8 *ba = g_malloc (CHUNK_BYTES);
  g_autofree guint8 *bb = g_malloc (CHUNK_BYTES);

  if (ia == NULL || ib == NULL)
    return FALSE;
  for (;;)
    {
      gsize na = 0, nb = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (ia), ba, CHUNK_BYTES, &na, NULL, NULL) ||
          !g_input_stream_read_all (G_INPUT_STREAM (ib), bb, CHUNK_BYTES, &nb, NULL, NULL))
        return FALSE;
      if (na != nb || memcmp (ba, bb, na) != 0)
        return FALSE;
      if (na == 0)
        return TRUE;
    }
}

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

/* Writing 5 to clear_refs resets VmHWM (Linux 4.0 and later). Under AddressSanitizer
 * freed memory sits in quarantine, so peak RSS says nothing about the code. */
gboolean
rp_test_reset_peak_rss (void)
{
  int fd;
  gboolean ok;

#ifdef UNDER_ASAN
  return FALSE;
#endif
  fd = g_open ("/proc/self/clear_refs", O_WRONLY, 0);
  if (fd < 0)
    return FALSE;
  ok = write (fd, "5", 1) == 1;
  close (fd);
  return ok;
}

gsize
rp_test_current_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line ? (gsize) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static void
send_connected (gpointer data)
{
  ((RpTestSend *) data)->connected++;
}

static void
send_wrote_data (gsize    n,
                 gpointer data)
{
  RpTestSend *send = data;

  g_assert_false (send->wrote_all);
  send->wrote += n;
  if (send->cancel_after_first_write != NULL)
    g_cancellable_cancel (send->cancel_after_first_write);
}

static void
send_wrote_body (gpointer data)
{
  ((RpTestSend *) data)->wrote_all = TRUE;
}

static const RpHttpSendEvents send_events = {
  .connected = send_connected,
  .wrote_body_data = send_wrote_data,
  .wrote_body = send_wrote_body,
};

typedef struct
{
  RpTestSend *send;
  gboolean    done;
} SendRun;

/* Small reads: the reply's framing must hold across any split. */
#define REPLY_READ_BYTES 7

static void
send_body_read (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SendRun *run = data;
  RpTestSend *send = run->send;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (send->reply, result, &send->error);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      run->done = TRUE;
      return;
    }
  g_byte_array_append (send->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (send->reply, REPLY_READ_BYTES, G_PRIORITY_DEFAULT, NULL,
                                   send_body_read, run);
}

static void
send_sent (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  SendRun *run = data;
  RpTestSend *send = run->send;

  send->reply = rp_http_send_finish (result, &send->status, &send->error);
  send->finished = TRUE;
  if (send->reply == NULL)
    {
      run->done = TRUE;
      return;
    }
  g_input_stream_read_bytes_async (send->reply, REPLY_READ_BYTES, G_PRIORITY_DEFAULT, NULL,
                                   send_body_read, run);
}

/* Sends @msg with @body through @client and reads the reply, iterating the thread's main
 * context (where a test's server runs too) until both are over. */
void
rp_test_send_run (RpTestSend    *send,
                  GSocketClient *client,
                  SoupMessage   *msg,
                  GInputStream  *body,
                  goffset        length,
                  GCancellable  *cancellable)
{
  SendRun run = { send, FALSE };

  send->body = g_byte_array_new ();
  rp_http_send_async (client, msg, "Repaint/test", body, length, &send_events, send, cancellable,
                      send_sent, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
}

void
rp_test_send_clear (RpTestSend *send)
{
  g_clear_error (&send->error);
  g_clear_object (&send->reply);
  g_clear_pointer (&send->body, g_byte_array_unref);
  g_clear_object (&send->cancel_after_first_write);
}
