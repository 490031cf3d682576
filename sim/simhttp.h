#pragma once

#include "net/httpserver.h"

namespace kassa::sim {

// The simulator serves its API and hosted pages on kassa_net's HTTP server.
using net::HttpHeaders;
using net::HttpRequest;
using net::HttpResponder;
using net::HttpResponse;
using net::HttpServer;

} // namespace kassa::sim
