// wasi:io streams over HTTP bodies: the input-stream of an incoming body reads its engine pipe,
// the output-stream of an outgoing body writes into its pipe with the pipe's backpressure (check-write
// grants what the pipe takes before its high-water mark), both with pollables the pipe's callbacks
// wake.
#pragma once

#include <memory>

#include "wasi/http/objects.h"
#include "wasi/p2/streams.h"

namespace wasmrun::wasi::http {

std::unique_ptr<p2::InputStream> body_input_stream(std::shared_ptr<IncomingBodyState> body);
std::unique_ptr<p2::OutputStream> body_output_stream(std::shared_ptr<OutgoingBodyState> body);

// The io error a body stream fails with for an HTTP failure: its message starts with the
// error-code case's WIT name, which http-error-code reads back.
p2::ErrorObject body_error(const engine::ErrorCode& error);
std::optional<engine::ErrorCode> error_code_of(const p2::ErrorObject& error);

}  // namespace wasmrun::wasi::http
