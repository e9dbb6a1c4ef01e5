/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#if defined(RP_CORE_COMPILATION) && defined(GTK_MAJOR_VERSION)
# error "librepaint-core must not include GTK headers"
#endif

#include "rp-body-stream.h"
#include "rp-document.h"
#include "rp-file-util.h"
#include "rp-history.h"
#include "rp-image.h"
#include "rp-images-reader.h"
#include "rp-json-body.h"
#include "rp-json-util.h"
#include "rp-mask.h"
#include "rp-multipart-body.h"
#include "rp-png.h"
#include "rp-session.h"
#include "rp-request-body.h"
#include "rp-retry.h"
#include "rp-size-rule.h"
#include "rp-sse-parser.h"
#include "rp-stroke.h"
#include "rp-transport.h"
#include "rp-transport-fuzz.h"
#include "rp-viewport.h"
