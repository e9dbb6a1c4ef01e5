/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-json-tokenizer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "rp-json-tokenizer-private.h"

/* Byte-parallel tests on a 64-bit word (SWAR): which bytes are zero, which have the high bit. */
#define SWAR_ONES            G_GUINT64_CONSTANT (0x0101010101010101)
#define SWAR_HIGH            G_GUINT64_CONSTANT (0x8080808080808080)
#define SWAR_HAS_ZERO(v)     (((v) - SWAR_ONES) & ~(v) & SWAR_HIGH)
#include "rp-transport.h"

enum {
  S_VALUE,          /* a value must come: at the top, after ':', after ',' in an array */
  S_VALUE_OR_END,   /* just after '[' */
  S_KEY_OR_END,     /* just after '{' */
  S_KEY,            /* after ',' in an object */
  S_COLON,
  S_COMMA_OR_END,
  S_STRING,
  S_ESCAPE,
  S_UNICODE,
  S_LOW_BACKSLASH,  /* a high surrogate was read: "\u" of its low half must follow */
  S_LOW_U,
  S_NUMBER,
  S_LITERAL,
  S_DONE,
};

enum {
  N_SIGN,
  N_ZERO,
  N_INT,
  N_POINT,
  N_FRAC,
  N_EXP,
  N_EXP_SIGN,
  N_EXP_DIGITS,
};

void
rp_json_tokenizer_init (RpJsonTokenizer *tok,
                        gsize            max_key_bytes,
                        RpJsonTokenFunc  func,
                        gpointer         user_data)
{
  memset (tok, 0, sizeof *tok);
  tok->func = func;
  tok->user_data = user_data;
  tok->max_key_bytes = max_key_bytes;
  tok->state = S_VALUE;
  tok->key = g_string_new (NULL);
}

void
rp_json_tokenizer_clear (RpJsonTokenizer *tok)
{
  if (tok->key != NULL)
    g_string_free (g_steal_pointer (&tok->key), TRUE);
}

gboolean
rp_json_tokenizer_is_empty (RpJsonTokenizer *tok)
{
  return tok->state == S_VALUE && tok->depth == 0;
}

static gboolean
fail (RpJsonTokenizer  *tok,
      gsize             pos,
      GError          **error)
{
  tok->failed = TRUE;
  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_MALFORMED,
               _("The provider’s reply is not valid JSON (at byte %" PRIu64 ")."),
               tok->offset + pos);
  return FALSE;
}

static gboolean
emit (RpJsonTokenizer  *tok,
      RpJsonToken       token,
      const char       *text,
      gsize             len,
      GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  if (tok->func (token, text, len, tok->user_data, &local_error))
    return TRUE;
  tok->failed = TRUE;
  if (local_error == NULL)
    local_error = g_error_new_literal (RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_UNEXPECTED,
                                       _("The provider’s reply was refused."));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
value_done (RpJsonTokenizer *tok)
{
  tok->state = tok->depth == 0 ? S_DONE : S_COMMA_OR_END;
}

/* Part of a string: appended to the member name, or handed out as a value chunk. */
static gboolean
string_bytes (RpJsonTokenizer  *tok,
              const char       *text,
              gsize             len,
              GError          **error)
{
  if (len == 0)
    return TRUE;
  if (!tok->in_key)
    return emit (tok, RP_JSON_TOKEN_STRING_CHUNK, text, len, error);
  if (tok->key->len + len > tok->max_key_bytes)
    {
      tok->failed = TRUE;
      g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE,
                   _("The provider’s reply has a member name longer than %zu"
                     " bytes."), tok->max_key_bytes);
      return FALSE;
    }
  g_string_append_len (tok->key, text, len);
  return TRUE;
}

/* Sets up validation of a UTF-8 sequence from its lead byte (RFC 3629 table), rejecting
 * overlong forms, surrogates and code points past U+10FFFF. */
static gboolean
utf8_lead (RpJsonTokenizer *tok,
           guint8           c)
{
  tok->utf8_lo = 0x80;
  tok->utf8_hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf)
    tok->utf8_need = 1;
  else if (c >= 0xe0 && c <= 0xef)
    {
      tok->utf8_need = 2;
      if (c == 0xe0)
        tok->utf8_lo = 0xa0;
      else if (c == 0xed)
        tok->utf8_hi = 0x9f;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      tok->utf8_need = 3;
      if (c == 0xf0)
        tok->utf8_lo = 0x90;
      else if (c == 0xf4)
        tok->utf8_hi = 0x8f;
    }
  else
    return FALSE;
  return TRUE;
}

static gboolean
end_string (RpJsonTokenizer  *tok,
            GError          **error)
{
  if (!tok->in_key)
    {
      if (!emit (tok, RP_JSON_TOKEN_STRING_END, NULL, 0, error))
        return FALSE;
      value_done (tok);
      return TRUE;
    }
  tok->in_key = FALSE;
  tok->state = S_COLON;
  return emit (tok, RP_JSON_TOKEN_KEY, tok->key->str, tok->key->len, error);
}

/* Fails on the invalid byte at p[i], after handing out the string bytes before it. A
 * consumer may object to those first (a base64 decoder to a non-base64 character); it
 * must see them whether or not the bad byte came in the same chunk, so that the error a
 * reply gets never depends on how the network split it. */
static gssize
fail_in_string (RpJsonTokenizer  *tok,
                const char       *p,
                gsize             i,
                gsize             pos,
                GError          **error)
{
  if (string_bytes (tok, p, i, error))
    fail (tok, pos + i, error);
  return -1;
}

/* Consumes string content up to a quote, a backslash or the end of the input; returns
 * how many bytes it used, or -1. The common case, a long run of plain characters such as
 * base64, is handed out as one chunk without copying. */
static gssize
scan_string (RpJsonTokenizer  *tok,
             const char       *p,
             gsize             n,
             gsize             pos,
             GError          **error)
{
  gsize i = 0;

  while (i < n)
    {
      guint8 c = p[i];

      /* The common case, long runs of plain ASCII (base64 images): eight bytes at a time
       * while none of them is a control character, non-ASCII, a quote or a backslash. */
      if (tok->utf8_need == 0)
        {
          while (n - i >= 8)
            {
              guint64 x;

              memcpy (&x, p + i, 8);
              if (((x & SWAR_HIGH) | SWAR_HAS_ZERO (x ^ (SWAR_ONES * '"')) |
                   SWAR_HAS_ZERO (x ^ (SWAR_ONES * '\\')) | ((x - SWAR_ONES * 0x20) & ~x & SWAR_HIGH)) != 0)
                break;
              i += 8;
            }
          while (i < n && (c = p[i]) >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            i++;
          if (i == n)
            break;
        }
      if (tok->utf8_need > 0)
        {
          if (c < tok->utf8_lo || c > tok->utf8_hi)
            return fail_in_string (tok, p, i, pos, error);
          tok->utf8_need--;
          tok->utf8_lo = 0x80;
          tok->utf8_hi = 0xbf;
          i++;
        }
      else if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
        i++;
      else if (c >= 0x80)
        {
          if (!utf8_lead (tok, c))
            return fail_in_string (tok, p, i, pos, error);
          i++;
        }
      else
        break;
    }

  if (!string_bytes (tok, p, i, error))
    return -1;
  if (i == n)
    return i;

  switch (p[i])
    {
    case '"':
      if (!end_string (tok, error))
        return -1;
      return i + 1;
    case '\\':
      tok->state = S_ESCAPE;
      return i + 1;
    default:
      /* A raw control character: JSON requires it escaped. */
      fail (tok, pos + i, error);
      return -1;
    }
}

static gboolean
escape (RpJsonTokenizer  *tok,
        char              c,
        gsize             pos,
        GError          **error)
{
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  const char *hit = c != '\0' ? strchr (from, c) : NULL;

  if (c == 'u')
    {
      tok->state = S_UNICODE;
      tok->unicode = 0;
      tok->unicode_digits = 0;
      return TRUE;
    }
  if (hit == NULL)
    return fail (tok, pos, error);
  tok->state = S_STRING;
  return string_bytes (tok, &to[hit - from], 1, error);
}

static gboolean
unicode_digit (RpJsonTokenizer  *tok,
               char              c,
               gsize             pos,
               GError          **error)
{
  char utf8[6];
  guint32 cp;
  int digit = g_ascii_xdigit_value (c);

  if (digit < 0)
    return fail (tok, pos, error);
  tok->unicode = tok->unicode * 16 + digit;
  if (++tok->unicode_digits < 4)
    return TRUE;

  cp = tok->unicode;
  if (tok->high_surrogate != 0)
    {
      if (cp < 0xdc00 || cp > 0xdfff)
        return fail (tok, pos, error);
      cp = 0x10000 + ((tok->high_surrogate - 0xd800) << 10) + (cp - 0xdc00);
      tok->high_surrogate = 0;
    }
  else if (cp >= 0xd800 && cp <= 0xdbff)
    {
      tok->high_surrogate = cp;
      tok->state = S_LOW_BACKSLASH;
      return TRUE;
    }
  else if (cp >= 0xdc00 && cp <= 0xdfff)
    return fail (tok, pos, error);

  tok->state = S_STRING;
  return string_bytes (tok, utf8, g_unichar_to_utf8 (cp, utf8), error);
}

/* Returns whether @c continues the number; a character that does not is left for the
 * state after the value. */
static gboolean
number_accepts (RpJsonTokenizer *tok,
                char             c)
{
  gboolean digit = g_ascii_isdigit (c);

  switch (tok->number_state)
    {
    case N_SIGN:
      if (!digit)
        return FALSE;
      tok->number_state = c == '0' ? N_ZERO : N_INT;
      return TRUE;
    case N_ZERO:
    case N_INT:
    case N_FRAC:
      if (digit && tok->number_state != N_ZERO)
        return TRUE;
      if (c == '.' && tok->number_state != N_FRAC)
        tok->number_state = N_POINT;
      else if (c == 'e' || c == 'E')
        tok->number_state = N_EXP;
      else
        return FALSE;
      return TRUE;
    case N_POINT:
      tok->number_state = N_FRAC;
      return digit;
    case N_EXP:
      tok->number_state = digit ? N_EXP_DIGITS : N_EXP_SIGN;
      return digit || c == '+' || c == '-';
    case N_EXP_SIGN:
    case N_EXP_DIGITS:
      tok->number_state = N_EXP_DIGITS;
      return digit;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
number_is_complete (RpJsonTokenizer *tok)
{
  return tok->number_state == N_ZERO || tok->number_state == N_INT ||
         tok->number_state == N_FRAC || tok->number_state == N_EXP_DIGITS;
}

static gboolean
end_number (RpJsonTokenizer  *tok,
            gsize             pos,
            GError          **error)
{
  if (!number_is_complete (tok))
    return fail (tok, pos, error);
  tok->number[tok->number_len] = '\0';
  value_done (tok);
  return emit (tok, RP_JSON_TOKEN_NUMBER, tok->number, tok->number_len, error);
}

static gboolean
number_char (RpJsonTokenizer  *tok,
             char              c,
             gsize             pos,
             gboolean         *consumed,
             GError          **error)
{
  int before = tok->number_state;

  *consumed = FALSE;
  if (!number_accepts (tok, c))
    {
      /* number_accepts() may have moved on from a state that needs more; restore it. */
      tok->number_state = before;
      return end_number (tok, pos, error);
    }
  if (tok->number_len == RP_JSON_MAX_NUMBER_CHARS)
    return fail (tok, pos, error);
  tok->number[tok->number_len++] = c;
  *consumed = TRUE;
  return TRUE;
}

static gboolean
push (RpJsonTokenizer  *tok,
      guint8            kind,
      GError          **error)
{
  if (tok->depth == RP_JSON_MAX_DEPTH)
    {
      tok->failed = TRUE;
      g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TOO_LARGE,
                   _("The provider’s reply is nested more than %d levels deep."),
                   RP_JSON_MAX_DEPTH);
      return FALSE;
    }
  tok->stack[tok->depth++] = kind;
  return TRUE;
}

static gboolean
begin_value (RpJsonTokenizer  *tok,
             char              c,
             gsize             pos,
             GError          **error)
{
  switch (c)
    {
    case '{':
      if (!push (tok, '{', error))
        return FALSE;
      tok->state = S_KEY_OR_END;
      return emit (tok, RP_JSON_TOKEN_BEGIN_OBJECT, NULL, 0, error);
    case '[':
      if (!push (tok, '[', error))
        return FALSE;
      tok->state = S_VALUE_OR_END;
      return emit (tok, RP_JSON_TOKEN_BEGIN_ARRAY, NULL, 0, error);
    case '"':
      tok->state = S_STRING;
      tok->in_key = FALSE;
      return emit (tok, RP_JSON_TOKEN_STRING_BEGIN, NULL, 0, error);
    case 't':
    case 'f':
    case 'n':
      tok->state = S_LITERAL;
      tok->literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
      tok->literal_token = c == 't' ? RP_JSON_TOKEN_TRUE
                           : c == 'f' ? RP_JSON_TOKEN_FALSE
                           : RP_JSON_TOKEN_NULL;
      tok->literal_pos = 1;
      return TRUE;
    default:
      if (c != '-' && !g_ascii_isdigit (c))
        return fail (tok, pos, error);
      tok->state = S_NUMBER;
      tok->number_len = 0;
      tok->number_state = N_SIGN;
      if (c == '-')
        {
          tok->number[tok->number_len++] = c;
          return TRUE;
        }
      {
        gboolean consumed;

        return number_char (tok, c, pos, &consumed, error);
      }
    }
}

static gboolean
close_container (RpJsonTokenizer  *tok,
                 char              c,
                 gsize             pos,
                 GError          **error)
{
  guint8 open = c == '}' ? '{' : '[';

  if (tok->depth == 0 || tok->stack[tok->depth - 1] != open)
    return fail (tok, pos, error);
  tok->depth--;
  value_done (tok);
  return emit (tok, c == '}' ? RP_JSON_TOKEN_END_OBJECT : RP_JSON_TOKEN_END_ARRAY, NULL, 0, error);
}

/* Handles one character outside strings, numbers and literals. */
static gboolean
structural (RpJsonTokenizer  *tok,
            char              c,
            gsize             pos,
            GError          **error)
{
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
    return TRUE;

  switch (tok->state)
    {
    case S_VALUE:
      return begin_value (tok, c, pos, error);
    case S_VALUE_OR_END:
      return c == ']' ? close_container (tok, c, pos, error) : begin_value (tok, c, pos, error);
    case S_KEY_OR_END:
    case S_KEY:
      if (c == '}' && tok->state == S_KEY_OR_END)
        return close_container (tok, c, pos, error);
      if (c != '"')
        return fail (tok, pos, error);
      tok->state = S_STRING;
      tok->in_key = TRUE;
      g_string_truncate (tok->key, 0);
      return TRUE;
    case S_COLON:
      if (c != ':')
        return fail (tok, pos, error);
      tok->state = S_VALUE;
      return TRUE;
    case S_COMMA_OR_END:
      if (c == '}' || c == ']')
        return close_container (tok, c, pos, error);
      if (c != ',')
        return fail (tok, pos, error);
      tok->state = tok->stack[tok->depth - 1] == '{' ? S_KEY : S_VALUE;
      return TRUE;
    case S_DONE:
    default:
      return fail (tok, pos, error);
    }
}

static gboolean
feed (RpJsonTokenizer  *tok,
      const char       *data,
      gsize             len,
      gsize            *used,
      GError          **error)
{
  gsize i = 0;

  while (i < len)
    {
      char c = data[i];
      gboolean ok = TRUE;
      gssize n;

      switch (tok->state)
        {
        case S_STRING:
          n = scan_string (tok, data + i, len - i, i, error);
          if (n < 0)
            ok = FALSE;
          else
            i += n;
          break;
        case S_ESCAPE:
          ok = escape (tok, c, i, error);
          i++;
          break;
        case S_UNICODE:
          ok = unicode_digit (tok, c, i, error);
          i++;
          break;
        case S_LOW_BACKSLASH:
        case S_LOW_U:
          if (c != (tok->state == S_LOW_BACKSLASH ? '\\' : 'u'))
            ok = fail (tok, i, error);
          tok->state = tok->state == S_LOW_BACKSLASH ? S_LOW_U : S_UNICODE;
          tok->unicode = 0;
          tok->unicode_digits = 0;
          i++;
          break;
        case S_NUMBER:
          {
            gboolean consumed;

            ok = number_char (tok, c, i, &consumed, error);
            i += consumed;
          }
          break;
        case S_LITERAL:
          if (c != tok->literal[tok->literal_pos])
            ok = fail (tok, i, error);
          else if (tok->literal[++tok->literal_pos] == '\0')
            {
              value_done (tok);
              ok = emit (tok, tok->literal_token, NULL, 0, error);
            }
          i++;
          break;
        default:
          ok = structural (tok, c, i, error);
          i++;
          break;
        }
      if (!ok)
        {
          *used = i;
          return FALSE;
        }
    }
  *used = i;
  return TRUE;
}

gboolean
rp_json_tokenizer_feed (RpJsonTokenizer  *tok,
                        const char       *data,
                        gsize             len,
                        GError          **error)
{
  gsize used = 0;
  gboolean ok;

  if (tok->failed)
    {
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_MALFORMED,
                           _("The provider’s reply could not be read."));
      return FALSE;
    }
  ok = feed (tok, data, len, &used, error);
  tok->offset += used;
  return ok;
}

gboolean
rp_json_tokenizer_finish (RpJsonTokenizer  *tok,
                          GError          **error)
{
  if (tok->failed)
    {
      g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_MALFORMED,
                           _("The provider’s reply could not be read."));
      return FALSE;
    }
  /* A number is the one value whose end is only known from what follows it. */
  if (tok->state == S_NUMBER && tok->depth == 0 && !end_number (tok, 0, error))
    return FALSE;
  if (tok->state == S_DONE)
    return TRUE;
  tok->failed = TRUE;
  if (rp_json_tokenizer_is_empty (tok))
    g_set_error_literal (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TRUNCATED,
                         _("The provider’s reply was empty."));
  else
    g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_TRUNCATED,
                 _("The provider’s reply ended early (after %" PRIu64 " bytes)."),
                 tok->offset);
  return FALSE;
}
