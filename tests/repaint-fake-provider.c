/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "repaint-fake-provider"

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-provider.h"

/* A development tool: serves the fake provider on a loopback port so that the app or
 * repaint-cli can be pointed at it by hand. Prints the base URL on stdout, then one line
 * per request on stderr, until interrupted. */

static const char *summary =
  "Serves every image-edit dialect on 127.0.0.1, misbehaving on demand.\n"
  "\n"
  "SPEC is [ROUTE=]BEHAVIOR[:PARAM]. ROUTE is the end of a path (/images/edits,\n"
  "/image/edit, …); without it the fault applies to any request. PARAM is the HTTP\n"
  "status for server-error, redirect, bad-utf8 and bad-surrogate, seconds for\n"
  "rate-limit, milliseconds for delay, drip and rate-limit-ms, bytes for reset-upload,\n"
  "truncated, reset-reply, huge-length, huge-body, huge-error-message and sse-huge-line.\n"
  "\n"
  "Example: repaint-fake-provider --port 8089 --fault rate-limit:2 --always /images/edits=url-results";

static gboolean
parse_spec (const char   *spec,
            char        **route,
            RpFakeFault  *fault,
            GError      **error)
{
  g_autofree char *copy = g_strdup (spec);
  char *name = copy, *eq = strchr (copy, '='), *colon;
  guint64 param = 0;

  memset (fault, 0, sizeof *fault);
  *route = NULL;
  if (eq != NULL)
    {
      *eq = '\0';
      *route = g_strdup (copy);
      name = eq + 1;
    }
  colon = strchr (name, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT32, &param, error))
        return FALSE;
    }
  if (!rp_fake_behavior_from_string (name, &fault->behavior))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown behaviour “%s” (see --list-behaviors)", name);
      return FALSE;
    }
  switch (fault->behavior)
    {
    case RP_FAKE_SERVER_ERROR:
    case RP_FAKE_REDIRECT:
    case RP_FAKE_BAD_UTF8:
    case RP_FAKE_BAD_SURROGATE:
      fault->status = param;
      break;
    case RP_FAKE_RATE_LIMIT:
      fault->retry_after_s = param;
      break;
    case RP_FAKE_DELAY:
    case RP_FAKE_DRIP:
    case RP_FAKE_RATE_LIMIT_MS:
      fault->delay_ms = param;
      break;
    case RP_FAKE_RESET_UPLOAD:
    case RP_FAKE_TRUNCATED:
    case RP_FAKE_RESET_REPLY:
    case RP_FAKE_HUGE_LENGTH:
    case RP_FAKE_HUGE_BODY:
    case RP_FAKE_HUGE_ERROR_MESSAGE:
    case RP_FAKE_SSE_HUGE_LINE:
      fault->bytes = param;
      break;
    case RP_FAKE_OK:
    case RP_FAKE_URL_RESULTS:
    case RP_FAKE_FOREIGN_URL_RESULTS:
    case RP_FAKE_NOT_IMAGE_URL:
    case RP_FAKE_EMPTY_DATA:
    case RP_FAKE_QUOTA_429:
    case RP_FAKE_INVALID_API_KEY:
    case RP_FAKE_INSUFFICIENT_QUOTA:
    case RP_FAKE_MODERATION:
    case RP_FAKE_PAYMENT_REQUIRED:
    case RP_FAKE_CONTENT_FLAGGED:
    case RP_FAKE_INVALID_JSON:
    case RP_FAKE_STALL:
    case RP_FAKE_SSE_CUT:
    case RP_FAKE_SSE_ERROR:
    case RP_FAKE_ASYNC_FAIL:
    case RP_FAKE_ASYNC_TASK_ID_ONLY:
    case RP_FAKE_SSE_EMPTY:
    case RP_FAKE_SSE_LINGER:
    default:
      break;
    }
  return TRUE;
}

static gboolean
apply_specs (RpFakeProvider  *fake,
             char           **specs,
             gboolean         queue,
             GError         **error)
{
  guint i;

  for (i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      g_autofree char *route = NULL;
      RpFakeFault fault;

      if (!parse_spec (specs[i], &route, &fault, error))
        return FALSE;
      if (queue)
        rp_fake_provider_push_fault (fake, route, &fault);
      else
        rp_fake_provider_set_default (fake, route, &fault);
    }
  return TRUE;
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  int port = 0, sse_interval = 0;
  gboolean list = FALSE;
  g_autofree char *color = NULL, *size = NULL, *polls = NULL;
  g_auto(GStrv) faults = NULL, always = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Loopback port (default: a free one)", "PORT" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &faults, "Queue a fault for the next matching request", "SPEC" },
    { "always", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &always, "Behave so for every matching request", "SPEC" },
    { "color", 'c', 0, G_OPTION_ARG_STRING, &color, "Result colour", "RRGGBB[AA]" },
    { "result-size", 's', 0, G_OPTION_ARG_STRING, &size, "Answer with this size whatever was asked", "WxH" },
    { "sse-interval", 0, 0, G_OPTION_ARG_INT, &sse_interval, "Pause between streamed events", "MS" },
    { "async-polls", 0, 0, G_OPTION_ARG_STRING, &polls, "Polls answering queued, then running", "Q,R" },
    { "list-behaviors", 0, 0, G_OPTION_ARG_NONE, &list, "List the behaviours and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RpFakeProvider) fake = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_option_context_set_summary (options, summary);
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    goto fail;

  if (list)
    {
      RpFakeBehavior b;

      for (b = RP_FAKE_OK; b <= RP_FAKE_SSE_LINGER; b++)
        g_print ("%s\n", rp_fake_behavior_to_string (b));
      return EXIT_SUCCESS;
    }

  fake = rp_fake_provider_new_on_port (CLAMP (port, 0, 65535), &error);
  if (fake == NULL)
    goto fail;
  rp_fake_provider_set_log (fake, TRUE);
  if (!apply_specs (fake, faults, TRUE, &error) || !apply_specs (fake, always, FALSE, &error))
    goto fail;
  if (color != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (color, 16, 0, G_MAXUINT32, &value, &error))
        goto fail;
      rp_fake_provider_set_result_color (fake, strlen (color) <= 6 ? (guint32) value << 8 | 0xff
                                                                   : (guint32) value);
    }
  if (size != NULL)
    {
      int w = 0, h = 0;

      if (sscanf (size, "%dx%d", &w, &h) != 2 || w <= 0 || h <= 0)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad size “%s”", size);
          goto fail;
        }
      rp_fake_provider_set_result_size (fake, w, h);
    }
  if (polls != NULL)
    {
      guint q = 1, r = 1;

      if (sscanf (polls, "%u,%u", &q, &r) != 2)
        {
          g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "bad polls “%s”", polls);
          goto fail;
        }
      rp_fake_provider_set_async_polls (fake, q, r);
    }
  rp_fake_provider_set_sse_interval (fake, MAX (sse_interval, 0));

  g_print ("%s\n", rp_fake_provider_get_url (fake));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  return EXIT_SUCCESS;

fail:
  g_printerr ("repaint-fake-provider: %s\n", error->message);
  return EXIT_FAILURE;
}
