#include "http/tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace wasmrun::http {

namespace {

std::string openssl_errors() {
  std::string s;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!s.empty()) s += "; ";
    s += buf;
  }
  return s.empty() ? "unknown OpenSSL error" : s;
}

void apply_modern_defaults(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
}

// ALPN (RFC 7301) on the server: h2 if both sides offer it, else http/1.1; a client that
// offers neither gets no ALPN and HTTP/1.1.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void* arg) {
  bool h2 = arg != nullptr;
  const unsigned char* http11 = nullptr;
  for (unsigned int i = 0; i < inlen;) {
    unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    std::string_view proto(reinterpret_cast<const char*>(in + i + 1), len);
    if (h2 && proto == "h2") {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    if (proto == "http/1.1") http11 = in + i + 1;
    i += 1 + len;
  }
  if (http11) {
    *out = http11;
    *outlen = 8;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  std::string h = host;
  if (h.size() >= 2 && h.front() == '[') h = h.substr(1, h.size() - 2);
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

}  // namespace

Expected<std::shared_ptr<TlsServerContext>> TlsServerContext::create(const TlsServerOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return Error{fmt::format("SSL_CTX_new: {}", openssl_errors())};
  apply_modern_defaults(ctx);
  if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
    std::string e = openssl_errors();
    SSL_CTX_free(ctx);
    return Error{fmt::format("TLS certificate file '{}': {}", options.cert_file, e)};
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    std::string e = openssl_errors();
    SSL_CTX_free(ctx);
    return Error{fmt::format("TLS key file '{}': {}", options.key_file, e)};
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    std::string e = openssl_errors();
    SSL_CTX_free(ctx);
    return Error{fmt::format("TLS key '{}' does not match certificate '{}': {}", options.key_file,
                             options.cert_file, e)};
  }
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, options.h2 ? reinterpret_cast<void*>(1) : nullptr);
  return std::shared_ptr<TlsServerContext>(new TlsServerContext(ctx));
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

std::string TlsClientOptions::key() const {
  std::string k = verify ? "verify" : "noverify";
  k += "|ca=" + ca_file + "|alpn=";
  for (auto& a : alpn) k += a + ",";
  return k;
}

Expected<std::shared_ptr<TlsClientContext>> TlsClientContext::create(const TlsClientOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return Error{fmt::format("SSL_CTX_new: {}", openssl_errors())};
  apply_modern_defaults(ctx);
  if (options.verify) {
    int ok = options.ca_file.empty()
                 ? SSL_CTX_set_default_verify_paths(ctx)
                 : SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr);
    if (ok != 1) {
      std::string e = openssl_errors();
      SSL_CTX_free(ctx);
      return Error{options.ca_file.empty() ? fmt::format("system CA store: {}", e)
                                           : fmt::format("CA file '{}': {}", options.ca_file, e)};
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  std::string wire;
  for (const std::string& p : options.alpn) {
    wire.push_back(static_cast<char>(p.size()));
    wire += p;
  }
  if (!wire.empty())
    SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned int>(wire.size()));
  return std::shared_ptr<TlsClientContext>(new TlsClientContext(ctx, options.verify));
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

TlsTransport::TlsTransport(int fd, SSL* ssl) : Transport(fd), ssl_(ssl) {
  SSL_set_app_data(ssl_, this);
  SSL_set_info_callback(ssl_, info_callback);
}

TlsTransport::~TlsTransport() { SSL_free(ssl_); }

void TlsTransport::info_callback(const SSL* ssl, int where, int ret) {
  if (!(where & SSL_CB_READ_ALERT)) return;
  auto* self = static_cast<TlsTransport*>(SSL_get_app_data(ssl));
  if (!self || (ret >> 8) != SSL3_AL_FATAL) return;
  self->alert_received_ = ret & 0xff;
  self->alert_message_ = SSL_alert_desc_string_long(ret);
}

std::unique_ptr<TlsTransport> TlsTransport::accept(int fd, const TlsServerContext& context) {
  SSL* ssl = SSL_new(context.get());
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, fd);
  SSL_set_accept_state(ssl);
  return std::unique_ptr<TlsTransport>(new TlsTransport(fd, ssl));
}

std::unique_ptr<TlsTransport> TlsTransport::connect(int fd, const TlsClientContext& context,
                                                    const std::string& host) {
  SSL* ssl = SSL_new(context.get());
  if (!ssl) return nullptr;
  SSL_set_fd(ssl, fd);
  SSL_set_connect_state(ssl);
  if (!is_ip_literal(host)) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (context.verify()) {
    std::string h = host;
    if (h.size() >= 2 && h.front() == '[') h = h.substr(1, h.size() - 2);
    if (is_ip_literal(host)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), h.c_str());
    } else {
      SSL_set1_host(ssl, h.c_str());
    }
  }
  return std::unique_ptr<TlsTransport>(new TlsTransport(fd, ssl));
}

IoResult TlsTransport::fail_from(int ssl_result, const char* operation) {
  int err = SSL_get_error(ssl_, ssl_result);
  switch (err) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return {IoStatus::would_block};
    case SSL_ERROR_ZERO_RETURN:
      return {IoStatus::eof};
    case SSL_ERROR_SYSCALL: {
      int e = errno;
      if (e == 0) return {IoStatus::eof};
      error_ = fmt::format("TLS {}: {}", operation, std::strerror(e));
      return {IoStatus::error, 0, e};
    }
    default:
      error_ = fmt::format("TLS {}: {}", operation, openssl_errors());
      return {IoStatus::error};
  }
}

IoResult TlsTransport::handshake() {
  if (handshake_done_) return {IoStatus::ok};
  ERR_clear_error();
  errno = 0;
  int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    handshake_done_ = true;
    return {IoStatus::ok};
  }
  verify_result_ = SSL_get_verify_result(ssl_);
  IoResult result = fail_from(r, "handshake");
  if (result.status == IoStatus::eof) {
    error_ = "TLS handshake: the peer closed the connection";
    result.status = IoStatus::error;
  }
  return result;
}

ErrorCode TlsTransport::handshake_error() const {
  if (verify_result_ != X509_V_OK)
    return ErrorCode::make(ErrorKind::tls_certificate_error,
                           fmt::format("certificate verification failed: {}",
                                       X509_verify_cert_error_string(verify_result_)));
  if (alert_received_ >= 0) {
    ErrorCode e = ErrorCode::make(ErrorKind::tls_alert_received,
                                  fmt::format("TLS alert received: {}", alert_message_));
    e.number = static_cast<uint64_t>(alert_received_);
    e.text = alert_message_;
    return e;
  }
  return ErrorCode::make(ErrorKind::tls_protocol_error, error_);
}

std::string_view TlsTransport::alpn() const {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl_, &data, &len);
  return std::string_view(reinterpret_cast<const char*>(data), len);
}

IoResult TlsTransport::read(char* buffer, size_t size) {
  ERR_clear_error();
  errno = 0;
  size_t n = 0;
  int r = SSL_read_ex(ssl_, buffer, size, &n);
  if (r == 1) return {IoStatus::ok, n};
  return fail_from(r, "read");
}

IoResult TlsTransport::write(const char* data, size_t size) {
  if (size == 0) return {IoStatus::ok, 0};
  ERR_clear_error();
  errno = 0;
  size_t n = 0;
  int r = SSL_write_ex(ssl_, data, size, &n);
  if (r == 1) return {IoStatus::ok, n};
  IoResult result = fail_from(r, "write");
  if (result.status == IoStatus::eof) result = {IoStatus::error, 0, EPIPE};
  return result;
}

void TlsTransport::shutdown_write() {
  if (handshake_done_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // sends close_notify; we do not wait for the peer's
  }
  Transport::shutdown_write();
}

}  // namespace wasmrun::http
