// Between the engine's typed failures (http/error_code.h, one case per wasi:http `error-code`
// case) and the generated binding's `error-code` variant: a one-to-one mapping, payloads kept.
#pragma once

#include <string>

#include "http/error_code.h"
#include "wit/wasi_http.h"
#include "wit/wasi_http_traits.h"

namespace wasmrun::wasi::http {

using WitErrorCode = ::bindings::wasi::http::types::ErrorCode;

WitErrorCode to_wit(const ::wasmrun::http::ErrorCode& error);
::wasmrun::http::ErrorCode from_wit(const WitErrorCode& error);

// "HTTP-request-body-size" and the like, with the payload when it has one (for logs).
std::string describe(const WitErrorCode& error);

}  // namespace wasmrun::wasi::http
