/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-mask"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rp-mask.h"
#include "rp-png.h"

#define TILE          RP_MASK_TILE_SIZE
#define TILE_BYTES    ((gsize) TILE * TILE)
/* Vertical sub-samples per pixel row when rasterising polygons. */
#define POLY_SUBROWS  4

typedef struct
{
  guint8  *data;     /* NULL: every pixel equals fill */
  guint8   fill;
  guint64  serial;
} Tile;

typedef struct
{
  guint    index;
  guint8  *data;
  guint8   fill;
} StepEntry;

struct _RpMaskStep
{
  GArray *entries;   /* StepEntry */
  gsize   bytes;
};

struct _RpMask
{
  GObject     parent_instance;

  int         width;
  int         height;
  int         tiles_x;
  int         tiles_y;
  Tile       *tiles;
  guint64     serial;

  /* Undo recording: which tiles the open step has saved already. */
  RpMaskStep *recording;
  guint32    *recorded_in;
  guint32     recording_id;

  /* Damage accumulated since the last "changed" emission. */
  int         damage_x0, damage_y0, damage_x1, damage_y1;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (RpMask, rp_mask, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-mask-error-quark, rp_mask_error)

static void
rp_mask_finalize (GObject *object)
{
  RpMask *self = RP_MASK (object);
  int i;

  for (i = 0; i < self->tiles_x * self->tiles_y; i++)
    g_free (self->tiles[i].data);
  g_free (self->tiles);
  g_free (self->recorded_in);
  g_clear_pointer (&self->recording, rp_mask_step_free);

  G_OBJECT_CLASS (rp_mask_parent_class)->finalize (object);
}

static void
rp_mask_class_init (RpMaskClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_mask_finalize;

  /**
   * RpMask::changed:
   * @x: @y: @width: @height: the damaged area in image pixels
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                   G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
}

static void
rp_mask_init (RpMask *self)
{
  self->damage_x0 = G_MAXINT;
  self->damage_y0 = G_MAXINT;
  self->damage_x1 = G_MININT;
  self->damage_y1 = G_MININT;
}

/**
 * rp_mask_new:
 * @width: the image width in pixels
 * @height: the image height in pixels
 *
 * Returns: (transfer full): an empty (unpainted) mask
 */
RpMask *
rp_mask_new (int width,
             int height)
{
  RpMask *self;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self = g_object_new (RP_TYPE_MASK, NULL);
  self->width = width;
  self->height = height;
  self->tiles_x = (width + TILE - 1) / TILE;
  self->tiles_y = (height + TILE - 1) / TILE;
  self->tiles = g_new0 (Tile, (gsize) self->tiles_x * self->tiles_y);
  self->recorded_in = g_new0 (guint32, (gsize) self->tiles_x * self->tiles_y);
  return self;
}

/**
 * rp_mask_copy:
 *
 * Returns: (transfer full): an independent copy, e.g. to read in a worker thread
 */
RpMask *
rp_mask_copy (RpMask *self)
{
  RpMask *copy;
  int i;

  g_return_val_if_fail (RP_IS_MASK (self), NULL);

  copy = rp_mask_new (self->width, self->height);
  for (i = 0; i < self->tiles_x * self->tiles_y; i++)
    {
      copy->tiles[i].fill = self->tiles[i].fill;
      copy->tiles[i].serial = self->tiles[i].serial;
      if (self->tiles[i].data != NULL)
        copy->tiles[i].data = g_memdup2 (self->tiles[i].data, TILE_BYTES);
    }
  copy->serial = self->serial;
  return copy;
}

int
rp_mask_get_width (RpMask *self)
{
  g_return_val_if_fail (RP_IS_MASK (self), 0);
  return self->width;
}

int
rp_mask_get_height (RpMask *self)
{
  g_return_val_if_fail (RP_IS_MASK (self), 0);
  return self->height;
}

static inline Tile *
tile_at (RpMask *self,
         int     tx,
         int     ty)
{
  return &self->tiles[ty * self->tiles_x + tx];
}

static void
add_damage (RpMask *self,
            int     x0,
            int     y0,
            int     x1,
            int     y1)
{
  self->damage_x0 = MIN (self->damage_x0, x0);
  self->damage_y0 = MIN (self->damage_y0, y0);
  self->damage_x1 = MAX (self->damage_x1, x1);
  self->damage_y1 = MAX (self->damage_y1, y1);
}

static void
emit_damage (RpMask *self)
{
  int x0 = MAX (self->damage_x0, 0);
  int y0 = MAX (self->damage_y0, 0);
  int x1 = MIN (self->damage_x1, self->width);
  int y1 = MIN (self->damage_y1, self->height);

  self->damage_x0 = G_MAXINT;
  self->damage_y0 = G_MAXINT;
  self->damage_x1 = G_MININT;
  self->damage_y1 = G_MININT;

  if (x1 > x0 && y1 > y0)
    g_signal_emit (self, signals[CHANGED], 0, x0, y0, x1 - x0, y1 - y0);
}

static void
record_tile (RpMask *self,
             guint   index)
{
  StepEntry entry;
  Tile *tile = &self->tiles[index];

  if (self->recording == NULL || self->recorded_in[index] == self->recording_id)
    return;

  self->recorded_in[index] = self->recording_id;
  entry.index = index;
  entry.fill = tile->fill;
  entry.data = tile->data ? g_memdup2 (tile->data, TILE_BYTES) : NULL;
  if (entry.data != NULL)
    self->recording->bytes += TILE_BYTES;
  g_array_append_val (self->recording->entries, entry);
}

/* Returns the tile's pixels for writing, saving the old state for undo first. */
static guint8 *
tile_for_write (RpMask *self,
                int     tx,
                int     ty)
{
  guint index = ty * self->tiles_x + tx;
  Tile *tile = &self->tiles[index];

  record_tile (self, index);
  if (tile->data == NULL)
    {
      tile->data = g_malloc (TILE_BYTES);
      memset (tile->data, tile->fill, TILE_BYTES);
    }
  tile->serial = ++self->serial;
  return tile->data;
}

static void
tile_set_uniform (RpMask *self,
                  int     tx,
                  int     ty,
                  guint8  value)
{
  guint index = ty * self->tiles_x + tx;
  Tile *tile = &self->tiles[index];

  record_tile (self, index);
  g_clear_pointer (&tile->data, g_free);
  tile->fill = value;
  tile->serial = ++self->serial;
}

guint8
rp_mask_get_pixel (RpMask *self,
                   int     x,
                   int     y)
{
  Tile *tile;

  g_return_val_if_fail (RP_IS_MASK (self), 0);

  if (x < 0 || y < 0 || x >= self->width || y >= self->height)
    return 0;
  tile = tile_at (self, x / TILE, y / TILE);
  if (tile->data == NULL)
    return tile->fill;
  return tile->data[(y % TILE) * TILE + (x % TILE)];
}

/**
 * rp_mask_read:
 * @dest: (out caller-allocates): @height rows of @width coverage bytes
 *
 * Copies coverage of a rectangle; pixels outside the mask read as 0.
 */
void
rp_mask_read (RpMask *self,
              int     x,
              int     y,
              int     width,
              int     height,
              guint8 *dest,
              gsize   dest_stride)
{
  int row;

  g_return_if_fail (RP_IS_MASK (self));

  for (row = 0; row < height; row++)
    {
      int iy = y + row;
      guint8 *out = dest + (gsize) row * dest_stride;
      int col = 0;

      if (iy < 0 || iy >= self->height)
        {
          memset (out, 0, width);
          continue;
        }
      while (col < width)
        {
          int ix = x + col;
          int span;
          Tile *tile;

          if (ix < 0 || ix >= self->width)
            {
              out[col++] = 0;
              continue;
            }
          span = MIN (TILE - ix % TILE, width - col);
          span = MIN (span, self->width - ix);
          tile = tile_at (self, ix / TILE, iy / TILE);
          if (tile->data == NULL)
            memset (out + col, tile->fill, span);
          else
            memcpy (out + col, tile->data + (iy % TILE) * TILE + ix % TILE, span);
          col += span;
        }
    }
}

guint64
rp_mask_get_tile_serial (RpMask *self,
                         int     tile_x,
                         int     tile_y)
{
  g_return_val_if_fail (RP_IS_MASK (self), 0);
  g_return_val_if_fail (tile_x >= 0 && tile_x < self->tiles_x, 0);
  g_return_val_if_fail (tile_y >= 0 && tile_y < self->tiles_y, 0);
  return tile_at (self, tile_x, tile_y)->serial;
}

/**
 * rp_mask_get_tile_is_uniform:
 * @value: (out) (optional): the tile's single value
 *
 * Returns: whether every pixel of the tile has the same coverage (without scanning it
 * when the tile was never written pixel by pixel)
 */
gboolean
rp_mask_get_tile_is_uniform (RpMask *self,
                             int     tile_x,
                             int     tile_y,
                             guint8 *value)
{
  Tile *tile;

  g_return_val_if_fail (RP_IS_MASK (self), FALSE);

  tile = tile_at (self, tile_x, tile_y);
  if (tile->data != NULL)
    return FALSE;
  if (value != NULL)
    *value = tile->fill;
  return TRUE;
}

gsize
rp_mask_get_allocated_tiles (RpMask *self)
{
  gsize n = 0;
  int i;

  g_return_val_if_fail (RP_IS_MASK (self), 0);

  for (i = 0; i < self->tiles_x * self->tiles_y; i++)
    n += self->tiles[i].data != NULL;
  return n;
}

static inline void
combine (guint8   *pixel,
         guint8    value,
         RpMaskOp  op)
{
  if (op == RP_MASK_OP_PAINT)
    {
      if (value > *pixel)
        *pixel = value;
    }
  else if (255 - value < *pixel)
    {
      *pixel = 255 - value;
    }
}

/* Applies one row of computed coverage @values (for x0..x0+len) through @op. Tiles whose
 * state already equals the result (a uniform tile fully painted, say) are not touched. */
static void
apply_row (RpMask       *self,
           int           y,
           int           x0,
           int           len,
           const guint8 *values,
           RpMaskOp      op)
{
  int i = 0;

  while (i < len)
    {
      int x = x0 + i;
      int tx = x / TILE;
      int span = MIN (TILE - x % TILE, len - i);
      Tile *tile = tile_at (self, tx, y / TILE);
      guint8 *row;
      int k;

      if (tile->data == NULL &&
          ((op == RP_MASK_OP_PAINT && tile->fill == 255) ||
           (op == RP_MASK_OP_ERASE && tile->fill == 0)))
        {
          i += span;
          continue;
        }
      for (k = 0; k < span && values[i + k] == 0; k++)
        ;
      if (k == span)
        {
          i += span;
          continue;
        }

      row = tile_for_write (self, tx, y / TILE) + (y % TILE) * TILE + x % TILE;
      for (k = 0; k < span; k++)
        combine (&row[k], values[i + k], op);
      i += span;
    }
}

/**
 * rp_mask_dab:
 * @cx: @cy: the centre in image pixels
 * @radius: in image pixels
 * @hardness: 0 (soft) to 1 (hard edge with a one-pixel antialiased rim)
 * @op: paint (add to the region to edit) or erase
 *
 * Stamps one round brush dab. The work is proportional to the dab's area.
 */
void
rp_mask_dab (RpMask   *self,
             double    cx,
             double    cy,
             double    radius,
             double    hardness,
             RpMaskOp  op)
{
  int x0, y0, x1, y1, y;
  double inner, ramp;
  g_autofree guint8 *values = NULL;

  g_return_if_fail (RP_IS_MASK (self));

  radius = MAX (radius, 0.5);
  hardness = CLAMP (hardness, 0.0, 1.0);
  inner = radius * hardness;
  ramp = MAX (radius - inner, 1.0);

  x0 = MAX ((int) floor (cx - radius - 1), 0);
  y0 = MAX ((int) floor (cy - radius - 1), 0);
  x1 = MIN ((int) ceil (cx + radius + 1), self->width);
  y1 = MIN ((int) ceil (cy + radius + 1), self->height);
  if (x1 <= x0 || y1 <= y0)
    return;

  values = g_malloc (x1 - x0);
  for (y = y0; y < y1; y++)
    {
      double dy = y + 0.5 - cy;
      int x;

      for (x = x0; x < x1; x++)
        {
          double dx = x + 0.5 - cx;
          double d = sqrt (dx * dx + dy * dy);
          double v;

          /* Hard brushes: full inside radius-0.5, linear to 0 at radius+0.5. */
          if (hardness >= 1.0)
            v = CLAMP (radius + 0.5 - d, 0.0, 1.0);
          else
            v = CLAMP ((radius - d) / ramp + (d <= inner ? 1.0 : 0.0), 0.0, 1.0);
          values[x - x0] = (guint8) (v * 255.0 + 0.5);
        }
      apply_row (self, y, x0, x1 - x0, values, op);
    }

  add_damage (self, x0, y0, x1, y1);
  emit_damage (self);
}

typedef struct
{
  double x;
  int    winding;
} Crossing;

static int
compare_crossings (gconstpointer a,
                   gconstpointer b)
{
  double xa = ((const Crossing *) a)->x;
  double xb = ((const Crossing *) b)->x;

  return (xa > xb) - (xa < xb);
}

/* Adds coverage weight @w for the horizontal span [xa, xb) to @acc (indexed from @ox). */
static void
accumulate_span (float  *acc,
                 int     ox,
                 int     len,
                 double  xa,
                 double  xb,
                 float   w)
{
  int ia, ib, i;

  xa = CLAMP (xa - ox, 0.0, (double) len);
  xb = CLAMP (xb - ox, 0.0, (double) len);
  if (xb <= xa)
    return;
  ia = (int) floor (xa);
  ib = (int) floor (xb);
  if (ia == ib)
    {
      acc[ia] += w * (float) (xb - xa);
      return;
    }
  acc[ia] += w * (float) (ia + 1 - xa);
  for (i = ia + 1; i < ib; i++)
    acc[i] += w;
  if (ib < len)
    acc[ib] += w * (float) (xb - ib);
}

/**
 * rp_mask_fill_polygon:
 * @xy: (array length=n_points): x, y pairs in image pixels
 * @n_points: number of points (pairs)
 *
 * Fills a closed polygon (lasso, rectangle) with the non-zero winding rule and
 * antialiased edges.
 */
void
rp_mask_fill_polygon (RpMask       *self,
                      const double *xy,
                      guint         n_points,
                      RpMaskOp      op)
{
  double minx = G_MAXDOUBLE, miny = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, maxy = -G_MAXDOUBLE;
  int x0, y0, x1, y1, y, len;
  g_autofree float *acc = NULL;
  g_autofree guint8 *values = NULL;
  g_autoptr(GArray) crossings = NULL;
  guint i;

  g_return_if_fail (RP_IS_MASK (self));
  if (n_points < 3)
    return;

  for (i = 0; i < n_points; i++)
    {
      minx = MIN (minx, xy[2 * i]);
      maxx = MAX (maxx, xy[2 * i]);
      miny = MIN (miny, xy[2 * i + 1]);
      maxy = MAX (maxy, xy[2 * i + 1]);
    }
  x0 = MAX ((int) floor (minx), 0);
  y0 = MAX ((int) floor (miny), 0);
  x1 = MIN ((int) ceil (maxx), self->width);
  y1 = MIN ((int) ceil (maxy), self->height);
  if (x1 <= x0 || y1 <= y0)
    return;

  len = x1 - x0;
  acc = g_new (float, len);
  values = g_malloc (len);
  crossings = g_array_new (FALSE, FALSE, sizeof (Crossing));

  for (y = y0; y < y1; y++)
    {
      int sub, x;

      memset (acc, 0, sizeof (float) * len);
      for (sub = 0; sub < POLY_SUBROWS; sub++)
        {
          double sy = y + (sub + 0.5) / POLY_SUBROWS;
          int winding = 0;
          double start = 0;

          g_array_set_size (crossings, 0);
          for (i = 0; i < n_points; i++)
            {
              guint j = (i + 1) % n_points;
              double ax = xy[2 * i], ay = xy[2 * i + 1];
              double bx = xy[2 * j], by = xy[2 * j + 1];
              Crossing c;

              if ((ay <= sy && by > sy) || (by <= sy && ay > sy))
                {
                  c.x = ax + (sy - ay) * (bx - ax) / (by - ay);
                  c.winding = by > ay ? 1 : -1;
                  g_array_append_val (crossings, c);
                }
            }
          g_array_sort (crossings, compare_crossings);
          for (i = 0; i < crossings->len; i++)
            {
              Crossing *c = &g_array_index (crossings, Crossing, i);
              int before = winding;

              winding += c->winding;
              if (before == 0 && winding != 0)
                start = c->x;
              else if (before != 0 && winding == 0)
                accumulate_span (acc, x0, len, start, c->x, 1.0f / POLY_SUBROWS);
            }
        }
      for (x = 0; x < len; x++)
        values[x] = (guint8) (CLAMP (acc[x], 0.0f, 1.0f) * 255.0f + 0.5f);
      apply_row (self, y, x0, len, values, op);
    }

  add_damage (self, x0, y0, x1, y1);
  emit_damage (self);
}

void
rp_mask_fill_rect (RpMask   *self,
                   double    x,
                   double    y,
                   double    width,
                   double    height,
                   RpMaskOp  op)
{
  double xy[8] = { x, y, x + width, y, x + width, y + height, x, y + height };

  rp_mask_fill_polygon (self, xy, 4, op);
}

/* Collapses a tile whose pixels are all equal back to a single value. */
static void
tile_try_collapse (Tile *tile)
{
  guint8 first;
  gsize i;

  if (tile->data == NULL)
    return;
  first = tile->data[0];
  for (i = 1; i < TILE_BYTES; i++)
    if (tile->data[i] != first)
      return;
  g_clear_pointer (&tile->data, g_free);
  tile->fill = first;
}

void
rp_mask_invert (RpMask *self)
{
  int tx, ty;

  g_return_if_fail (RP_IS_MASK (self));

  for (ty = 0; ty < self->tiles_y; ty++)
    for (tx = 0; tx < self->tiles_x; tx++)
      {
        Tile *tile = tile_at (self, tx, ty);

        if (tile->data == NULL)
          {
            tile_set_uniform (self, tx, ty, 255 - tile->fill);
          }
        else
          {
            guint8 *data = tile_for_write (self, tx, ty);
            gsize i;

            for (i = 0; i < TILE_BYTES; i++)
              data[i] = 255 - data[i];
          }
      }
  add_damage (self, 0, 0, self->width, self->height);
  emit_damage (self);
}

void
rp_mask_clear (RpMask *self)
{
  int tx, ty;

  g_return_if_fail (RP_IS_MASK (self));

  for (ty = 0; ty < self->tiles_y; ty++)
    for (tx = 0; tx < self->tiles_x; tx++)
      {
        Tile *tile = tile_at (self, tx, ty);

        if (tile->data != NULL || tile->fill != 0)
          tile_set_uniform (self, tx, ty, 0);
      }
  add_damage (self, 0, 0, self->width, self->height);
  emit_damage (self);
}

/**
 * rp_mask_set_from:
 * @other: a mask of the same size
 *
 * Replaces the coverage with @other's, recorded like any edit (e.g. Import Mask).
 */
void
rp_mask_set_from (RpMask *self,
                  RpMask *other)
{
  int i;

  g_return_if_fail (RP_IS_MASK (self));
  g_return_if_fail (RP_IS_MASK (other));
  g_return_if_fail (self->width == other->width && self->height == other->height);

  for (i = 0; i < self->tiles_x * self->tiles_y; i++)
    {
      Tile *src = &other->tiles[i];
      int tx = i % self->tiles_x, ty = i / self->tiles_x;

      if (src->data == NULL)
        tile_set_uniform (self, tx, ty, src->fill);
      else
        memcpy (tile_for_write (self, tx, ty), src->data, TILE_BYTES);
    }
  add_damage (self, 0, 0, self->width, self->height);
  emit_damage (self);
}

/* The part of tile (tx, ty) that lies inside the image. */
static void
tile_extent (RpMask *self,
             int     tx,
             int     ty,
             int    *w,
             int    *h)
{
  *w = MIN (TILE, self->width - tx * TILE);
  *h = MIN (TILE, self->height - ty * TILE);
}

/**
 * rp_mask_get_bounds:
 * @bounds: (out): the smallest rectangle holding every pixel with coverage > 0
 *
 * Returns: %FALSE when nothing is painted
 */
gboolean
rp_mask_get_bounds (RpMask                *self,
                    cairo_rectangle_int_t *bounds)
{
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = G_MININT, y1 = G_MININT;
  int tx, ty;

  g_return_val_if_fail (RP_IS_MASK (self), FALSE);

  for (ty = 0; ty < self->tiles_y; ty++)
    for (tx = 0; tx < self->tiles_x; tx++)
      {
        Tile *tile = tile_at (self, tx, ty);
        int w, h, x, y;

        tile_extent (self, tx, ty, &w, &h);
        if (tile->data == NULL)
          {
            if (tile->fill == 0)
              continue;
            x0 = MIN (x0, tx * TILE);
            y0 = MIN (y0, ty * TILE);
            x1 = MAX (x1, tx * TILE + w);
            y1 = MAX (y1, ty * TILE + h);
            continue;
          }
        for (y = 0; y < h; y++)
          {
            const guint8 *row = tile->data + y * TILE;

            for (x = 0; x < w; x++)
              if (row[x] != 0)
                {
                  x0 = MIN (x0, tx * TILE + x);
                  x1 = MAX (x1, tx * TILE + x + 1);
                  y0 = MIN (y0, ty * TILE + y);
                  y1 = MAX (y1, ty * TILE + y + 1);
                }
          }
      }

  if (x1 <= x0 || y1 <= y0)
    return FALSE;
  if (bounds != NULL)
    {
      bounds->x = x0;
      bounds->y = y0;
      bounds->width = x1 - x0;
      bounds->height = y1 - y0;
    }
  return TRUE;
}

gboolean
rp_mask_is_empty (RpMask *self)
{
  return !rp_mask_get_bounds (self, NULL);
}

/**
 * rp_mask_begin_step:
 *
 * Starts recording the state of every tile the following edits touch, for undo.
 */
void
rp_mask_begin_step (RpMask *self)
{
  g_return_if_fail (RP_IS_MASK (self));
  g_return_if_fail (self->recording == NULL);

  self->recording = g_new0 (RpMaskStep, 1);
  self->recording->entries = g_array_new (FALSE, FALSE, sizeof (StepEntry));
  if (++self->recording_id == 0)
    {
      memset (self->recorded_in, 0, sizeof (guint32) * self->tiles_x * self->tiles_y);
      self->recording_id = 1;
    }
}

/**
 * rp_mask_end_step:
 *
 * Returns: (transfer full) (nullable): the recorded step, or %NULL if nothing changed
 */
RpMaskStep *
rp_mask_end_step (RpMask *self)
{
  RpMaskStep *step;
  guint i;

  g_return_val_if_fail (RP_IS_MASK (self), NULL);
  g_return_val_if_fail (self->recording != NULL, NULL);

  step = g_steal_pointer (&self->recording);
  for (i = 0; i < step->entries->len; i++)
    tile_try_collapse (&self->tiles[g_array_index (step->entries, StepEntry, i).index]);

  if (step->entries->len == 0)
    {
      rp_mask_step_free (step);
      return NULL;
    }
  return step;
}

/**
 * rp_mask_step_swap:
 * @step: a step recorded on this mask
 *
 * Exchanges the tiles in @step with the mask's: the first call undoes the step, the next
 * one redoes it.
 */
void
rp_mask_step_swap (RpMask     *self,
                   RpMaskStep *step)
{
  guint i;

  g_return_if_fail (RP_IS_MASK (self));
  g_return_if_fail (step != NULL);
  g_return_if_fail (self->recording == NULL);

  step->bytes = 0;
  for (i = 0; i < step->entries->len; i++)
    {
      StepEntry *e = &g_array_index (step->entries, StepEntry, i);
      Tile *tile = &self->tiles[e->index];
      guint8 *data = tile->data;
      guint8 fill = tile->fill;
      int tx = e->index % self->tiles_x, ty = e->index / self->tiles_x;

      tile->data = e->data;
      tile->fill = e->fill;
      tile->serial = ++self->serial;
      e->data = data;
      e->fill = fill;
      if (data != NULL)
        step->bytes += TILE_BYTES;
      add_damage (self, tx * TILE, ty * TILE, (tx + 1) * TILE, (ty + 1) * TILE);
    }
  emit_damage (self);
}

gsize
rp_mask_step_get_bytes (RpMaskStep *step)
{
  g_return_val_if_fail (step != NULL, 0);
  return step->bytes + step->entries->len * sizeof (StepEntry);
}

void
rp_mask_step_free (RpMaskStep *step)
{
  guint i;

  if (step == NULL)
    return;
  for (i = 0; i < step->entries->len; i++)
    g_free (g_array_index (step->entries, StepEntry, i).data);
  g_array_unref (step->entries);
  g_free (step);
}

/**
 * rp_mask_export_row:
 * @coverage: (array length=width): coverage bytes, 0–255
 * @width: pixels in the row
 * @rgba: (out caller-allocates): @width RGBA pixels in the export format
 *
 * Converts one row of coverage to the upload format: alpha 0 where coverage ≥
 * %RP_MASK_EXPORT_THRESHOLD (the region to edit), 255 elsewhere, colour black. Every
 * writer of upload masks goes through here so that they all agree on the format.
 */
void
rp_mask_export_row (const guint8 *coverage,
                    int           width,
                    guint8       *rgba)
{
  int x;

  for (x = 0; x < width; x++)
    {
      rgba[4 * x + 0] = 0;
      rgba[4 * x + 1] = 0;
      rgba[4 * x + 2] = 0;
      rgba[4 * x + 3] = coverage[x] >= RP_MASK_EXPORT_THRESHOLD ? 0 : 255;
    }
}

/**
 * rp_mask_write_png:
 * @stream: destination
 *
 * Writes the mask image-edit APIs expect: an RGBA PNG of exactly the mask's size whose
 * alpha is 0 where coverage ≥ %RP_MASK_EXPORT_THRESHOLD (the region to edit) and 255
 * elsewhere. The export is binary; soft edges are kept in the mask for compositing.
 */
gboolean
rp_mask_write_png (RpMask        *self,
                   GOutputStream *stream,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(RpPngWriter) writer = NULL;
  g_autofree guint8 *coverage = NULL;
  g_autofree guint8 *row = NULL;
  int y;

  g_return_val_if_fail (RP_IS_MASK (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  writer = rp_png_writer_new (stream, self->width, self->height, RP_PNG_COLOR_RGBA,
                              RP_PNG_SPEED_FLAT);
  coverage = g_malloc (self->width);
  row = g_malloc ((gsize) self->width * 4);

  for (y = 0; y < self->height; y++)
    {
      if (y % 64 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      rp_mask_read (self, 0, y, self->width, 1, coverage, self->width);
      rp_mask_export_row (coverage, self->width, row);
      if (!rp_png_writer_write_row (writer, row, cancellable, error))
        return FALSE;
    }
  return rp_png_writer_finish (writer, cancellable, error);
}

/**
 * rp_mask_save_png:
 * @file: where to write; replaced atomically
 */
gboolean
rp_mask_save_png (RpMask        *self,
                  GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GOutputStream) buffered = NULL;

  g_return_val_if_fail (RP_IS_MASK (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, error);
  if (out == NULL)
    return FALSE;
  buffered = g_buffered_output_stream_new_sized (G_OUTPUT_STREAM (out), 1024 * 1024);
  if (!rp_mask_write_png (self, buffered, cancellable, error))
    {
      g_autoptr(GCancellable) abort_write = g_cancellable_new ();

      /* Closing with a cancelled cancellable discards the temporary file. */
      g_cancellable_cancel (abort_write);
      g_output_stream_close (G_OUTPUT_STREAM (out), abort_write, NULL);
      return FALSE;
    }
  return g_output_stream_close (buffered, cancellable, error);
}

/**
 * rp_mask_new_from_image:
 * @image: a decoded PNG with an alpha channel
 * @expected_width: @expected_height: the photo's size, which the mask must match
 *
 * Reads a mask in the export format back: coverage = 255 − alpha, so an exported binary
 * mask round-trips exactly and soft masks keep their soft edges.
 *
 * Returns: (transfer full): the mask, or %NULL with @error set
 */
static gboolean
check_size (RpImage  *image,
            int       expected_width,
            int       expected_height,
            GError  **error)
{
  int width = rp_image_get_width (image);
  int height = rp_image_get_height (image);

  if (width != expected_width || height != expected_height)
    {
      g_set_error (error, RP_MASK_ERROR, RP_MASK_ERROR_SIZE_MISMATCH,
                   _("The mask is %d × %d pixels but the photo is %d × %d. A mask must have "
                     "exactly the photo’s size."),
                   width, height, expected_width, expected_height);
      return FALSE;
    }
  return TRUE;
}

/* Builds a mask from one channel of @pixbuf, inverted for the alpha-0-is-painted format. */
static RpMask *
mask_from_channel (GdkPixbuf *pixbuf,
                   int        channel,
                   gboolean   invert)
{
  g_autoptr(RpMask) mask = NULL;
  g_autofree guint8 *row = NULL;
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int x, y;

  mask = rp_mask_new (width, height);
  row = g_malloc (width);
  for (y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize) y * stride + channel;

      for (x = 0; x < width; x++)
        row[x] = invert ? 255 - src[x * channels] : src[x * channels];
      apply_row (mask, y, 0, width, row, RP_MASK_OP_PAINT);
    }
  for (x = 0; x < mask->tiles_x * mask->tiles_y; x++)
    tile_try_collapse (&mask->tiles[x]);
  return g_steal_pointer (&mask);
}

RpMask *
rp_mask_new_from_image (RpImage  *image,
                        int       expected_width,
                        int       expected_height,
                        GError  **error)
{
  GdkPixbuf *pixbuf;

  g_return_val_if_fail (RP_IS_IMAGE (image), NULL);

  if (!check_size (image, expected_width, expected_height, error))
    return NULL;
  pixbuf = rp_image_get_pixbuf (image);
  if (!gdk_pixbuf_get_has_alpha (pixbuf))
    {
      g_set_error_literal (error, RP_MASK_ERROR, RP_MASK_ERROR_NO_ALPHA,
                           _("The mask has no transparency. A mask is a PNG whose transparent "
                             "pixels mark the region to change."));
      return NULL;
    }
  return mask_from_channel (pixbuf, 3, TRUE);
}

/**
 * rp_mask_write_coverage_png:
 *
 * Writes the coverage itself (soft edges included) as an 8-bit grey PNG: Repaint's own
 * format for keeping a mask, unlike the binary export the edit APIs take.
 */
gboolean
rp_mask_write_coverage_png (RpMask        *self,
                            GOutputStream *stream,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(RpPngWriter) writer = NULL;
  g_autofree guint8 *row = NULL;
  int y;

  g_return_val_if_fail (RP_IS_MASK (self), FALSE);

  writer = rp_png_writer_new (stream, self->width, self->height, RP_PNG_COLOR_GRAY, RP_PNG_SPEED_FLAT);
  row = g_malloc (self->width);
  for (y = 0; y < self->height; y++)
    {
      if (y % 64 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      rp_mask_read (self, 0, y, self->width, 1, row, self->width);
      if (!rp_png_writer_write_row (writer, row, cancellable, error))
        return FALSE;
    }
  return rp_png_writer_finish (writer, cancellable, error);
}

/**
 * rp_mask_new_from_coverage:
 * @image: a grey PNG written by rp_mask_write_coverage_png()
 *
 * Returns: (transfer full): the mask, or %NULL with @error set
 */
RpMask *
rp_mask_new_from_coverage (RpImage  *image,
                           int       expected_width,
                           int       expected_height,
                           GError  **error)
{
  g_return_val_if_fail (RP_IS_IMAGE (image), NULL);

  if (!check_size (image, expected_width, expected_height, error))
    return NULL;
  return mask_from_channel (rp_image_get_pixbuf (image), 0, FALSE);
}

/**
 * rp_mask_load_file:
 *
 * Returns: (transfer full): the mask read from a PNG file, or %NULL with @error set
 */
RpMask *
rp_mask_load_file (GFile         *file,
                   int            expected_width,
                   int            expected_height,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(RpImage) image = rp_image_load_file (file, cancellable, error);

  if (image == NULL)
    return NULL;
  return rp_mask_new_from_image (image, expected_width, expected_height, error);
}
