// wasi:http/types: fields, requests, responses, bodies, futures (Wasmtime's types_impl.rs is
// the reference for what each call accepts and refuses).
#include <fmt/format.h>

#include "wasi/http/body_streams.h"
#include "wasi/http/error_code.h"
#include "wasi/http/host.h"
#include "wasi/http/objects.h"
#include "wasi/http/request_parts.h"

namespace wasmrun::wasi::http {

namespace {

using component::Borrow;
using component::Resource;
using component::Result;
using wasmrun::Trap;
using wasmrun::TrapCode;
using component::TrapOr;
using p2::unknown_handle;
namespace streams = ::bindings::wasi::io::streams;
namespace poll = ::bindings::wasi::io::poll;
namespace ioerror = ::bindings::wasi::io::error;

using Unit = std::monostate;
template <class T>
using Fallible = Result<T, Unit>;

wit::HeaderError header_error(HeaderProblem p) {
  switch (p) {
    case HeaderProblem::Forbidden: return wit::HeaderError::forbidden();
    case HeaderProblem::Immutable: return wit::HeaderError::immutable();
    default: return wit::HeaderError::invalid_syntax();
  }
}

Result<Unit, wit::HeaderError> header_result(HeaderProblem p) {
  if (p == HeaderProblem::None) return Result<Unit, wit::HeaderError>::ok({});
  return Result<Unit, wit::HeaderError>::err(header_error(p));
}

class TypesHost final : public wit::Host {
 public:
  explicit TypesHost(WasiHttp& http) : http_(http), wasi_(http.wasi()) {}

  // ---- destructors ----
  TrapOr<void> fields_drop(Resource<wit::Fields> self) override { return drop<FieldsObject>(self); }
  TrapOr<void> incoming_request_drop(Resource<wit::IncomingRequest> self) override {
    return drop<IncomingRequestObject>(self);
  }
  TrapOr<void> outgoing_request_drop(Resource<wit::OutgoingRequest> self) override {
    auto r = wasi_.remove<OutgoingRequestObject>(self);
    if (r && r->body && !r->body->finished) r->body->pipe->fail(abandoned_body());
    return {};
  }
  TrapOr<void> request_options_drop(Resource<wit::RequestOptions> self) override {
    return drop<RequestOptionsObject>(self);
  }
  TrapOr<void> response_outparam_drop(Resource<wit::ResponseOutparam> self) override {
    return drop<ResponseOutparamObject>(self);
  }
  TrapOr<void> incoming_response_drop(Resource<wit::IncomingResponse> self) override {
    return drop<IncomingResponseObject>(self);
  }
  TrapOr<void> incoming_body_drop(Resource<wit::IncomingBody> self) override { return drop<IncomingBodyObject>(self); }
  TrapOr<void> future_trailers_drop(Resource<wit::FutureTrailers> self) override {
    return drop<FutureTrailersObject>(self);
  }
  TrapOr<void> outgoing_response_drop(Resource<wit::OutgoingResponse> self) override {
    auto r = wasi_.remove<OutgoingResponseObject>(self);
    if (r && r->body && !r->body->finished) r->body->pipe->fail(abandoned_body());
    return {};
  }
  // Dropped without finish: the message is incomplete, and whoever receives it learns so
  // (HTTP/1.1: the connection closes; HTTP/2: RST_STREAM), as in Wasmtime.
  TrapOr<void> outgoing_body_drop(Resource<wit::OutgoingBody> self) override {
    auto b = wasi_.remove<OutgoingBodyObject>(self);
    if (b && !b->body->finished) b->body->pipe->fail(abandoned_body());
    return {};
  }
  TrapOr<void> future_incoming_response_drop(Resource<wit::FutureIncomingResponse> self) override {
    auto f = wasi_.remove<FutureIncomingResponseObject>(self);
    if (f && f->state->exchange && !f->taken) f->state->exchange->cancel();
    return {};
  }

  TrapOr<std::optional<wit::ErrorCode>> http_error_code(Borrow<wit::IoError> err) override {
    auto* e = wasi_.get<p2::ErrorObject>(err);
    if (!e) return unknown_handle("error");
    auto code = error_code_of(*e);
    if (!code) return std::optional<wit::ErrorCode>();
    return std::optional<wit::ErrorCode>(to_wit(*code));
  }

  // ---- fields ----
  TrapOr<Resource<wit::Fields>> fields_new() override { return wasi_.push<wit::Fields>(FieldsObject{}); }

  TrapOr<Result<Resource<wit::Fields>, wit::HeaderError>> fields_from_list(
      std::vector<std::tuple<wit::FieldName, wit::FieldValue>> entries) override {
    using R = Result<Resource<wit::Fields>, wit::HeaderError>;
    std::vector<std::pair<std::string, std::vector<uint8_t>>> list;
    list.reserve(entries.size());
    for (auto& [n, v] : entries) list.emplace_back(std::move(n), std::move(v));
    FieldsObject f;
    if (auto p = ::wasmrun::wasi::http::fields_from_list(list, *f.data); p != HeaderProblem::None) return R::err(header_error(p));
    auto r = wasi_.push<wit::Fields>(std::move(f));
    if (!r) return r.take_trap();
    return R::ok(r.take());
  }

  TrapOr<std::vector<wit::FieldValue>> fields_get(Borrow<wit::Fields> self, wit::FieldName name) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    return f->get(name);
  }
  TrapOr<bool> fields_has(Borrow<wit::Fields> self, wit::FieldName name) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    return f->has(name);
  }
  TrapOr<Result<Unit, wit::HeaderError>> fields_set(Borrow<wit::Fields> self, wit::FieldName name,
                                                     std::vector<wit::FieldValue> value) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    return header_result(f->set(name, value));
  }
  TrapOr<Result<Unit, wit::HeaderError>> fields_delete_(Borrow<wit::Fields> self, wit::FieldName name) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    return header_result(f->remove(name));
  }
  TrapOr<Result<Unit, wit::HeaderError>> fields_append(Borrow<wit::Fields> self, wit::FieldName name,
                                                        wit::FieldValue value) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    return header_result(f->append(name, std::move(value)));
  }
  TrapOr<std::vector<std::tuple<wit::FieldName, wit::FieldValue>>> fields_entries(Borrow<wit::Fields> self) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    std::vector<std::tuple<wit::FieldName, wit::FieldValue>> out;
    out.reserve(f->data->entries.size());
    for (const auto& [n, v] : f->data->entries) out.emplace_back(n, v);
    return out;
  }
  // A mutable copy, whatever the original's mutability.
  TrapOr<Resource<wit::Fields>> fields_clone(Borrow<wit::Fields> self) override {
    auto* f = wasi_.get<FieldsObject>(self);
    if (!f) return unknown_handle("fields");
    FieldsObject copy;
    copy.data->entries = f->data->entries;
    return wasi_.push<wit::Fields>(std::move(copy));
  }

  // ---- incoming-request ----
  TrapOr<wit::Method> incoming_request_method(Borrow<wit::IncomingRequest> self) override {
    auto* r = wasi_.get<IncomingRequestObject>(self);
    if (!r) return unknown_handle("incoming-request");
    return method_of(r->exchange->request().method);
  }
  TrapOr<std::optional<std::string>> incoming_request_path_with_query(Borrow<wit::IncomingRequest> self) override {
    auto* r = wasi_.get<IncomingRequestObject>(self);
    if (!r) return unknown_handle("incoming-request");
    return std::optional<std::string>(r->exchange->request().path);
  }
  TrapOr<std::optional<wit::Scheme>> incoming_request_scheme(Borrow<wit::IncomingRequest> self) override {
    auto* r = wasi_.get<IncomingRequestObject>(self);
    if (!r) return unknown_handle("incoming-request");
    return std::optional<wit::Scheme>(scheme_of(r->exchange->request().scheme));
  }
  TrapOr<std::optional<std::string>> incoming_request_authority(Borrow<wit::IncomingRequest> self) override {
    auto* r = wasi_.get<IncomingRequestObject>(self);
    if (!r) return unknown_handle("incoming-request");
    const std::string& a = r->exchange->request().authority;
    if (a.empty()) return std::optional<std::string>();
    return std::optional<std::string>(a);
  }
  TrapOr<wit::Headers> incoming_request_headers(Borrow<wit::IncomingRequest> self) override {
    auto* r = wasi_.get<IncomingRequestObject>(self);
    if (!r) return unknown_handle("incoming-request");
    // Made on demand: a guest that reads no header costs no copy of them.
    if (!r->headers)
      r->headers = std::make_shared<FieldsData>(FieldsData{from_engine_fields(r->exchange->request().headers)});
    return wasi_.push<wit::Fields>(FieldsObject{r->headers, true});
  }
  TrapOr<Fallible<Resource<wit::IncomingBody>>> incoming_request_consume(Borrow<wit::IncomingRequest> self) override {
    auto* r = wasi_.get<IncomingRequestObject>(self);
    if (!r) return unknown_handle("incoming-request");
    if (r->consumed) return Fallible<Resource<wit::IncomingBody>>::err({});
    r->consumed = true;
    auto state = std::make_shared<IncomingBodyState>();
    state->pipe = &r->exchange->request_body();  // tells the connection the body is wanted (100-continue)
    state->owner = r->exchange;
    state->pipe->set_on_readable([signal = state->readable] { signal->notifier.notify(); });
    return ok(wasi_.push<wit::IncomingBody>(IncomingBodyObject{std::move(state)}));
  }

  // ---- outgoing-request ----
  TrapOr<Resource<wit::OutgoingRequest>> outgoing_request_new(wit::Headers headers) override {
    auto f = wasi_.remove<FieldsObject>(headers);
    if (!f) return unknown_handle("fields");
    OutgoingRequestObject r;
    r.headers = take_fields_data(*f);
    return wasi_.push<wit::OutgoingRequest>(std::move(r));
  }
  TrapOr<Fallible<Resource<wit::OutgoingBody>>> outgoing_request_body(Borrow<wit::OutgoingRequest> self) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    if (r->body) return Fallible<Resource<wit::OutgoingBody>>::err({});
    r->body = new_outgoing_body(*r->headers, false);
    return ok(wasi_.push<wit::OutgoingBody>(OutgoingBodyObject{r->body}));
  }
  TrapOr<wit::Method> outgoing_request_method(Borrow<wit::OutgoingRequest> self) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    return r->method;
  }
  TrapOr<Fallible<Unit>> outgoing_request_set_method(Borrow<wit::OutgoingRequest> self, wit::Method method) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    if (!valid_method(method)) return Fallible<Unit>::err({});
    r->method = std::move(method);
    return Fallible<Unit>::ok({});
  }
  TrapOr<std::optional<std::string>> outgoing_request_path_with_query(Borrow<wit::OutgoingRequest> self) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    return r->path_with_query;
  }
  TrapOr<Fallible<Unit>> outgoing_request_set_path_with_query(Borrow<wit::OutgoingRequest> self,
                                                              std::optional<std::string> path) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    if (path && !valid_path_with_query(*path)) return Fallible<Unit>::err({});
    r->path_with_query = std::move(path);
    return Fallible<Unit>::ok({});
  }
  TrapOr<std::optional<wit::Scheme>> outgoing_request_scheme(Borrow<wit::OutgoingRequest> self) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    return r->scheme;
  }
  TrapOr<Fallible<Unit>> outgoing_request_set_scheme(Borrow<wit::OutgoingRequest> self,
                                                     std::optional<wit::Scheme> scheme) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    if (scheme && scheme->which() == wit::Scheme::Case::Other && !valid_scheme(std::get<2>(scheme->v)))
      return Fallible<Unit>::err({});
    r->scheme = std::move(scheme);
    return Fallible<Unit>::ok({});
  }
  TrapOr<std::optional<std::string>> outgoing_request_authority(Borrow<wit::OutgoingRequest> self) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    return r->authority;
  }
  TrapOr<Fallible<Unit>> outgoing_request_set_authority(Borrow<wit::OutgoingRequest> self,
                                                        std::optional<std::string> authority) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    if (authority && !valid_authority(*authority)) return Fallible<Unit>::err({});
    r->authority = std::move(authority);
    return Fallible<Unit>::ok({});
  }
  TrapOr<wit::Headers> outgoing_request_headers(Borrow<wit::OutgoingRequest> self) override {
    auto* r = wasi_.get<OutgoingRequestObject>(self);
    if (!r) return unknown_handle("outgoing-request");
    return wasi_.push<wit::Fields>(FieldsObject{r->headers, false});
  }

  // ---- request-options ----
  TrapOr<Resource<wit::RequestOptions>> request_options_new() override {
    return wasi_.push<wit::RequestOptions>(RequestOptionsObject{});
  }
  TrapOr<std::optional<wit::Duration>> request_options_connect_timeout(Borrow<wit::RequestOptions> self) override {
    return option_get(self, &RequestOptionsObject::connect_timeout_ns);
  }
  TrapOr<Fallible<Unit>> request_options_set_connect_timeout(Borrow<wit::RequestOptions> self,
                                                             std::optional<wit::Duration> d) override {
    return option_set(self, &RequestOptionsObject::connect_timeout_ns, d);
  }
  TrapOr<std::optional<wit::Duration>> request_options_first_byte_timeout(Borrow<wit::RequestOptions> self) override {
    return option_get(self, &RequestOptionsObject::first_byte_timeout_ns);
  }
  TrapOr<Fallible<Unit>> request_options_set_first_byte_timeout(Borrow<wit::RequestOptions> self,
                                                                std::optional<wit::Duration> d) override {
    return option_set(self, &RequestOptionsObject::first_byte_timeout_ns, d);
  }
  TrapOr<std::optional<wit::Duration>> request_options_between_bytes_timeout(Borrow<wit::RequestOptions> self) override {
    return option_get(self, &RequestOptionsObject::between_bytes_timeout_ns);
  }
  TrapOr<Fallible<Unit>> request_options_set_between_bytes_timeout(Borrow<wit::RequestOptions> self,
                                                                   std::optional<wit::Duration> d) override {
    return option_set(self, &RequestOptionsObject::between_bytes_timeout_ns, d);
  }

  // ---- response-outparam ----
  // The response head goes out now; its body as the guest writes it.
  TrapOr<void> response_outparam_set(Resource<wit::ResponseOutparam> param,
                                     Result<Resource<wit::OutgoingResponse>, wit::ErrorCode> response) override {
    auto out = wasi_.remove<ResponseOutparamObject>(param);
    if (!out) return unknown_handle("response-outparam");
    auto& exchange = *out->exchange;
    if (!response.is_ok()) {
      // The guest gave up on the request: 500 and the error code in the log (Wasmtime turns it
      // into the request's failure).
      fmt::print(stderr, "wasmrun serve: the guest answered {} {} with error-code {}\n", exchange.request().method,
                 exchange.request().path, describe(response.error()));
      if (!exchange.responded()) exchange.respond(500, {}, "");
      return {};
    }
    auto r = wasi_.remove<OutgoingResponseObject>(response.value());
    if (!r) return unknown_handle("outgoing-response");
    engine::ResponseHead head{r->status, to_engine_fields(r->headers->entries)};
    if (exchange.responded()) return {};
    if (r->body) {
      r->body->attach(exchange.response_body(), out->exchange);
    } else {
      exchange.response_body().finish();
    }
    exchange.respond(std::move(head));
    return {};
  }

  // ---- incoming-response ----
  TrapOr<wit::StatusCode> incoming_response_status(Borrow<wit::IncomingResponse> self) override {
    auto* r = wasi_.get<IncomingResponseObject>(self);
    if (!r) return unknown_handle("incoming-response");
    return r->status;
  }
  TrapOr<wit::Headers> incoming_response_headers(Borrow<wit::IncomingResponse> self) override {
    auto* r = wasi_.get<IncomingResponseObject>(self);
    if (!r) return unknown_handle("incoming-response");
    return wasi_.push<wit::Fields>(FieldsObject{r->headers, true});
  }
  TrapOr<Fallible<Resource<wit::IncomingBody>>> incoming_response_consume(Borrow<wit::IncomingResponse> self) override {
    auto* r = wasi_.get<IncomingResponseObject>(self);
    if (!r) return unknown_handle("incoming-response");
    if (r->consumed) return Fallible<Resource<wit::IncomingBody>>::err({});
    r->consumed = true;
    auto state = std::make_shared<IncomingBodyState>();
    state->pipe = &r->exchange->response_body();
    state->owner = r->exchange;
    state->pipe->set_on_readable([signal = state->readable] { signal->notifier.notify(); });
    return ok(wasi_.push<wit::IncomingBody>(IncomingBodyObject{std::move(state)}));
  }

  // ---- incoming-body, future-trailers ----
  TrapOr<Fallible<Resource<wit::InputStream>>> incoming_body_stream(Borrow<wit::IncomingBody> self) override {
    auto* b = wasi_.get<IncomingBodyObject>(self);
    if (!b) return unknown_handle("incoming-body");
    if (b->body->stream_taken) return Fallible<Resource<wit::InputStream>>::err({});
    b->body->stream_taken = true;
    return ok(wasi_.push<streams::InputStream>(p2::InputStreamObject{body_input_stream(b->body)}));
  }
  TrapOr<Resource<wit::FutureTrailers>> incoming_body_finish(Resource<wit::IncomingBody> self) override {
    auto b = wasi_.remove<IncomingBodyObject>(self);
    if (!b) return unknown_handle("incoming-body");
    return wasi_.push<wit::FutureTrailers>(FutureTrailersObject{std::move(b->body)});
  }
  TrapOr<Resource<wit::Pollable>> future_trailers_subscribe(Borrow<wit::FutureTrailers> self) override {
    auto* f = wasi_.get<FutureTrailersObject>(self);
    if (!f) return unknown_handle("future-trailers");
    auto body = f->body;
    return wasi_.push<poll::Pollable>(p2::PollableObject{std::make_unique<SignalPollable>(
        body->readable, [body] { return skip_to_end(*body); })});
  }
  TrapOr<std::optional<Result<Result<std::optional<wit::Trailers>, wit::ErrorCode>, Unit>>> future_trailers_get(
      Borrow<wit::FutureTrailers> self) override {
    using Inner = Result<std::optional<wit::Trailers>, wit::ErrorCode>;
    using Outer = std::optional<Result<Inner, Unit>>;
    auto* f = wasi_.get<FutureTrailersObject>(self);
    if (!f) return unknown_handle("future-trailers");
    if (f->taken) return Outer(Result<Inner, Unit>::err({}));
    if (!skip_to_end(*f->body)) return Outer();
    f->taken = true;
    engine::BodyPipe& pipe = *f->body->pipe;
    if (pipe.failed()) return Outer(Result<Inner, Unit>::ok(Inner::err(to_wit(pipe.error()))));
    if (pipe.trailers().empty()) return Outer(Result<Inner, Unit>::ok(Inner::ok(std::nullopt)));
    FieldsObject trailers{std::make_shared<FieldsData>(FieldsData{from_engine_fields(pipe.trailers())}), true};
    auto pushed = wasi_.push<wit::Fields>(std::move(trailers));
    if (!pushed) return pushed.take_trap();
    return Outer(Result<Inner, Unit>::ok(Inner::ok(pushed.take())));
  }

  // ---- outgoing-response ----
  TrapOr<Resource<wit::OutgoingResponse>> outgoing_response_new(wit::Headers headers) override {
    auto f = wasi_.remove<FieldsObject>(headers);
    if (!f) return unknown_handle("fields");
    OutgoingResponseObject r;
    r.headers = take_fields_data(*f);
    return wasi_.push<wit::OutgoingResponse>(std::move(r));
  }
  TrapOr<wit::StatusCode> outgoing_response_status_code(Borrow<wit::OutgoingResponse> self) override {
    auto* r = wasi_.get<OutgoingResponseObject>(self);
    if (!r) return unknown_handle("outgoing-response");
    return r->status;
  }
  // Three digits, as the `http` crate's StatusCode.
  TrapOr<Fallible<Unit>> outgoing_response_set_status_code(Borrow<wit::OutgoingResponse> self,
                                                           wit::StatusCode status) override {
    auto* r = wasi_.get<OutgoingResponseObject>(self);
    if (!r) return unknown_handle("outgoing-response");
    if (status < 100 || status > 999) return Fallible<Unit>::err({});
    r->status = status;
    return Fallible<Unit>::ok({});
  }
  TrapOr<wit::Headers> outgoing_response_headers(Borrow<wit::OutgoingResponse> self) override {
    auto* r = wasi_.get<OutgoingResponseObject>(self);
    if (!r) return unknown_handle("outgoing-response");
    return wasi_.push<wit::Fields>(FieldsObject{r->headers, false});
  }
  TrapOr<Fallible<Resource<wit::OutgoingBody>>> outgoing_response_body(Borrow<wit::OutgoingResponse> self) override {
    auto* r = wasi_.get<OutgoingResponseObject>(self);
    if (!r) return unknown_handle("outgoing-response");
    if (r->body) return Fallible<Resource<wit::OutgoingBody>>::err({});
    r->body = new_outgoing_body(*r->headers, true);
    return ok(wasi_.push<wit::OutgoingBody>(OutgoingBodyObject{r->body}));
  }

  // ---- outgoing-body ----
  TrapOr<Fallible<Resource<wit::OutputStream>>> outgoing_body_write(Borrow<wit::OutgoingBody> self) override {
    auto* b = wasi_.get<OutgoingBodyObject>(self);
    if (!b) return unknown_handle("outgoing-body");
    if (b->body->stream_taken) return Fallible<Resource<wit::OutputStream>>::err({});
    b->body->stream_taken = true;
    return ok(wasi_.push<streams::OutputStream>(p2::OutputStreamObject{body_output_stream(b->body)}));
  }
  TrapOr<Result<Unit, wit::ErrorCode>> outgoing_body_finish(Resource<wit::OutgoingBody> self,
                                                             std::optional<wit::Trailers> trailers) override {
    using R = Result<Unit, wit::ErrorCode>;
    auto b = wasi_.remove<OutgoingBodyObject>(self);
    if (!b) return unknown_handle("outgoing-body");
    OutgoingBodyState& body = *b->body;
    engine::Fields engine_trailers;
    if (trailers) {
      auto t = wasi_.remove<FieldsObject>(*trailers);
      if (!t) return unknown_handle("fields");
      engine_trailers = to_engine_fields(t->data->entries);
    }
    body.finished = true;
    if (auto mismatch = body.size_mismatch(true)) {
      body.pipe->fail(*mismatch);
      return R::err(to_wit(*mismatch));
    }
    if (body.pipe->failed()) return R::err(to_wit(body.pipe->error()));
    body.pipe->finish(std::move(engine_trailers));
    return R::ok({});
  }

  // ---- future-incoming-response ----
  TrapOr<Resource<wit::Pollable>> future_incoming_response_subscribe(Borrow<wit::FutureIncomingResponse> self) override {
    auto* f = wasi_.get<FutureIncomingResponseObject>(self);
    if (!f) return unknown_handle("future-incoming-response");
    auto state = f->state;
    return wasi_.push<poll::Pollable>(
        p2::PollableObject{std::make_unique<SignalPollable>(state->signal, [state] { return state->ready(); })});
  }
  TrapOr<std::optional<Result<Result<Resource<wit::IncomingResponse>, wit::ErrorCode>, Unit>>>
  future_incoming_response_get(Borrow<wit::FutureIncomingResponse> self) override {
    using Inner = Result<Resource<wit::IncomingResponse>, wit::ErrorCode>;
    using Outer = std::optional<Result<Inner, Unit>>;
    auto* f = wasi_.get<FutureIncomingResponseObject>(self);
    if (!f) return unknown_handle("future-incoming-response");
    if (f->taken) return Outer(Result<Inner, Unit>::err({}));
    FutureResponseState& s = *f->state;
    if (!s.ready()) return Outer();
    f->taken = true;
    if (!s.exchange) return Outer(Result<Inner, Unit>::ok(Inner::err(to_wit(*s.early_error))));
    if (s.exchange->failed()) return Outer(Result<Inner, Unit>::ok(Inner::err(to_wit(s.exchange->error()))));
    const engine::ResponseHead& head = *s.exchange->response();
    IncomingResponseObject r;
    r.exchange = s.exchange;
    r.status = uint16_t(head.status);
    r.headers = std::make_shared<FieldsData>(FieldsData{from_engine_fields(head.headers)});
    auto pushed = wasi_.push<wit::IncomingResponse>(std::move(r));
    if (!pushed) return pushed.take_trap();
    return Outer(Result<Inner, Unit>::ok(Inner::ok(pushed.take())));
  }

 private:
  template <class Object, class Tag>
  TrapOr<void> drop(Resource<Tag> self) {
    wasi_.remove<Object>(self);
    return {};
  }
  template <class T>
  static TrapOr<Fallible<T>> ok(TrapOr<T> pushed) {
    if (!pushed) return pushed.take_trap();
    return Fallible<T>::ok(pushed.take());
  }
  static engine::ErrorCode abandoned_body() {
    return engine::ErrorCode::make(engine::ErrorKind::internal_error, "the guest dropped the body without finishing it");
  }
  // Discards what is left of a body whose stream the guest gave up, so its trailers arrive.
  static bool skip_to_end(IncomingBodyState& body) {
    engine::BodyPipe& pipe = *body.pipe;
    while (pipe.buffered() > 0) pipe.consume(pipe.peek().size());
    return pipe.at_end() || pipe.failed();
  }
  // The entries of a fields handle the guest gave away, for a message of its own: taken over when
  // no other handle shares them, else copied.
  static std::shared_ptr<FieldsData> take_fields_data(FieldsObject& f) {
    if (f.data.use_count() == 1) return std::move(f.data);
    return std::make_shared<FieldsData>(*f.data);
  }
  std::shared_ptr<OutgoingBodyState> new_outgoing_body(const FieldsData& headers, bool response) {
    auto body = std::make_shared<OutgoingBodyState>(http_.loop());
    body->response = response;
    body->content_length = declared_content_length(headers);
    body->pipe->set_on_writable([signal = body->writable] { signal->notifier.notify(); });
    return body;
  }
  TrapOr<std::optional<wit::Duration>> option_get(Borrow<wit::RequestOptions> self,
                                                  std::optional<uint64_t> RequestOptionsObject::*field) {
    auto* o = wasi_.get<RequestOptionsObject>(self);
    if (!o) return unknown_handle("request-options");
    return o->*field;
  }
  TrapOr<Fallible<Unit>> option_set(Borrow<wit::RequestOptions> self, std::optional<uint64_t> RequestOptionsObject::*field,
                                    std::optional<wit::Duration> d) {
    auto* o = wasi_.get<RequestOptionsObject>(self);
    if (!o) return unknown_handle("request-options");
    if (o->immutable) return Fallible<Unit>::err({});
    o->*field = d;
    return Fallible<Unit>::ok({});
  }

  WasiHttp& http_;
  p2::WasiP2& wasi_;
};

}  // namespace

std::unique_ptr<wit::Host> make_types_host(WasiHttp& http) { return std::make_unique<TypesHost>(http); }

}  // namespace wasmrun::wasi::http
