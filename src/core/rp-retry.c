/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-retry"

#include "config.h"

#include <string.h>

#include "rp-retry.h"

/* Timestamps above these are absolute times rather than waits: 1e9 s is 2001, and no
 * server asks to wait 31 years. Venice sends Unix seconds; some relays milliseconds. */
#define UNIX_SECONDS_THRESHOLD 1e9
#define UNIX_MS_THRESHOLD      1e12

/* A non-negative decimal number: digits, optionally a point and more digits. */
static gboolean
parse_decimal (const char *text,
               gsize       len,
               double     *value)
{
  g_autofree char *copy = NULL;
  gsize i, digits = 0, points = 0;

  if (len == 0)
    return FALSE;
  for (i = 0; i < len; i++)
    {
      if (g_ascii_isdigit (text[i]))
        digits++;
      else if (text[i] == '.' && points++ == 0)
        continue;
      else
        return FALSE;
    }
  if (digits == 0)
    return FALSE;
  copy = g_strndup (text, len);
  *value = g_ascii_strtod (copy, NULL);
  return TRUE;
}

static char *
trimmed (const char *text)
{
  return text != NULL ? g_strstrip (g_strdup (text)) : NULL;
}

/* Seconds per unit of a Go duration; the micro sign comes in two code points. */
static gboolean
unit_seconds (const char *unit,
              gsize       len,
              double     *scale)
{
  static const struct { const char *name; double seconds; } units[] = {
    { "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "\xce\xbcs", 1e-6 },
    { "ms", 1e-3 }, { "s", 1.0 }, { "m", 60.0 }, { "h", 3600.0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (units); i++)
    if (strlen (units[i].name) == len && memcmp (unit, units[i].name, len) == 0)
      {
        *scale = units[i].seconds;
        return TRUE;
      }
  return FALSE;
}

/**
 * rp_retry_parse_duration:
 * @text: a duration as OpenAI writes its rate-limit resets: `6m0s`, `1.5s`, `250ms`,
 *   `1h2m3s`, or `0`
 * @seconds: (out): the duration in seconds
 *
 * Parses the duration syntax of Go (a sequence of decimal numbers, each with a unit
 * among ns, us/µs, ms, s, m, h). Negative durations are refused: they are never a wait.
 *
 * Returns: whether @text is such a duration
 */
gboolean
rp_retry_parse_duration (const char *text,
                         double     *seconds)
{
  g_autofree char *copy = trimmed (text);
  const char *p = copy;
  double total = 0;

  g_return_val_if_fail (seconds != NULL, FALSE);

  if (p == NULL || *p == '\0')
    return FALSE;
  if (*p == '+')
    p++;
  if (strcmp (p, "0") == 0)
    {
      *seconds = 0;
      return TRUE;
    }
  if (*p == '\0')
    return FALSE;

  while (*p != '\0')
    {
      const char *number = p, *unit;
      double value, scale;

      while (g_ascii_isdigit (*p) || *p == '.')
        p++;
      unit = p;
      while (*p != '\0' && !g_ascii_isdigit (*p) && *p != '.')
        p++;
      if (!parse_decimal (number, unit - number, &value) || !unit_seconds (unit, p - unit, &scale))
        return FALSE;
      total += value * scale;
    }
  *seconds = total;
  return TRUE;
}

/**
 * rp_retry_parse_retry_after_ms:
 * @value: (nullable): a `retry-after-ms` header value, in milliseconds
 * @seconds: (out): the wait in seconds
 *
 * Returns: whether @value is a non-negative number
 */
gboolean
rp_retry_parse_retry_after_ms (const char *value,
                               double     *seconds)
{
  g_autofree char *copy = trimmed (value);
  double ms;

  g_return_val_if_fail (seconds != NULL, FALSE);

  if (copy == NULL || !parse_decimal (copy, strlen (copy), &ms))
    return FALSE;
  *seconds = ms / 1000.0;
  return TRUE;
}

/**
 * rp_retry_parse_retry_after:
 * @value: (nullable): a `Retry-After` header value: seconds, or an HTTP-date
 * @now: the current time, to turn a date into a wait
 * @seconds: (out): the wait in seconds; 0 for a date already past
 *
 * Returns: whether @value could be read
 */
gboolean
rp_retry_parse_retry_after (const char *value,
                            GDateTime  *now,
                            double     *seconds)
{
  g_autofree char *copy = trimmed (value);
  g_autoptr(GDateTime) date = NULL;

  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (seconds != NULL, FALSE);

  if (copy == NULL || *copy == '\0')
    return FALSE;
  /* RFC 9110 says whole seconds; fractions are accepted as the OpenAI SDKs do. */
  if (parse_decimal (copy, strlen (copy), seconds))
    return TRUE;
  date = soup_date_time_new_from_http_string (copy);
  if (date == NULL)
    return FALSE;
  *seconds = MAX (0.0, g_date_time_difference (date, now) / (double) G_TIME_SPAN_SECOND);
  return TRUE;
}

/**
 * rp_retry_parse_reset:
 * @value: (nullable): an `x-ratelimit-reset-requests` or `-tokens` value
 * @now: the current time
 * @seconds: (out): how long until the limit resets; 0 if it already has
 *
 * Reads the forms providers use: a Go duration (`6m0s`, OpenAI), seconds (`20`), or an
 * absolute Unix time in seconds or milliseconds (Venice).
 *
 * Returns: whether @value could be read
 */
gboolean
rp_retry_parse_reset (const char *value,
                      GDateTime  *now,
                      double     *seconds)
{
  g_autofree char *copy = trimmed (value);
  double number;

  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (seconds != NULL, FALSE);

  if (copy == NULL || *copy == '\0')
    return FALSE;
  if (!parse_decimal (copy, strlen (copy), &number))
    return rp_retry_parse_duration (copy, seconds);

  if (number >= UNIX_MS_THRESHOLD)
    number /= 1000.0;
  if (number >= UNIX_SECONDS_THRESHOLD)
    number -= g_date_time_to_unix (now) + g_date_time_get_microsecond (now) / 1e6;
  *seconds = MAX (0.0, number);
  return TRUE;
}

/**
 * rp_retry_delay_from_headers:
 * @headers: the response headers of a 429 or 503
 * @now: the current time
 * @seconds: (out): the wait the server asked for
 *
 * Looks at `retry-after-ms` first, then `Retry-After`, as the OpenAI SDKs do. Capping the
 * wait (PROVIDERS.md §6: give up past 120 s) is the caller's decision.
 *
 * Returns: whether the server asked for a wait
 */
gboolean
rp_retry_delay_from_headers (SoupMessageHeaders *headers,
                             GDateTime          *now,
                             double             *seconds)
{
  const char *ms, *value;

  g_return_val_if_fail (headers != NULL, FALSE);

  ms = soup_message_headers_get_one (headers, "retry-after-ms");
  value = soup_message_headers_get_one (headers, "Retry-After");
  return rp_retry_parse_retry_after_ms (ms, seconds) ||
         rp_retry_parse_retry_after (value, now, seconds);
}
