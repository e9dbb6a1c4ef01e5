/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-sse-parser"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-sse-parser.h"
#include "rp-transport.h"

/* The parser follows the WHATWG event-stream rules (lines end in CRLF, LF or CR; `:`
 * starts a comment; one optional space after the colon; a blank line dispatches), but
 * works on bytes, so chunks may split anything, and reports a stream that ends inside an
 * event instead of silently dropping it. */

#define DONE_SENTINEL     "[DONE]"
#define DONE_SENTINEL_LEN (sizeof DONE_SENTINEL - 1)

typedef enum {
  LINE_START,
  FIELD,
  VALUE_START,
  VALUE,
  COMMENT,
} LineState;

struct _RpSseParser
{
  gsize           max_event_bytes;
  RpSseEventFunc  event_func;
  RpSseDataFunc   data_func;
  gpointer        user_data;

  /* The line being read. */
  LineState       state;
  gboolean        skip_lf;        /* a CR ended the last line: a following LF is part of it */
  gboolean        data_line;      /* the value being read belongs to a `data` field */
  GString        *field;
  GString        *value;

  /* The event being assembled. */
  GString        *data;          /* all data; in streaming mode only the held-back start */
  gboolean        has_data;
  gboolean        data_streamed;  /* streaming mode: part of the data went to data_func */
  GString        *event_type;
  gboolean        event_pending;  /* a field line was read since the last blank line */
  char           *last_id;
  gint64          retry_ms;

  /* A UTF-8 byte order mark may open the stream, possibly split across feeds. */
  guint8          bom[3];
  gsize           bom_len;
  gboolean        started;

  gboolean        done;
  gboolean        failed;
};

/**
 * rp_sse_parser_new:
 * @max_event_bytes: the most an event may buffer (data, type, id and any one line);
 *   beyond it feeding fails with %RP_TRANSPORT_ERROR_TOO_LARGE
 * @event_func: called for every dispatched event
 * @user_data: passed to @event_func and the data func
 *
 * An incremental `text/event-stream` parser: feed it bytes as they arrive, split anywhere.
 *
 * Returns: (transfer full): a new parser; free it with rp_sse_parser_free()
 */
RpSseParser *
rp_sse_parser_new (gsize           max_event_bytes,
                   RpSseEventFunc  event_func,
                   gpointer        user_data)
{
  RpSseParser *self;

  g_return_val_if_fail (max_event_bytes > 0, NULL);
  g_return_val_if_fail (event_func != NULL, NULL);

  self = g_new0 (RpSseParser, 1);
  self->max_event_bytes = max_event_bytes;
  self->event_func = event_func;
  self->user_data = user_data;
  self->field = g_string_new (NULL);
  self->value = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->event_type = g_string_new (NULL);
  self->retry_ms = -1;
  return self;
}

/**
 * rp_sse_parser_set_data_func:
 * @self: a #RpSseParser
 * @data_func: (nullable): receives each event's data as it arrives
 *
 * Switches to streaming mode: event data is handed to @data_func piece by piece instead
 * of being collected, and events reach the event func with a %NULL `data`. Only the first
 * bytes of each event are held back, to recognise `[DONE]`. The cap then applies to the
 * other fields only. Set it before the first feed.
 */
void
rp_sse_parser_set_data_func (RpSseParser   *self,
                             RpSseDataFunc  data_func)
{
  g_return_if_fail (self != NULL);

  self->data_func = data_func;
}

/**
 * rp_sse_parser_free:
 * @self: (nullable): a #RpSseParser
 *
 * Frees the parser; not from inside one of its own callbacks.
 */
void
rp_sse_parser_free (RpSseParser *self)
{
  if (self == NULL)
    return;
  g_string_free (self->field, TRUE);
  g_string_free (self->value, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event_type, TRUE);
  g_free (self->last_id);
  g_free (self);
}

static gboolean
check_size (RpSseParser  *self,
            GError      **error)
{
  gsize used = self->field->len + self->value->len + self->event_type->len;
  g_autofree char *cap = NULL;

  if (self->data_func == NULL)
    used += self->data->len;
  if (used <= self->max_event_bytes)
    return TRUE;
  cap = g_format_size (self->max_event_bytes);
  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE,
               _("An event in the provider’s stream is larger than %s."), cap);
  return FALSE;
}

/* Callbacks always get an error location, so a failing one is never taken for success. */
static gboolean
call_data_func (RpSseParser  *self,
                const char   *bytes,
                gsize         len,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (len == 0 || self->data_func (bytes, len, self->user_data, &local_error))
    return TRUE;
  if (local_error == NULL)
    local_error = g_error_new_literal (RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_UNEXPECTED,
                                       _("The event stream’s data was refused."));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
flush_held_data (RpSseParser  *self,
                 GError      **error)
{
  self->data_streamed = TRUE;
  if (!call_data_func (self, self->data->str, self->data->len, error))
    return FALSE;
  g_string_truncate (self->data, 0);
  return TRUE;
}

static gboolean
add_data (RpSseParser  *self,
          const char   *bytes,
          gsize         len,
          GError      **error)
{
  if (self->data_func != NULL && self->data_streamed)
    return call_data_func (self, bytes, len, error);

  g_string_append_len (self->data, bytes, len);
  /* Streaming mode holds back only until the data can no longer be the sentinel. */
  if (self->data_func != NULL && self->data->len > DONE_SENTINEL_LEN)
    return flush_held_data (self, error);
  return check_size (self, error);
}

static gboolean
begin_data_line (RpSseParser  *self,
                 GError      **error)
{
  gboolean first = !self->has_data;

  self->has_data = TRUE;
  return first || add_data (self, "\n", 1, error);
}

/* Invalid UTF-8 is replaced, as the standard's decoder does, so consumers get text. */
static char *
valid_text (const char *text,
            gsize       len)
{
  if (g_utf8_validate_len (text, len, NULL))
    return NULL;
  return g_utf8_make_valid (text, len);
}

static gboolean
dispatch (RpSseParser  *self,
          GError      **error)
{
  g_autofree char *fixed_data = NULL;
  g_autofree char *fixed_type = NULL;
  g_autoptr(GError) local_error = NULL;
  RpSseEvent event = { 0, };
  gboolean go_on;

  self->event_pending = FALSE;
  if (!self->has_data)
    {
      g_string_truncate (self->event_type, 0);
      return TRUE;
    }

  fixed_type = valid_text (self->event_type->str, self->event_type->len);
  if (fixed_type != NULL)
    event.event = fixed_type;
  else
    event.event = self->event_type->len > 0 ? self->event_type->str : "message";
  event.id = self->last_id;
  if (!self->data_streamed)
    event.done = self->data->len == DONE_SENTINEL_LEN &&
                 memcmp (self->data->str, DONE_SENTINEL, DONE_SENTINEL_LEN) == 0;

  if (self->data_func != NULL)
    {
      if (!event.done && !flush_held_data (self, error))
        return FALSE;
    }
  else
    {
      fixed_data = valid_text (self->data->str, self->data->len);
      event.data = fixed_data != NULL ? fixed_data : self->data->str;
      event.data_len = strlen (event.data);
    }

  go_on = self->event_func (&event, self->user_data, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_string_truncate (self->data, 0);
  g_string_truncate (self->event_type, 0);
  self->has_data = FALSE;
  self->data_streamed = FALSE;
  /* The sentinel ends the stream; whatever follows it is not read. */
  if (!go_on || event.done)
    self->done = TRUE;
  return TRUE;
}

static void
apply_field (RpSseParser *self)
{
  const char *name = self->field->str;
  const char *value = self->value->str;

  if (strcmp (name, "event") == 0)
    {
      g_string_assign (self->event_type, value);
    }
  else if (strcmp (name, "id") == 0)
    {
      /* An id holding NUL is ignored; an empty one clears the last id. */
      if (memchr (value, '\0', self->value->len) == NULL)
        {
          g_clear_pointer (&self->last_id, g_free);
          if (self->value->len > 0)
            self->last_id = valid_text (value, self->value->len);
          if (self->value->len > 0 && self->last_id == NULL)
            self->last_id = g_strdup (value);
        }
    }
  else if (strcmp (name, "retry") == 0)
    {
      guint64 ms;

      if (self->value->len > 0 && strspn (value, "0123456789") == self->value->len &&
          g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &ms, NULL))
        self->retry_ms = ms;
    }
}

static gboolean
end_line (RpSseParser  *self,
          GError      **error)
{
  LineState state = self->state;

  self->state = LINE_START;
  switch (state)
    {
    case LINE_START:
      return dispatch (self, error);
    case FIELD:
      /* A line without a colon names a field with an empty value. */
      self->event_pending = TRUE;
      if (strcmp (self->field->str, "data") == 0)
        return begin_data_line (self, error);
      g_string_truncate (self->value, 0);
      apply_field (self);
      return TRUE;
    case VALUE_START:
    case VALUE:
      if (!self->data_line)
        apply_field (self);
      return TRUE;
    case COMMENT:
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static const char *
find_line_end (const char *p,
               const char *end)
{
  for (; p < end; p++)
    if (*p == '\n' || *p == '\r')
      return p;
  return end;
}

static const char *
find_field_end (const char *p,
                const char *end)
{
  for (; p < end; p++)
    if (*p == ':' || *p == '\n' || *p == '\r')
      return p;
  return end;
}

static gboolean
start_value (RpSseParser  *self,
             GError      **error)
{
  self->event_pending = TRUE;
  self->state = VALUE_START;
  self->data_line = strcmp (self->field->str, "data") == 0;
  g_string_truncate (self->value, 0);
  return !self->data_line || begin_data_line (self, error);
}

/* Consumes input up to and including the next line end, or all of it. */
static const char *
step (RpSseParser  *self,
      const char   *p,
      const char   *end,
      GError      **error)
{
  const char *q;

  if (self->skip_lf)
    {
      self->skip_lf = FALSE;
      if (*p == '\n')
        return p + 1;
    }

  switch (self->state)
    {
    case LINE_START:
      if (*p == ':')
        {
          self->state = COMMENT;
          return p + 1;
        }
      g_string_truncate (self->field, 0);
      if (*p == '\r' || *p == '\n')
        break;
      self->state = FIELD;
      G_GNUC_FALLTHROUGH;
    case FIELD:
      q = find_field_end (p, end);
      g_string_append_len (self->field, p, q - p);
      if (!check_size (self, error))
        return NULL;
      if (q == end)
        return end;
      if (*q == ':')
        return start_value (self, error) ? q + 1 : NULL;
      p = q;
      break;
    case VALUE_START:
      self->state = VALUE;
      if (*p == ' ')
        return p + 1;
      G_GNUC_FALLTHROUGH;
    case VALUE:
      q = find_line_end (p, end);
      if (self->data_line)
        {
          if (!add_data (self, p, q - p, error))
            return NULL;
        }
      else
        {
          g_string_append_len (self->value, p, q - p);
          if (!check_size (self, error))
            return NULL;
        }
      if (q == end)
        return end;
      p = q;
      break;
    case COMMENT:
      p = find_line_end (p, end);
      if (p == end)
        return end;
      break;
    default:
      g_assert_not_reached ();
    }

  /* p is at a CR or LF that ends the line. */
  self->skip_lf = *p == '\r';
  if (!end_line (self, error))
    return NULL;
  return p + 1;
}

static gboolean
process (RpSseParser  *self,
         const char   *data,
         gsize         len,
         GError      **error)
{
  const char *p = data, *end = data + len;

  while (p < end && !self->done)
    {
      p = step (self, p, end, error);
      if (p == NULL)
        {
          self->failed = TRUE;
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * rp_sse_parser_feed:
 * @self: a #RpSseParser
 * @data: (array length=len): the next bytes of the stream
 * @len: how many
 * @error: return location for an error
 *
 * Parses @data, calling the event func for every event it completes. After `[DONE]`, or
 * after the event func asked to stop, further input is ignored.
 *
 * Returns: %TRUE on success; %FALSE with @error set when an event is over the cap or a
 *   callback failed (the parser then refuses further input)
 */
gboolean
rp_sse_parser_feed (RpSseParser  *self,
                    const char   *data,
                    gsize         len,
                    GError      **error)
{
  static const guint8 bom[3] = { 0xef, 0xbb, 0xbf };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (self->failed)
    {
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_MALFORMED,
                           _("The event stream could not be read."));
      return FALSE;
    }
  if (self->done)
    return TRUE;

  while (!self->started && len > 0)
    {
      self->bom[self->bom_len++] = (guint8) *data;
      data++;
      len--;
      if (memcmp (self->bom, bom, self->bom_len) != 0)
        {
          /* Not a byte order mark: those bytes are the start of the stream. */
          self->started = TRUE;
          if (!process (self, (const char *) self->bom, self->bom_len, error))
            return FALSE;
        }
      else if (self->bom_len == sizeof bom)
        self->started = TRUE;
    }
  return process (self, data, len, error);
}

/**
 * rp_sse_parser_finish:
 * @self: a #RpSseParser
 * @error: return location for an error
 *
 * Tells the parser the stream ended. A stream may end after any complete event, after
 * comments, or after `[DONE]`; one that ends inside an event (no blank line after its
 * fields, or in the middle of a line) is reported, so a cut connection is not mistaken
 * for a finished reply.
 *
 * Returns: %TRUE for a clean end; %FALSE with %RP_TRANSPORT_ERROR_TRUNCATED otherwise
 */
gboolean
rp_sse_parser_finish (RpSseParser  *self,
                      GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->failed)
    {
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_MALFORMED,
                           _("The event stream could not be read."));
      return FALSE;
    }
  if (self->done)
    return TRUE;
  /* Bytes of what could have been a byte order mark never reached the parser. */
  if (!self->started && self->bom_len > 0)
    {
      self->started = TRUE;
      if (!process (self, (const char *) self->bom, self->bom_len, error))
        return FALSE;
    }
  if (self->done)
    return TRUE;
  if ((self->state != LINE_START && self->state != COMMENT) || self->event_pending)
    {
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TRUNCATED,
                           _("The provider’s event stream ended in the middle of an event."));
      return FALSE;
    }
  return TRUE;
}

/**
 * rp_sse_parser_is_done:
 * @self: a #RpSseParser
 *
 * Returns: whether `[DONE]` arrived or the event func asked to stop
 */
gboolean
rp_sse_parser_is_done (RpSseParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->done;
}

/**
 * rp_sse_parser_get_retry_ms:
 * @self: a #RpSseParser
 *
 * Returns: the reconnection time the stream asked for with `retry:`, or -1
 */
gint64
rp_sse_parser_get_retry_ms (RpSseParser *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->retry_ms;
}

/**
 * rp_sse_parser_get_event_type:
 * @self: a #RpSseParser
 *
 * In streaming mode, tells a data func which event its data belongs to, when the stream
 * named the type before the data (as OpenAI's does).
 *
 * Returns: (nullable): the type of the event being read so far, or %NULL if not named yet
 */
const char *
rp_sse_parser_get_event_type (RpSseParser *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->event_type->len > 0 ? self->event_type->str : NULL;
}
