// The client's connection pool for one (scheme, authority, TLS settings): its open connections,
// the connectors opening new ones (DNS → TCP connect → TLS handshake with ALPN), and the queue of
// exchanges waiting for a connection.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/client.h"
#include "http/transport.h"

namespace wasmrun::http {

class Connector;

struct HostPool {
  HostPool(Client& client, std::string key, std::string scheme, std::string host, uint16_t port);
  ~HostPool();

  void enqueue(std::shared_ptr<ClientExchange> exchange);
  void dispatch();
  void on_connected(Connector* connector, std::unique_ptr<Transport> transport);
  void on_connect_failed(Connector* connector, ErrorCode error);
  // A connection finished its exchanges and may serve more.
  void on_connection_idle(ClientConnection* connection);
  // A connection closed; it is deleted after the current batch.
  void release(ClientConnection* connection);

  Client& client;
  std::string key;
  std::string scheme;
  std::string host;
  uint16_t port;
  bool tls;
  std::unordered_map<ClientConnection*, std::unique_ptr<ClientConnection>> connections;
  std::unordered_map<Connector*, std::unique_ptr<Connector>> connectors;
  std::deque<std::shared_ptr<ClientExchange>> pending;
  bool dispatching = false;
  bool spoke_http1 = false;  // a connection here negotiated HTTP/1.1: open several in parallel
};

// Opens one connection: resolve, connect to each address in turn, TLS handshake. Reports to its
// pool exactly once (on_connected or on_connect_failed).
class Connector : public IoWatcher {
 public:
  Connector(HostPool& pool, Duration timeout);
  ~Connector() override;
  void start();
  void on_io(uint32_t events) override;

 private:
  void try_next_address();
  void fail(ErrorCode error);
  void succeed();

  HostPool& pool_;
  std::vector<SocketAddress> addresses_;
  size_t next_ = 0;
  int fd_ = -1;
  bool watching_ = false;
  bool connected_ = false;
  std::unique_ptr<Transport> transport_;
  std::optional<ErrorCode> last_error_;
  Duration timeout_;
  Timer timer_;
  bool finished_ = false;
};

}  // namespace wasmrun::http
