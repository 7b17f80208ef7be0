#include "text/wast_script.h"

namespace wasmrun::text {

const char* to_string(WastCommand::Kind kind) {
  switch (kind) {
    case WastCommand::Kind::Module: return "module";
    case WastCommand::Kind::Register: return "register";
    case WastCommand::Kind::Action: return "action";
    case WastCommand::Kind::AssertReturn: return "assert_return";
    case WastCommand::Kind::AssertTrap: return "assert_trap";
    case WastCommand::Kind::AssertExhaustion: return "assert_exhaustion";
    case WastCommand::Kind::AssertInvalid: return "assert_invalid";
    case WastCommand::Kind::AssertMalformed: return "assert_malformed";
    case WastCommand::Kind::AssertUnlinkable: return "assert_unlinkable";
    case WastCommand::Kind::AssertUninstantiable: return "assert_uninstantiable";
    case WastCommand::Kind::ModuleInstance: return "module instance";
    case WastCommand::Kind::AssertException: return "assert_exception";
  }
  return "?";
}

}  // namespace wasmrun::text
