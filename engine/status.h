// Status and Result moved to base/status.h; this forwarding header goes once
// tools/ and server/ include base/status.h directly.
#pragma once

#include "base/status.h"
