/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if defined(RP_CORE_COMPILATION) && defined(GTK_MAJOR_VERSION)
# error "librepaint-core must not include GTK headers"
#endif

#include "rp-document.h"
#include "rp-image.h"
#include "rp-mask.h"
#include "rp-model-info.h"
#include "rp-model-spec.h"
#include "rp-param-labels.h"
#include "rp-param-spec.h"
#include "rp-params.h"
#include "rp-png.h"
#include "rp-provider.h"
#include "rp-provider-config.h"
#include "rp-provider-discovery.h"
#include "rp-provider-problem.h"
#include "rp-provider-registry.h"
#include "rp-secrets.h"
#include "rp-size-rule.h"
#include "rp-stroke.h"
#include "rp-viewport.h"
