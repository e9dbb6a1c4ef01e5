/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-http"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-http-private.h"
#include "rp-http-send-private.h"
#include "rp-json-body.h"
#include "rp-json-util.h"
#include "rp-multipart-body.h"
#include "rp-retry.h"

/* The HTTP engine, request side: the body from the journal's files, the attempt with its
 * timeouts, progress and cancellation, and what to do with a failed reply (classify it
 * with the definition's rules; retry only what cannot have been billed). Reading the
 * replies is in rp-http-response.c. */

#define DEFAULT_MAX_RESPONSE_BYTES ((gint64) 512 * 1024 * 1024)
/* Upload progress is passed on at most this often. */
#define PROGRESS_INTERVAL_US       (50 * 1000)
/* Jitter taken off an exponential backoff, as a fraction of it. */
#define BACKOFF_JITTER             0.25

struct _RpHttpBackend
{
  GObject      parent_instance;

  SoupSession   *session;
  /* The edit request itself goes out through rp_http_send_async() (see there why). */
  GSocketClient *plain_client;
  GSocketClient *tls_client;
  char          *user_agent;
};

static void edit_backend_iface_init (RpEditBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RpHttpBackend, rp_http_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RP_TYPE_EDIT_BACKEND, edit_backend_iface_init))

static void
rp_http_backend_dispose (GObject *object)
{
  RpHttpBackend *self = RP_HTTP_BACKEND (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->plain_client);
  g_clear_object (&self->tls_client);
  g_clear_pointer (&self->user_agent, g_free);

  G_OBJECT_CLASS (rp_http_backend_parent_class)->dispose (object);
}

static void
rp_http_backend_class_init (RpHttpBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rp_http_backend_dispose;
}

static void
rp_http_backend_init (RpHttpBackend *self)
{
  self->user_agent = g_strdup_printf ("Repaint/%s", PACKAGE_VERSION);
  /* Timeouts are per provider and per phase, so the engine keeps its own watchdog; the
   * session's would apply one value to every provider. */
  self->session = soup_session_new_with_options ("user-agent", self->user_agent,
                                                 "timeout", 0,
                                                 "idle-timeout", 60,
                                                 "max-conns-per-host", 8,
                                                 NULL);
  self->plain_client = g_socket_client_new ();
  self->tls_client = g_socket_client_new ();
  g_socket_client_set_tls (self->tls_client, TRUE);
}

RpHttpBackend *
rp_http_backend_new (void)
{
  return g_object_new (RP_TYPE_HTTP_BACKEND, NULL);
}

SoupSession *
rp_http_backend_get_session (RpHttpBackend *self)
{
  return self->session;
}

/* ---- The request ----------------------------------------------------------------------- */

static void
wipe (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

static void
out_item_free (gpointer data)
{
  RpOutItem *item = data;

  g_clear_object (&item->part);
  g_free (item->url);
  g_clear_pointer (&item->meta, json_object_unref);
  g_free (item);
}

static void
rp_http_request_free (RpHttpRequest *req)
{
  rp_http_exchange_clear (req);
  g_clear_object (&req->backend);
  g_clear_object (&req->provider);
  g_clear_object (&req->params);
  g_free (req->url);
  wipe (req->url_with_key);
  g_free (req->base_url);
  g_free (req->origin);
  wipe (req->auth_value);
  g_clear_object (&req->body);
  g_queue_clear_full (&req->outputs, out_item_free);
  g_clear_pointer (&req->reply_meta, json_object_unref);
  g_clear_pointer (&req->usage, json_node_unref);
  g_free (req->task_id);
  g_free (req->poll_url);
  g_clear_pointer (&req->wait_sources, g_ptr_array_unref);
  g_free (req);
}

gboolean
rp_http_request_is_over (RpHttpRequest *req)
{
  return req->over;
}

/* Ends the request with @error (taken); details go to the run first. */
void
rp_http_request_fail (RpHttpRequest *req,
                      GError        *error)
{
  if (req->over)
    {
      g_error_free (error);
      return;
    }
  req->over = TRUE;
  rp_http_exchange_clear (req);
  if (req->wait_sources != NULL)
    g_ptr_array_set_size (req->wait_sources, 0);
  if (g_cancellable_is_cancelled (req->cancellable) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    }
  g_task_return_error (req->task, error);
}

void
rp_http_request_fail_kind (RpHttpRequest *req,
                           RpJobError     kind,
                           const char    *provider_message,
                           guint          status,
                           const char    *code,
                           const char    *next_step,
                           const char    *format,
                           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (req->over)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("%s %s failed (%s): %s%s%s", req->method, req->url, rp_job_error_kind_to_string (kind),
           message, provider_message ? " — " : "", provider_message ? provider_message : "");
  rp_edit_run_set_failure_details (req->run, provider_message, status, code, next_step);
  rp_http_request_fail (req, g_error_new_literal (RP_JOB_ERROR, kind, message));
}

/* Every result is in the journal: the run is complete. */
void
rp_http_request_succeed (RpHttpRequest *req)
{
  if (req->over)
    return;
  req->over = TRUE;
  rp_http_exchange_clear (req);
  if (req->wait_sources != NULL)
    g_ptr_array_set_size (req->wait_sources, 0);
  g_task_return_boolean (req->task, TRUE);
}

const char *
rp_http_request_provider_name (RpHttpRequest *req)
{
  return rp_provider_get_name (req->provider);
}

/* "https://host:port" of the address requests go to: the key is only ever sent there. */
static char *
origin_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), g_uri_get_host (uri),
                          g_uri_get_port (uri) > 0 ? g_uri_get_port (uri)
                                                   : g_str_equal (g_uri_get_scheme (uri), "https") ? 443 : 80);
}

gboolean
rp_http_request_same_origin (RpHttpRequest *req,
                             const char    *url)
{
  g_autofree char *origin = origin_of (url);

  return origin != NULL && req->origin != NULL && g_ascii_strcasecmp (origin, req->origin) == 0;
}

static void
append_query (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *n = g_uri_escape_string (name, NULL, TRUE);
  g_autofree char *v = g_uri_escape_string (value, NULL, TRUE);

  g_string_append_c (url, strchr (url->str, '?') != NULL ? '&' : '?');
  g_string_append_printf (url, "%s=%s", n, v);
}

/* Adds the key where the definition says; returns the URL to use (with the key when it
 * goes in the query: that string is never logged). */
char *
rp_http_request_authorize (RpHttpRequest *req,
                           SoupMessage   *msg,
                           const char    *url)
{
  const RpAuthSpec *auth = rp_provider_get_auth (req->provider);
  const char * const *headers = rp_provider_get_headers (req->provider);
  SoupMessageHeaders *out = soup_message_get_request_headers (msg);

  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (out, headers[i], headers[i + 1]);
  if (req->auth_value == NULL)
    return g_strdup (url);
  if (auth->location == RP_AUTH_HEADER)
    {
      soup_message_headers_replace (out, auth->name, req->auth_value);
      return g_strdup (url);
    }
  else
    {
      GString *with_key = g_string_new (url);

      append_query (with_key, auth->name, req->auth_value);
      return g_string_free (with_key, FALSE);
    }
}

static char *
format_auth (const RpAuthSpec *auth,
             const char       *key)
{
  const char *at = strstr (auth->format, "{key}");

  if (at == NULL)
    return g_strdup (auth->format);
  return g_strdup_printf ("%.*s%s%s", (int) (at - auth->format), auth->format, key,
                          at + strlen ("{key}"));
}

static char *
build_url (RpHttpRequest *req)
{
  RpModelSpec *spec = rp_params_get_spec (req->params);
  g_autoptr(GPtrArray) query = rp_params_build_query (req->params);
  GString *url = g_string_new (req->base_url);

  g_string_append (url, rp_model_spec_get_path (spec));
  for (guint i = 0; i < query->len; i++)
    {
      RpWireField *field = g_ptr_array_index (query, i);

      append_query (url, field->name, field->text);
    }
  return g_string_free (url, FALSE);
}

static RpJsonImageStyle
json_style (RpJsonItem item,
            gboolean  *ok)
{
  *ok = TRUE;
  switch (item)
    {
    case RP_JSON_ITEM_B64:
      return RP_JSON_IMAGE_BASE64;
    case RP_JSON_ITEM_DATA_URL:
      return RP_JSON_IMAGE_DATA_URL;
    case RP_JSON_ITEM_IMAGE_URL_OBJECT:
      return RP_JSON_IMAGE_URL_OBJECT;
    case RP_JSON_ITEM_URL:
    case RP_JSON_ITEM_FILE_ID_OBJECT:
    default:
      *ok = FALSE;
      return RP_JSON_IMAGE_BASE64;
    }
}

static RpRequestBody *
build_json_body (RpHttpRequest  *req,
                 GError        **error)
{
  RpModelSpec *spec = rp_params_get_spec (req->params);
  const RpImageSpec *images = rp_model_spec_get_images (spec);
  const RpMaskSpec *mask_spec = rp_model_spec_get_mask (spec);
  g_autoptr(GPtrArray) fields = rp_params_build_fields (req->params, RP_ENCODING_JSON);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(RpJsonBody) body = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autoptr(GPtrArray) types = g_ptr_array_new ();
  const RpEditUpload *mask = NULL;
  RpJsonImageStyle style;
  gboolean ok;

  for (guint i = 0; i < fields->len; i++)
    {
      RpWireField *field = g_ptr_array_index (fields, i);

      json_object_set_member (object, field->name, json_gvariant_serialize (field->value));
    }
  body = rp_json_body_new (object);
  for (guint i = 0; i < rp_edit_run_get_n_uploads (req->run); i++)
    {
      const RpEditUpload *u = rp_edit_run_get_upload (req->run, i);

      if (u->role == RP_HISTORY_ROLE_MASK && mask_spec->support != RP_MASK_SUPPORT_LAYER)
        mask = u;
      else
        {
          g_ptr_array_add (files, u->file);
          g_ptr_array_add (types, (gpointer) u->mime_type);
        }
    }

  style = json_style (images->json_item, &ok);
  if (!ok || images->json_field == NULL)
    {
      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("%s takes images in JSON bodies only as web addresses; send a form "
                     "(multipart) body instead."), rp_http_request_provider_name (req));
      return NULL;
    }
  if (images->json_container == RP_JSON_CONTAINER_SCALAR ||
      (images->json_container == RP_JSON_CONTAINER_ARRAY_IF_MANY && files->len == 1))
    {
      if (files->len != 1)
        {
          g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                       _("%s takes one image in a JSON body."), rp_http_request_provider_name (req));
          return NULL;
        }
      if (!rp_json_body_add_image (body, images->json_field, files->pdata[0], types->pdata[0],
                                   style, NULL, error))
        return NULL;
    }
  else if (!rp_json_body_add_image_array (body, images->json_field, (GFile * const *) files->pdata,
                                          (const char * const *) types->pdata, files->len, style,
                                          NULL, error))
    return NULL;

  if (mask != NULL)
    {
      style = json_style (mask_spec->json_item, &ok);
      if (!ok || mask_spec->json_field == NULL)
        {
          g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                       _("%s takes no mask in a JSON body; send a form (multipart) body "
                         "instead."), rp_http_request_provider_name (req));
          return NULL;
        }
      if (!rp_json_body_add_image (body, mask_spec->json_field, mask->file, mask->mime_type, style,
                                   NULL, error))
        return NULL;
    }
  return RP_REQUEST_BODY (g_steal_pointer (&body));
}

static RpRequestBody *
build_multipart_body (RpHttpRequest  *req,
                      GError        **error)
{
  RpModelSpec *spec = rp_params_get_spec (req->params);
  const RpImageSpec *images = rp_model_spec_get_images (spec);
  const RpMaskSpec *mask_spec = rp_model_spec_get_mask (spec);
  g_autoptr(GPtrArray) fields = rp_params_build_fields (req->params, RP_ENCODING_MULTIPART);
  g_autoptr(RpMultipartBody) body = rp_multipart_body_new ();
  guint n_images = 0, index = 0;

  for (guint i = 0; i < fields->len; i++)
    {
      RpWireField *field = g_ptr_array_index (fields, i);

      rp_multipart_body_add_field (body, field->name, field->text);
    }
  for (guint i = 0; i < rp_edit_run_get_n_uploads (req->run); i++)
    {
      const RpEditUpload *u = rp_edit_run_get_upload (req->run, i);

      if (u->role != RP_HISTORY_ROLE_MASK || mask_spec->support == RP_MASK_SUPPORT_LAYER)
        n_images++;
    }
  for (guint i = 0; i < rp_edit_run_get_n_uploads (req->run); i++)
    {
      const RpEditUpload *u = rp_edit_run_get_upload (req->run, i);
      g_autofree char *name = NULL;
      g_autofree char *filename = NULL;
      const char *ext = rp_image_format_extension (u->format);

      if (u->role == RP_HISTORY_ROLE_MASK && mask_spec->support != RP_MASK_SUPPORT_LAYER)
        {
          name = g_strdup (mask_spec->multipart_field ? mask_spec->multipart_field : "mask");
          filename = g_strdup_printf ("mask.%s", ext);
        }
      else
        {
          name = rp_image_spec_field_name (images, index, n_images);
          filename = u->role == RP_HISTORY_ROLE_MASK ? g_strdup_printf ("mask.%s", ext)
                                                     : g_strdup_printf ("image-%u.%s", index + 1, ext);
          index++;
        }
      if (!rp_multipart_body_add_file (body, name, u->file, filename, u->mime_type, NULL, error))
        return NULL;
    }
  return RP_REQUEST_BODY (g_steal_pointer (&body));
}

/* ---- An attempt ------------------------------------------------------------------------- */

static void
on_job_cancelled (GCancellable *cancellable,
                  GCancellable *attempt)
{
  g_cancellable_cancel (attempt);
}

/* Drops the current message and everything reading it. Safe to call twice. */
void
rp_http_exchange_clear (RpHttpRequest *req)
{
  RpHttpExchange *ex = &req->ex;

  g_clear_handle_id (&ex->watchdog, g_source_remove);
  if (ex->attempt_cancel != NULL)
    {
      g_cancellable_cancel (ex->attempt_cancel);
      if (ex->job_cancel_id != 0)
        g_cancellable_disconnect (req->cancellable, ex->job_cancel_id);
      ex->job_cancel_id = 0;
      g_clear_object (&ex->attempt_cancel);
    }
  if (ex->msg != NULL)
    g_signal_handlers_disconnect_by_data (ex->msg, req);
  g_clear_object (&ex->msg);
  g_clear_object (&ex->stream);
  rp_http_reading_clear (req);
}

/* The watchdog: no progress for the phase's limit cancels the attempt as timed out. It is
 * armed once and pushed back by timestamps, since progress comes every few kilobytes. */
static double
phase_limit_s (RpHttpRequest *req)
{
  return req->ex.connected ? rp_edit_run_get_read_timeout (req->run)
                           : rp_edit_run_get_connect_timeout (req->run);
}

static void arm_watchdog (RpHttpRequest *req,
                          double         seconds);

static gboolean
on_watchdog (gpointer data)
{
  RpHttpRequest *req = data;
  RpHttpExchange *ex = &req->ex;
  double idle_s = (g_get_monotonic_time () - ex->last_io_us) / (double) G_USEC_PER_SEC;
  double limit_s = phase_limit_s (req);

  ex->watchdog = 0;
  if (idle_s < limit_s)
    {
      arm_watchdog (req, limit_s - idle_s);
      return G_SOURCE_REMOVE;
    }
  ex->timed_out = TRUE;
  g_debug ("%s %s: no progress for %.1f s", req->method, req->url, limit_s);
  if (ex->attempt_cancel != NULL)
    g_cancellable_cancel (ex->attempt_cancel);
  return G_SOURCE_REMOVE;
}

static void
arm_watchdog (RpHttpRequest *req,
              double         seconds)
{
  req->ex.watchdog = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (seconds * 1000) + 1,
                                         on_watchdog, req, NULL);
}

void
rp_http_exchange_progress (RpHttpRequest *req)
{
  RpHttpExchange *ex = &req->ex;

  ex->last_io_us = g_get_monotonic_time ();
  if (ex->watchdog == 0 && ex->attempt_cancel != NULL && !ex->timed_out)
    arm_watchdog (req, phase_limit_s (req));
}

/* The connection is up: from now on the (longer) read limit applies. */
static void
set_connected (RpHttpRequest *req)
{
  if (!req->ex.connected)
    {
      req->ex.connected = TRUE;
      g_clear_handle_id (&req->ex.watchdog, g_source_remove);
    }
  rp_http_exchange_progress (req);
}

static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  RpHttpRequest      *req)
{
  if (event == G_SOCKET_CLIENT_COMPLETE)
    set_connected (req);
}

static void
on_wrote_headers (SoupMessage   *msg,
                  RpHttpRequest *req)
{
  set_connected (req);
}

static void
report_upload (RpHttpRequest *req,
               gboolean       force)
{
  gint64 now = g_get_monotonic_time ();

  if (!force && now - req->ex.last_progress_us < PROGRESS_INTERVAL_US)
    return;
  req->ex.last_progress_us = now;
  rp_edit_run_set_upload_progress (req->run, req->ex.sent, req->body_length);
}

static void
on_send_connected (gpointer data)
{
  set_connected (data);
}

static void
on_wrote_body_data (gsize    n,
                    gpointer data)
{
  RpHttpRequest *req = data;

  req->ex.sent += n;
  report_upload (req, FALSE);
  rp_http_exchange_progress (req);
}

static void
on_wrote_body (gpointer data)
{
  RpHttpRequest *req = data;

  /* From here on the provider may be doing (and billing) the work: a failure is reported,
   * never silently sent again. */
  req->ex.upload_done = TRUE;
  report_upload (req, TRUE);
  rp_edit_run_set_state (req->run, RP_JOB_STATE_WAITING);
  rp_http_exchange_progress (req);
}

static const RpHttpSendEvents send_events = {
  .connected = on_send_connected,
  .wrote_body_data = on_wrote_body_data,
  .wrote_body = on_wrote_body,
};

/* Starts a message in a fresh exchange: cancellable tied to the job, watchdog armed. */
SoupMessage *
rp_http_exchange_begin (RpHttpRequest *req,
                        const char    *method,
                        const char    *url,
                        gboolean       with_key)
{
  RpHttpExchange *ex = &req->ex;
  g_autofree char *target = NULL;
  SoupMessage *msg;

  rp_http_exchange_clear (req);
  memset (ex, 0, sizeof *ex);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    return NULL;
  if (with_key)
    {
      target = rp_http_request_authorize (req, msg, url);
      if (g_strcmp0 (target, url) != 0)
        {
          g_autoptr(GUri) uri = g_uri_parse (target, SOUP_HTTP_URI_FLAGS, NULL);

          soup_message_set_uri (msg, uri);
        }
      memset (target, 0, strlen (target));
    }
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  ex->msg = msg;
  ex->attempt_cancel = g_cancellable_new ();
  ex->job_cancel_id = g_cancellable_connect (req->cancellable, G_CALLBACK (on_job_cancelled),
                                             g_object_ref (ex->attempt_cancel), g_object_unref);
  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), req);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), req);
  rp_http_exchange_progress (req);
  return msg;
}

/* Why an attempt without a reply ended, as the job sees it. */
void
rp_http_exchange_fail_io (RpHttpRequest *req,
                          const GError  *error,
                          gboolean       replied)
{
  RpHttpExchange *ex = &req->ex;

  if (g_cancellable_is_cancelled (req->cancellable))
    {
      rp_http_request_fail (req, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }
  if (ex->timed_out)
    {
      if (!ex->connected)
        rp_http_request_fail_kind (req, RP_JOB_ERROR_TIMEOUT, NULL, 0, NULL,
                                   _("Check the network connection and the provider’s address."),
                                   _("%s could not be reached in time."),
                                   rp_http_request_provider_name (req));
      else
        rp_http_request_fail_kind (req, RP_JOB_ERROR_TIMEOUT, NULL, ex->status, NULL, NULL,
                                   replied ? _("%s stopped sending its answer.")
                                           : _("%s did not answer in time."),
                                   rp_http_request_provider_name (req));
      return;
    }
  rp_http_request_fail_kind (req, RP_JOB_ERROR_NETWORK, error ? error->message : NULL,
                             ex->status, NULL, NULL,
                             replied ? _("The connection to %s broke while its answer arrived.")
                                     : _("The connection to %s failed."),
                             rp_http_request_provider_name (req));
}

static void start_attempt (RpHttpRequest *req);

/* The sources hold the task (and so the request) until one of them fires. */
static gboolean
on_wait_timeout (gpointer data)
{
  g_autoptr(GTask) task = g_object_ref (data);
  RpHttpRequest *req = g_task_get_task_data (task);

  g_ptr_array_set_size (req->wait_sources, 0);
  if (!req->over)
    req->wait_func (req);
  return G_SOURCE_REMOVE;
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      data)
{
  g_autoptr(GTask) task = g_object_ref (data);
  RpHttpRequest *req = g_task_get_task_data (task);

  g_ptr_array_set_size (req->wait_sources, 0);
  rp_http_request_fail (req, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  return G_SOURCE_REMOVE;
}

static void
destroy_source (gpointer data)
{
  g_source_destroy (data);
  g_source_unref (data);
}

/* Calls @func after @seconds unless the job is cancelled first. */
void
rp_http_request_wait (RpHttpRequest *req,
                      double         seconds,
                      RpHttpFunc     func)
{
  GSource *timeout = g_timeout_source_new ((guint) (MAX (seconds, 0) * 1000));
  GSource *cancel = g_cancellable_source_new (req->cancellable);

  if (req->wait_sources == NULL)
    req->wait_sources = g_ptr_array_new_with_free_func (destroy_source);
  g_ptr_array_set_size (req->wait_sources, 0);
  req->wait_func = func;
  g_source_set_callback (timeout, on_wait_timeout, g_object_ref (req->task), g_object_unref);
  g_source_set_callback (cancel, G_SOURCE_FUNC (on_wait_cancelled), g_object_ref (req->task),
                         g_object_unref);
  g_source_attach (timeout, g_task_get_context (req->task));
  g_source_attach (cancel, g_task_get_context (req->task));
  g_ptr_array_add (req->wait_sources, timeout);
  g_ptr_array_add (req->wait_sources, cancel);
}

static double
backoff_s (const RpRetryPolicy *policy,
           guint                attempt)
{
  double wait = policy->initial_backoff_s * (1u << MIN (attempt - 1, 16));

  wait = MIN (wait, policy->max_backoff_s);
  return wait * (1.0 - BACKOFF_JITTER * g_random_double ());
}

/* The wait the reply asks for, from the headers the policy honours, in their order. */
static gboolean
asked_wait_s (const RpRetryPolicy *policy,
              SoupMessageHeaders  *headers,
              gboolean            *should_retry,
              double              *seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  *should_retry = TRUE;
  for (guint i = 0; policy->honor_headers != NULL && policy->honor_headers[i] != NULL; i++)
    {
      const char *name = policy->honor_headers[i];
      const char *value = soup_message_headers_get_one (headers, name);

      if (value == NULL)
        continue;
      if (g_ascii_strcasecmp (name, "x-should-retry") == 0)
        {
          *should_retry = g_ascii_strcasecmp (value, "false") != 0;
          continue;
        }
      if (g_ascii_strcasecmp (name, "retry-after-ms") == 0 &&
          rp_retry_parse_retry_after_ms (value, seconds))
        return TRUE;
      if (g_ascii_strcasecmp (name, "retry-after") == 0 &&
          rp_retry_parse_retry_after (value, now, seconds))
        return TRUE;
    }
  for (guint i = 0; i < policy->n_reset_headers; i++)
    {
      const char *value = soup_message_headers_get_one (headers, policy->reset_headers[i].name);

      if (value != NULL && rp_retry_parse_reset (value, now, seconds))
        return TRUE;
    }
  return FALSE;
}

static void
retry_later (RpHttpRequest *req,
             double         seconds)
{
  g_debug ("%s %s: attempt %u failed safely, retrying in %.2f s", req->method, req->url,
           req->attempt, seconds);
  rp_http_exchange_clear (req);
  rp_edit_run_set_state (req->run, RP_JOB_STATE_WAITING);
  rp_http_request_wait (req, seconds, start_attempt);
}

/* A connection that failed before the whole body was sent cannot have been billed. */
gboolean
rp_http_request_retry_unsent (RpHttpRequest *req)
{
  const RpRetryPolicy *policy = rp_provider_get_retry_policy (req->provider);

  if (req->ex.upload_done || g_cancellable_is_cancelled (req->cancellable) ||
      !policy->retry_connect_failures || req->attempt > policy->max_retries)
    return FALSE;
  retry_later (req, backoff_s (policy, req->attempt));
  return TRUE;
}

/* JSON strings may carry escapes of lone surrogates ("\ud800"), which json-glib turns into
 * bytes that are not UTF-8: such text would break every later use of it, starting with the
 * journal's meta.json. */
static char *
valid_text (const char *text)
{
  return g_utf8_validate (text, -1, NULL) ? g_strdup (text) : g_utf8_make_valid (text, -1);
}

static char *
node_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return valid_text (json_node_get_string (node));
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = node_text (json_array_get_element (array, i));

          if (item != NULL)
            g_string_append_printf (joined, "%s%s", joined->len ? "; " : "", item);
        }
      return joined->len > 0 ? g_strdup (joined->str) : NULL;
    }
  return NULL;
}

char *
rp_http_lookup_text (JsonNode    *root,
                     char       **paths)
{
  for (guint i = 0; root != NULL && paths != NULL && paths[i] != NULL; i++)
    {
      char *text = node_text (rp_json_lookup (root, paths[i]));

      if (text != NULL && *text != '\0')
        return text;
      g_free (text);
    }
  return NULL;
}

/* Parses a small reply (an error, an async status). Bytes that are not UTF-8 are replaced
 * first, as a browser would show them: json-glib refuses the whole document otherwise,
 * and the provider's message inside would be lost. */
JsonNode *
rp_http_parse_json (const char *data,
                    gsize       len)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *valid = NULL;

  if (len == 0 || !rp_json_depth_ok (data, len, RP_JSON_MAX_DEPTH))
    return NULL;
  if (!g_utf8_validate_len (data, len, NULL))
    {
      valid = g_utf8_make_valid (data, len);
      data = valid;
      len = strlen (valid);
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, NULL) || json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

/* A short, printable excerpt of a non-JSON error reply; NULL for markup, for JSON that did
 * not parse (cut at the cap, or broken: its raw text means nothing to a person) or for
 * nothing. */
char *
rp_http_text_excerpt (const char *data,
              gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (data, MIN (len, 300));
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_isprint (c) ? c : ' ');
    }
  g_strstrip (out->str);
  if (out->str[0] == '\0' || out->str[0] == '<' || out->str[0] == '{' || out->str[0] == '[')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static RpJobError
job_error_for (RpErrorKind kind,
               guint       status)
{
  switch (kind)
    {
    case RP_ERROR_KIND_INVALID:
      return RP_JOB_ERROR_INVALID;
    case RP_ERROR_KIND_AUTH:
      return RP_JOB_ERROR_AUTH;
    case RP_ERROR_KIND_QUOTA:
      return RP_JOB_ERROR_QUOTA;
    case RP_ERROR_KIND_RATE_LIMIT:
      return RP_JOB_ERROR_RATE_LIMIT;
    case RP_ERROR_KIND_MODERATION:
      return RP_JOB_ERROR_MODERATION;
    case RP_ERROR_KIND_TRANSIENT:
      return RP_JOB_ERROR_SERVER;
    case RP_ERROR_KIND_NOT_FOUND:
      return RP_JOB_ERROR_NOT_FOUND;
    case RP_ERROR_KIND_UNKNOWN:
    default:
      return status >= 500 ? RP_JOB_ERROR_SERVER : RP_JOB_ERROR_INVALID;
    }
}

static char *
summary_for (RpJobError  kind,
             const char *provider,
             guint       status)
{
  switch (kind)
    {
    case RP_JOB_ERROR_AUTH:
      return g_strdup_printf (_("%s did not accept the API key."), provider);
    case RP_JOB_ERROR_QUOTA:
      return g_strdup_printf (_("The %s account has no credit left for this."), provider);
    case RP_JOB_ERROR_RATE_LIMIT:
      return g_strdup_printf (_("%s is receiving too many requests."), provider);
    case RP_JOB_ERROR_MODERATION:
      return g_strdup_printf (_("%s refused the prompt or the image."), provider);
    case RP_JOB_ERROR_NOT_FOUND:
      return g_strdup_printf (_("%s does not know this model or address."), provider);
    case RP_JOB_ERROR_SERVER:
      return g_strdup_printf (_("%s failed to make the edit (HTTP %u)."), provider, status);
    case RP_JOB_ERROR_INVALID:
    case RP_JOB_ERROR_NETWORK:
    case RP_JOB_ERROR_TIMEOUT:
    case RP_JOB_ERROR_BAD_RESPONSE:
    case RP_JOB_ERROR_LOCAL:
    default:
      return g_strdup_printf (_("%s refused the request (HTTP %u)."), provider, status);
    }
}

/* A failed reply (an HTTP error status, or an error object in a 200 reply): classified
 * with the definition's rules, retried only where the policy says it is safe. */
void
rp_http_request_handle_error (RpHttpRequest *req,
                              guint          status,
                              JsonNode      *body,
                              const char    *raw_text,
                              gboolean       may_retry)
{
  const RpErrorConfig *config = rp_provider_get_error_config (req->provider);
  const RpRetryPolicy *policy = rp_provider_get_retry_policy (req->provider);
  g_autofree char *message = rp_http_lookup_text (body, config->message_paths);
  g_autofree char *code = rp_http_lookup_text (body, config->code_paths);
  g_autofree char *type = rp_http_lookup_text (body, config->type_paths);
  g_autofree char *summary = NULL;
  g_autofree char *next = NULL;
  RpErrorKind kind;
  RpJobError job_kind;
  gboolean should_retry = TRUE;
  double wait_s = 0;
  gboolean asked;

  if (message == NULL && raw_text != NULL)
    message = g_strdup (raw_text);
  kind = rp_error_config_classify (config, status, code, type, message);
  job_kind = job_error_for (kind, status);

  asked = req->ex.msg != NULL &&
          asked_wait_s (policy, soup_message_get_response_headers (req->ex.msg), &should_retry, &wait_s);
  if (may_retry && should_retry && req->attempt <= policy->max_retries &&
      job_kind != RP_JOB_ERROR_QUOTA && job_kind != RP_JOB_ERROR_MODERATION &&
      rp_retry_policy_allows (policy, status, code))
    {
      if (!asked)
        wait_s = backoff_s (policy, req->attempt);
      if (wait_s <= policy->max_wait_s)
        {
          retry_later (req, wait_s);
          return;
        }
      next = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s asks to wait %.0f second; try again later.",
                                           "%s asks to wait %.0f seconds; try again later.",
                                           (gulong) wait_s),
                              rp_http_request_provider_name (req), wait_s);
    }
  if (job_kind == RP_JOB_ERROR_AUTH)
    next = g_strdup_printf (_("Check the API key for %s in Preferences, or %s."),
                            rp_http_request_provider_name (req),
                            rp_provider_get_api_key_env (req->provider));
  summary = summary_for (job_kind, rp_http_request_provider_name (req), status);
  rp_http_request_fail_kind (req, job_kind, message, status, code, next, "%s", summary);
}

/* ---- Running ------------------------------------------------------------------------------- */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RpHttpRequest *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status = 0;

  stream = rp_http_send_finish (result, &status, &error);
  if (req->over)
    return;
  if (stream == NULL)
    {
      if (!req->ex.timed_out && !g_cancellable_is_cancelled (req->cancellable) &&
          rp_http_request_retry_unsent (req))
        return;
      rp_http_exchange_fail_io (req, error, FALSE);
      return;
    }
  req->ex.stream = g_steal_pointer (&stream);
  req->ex.status = status;
  set_connected (req);
  rp_http_response_begin (req);
}

static void
start_attempt (RpHttpRequest *req)
{
  g_autoptr(RpBodyStream) body = NULL;
  SoupMessage *msg;

  if (req->over)
    return;
  req->attempt++;
  rp_edit_run_set_attempt (req->run, req->attempt);
  rp_edit_run_set_state (req->run, RP_JOB_STATE_UPLOADING);
  msg = rp_http_exchange_begin (req, req->method, req->url, TRUE);
  if (msg == NULL)
    {
      rp_http_request_fail_kind (req, RP_JOB_ERROR_INVALID, NULL, 0, NULL, NULL,
                                 _("The provider’s address is not valid."));
      return;
    }
  body = rp_request_body_open (req->body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type",
                                rp_request_body_get_content_type (req->body));
  report_upload (req, TRUE);
  g_debug ("%s %s (attempt %u, %" G_GINT64_FORMAT " bytes)", req->method, req->url, req->attempt,
           req->body_length);
  rp_http_send_async (g_str_has_prefix (req->url, "https:") ? req->backend->tls_client
                                                           : req->backend->plain_client,
                      msg, req->backend->user_agent, G_INPUT_STREAM (body), req->body_length,
                      &send_events, req, req->ex.attempt_cancel, on_sent, g_object_ref (req->task));
}

static gboolean
prepare_request (RpHttpRequest  *req,
                 GError        **error)
{
  RpModelSpec *spec = rp_params_get_spec (req->params);
  const RpHttpConfig *http = rp_provider_get_http_config (req->provider);
  const char *key = rp_edit_run_get_api_key (req->run);
  RpEncoding encoding = rp_params_get_encoding (req->params);

  req->method = rp_model_spec_get_method (spec);
  req->response = rp_params_get_response (req->params);
  req->base_url = g_strdup (rp_edit_run_get_base_url (req->run));
  req->origin = origin_of (req->base_url);
  req->url = build_url (req);
  req->max_response_bytes = http->max_response_bytes > 0 ? http->max_response_bytes
                                                         : DEFAULT_MAX_RESPONSE_BYTES;
  if (key != NULL && rp_provider_get_auth (req->provider)->location != RP_AUTH_NONE)
    req->auth_value = format_auth (rp_provider_get_auth (req->provider), key);

  if (encoding == RP_ENCODING_JSON)
    req->body = build_json_body (req, error);
  else
    req->body = build_multipart_body (req, error);
  if (req->body == NULL)
    return FALSE;
  req->body_length = rp_request_body_get_length (req->body);
  if (http->max_request_bytes > 0 && req->body_length > http->max_request_bytes)
    {
      g_autofree char *have = g_format_size (req->body_length);
      g_autofree char *limit = g_format_size (http->max_request_bytes);

      g_set_error (error, RP_JOB_ERROR, RP_JOB_ERROR_INVALID,
                   _("The request is %s; %s takes at most %s."), have,
                   rp_http_request_provider_name (req), limit);
      return FALSE;
    }
  return TRUE;
}

static void
http_run_async (RpEditBackend       *backend,
                RpEditRun           *run,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  RpHttpBackend *self = RP_HTTP_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  RpHttpRequest *req = g_new0 (RpHttpRequest, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, http_run_async);
  g_task_set_check_cancellable (task, FALSE);
  req->backend = g_object_ref (self);
  req->run = run;
  req->task = task;
  req->cancellable = cancellable;
  req->provider = g_object_ref (rp_edit_run_get_provider (run));
  req->params = g_object_ref (rp_edit_run_get_params (run));
  g_queue_init (&req->outputs);
  g_task_set_task_data (task, req, (GDestroyNotify) rp_http_request_free);

  if (!prepare_request (req, &error))
    {
      if (error->domain == RP_JOB_ERROR)
        rp_edit_run_set_failure_details (run, NULL, 0, NULL, NULL);
      rp_http_request_fail (req, error);
      return;
    }
  start_attempt (req);
}

static gboolean
http_run_finish (RpEditBackend  *backend,
                 GAsyncResult   *result,
                 GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
edit_backend_iface_init (RpEditBackendInterface *iface)
{
  iface->run_async = http_run_async;
  iface->run_finish = http_run_finish;
}
