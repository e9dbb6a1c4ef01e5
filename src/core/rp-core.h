/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if defined(RP_CORE_COMPILATION) && defined(GTK_MAJOR_VERSION)
# error "librepaint-core must not include GTK headers"
#endif

#include "rp-document.h"
#include "rp-image.h"
#include "rp-local-fill.h"
#include "rp-mask.h"
#include "rp-png.h"
#include "rp-size-rule.h"
#include "rp-stroke.h"
#include "rp-viewport.h"
