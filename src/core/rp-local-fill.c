/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rp-local-fill"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "rp-image.h"
#include "rp-local-fill.h"

/*
 * Exemplar-based fill in the PatchMatch family, after Wexler, Shechtman and Irani's
 * "space-time completion" and Barnes et al.'s PatchMatch:
 *
 *  - The work happens on a crop around the mask (the region). A pyramid of the region is
 *    built by halving until the hole is small; at each level the hole is "any child is
 *    hole", so a coarse hole always covers the finer one.
 *  - At every level a nearest-neighbour field (NNF) maps each target patch (a patch that
 *    overlaps the hole) to a source patch (one with no hole pixel in it). PatchMatch
 *    (propagation + random search) improves the field; the hole is then rebuilt by letting
 *    every patch that covers a pixel vote for it, weighted by how well that patch matched.
 *    Search and vote alternate (expectation–maximisation) a few times per level.
 *  - Each target keeps its KNN best matches, not only the best one, and all of them vote
 *    (a non-local means over patches). Where the candidates agree — an edge that carries
 *    on, a regular texture — the fill stays sharp; where the photo gives no single answer
 *    the fill settles on what the candidates have in common instead of committing to one
 *    arbitrary guess. In the benchmark this is what lifts the fill's fidelity (SSIM) above
 *    diffusion-based inpainting.
 *  - A vote also counts less the deeper its patch centre lies in the hole (confidence
 *    CONFIDENCE_BASE^-distance, after Wexler et al.), so the rim of the hole follows the
 *    patches anchored in known pixels.
 *  - The coarsest hole is seeded by onion-peel diffusion; every finer level starts from the
 *    coarser field scaled by two, so the search at full resolution only refines.
 *  - Levels too large for a full search get a short refinement only, which keeps a 100 MP
 *    photo with a large mask tractable while the result stays sharp: pixels are always
 *    copied from full-resolution source patches, never interpolated.
 *
 * Pixels are stored as four bytes (R, G, B and a zero byte) so that a patch row is 28
 * contiguous bytes, two SSE2 loads; the zero byte adds nothing to the distances.
 *
 * Work is split into bands of rows, run by a small pool of threads (one per core). A band
 * only reads its own rows' field during propagation, so results do not depend on which
 * thread ran which band, and the band boundaries shift between passes so that information
 * still crosses them. Voting gathers: it writes hole pixels and reads only source pixels,
 * which are never hole pixels, so it runs in place without locks.
 */

/* 7 × 7 patches: large enough to carry structure, small enough for thin gaps. */
#define PATCH_RADIUS_PX       3
#define PATCH_W               (2 * PATCH_RADIUS_PX + 1)
#define PATCH_AREA            (PATCH_W * PATCH_W)

/* Context around the mask's bounding box: this share of its longer side on every side,
 * at least CONTEXT_MIN_PX, grown until the unpainted pixels in the region outnumber the
 * painted ones KNOWN_PER_HOLE times. */
#define CONTEXT_FACTOR        0.5
#define CONTEXT_MIN_PX        32
#define KNOWN_PER_HOLE        3

/* Pyramid: stop halving once the hole's longer side is at most this, or a level would
 * get too small or too poor in source patches. */
#define COARSE_HOLE_MAX_PX    24
#define LEVEL_MIN_EDGE_PX     (4 * PATCH_W)
#define LEVEL_MIN_SOURCES     64

/* Search and vote rounds (EM iterations, each of PM passes then one vote). The full
 * resolution level starts from a field already good at half resolution, so one pass
 * there is enough. */
#define EM_ITERS_COARSEST     10
#define EM_ITERS_FINE         4
#define EM_ITERS_FULL         1
#define PM_ITERS              2
#define PM_ITERS_FULL         1
/* Levels with more target patches than this are refined only: one short pass. */
#define REFINE_TARGET_PX      (600 * 1000)
#define REFINE_RADIUS_PX      6

/* Matches kept per target patch. 8 against 1 lifts the mean hole SSIM of the benchmark
 * by about 0.05 for about three times the search work. The best match searches the whole
 * level; the others only look within KNN_NEAR_RADIUS_PX of themselves (a wider look costs
 * more and measured no better). Levels of more than KNN_MAX_LEVEL_PX pixels keep one
 * match, to bound memory: a level takes 9 + 12 k bytes per pixel (105 with eight
 * matches, 21 with one). */
#define KNN                   8
#define KNN_MAX_LEVEL_PX      (6 * 1000 * 1000)
#define KNN_NEAR_RADIUS_PX    2

/* Votes are weighted by exp (-d / (2 VOTE_SIGMA_SCALE s)), with d the patch distance and
 * s this percentile of the best matches' distances over the level. */
#define VOTE_SIGMA_PERCENTILE 75
#define VOTE_SIGMA_SCALE      2.0f
#define VOTE_SAMPLES_MAX      8192
#define CONFIDENCE_BASE       1.6f

/* Bands of rows handed to the threads; small levels run as one band because splitting
 * them costs propagation and gains nothing. */
#define BAND_ROWS             8
#define SERIAL_TARGET_PX      (24 * 1024)
#define MAX_THREADS           16

/* Relative costs used for progress reporting. */
#define COST_PM               8
#define COST_VOTE             2

enum {
  FLAG_HOLE   = 1 << 0,   /* unknown: to synthesise */
  FLAG_SOURCE = 1 << 1,   /* a valid source patch centre */
  FLAG_TARGET = 1 << 2,   /* a patch centre whose patch overlaps the hole */
};

typedef struct
{
  int       w, h;
  guint8   *px;       /* w × h × 4: R G B 0; hole pixels hold the current estimate */
  guint8   *flags;    /* w × h */
  gint16   *nnf;      /* w × h × 2: source centre (x, y) of each target */
  guint32  *dist;     /* w × h: patch distance of the current match of each target */
  float    *weight;   /* w × h: vote weight of each target */
  float    *conf;     /* w × h: confidence of each target centre, lower deep in the hole */
  gint32   *sources;  /* indices of all source centres */
  gsize     n_sources;
  gsize     n_hole;
  gsize     n_target;
  int       tx0, ty0, tx1, ty1;  /* bounding box of the targets, exclusive ends */
  int       n_em, n_pm, radius;  /* this level's schedule */
  int       k;                   /* matches kept per target */
} Level;

typedef void (*BandFunc) (gpointer data,
                          int      band);

typedef struct
{
  BandFunc  func;
  gpointer  data;
  int       n_bands;
  gint      next;
  int       active;
  GMutex    lock;
  GCond     cond;
} ParJob;

typedef struct
{
  /* Inputs, read only while running. */
  GdkPixbuf             *image;
  RpMask                *mask;
  cairo_rectangle_int_t  region;
  guint32                seed;

  GCancellable          *cancellable;
  GThreadPool           *pool;
  int                    n_threads;

  /* Progress: work units done and expected; reported from the running thread. */
  gint64                 work_done;
  gint64                 work_total;
  double                 last_fraction;
  void                 (*report) (gpointer data, double fraction);
  gpointer               report_data;

  GMutex                 stats_lock;
  RpLocalFillStats       stats;

  guint8                *coverage;   /* region-sized copy of the mask */
  Level                 *levels;
  guint                  n_levels;
} Fill;

struct _RpLocalFill
{
  GObject                parent_instance;

  /* owned */
  GdkPixbuf             *image;
  RpMask                *mask;

  /* state */
  cairo_rectangle_int_t  region;
  gboolean               empty;
  gint64                 n_covered_px;
  guint32                seed;
  RpLocalFillStats       stats;
};

G_DEFINE_TYPE (RpLocalFill, rp_local_fill, G_TYPE_OBJECT)
G_DEFINE_QUARK (rp-local-fill-error-quark, rp_local_fill_error)

/* ---------------------------------------------------------------------------------------
 * Threads
 */

static void
par_run_bands (ParJob *job)
{
  int band;

  while ((band = g_atomic_int_add (&job->next, 1)) < job->n_bands)
    job->func (job->data, band);
}

static void
par_worker (gpointer data,
            gpointer user_data)
{
  ParJob *job = data;

  par_run_bands (job);
  g_mutex_lock (&job->lock);
  job->active--;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

/* Runs func for every band, on the pool and the calling thread, and returns when all are
 * done. */
static void
par_for (Fill     *fill,
         int       n_bands,
         BandFunc  func,
         gpointer  data)
{
  ParJob job = { func, data, n_bands, 0, 0 };
  int i, helpers;

  helpers = fill->pool != NULL ? MIN (fill->n_threads - 1, n_bands - 1) : 0;
  g_mutex_init (&job.lock);
  g_cond_init (&job.cond);
  job.active = helpers;
  for (i = 0; i < helpers; i++)
    g_thread_pool_push (fill->pool, &job, NULL);
  par_run_bands (&job);
  g_mutex_lock (&job.lock);
  while (job.active > 0)
    g_cond_wait (&job.cond, &job.lock);
  g_mutex_unlock (&job.lock);
  g_mutex_clear (&job.lock);
  g_cond_clear (&job.cond);
}

static inline gboolean
fill_cancelled (Fill *fill)
{
  return g_cancellable_is_cancelled (fill->cancellable);
}

/* Called by whichever thread finished some work; only the running thread reports. */
static void
fill_add_work (Fill     *fill,
               gint64    units,
               guint64   n_distances,
               gboolean  may_report)
{
  double fraction;

  g_mutex_lock (&fill->stats_lock);
  fill->work_done += units;
  fill->stats.n_distances += n_distances;
  fraction = fill->work_total > 0 ? (double) fill->work_done / fill->work_total : 0.0;
  g_mutex_unlock (&fill->stats_lock);

  if (!may_report || fill->report == NULL || fill_cancelled (fill))
    return;
  fraction = MIN (fraction, 0.999);
  /* Keep the main context calm: only steps of half a percent are worth a redraw. */
  if (fraction - fill->last_fraction < 0.005)
    return;
  fill->last_fraction = fraction;
  fill->report (fill->report_data, fraction);
}

/* ---------------------------------------------------------------------------------------
 * Random numbers: a deterministic stream per (level, pass, band), so the result does not
 * depend on thread scheduling.
 */

static inline guint32
rng_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return (guint32) ((z ^ (z >> 31)) >> 32);
}

/* A uniform integer in [-r, r]. */
static inline int
rng_offset (guint64 *state,
            int      r)
{
  return (int) (((guint64) rng_next (state) * (guint64) (2 * r + 1)) >> 32) - r;
}

static guint64
rng_seed (Fill *fill,
          guint level,
          guint pass,
          int   band)
{
  return ((guint64) fill->seed << 32) ^ ((guint64) level << 24) ^ ((guint64) pass << 16) ^
         (guint64) band;
}

/* ---------------------------------------------------------------------------------------
 * Levels
 */

static void
level_clear (Level *lv)
{
  g_clear_pointer (&lv->px, g_free);
  g_clear_pointer (&lv->flags, g_free);
  g_clear_pointer (&lv->nnf, g_free);
  g_clear_pointer (&lv->dist, g_free);
  g_clear_pointer (&lv->weight, g_free);
  g_clear_pointer (&lv->conf, g_free);
  g_clear_pointer (&lv->sources, g_free);
}

static gboolean
level_alloc (Level *lv,
             int    w,
             int    h)
{
  gsize n = (gsize) w * h;

  lv->w = w;
  lv->h = h;
  lv->px = g_try_malloc0_n (n, 4);
  lv->flags = g_try_malloc0 (n);
  lv->k = n > KNN_MAX_LEVEL_PX ? 1 : KNN;
  lv->nnf = g_try_malloc0_n (n, 2 * lv->k * sizeof (gint16));
  lv->dist = g_try_malloc0_n (n, lv->k * sizeof (guint32));
  lv->weight = g_try_malloc0_n (n, lv->k * sizeof (float));
  lv->conf = g_try_malloc0_n (n, sizeof (float));
  if (lv->px == NULL || lv->flags == NULL || lv->nnf == NULL || lv->dist == NULL ||
      lv->weight == NULL || lv->conf == NULL)
    {
      level_clear (lv);
      return FALSE;
    }
  return TRUE;
}

/* Maximum of a 0/1 map over a (2r+1)² box, separably; @tmp has the map's size. */
static void
dilate_box (const guint8 *in,
            guint8       *out,
            guint8       *tmp,
            int           w,
            int           h,
            int           r)
{
  int x, y;

  for (y = 0; y < h; y++)
    {
      const guint8 *row = in + (gsize) y * w;
      guint8 *dst = tmp + (gsize) y * w;
      int last = -r - 1;   /* last x with a set pixel seen so far, scanning ahead by r */

      for (x = 0; x < MIN (r, w); x++)
        if (row[x])
          last = x;
      for (x = 0; x < w; x++)
        {
          if (x + r < w && row[x + r])
            last = x + r;
          dst[x] = last >= x - r;
        }
    }
  for (x = 0; x < w; x++)
    {
      int last = -r - 1;

      for (y = 0; y < MIN (r, h); y++)
        if (tmp[(gsize) y * w + x])
          last = y;
      for (y = 0; y < h; y++)
        {
          if (y + r < h && tmp[(gsize) (y + r) * w + x])
            last = y + r;
          out[(gsize) y * w + x] = last >= y - r;
        }
    }
}

/* Confidence of each pixel: CONFIDENCE_BASE to the power of minus its chamfer distance to the
 * nearest known pixel (1 outside the hole). */
static void
level_confidence (Level *lv)
{
  int w = lv->w, h = lv->h, x, y;
  gsize n = (gsize) w * h, i;
  float *d = lv->conf;

  for (i = 0; i < n; i++)
    d[i] = (lv->flags[i] & FLAG_HOLE) ? 1e9f : 0.0f;
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        i = (gsize) y * w + x;
        if (x > 0) d[i] = MIN (d[i], d[i - 1] + 1);
        if (y > 0) d[i] = MIN (d[i], d[i - w] + 1);
        if (x > 0 && y > 0) d[i] = MIN (d[i], d[i - w - 1] + 1.4142f);
        if (x < w - 1 && y > 0) d[i] = MIN (d[i], d[i - w + 1] + 1.4142f);
      }
  for (y = h - 1; y >= 0; y--)
    for (x = w - 1; x >= 0; x--)
      {
        i = (gsize) y * w + x;
        if (x < w - 1) d[i] = MIN (d[i], d[i + 1] + 1);
        if (y < h - 1) d[i] = MIN (d[i], d[i + w] + 1);
        if (x < w - 1 && y < h - 1) d[i] = MIN (d[i], d[i + w + 1] + 1.4142f);
        if (x > 0 && y < h - 1) d[i] = MIN (d[i], d[i + w - 1] + 1.4142f);
      }
  for (i = 0; i < n; i++)
    d[i] = powf (CONFIDENCE_BASE, -MIN (d[i], 1e4f));
}

/* Derives sources and targets from the hole flags and lists the sources. */
static gboolean
level_classify (Level *lv)
{
  gsize n = (gsize) lv->w * lv->h, i, k;
  g_autofree guint8 *hole = g_try_malloc (n);
  g_autofree guint8 *near = g_try_malloc (n);
  g_autofree guint8 *tmp = g_try_malloc (n);
  int x, y;

  if (hole == NULL || near == NULL || tmp == NULL)
    return FALSE;
  for (i = 0; i < n; i++)
    hole[i] = lv->flags[i] & FLAG_HOLE;
  dilate_box (hole, near, tmp, lv->w, lv->h, PATCH_RADIUS_PX);

  lv->n_hole = lv->n_target = lv->n_sources = 0;
  lv->tx0 = lv->w;
  lv->ty0 = lv->h;
  lv->tx1 = lv->ty1 = 0;
  for (y = 0; y < lv->h; y++)
    for (x = 0; x < lv->w; x++)
      {
        guint8 *f = &lv->flags[(gsize) y * lv->w + x];
        gboolean inside = x >= PATCH_RADIUS_PX && x < lv->w - PATCH_RADIUS_PX &&
                          y >= PATCH_RADIUS_PX && y < lv->h - PATCH_RADIUS_PX;

        *f &= FLAG_HOLE;
        if (*f)
          lv->n_hole++;
        if (near[(gsize) y * lv->w + x])
          {
            *f |= FLAG_TARGET;
            lv->n_target++;
            lv->tx0 = MIN (lv->tx0, x);
            lv->ty0 = MIN (lv->ty0, y);
            lv->tx1 = MAX (lv->tx1, x + 1);
            lv->ty1 = MAX (lv->ty1, y + 1);
          }
        else if (inside)
          {
            *f |= FLAG_SOURCE;
            lv->n_sources++;
          }
      }

  level_confidence (lv);
  g_clear_pointer (&lv->sources, g_free);
  lv->sources = g_try_malloc_n (MAX (lv->n_sources, 1), sizeof (gint32));
  if (lv->sources == NULL)
    return FALSE;
  for (i = 0, k = 0; i < n; i++)
    if (lv->flags[i] & FLAG_SOURCE)
      lv->sources[k++] = (gint32) i;
  return TRUE;
}

/* Level 0: the region at full resolution; every pixel the mask touches is synthesised. */
static gboolean
level_from_image (Fill  *fill,
                  Level *lv)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (fill->image);
  int stride = gdk_pixbuf_get_rowstride (fill->image);
  int nc = gdk_pixbuf_get_n_channels (fill->image);
  const cairo_rectangle_int_t *r = &fill->region;
  int x, y;

  if (!level_alloc (lv, r->width, r->height))
    return FALSE;
  for (y = 0; y < r->height; y++)
    {
      const guint8 *src = pixels + (gsize) (r->y + y) * stride + (gsize) r->x * nc;
      guint8 *dst = lv->px + (gsize) y * r->width * 4;
      const guint8 *cov = fill->coverage + (gsize) y * r->width;

      for (x = 0; x < r->width; x++)
        {
          dst[4 * x] = src[nc * x];
          dst[4 * x + 1] = src[nc * x + 1];
          dst[4 * x + 2] = src[nc * x + 2];
          lv->flags[(gsize) y * r->width + x] = cov[x] > 0 ? FLAG_HOLE : 0;
        }
    }
  return level_classify (lv);
}

/* Halves @fine into @coarse: a coarse pixel is hole if any of its children is, and
 * otherwise the mean of its children. */
static gboolean
level_downsample (const Level *fine,
                  Level       *coarse)
{
  int w = (fine->w + 1) / 2, h = (fine->h + 1) / 2, x, y, c;

  if (!level_alloc (coarse, w, h))
    return FALSE;
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      {
        int sum[3] = { 0, 0, 0 }, n = 0, dx, dy;
        gboolean hole = FALSE;
        gsize o = (gsize) y * w + x;

        for (dy = 0; dy < 2; dy++)
          for (dx = 0; dx < 2; dx++)
            {
              int fx = 2 * x + dx, fy = 2 * y + dy;
              gsize i;

              if (fx >= fine->w || fy >= fine->h)
                continue;
              i = (gsize) fy * fine->w + fx;
              if (fine->flags[i] & FLAG_HOLE)
                {
                  hole = TRUE;
                  continue;
                }
              for (c = 0; c < 3; c++)
                sum[c] += fine->px[4 * i + c];
              n++;
            }
        coarse->flags[o] = hole ? FLAG_HOLE : 0;
        for (c = 0; c < 3; c++)
          coarse->px[4 * o + c] = n > 0 ? (sum[c] + n / 2) / n : 0;
      }
  return level_classify (coarse);
}

/* ---------------------------------------------------------------------------------------
 * Patch distance: sum of squared differences over the four channels.
 */

#ifdef __SSE2__
/* Squared differences of 16 bytes, as four 32-bit partial sums. */
static inline __m128i
ssd16 (__m128i a,
       __m128i b)
{
  __m128i zero = _mm_setzero_si128 ();
  __m128i lo = _mm_sub_epi16 (_mm_unpacklo_epi8 (a, zero), _mm_unpacklo_epi8 (b, zero));
  __m128i hi = _mm_sub_epi16 (_mm_unpackhi_epi8 (a, zero), _mm_unpackhi_epi8 (b, zero));

  return _mm_add_epi32 (_mm_madd_epi16 (lo, lo), _mm_madd_epi16 (hi, hi));
}

static inline guint32
hsum32 (__m128i v)
{
  v = _mm_add_epi32 (v, _mm_shuffle_epi32 (v, _MM_SHUFFLE (1, 0, 3, 2)));
  v = _mm_add_epi32 (v, _mm_shuffle_epi32 (v, _MM_SHUFFLE (2, 3, 0, 1)));
  return (guint32) _mm_cvtsi128_si32 (v);
}

/* A patch row is 28 bytes: pixels 0–3 in one load, pixels 3–6 in a second load whose
 * first pixel is masked off so that pixel 3 counts once. */
static inline guint32
patch_dist_inside (const guint8 *t,
                   const guint8 *s,
                   gsize         stride,
                   guint32       limit)
{
  const __m128i tail = _mm_set_epi32 (-1, -1, -1, 0);
  __m128i acc = _mm_setzero_si128 ();
  guint32 sum;
  int row;

  G_STATIC_ASSERT (PATCH_W == 7);
  for (row = 0; row < PATCH_W; row++)
    {
      __m128i t0 = _mm_loadu_si128 ((const void *) t);
      __m128i s0 = _mm_loadu_si128 ((const void *) s);
      __m128i t1 = _mm_and_si128 (_mm_loadu_si128 ((const void *) (t + 12)), tail);
      __m128i s1 = _mm_and_si128 (_mm_loadu_si128 ((const void *) (s + 12)), tail);

      acc = _mm_add_epi32 (acc, _mm_add_epi32 (ssd16 (t0, s0), ssd16 (t1, s1)));
      /* Most candidates lose early; checking every other row halves the cost of it. */
      if (row & 1)
        {
          sum = hsum32 (acc);
          if (sum >= limit)
            return sum;
        }
      t += stride;
      s += stride;
    }
  return hsum32 (acc);
}
#else
static inline guint32
patch_dist_inside (const guint8 *t,
                   const guint8 *s,
                   gsize         stride,
                   guint32       limit)
{
  guint32 sum = 0;
  int row, k;

  for (row = 0; row < PATCH_W; row++)
    {
      for (k = 0; k < PATCH_W * 4; k++)
        {
          int d = (int) t[k] - (int) s[k];

          sum += (guint32) (d * d);
        }
      if (sum >= limit)
        return sum;
      t += stride;
      s += stride;
    }
  return sum;
}
#endif

/* Target patches cut by the region's edge: the pixels inside count, scaled to a full
 * patch so that weights stay comparable. */
static guint32
patch_dist_edge (const Level *lv,
                 int          tx,
                 int          ty,
                 int          sx,
                 int          sy)
{
  guint64 sum = 0;
  int n = 0, dx, dy, k;

  for (dy = -PATCH_RADIUS_PX; dy <= PATCH_RADIUS_PX; dy++)
    for (dx = -PATCH_RADIUS_PX; dx <= PATCH_RADIUS_PX; dx++)
      {
        int x = tx + dx, y = ty + dy;
        const guint8 *t, *s;

        if (x < 0 || y < 0 || x >= lv->w || y >= lv->h)
          continue;
        t = lv->px + 4 * ((gsize) y * lv->w + x);
        s = lv->px + 4 * ((gsize) (sy + dy) * lv->w + sx + dx);
        for (k = 0; k < 4; k++)
          sum += (guint64) ((t[k] - s[k]) * (t[k] - s[k]));
        n++;
      }
  return (guint32) MIN (sum * PATCH_AREA / MAX (n, 1), G_MAXUINT32);
}

static inline guint32
patch_dist (const Level *lv,
            int          tx,
            int          ty,
            int          sx,
            int          sy,
            guint32      limit)
{
  gsize stride = (gsize) lv->w * 4;

  if (tx < PATCH_RADIUS_PX || ty < PATCH_RADIUS_PX ||
      tx >= lv->w - PATCH_RADIUS_PX || ty >= lv->h - PATCH_RADIUS_PX)
    return patch_dist_edge (lv, tx, ty, sx, sy);
  return patch_dist_inside (lv->px + (ty - PATCH_RADIUS_PX) * stride + 4 * (tx - PATCH_RADIUS_PX),
                            lv->px + (sy - PATCH_RADIUS_PX) * stride + 4 * (sx - PATCH_RADIUS_PX),
                            stride, limit);
}

/* ---------------------------------------------------------------------------------------
 * Passes over bands of rows
 */

typedef struct
{
  Fill     *fill;
  Level    *lv;
  guint     level_index;
  guint     pass;
  int       offset;     /* first band starts this many rows early, to move boundaries */
  int       band_rows;
  gboolean  reverse;
  gboolean  rescore;
  float     weight_scale;  /* votes weigh exp (-dist × weight_scale); 0: all equal */
  GThread  *runner;     /* the thread that may report progress */
} Pass;

static void
pass_band_rows (const Pass *p,
                int         band,
                int        *y0,
                int        *y1)
{
  int start = p->lv->ty0 + band * p->band_rows - p->offset;

  *y0 = MAX (start, p->lv->ty0);
  *y1 = MIN (start + p->band_rows, p->lv->ty1);
}

static int
pass_n_bands (const Pass *p)
{
  int rows = p->lv->ty1 - p->lv->ty0;

  return (rows + p->offset + p->band_rows - 1) / p->band_rows;
}

static inline gboolean
is_source (const Level *lv,
           int          x,
           int          y)
{
  return x >= 0 && y >= 0 && x < lv->w && y < lv->h &&
         (lv->flags[(gsize) y * lv->w + x] & FLAG_SOURCE);
}

/* Offers a candidate to a target's sorted list of matches. */
static inline void
knn_offer (const Level *lv,
           int          x,
           int          y,
           gint16      *nn,
           guint32     *dd,
           int          cx,
           int          cy,
           guint64     *n_dist)
{
  int k = lv->k, j;
  guint32 d;

  if (!is_source (lv, cx, cy))
    return;
  for (j = 0; j < k; j++)
    if (nn[2 * j] == cx && nn[2 * j + 1] == cy)
      return;
  d = patch_dist (lv, x, y, cx, cy, dd[k - 1]);
  (*n_dist)++;
  if (d >= dd[k - 1])
    return;
  for (j = k - 1; j > 0 && dd[j - 1] > d; j--)
    {
      dd[j] = dd[j - 1];
      nn[2 * j] = nn[2 * (j - 1)];
      nn[2 * j + 1] = nn[2 * (j - 1) + 1];
    }
  dd[j] = d;
  nn[2 * j] = cx;
  nn[2 * j + 1] = cy;
}

static void
knn_rescore (const Level *lv,
             int          x,
             int          y,
             gint16      *nn,
             guint32     *dd,
             guint64     *n_dist)
{
  int k = lv->k, j, m;

  for (j = 0; j < k; j++)
    dd[j] = patch_dist (lv, x, y, nn[2 * j], nn[2 * j + 1], G_MAXUINT32);
  *n_dist += k;
  for (j = 1; j < k; j++)
    for (m = j; m > 0 && dd[m - 1] > dd[m]; m--)
      {
        guint32 td = dd[m];
        gint16 tx = nn[2 * m], ty = nn[2 * m + 1];

        dd[m] = dd[m - 1];
        nn[2 * m] = nn[2 * (m - 1)];
        nn[2 * m + 1] = nn[2 * (m - 1) + 1];
        dd[m - 1] = td;
        nn[2 * (m - 1)] = tx;
        nn[2 * (m - 1) + 1] = ty;
      }
}

/* One PatchMatch pass over a band: propagation from the neighbours already visited in
 * this band, then a random search around each match with a halving radius. */
static void
pm_band (gpointer data,
         int      band)
{
  const Pass *p = data;
  Level *lv = p->lv;
  int y0, y1, x, y, step, xs, xe, ys, ye, w = lv->w, k = lv->k, j, r;
  guint64 rng = rng_seed (p->fill, p->level_index, p->pass, band);
  guint64 n_dist = 0;
  gint64 n_done = 0;

  if (fill_cancelled (p->fill))
    return;
  pass_band_rows (p, band, &y0, &y1);
  step = p->reverse ? -1 : 1;
  ys = p->reverse ? y1 - 1 : y0;
  ye = p->reverse ? y0 - 1 : y1;
  xs = p->reverse ? lv->tx1 - 1 : lv->tx0;
  xe = p->reverse ? lv->tx0 - 1 : lv->tx1;

  for (y = ys; y != ye; y += step)
    for (x = xs; x != xe; x += step)
      {
        gsize i = (gsize) y * w + x;
        gint16 *nn = lv->nnf + 2 * k * i;
        guint32 *dd = lv->dist + k * i;

        if (!(lv->flags[i] & FLAG_TARGET))
          continue;
        if (p->rescore)
          knn_rescore (lv, x, y, nn, dd, &n_dist);

        /* Propagation: the neighbours' matches, shifted by one pixel. */
        if (x - step >= 0 && x - step < w && (lv->flags[i - step] & FLAG_TARGET))
          {
            const gint16 *nb = lv->nnf + 2 * k * (i - step);

            for (j = 0; j < k; j++)
              knn_offer (lv, x, y, nn, dd, nb[2 * j] + step, nb[2 * j + 1], &n_dist);
          }
        if (y - step >= y0 && y - step < y1 && (lv->flags[i - step * w] & FLAG_TARGET))
          {
            const gint16 *nb = lv->nnf + 2 * k * (i - step * w);

            for (j = 0; j < k; j++)
              knn_offer (lv, x, y, nn, dd, nb[2 * j], nb[2 * j + 1] + step, &n_dist);
          }

        /* Random search around each match. */
        for (j = 0; j < k; j++)
          for (r = j == 0 ? lv->radius : MIN (lv->radius, KNN_NEAR_RADIUS_PX); r >= 1; r /= 2)
            {
              int cx = nn[2 * j] + rng_offset (&rng, r);
              int cy = nn[2 * j + 1] + rng_offset (&rng, r);

              knn_offer (lv, x, y, nn, dd, cx, cy, &n_dist);
            }
        n_done++;
      }

  fill_add_work (p->fill, n_done * COST_PM * k, n_dist, g_thread_self () == p->runner);
}

static void
weight_band (gpointer data,
             int      band)
{
  const Pass *p = data;
  Level *lv = p->lv;
  int y0, y1, x, y, j;

  if (fill_cancelled (p->fill))
    return;
  pass_band_rows (p, band, &y0, &y1);
  for (y = y0; y < y1; y++)
    for (x = lv->tx0; x < lv->tx1; x++)
      {
        gsize i = (gsize) y * lv->w + x;

        /* The floor keeps a pixel whose every vote is poor, or that lies so far inside the
         * hole that its confidence rounds to zero, from dividing by zero: it then gets the
         * plain mean. So it applies to the product, never to one factor. */
        if (lv->flags[i] & FLAG_TARGET)
          for (j = 0; j < lv->k; j++)
            {
              float d = (float) lv->dist[lv->k * i + j];
              float w = p->weight_scale > 0 ? expf (-d * p->weight_scale) : 1.0f;

              lv->weight[lv->k * i + j] = MAX (lv->conf[i] * w, 1e-30f);
            }
      }
}

/* Every hole pixel becomes the weighted mean of what the patches covering it propose. */
static void
vote_band (gpointer data,
           int      band)
{
  const Pass *p = data;
  Level *lv = p->lv;
  int y0, y1, x, y, dx, dy, k, j, w = lv->w;
  gint64 n_done = 0;

  if (fill_cancelled (p->fill))
    return;
  pass_band_rows (p, band, &y0, &y1);
  for (y = y0; y < y1; y++)
    for (x = lv->tx0; x < lv->tx1; x++)
      {
        gsize i = (gsize) y * w + x;
        float acc[4] = { 0, 0, 0, 0 }, wsum = 0;

        if (!(lv->flags[i] & FLAG_HOLE))
          continue;
        for (dy = -PATCH_RADIUS_PX; dy <= PATCH_RADIUS_PX; dy++)
          {
            int cy = y - dy;

            if (cy < 0 || cy >= lv->h)
              continue;
            for (dx = -PATCH_RADIUS_PX; dx <= PATCH_RADIUS_PX; dx++)
              {
                int cx = x - dx;
                gsize c = (gsize) cy * w + cx;
                float wt;
                const guint8 *s;

                if (cx < 0 || cx >= w)
                  continue;
                g_assert (lv->flags[c] & FLAG_TARGET);
                for (j = 0; j < lv->k; j++)
                  {
                    const gint16 *nn = lv->nnf + 2 * (lv->k * c + j);

                    wt = lv->weight[lv->k * c + j];
                    s = lv->px + 4 * ((gsize) (nn[1] + dy) * w + nn[0] + dx);
                    for (k = 0; k < 4; k++)
                      acc[k] += wt * s[k];
                    wsum += wt;
                  }
              }
          }
        for (k = 0; k < 4; k++)
          lv->px[4 * i + k] = (guint8) CLAMP (acc[k] / wsum + 0.5f, 0.0f, 255.0f);
        n_done++;
      }
  fill_add_work (p->fill, n_done * COST_VOTE, 0, g_thread_self () == p->runner);
}

static void
fill_pass (Fill     *fill,
           Level    *lv,
           guint     level_index,
           guint     pass,
           BandFunc  func,
           Pass     *p)
{
  p->fill = fill;
  p->lv = lv;
  p->level_index = level_index;
  p->pass = pass;
  p->runner = g_thread_self ();
  p->band_rows = lv->n_target < SERIAL_TARGET_PX ? MAX (lv->ty1 - lv->ty0, 1) : BAND_ROWS;
  p->offset = (pass & 1) ? p->band_rows / 2 : 0;
  par_for (fill, pass_n_bands (p), func, p);
}

static int
compare_u32 (const void *a,
             const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

/* The scale that turns a patch distance into a vote weight, from a percentile of the
 * current distances (sampled: the exact figure does not matter). */
static float
level_weight_scale (const Level *lv)
{
  g_autofree guint32 *samples = NULL;
  gsize n = 0, seen = 0, step, i, total = (gsize) lv->w * lv->h;
  guint32 s;

  step = MAX (lv->n_target / VOTE_SAMPLES_MAX, 1);
  samples = g_new (guint32, lv->n_target / step + 1);
  for (i = 0; i < total; i++)
    if ((lv->flags[i] & FLAG_TARGET) && (seen++ % step) == 0)
      samples[n++] = lv->dist[lv->k * i];
  if (n == 0)
    return 0;
  qsort (samples, n, sizeof (guint32), compare_u32);
  s = samples[MIN (n - 1, n * VOTE_SIGMA_PERCENTILE / 100)];
  return s > 0 ? 1.0f / (2.0f * VOTE_SIGMA_SCALE * s) : 0;
}

/* ---------------------------------------------------------------------------------------
 * Initialisation
 */

/* Seeds the coarsest hole by peeling it from the outside in, each pixel taking the mean
 * of its already known eight neighbours. */
static void
level_onion_fill (Level *lv)
{
  int w = lv->w, h = lv->h, x, y, dx, dy, k;
  gsize n = (gsize) w * h, i, left = 0;
  g_autofree guint8 *known = g_new (guint8, n);
  g_autofree gint32 *layer = g_new (gint32, n);

  for (i = 0; i < n; i++)
    {
      known[i] = !(lv->flags[i] & FLAG_HOLE);
      left += !known[i];
    }
  while (left > 0)
    {
      gsize n_layer = 0, j;

      for (y = 0; y < h; y++)
        for (x = 0; x < w; x++)
          {
            int sum[4] = { 0, 0, 0, 0 }, cnt = 0;

            i = (gsize) y * w + x;
            if (known[i])
              continue;
            for (dy = -1; dy <= 1; dy++)
              for (dx = -1; dx <= 1; dx++)
                {
                  gsize o;

                  if (x + dx < 0 || y + dy < 0 || x + dx >= w || y + dy >= h)
                    continue;
                  o = (gsize) (y + dy) * w + x + dx;
                  if (!known[o])
                    continue;
                  for (k = 0; k < 4; k++)
                    sum[k] += lv->px[4 * o + k];
                  cnt++;
                }
            if (cnt == 0)
              continue;
            for (k = 0; k < 4; k++)
              lv->px[4 * i + k] = (sum[k] + cnt / 2) / cnt;
            layer[n_layer++] = (gint32) i;
          }
      if (n_layer == 0)
        break;   /* unreachable while the level has a known pixel */
      for (j = 0; j < n_layer; j++)
        known[layer[j]] = 1;
      left -= n_layer;
    }
}

static void
level_random_field (Fill  *fill,
                    Level *lv,
                    guint  level_index)
{
  guint64 rng = rng_seed (fill, level_index, 0xffff, 0);
  gsize n = (gsize) lv->w * lv->h, i;
  int j;

  for (i = 0; i < n; i++)
    if (lv->flags[i] & FLAG_TARGET)
      for (j = 0; j < lv->k; j++)
        {
          gint32 s = lv->sources[((guint64) rng_next (&rng) * lv->n_sources) >> 32];

          lv->nnf[2 * (lv->k * i + j)] = s % lv->w;
          lv->nnf[2 * (lv->k * i + j) + 1] = s / lv->w;
        }
}

/* Starts @fine's field from @coarse's, scaled by two. */
static void
level_upsample_field (Fill        *fill,
                      const Level *coarse,
                      Level       *fine,
                      guint        level_index)
{
  guint64 rng = rng_seed (fill, level_index, 0xfffe, 0);
  int x, y, j;

  for (y = fine->ty0; y < fine->ty1; y++)
    for (x = fine->tx0; x < fine->tx1; x++)
      {
        gsize i = (gsize) y * fine->w + x;
        gsize c = (gsize) MIN (y / 2, coarse->h - 1) * coarse->w + MIN (x / 2, coarse->w - 1);

        if (!(fine->flags[i] & FLAG_TARGET))
          continue;
        for (j = 0; j < fine->k; j++)
          {
            int sx = -1, sy = -1;

            if (coarse->flags[c] & FLAG_TARGET)
              {
                const gint16 *nn = coarse->nnf + 2 * (coarse->k * c + MIN (j, coarse->k - 1));

                sx = CLAMP (2 * nn[0] + (x & 1), PATCH_RADIUS_PX, fine->w - 1 - PATCH_RADIUS_PX);
                sy = CLAMP (2 * nn[1] + (y & 1), PATCH_RADIUS_PX, fine->h - 1 - PATCH_RADIUS_PX);
              }
            if (!is_source (fine, sx, sy))
              {
                gint32 s = fine->sources[((guint64) rng_next (&rng) * fine->n_sources) >> 32];

                sx = s % fine->w;
                sy = s / fine->w;
              }
            fine->nnf[2 * (fine->k * i + j)] = sx;
            fine->nnf[2 * (fine->k * i + j) + 1] = sy;
          }
      }
}

/* ---------------------------------------------------------------------------------------
 * The whole run
 */

static void
fill_schedule (Fill *fill)
{
  guint k;

  fill->work_total = 0;
  for (k = 0; k < fill->n_levels; k++)
    {
      Level *lv = &fill->levels[k];

      lv->n_pm = PM_ITERS;
      lv->radius = MAX (lv->w, lv->h);
      if (k == fill->n_levels - 1)
        lv->n_em = EM_ITERS_COARSEST;
      else if (k == 0)
        {
          lv->n_em = EM_ITERS_FULL;
          lv->n_pm = PM_ITERS_FULL;
        }
      else
        lv->n_em = EM_ITERS_FINE;
      if (k != fill->n_levels - 1 && lv->n_target > REFINE_TARGET_PX)
        {
          lv->n_em = 1;
          lv->n_pm = 1;
          lv->radius = REFINE_RADIUS_PX;
        }
      fill->work_total += (gint64) lv->n_em * (lv->n_pm * COST_PM * lv->k * (gint64) lv->n_target +
                                               COST_VOTE * (gint64) lv->n_hole);
      if (k != fill->n_levels - 1)
        fill->work_total += COST_VOTE * (gint64) lv->n_hole;
    }
}

static gboolean
fill_build_pyramid (Fill    *fill,
                    GError **error)
{
  Level *levels;
  int hole_w, hole_h;
  guint k;

  fill->levels = levels = g_new0 (Level, 16);
  if (!level_from_image (fill, &levels[0]))
    goto too_large;
  if (levels[0].n_sources < LEVEL_MIN_SOURCES)
    {
      g_set_error (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_NO_SOURCE,
                   _("The mask leaves too little of the image to fill it from. Leave at "
                     "least %d %% of the image unpainted."), RP_LOCAL_FILL_MIN_SOURCE_PERCENT);
      return FALSE;
    }
  fill->n_levels = 1;
  hole_w = levels[0].tx1 - levels[0].tx0 - 2 * PATCH_RADIUS_PX;
  hole_h = levels[0].ty1 - levels[0].ty0 - 2 * PATCH_RADIUS_PX;

  for (k = 1; k < 16; k++)
    {
      Level *fine = &levels[k - 1];

      if (MAX (hole_w, hole_h) >> (k - 1) <= COARSE_HOLE_MAX_PX ||
          MIN (fine->w, fine->h) / 2 < LEVEL_MIN_EDGE_PX)
        break;
      if (!level_downsample (fine, &levels[k]))
        goto too_large;
      if (levels[k].n_sources < LEVEL_MIN_SOURCES)
        {
          level_clear (&levels[k]);
          break;
        }
      fill->n_levels++;
    }

  fill_schedule (fill);

  fill->stats.n_levels = fill->n_levels;
  fill->stats.work_width = levels[fill->n_levels - 1].w;
  fill->stats.work_height = levels[fill->n_levels - 1].h;
  fill->stats.n_hole_px = levels[0].n_hole;
  return TRUE;

too_large:
  g_set_error_literal (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_TOO_LARGE,
                       _("There is not enough memory to fill an area this large. Try a "
                         "smaller mask."));
  return FALSE;
}

static gboolean
fill_level (Fill  *fill,
            guint  k)
{
  Level *lv = &fill->levels[k];
  guint pass = 0;
  int em, pm;

  if (k == fill->n_levels - 1)
    {
      level_onion_fill (lv);
      level_random_field (fill, lv, k);
    }
  else
    {
      Pass p = { 0 };

      level_upsample_field (fill, &fill->levels[k + 1], lv, k);
      level_clear (&fill->levels[k + 1]);
      fill_pass (fill, lv, k, pass++, weight_band, &p);
      fill_pass (fill, lv, k, pass++, vote_band, &p);
    }

  for (em = 0; em < lv->n_em; em++)
    {
      Pass p = { 0 };

      for (pm = 0; pm < lv->n_pm; pm++)
        {
          p.rescore = pm == 0;
          p.reverse = (pass & 1) != 0;
          fill_pass (fill, lv, k, pass++, pm_band, &p);
        }
      p.weight_scale = level_weight_scale (lv);
      fill_pass (fill, lv, k, pass++, weight_band, &p);
      fill_pass (fill, lv, k, pass++, vote_band, &p);
      if (fill_cancelled (fill))
        return FALSE;
    }
  return !fill_cancelled (fill);
}

/* The result: the original region with the synthesised pixels blended in by coverage.
 * Coverage of 128 and above takes the fill as it is; the soft rim below ramps up to it;
 * coverage 0 keeps the original bytes. */
static GdkPixbuf *
fill_compose (Fill    *fill,
              GError **error)
{
  const cairo_rectangle_int_t *r = &fill->region;
  const Level *lv = &fill->levels[0];
  const guint8 *in = gdk_pixbuf_read_pixels (fill->image);
  int in_stride = gdk_pixbuf_get_rowstride (fill->image);
  int nc = gdk_pixbuf_get_n_channels (fill->image);
  g_autoptr(GdkPixbuf) out = NULL;
  guint8 *pixels;
  int stride, x, y, k;

  out = gdk_pixbuf_new (GDK_COLORSPACE_RGB, nc == 4, 8, r->width, r->height);
  if (out == NULL)
    {
      g_set_error_literal (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_TOO_LARGE,
                           _("There is not enough memory to fill an area this large. Try a "
                             "smaller mask."));
      return NULL;
    }
  gdk_pixbuf_copy_area (fill->image, r->x, r->y, r->width, r->height, out, 0, 0);
  pixels = gdk_pixbuf_get_pixels (out);
  stride = gdk_pixbuf_get_rowstride (out);

  for (y = 0; y < r->height; y++)
    for (x = 0; x < r->width; x++)
      {
        gsize i = (gsize) y * r->width + x;
        guint8 *o = pixels + (gsize) y * stride + (gsize) x * nc;
        guint8 fillpx[4];
        int a = MIN (255, 2 * fill->coverage[i]);

        if (a == 0)
          continue;
        memcpy (fillpx, lv->px + 4 * i, 3);
        if (nc == 4)
          {
            /* Alpha is not searched on; it comes with the pixel's best source. */
            int sx = r->x + lv->nnf[2 * lv->k * i], sy = r->y + lv->nnf[2 * lv->k * i + 1];

            fillpx[3] = in[(gsize) sy * in_stride + (gsize) sx * 4 + 3];
          }
        for (k = 0; k < nc; k++)
          o[k] = (guint8) ((o[k] * (255 - a) + fillpx[k] * a + 127) / 255);
      }
  return g_steal_pointer (&out);
}

static void
fill_free (Fill *fill)
{
  guint k;

  if (fill->levels != NULL)
    for (k = 0; k < 16; k++)
      level_clear (&fill->levels[k]);
  g_free (fill->levels);
  g_free (fill->coverage);
  g_clear_object (&fill->image);
  g_clear_object (&fill->mask);
  g_clear_object (&fill->cancellable);
  g_mutex_clear (&fill->stats_lock);
  g_free (fill);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fill, fill_free)

static Fill *
fill_new (RpLocalFill  *self,
          GCancellable *cancellable)
{
  Fill *fill = g_new0 (Fill, 1);

  fill->image = g_object_ref (self->image);
  fill->mask = g_object_ref (self->mask);
  fill->region = self->region;
  fill->seed = self->seed;
  fill->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_mutex_init (&fill->stats_lock);
  return fill;
}

static GdkPixbuf *
fill_execute (Fill    *fill,
              GError **error)
{
  const cairo_rectangle_int_t *r = &fill->region;
  GdkPixbuf *result = NULL;
  int k;

  fill->coverage = g_try_malloc ((gsize) r->width * r->height);
  if (fill->coverage == NULL)
    {
      g_set_error_literal (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_TOO_LARGE,
                           _("There is not enough memory to fill an area this large. Try a "
                             "smaller mask."));
      return NULL;
    }
  rp_mask_read (fill->mask, r->x, r->y, r->width, r->height, fill->coverage, r->width);
  if (!fill_build_pyramid (fill, error))
    return NULL;

  fill->n_threads = CLAMP ((int) g_get_num_processors (), 1, MAX_THREADS);
  if (fill->n_threads > 1)
    fill->pool = g_thread_pool_new (par_worker, NULL, fill->n_threads - 1, TRUE, NULL);

  for (k = fill->n_levels - 1; k >= 0; k--)
    if (!fill_level (fill, k))
      break;

  if (fill->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&fill->pool), FALSE, TRUE);

  if (!g_cancellable_set_error_if_cancelled (fill->cancellable, error))
    result = fill_compose (fill, error);
  fill->stats.cancelled = fill_cancelled (fill);
  for (k = 0; k < 16; k++)
    level_clear (&fill->levels[k]);
  g_clear_pointer (&fill->coverage, g_free);
  if (result != NULL && fill->report != NULL)
    fill->report (fill->report_data, 1.0);
  return result;
}

/* ---------------------------------------------------------------------------------------
 * RpLocalFill
 */

static void
rp_local_fill_finalize (GObject *object)
{
  RpLocalFill *self = RP_LOCAL_FILL (object);

  g_clear_object (&self->image);
  g_clear_object (&self->mask);

  G_OBJECT_CLASS (rp_local_fill_parent_class)->finalize (object);
}

static void
rp_local_fill_class_init (RpLocalFillClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rp_local_fill_finalize;
}

static void
rp_local_fill_init (RpLocalFill *self)
{
  self->seed = 1;
}

/* The region: the mask's bounding box with context, grown until there is enough to copy
 * from. Reads the mask once, inside the bounding box. */
static void
plan_region (RpLocalFill *self)
{
  int iw = gdk_pixbuf_get_width (self->image), ih = gdk_pixbuf_get_height (self->image);
  cairo_rectangle_int_t bbox;
  g_autofree guint8 *row = NULL;
  gint64 n_cov = 0, n_hole = 0;
  int x, y, pad;

  self->empty = TRUE;
  if (!rp_mask_get_bounds (self->mask, &bbox))
    return;
  row = g_malloc (bbox.width);
  for (y = bbox.y; y < bbox.y + bbox.height; y++)
    {
      rp_mask_read (self->mask, bbox.x, y, bbox.width, 1, row, bbox.width);
      for (x = 0; x < bbox.width; x++)
        {
          n_cov += row[x] > 0;
          n_hole += row[x] >= RP_MASK_EXPORT_THRESHOLD;
        }
    }
  if (n_hole == 0)
    return;
  self->empty = FALSE;
  self->n_covered_px = n_cov;

  pad = MAX (CONTEXT_MIN_PX, (int) (CONTEXT_FACTOR * MAX (bbox.width, bbox.height)));
  for (;;)
    {
      cairo_rectangle_int_t *r = &self->region;
      gint64 area;

      r->x = MAX (bbox.x - pad, 0);
      r->y = MAX (bbox.y - pad, 0);
      r->width = MIN (bbox.x + bbox.width + pad, iw) - r->x;
      r->height = MIN (bbox.y + bbox.height + pad, ih) - r->y;
      area = (gint64) r->width * r->height;
      if (area - n_cov >= KNOWN_PER_HOLE * n_cov || (r->width == iw && r->height == ih))
        break;
      pad = pad + pad / 2 + 1;
    }
}

/**
 * rp_local_fill_new:
 * @image: the photo: 8-bit RGB or RGBA, at most %RP_IMAGE_MAX_PIXELS pixels
 * @mask: what to fill, at @image's size
 *
 * Prepares an offline fill. Pixels whose coverage is at least
 * %RP_MASK_EXPORT_THRESHOLD are replaced; pixels with a lower, non-zero coverage (a soft
 * brush rim) are blended towards the fill in proportion; pixels with coverage 0 are never
 * changed. The mask is copied, so it may be edited while the fill runs; @image is kept
 * and must not be modified until every run has finished.
 *
 * Reads the mask inside its bounding box once, to plan the region.
 *
 * Cost: working memory is about 110 bytes per pixel of the region for regions up to six
 * megapixels and about 25 beyond (a 100 MP photo with 30 % painted peaks near 2.5 GB
 * including the photo); a 2 MP photo with a 5 % hole takes under a second on two cores.
 *
 * Returns: (transfer full): a new #RpLocalFill
 */
RpLocalFill *
rp_local_fill_new (GdkPixbuf *image,
                   RpMask    *mask)
{
  RpLocalFill *self;

  g_return_val_if_fail (GDK_IS_PIXBUF (image), NULL);
  g_return_val_if_fail (RP_IS_MASK (mask), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_colorspace (image) == GDK_COLORSPACE_RGB, NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (image) == 8, NULL);
  g_return_val_if_fail (gdk_pixbuf_get_n_channels (image) ==
                        3 + gdk_pixbuf_get_has_alpha (image), NULL);
  g_return_val_if_fail (rp_mask_get_width (mask) == gdk_pixbuf_get_width (image), NULL);
  g_return_val_if_fail (rp_mask_get_height (mask) == gdk_pixbuf_get_height (image), NULL);

  self = g_object_new (RP_TYPE_LOCAL_FILL, NULL);
  self->image = g_object_ref (image);
  self->mask = rp_mask_copy (mask);
  plan_region (self);
  return self;
}

/**
 * rp_local_fill_set_seed:
 * @seed: the seed of the random search
 *
 * The fill is deterministic for a given seed, whatever the number of threads; another
 * seed gives another, equally valid, result.
 */
void
rp_local_fill_set_seed (RpLocalFill *self,
                        guint32      seed)
{
  g_return_if_fail (RP_IS_LOCAL_FILL (self));
  self->seed = seed;
}

/**
 * rp_local_fill_get_region:
 * @region: (out): where the result goes in the image
 *
 * The result of a run covers exactly this rectangle of the image: the mask's bounding
 * box with some context around it, clipped to the image.
 *
 * Returns: %FALSE if the mask is empty (then @region is not set)
 */
gboolean
rp_local_fill_get_region (RpLocalFill           *self,
                          cairo_rectangle_int_t *region)
{
  g_return_val_if_fail (RP_IS_LOCAL_FILL (self), FALSE);
  g_return_val_if_fail (region != NULL, FALSE);

  if (self->empty)
    return FALSE;
  *region = self->region;
  return TRUE;
}

/**
 * rp_local_fill_get_stats:
 * @stats: (out caller-allocates): figures about the last finished run
 *
 * Valid after rp_local_fill_run() or rp_local_fill_run_finish() returned.
 */
void
rp_local_fill_get_stats (RpLocalFill      *self,
                         RpLocalFillStats *stats)
{
  g_return_if_fail (RP_IS_LOCAL_FILL (self));
  g_return_if_fail (stats != NULL);
  *stats = self->stats;
}

static gboolean
check_inputs (RpLocalFill  *self,
              GError      **error)
{
  gint64 area, pixels;

  if (self->empty)
    {
      g_set_error_literal (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_EMPTY_MASK,
                           _("The mask is empty. Paint over the part of the photo to fill."));
      return FALSE;
    }
  pixels = (gint64) gdk_pixbuf_get_width (self->image) * gdk_pixbuf_get_height (self->image);
  if (pixels > RP_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_TOO_LARGE,
                   _("The image is too large to fill. The limit is %d megapixels."),
                   RP_IMAGE_MAX_PIXELS / (1000 * 1000));
      return FALSE;
    }
  area = (gint64) self->region.width * self->region.height;
  if ((area - self->n_covered_px) * 100 < RP_LOCAL_FILL_MIN_SOURCE_PERCENT * area)
    {
      g_set_error (error, RP_LOCAL_FILL_ERROR, RP_LOCAL_FILL_ERROR_NO_SOURCE,
                   _("The mask leaves too little of the image to fill it from. Leave at "
                     "least %d %% of the image unpainted."), RP_LOCAL_FILL_MIN_SOURCE_PERCENT);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  RpLocalFillProgressFunc func;
  gpointer                data;
} DirectProgress;

static void
report_direct (gpointer data,
               double   fraction)
{
  DirectProgress *progress = data;

  progress->func (fraction, progress->data);
}

/**
 * rp_local_fill_run:
 * @progress: (nullable) (scope call): called in this thread as the work advances
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fills the mask, blocking the calling thread (which does part of the work; other cores
 * help). Cancelling stops the work within a few milliseconds.
 *
 * Returns: (transfer full): the filled region, of the size and at the place that
 *   rp_local_fill_get_region() reports; a new pixbuf with the image's channels. %NULL with
 *   @error set (%G_IO_ERROR_CANCELLED when cancelled, or an #RpLocalFillError).
 */
GdkPixbuf *
rp_local_fill_run (RpLocalFill              *self,
                   RpLocalFillProgressFunc   progress,
                   gpointer                  progress_data,
                   GCancellable             *cancellable,
                   GError                  **error)
{
  g_autoptr(Fill) fill = NULL;
  DirectProgress direct = { progress, progress_data };
  GdkPixbuf *result;

  g_return_val_if_fail (RP_IS_LOCAL_FILL (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  memset (&self->stats, 0, sizeof self->stats);
  if (!check_inputs (self, error))
    return NULL;
  fill = fill_new (self, cancellable);
  if (progress != NULL)
    {
      fill->report = report_direct;
      fill->report_data = &direct;
    }
  result = fill_execute (fill, error);
  self->stats = fill->stats;
  return result;
}

/* Progress of an asynchronous run crosses to the caller's main context. The relay is
 * shared by the worker and every message in flight; once the run has finished or been
 * cancelled, messages still queued are dropped, so @func is never called after the
 * completion callback. */
typedef struct
{
  RpLocalFillProgressFunc  func;
  gpointer                 data;
  GMainContext            *context;
  GCancellable            *cancellable;
  gint                     finished;
} ProgressRelay;

typedef struct
{
  ProgressRelay *relay;
  double         fraction;
} ProgressMessage;

static void
progress_relay_clear (gpointer data)
{
  ProgressRelay *relay = data;

  g_clear_pointer (&relay->context, g_main_context_unref);
  g_clear_object (&relay->cancellable);
}

static void
progress_message_free (gpointer data)
{
  ProgressMessage *msg = data;

  g_atomic_rc_box_release_full (msg->relay, progress_relay_clear);
  g_free (msg);
}

static gboolean
progress_message_deliver (gpointer data)
{
  ProgressMessage *msg = data;
  ProgressRelay *relay = msg->relay;

  if (!g_atomic_int_get (&relay->finished) && !g_cancellable_is_cancelled (relay->cancellable))
    relay->func (msg->fraction, relay->data);
  return G_SOURCE_REMOVE;
}

static void
report_relay (gpointer data,
              double   fraction)
{
  ProgressRelay *relay = data;
  ProgressMessage *msg = g_new (ProgressMessage, 1);

  g_autoptr(GSource) source = g_idle_source_new ();

  msg->relay = g_atomic_rc_box_acquire (relay);
  msg->fraction = fraction;
  /* Not g_main_context_invoke(): from a worker thread whose thread-default context is the
   * global one, it may run the callback right here when the main thread is not iterating. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, progress_message_deliver, msg, progress_message_free);
  g_source_set_static_name (source, "[repaint] local fill progress");
  g_source_attach (source, relay->context);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Fill *fill = task_data;
  GError *error = NULL;
  GdkPixbuf *result;

  result = fill_execute (fill, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
fill_free_with_relay (gpointer data)
{
  Fill *fill = data;

  if (fill->report_data != NULL)
    g_atomic_rc_box_release_full (fill->report_data, progress_relay_clear);
  fill_free (fill);
}

/**
 * rp_local_fill_run_async:
 * @progress: (nullable) (scope notified): called on the thread-default main context of
 *   this call as the work advances, never after @callback
 * @progress_data: data for @progress; must stay valid until @callback has been called
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the fill is done
 * @user_data: data for @callback
 *
 * Fills the mask in a worker thread. See rp_local_fill_run().
 */
void
rp_local_fill_run_async (RpLocalFill             *self,
                         RpLocalFillProgressFunc  progress,
                         gpointer                 progress_data,
                         GCancellable            *cancellable,
                         GAsyncReadyCallback      callback,
                         gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Fill *fill;

  g_return_if_fail (RP_IS_LOCAL_FILL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rp_local_fill_run_async);
  g_task_set_name (task, "[repaint] local fill");

  memset (&self->stats, 0, sizeof self->stats);
  if (!check_inputs (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fill = fill_new (self, cancellable);
  if (progress != NULL)
    {
      ProgressRelay *relay = g_atomic_rc_box_new0 (ProgressRelay);

      relay->func = progress;
      relay->data = progress_data;
      relay->context = g_main_context_ref_thread_default ();
      relay->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
      fill->report = report_relay;
      fill->report_data = relay;
    }
  g_task_set_task_data (task, fill, fill_free_with_relay);
  g_task_run_in_thread (task, run_thread);
}

/**
 * rp_local_fill_run_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the filled region, as rp_local_fill_run() returns it, or
 *   %NULL with @error set
 */
GdkPixbuf *
rp_local_fill_run_finish (RpLocalFill   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  Fill *fill;

  g_return_val_if_fail (RP_IS_LOCAL_FILL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rp_local_fill_run_async, NULL);

  fill = g_task_get_task_data (G_TASK (result));
  if (fill != NULL)
    {
      self->stats = fill->stats;
      if (fill->report == report_relay)
        g_atomic_int_set (&((ProgressRelay *) fill->report_data)->finished, TRUE);
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}
