/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "rp-core.h"

/* 2015-10-21 07:28:00 UTC */
#define NOW_UNIX 1445412480

typedef struct
{
  const char *text;
  double      seconds;   /* < 0: refused */
} Case;

static GDateTime *
now (void)
{
  return g_date_time_new_from_unix_utc (NOW_UNIX);
}

static void
check (const char *what,
       const Case *c,
       gboolean    ok,
       double      seconds)
{
  if (c->seconds < 0)
    {
      if (ok)
        g_test_message ("%s accepted “%s”", what, c->text);
      g_assert_false (ok);
    }
  else
    {
      if (!ok)
        g_test_message ("%s refused “%s”", what, c->text);
      g_assert_true (ok);
      g_assert_cmpfloat_with_epsilon (seconds, c->seconds, 1e-9);
    }
}

static void
test_duration (void)
{
  static const Case cases[] = {
    { "6m0s", 360 }, { "1.5s", 1.5 }, { "250ms", 0.25 }, { "1h2m3s", 3723 }, { "0", 0 },
    { "0s", 0 }, { "20us", 2e-5 }, { "20\xc2\xb5s", 2e-5 }, { "20\xce\xbcs", 2e-5 }, { "100ns", 1e-7 },
    { ".5s", 0.5 }, { " 2s ", 2 }, { "+3s", 3 }, { "1m30.5s", 90.5 },
    { "", -1 }, { "5", -1 }, { "s", -1 }, { "-1s", -1 }, { "1x", -1 }, { "1.2.3s", -1 },
    { "m5", -1 }, { "1s2", -1 }, { ".s", -1 }, { "1 s", -1 }, { "+", -1 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double seconds = -1;
      gboolean ok;

      ok = rp_retry_parse_duration (cases[i].text, &seconds);
      check ("duration", &cases[i], ok, seconds);
    }
}

static void
test_retry_after_ms (void)
{
  static const Case cases[] = {
    { "1500", 1.5 }, { "20.5", 0.0205 }, { "0", 0 }, { " 250 ", 0.25 },
    { "-1", -1 }, { "abc", -1 }, { "", -1 }, { "1e3", -1 }, { "1,5", -1 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double seconds = -1;
      gboolean ok;

      ok = rp_retry_parse_retry_after_ms (cases[i].text, &seconds);
      check ("retry-after-ms", &cases[i], ok, seconds);
    }
  {
    double seconds = -1;

    g_assert_false (rp_retry_parse_retry_after_ms (NULL, &seconds));
  }
}

static void
test_retry_after (void)
{
  static const Case cases[] = {
    { "120", 120 }, { "0", 0 }, { "1.5", 1.5 },
    { "Wed, 21 Oct 2015 07:30:00 GMT", 120 },
    { "Wednesday, 21-Oct-15 07:28:30 GMT", 30 },
    { "Wed Oct 21 07:29:00 2015", 60 },
    { "Tue, 20 Oct 2015 07:28:00 GMT", 0 },
    { "-5", -1 }, { "soon", -1 }, { "", -1 }, { "120s", -1 },
  };
  g_autoptr(GDateTime) t = now ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double seconds = -1;
      gboolean ok;

      ok = rp_retry_parse_retry_after (cases[i].text, t, &seconds);
      check ("Retry-After", &cases[i], ok, seconds);
    }
}

static void
test_reset (void)
{
  static const Case cases[] = {
    { "6m0s", 360 }, { "1s", 1 }, { "20", 20 }, { "0.5", 0.5 },
    { "1445412500", 20 }, { "1445412500000", 20 }, { "1445412000", 0 },
    { "soon", -1 }, { "", -1 },
  };
  g_autoptr(GDateTime) t = now ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double seconds = -1;
      gboolean ok;

      ok = rp_retry_parse_reset (cases[i].text, t, &seconds);
      check ("reset", &cases[i], ok, seconds);
    }
}

typedef struct
{
  const char *retry_after_ms;
  const char *retry_after;
  double      seconds;
} HeaderCase;

static void
test_headers (void)
{
  static const HeaderCase cases[] = {
    { "1500", "20", 1.5 },
    { NULL, "20", 20 },
    { "soon", "20", 20 },
    { NULL, "Wed, 21 Oct 2015 07:29:00 GMT", 60 },
    { NULL, NULL, -1 },
    { "x", "y", -1 },
  };
  g_autoptr(GDateTime) t = now ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      Case c = { cases[i].retry_after, cases[i].seconds };
      double seconds = -1;
      gboolean ok;

      if (cases[i].retry_after_ms != NULL)
        soup_message_headers_append (headers, "retry-after-ms", cases[i].retry_after_ms);
      if (cases[i].retry_after != NULL)
        soup_message_headers_append (headers, "Retry-After", cases[i].retry_after);
      ok = rp_retry_delay_from_headers (headers, t, &seconds);
      check ("headers", &c, ok, seconds);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/repaint/retry/duration", test_duration);
  g_test_add_func ("/repaint/retry/retry-after-ms", test_retry_after_ms);
  g_test_add_func ("/repaint/retry/retry-after", test_retry_after);
  g_test_add_func ("/repaint/retry/reset", test_reset);
  g_test_add_func ("/repaint/retry/headers", test_headers);

  return g_test_run ();
}
