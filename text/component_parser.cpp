#include "text/component_parser.h"

namespace wasmrun::text {

std::vector<uint8_t> ComponentParser::parse() { c_.fail("components are not supported yet"); }

}  // namespace wasmrun::text
