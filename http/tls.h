// TLS over a non-blocking socket with OpenSSL: server contexts (certificate and key files, ALPN
// h2 / http/1.1) and client contexts (verification against the system store or a CA file,
// SNI and host-name checks). Modern defaults: TLS 1.2 or later, no compression, no
// renegotiation, OpenSSL's default cipher suites.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/error_code.h"
#include "http/transport.h"
#include "wasmrun/expected.h"

struct ssl_st;
struct ssl_ctx_st;

namespace wasmrun::http {

struct TlsServerOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  bool h2 = true;         // offer h2 in ALPN (else http/1.1 only)
};

class TlsServerContext {
 public:
  static Expected<std::shared_ptr<TlsServerContext>> create(const TlsServerOptions& options);
  ~TlsServerContext();
  ssl_ctx_st* get() const { return ctx_; }

 private:
  explicit TlsServerContext(ssl_ctx_st* ctx) : ctx_(ctx) {}
  ssl_ctx_st* ctx_;
};

struct TlsClientOptions {
  bool verify = true;     // verify the peer's certificate chain and host name
  std::string ca_file;    // PEM CA bundle; empty: the system store
  std::vector<std::string> alpn = {"h2", "http/1.1"};
  // A stable string identifying these settings (part of the connection-pool key).
  std::string key() const;
};

class TlsClientContext {
 public:
  static Expected<std::shared_ptr<TlsClientContext>> create(const TlsClientOptions& options);
  ~TlsClientContext();
  ssl_ctx_st* get() const { return ctx_; }
  bool verify() const { return verify_; }

 private:
  TlsClientContext(ssl_ctx_st* ctx, bool verify) : ctx_(ctx), verify_(verify) {}
  ssl_ctx_st* ctx_;
  bool verify_;
};

class TlsTransport : public Transport {
 public:
  static std::unique_ptr<TlsTransport> accept(int fd, const TlsServerContext& context);
  // `host` is sent as SNI (unless it is an IP literal) and checked against the certificate.
  static std::unique_ptr<TlsTransport> connect(int fd, const TlsClientContext& context,
                                               const std::string& host);
  ~TlsTransport() override;

  IoResult read(char* buffer, size_t size) override;
  IoResult write(const char* data, size_t size) override;
  IoResult handshake() override;
  std::string_view alpn() const override;
  bool secure() const override { return true; }
  bool short_read_drains() const override { return false; }
  void shutdown_write() override;

  // After handshake() failed: the failure as a typed error (certificate, alert, protocol).
  ErrorCode handshake_error() const;

 private:
  TlsTransport(int fd, ssl_st* ssl);
  IoResult fail_from(int ssl_result, const char* operation);
  static void info_callback(const ssl_st* ssl, int where, int ret);

  ssl_st* ssl_;
  bool handshake_done_ = false;
  int alert_received_ = -1;
  std::string alert_message_;
  long verify_result_ = 0;
};

}  // namespace wasmrun::http
