/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-multipart-body"

#include "config.h"

#include <string.h>

#include "rp-multipart-body.h"
#include "rp-request-body-private.h"

/* Random characters in a generated boundary: 62^24 (about 2^143) makes it practically
 * impossible for the boundary to occur inside an uploaded file, which is never scanned. */
#define RANDOM_BOUNDARY_CHARS 24
#define BOUNDARY_PREFIX       "------------------------"

struct _RpMultipartBody
{
  RpRequestBody  parent_instance;

  char          *boundary;
};

G_DEFINE_FINAL_TYPE (RpMultipartBody, rp_multipart_body, RP_TYPE_REQUEST_BODY)

static void
rp_multipart_body_seal (RpRequestBody *body)
{
  RpMultipartBody *self = RP_MULTIPART_BODY (body);
  g_autofree char *close = g_strdup_printf ("--%s--\r\n", self->boundary);

  rp_request_body_append_text (body, close, -1);
}

static void
rp_multipart_body_finalize (GObject *object)
{
  RpMultipartBody *self = RP_MULTIPART_BODY (object);

  g_clear_pointer (&self->boundary, g_free);

  G_OBJECT_CLASS (rp_multipart_body_parent_class)->finalize (object);
}

static void
rp_multipart_body_class_init (RpMultipartBodyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_multipart_body_finalize;
  RP_REQUEST_BODY_CLASS (klass)->seal = rp_multipart_body_seal;
}

static void
rp_multipart_body_init (RpMultipartBody *self)
{
}

/* RFC 2046 "bchars" without the space, so the boundary never needs quoting. */
static gboolean
boundary_is_valid (const char *boundary)
{
  gsize len = boundary != NULL ? strlen (boundary) : 0;
  const char *p;

  if (len == 0 || len > RP_MULTIPART_MAX_BOUNDARY_CHARS)
    return FALSE;
  for (p = boundary; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("'()+_,-./:=?", *p) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * rp_multipart_body_new_with_boundary:
 * @boundary: 1 to 70 characters from RFC 2046's boundary alphabet, without spaces
 *
 * A body with a chosen boundary, for reproducible bytes. Requests should use
 * rp_multipart_body_new(), whose boundary is random.
 *
 * Returns: (transfer full): a new empty `multipart/form-data` body
 */
RpMultipartBody *
rp_multipart_body_new_with_boundary (const char *boundary)
{
  RpMultipartBody *self;
  g_autofree char *content_type = NULL;

  g_return_val_if_fail (boundary_is_valid (boundary), NULL);

  self = g_object_new (RP_TYPE_MULTIPART_BODY, NULL);
  self->boundary = g_strdup (boundary);
  content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  rp_request_body_set_content_type (RP_REQUEST_BODY (self), content_type);
  return self;
}

/**
 * rp_multipart_body_new:
 *
 * Returns: (transfer full): a new empty `multipart/form-data` body with a random boundary
 */
RpMultipartBody *
rp_multipart_body_new (void)
{
  static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  char boundary[sizeof BOUNDARY_PREFIX + RANDOM_BOUNDARY_CHARS];
  gsize i, prefix = strlen (BOUNDARY_PREFIX);

  memcpy (boundary, BOUNDARY_PREFIX, prefix);
  for (i = 0; i < RANDOM_BOUNDARY_CHARS; i++)
    boundary[prefix + i] = chars[g_random_int_range (0, sizeof chars - 1)];
  boundary[prefix + RANDOM_BOUNDARY_CHARS] = '\0';
  return rp_multipart_body_new_with_boundary (boundary);
}

/**
 * rp_multipart_body_get_boundary:
 * @self: a #RpMultipartBody
 *
 * Returns: (transfer none): the boundary between parts
 */
const char *
rp_multipart_body_get_boundary (RpMultipartBody *self)
{
  g_return_val_if_fail (RP_IS_MULTIPART_BODY (self), NULL);

  return self->boundary;
}

/* Names and filenames go inside quoted strings; like browsers (and RFC 7578 §4.2's
 * advice to percent-encode), write a quote, CR and LF as %22, %0D, %0A. */
static void
append_quoted (GString    *out,
               const char *text)
{
  const char *p;

  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append (out, "%22");
      else if (*p == '\r')
        g_string_append (out, "%0D");
      else if (*p == '\n')
        g_string_append (out, "%0A");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static GString *
part_header (RpMultipartBody *self,
             const char      *name)
{
  GString *out = g_string_new ("--");

  g_string_append (out, self->boundary);
  g_string_append (out, "\r\nContent-Disposition: form-data; name=");
  append_quoted (out, name);
  return out;
}

/**
 * rp_multipart_body_add_field:
 * @self: a #RpMultipartBody
 * @name: the field name, used as given (`prompt`, `n`, …)
 * @value: the value, sent as UTF-8 text
 *
 * Appends a text part. Like a form (and the OpenAI SDKs), text parts carry no
 * Content-Type. Unset parameters should simply not be added: never send empty strings.
 */
void
rp_multipart_body_add_field (RpMultipartBody *self,
                             const char      *name,
                             const char      *value)
{
  g_autoptr(GString) part = NULL;

  g_return_if_fail (RP_IS_MULTIPART_BODY (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);
  g_return_if_fail (!rp_request_body_is_sealed (RP_REQUEST_BODY (self)));

  part = part_header (self, name);
  g_string_append (part, "\r\n\r\n");
  g_string_append (part, value);
  g_string_append (part, "\r\n");
  rp_request_body_append_text (RP_REQUEST_BODY (self), part->str, part->len);
}

/**
 * rp_multipart_body_add_file:
 * @self: a #RpMultipartBody
 * @name: the field name exactly as the provider wants it (`image`, `image[]`, `mask`,
 *   `image[0]`, `images`…); repeat a name by adding several files under it
 * @file: a regular file; it is measured now and read only while the body streams
 * @filename: (nullable): the filename to announce; %NULL uses @file's basename
 * @content_type: (nullable): the part's Content-Type; %NULL names the image type found
 *   in the file's first bytes (`application/octet-stream` when it is not an image)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Appends a file part. Blocking but cheap: a stat, plus a 32-byte read when
 * @content_type is %NULL.
 *
 * Returns: %TRUE on success; %FALSE with @error set if @file cannot be measured
 */
gboolean
rp_multipart_body_add_file (RpMultipartBody  *self,
                            const char       *name,
                            GFile            *file,
                            const char       *filename,
                            const char       *content_type,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(GString) part = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *type = NULL;
  goffset size = 0;

  g_return_val_if_fail (RP_IS_MULTIPART_BODY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (content_type == NULL ||
                        rp_request_body_content_type_is_safe (content_type), FALSE);
  g_return_val_if_fail (!rp_request_body_is_sealed (RP_REQUEST_BODY (self)), FALSE);

  if (!rp_request_body_inspect_file (file, content_type, &size, &type, cancellable, error))
    return FALSE;
  if (filename == NULL)
    filename = basename = g_file_get_basename (file);

  part = part_header (self, name);
  g_string_append (part, "; filename=");
  append_quoted (part, filename);
  g_string_append_printf (part, "\r\nContent-Type: %s\r\n\r\n", type);
  rp_request_body_append_text (RP_REQUEST_BODY (self), part->str, part->len);
  rp_request_body_append_file (RP_REQUEST_BODY (self), file, size);
  rp_request_body_append_text (RP_REQUEST_BODY (self), "\r\n", 2);
  return TRUE;
}
