// Native handlers that measure and test the engine without wasm: "hello" answers a fixed body,
// "echo" streams the request body back (with its trailers), honouring backpressure both ways.
#pragma once

#include <memory>

#include "http/server_exchange.h"

namespace wasmrun::http {

// 200, text/plain, "hello".
void hello_handler(std::shared_ptr<ServerExchange> exchange);
// 200 with the request body streamed back as it arrives (chunked / DATA frames) and the request
// trailers as response trailers. Memory stays bounded by the two pipes' high-water marks.
void echo_handler(std::shared_ptr<ServerExchange> exchange);

}  // namespace wasmrun::http
