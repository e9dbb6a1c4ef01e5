/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "rp-core.h"
#include "rp-http-send-private.h"
#include "rp-test-transport.h"
#include "rp-test-util.h"

/* The edit request's own HTTP/1.1 sender against a scripted server on loopback: the bytes
 * it puts on the wire, and every way a reply may be framed, split or cut. */

typedef struct
{
  GSocketService *service;
  guint16         port;
  guint           connections;
  guint           active;      /* connections still being served */
  GByteArray     *request;     /* everything the last client sent */
  gsize           head_len;    /* of that request, up to and with its blank line */
  const char     *reply;       /* sent once the request is in; NULL: close without a word */
  gsize           reply_len;
  gboolean        dribble;     /* send the reply a byte at a time */
  gboolean        hold;        /* keep the connection open after the reply */
  GIOStream      *held;
  GTlsCertificate *tls;        /* speak TLS with this certificate */
  gboolean        handshake_failed;
} Server;

typedef struct
{
  Server    *server;
  GIOStream *conn;
  guint8     buffer[65536];
  gsize      sent;
} Peer;

static void peer_read (Peer *peer);

static void
peer_free (Peer *peer)
{
  peer->server->active--;
  if (peer->server->hold && peer->server->held == NULL)
    peer->server->held = g_object_ref (peer->conn);
  else
    g_io_stream_close (peer->conn, NULL, NULL);
  g_object_unref (peer->conn);
  g_free (peer);
}

static gboolean dribble_next (gpointer data);

static void
on_reply_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Peer *peer = data;
  gsize n = 0;

  /* The client may have gone (a refused request): that ends the conversation too. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &n, NULL))
    {
      peer_free (peer);
      return;
    }
  peer->sent += n;
  if (peer->sent < peer->server->reply_len)
    {
      g_timeout_add (1, dribble_next, peer);
      return;
    }
  peer_free (peer);
}

static gboolean
dribble_next (gpointer data)
{
  Peer *peer = data;
  Server *server = peer->server;
  gsize n = server->dribble ? 1 : server->reply_len - peer->sent;

  g_output_stream_write_all_async (g_io_stream_get_output_stream (peer->conn),
                                   server->reply + peer->sent, n, G_PRIORITY_DEFAULT, NULL,
                                   on_reply_written, peer);
  return G_SOURCE_REMOVE;
}

/* The request is complete once its head is and Content-Length bytes follow. */
static gboolean
request_complete (Server *server)
{
  const char *data = (const char *) server->request->data;
  const char *end = g_strstr_len (data, server->request->len, "\r\n\r\n");
  g_autofree char *head = NULL;
  const char *length;

  if (end == NULL)
    return FALSE;
  server->head_len = end + 4 - data;
  head = g_ascii_strdown (data, server->head_len);
  length = strstr (head, "\r\ncontent-length: ");
  g_assert_nonnull (length);
  return server->request->len >= server->head_len + g_ascii_strtoull (length + 18, NULL, 10);
}

static void
on_request_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Peer *peer = data;
  Server *server = peer->server;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      peer_free (peer);
      return;
    }
  g_byte_array_append (server->request, peer->buffer, n);
  if (!request_complete (server))
    {
      peer_read (peer);
      return;
    }
  if (server->reply == NULL)
    {
      peer_free (peer);
      return;
    }
  dribble_next (peer);
}

static void
peer_read (Peer *peer)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (peer->conn), peer->buffer,
                             sizeof peer->buffer, G_PRIORITY_DEFAULT, NULL, on_request_read, peer);
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Peer *peer = data;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL))
    {
      peer->server->handshake_failed = TRUE;
      peer_free (peer);
      return;
    }
  peer_read (peer);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *conn,
             GObject           *source,
             Server            *server)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GError) error = NULL;

  /* Small writes go out as they are, so the client sees the reply in pieces. */
  g_socket_set_option (g_socket_connection_get_socket (conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  server->connections++;
  server->active++;
  g_byte_array_set_size (server->request, 0);
  peer->server = server;
  if (server->tls == NULL)
    {
      peer->conn = g_object_ref (G_IO_STREAM (conn));
      peer_read (peer);
      return TRUE;
    }
  peer->conn = g_tls_server_connection_new (G_IO_STREAM (conn), server->tls, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (peer->conn), G_PRIORITY_DEFAULT, NULL, on_handshake, peer);
  return TRUE;
}

static void
server_start (Server     *server,
              const char *reply,
              gssize      reply_len)
{
  g_autoptr(GError) error = NULL;

  server->service = g_socket_service_new ();
  server->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (server->service), NULL, &error);
  g_assert_no_error (error);
  server->request = g_byte_array_new ();
  server->reply = reply;
  server->reply_len = reply == NULL ? 0 : reply_len >= 0 ? (gsize) reply_len : strlen (reply);
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_socket_service_start (server->service);
}

/* Call after the client let go of its connection: the server finishes with it first. */
static void
server_stop (Server *server)
{
  while (server->active > 0)
    g_main_context_iteration (NULL, TRUE);
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  if (server->held != NULL)
    g_io_stream_close (server->held, NULL, NULL);
  g_clear_object (&server->held);
  g_clear_pointer (&server->request, g_byte_array_unref);
  g_clear_object (&server->tls);
}

/* ---- The client side ----------------------------------------------------------------- */

static gboolean
accept_trusted (GTlsConnection       *conn,
                GTlsCertificate      *peer,
                GTlsCertificateFlags  errors,
                GTlsCertificate      *trusted)
{
  return trusted != NULL && g_tls_certificate_is_same (peer, trusted);
}

/* The system does not know the test's certificate: a call may trust it by hand. */
static void
on_client_event (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *conn,
                 GTlsCertificate    *trusted)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (conn, "accept-certificate", G_CALLBACK (accept_trusted), trusted);
}

/* POSTs @body to @server (path @path; https when it speaks TLS, trusting only @trusted)
 * and reads the whole reply. */
static void
call_run (RpTestSend      *call,
          Server          *server,
          const char      *path,
          const char      *body,
          GCancellable    *cancellable,
          GTlsCertificate *trusted)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u%s", server->tls != NULL ? "https" : "http",
                                          server->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (body, strlen (body), NULL);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (server->tls != NULL)
    {
      g_socket_client_set_tls (client, TRUE);
      g_signal_connect (client, "event", G_CALLBACK (on_client_event), trusted);
    }
  soup_message_headers_replace (headers, "Content-Type", "text/plain");
  soup_message_headers_replace (headers, "Authorization", "Bearer sk-test");
  rp_test_send_run (call, client, msg, stream, strlen (body), cancellable);
  /* The reply's headers were read into the message. */
  if (call->reply != NULL)
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "X-Reply"),
                     ==, "yes");
}

static void
assert_body (RpTestSend *call,
             const char *expected)
{
  g_assert_no_error (call->error);
  g_assert_cmpmem (call->body->data, call->body->len, expected, strlen (expected));
}

/* ---- Tests ------------------------------------------------------------------------------ */

/* What goes on the wire: the request line with path and query, Host with the port, the
 * message's headers, the exact length, one exchange per connection, then the body. */
static void
test_request_bytes (void)
{
  Server server = { 0, };
  RpTestSend call = { 0, };
  g_autofree char *head = NULL;
  g_autofree char *host = NULL;

  server_start (&server, "HTTP/1.1 200 OK\r\nX-Reply: yes\r\nContent-Length: 2\r\n\r\n{}", -1);
  call_run (&call, &server, "/v1/images/edits?key=abc", "0123456789", NULL, NULL);
  assert_body (&call, "{}");
  g_assert_cmpuint (call.status, ==, 200);
  g_assert_cmpuint (call.connected, >=, 1);
  g_assert_true (call.wrote_all);
  g_assert_cmpint (call.wrote, ==, 10);

  head = g_strndup ((const char *) server.request->data, server.head_len);
  host = g_strdup_printf ("\r\nHost: 127.0.0.1:%u\r\n", server.port);
  g_assert_true (g_str_has_prefix (head, "POST /v1/images/edits?key=abc HTTP/1.1\r\n"));
  g_assert_nonnull (strstr (head, host));
  g_assert_nonnull (strstr (head, "\r\nContent-Type: text/plain\r\n"));
  g_assert_nonnull (strstr (head, "\r\nAuthorization: Bearer sk-test\r\n"));
  g_assert_nonnull (strstr (head, "\r\nUser-Agent: Repaint/test\r\n"));
  g_assert_nonnull (strstr (head, "\r\nContent-Length: 10\r\n"));
  g_assert_nonnull (strstr (head, "\r\nConnection: close\r\n"));
  g_assert_true (g_str_has_suffix (head, "\r\n\r\n"));
  g_assert_cmpmem (server.request->data + server.head_len, server.request->len - server.head_len,
                   "0123456789", 10);
  rp_test_send_clear (&call);
  server_stop (&server);
}

typedef struct
{
  const char *name;
  const char *reply;
  gboolean    dribble;
  guint       status;
  const char *body;         /* NULL: a G_IO_ERROR with @code instead */
  int         code;
} Framing;

/* Every framing the reply may use, whole and a byte at a time. */
static void
test_framing (gconstpointer data)
{
  const Framing *f = data;
  Server server = { .dribble = f->dribble, };
  RpTestSend call = { 0, };

  server_start (&server, f->reply, -1);
  call_run (&call, &server, "/edit", "body", NULL, NULL);
  g_assert_true (call.finished);
  g_assert_cmpuint (call.status, ==, f->status);
  if (f->body != NULL)
    assert_body (&call, f->body);
  else
    g_assert_error (call.error, G_IO_ERROR, f->code);
  rp_test_send_clear (&call);
  server_stop (&server);
}

#define CHUNKED "HTTP/1.1 200 OK\r\nX-Reply: yes\r\nTransfer-Encoding: chunked\r\n\r\n"

static const Framing framings[] = {
  { "content-length", "HTTP/1.1 200 OK\r\nX-Reply: yes\r\nContent-Length: 11\r\n\r\nhello world", FALSE,
    200, "hello world" },
  { "chunked", CHUNKED "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n", FALSE, 200,
    "hello world" },
  { "chunked-dribbled", CHUNKED "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", TRUE, 200, "hello world" },
  { "content-length-dribbled", "HTTP/1.1 201 Created\r\nX-Reply: yes\r\nContent-Length: 5\r\n\r\nhello",
    TRUE, 201, "hello" },
  { "interim-continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-Reply: yes\r\nContent-Length: 2\r\n\r\nok",
    FALSE, 200, "ok" },
  { "bare-newlines", "HTTP/1.1 200 OK\nX-Reply: yes\nContent-Length: 2\n\nok", FALSE, 200, "ok" },
  { "until-close", "HTTP/1.0 200 OK\r\nX-Reply: yes\r\n\r\nall of it", FALSE, 200, "all of it" },
  { "no-content", "HTTP/1.1 204 No Content\r\nX-Reply: yes\r\n\r\nstray", FALSE, 204, "" },
  /* Short of Content-Length: the stream ends; the reader compares it with the length. */
  { "content-length-cut", "HTTP/1.1 200 OK\r\nX-Reply: yes\r\nContent-Length: 100\r\n\r\nhello", FALSE,
    200, "hello" },
  { "chunk-cut", CHUNKED "10\r\nhello", FALSE, 200, NULL, G_IO_ERROR_PARTIAL_INPUT },
  { "chunk-size-invalid", CHUNKED "zz\r\nhello\r\n0\r\n\r\n", FALSE, 200, NULL,
    G_IO_ERROR_INVALID_DATA },
  { "chunk-end-missing", CHUNKED "5\r\nhelloXX0\r\n\r\n", FALSE, 200, NULL,
    G_IO_ERROR_INVALID_DATA },
  { "head-cut", "HTTP/1.1 200 OK\r\nContent-Le", FALSE, 0, NULL, G_IO_ERROR_PARTIAL_INPUT },
  { "not-http", "SSH-2.0-OpenSSH\r\n\r\n", FALSE, 0, NULL, G_IO_ERROR_INVALID_DATA },
};

/* The server reads the request and closes without a word. */
static void
test_no_reply (void)
{
  Server server = { 0, };
  RpTestSend call = { 0, };

  server_start (&server, NULL, 0);
  call_run (&call, &server, "/", "body", NULL, NULL);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_true (call.wrote_all);
  rp_test_send_clear (&call);
  server_stop (&server);
}

/* Headers without end are refused once past the cap, not read forever. */
static void
test_endless_head (void)
{
  g_autoptr(GString) reply = g_string_new ("HTTP/1.1 200 OK\r\n");
  Server server = { .hold = TRUE, };
  RpTestSend call = { 0, };

  while (reply->len < 600 * 1024)
    g_string_append (reply, "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
  server_start (&server, reply->str, reply->len);
  call_run (&call, &server, "/", "body", NULL, NULL);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  rp_test_send_clear (&call);
  server_stop (&server);
}

/* Cancelled while the body goes out: the call ends cancelled and says nothing more. */
static void
test_cancel_during_upload (void)
{
  g_autofree char *body = g_malloc0 (4 * RP_HTTP_SEND_CHUNK_BYTES + 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Server server = { 0, };
  RpTestSend call = { 0, };

  memset (body, 'x', 4 * RP_HTTP_SEND_CHUNK_BYTES);
  call.cancel_after_first_write = g_object_ref (cancellable);
  server_start (&server, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", -1);
  call_run (&call, &server, "/", body, cancellable, NULL);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* What the first write took, at most one piece; nothing after it. */
  g_assert_cmpint (call.wrote, >, 0);
  g_assert_cmpint (call.wrote, <=, RP_HTTP_SEND_CHUNK_BYTES);
  g_assert_false (call.wrote_all);
  rp_test_send_clear (&call);
  server_stop (&server);
}

static GTlsCertificate *
test_certificate (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tls-test-server.pem", NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return certificate;
}

/* Over TLS: the certificate is checked (one the system does not trust is refused before a
 * byte of the request goes out), and a trusted server gets the request and sends a reply
 * a byte at a time through the TLS stream. */
static void
test_tls (void)
{
  Server server = { .dribble = TRUE, };
  RpTestSend untrusted = { 0, };
  RpTestSend trusted = { 0, };
  g_autoptr(GTlsCertificate) certificate = test_certificate ();

  server.tls = test_certificate ();
  server_start (&server, CHUNKED "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", -1);

  call_run (&untrusted, &server, "/secure", "secret body", NULL, NULL);
  g_assert_error (untrusted.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_false (untrusted.wrote_all);
  g_assert_cmpint (untrusted.wrote, ==, 0);
  g_assert_cmpuint (server.request->len, ==, 0);

  call_run (&trusted, &server, "/secure", "secret body", NULL, certificate);
  assert_body (&trusted, "hello world");
  g_assert_cmpuint (trusted.status, ==, 200);
  g_assert_true (g_str_has_prefix ((const char *) server.request->data, "POST /secure HTTP/1.1\r\n"));
  g_assert_cmpmem (server.request->data + server.head_len, server.request->len - server.head_len,
                   "secret body", 11);

  rp_test_send_clear (&untrusted);
  rp_test_send_clear (&trusted);
  server_stop (&server);

  /* The handshakes ran in GIO's worker threads, where GnuTLS (loaded at run time) keeps
   * thread-local data. LeakSanitizer (clang 14) crashes reading that data in threads
   * still alive at exit, so they end here. */
  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  while (g_thread_pool_get_num_unused_threads () > 0)
    g_usleep (1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/http-send/request-bytes", test_request_bytes);
  for (guint i = 0; i < G_N_ELEMENTS (framings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/repaint/http-send/framing/%s", framings[i].name);

      g_test_add_data_func (path, &framings[i], test_framing);
    }
  g_test_add_func ("/repaint/http-send/no-reply", test_no_reply);
  g_test_add_func ("/repaint/http-send/endless-head", test_endless_head);
  g_test_add_func ("/repaint/http-send/cancel-during-upload", test_cancel_during_upload);
  g_test_add_func ("/repaint/http-send/tls", test_tls);

  return g_test_run ();
}
