// wasmrun's public embedding API. Include this one header.
#pragma once

#include "wasmrun/version.h"
