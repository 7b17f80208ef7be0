;; Mutation: assert_uninstantiable on a module with an unknown import.
(assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
(assert_uninstantiable (module (import "nowhere" "f" (func))) "unknown import")
