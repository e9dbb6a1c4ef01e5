/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-fuzz"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rp-core.h"
#include "fuzz-common.h"

/* The header values a 429 or 503 carries (retry-after-ms, Retry-After, the rate-limit
 * resets) decide how long Repaint waits. Whatever a server sends, a value that parses is
 * a wait: never negative, never NaN (an infinite wait is left to the caller's cap). */

static void
assert_wait (gboolean ok,
             double   seconds)
{
  if (ok)
    rp_fuzz_assert (!isnan (seconds) && seconds >= 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* Header values are text without NUL; libsoup hands them over as C strings. */
  g_autofree char *value = g_strndup ((const char *) data, size);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 1, 1, 12, 0, 0);
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  double seconds = -1;
  gboolean ok;

  ok = rp_retry_parse_duration (value, &seconds);
  assert_wait (ok, seconds);
  ok = rp_retry_parse_retry_after_ms (value, &seconds);
  assert_wait (ok, seconds);
  ok = rp_retry_parse_retry_after (value, now, &seconds);
  assert_wait (ok, seconds);
  ok = rp_retry_parse_reset (value, now, &seconds);
  assert_wait (ok, seconds);

  /* Through the headers as the service reads them, when libsoup would accept the value. */
  if (strpbrk (value, "\r\n") == NULL && g_utf8_validate (value, -1, NULL))
    {
      soup_message_headers_append (headers, "Retry-After", value);
      ok = rp_retry_delay_from_headers (headers, now, &seconds);
      assert_wait (ok, seconds);
      soup_message_headers_append (headers, "retry-after-ms", value);
      ok = rp_retry_delay_from_headers (headers, now, &seconds);
      assert_wait (ok, seconds);
    }
  return 0;
}
