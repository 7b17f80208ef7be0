// Test helper: records what an Http1Parser reports, as a readable transcript, and feeds input in
// pieces of a chosen size (honouring the parser's "present unconsumed bytes again" contract).
#pragma once

#include <string>

#include <fmt/format.h>

#include "http/http1_parser.h"

namespace wasmrun::http::testing {

struct ParserRecorder : Http1Parser::Callbacks {
  std::string log;
  std::string body;
  Http1Parser* parser = nullptr;
  bool pause_on_body = false;
  int messages = 0;

  void on_request_line(std::string_view method, std::string_view target, Version v) override {
    log += fmt::format("REQ {} {} {}\n", method, target, v == Version::http10 ? "1.0" : "1.1");
  }
  void on_status_line(Version v, int status, std::string_view reason) override {
    log += fmt::format("STATUS {} {} {}\n", v == Version::http10 ? "1.0" : "1.1", status, reason);
  }
  void on_field(std::string_view name, std::string_view value) override {
    log += fmt::format("F {}: {}\n", name, value);
  }
  void on_head_complete() override {
    log += fmt::format("HEAD framing={} length={} keep_alive={}\n",
                       static_cast<int>(parser->framing()), parser->content_length(),
                       parser->keep_alive());
  }
  bool on_body(std::string_view data) override {
    body += data;
    return !pause_on_body;
  }
  void on_trailer(std::string_view name, std::string_view value) override {
    log += fmt::format("T {}: {}\n", name, value);
  }
  void on_message_complete() override {
    log += fmt::format("END body={}\n", body);
    body.clear();
    ++messages;
  }
};

// Feeds `input` in pieces of `step` bytes (0: all at once), continuing through pipelined
// messages, and finishes the input at the end when `eof`. Returns the transcript, ending in
// "ERROR <status> <message>" on failure.
inline std::string parse_all(Http1Parser::Mode mode, std::string_view input, size_t step = 0,
                             bool eof = false, ParserLimits limits = {},
                             const ParseError** error_out = nullptr) {
  static thread_local ParseError last_error;
  ParserRecorder rec;
  Http1Parser parser(mode, rec, limits);
  rec.parser = &parser;
  std::string pending;
  size_t fed = 0;
  while (true) {
    size_t n = step == 0 ? input.size() - fed : std::min(step, input.size() - fed);
    pending.append(input.substr(fed, n));
    fed += n;
    while (true) {
      size_t used = parser.feed(pending);
      pending.erase(0, used);
      if (parser.message_complete()) {
        parser.start_next_message();
        continue;
      }
      break;
    }
    if (parser.failed()) break;
    if (fed == input.size()) break;
  }
  if (eof && !parser.failed()) parser.finish();
  if (error_out) *error_out = parser.failed() ? &(last_error = parser.error()) : nullptr;
  if (parser.failed())
    rec.log += fmt::format("ERROR {} {}\n", parser.error().status(), parser.error().message);
  else if (!pending.empty() || parser.in_message())
    rec.log += fmt::format("PENDING {}\n", pending.size());
  return rec.log;
}

}  // namespace wasmrun::http::testing
