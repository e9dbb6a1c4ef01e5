/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-body-stream"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rp-body-stream-private.h"
#include "rp-transport.h"

/* Raw bytes read per step when encoding base64: a multiple of 3, so only the last step of
 * a file produces padding and every step encodes on its own. */
#define BASE64_RAW_CHUNK_BYTES (3 * 16 * 1024)
#define BASE64_OUT_CHUNK_BYTES (BASE64_RAW_CHUNK_BYTES / 3 * 4)

struct _RpBodyStream
{
  GInputStream   parent_instance;

  /* Owned, shared with other streams of the same body, never modified. */
  GPtrArray     *segments;
  goffset        size;

  /* Reading state, touched only by the one read in flight (GInputStream allows no more). */
  guint          index;
  goffset        segment_pos;
  GInputStream  *file_in;
  goffset        file_pos;
  guint8        *raw;
  char          *encoded;
  gsize          encoded_pos;
  gsize          encoded_len;

  /* Progress may be asked for from another thread than the one reading. */
  GMutex         progress_lock;
  goffset        bytes_read;
};

G_DEFINE_FINAL_TYPE (RpBodyStream, rp_body_stream, G_TYPE_INPUT_STREAM)

static const char base64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

RpBodySegment *
rp_body_segment_new_bytes (GBytes *bytes)
{
  RpBodySegment *segment = g_new0 (RpBodySegment, 1);

  segment->kind = RP_BODY_SEGMENT_BYTES;
  segment->bytes = g_bytes_ref (bytes);
  segment->length = g_bytes_get_size (bytes);
  return segment;
}

RpBodySegment *
rp_body_segment_new_file (RpBodySegmentKind  kind,
                          GFile             *file,
                          goffset            file_size)
{
  RpBodySegment *segment = g_new0 (RpBodySegment, 1);

  g_assert (kind == RP_BODY_SEGMENT_FILE || kind == RP_BODY_SEGMENT_BASE64_FILE);
  g_assert (file_size >= 0);

  segment->kind = kind;
  segment->file = g_object_ref (file);
  segment->file_size = file_size;
  segment->length = kind == RP_BODY_SEGMENT_FILE ? file_size : rp_body_base64_length (file_size);
  return segment;
}

void
rp_body_segment_free (RpBodySegment *segment)
{
  if (segment == NULL)
    return;
  g_clear_pointer (&segment->bytes, g_bytes_unref);
  g_clear_object (&segment->file);
  g_free (segment);
}

static gsize
base64_encode_block (const guint8 *in,
                     gsize         len,
                     char         *out)
{
  char *p = out;
  gsize i;

  for (i = 0; i + 3 <= len; i += 3)
    {
      guint32 v = ((guint32) in[i] << 16) | ((guint32) in[i + 1] << 8) | in[i + 2];

      *p++ = base64_alphabet[(v >> 18) & 63];
      *p++ = base64_alphabet[(v >> 12) & 63];
      *p++ = base64_alphabet[(v >> 6) & 63];
      *p++ = base64_alphabet[v & 63];
    }
  if (i < len)
    {
      guint32 v = (guint32) in[i] << 16;

      if (i + 1 < len)
        v |= (guint32) in[i + 1] << 8;
      *p++ = base64_alphabet[(v >> 18) & 63];
      *p++ = base64_alphabet[(v >> 12) & 63];
      *p++ = i + 1 < len ? base64_alphabet[(v >> 6) & 63] : '=';
      *p++ = '=';
    }
  return p - out;
}

static void
set_changed_error (RpBodySegment  *segment,
                   GError        **error)
{
  g_autofree char *name = g_file_get_parse_name (segment->file);

  g_set_error (error, RP_TRANSPORT_ERROR, RP_TRANSPORT_ERROR_FILE_CHANGED,
               _("“%s” changed while it was being sent."), name);
}

static gboolean
open_segment_file (RpBodyStream   *self,
                   RpBodySegment  *segment,
                   GCancellable   *cancellable,
                   GError        **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (segment->file, cancellable, error);
  g_autoptr(GFileInfo) info = NULL;

  if (in == NULL)
    return FALSE;
  /* Content-Length was promised from the planned size; a file that changed since would
   * make the body lie, so refuse before sending any of it. */
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, error);
  if (info == NULL)
    return FALSE;
  if (g_file_info_get_size (info) != segment->file_size)
    {
      set_changed_error (segment, error);
      return FALSE;
    }
  self->file_in = G_INPUT_STREAM (g_steal_pointer (&in));
  self->file_pos = 0;
  return TRUE;
}

static gssize
read_file_segment (RpBodyStream   *self,
                   RpBodySegment  *segment,
                   guint8         *buffer,
                   gsize           count,
                   GCancellable   *cancellable,
                   GError        **error)
{
  gsize want = MIN ((goffset) count, segment->length - self->segment_pos);
  gssize n;

  if (self->file_in == NULL && !open_segment_file (self, segment, cancellable, error))
    return -1;
  n = g_input_stream_read (self->file_in, buffer, want, cancellable, error);
  if (n == 0)
    set_changed_error (segment, error);
  return n > 0 ? n : -1;
}

static gboolean
refill_base64 (RpBodyStream   *self,
               RpBodySegment  *segment,
               GCancellable   *cancellable,
               GError        **error)
{
  gsize want, got = 0;

  if (self->file_in == NULL && !open_segment_file (self, segment, cancellable, error))
    return FALSE;
  want = MIN (BASE64_RAW_CHUNK_BYTES, segment->file_size - self->file_pos);
  if (self->raw == NULL)
    {
      self->raw = g_malloc (BASE64_RAW_CHUNK_BYTES);
      self->encoded = g_malloc (BASE64_OUT_CHUNK_BYTES);
    }
  if (!g_input_stream_read_all (self->file_in, self->raw, want, &got, cancellable, error))
    return FALSE;
  if (got != want)
    {
      set_changed_error (segment, error);
      return FALSE;
    }
  self->file_pos += got;
  self->encoded_len = base64_encode_block (self->raw, got, self->encoded);
  self->encoded_pos = 0;
  return TRUE;
}

static gssize
read_base64_segment (RpBodyStream   *self,
                     RpBodySegment  *segment,
                     guint8         *buffer,
                     gsize           count,
                     GCancellable   *cancellable,
                     GError        **error)
{
  gsize n;

  if (self->encoded_pos == self->encoded_len &&
      !refill_base64 (self, segment, cancellable, error))
    return -1;
  n = MIN (count, self->encoded_len - self->encoded_pos);
  memcpy (buffer, self->encoded + self->encoded_pos, n);
  self->encoded_pos += n;
  return n;
}

static gboolean
close_segment_file (RpBodyStream  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GInputStream) in = g_steal_pointer (&self->file_in);

  self->encoded_pos = self->encoded_len = 0;
  return in == NULL || g_input_stream_close (in, cancellable, error);
}

static gssize
rp_body_stream_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  RpBodyStream *self = RP_BODY_STREAM (stream);
  guint8 *out = buffer;
  gsize done = 0;

  while (done < count && self->index < self->segments->len)
    {
      RpBodySegment *segment = g_ptr_array_index (self->segments, self->index);
      gssize n = 0;

      if (self->segment_pos == segment->length)
        {
          if (!close_segment_file (self, cancellable, error))
            return -1;
          self->index++;
          self->segment_pos = 0;
          continue;
        }

      switch (segment->kind)
        {
        case RP_BODY_SEGMENT_BYTES:
          {
            const guint8 *bytes = g_bytes_get_data (segment->bytes, NULL);

            n = MIN ((goffset) (count - done), segment->length - self->segment_pos);
            memcpy (out + done, bytes + self->segment_pos, n);
          }
          break;
        case RP_BODY_SEGMENT_FILE:
          n = read_file_segment (self, segment, out + done, count - done, cancellable, error);
          break;
        case RP_BODY_SEGMENT_BASE64_FILE:
          n = read_base64_segment (self, segment, out + done, count - done, cancellable, error);
          break;
        default:
          g_assert_not_reached ();
        }
      if (n < 0)
        return -1;
      self->segment_pos += n;
      done += n;
    }

  g_mutex_lock (&self->progress_lock);
  self->bytes_read += done;
  g_mutex_unlock (&self->progress_lock);
  return done;
}

static gboolean
rp_body_stream_close (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  RpBodyStream *self = RP_BODY_STREAM (stream);

  g_clear_pointer (&self->raw, g_free);
  g_clear_pointer (&self->encoded, g_free);
  return close_segment_file (self, cancellable, error);
}

static void
rp_body_stream_finalize (GObject *object)
{
  RpBodyStream *self = RP_BODY_STREAM (object);

  g_clear_object (&self->file_in);
  g_clear_pointer (&self->raw, g_free);
  g_clear_pointer (&self->encoded, g_free);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_mutex_clear (&self->progress_lock);

  G_OBJECT_CLASS (rp_body_stream_parent_class)->finalize (object);
}

static void
rp_body_stream_class_init (RpBodyStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = rp_body_stream_finalize;
  stream_class->read_fn = rp_body_stream_read;
  stream_class->close_fn = rp_body_stream_close;
}

static void
rp_body_stream_init (RpBodyStream *self)
{
  g_mutex_init (&self->progress_lock);
}

RpBodyStream *
rp_body_stream_new (GPtrArray *segments)
{
  RpBodyStream *self = g_object_new (RP_TYPE_BODY_STREAM, NULL);
  guint i;

  self->segments = g_ptr_array_ref (segments);
  for (i = 0; i < segments->len; i++)
    self->size += ((RpBodySegment *) g_ptr_array_index (segments, i))->length;
  return self;
}

/**
 * rp_body_stream_get_size:
 * @self: a #RpBodyStream
 *
 * Returns: the exact number of bytes the stream produces, known before any is read
 */
goffset
rp_body_stream_get_size (RpBodyStream *self)
{
  g_return_val_if_fail (RP_IS_BODY_STREAM (self), 0);

  return self->size;
}

/**
 * rp_body_stream_get_bytes_read:
 * @self: a #RpBodyStream
 *
 * How far the consumer has read. Safe to call from any thread while a read runs in another.
 *
 * Returns: bytes handed out so far
 */
goffset
rp_body_stream_get_bytes_read (RpBodyStream *self)
{
  goffset n;

  g_return_val_if_fail (RP_IS_BODY_STREAM (self), 0);

  g_mutex_lock (&self->progress_lock);
  n = self->bytes_read;
  g_mutex_unlock (&self->progress_lock);
  return n;
}
